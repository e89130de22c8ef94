#!/usr/bin/env bash
# Never a false word (issue 9), on the real sandbox: what an operator pastes
# (upper-case UUIDs, a UUID in several pools, Nova's other disks, an instance
# UUID, POOL/NAMESPACE/IMAGE not there), a Ceph config that cannot be read, and holders
# that are not running (a killed qemu's lingering watch; a libvirt domain whose
# qemu was killed, now shut off): a dead client, never an ORPHAN to destroy.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
T=$(mktemp -d /tmp/rbdwho-truth.XXXXXX)
held=()
images=()
started_libvirt=0
made_user=0
cleanup() {
  [ "$made_user" = 1 ] && ceph auth rm "client.nosess$$" >/dev/null 2>&1
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  for i in "${images[@]}"; do rbd rm "$i" >/dev/null 2>&1; done
  if [ "$started_libvirt" = 1 ]; then
    "$SB/libvirt-down" "$D" >/dev/null 2>&1
    sed -i '/SANDBOX_LIBVIRT_URI/d' "$D/env"
  fi
  rm -rf "$T"
}
trap cleanup EXIT
mkimg() { rbd create --size 16 "$1" && images+=("$1"); }
q() { json_get "$T/$1" "$2" 2>/dev/null; }

# --- a volume UUID pasted in upper case
VOL=$(new_uuid)
mkimg "volumes/volume-$VOL" || fail "rbd create"
"$RBDWHO" find "${VOL^^}" --json >"$T/upper.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q upper.json 'd["pool"]+"/"+d["image"]')" = "volumes/volume-$VOL" ] &&
  pass "upper-case UUID finds volume-uuid" || fail "upper-case UUID finds volume-uuid (exit $rc)"
"$RBDWHO" find "VOLUME-${VOL^^}" --json >"$T/upper2.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q upper2.json 'd["image"]')" = "volume-$VOL" ] &&
  pass "upper-case volume-UUID too" || fail "upper-case volume-UUID too (exit $rc)"

# --- the same volume name in two pools: both reported, none picked
mkimg "vms/volume-$VOL" || fail "rbd create"
"$RBDWHO" find "$VOL" --json >"$T/two.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q two.json 'sorted(x["pool"] for x in d)')" = "['vms', 'volumes']" ] &&
  pass "UUID in two pools: a JSON array of both" || fail "UUID in two pools: a JSON array of both (exit $rc, $(head -c 80 "$T/two.json"))"
"$RBDWHO" find "$VOL" >"$T/two.txt" 2>&1
grep -q "match 1 of 2" "$T/two.txt" && grep -q "match 2 of 2" "$T/two.txt" &&
  pass "UUID in two pools: text shows each" || fail "UUID in two pools: text shows each"
"$RBDWHO" find "vms/volume-$VOL" --json >"$T/one.json"
[ "$(q one.json 'type(d).__name__+d["pool"]')" = dictvms ] &&
  pass "POOL/IMAGE: one object, as before" || fail "POOL/IMAGE: one object, as before"

# --- Nova's disks of one instance: UUID_disk, UUID_disk.config, UUID_disk.swap
INST=$(new_uuid)
for s in _disk _disk.config _disk.swap; do mkimg "vms/$INST$s" || fail "rbd create $s"; done
"$RBDWHO" find "$INST" --json >"$T/inst.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q inst.json 'sorted(x["image"][36:] for x in d)')" = "['_disk', '_disk.config', '_disk.swap']" ] &&
  pass "instance UUID: all its disks" || fail "instance UUID: all its disks (exit $rc)"
[ "$(q inst.json 'set(x["instance"] for x in d)')" = "{'$INST'}" ] &&
  pass "instance UUID named on each disk" || fail "instance UUID named on each disk"
"$RBDWHO" find "${INST^^}_disk.config" --json >"$T/cfg.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q cfg.json 'd["image"]+" "+d["instance"]')" = "${INST}_disk.config $INST" ] &&
  pass "UUID_disk.config (upper case) found" || fail "UUID_disk.config (upper case) found (exit $rc)"

