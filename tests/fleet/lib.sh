# shellcheck shell=bash
# lib.sh — sourced by tests/fleet/t_*.sh: the integration tests' checks (pass, fail,
# check, expect_exit, json_get, finish) plus the fleet: D (the fleet's DIR), OPS (runs
# a command on the ops machine), SB (tests/sandbox), and holders undone on exit.
# shellcheck source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
SB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sandbox" && pwd)
D=$SANDBOX_DIR
# shellcheck disable=SC2034 # for the tests
OPS=$SANDBOX_OPS
FLEET_HELD=()

# fleet_hold POOL/IMAGE NAME HOST [hold's options…]: a holder on HOST, undone on exit.
fleet_hold() {
  local spec=$1 name=$2 host=$3
  shift 3
  "$SB/hold" "$D" "$spec" --name "$name" --host "$host" "$@" >/dev/null && FLEET_HELD+=("$name")
}
fleet_unhold_all() {
  local n
  for n in "${FLEET_HELD[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  FLEET_HELD=()
}
trap fleet_unhold_all EXIT

# jget FILE EXPR: json_get, or "?" when FILE holds no JSON (so the check fails, loudly).
jget() { json_get "$1" "$2" 2>/dev/null || echo '?'; }
