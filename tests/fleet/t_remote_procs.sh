#!/usr/bin/env bash
# Plain processes on remote hosts, read over ssh: the seed's case on c2 (a plain qemu
# libvirt does not manage, Nova 404) found with its pid on c2, ORPHAN, destroyed over
# ssh, the watch gone and `rbd rm` working; then a host whose sshd is down (c3) and
# one that is unreachable (c1) reported as "not checked" with their reasons, and
# `scan --orphans` listing them apart and exiting 4. Nothing rbdwho started is left.
set -u
. "$(dirname "$0")/../integration/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=$SANDBOX_DIR
OPS=$SANDBOX_OPS
T=$(mktemp -d /tmp/rbdwho-fleet-rp.XXXXXX)
held=() broken=()
cleanup() {
  for b in "${broken[@]}"; do "$SB/fleet-host" "$D" ${b%%:*} ${b#*:} >/dev/null 2>&1; done
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  rm -rf "$T"
}
trap cleanup EXIT
jget() { json_get "$1" "$2" 2>/dev/null || echo '?'; }
# Not in a command substitution: `held` must grow in this shell, or the trap
# cannot undo the holds (and a destroyed holder's records stay behind).
hold() { # POOL/IMAGE NAME UUID HOST -> HOLD_PID, the pid on HOST
  HOLD_PID=$("$SB/hold" "$D" "$1" --name "$2" --uuid "$3" --host "$4") && held+=("$2")
}
watchers() { "$OPS" rbd status --format json "$1" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))'; }

# --- the seed's case on c2 -------------------------------------------------------------
VOL=$(new_uuid) INST=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$VOL"
"$SB/osdata" "$D" add-volume "$VOL" --name rp-orphan --status available
hold "volumes/volume-$VOL" instance-0000c2c2 "$INST" c2 || fail "hold --host c2"
PID=${HOLD_PID:-}
"$OPS" "$RBDWHO" find "$VOL" --json >"$T/find.json"; rc=$?
[ $rc -eq 0 ] && pass "find exits 0" || fail "find exits 0 (got $rc)"
[ "$(jget "$T/find.json" 'd["watchers"][0]["host"]')" = c2 ] && pass "watcher on c2" || fail "watcher on c2"
[ "$(jget "$T/find.json" '" ".join(str(h[k]) for h in d["watchers"][0]["holders"] for k in ("kind","pid","uuid","host"))')" = \
  "qemu $PID $INST c2" ] && pass "plain qemu on c2 found with its pid on c2 ($PID)" ||
  fail "plain qemu on c2 found with its pid on c2 ($(jget "$T/find.json" 'd["watchers"][0]["holders"]'))"
[ "$(jget "$T/find.json" '[s["state"] for s in d["watchers"][0]["sources"] if s["source"]=="processes" and s["via"]=="ssh c2"]')" = "['ok']" ] &&
  pass "sources: processes via ssh c2 ok" || fail "sources: processes via ssh c2 ok ($(jget "$T/find.json" 'd["watchers"][0]["sources"]'))"
[ "$(jget "$T/find.json" 'd["verdict"]')" = ORPHAN ] && pass "Nova 404 -> ORPHAN" || fail "Nova 404 -> ORPHAN"

"$OPS" "$RBDWHO" destroy instance-0000c2c2 --host c2 --dry-run >"$T/dry.txt" 2>&1
grep -q "kill -TERM $PID" "$T/dry.txt" && pass "destroy --dry-run names the remote pid" || fail "destroy --dry-run ($(cat "$T/dry.txt"))"
"$OPS" "$RBDWHO" destroy instance-0000c2c2 --host c2 --yes >"$T/destroy.txt" 2>&1; rc=$?
[ $rc -eq 0 ] && pass "destroy over ssh exits 0" || fail "destroy over ssh exits 0 (got $rc: $(cat "$T/destroy.txt"))"
n=?; for _ in $(seq 50); do n=$(watchers "volumes/volume-$VOL"); [ "$n" = 0 ] && break; python3 -c 'import time; time.sleep(0.1)'; done
[ "$n" = 0 ] && pass "the watch is gone" || fail "the watch is gone ($n left)"
"$OPS" rbd rm "volumes/volume-$VOL" >/dev/null 2>&1 && pass "rbd rm works" || fail "rbd rm works"

