#!/usr/bin/env bash
# Boots one 3-host fleet (tests/sandbox/fleet-up), runs every tests/fleet/t_*.sh
# against it, and always takes the fleet down again.  A t_*.sh exits 0 on pass, 77 to
# skip, anything else on failure.  The tests get SANDBOX_DIR, DIR/env's variables
# (SANDBOX_OPS runs a command on the ops machine) and RBDWHO (an absolute path).
# FLEET_ONLY=SUBSTRING runs only the tests whose name contains it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export RBDWHO="${RBDWHO:-$top/rbdwho}"
case $RBDWHO in /*) ;; *) RBDWHO=$(cd "$(dirname "$RBDWHO")" && pwd)/$(basename "$RBDWHO") ;; esac
SANDBOX_DIR=$(mktemp -d /tmp/rbdwho-fleet.XXXXXX)
export SANDBOX_DIR
trap '"$top/tests/sandbox/down" "$SANDBOX_DIR" >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM

if ! "$top/tests/sandbox/fleet-up" "$SANDBOX_DIR" --hosts 3; then
  echo "fleet: the fleet did not boot"
  echo "fleet: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
# shellcheck disable=SC1091
. "$SANDBOX_DIR/env"

passed=0 failed=0 skipped=0 failures=""
for t in "$here"/t_*.sh; do
  name=$(basename "$t" .sh)
  if [ -n "${FLEET_ONLY:-}" ] && [[ "$name" != *"$FLEET_ONLY"* ]]; then continue; fi
  echo "== $name"
  bash "$t"; rc=$?
  case $rc in
    0) passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)); echo "  (skipped)" ;;
    *) failed=$((failed + 1)); failures="$failures $name" ;;
  esac
done
[ -n "$failures" ] && echo "fleet: failed:$failures"
echo "fleet: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
