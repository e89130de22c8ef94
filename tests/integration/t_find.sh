#!/usr/bin/env bash
# The chain end to end on the real sandbox: the classic orphan, a healthy
# attached instance, Nova down, both qemu argv forms, two watchers, none, a pool
# name with dots, and rbd status's own JSON agreeing with rbdwho's watcher list.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=$SANDBOX_DIR
T=$(mktemp -d /tmp/rbdwho-find.XXXXXX)
held=()
cleanup() {
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  "$SB/osdata" "$D" clear-faults >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

hold() {  # hold POOL/IMAGE NAME UUID STYLE
  "$SB/hold" "$D" "$1" --name "$2" --uuid "$3" --style "$4" >/dev/null && held+=("$2")
}

# --- the classic case: Cinder says available, a qemu still holds the volume,
#     and Nova no longer knows the instance.
VOL=$(new_uuid); INST=$(new_uuid)
rbd create --size 64 "volumes/volume-$VOL"
"$SB/osdata" "$D" add-volume "$VOL" --name classic --status available
hold "volumes/volume-$VOL" instance-0000c1a5 "$INST" drive || fail "hold (drive form)"

"$RBDWHO" find "$VOL" --json >"$T/classic.json"; rc=$?
[ $rc -eq 0 ] && pass "find by UUID exits 0" || fail "find by UUID exits 0 (got $rc)"
[ "$(json_get "$T/classic.json" 'd["pool"]+"/"+d["image"]')" = "volumes/volume-$VOL" ] &&
  pass "classic: located in pool volumes" || fail "classic: located in pool volumes"
[ "$(json_get "$T/classic.json" 'len(d["watchers"])')" = 1 ] &&
  pass "classic: one watcher" || fail "classic: one watcher"
[ "$(json_get "$T/classic.json" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
  pass "classic: verdict ORPHAN" || fail "classic: verdict ORPHAN"
[ "$(json_get "$T/classic.json" 'd["watchers"][0]["holders"][0]["uuid"]')" = "$INST" ] &&
  pass "classic: holder uuid from qemu -uuid" || fail "classic: holder uuid from qemu -uuid"
[ "$(json_get "$T/classic.json" 'd["watchers"][0]["holders"][0]["name"]')" = instance-0000c1a5 ] &&
  pass "classic: holder name from -name guest=" || fail "classic: holder name from -name guest="
[ "$(json_get "$T/classic.json" 'd["watchers"][0]["holders"][0]["pid"] > 0')" = True ] &&
  pass "classic: holder pid known" || fail "classic: holder pid known"
[ "$(json_get "$T/classic.json" 'd["watchers"][0]["host_source"]+" "+d["watchers"][0]["host"]')" = "ceph monitor session $(hostname)" ] &&
  pass "classic: host from the monitors' session: this machine" || fail "classic: host from the monitors' session: this machine"
[ "$(json_get "$T/classic.json" 'd["cinder"]["status"]+str(len(d["cinder"]["attachments"]))')" = available0 ] &&
  pass "classic: cinder available, no attachments" || fail "classic: cinder available, no attachments"
"$RBDWHO" find "volume-$VOL" >"$T/classic.txt"
grep -q "Cinder reports no attachments, but Ceph lists 1 watcher" "$T/classic.txt" &&
  pass "classic: the symptom stated plainly" || fail "classic: the symptom stated plainly"
grep -q "ORPHAN" "$T/classic.txt" && pass "classic: text says ORPHAN" || fail "classic: text says ORPHAN"
"$RBDWHO" find "volumes/volume-$VOL" --json >"$T/byname.json" &&
  [ "$(json_get "$T/byname.json" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
  pass "find by POOL/IMAGE" || fail "find by POOL/IMAGE"

# rbd status's own JSON and rbdwho agree on the watcher list.
rbd status "volumes/volume-$VOL" --format json >"$T/status.json"
[ "$(json_get "$T/status.json" 'sorted(w["address"] for w in d["watchers"])')" = \
  "$(json_get "$T/classic.json" 'sorted(w["address"] for w in d["watchers"])')" ] &&
  pass "watcher addresses agree with rbd status" || fail "watcher addresses agree with rbd status"
[ "$(json_get "$T/status.json" 'sorted(w["client"] for w in d["watchers"])')" = \
  "$(json_get "$T/classic.json" 'sorted(w["client"] for w in d["watchers"])')" ] &&
  pass "client ids agree with rbd status" || fail "client ids agree with rbd status"

# --- Nova down: the same holder is UNKNOWN, never ORPHAN.
"$SB/osdata" "$D" fault nova '{"down": true}'
"$RBDWHO" find "$VOL" --json >"$T/down.json"
[ "$(json_get "$T/down.json" 'd["watchers"][0]["verdict"]')" = UNKNOWN ] &&
  pass "nova down: UNKNOWN" || fail "nova down: UNKNOWN"
"$SB/osdata" "$D" fault nova '{"status": 500}'
"$RBDWHO" find "$VOL" --json >"$T/500.json"
[ "$(json_get "$T/500.json" 'd["watchers"][0]["verdict"]')" = UNKNOWN ] &&
  pass "nova 500: UNKNOWN" || fail "nova 500: UNKNOWN"
"$SB/osdata" "$D" clear-faults

# --- only an admin's 404 proves a server is gone: Nova shows other projects'
#     servers to non-admin tokens as 404 too.
"$SB/osdata" "$D" add-app-cred ac-member member-cred s3cret-member --roles member,reader
"$SB/osdata" "$D" add-app-cred ac-admin admin-cred s3cret-admin
appcred() {  # appcred ID SECRET: run rbdwho authenticated by that application credential
  local id=$1 secret=$2; shift 2
  env -u OS_USERNAME -u OS_PASSWORD -u OS_PROJECT_NAME -u OS_USER_DOMAIN_NAME \
    -u OS_PROJECT_DOMAIN_NAME OS_AUTH_TYPE=v3applicationcredential \
    OS_APPLICATION_CREDENTIAL_ID="$id" OS_APPLICATION_CREDENTIAL_SECRET="$secret" "$RBDWHO" "$@"
}
appcred ac-member s3cret-member find "$VOL" --json >"$T/member.json"
[ "$(json_get "$T/member.json" 'd["watchers"][0]["verdict"]')" = UNKNOWN ] &&
  pass "non-admin credentials: a 404 is not proof, UNKNOWN" || fail "non-admin credentials: a 404 is not proof, UNKNOWN"
json_get "$T/member.json" 'd["watchers"][0]["reason"]' | grep -q "admin role" &&
  pass "non-admin credentials: says why" || fail "non-admin credentials: says why"
appcred ac-admin s3cret-admin find "$VOL" --json >"$T/acadmin.json"
[ "$(json_get "$T/acadmin.json" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
  pass "admin application credential: ORPHAN" || fail "admin application credential: ORPHAN"

# --- a healthy attached instance, disk given as -blockdev JSON.
VOL2=$(new_uuid); INST2=$(new_uuid)
rbd create --size 64 "volumes/volume-$VOL2"
"$SB/osdata" "$D" add-server "$INST2" healthy --instance-name instance-0000a77a
"$SB/osdata" "$D" add-volume "$VOL2" --name healthy --status in-use --attach "$INST2"
hold "volumes/volume-$VOL2" instance-0000a77a "$INST2" blockdev || fail "hold (blockdev form)"
"$RBDWHO" find "$VOL2" --json >"$T/attached.json"
[ "$(json_get "$T/attached.json" 'd["watchers"][0]["verdict"]')" = ATTACHED ] &&
  pass "blockdev holder, Nova knows it: ATTACHED" || fail "blockdev holder, Nova knows it: ATTACHED"
[ "$(json_get "$T/attached.json" 'd["watchers"][0]["holders"][0]["uuid"]')" = "$INST2" ] &&
  pass "blockdev form: holder found" || fail "blockdev form: holder found"

# --- two watchers on one image.
VOL3=$(new_uuid); INST3=$(new_uuid); INST4=$(new_uuid)
rbd create --size 64 "volumes/volume-$VOL3"
hold "volumes/volume-$VOL3" instance-00000003 "$INST3" drive
hold "volumes/volume-$VOL3" instance-00000004 "$INST4" blockdev
"$RBDWHO" find "$VOL3" --json >"$T/two.json"
[ "$(json_get "$T/two.json" 'len(d["watchers"])')" = 2 ] &&
  pass "two watchers listed" || fail "two watchers listed"
rbd status "volumes/volume-$VOL3" --format json >"$T/status3.json"
[ "$(json_get "$T/status3.json" 'sorted(w["address"] for w in d["watchers"])')" = \
  "$(json_get "$T/two.json" 'sorted(w["address"] for w in d["watchers"])')" ] &&
  pass "two watchers agree with rbd status" || fail "two watchers agree with rbd status"
[ "$(json_get "$T/two.json" 'sorted(h["uuid"] for h in d["watchers"][0]["holders"])')" = \
  "$(python3 -c "print(sorted(['$INST3','$INST4']))")" ] &&
  pass "both holders found on the host" || fail "both holders found on the host"

# --- an image with no watchers.
VOL4=$(new_uuid)
rbd create --size 64 "volumes/volume-$VOL4"
"$RBDWHO" find "$VOL4" --json >"$T/none.json"
[ "$(json_get "$T/none.json" 'len(d["watchers"])')" = 0 ] &&
  pass "no watchers: empty list" || fail "no watchers: empty list"
"$RBDWHO" find "$VOL4" | grep -q "No watchers" &&
  pass "no watchers: said plainly" || fail "no watchers: said plainly"

# --- a pool name with dots, found by UUID search across pools.
VOL5=$(new_uuid); INST5=$(new_uuid)
rbd create --size 64 "my.pool.v2/volume-$VOL5"
hold "my.pool.v2/volume-$VOL5" instance-00000005 "$INST5" drive
"$RBDWHO" find "$VOL5" --json >"$T/dots.json"
[ "$(json_get "$T/dots.json" 'd["pool"]')" = my.pool.v2 ] &&
  pass "pool with dots located by UUID" || fail "pool with dots located by UUID"
[ "$(json_get "$T/dots.json" 'd["watchers"][0]["holders"][0]["uuid"]')" = "$INST5" ] &&
  pass "pool with dots: holder found" || fail "pool with dots: holder found"

# --- scan and procs see the same holders.
"$RBDWHO" scan --json >"$T/scan.json"
[ "$(json_get "$T/scan.json" 'sorted(i["image"] for i in d["images"] if i["pool"]=="volumes")')" = \
  "$(python3 -c "print(sorted(['volume-$VOL','volume-$VOL2','volume-$VOL3']))")" ] &&
  pass "scan lists exactly the held images" || fail "scan lists exactly the held images"
# The two-watcher image's holders are unknown to Nova too: orphans as well.
"$RBDWHO" scan volumes --orphans --json >"$T/orphans.json"
[ "$(json_get "$T/orphans.json" 'sorted(i["image"] for i in d["images"])')" = \
  "$(python3 -c "print(sorted(['volume-$VOL','volume-$VOL3']))")" ] &&
  pass "scan --orphans keeps only the orphans" || fail "scan --orphans keeps only the orphans"
"$RBDWHO" procs --json >"$T/procs.json"
[ "$(json_get "$T/procs.json" "sorted(p['uuid'] for p in d if p['uuid'] in ['$INST','$INST2','$INST5'])")" = \
  "$(python3 -c "print(sorted(['$INST','$INST2','$INST5']))")" ] &&
  pass "procs lists the qemu holders" || fail "procs lists the qemu holders"

finish
