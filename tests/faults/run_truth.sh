#!/usr/bin/env bash
# The fault matrix, issue 9's rows: a failure to know is exit 4 (never 0, never
# 3 "no image"), named in "errors", and waiting for a broken backend costs about
# one timeout, not one per holder or per pool. Each row passes only on the exact
# exit status it expects (a death by a signal never passes). Boots its own
# sandbox: the OSD is stopped here.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
OSD_PID=
faults_cleanup() { [ -n "$OSD_PID" ] && kill -CONT "$OSD_PID" 2>/dev/null; }
faults_boot faults-truth
has() { printf '%s' "$1" | grep -Eiq "$2"; }  # has TEXT REGEX

# Five held images whose instances Nova does not know (ORPHANs when Nova
# answers); the first is held by three qemus, whose Nova look-ups a find or a
# scan makes one after another.
VOLS=()
for k in 1 2 3 4 5; do
  v=$(uuid); VOLS+=("$v")
  rbd create --size 16 "volumes/volume-$v"
  "$SB/hold" "$D" "volumes/volume-$v" --name "instance-0000f0$k" --uuid "$(uuid)" >/dev/null ||
    echo "  (hold $k failed)"
done
for k in 2 3; do
  "$SB/hold" "$D" "volumes/volume-${VOLS[0]}" --name "instance-0000f1$k" --uuid "$(uuid)" >/dev/null ||
    echo "  (hold 1.$k failed)"
done
VOL=${VOLS[0]}
errs='" / ".join(d["errors"])'

echo "== Nova and Keystone: exit 4, named"
"$SB/osdata" "$D" fault nova '{"delay_ms": 5000}' >/dev/null
run_find scan-nova-hangs -- scan volumes --json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && has "$e" "nova.*(time|within)" && bounded $((TMO * 2 + 1)) || ok=1
row nova "Nova hangs: scan of 5 held images (7 holders)" "exit 4 within ~2 timeouts, errors name Nova" \
  "exit $RC, ${SECS}s: ${e:0:90}" $ok
run_find find-nova-hangs -- find "$VOL" --json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && [ "$(q 'd["verdict"]')" = UNKNOWN ] && has "$e" "nova" && bounded $((TMO + 2)) || ok=1
row nova "Nova hangs: find, 3 holders" "exit 4, UNKNOWN, within ~1 timeout" "exit $RC, $(q 'd["verdict"]'), ${SECS}s" $ok
"$SB/osdata" "$D" fault nova '{"down": true}' >/dev/null
run_find scan-nova-down -- scan --orphans --json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && [ "$(q 'd["not_judged"]')" -ge 5 ] 2>/dev/null && has "$e" "nova" || ok=1
row nova "scan --orphans, Nova down" "exit 4, errors name Nova, not_judged counted" \
  "exit $RC, not_judged $(q 'd["not_judged"]'): ${e:0:80}" $ok
"$SB/osdata" "$D" clear-faults >/dev/null

OS_PASSWORD=wrong-password run_find scan-badpw -- scan --orphans --json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && has "$e" "401|credential|password|unauthori" || ok=1
row keystone "scan --orphans, credentials refused" "exit 4, errors say auth failed" "exit $RC: ${e:0:90}" $ok
OS_PASSWORD=wrong-password run_find find-badpw -- find "$VOL" --json
ok=0; [ "$RC" -eq 4 ] && [ "$(q 'd["verdict"]')" = UNKNOWN ] || ok=1
row keystone "find, credentials refused" "exit 4, UNKNOWN" "exit $RC, $(q 'd["verdict"]')" $ok

"$SB/osdata" "$D" add-app-cred ac-member member-cred s3cret-member --roles member,reader >/dev/null
( unset OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME
  export OS_AUTH_TYPE=v3applicationcredential OS_APPLICATION_CREDENTIAL_ID=ac-member \
    OS_APPLICATION_CREDENTIAL_SECRET=s3cret-member
  run_find scan-member -- scan --orphans --json
  echo "$RC $SECS" >"$W/member.rc" )
read -r RC SECS <"$W/member.rc"; OUT=$W/scan-member.json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && [ "$(q 'd["orphans"]')" = 0 ] && has "$e" "admin" || ok=1
row nova "scan --orphans, non-admin credentials" "exit 4, errors say a 404 is no proof without admin" \
  "exit $RC, orphans $(q 'd["orphans"]'): ${e:0:80}" $ok

echo "== Ceph: an OSD that does not answer"
OSD_PID=$(cat "$D"/pids/osd*.pid 2>/dev/null | head -n 1)
kill -STOP "$OSD_PID"
run_find find-osd -- find "$VOL"
ok=0
[ "$RC" -eq 4 ] && bounded $((TMO + 2)) && grep -q "4 of 4 pools could not be asked" "$OUT.err" || ok=1
row ceph "find UUID, OSD stopped (4 pools)" "exit 4 (never 3) within ~1 timeout, names the pools" \
  "exit $RC, ${SECS}s: $(head -c 90 "$OUT.err")" $ok
run_find scan-osd -- scan --json
e=$(q "$errs"); ok=0
[ "$RC" -eq 4 ] && [ "$(q 'len(d["errors"])')" -ge 1 ] 2>/dev/null && has "$e" "time" || ok=1
row ceph "scan, OSD stopped" "exit 4, errors name the pools" "exit $RC, ${SECS}s: ${e:0:80}" $ok
run_find scan-osd-text -- scan volumes
ok=0
[ "$RC" -eq 4 ] && grep -q "pool volumes" "$OUT.err" || ok=1
row ceph "scan (text), OSD stopped" "exit 4, the pool named on stderr" "exit $RC: $(grep -m1 'pool volumes' "$OUT.err" | head -c 80)" $ok
kill -CONT "$OSD_PID"; OSD_PID=

echo
print_matrix
echo
echo "faults (truth): $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
