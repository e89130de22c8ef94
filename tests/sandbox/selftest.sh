#!/usr/bin/env bash
# Self-test of the sandbox scripts against the real thing: boots a sandbox, holds images
# with real qemu (both disk styles, then through the private libvirtd), checks what Ceph
# reports, and checks that `down` leaves no process behind.  Ends "N passed, N failed".
# Usage: tests/sandbox/selftest.sh            (root; takes ~20 s, ~30 s on a cold cache)
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
fails() { ! "$@"; }
timed() { # VAR CMD...: run CMD, store its wall time in VAR, its stdout in VAR_OUT
	local var=$1 t0 out rc=0
	shift
	t0=$(sb_now_ms)
	out=$("$@") || rc=$?
	printf -v "$var" '%s' "$(sb_elapsed "$t0")"
	printf -v "${var}_OUT" '%s' "$out"
	return $rc
}

SB_DIR=$(mktemp -d /tmp/rbdwho-selftest.XXXXXX)
BAD=$(mktemp -d /tmp/rbdwho-selftest-bad.XXXXXX)
PIDS_SEEN=()

# Teardown and the leftover checks run whatever happened above.
finish() {
	local rc=$? left
	trap - EXIT
	"$HERE/down" "$BAD" 2>/dev/null || rm -rf -- "$BAD"
	[ "$rc" = 0 ] || not_ok "selftest aborted (exit $rc) before its end"
	check "down stops everything and removes DIR" "$HERE/down" "$SB_DIR"
	check "DIR is gone" test ! -e "$SB_DIR"
	check "down is safe to run twice" "$HERE/down" "$SB_DIR"
	left=$(pgrep -af -- "$SB_DIR/" || true)
	check "no process names the sandbox after down" test -z "$left"
	[ -z "$left" ] || printf '    left: %s\n' "$left"
	check "all ${#PIDS_SEEN[@]} pids the sandbox recorded are gone" all_dead "${PIDS_SEEN[@]}"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
trap finish EXIT
trap 'exit 130' INT TERM

# Every pid the sandbox ever recorded (libvirt's pid files have no final newline).
remember_pids() {
	local f p
	for f in "$SB_DIR"/pids/*.pid; do
		p=$(tr -dc 0-9 2>/dev/null <"$f" || true)
		[ -n "$p" ] && [[ " ${PIDS_SEEN[*]} " != *" $p "* ]] && PIDS_SEEN+=("$p")
	done
	return 0
}
all_dead() { local p; for p in "$@"; do sb_pid_dead "$p" || { echo "    alive: $p"; return 1; }; done; }
# A failing `rbd status` must fail these checks, never read as "no watchers".
watcher_count() {
	local w
	w=$(sb_watchers "$1") || return 1
	WATCHERS=$(grep -c . <<<"$w" || true)
}
has_watchers() { watcher_count "$1" && [ "$WATCHERS" -ge 1 ]; }
no_watchers() { watcher_count "$1" && [ "$WATCHERS" = 0 ]; }
rm_refused() {
	local out
	out=$(sb_rbd rm --no-progress "$1" 2>&1) && return 1
	grep -q 'image still has watchers' <<<"$out"
}
cmdline_has() { tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }

# --- Ceph -------------------------------------------------------------------------
UP_ARGS=()
[ -f "$HERE/openstack-standin" ] || UP_ARGS=(--no-openstack)
timed T_UP "$HERE/up" "$SB_DIR" "${UP_ARGS[@]}"
remember_pids
check "up writes env, rbdwho.conf and node.xml" test -s "$SB_DIR/env" -a -s "$SB_DIR/rbdwho.conf" -a -s "$SB_DIR/node.xml"
# shellcheck source=/dev/null
. "$SB_DIR/env"
check "env exports CEPH_CONF" test "$CEPH_CONF" = "$SB_DIR/ceph.conf"
check "up refuses a non-empty DIR" fails "$HERE/up" "$SB_DIR" --no-openstack
check "every default pool exists" test "$(sb_ceph osd pool ls | sort | tr '\n' ' ')" = "images my.pool.v2 vms volumes "
if [ ${#UP_ARGS[@]} = 0 ]; then
	check "the OpenStack stand-in issues a token" curl -sf -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"$OS_USERNAME\",\"domain\":{\"name\":\"Default\"},\"password\":\"$OS_PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}" \
		"$OS_AUTH_URL/auth/tokens"
fi

# A boot that fails half-way (here: a pool name ceph rejects) must stop what it started.
check "up fails on a bad pool name" fails "$HERE/up" "$BAD" --no-openstack --pools "volumes -bad" 2>/dev/null
check "the failed up left no process behind" test -z "$(pgrep -f -- "$BAD/" || true)"

VOL=volumes/volume-3f1d9a0c-5b2e-4c7d-8e9f-a0b1c2d3e4f5
EPH=my.pool.v2/9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d_disk
sb_rbd create --size 64M "$VOL"
sb_rbd create --size 64M "$EPH"

# --- plain qemu holders, both disk styles ------------------------------------------
check "hold refuses a missing image" fails "$HERE/hold" "$SB_DIR" volumes/nope --name instance-0000ffff \
	--uuid 00000000-0000-4000-8000-000000000000 2>/dev/null
timed T_DRIVE "$HERE/hold" "$SB_DIR" "$EPH" --name instance-00000001 --uuid 11111111-1111-4111-8111-111111111111
P1=$T_DRIVE_OUT
timed T_BLOCKDEV "$HERE/hold" "$SB_DIR" "$VOL" --name instance-00000002 --uuid 22222222-2222-4222-8222-222222222222 --style blockdev
P2=$T_BLOCKDEV_OUT
remember_pids
check "hold prints the holder's pid (drive)" sb_pid_alive "$P1"
check "hold prints the holder's pid (blockdev)" sb_pid_alive "$P2"
check "drive holder looks like Nova's qemu" cmdline_has "$P1" "-name guest=instance-00000001,debug-threads=on -S"
check "drive holder has -uuid" cmdline_has "$P1" "-uuid 11111111-1111-4111-8111-111111111111"
check "drive holder has the rbd: drive (pool with dots)" cmdline_has "$P1" "-drive file=rbd:$EPH:id=admin:conf=$SB_DIR/ceph.conf,format=raw,if=none,id=drive-virtio-disk0"
check "blockdev holder has the rbd blockdev" cmdline_has "$P2" "-blockdev {\"driver\":\"rbd\",\"pool\":\"volumes\",\"image\":\"${VOL#*/}\""
check "rbd status lists the drive holder's watch" has_watchers "$EPH"
check "rbd status lists the blockdev holder's watch" has_watchers "$VOL"
check "rbd rm refuses the held ephemeral disk" rm_refused "$EPH"
check "rbd rm refuses the held volume" rm_refused "$VOL"
check "hold refuses a second holder with the same name" fails "$HERE/hold" "$SB_DIR" "$VOL" \
	--name instance-00000001 --uuid 11111111-1111-4111-8111-111111111111 2>/dev/null
check "unhold (drive)" "$HERE/unhold" "$SB_DIR" instance-00000001
check "unhold (blockdev)" "$HERE/unhold" "$SB_DIR" instance-00000002
check "unheld qemu is gone (drive)" sb_pid_dead "$P1"
check "unheld qemu is gone (blockdev)" sb_pid_dead "$P2"
check "watch is gone after a clean exit (drive)" no_watchers "$EPH"
check "watch is gone after a clean exit (blockdev)" no_watchers "$VOL"
check "rbd rm works once unheld" sb_rbd rm --no-progress "$EPH"

# --- the private libvirtd ------------------------------------------------------------
timed T_LVUP "$HERE/libvirt-up" "$SB_DIR"
remember_pids
URI=$(sb_env_get SANDBOX_LIBVIRT_URI)
check "libvirt-up appends SANDBOX_LIBVIRT_URI to env" test -n "$URI"
check "the sandbox libvirtd answers on its own socket" timeout 30 virsh -q -c "$URI" list --all
DOM=instance-0000a001
timed T_LV "$HERE/hold" "$SB_DIR" "$VOL" --name "$DOM" --uuid aaaaaaaa-0000-4000-8000-00000000a001 --libvirt
P3=$T_LV_OUT
remember_pids
check "hold --libvirt prints the domain's qemu pid" sb_pid_alive "$P3"
check "libvirt qemu has the rbd blockdev" cmdline_has "$P3" '"driver":"rbd","pool":"volumes","image":"volume-'
check "domain is paused in libvirt" test "$(virsh -q -c "$URI" domstate "$DOM")" = paused
check "domain XML keeps the rbd network disk" bash -c "virsh -q -c '$URI' dumpxml '$DOM' | grep -q \"protocol='rbd' name='$VOL'\""
check "rbd status lists the domain's watch" has_watchers "$VOL"
check "rbd rm refuses the volume held by the domain" rm_refused "$VOL"
timed T_DESTROY timeout 60 virsh -q -c "$URI" destroy "$DOM" >/dev/null
check "the domain's qemu exits on virsh destroy" sb_poll 50 0.1 sb_pid_dead "$P3"
check "watch is gone after virsh destroy" no_watchers "$VOL"
check "unhold of a destroyed domain undefines it" "$HERE/unhold" "$SB_DIR" "$DOM"
check "rbd rm works after virsh destroy" sb_rbd rm --no-progress "$VOL"

# A holder left running is down's job: this one proves it.
sb_rbd create --size 64M volumes/leftover
"$HERE/hold" "$SB_DIR" volumes/leftover --name instance-0000a002 --uuid aaaaaaaa-0000-4000-8000-00000000a002 --libvirt >/dev/null
remember_pids

echo "timings: up ${T_UP}s, hold drive ${T_DRIVE}s, hold blockdev ${T_BLOCKDEV}s," \
	"libvirt-up ${T_LVUP}s, hold --libvirt ${T_LV}s, virsh destroy ${T_DESTROY}s"