# --- POOL/NAMESPACE/IMAGE: looked up in that namespace (t_namespaces.sh finds them)
"$RBDWHO" find "volumes/tenant1/volume-$VOL" >"$T/ns.out" 2>&1; rc=$?
[ $rc -eq 3 ] && grep -q "volumes/tenant1/volume-$VOL' does not exist" "$T/ns.out" &&
  pass "POOL/NAMESPACE/IMAGE not there: exit 3, names it" || fail "POOL/NAMESPACE/IMAGE not there: exit 3, names it (exit $rc: $(head -c 120 "$T/ns.out"))"
"$RBDWHO" find "$(new_uuid)" >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && pass "a UUID nowhere: exit 3 (every pool answered)" || fail "a UUID nowhere: exit 3 (got $rc)"

# --- a Ceph config that cannot be read is named, never "not found"
CEPH_CONF=$T/no-such.conf "$RBDWHO" find "$VOL" >"$T/nc.out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "no-such.conf" "$T/nc.out" &&
  pass "missing CEPH_CONF: exit 2, names the file" || fail "missing CEPH_CONF: exit 2, names the file (exit $rc)"
mkdir "$T/a-directory.conf"
"$RBDWHO" --conf "$T/a-directory.conf" find "$VOL" >"$T/nc2.out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "a-directory.conf" "$T/nc2.out" &&
  pass "unreadable --conf: exit 2, names the file" || fail "unreadable --conf: exit 2, names the file (exit $rc)"

# --- a killed qemu: its watch lingers (~30 s), nobody holds the image: DEAD
DV=$(new_uuid); DI=$(new_uuid)
mkimg "volumes/volume-$DV" || fail "rbd create"
pid=$("$SB/hold" "$D" "volumes/volume-$DV" --name instance-0000dead --uuid "$DI" 2>/dev/null) &&
  held+=(instance-0000dead) || fail "hold"
kill -9 "$pid" 2>/dev/null
"$RBDWHO" find "$DV" --json >"$T/dead.json"; rc=$?
"$RBDWHO" find "$DV" >"$T/dead.txt" 2>&1
if [ "$(q dead.json 'len(d["watchers"])')" != 1 ]; then
  fail "killed qemu: the watch should linger (watchers: $(q dead.json 'len(d["watchers"])'))"
else
  [ $rc -eq 0 ] && [ "$(q dead.json 'd["watchers"][0]["verdict"]')" = DEAD ] &&
    pass "killed qemu: verdict DEAD" || fail "killed qemu: verdict DEAD (exit $rc, $(q dead.json 'd["watchers"][0]["verdict"]'))"
  q dead.json 'd["watchers"][0]["reason"]' | grep -q "osd_client_watch_timeout" &&
    pass "killed qemu: reason names the watch timeout" || fail "killed qemu: reason names the watch timeout"
  ! grep -q "rbdwho destroy" "$T/dead.txt" && ! grep -q ORPHAN "$T/dead.txt" &&
    pass "killed qemu: no ORPHAN, no destroy advice" || fail "killed qemu: no ORPHAN, no destroy advice"
fi

# --- a live client whose command line names no image (a program of its own on
# librados, watching the header): no process is found, but its monitor session
# is live, so it is not called dead
LV=$(new_uuid)
mkimg "volumes/volume-$LV" || fail "rbd create"
LHDR=rbd_header.$(rbd info "volumes/volume-$LV" --format json | json_get /dev/stdin 'd["id"]')
/usr/bin/python3 "$SB/rados-watch" "$CEPH_CONF" volumes "$LHDR" "$T/watch.ready" >/dev/null 2>&1 &
lpid=$!
for _ in $(seq 100); do [ -e "$T/watch.ready" ] && break; sleep 0.1; done
"$RBDWHO" find "$LV" --json >"$T/live.json"; rc=$?
# The same client judged by a user who may not list the monitors' sessions: no
# process, and no word on the session either way, so not DEAD but UNKNOWN,
# naming the list it could not read, and exit 4 (a failure to know).
ceph auth get-or-create "client.nosess$$" mon 'profile rbd' osd 'profile rbd' \
  >"$T/nosess.keyring" 2>/dev/null && made_user=1
"$RBDWHO" --id "nosess$$" --keyring "$T/nosess.keyring" find "$LV" --json >"$T/nosess.json"; nrc=$?
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null
[ "$(q nosess.json 'd["watchers"][0]["verdict"]')" = UNKNOWN ] && [ $nrc -eq 4 ] &&
  q nosess.json 'd["watchers"][0]["reason"]' | grep -q "could not be confirmed" &&
  q nosess.json '" / ".join(d["errors"])' | grep -q "session list.*permission denied" &&
  pass "a live client, the sessions not readable: UNKNOWN (exit 4, names the session list), not DEAD" ||
  fail "a live client, the sessions not readable: UNKNOWN, not DEAD (exit $nrc, $(q nosess.json 'd["watchers"][0]["verdict"]'): $(q nosess.json 'd["watchers"][0]["reason"]' | head -c 120))"
