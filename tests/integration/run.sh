#!/usr/bin/env bash
# Boots one sandbox (real Ceph + the OpenStack stand-in), runs every
# tests/integration/t_*.sh against it, and always takes the sandbox down again.
# A t_*.sh exits 0 on pass, 77 to skip, anything else on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export RBDWHO="${RBDWHO:-$top/rbdwho}"
SANDBOX_DIR=$(mktemp -d /tmp/rbdwho-it.XXXXXX)
export SANDBOX_DIR
trap '"$top/tests/sandbox/down" "$SANDBOX_DIR" >/dev/null 2>&1' EXIT INT TERM

if ! "$top/tests/sandbox/up" "$SANDBOX_DIR"; then
  echo "integration: the sandbox did not boot"
  echo "integration: 0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
. "$SANDBOX_DIR/env"

# Every --json output of the suites is kept and checked against doc/json-schema.md
# (tests that need the binary itself, such as valgrind's, use $RBDWHO_REAL).
export RBDWHO_REAL=$RBDWHO RBDWHO_JSON_DIR=$SANDBOX_DIR/json-outputs
mkdir -p "$RBDWHO_JSON_DIR"
RBDWHO=$here/record-json

passed=0 failed=0 skipped=0 failures=""
for t in "$here"/t_*.sh; do
  name=$(basename "$t" .sh)
  if [ -n "${INTEGRATION_ONLY:-}" ] && [[ "$name" != *"$INTEGRATION_ONLY"* ]]; then continue; fi
  echo "== $name"
  bash "$t"; rc=$?
  case $rc in
    0) passed=$((passed + 1)) ;;
    77) skipped=$((skipped + 1)); echo "  (skipped)" ;;
    *) failed=$((failed + 1)); failures="$failures $name" ;;
  esac
done
echo "== json schema"
shopt -s nullglob
if python3 "$here/json_schema.py" "$top/doc/json-schema.md" "$RBDWHO_JSON_DIR"/out.??????; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); failures="$failures json_schema"
fi
[ -n "$failures" ] && echo "integration: failed:$failures"
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
