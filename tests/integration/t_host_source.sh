#!/usr/bin/env bash
# The watcher's host from Ceph itself: a qemu holding an image as its own cephx
# user (client.hs-cinder) has a monitor session whose global id is the watcher's
# client.N and whose nonce is the watcher's; rbdwho names the host from that
# session's remote_host (this machine's name), says so (host_source "ceph monitor
# session") and shows the cephx user. A user that may not list the sessions falls
# back to the other sources and says why.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/rbdwho-hs.XXXXXX)
IMG=volume-$(new_uuid)
QPID=''
cleanup() {
  [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
  # the watch ends when qemu exits: wait (bounded) so the image can go
  for _ in $(seq 50); do [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
  rbd rm "volumes/$IMG" >/dev/null 2>&1
  for u in hs-cinder hs-norights hs-sessions; do ceph auth rm "client.$u" >/dev/null 2>&1; done
  rm -rf "$T"
}
trap cleanup EXIT

# Users: the holder's own, one without the right to list sessions (the usual
# `profile rbd`), and one granted exactly that right.
ceph auth get-or-create client.hs-cinder mon 'profile rbd' osd 'profile rbd pool=volumes' \
  -o "$T/cinder.keyring" >/dev/null || { fail "make client.hs-cinder"; finish; exit; }
ceph auth get-or-create client.hs-norights mon 'profile rbd' osd 'profile rbd pool=volumes' \
  -o "$T/norights.keyring" >/dev/null || fail "make client.hs-norights"
ceph auth get-or-create client.hs-sessions mon 'profile rbd, allow command sessions' \
  osd 'profile rbd pool=volumes' -o "$T/sessions.keyring" >/dev/null || fail "make client.hs-sessions"
rbd create --size 64 "volumes/$IMG" || { fail "rbd create"; finish; exit; }

timeout 60 qemu-system-x86_64 -name guest=instance-0000h057,debug-threads=on -S -no-user-config \
  -nodefaults -machine pc,accel=tcg -m 64 -uuid "$(new_uuid)" -display none \
  -drive "file=rbd:volumes/$IMG:id=hs-cinder:keyring=$T/cinder.keyring:conf=$CEPH_CONF,format=raw,if=none,id=d0" \
  -device virtio-blk-pci,drive=d0 -daemonize -pidfile "$T/qemu.pid" </dev/null >"$T/qemu.log" 2>&1 ||
  { fail "qemu as client.hs-cinder starts"; cat "$T/qemu.log"; finish; exit; }
QPID=$(cat "$T/qemu.pid")
watched() { rbd status "volumes/$IMG" --format json 2>/dev/null | grep -q '"address"'; }
for _ in $(seq 100); do watched && break; sleep 0.1; done
watched && pass "qemu holds a watch as client.hs-cinder" || { fail "no watch within 10 s"; finish; exit; }

# Ceph's own word, independent of rbdwho: the watcher's session on the monitor.
rbd status "volumes/$IMG" --format json >"$T/status.json"
ceph tell mon.a sessions -f json >"$T/sessions.json" 2>/dev/null
python3 - "$T/status.json" "$T/sessions.json" >"$T/session.txt" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["watchers"][0]
nonce = int(w["address"].rsplit("/", 1)[1])
for s in json.load(open(sys.argv[2])):
    if s["global_id"] == w["client"] and s["addrs"]["addrvec"][0]["nonce"] == nonce:
        print(s["entity_name"], s["remote_host"])
PY
[ "$(cat "$T/session.txt")" = "client.hs-cinder $(hostname)" ] &&
  pass "Ceph: the watcher's session (global id + nonce) is client.hs-cinder on $(hostname)" ||
  fail "Ceph: the watcher's session (global id + nonce): '$(cat "$T/session.txt")'"

"$RBDWHO" find "volumes/$IMG" --json >"$T/find.json"; rc=$?
[ $rc -eq 0 ] && pass "find exits 0" || fail "find exits 0 (got $rc)"
w0='d["watchers"][0]'
[ "$(json_get "$T/find.json" "${w0}[\"host_source\"]")" = "ceph monitor session" ] &&
  pass "host_source: ceph monitor session" || fail "host_source: $(json_get "$T/find.json" "${w0}[\"host_source\"]")"
[ "$(json_get "$T/find.json" "${w0}[\"host\"]")" = "$(hostname)" ] &&
  pass "host: this machine's name" || fail "host: $(json_get "$T/find.json" "${w0}[\"host\"]")"
[ "$(json_get "$T/find.json" "${w0}[\"cephx_user\"]")" = client.hs-cinder ] &&
  pass "cephx_user: client.hs-cinder" || fail "cephx_user: $(json_get "$T/find.json" "${w0}[\"cephx_user\"]")"
[ "$(json_get "$T/find.json" "${w0}[\"host_note\"]")" = None ] &&
  pass "no host note when the monitors answered" || fail "host note: $(json_get "$T/find.json" "${w0}[\"host_note\"]")"
[ "$(json_get "$T/find.json" "[h[\"pid\"] for h in ${w0}[\"holders\"]]")" = "[$QPID]" ] &&
  pass "the local qemu is the holder (pid $QPID)" || fail "holders: $(json_get "$T/find.json" "[h[\"pid\"] for h in ${w0}[\"holders\"]]")"

"$RBDWHO" find "volumes/$IMG" >"$T/find.txt"
grep -qE "^  host +$(hostname) \(ceph monitor session\)$" "$T/find.txt" &&
  pass "text: host and its source" || fail "text: host and its source"
grep -qE "^  cephx +client\.hs-cinder$" "$T/find.txt" &&
  pass "text: the cephx user" || fail "text: the cephx user"
"$RBDWHO" scan volumes --json >"$T/scan.json" 2>/dev/null
[ "$(json_get "$T/scan.json" "[w[\"cephx_user\"] for i in d[\"images\"] if i[\"image\"] == \"$IMG\" for w in i[\"watchers\"]]")" = "['client.hs-cinder']" ] &&
  pass "scan --json: the cephx user" || fail "scan --json: the cephx user"
"$RBDWHO" scan volumes 2>/dev/null | grep -F "$IMG" | grep -qF " $(hostname) client.hs-cinder " &&
  pass "scan text: host and cephx user" || fail "scan text: host and cephx user"

# A user that may not list the sessions: the other sources answer, and it is said why.
"$RBDWHO" --id hs-norights --keyring "$T/norights.keyring" find "volumes/$IMG" --json >"$T/norights.json"; rc=$?
[ $rc -eq 0 ] && pass "find as client.hs-norights exits 0" || fail "find as client.hs-norights exits 0 (got $rc)"
[ "$(json_get "$T/norights.json" "${w0}[\"host_source\"]+' '+${w0}[\"host\"]")" = "local address $(hostname)" ] &&
  pass "without the right: host from the local address" ||
  fail "without the right: $(json_get "$T/norights.json" "${w0}[\"host_source\"]")"
json_get "$T/norights.json" "${w0}[\"host_note\"]" | grep -q "mon.a: permission denied for client.hs-norights" &&
  pass "without the right: the note names the monitor and the refusal" ||
  fail "without the right: note '$(json_get "$T/norights.json" "${w0}[\"host_note\"]")'"
[ "$(json_get "$T/norights.json" "${w0}[\"cephx_user\"]")" = None ] &&
  pass "without the right: no cephx user claimed" || fail "without the right: a cephx user claimed"

# `profile rbd, allow command sessions` is enough.
"$RBDWHO" --id hs-sessions --keyring "$T/sessions.keyring" find "volumes/$IMG" --json >"$T/granted.json"
[ "$(json_get "$T/granted.json" "${w0}[\"host_source\"]+' '+str(${w0}[\"cephx_user\"])")" = "ceph monitor session client.hs-cinder" ] &&
  pass "mon 'profile rbd, allow command sessions' suffices" ||
  fail "with allow command sessions: $(json_get "$T/granted.json" "${w0}[\"host_source\"]")"
finish
