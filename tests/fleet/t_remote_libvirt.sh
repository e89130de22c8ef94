#!/usr/bin/env bash
# libvirt holders on remote hosts, found from the ops machine through qemu+ssh: an
# orphan domain on c1 (Nova answers 404) and an attached one on c2 (Nova knows it
# there).  The watcher shows the host's Ceph address; [hosts] in the fleet's
# rbdwho.conf maps it to the host name that ssh knows.  Afterwards no ssh that
# rbdwho (through libvirt) started is left on ops.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/rbdwho-fleet-lv.XXXXXX)
trap 'fleet_unhold_all; rm -rf "$T"' EXIT

hold() { fleet_hold "$1" "$2" "$4" --uuid "$3" --libvirt; } # POOL/IMAGE NAME UUID HOST

# --- an orphan domain on c1 ---------------------------------------------------------
VOL=$(new_uuid) INST=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$VOL"
"$SB/osdata" "$D" add-volume "$VOL" --name lv-orphan --status available
hold "volumes/volume-$VOL" instance-0000f1c1 "$INST" c1 || fail "hold --libvirt --host c1"

"$OPS" "$RBDWHO" find "$VOL" --json >"$T/orphan.json"; rc=$?
[ $rc -eq 0 ] && pass "find from ops exits 0" || fail "find from ops exits 0 (got $rc)"
[ "$(jget "$T/orphan.json" 'len(d["watchers"])')" = 1 ] && pass "orphan: one watcher" || fail "orphan: one watcher"
[ "$(jget "$T/orphan.json" 'd["watchers"][0]["ip"]')" = 192.0.2.11 ] &&
  pass "orphan: the watcher shows c1's Ceph address" || fail "orphan: the watcher shows c1's Ceph address"
[ "$(jget "$T/orphan.json" 'd["watchers"][0]["host"]+" "+d["watchers"][0]["host_source"]')" = "c1 ceph monitor session" ] &&
  pass "orphan: host c1, from the monitors' session (before [hosts])" ||
  fail "orphan: host c1, from the monitors' session (before [hosts])"
[ "$(jget "$T/orphan.json" 'd["watchers"][0]["libvirt_uri"]')" = qemu+ssh://c1/system ] &&
  pass "orphan: asked qemu+ssh://c1/system" || fail "orphan: asked qemu+ssh://c1/system"
[ "$(jget "$T/orphan.json" 'd["watchers"][0]["holders_error"]')" = None ] &&
  pass "orphan: libvirt on c1 answered" || fail "orphan: libvirt on c1 answered"
[ "$(jget "$T/orphan.json" '" ".join(str(h[k]) for h in d["watchers"][0]["holders"] for k in ("kind","name","uuid","libvirt_state"))')" = \
  "libvirt instance-0000f1c1 $INST paused" ] &&
  pass "orphan: the domain found on c1 (kind, name, uuid, state)" || fail "orphan: the domain found on c1 (kind, name, uuid, state)"
[ "$(jget "$T/orphan.json" 'd["verdict"]+" "+d["watchers"][0]["nova"]["state"]')" = "ORPHAN not_found" ] &&
  pass "orphan: Nova 404 -> ORPHAN" || fail "orphan: Nova 404 -> ORPHAN"

# Without the [hosts] map (Nova's host_ip is the management address, which the watcher
# does not show): the monitors' session alone still names c1, and the cephx user.
sed '/^\[hosts\]/,$d' "$RBDWHO_CONFIG" >"$T/nohosts.conf"
"$OPS" env RBDWHO_CONFIG="$T/nohosts.conf" "$RBDWHO" find "$VOL" --json >"$T/nohosts.json"
[ "$(jget "$T/nohosts.json" 'd["watchers"][0]["host"]+" "+d["watchers"][0]["host_source"]+" "+d["watchers"][0]["cephx_user"]+" "+d["verdict"]')" = \
  "c1 ceph monitor session client.admin ORPHAN" ] &&
  pass "no [hosts]: c1 from the monitors' session, cephx user client.admin, ORPHAN" ||
  fail "no [hosts]: c1 from the monitors' session ($(head -c 300 "$T/nohosts.json"))"

# --- an attached domain on c2 -------------------------------------------------------
VOL2=$(new_uuid) INST2=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$VOL2"
"$SB/osdata" "$D" add-server "$INST2" web-1 --host c2 --hypervisor-hostname c2 --instance-name instance-0000f2c2
"$SB/osdata" "$D" add-volume "$VOL2" --name lv-attached --attach "$INST2:c2"
hold "volumes/volume-$VOL2" instance-0000f2c2 "$INST2" c2 || fail "hold --libvirt --host c2"
"$OPS" "$RBDWHO" find "$VOL2" --json >"$T/attached.json"; rc=$?
[ $rc -eq 0 ] && pass "attached: find exits 0" || fail "attached: find exits 0 (got $rc)"
[ "$(jget "$T/attached.json" 'd["watchers"][0]["ip"]+" "+d["watchers"][0]["host"]')" = "192.0.2.12 c2" ] &&
  pass "attached: watcher on c2" || fail "attached: watcher on c2"
[ "$(jget "$T/attached.json" 'd["watchers"][0]["holders"][0]["uuid"]')" = "$INST2" ] &&
  pass "attached: the domain found on c2" || fail "attached: the domain found on c2"
[ "$(jget "$T/attached.json" 'd["verdict"]')" = ATTACHED ] &&
  pass "attached: verdict ATTACHED" || fail "attached: verdict ATTACHED"

# --- nothing outlives rbdwho on ops ---------------------------------------------------
left=$("$OPS" ps -eo pid=,comm= | awk '$2 == "ssh" || $2 == "rbdwho"')
[ -z "$left" ] && pass "no ssh or rbdwho left on ops" || fail "no ssh or rbdwho left on ops: $left"

finish
