#!/usr/bin/env bash
# Self-test of the fleet sandbox against the real thing: boots a 3-host fleet, checks
# the host names, ssh from ops to each host by name (and nothing else), the two
# networks (a holder on c2 watches from 192.0.2.12, ssh reaches c2 on 198.51.100.12),
# holders of every kind on their hosts, libvirt over qemu+ssh from ops, the stand-in's
# hypervisors, and that `down` leaves no process and no namespace, also after a boot
# that failed half-way.  Ends "N passed, N failed".
# Usage: tests/sandbox/selftest-fleet.sh      (root; boots two fleets, one of which fails
# on purpose; measured 72-138 s on 2 shared cores at load 9-14)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL - $1"; }
check() { # DESCRIPTION CMD...: pass when CMD succeeds
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
fails() { ! "$@" >/dev/null 2>&1; }

SB_DIR=$(mktemp -d /tmp/rbdwho-fleet-selftest.XXXXXX)
BAD=$(mktemp -d /tmp/rbdwho-fleet-bad.XXXXXX)
OPS=$SB_DIR/ops
PIDS_SEEN=()
PFX=''

# Every pid the fleet recorded: Ceph and the stand-in, each machine's unshare and init,
# the holders (seen from here).
remember_pids() {
	local f p
	for f in "$1"/pids/*.pid "$1"/fleet/*/unshare.pid "$1"/fleet/*/init.pid "$1"/fleet/*/holders/*.opid; do
		p=$(tr -dc 0-9 2>/dev/null <"$f" || true)
		[ -n "$p" ] && [[ " ${PIDS_SEEN[*]} " != *" $p "* ]] && PIDS_SEEN+=("$p")
	done
	return 0
}
all_dead() { local p; for p in "$@"; do sb_pid_dead "$p" || { echo "    alive: $p"; return 1; }; done; }
no_netns() { ! ip netns list | grep -q "^$1-"; }
nothing_names() { # DIR: no process's command line names DIR
	local left
	left=$(pgrep -af -- "$1/" || true)
	[ -z "$left" ] || { printf '    left: %s\n' "$left"; return 1; }
}

finish() {
	local rc=$?
	trap - EXIT
	"$HERE/down" "$BAD" >/dev/null 2>&1 || rm -rf -- "$BAD"
	[ "$rc" = 0 ] || not_ok "selftest aborted (exit $rc) before its end"
	remember_pids "$SB_DIR"
	local t0
	t0=$(sb_now_ms)
	check "down stops the fleet and removes DIR" "$HERE/down" "$SB_DIR"
	echo "    (down took $(sb_elapsed "$t0") s)"
	check "DIR is gone" test ! -e "$SB_DIR"
	check "down is safe to run twice" "$HERE/down" "$SB_DIR"
	[ -z "$PFX" ] || check "no namespace $PFX-* is left" no_netns "$PFX"
	check "no process names the fleet after down" nothing_names "$SB_DIR"
	check "all ${#PIDS_SEEN[@]} pids the fleet recorded are gone" all_dead "${PIDS_SEEN[@]}"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
trap finish EXIT
trap 'exit 130' INT TERM

# --- boot ---------------------------------------------------------------------------
t0=$(sb_now_ms)
check "fleet-up boots 3 hosts" "$HERE/fleet-up" "$SB_DIR" --hosts 3
echo "    (fleet-up took $(sb_elapsed "$t0") s)"
[ -x "$OPS" ] || exit 1
PFX=$(cat "$SB_DIR/fleet/prefix")
remember_pids "$SB_DIR"
check "every namespace carries the fleet's prefix" test "$(ip netns list | grep -c "^$PFX-")" = 5

# --- machines and ssh ---------------------------------------------------------------
check "ops is named ops" test "$("$OPS" hostname)" = ops
for h in c1 c2 c3; do
	check "ssh $h from ops by name reaches host $h" test "$("$OPS" ssh "$h" hostname 2>&1)" = "$h"
done
# shellcheck disable=SC2016 # expanded on c2
conn=$("$OPS" ssh c2 'echo $SSH_CONNECTION' || true)
check "ssh c2 goes over the management network (198.51.100.2 -> 198.51.100.12)" \
	test "$(awk '{print $1, $3}' <<<"$conn")" = "198.51.100.2 198.51.100.12"
ps1=$("$OPS" ssh c2 'ps -o args= -p 1; ps -eo args= | grep -c "^sshd: .*listener"' || true)
check "c2 has its own PID namespace (PID 1 is its init; one sshd listener)" \
	test "$(sed -n '1s/.* fleet-init //p; 2p' <<<"$ps1" | tr '\n' '|')" = "$SB_DIR/fleet/c2 c2|1|"
check "an unknown host key is refused (StrictHostKeyChecking)" \
	fails "$OPS" ssh -o UserKnownHostsFile=/dev/null c1 true
check "a password login is refused (keys only, BatchMode)" \
	fails "$OPS" ssh -o PubkeyAuthentication=no c1 true
check "this machine's own namespace has no route to the Ceph network" \
	fails timeout 2 bash -c 'exec 3<>/dev/tcp/192.0.2.1/'"$(sb_env_get SANDBOX_MON_PORT_V1)"

# --- fleet-host breaks a host's ssh and mends it; Ceph never notices ---------------------
ssh_fails_with() { local e; e=$("$OPS" ssh "$1" true 2>&1) && return 1; [[ $e == *"$2"* ]]; }
"$HERE/fleet-host" "$SB_DIR" c3 sshd-stop
check "fleet-host sshd-stop: ssh c3 is refused" ssh_fails_with c3 'Connection refused'
"$HERE/fleet-host" "$SB_DIR" c3 sshd-start
check "fleet-host sshd-start: ssh c3 works again" test "$("$OPS" ssh c3 hostname 2>&1)" = c3
"$HERE/fleet-host" "$SB_DIR" c3 cut
check "fleet-host cut: ssh c3 times out" ssh_fails_with c3 'timed out'
"$HERE/fleet-host" "$SB_DIR" c3 uncut
check "fleet-host uncut: ssh c3 works again" test "$("$OPS" ssh c3 hostname 2>&1)" = c3

# --- the stand-in's hypervisors: host names with their management addresses -------------
hyps=$("$OPS" python3 - <<'EOF' 2>&1 || true
import json, os, urllib.request
body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": os.environ["OS_USERNAME"], "domain": {"name": "Default"},
    "password": os.environ["OS_PASSWORD"]}}},
    "scope": {"project": {"name": os.environ["OS_PROJECT_NAME"], "domain": {"name": "Default"}}}}}
req = urllib.request.Request(os.environ["OS_AUTH_URL"] + "/auth/tokens", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as r:
    tok = r.headers["X-Subject-Token"]
nova = "http://%s:%s/v2.1" % (os.environ["SANDBOX_CEPH_ADDR"], os.environ["SANDBOX_NOVA_PORT"])
req = urllib.request.Request(nova + "/os-hypervisors/detail", headers={"X-Auth-Token": tok})
with urllib.request.urlopen(req, timeout=10) as r:
    for h in json.load(r)["hypervisors"]:
        print(h["hypervisor_hostname"], h["host_ip"])
EOF
)
check "os-hypervisors from ops: every host with its management IP" \
	test "$(tr '\n' ' ' <<<"$hyps")" = "c1 198.51.100.11 c2 198.51.100.12 c3 198.51.100.13 "

# --- holders on hosts ------------------------------------------------------------------
watcher_ip() { # POOL/IMAGE -> the one watcher's IP
	"$OPS" rbd status --format json "$1" | python3 -c '
import json, sys
w = json.load(sys.stdin)["watchers"]
print(w[0]["address"].rsplit(":", 1)[0] if len(w) == 1 else "%d watchers" % len(w))'
}
no_watchers() { test "$("$OPS" rbd status --format json "$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))')" = 0; }
for i in 1 2 3 4; do "$OPS" rbd create --size 64 "volumes/st$i"; done

PID=$("$HERE/hold" "$SB_DIR" volumes/st1 --name instance-00000c21 --uuid "$(uuidgen)" --host c2 2>/dev/null || true)
check "hold --host c2 prints the qemu's pid on c2" test -n "$PID"
check "its watcher address is c2's Ceph address 192.0.2.12" test "$(watcher_ip volumes/st1)" = 192.0.2.12
check "ssh c2 ps shows that pid as the qemu" \
	bash -c "\"$OPS\" ssh c2 ps -o args= -p '$PID' | grep -q 'guest=instance-00000c21'"
check "the qemu does not run on c1" \
	bash -c "! \"$OPS\" ssh c1 ps -eo args= | grep -q instance-00000c21"

"$HERE/hold" "$SB_DIR" volumes/st2 --name instance-00000c12 --uuid "$(uuidgen)" --host c1 --libvirt >/dev/null 2>&1 || true
check "a libvirt holder on c1 watches from 192.0.2.11" test "$(watcher_ip volumes/st2)" = 192.0.2.11
check "qemu+ssh://c1/system from ops lists it" \
	test "$("$OPS" virsh -q -c qemu+ssh://c1/system list --name 2>&1 | grep -v '^$')" = instance-00000c12
check "qemu+ssh://c3/system from ops lists nothing" \
	test -z "$("$OPS" virsh -q -c qemu+ssh://c3/system list --name 2>&1 | grep -v '^$')"

"$HERE/hold" "$SB_DIR" volumes/st3 --name fuse-st3 --fuse --host c3 >/dev/null 2>&1 || true
check "an rbd-fuse holder on c3 watches from 192.0.2.13" test "$(watcher_ip volumes/st3)" = 192.0.2.13
"$HERE/hold" "$SB_DIR" volumes/st4 --name instance-00000c31 --uuid "$(uuidgen)" --host c3 --style blockdev >/dev/null 2>&1 || true
check "a -blockdev holder on c3 watches from 192.0.2.13" test "$(watcher_ip volumes/st4)" = 192.0.2.13
remember_pids "$SB_DIR"

check "unhold the plain qemu on c2" "$HERE/unhold" "$SB_DIR" instance-00000c21
check "its watch is gone" no_watchers volumes/st1
check "unhold the libvirt domain on c1 (--host c1)" "$HERE/unhold" "$SB_DIR" instance-00000c12 --host c1
check "its watch is gone" no_watchers volumes/st2
check "unhold the rbd-fuse holder on c3" "$HERE/unhold" "$SB_DIR" fuse-st3
check "its watch is gone" no_watchers volumes/st3
check "hold without --host is refused in a fleet" \
	fails "$HERE/hold" "$SB_DIR" volumes/st1 --name x1 --uuid "$(uuidgen)"
# st4's holder stays: down must end it.

# --- a boot interrupted half-way (the hosts run, Ceph is still booting) ---------------
rmdir "$BAD"
"$HERE/fleet-up" "$BAD" --hosts 2 >/dev/null 2>&1 &
boot=$!
booted() { [ -f "$BAD/fleet/c2/booted" ] && [ -f "$BAD/keyring" ]; }
check "an interrupted fleet-up had hosts running" sb_poll 600 0.05 booted
kill -TERM "$boot" 2>/dev/null
rc=0
wait "$boot" || rc=$?
check "fleet-up, interrupted, exits non-zero" test "$rc" != 0
BADPFX=rbw-$(printf '%s' "$BAD" | sha1sum | cut -c1-8)
check "the interrupted boot leaves no namespace" no_netns "$BADPFX"
check "the interrupted boot leaves no process" nothing_names "$BAD"
check "down on the half-booted DIR succeeds" "$HERE/down" "$BAD"