# --- hosts that cannot be checked --------------------------------------------------------
V3=$(new_uuid) V1=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$V3"
"$OPS" rbd create --size 64 "volumes/volume-$V1"
hold "volumes/volume-$V3" instance-0000c3c3 "$(new_uuid)" c3 || fail "hold --host c3"
hold "volumes/volume-$V1" instance-0000c1c1 "$(new_uuid)" c1 || fail "hold --host c1"
"$SB/fleet-host" "$D" c3 sshd-stop >/dev/null && broken+=("c3:sshd-start")
"$SB/fleet-host" "$D" c1 cut >/dev/null && broken+=("c1:uncut")

"$OPS" "$RBDWHO" --timeout 3 find "$V3" --json >"$T/c3.json"
[ "$(jget "$T/c3.json" 'd["watchers"][0]["not_checked"]')" = True ] && pass "c3 (sshd down): not checked" || fail "c3 (sshd down): not checked"
[ "$(jget "$T/c3.json" '[s["reason"] for s in d["watchers"][0]["sources"] if s["source"]=="processes"][0]')" = refused ] &&
  pass "c3: reason refused" || fail "c3: reason refused ($(jget "$T/c3.json" 'd["watchers"][0]["sources"]'))"
t0=$(date +%s)
"$OPS" "$RBDWHO" --timeout 3 find "$V1" --json >"$T/c1.json"
t1=$(date +%s)
[ "$(jget "$T/c1.json" 'd["watchers"][0]["not_checked"]')" = True ] && pass "c1 (unreachable): not checked" || fail "c1 (unreachable): not checked"
[ "$(jget "$T/c1.json" '[s["reason"] for s in d["watchers"][0]["sources"] if s["source"]=="processes"][0]')" = timeout ] &&
  pass "c1: reason timeout" || fail "c1: reason timeout ($(jget "$T/c1.json" 'd["watchers"][0]["sources"]'))"
[ $((t1 - t0)) -le 8 ] && pass "c1 costs one timeout, not two ($((t1 - t0)) s)" || fail "c1 costs one timeout ($((t1 - t0)) s)"

"$OPS" "$RBDWHO" --timeout 3 scan volumes --orphans >"$T/scan.txt" 2>"$T/scan.err"; rc=$?
[ $rc -eq 4 ] && pass "scan --orphans exits 4 (incomplete)" || fail "scan --orphans exits 4 (got $rc)"
grep -q "^not checked" "$T/scan.txt" && grep -q "volume-$V3 .* c3 " "$T/scan.txt" && grep -q "volume-$V1 .* c1 " "$T/scan.txt" &&
  pass "scan lists c1 and c3 under 'not checked'" || fail "scan lists them under 'not checked' ($(cat "$T/scan.txt"))"
"$OPS" "$RBDWHO" --timeout 3 scan volumes --orphans --json >"$T/scan.json"
[ "$(jget "$T/scan.json" 'sorted(u["host"] for u in d["not_checked"])')" = "['c1', 'c3']" ] &&
  pass "scan --json: not_checked c1, c3" || fail "scan --json: not_checked ($(jget "$T/scan.json" 'd["not_checked"]'))"

# --- nothing outlives rbdwho on ops ------------------------------------------------------
left=$("$OPS" ps -eo pid=,comm= | awk '$2 == "ssh" || $2 == "rbdwho"')
[ -z "$left" ] && pass "no ssh or rbdwho left on ops" || fail "no ssh or rbdwho left on ops: $left"
finish