[ "$(q live.json 'len(d["watchers"])')" = 1 ] &&
  [ "$(q live.json 'd["watchers"][0]["verdict"]')" = UNKNOWN ] &&
  q live.json 'd["watchers"][0]["reason"]' | grep -q "monitor session" &&
  pass "a live client naming no image: UNKNOWN, not DEAD (its monitor session)" ||
  fail "a live client naming no image: UNKNOWN, not DEAD (exit $rc, $(q live.json 'd["watchers"][0]["verdict"]'))"

# --- a libvirt domain whose qemu was killed: shut off, not a holder
if [ ! -x "$SB/libvirt-up" ] || ! command -v virsh >/dev/null; then
  echo "  skip  libvirt part: no libvirt-up or virsh"
  finish; exit $?
fi
if ! grep -q SANDBOX_LIBVIRT_URI "$D/env"; then
  "$SB/libvirt-up" "$D" >"$T/libvirt-up.log" 2>&1 ||
    { fail "libvirt-up"; tail -5 "$T/libvirt-up.log"; finish; exit 1; }
  started_libvirt=1
fi
. "$D/env"
URI=${SANDBOX_LIBVIRT_URI:?}
sed "s|^local_uri = .*|local_uri = $URI|" "$D/rbdwho.conf" >"$T/rbdwho.conf"
LV=$(new_uuid); LI=$(new_uuid); NAME=instance-0000d0ff
mkimg "volumes/volume-$LV" || fail "rbd create"
lpid=$("$SB/hold" "$D" "volumes/volume-$LV" --name "$NAME" --uuid "$LI" --libvirt 2>"$T/hold.log") &&
  held+=("$NAME") || { fail "hold --libvirt"; tail -3 "$T/hold.log"; }
"$RBDWHO" --config "$T/rbdwho.conf" find "$LV" --json >"$T/lv-run.json"
[ "$(q lv-run.json 'd["watchers"][0]["holders"][0]["kind"]+" "+d["watchers"][0]["verdict"]')" = "libvirt ORPHAN" ] &&
  pass "running domain, Nova 404: ORPHAN (control)" || fail "running domain, Nova 404: ORPHAN (control)"
kill -9 "$lpid"
shut_off() { [ "$(virsh -q -c "$URI" domstate "$NAME" 2>/dev/null | head -n 1)" = "shut off" ]; }
for _ in $(seq 100); do shut_off && break; read -r -t 0.1 <> <(:) || true; done
shut_off && pass "libvirt: domain shut off after its qemu was killed" || fail "libvirt: domain shut off after its qemu was killed"
"$RBDWHO" --config "$T/rbdwho.conf" find "$LV" --json >"$T/lv.json"; rc=$?
"$RBDWHO" --config "$T/rbdwho.conf" find "$LV" >"$T/lv.txt" 2>&1
if [ "$(q lv.json 'len(d["watchers"])')" != 1 ]; then
  fail "killed domain: the watch should linger"
else
  [ $rc -eq 0 ] && [ "$(q lv.json 'd["watchers"][0]["verdict"]')" = DEAD ] &&
    [ "$(q lv.json 'len(d["watchers"][0]["holders"])')" = 0 ] &&
    pass "shut-off domain is not a holder: DEAD" || fail "shut-off domain is not a holder: DEAD (exit $rc, $(q lv.json 'd["watchers"][0]["verdict"]'))"
  ! grep -q "rbdwho destroy" "$T/lv.txt" && pass "shut-off domain: no destroy advice" || fail "shut-off domain: no destroy advice"
fi
"$RBDWHO" --config "$T/rbdwho.conf" destroy "$NAME" --host localhost --yes >"$T/destroy.out" 2>&1; rc=$?
[ $rc -ne 0 ] && virsh -q -c "$URI" dominfo "$NAME" >/dev/null 2>&1 &&
  pass "destroy agrees: refuses (exit $rc)" || fail "destroy agrees: refuses (exit $rc)"
finish
