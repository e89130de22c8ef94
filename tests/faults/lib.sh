# lib.sh — sourced by tests/faults/run*.sh: the sandbox they boot, and one row of
# the fault matrix per scenario. HERE (this directory) is set before sourcing.
ROWS=()

# faults_boot TAG: boots the script's own sandbox. Sets TOP, SB, RBDWHO (unless
# set), TMO (seconds per backend call in these runs), D (the sandbox) and W (a
# work directory), both /tmp/rbdwho-TAG*; sources D/env. On exit the script's
# own faults_cleanup runs first (when it defines one: it may need Ceph, e.g. to
# resume a stopped daemon), then the sandbox goes down and W is removed. A
# sandbox that does not boot is the run's one failure.
faults_boot() {
  TOP=$(cd "$HERE/../.." && pwd)
  SB=$TOP/tests/sandbox
  export RBDWHO=${RBDWHO:-$TOP/rbdwho}
  TMO=2
  D=$(mktemp -d "/tmp/rbdwho-$1.XXXXXX")
  W=$(mktemp -d "/tmp/rbdwho-$1-work.XXXXXX")
  trap faults_teardown EXIT INT TERM
  "$SB/up" "$D" >/dev/null || { echo "faults: the sandbox did not boot"; echo "0 passed, 1 failed"; exit 1; }
  . "$D/env"
}

faults_teardown() {
  if declare -F faults_cleanup >/dev/null; then faults_cleanup; fi
  "$SB/down" "$D" >/dev/null 2>&1
  rm -rf "$W"
}

uuid() { python3 -c 'import uuid; print(uuid.uuid4())'; }
PASSES=0
FAILS=0

# run_find NAME -- ARGS… : runs rbdwho find with a short timeout, sets RC, SECS, RSS, OUT.
run_find() {
  local name=$1; shift 2
  OUT=$W/$name.json
  read -r RC SECS RSS < <(python3 "$HERE/measure.py" "$OUT" -- "$RBDWHO" --timeout "$TMO" "$@")
}

# jq-free JSON query on $OUT; prints "?" when the output is not JSON.
q() {
  python3 -c 'import json,sys
try: d=json.load(open(sys.argv[1]))
except Exception: print("?"); sys.exit()
try: print(eval(sys.argv[2]))
except Exception: print("?")' "$OUT" "$1"
}

# row AREA SCENARIO EXPECTED OBSERVED OK(0/1)
row() {
  local ok=$5 mark=pass
  if [ "$ok" -eq 0 ]; then PASSES=$((PASSES + 1)); else FAILS=$((FAILS + 1)); mark=FAIL; fi
  ROWS+=("| $1 | $2 | $3 | $4 | $mark |")
  printf '  %-4s %-10s %s — %s\n' "$mark" "$1" "$2" "$4"
}

# rc_is WANT: the command exited with exactly WANT. measure.py reports a death by a
# signal as -SIG (and a run past its limit as 124), so a crash never passes a row
# that expects an exit status, whatever the status.
rc_is() { [ "$RC" -ge 0 ] && [ "$RC" -eq "$1" ]; }

# rc_text: the status as a row shows it ("exit 4", "killed by SIGABRT").
rc_text() {
  if [ "$RC" -lt 0 ]; then echo "killed by SIG$(kill -l $((-RC)) 2>/dev/null || echo $((-RC)))"
  else echo "exit $RC"; fi
}

# Within the bound: each backend call has TMO seconds; a find makes a handful in a row.
bounded() { python3 -c "import sys; sys.exit(0 if float('$SECS') <= float('$1') else 1)"; }

print_matrix() {
  echo "| area | scenario | expected | observed | |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
}
