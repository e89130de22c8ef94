#!/usr/bin/env bash
# The browser quits promptly while a host hangs: c2's sshd is frozen (TCP connects,
# no banner ever comes), the browser (in tmux, on ops) is sent to an image held on c2,
# and once its ssh to c2 is waiting, `q` must end it within a few seconds (not after
# the 20 s timeout), exit 0, and leave no ssh (nor rbdwho) running on ops.
set -u
. "$(dirname "$0")/lib.sh"
# shellcheck source=../ui/lib.sh
. "$(dirname "$0")/../ui/lib.sh"
T=$(mktemp -d /tmp/rbdwho-fleet-uh.XXXXXX)
thawed=1
cleanup() {
  ui_stop
  [ $thawed = 1 ] || "$SB/fleet-host" "$D" c2 thaw >/dev/null 2>&1
  fleet_unhold_all
  rm -rf "$T"
}
trap cleanup EXIT

# ops_procs REGEX: the pids and command lines of processes on ops whose command line matches
ops_procs() { "$OPS" ps -eo pid=,args= | grep -E -- "$1" | grep -v -E 'grep|ps -eo'; }

VOL=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$VOL"
fleet_hold "volumes/volume-$VOL" instance-0000a2a2 c2 --uuid "$(new_uuid)" || fail "hold --host c2"
"$SB/fleet-host" "$D" c2 freeze >/dev/null && thawed=0 || fail "freeze c2"

# the browser on ops, through DIR/ops (it enters the ops machine and runs rbdwho there)
# shellcheck disable=SC2034 # read by ui_start (tests/ui/lib.sh)
UI_BIN=$OPS
ui_start "$RBDWHO" --timeout 20 --goto "volumes/volume-$VOL"
waiting=""
for _ in $(seq 150); do  # up to 15 s for the browser to reach c2
  waiting=$(ops_procs '^ *[0-9]+ ssh .*-- c2( |$)') && break
  python3 -c 'import time; time.sleep(0.1)'
done
[ -n "$waiting" ] && pass "the browser's ssh to c2 is waiting on the frozen host" ||
  fail "the browser's ssh to c2 is waiting (none seen; screen: $(ui_screen | head -n 5 | tr -s ' '))"

t0=$(date +%s%N)
ui_keys q
ui_wait 'RBDWHO-EXITED' 100 >/dev/null 2>&1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ui_screen | grep -q 'RBDWHO-EXITED rc=0' && pass "q exits 0" || fail "q exits 0 ($(ui_screen | grep RBDWHO-EXITED))"
[ "$ms" -le 5000 ] && pass "q ends the browser promptly while c2 hangs (${ms} ms)" ||
  fail "q ends the browser promptly while c2 hangs (${ms} ms; the timeout is 20 s)"

# what it started ends with it: polled (a TERMed ssh takes a moment), bounded
left=""
for _ in $(seq 50); do
  left=$(ops_procs '^ *[0-9]+ (ssh|\S*rbdwho) ') || break
  python3 -c 'import time; time.sleep(0.1)'
done
[ -z "$left" ] && pass "no ssh or rbdwho left on ops" || fail "left on ops: $left"
"$SB/fleet-host" "$D" c2 thaw >/dev/null && thawed=1
finish
