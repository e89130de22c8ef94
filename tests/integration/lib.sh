# lib.sh — sourced by tests/integration/t_*.sh: checks that count, and helpers.
# Each check prints one line; the script's exit status is the number of failures.
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); echo "  ok    $*"; }
fail() { FAILS=$((FAILS + 1)); echo "  FAIL  $*"; }

# check "what" command…: passes when the command succeeds.
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

# expect_exit N "what" command…: passes when the command exits with N.
expect_exit() {
  local want=$1 what=$2; shift 2
  "$@" >/dev/null 2>&1; local rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$what"; else fail "$what (exit $rc, want $want)"; fi
}

# jq-free JSON queries: python3 evaluates an expression on the parsed document `d`.
json_get() {  # json_get FILE 'expr'
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

new_uuid() { python3 -c 'import uuid; print(uuid.uuid4())'; }

# The exit status a t_*.sh ends with.
finish() {
  echo "  $PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
