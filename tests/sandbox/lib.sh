# Shared helpers for the rbdwho sandbox scripts (tests/sandbox/*): messages, bounded
# polling, free ports, and stopping recorded daemons by pid without ever touching a
# process that does not belong to the sandbox.  Sourced, never executed.

# shellcheck disable=SC2034 # used by the scripts that source this file
SB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SB_PROG=$(basename "$0")

sb_say() { printf '%s: %s\n' "$SB_PROG" "$*" >&2; }
sb_die() { printf '%s: error: %s\n' "$SB_PROG" "$*" >&2; exit 1; }

# Monotonic-enough milliseconds for the timings the scripts print.
sb_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sb_elapsed() { # START_MS -> "1.234"
	local ms=$(( $(sb_now_ms) - $1 ))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# sb_poll TRIES INTERVAL CMD... : run CMD until it succeeds, at most TRIES times.
# Bounded on purpose: a sandbox step that never converges must fail, not hang.
sb_poll() {
	local tries=$1 interval=$2 i
	shift 2
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep "$interval"
	done
	return 1
}

# The directory argument, made absolute (daemons chdir, paths end up in ceph.conf).
sb_abs_dir() {
	[ -n "${1:-}" ] || sb_die "missing sandbox directory argument"
	mkdir -p -- "$1" && (cd -- "$1" && pwd -P)
}

# An existing sandbox, made absolute; refuses directories `up` did not create.
sb_sandbox_dir() {
	[ -n "${1:-}" ] || sb_die "missing sandbox directory argument"
	[ -f "$1/.rbdwho-sandbox" ] || sb_die "$1 is not a sandbox (no .rbdwho-sandbox marker)"
	(cd -- "$1" && pwd -P)
}

# N distinct free TCP ports on 127.0.0.1 (or ADDR), chosen by the kernel (bind to port 0).
# Two sandboxes booting at once can still race for a port between this call and the
# daemon's bind; `up` detects a failed bind and says so.
sb_free_ports() {
	python3 - "$1" "${2:-127.0.0.1}" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind((sys.argv[2], 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# True while PID runs (a zombie counts as gone: it holds no watch and no socket).
sb_pid_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# True when PID belongs to sandbox DIR: its command line names DIR, or it is a
# libvirtd, virtlogd or qemu in the sandbox libvirt's private mount namespace (those
# only see namespace paths).  This is what keeps a recycled pid from being killed.
sb_pid_owned() {
	local pid=$1 dir=$2 ns exe
	tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$dir/" && return 0
	[ -f "$dir/libvirt/mntns" ] || return 1
	ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || return 1
	[ "$ns" = "$(cat "$dir/libvirt/mntns")" ] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ ${exe##*/} =~ ^(libvirtd|virtlogd|qemu-system-.*)$ ]]
}

# Pids of the processes in the sandbox libvirt's mount namespace (libvirtd's qemus).
sb_libvirt_ns_pids() {
	local dir=$1 ns p
	[ -f "$dir/libvirt/mntns" ] || return 0
	ns=$(cat "$dir/libvirt/mntns")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
	done
	return 0
}

# sb_stop_pid PID DIR [TERM_WAIT_TENTHS]: TERM, wait (bounded), then KILL and wait.
sb_stop_pid() {
	local pid=$1 dir=$2 tenths=${3:-100}
	sb_pid_alive "$pid" || return 0
	if ! sb_pid_owned "$pid" "$dir"; then
		sb_pid_alive "$pid" || return 0 # it ended while we looked
		sb_say "pid $pid is not part of $dir any more; not touching it"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	sb_poll "$tenths" 0.1 sb_pid_dead "$pid" && return 0
	sb_say "pid $pid ignored SIGTERM; sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	sb_poll 50 0.1 sb_pid_dead "$pid" || { sb_say "pid $pid survived SIGKILL"; return 1; }
}
sb_pid_dead() { ! sb_pid_alive "$1"; }

# sb_stop_pidfile FILE DIR [TENTHS]: stop the process a pid file names, drop the file.
sb_stop_pidfile() {
	local f=$1 pid
	[ -f "$f" ] || return 0
	pid=$(tr -dc '0-9' <"$f")
	if [ -n "$pid" ]; then
		sb_stop_pid "$pid" "$2" "${3:-100}" || return 1
	fi
	rm -f -- "$f"
}

# Ceph CLI against the sandbox only; CEPH_CONF is how every tool here finds it.  In a
# fleet (fleet-up), Ceph listens on a network that only exists in the fleet's network
# namespaces, so the tools run in the one that holds Ceph.
sb_ceph() { sb_net env CEPH_CONF="$SB_DIR/ceph.conf" timeout 30 ceph "$@"; }
sb_rbd() { sb_net env CEPH_CONF="$SB_DIR/ceph.conf" timeout 30 rbd "$@"; }
sb_net() {
	if [ -f "$SB_DIR/fleet/prefix" ]; then
		ip netns exec "$(cat "$SB_DIR/fleet/prefix")-sw" "$@"
	else
		"$@"
	fi
}

# Watcher addresses of POOL/IMAGE, one per line (JSON from `rbd status`).
sb_watchers() {
	local out
	out=$(sb_rbd status --format json -- "$1") || return 1
	python3 -c '
import json, sys
for w in json.loads(sys.argv[1]).get("watchers", []):
    print(w["address"])' "$out"
}

# sb_env_get VAR: a variable's value from DIR/env (sourced in a subshell, so the
# caller's environment is left alone).
sb_env_get() {
	# shellcheck source=/dev/null
	( set +u; . "$SB_DIR/env" >/dev/null 2>&1; eval "printf '%s' \"\${$1:-}\"" )
}

# sb_env_put VAR VALUE: append `export VAR='VALUE'` to DIR/env, quoted for any shell.
sb_env_put() {
	local q=${2//\'/\'\\\'\'}
	printf "export %s='%s'\n" "$1" "$q" >>"$SB_DIR/env"
}

# --- libvirt daemons (libvirt-up's one, and each fleet host's) -------------------------

# sb_lv_write_configs L: libvirtd/virtlogd/qemu.conf under L/etc, and L's state dirs.
# user root: with Debian's default (libvirt-qemu) and a root-only /dev/kvm (no udev
# here), every capability lookup re-probes qemu (~4 s, ~9 times per domain start).
# No namespaces/cgroups/security driver: the sandbox needs none, each costs time.
sb_lv_write_configs() {
	local l=$1
	mkdir -p "$l/etc" "$l/run" "$l/lib" "$l/cache" "$l/log" "$l/domains"
	cat >"$l/etc/libvirtd.conf" <<'EOF'
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
	cat >"$l/etc/virtlogd.conf" <<'EOF'
log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
EOF
	cat >"$l/etc/qemu.conf" <<'EOF'
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
EOF
}

# The qemu capability cache kept across sandboxes (only the first libvirtd on a machine
# probes qemu, ~8 s); libvirt re-validates the cached files itself.  Empty disables it.
SB_LV_CACHE=${RBDWHO_SANDBOX_CACHE-/var/tmp/rbdwho-sandbox-cache}
sb_lv_cache_warm() { [ -n "$SB_LV_CACHE" ] && compgen -G "$SB_LV_CACHE/libvirt-qemu-caps/*.xml" >/dev/null; }
sb_lv_cache_seed() { # L
	sb_lv_cache_warm || return 0
	mkdir -p "$1/cache/qemu/capabilities"
	cp -p "$SB_LV_CACHE"/libvirt-qemu-caps/*.xml "$1/cache/qemu/capabilities/" 2>/dev/null || true
}
# Each file is replaced atomically, so sandboxes booting side by side never read a torn one.
sb_lv_cache_save() { # L
	local f tmp
	[ -n "$SB_LV_CACHE" ] || return 0
	mkdir -p "$SB_LV_CACHE/libvirt-qemu-caps" 2>/dev/null || return 0
	for f in "$1"/cache/qemu/capabilities/*.xml; do
		[ -e "$f" ] || continue
		tmp=$(mktemp "$SB_LV_CACHE/libvirt-qemu-caps/.tmp.XXXXXX") || return 0
		cp -p "$f" "$tmp" && mv -f "$tmp" "$SB_LV_CACHE/libvirt-qemu-caps/$(basename "$f")"
	done
}

# --- fleet hosts (fleet-up) --------------------------------------------------------------

sb_is_fleet() { [ -f "$SB_DIR/fleet/prefix" ]; }
sb_fleet_hosts() { cat "$SB_DIR/fleet/hosts" 2>/dev/null; }

# sb_host_init HOST: the pid (as seen from here) of HOST's init, if it still runs and
# is this fleet's (a recycled pid is never entered).
sb_host_init() {
	local f=$SB_DIR/fleet/$1/init.pid pid
	[ -f "$f" ] || return 1
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] && sb_pid_alive "$pid" && sb_pid_owned "$pid" "$SB_DIR" || return 1
	echo "$pid"
}

# sb_in_host HOST CMD...: runs CMD on HOST (in all of its namespaces).
sb_in_host() {
	local init
	init=$(sb_host_init "$1") || { sb_say "host $1 of $SB_DIR is not running"; return 1; }
	shift
	nsenter -t "$init" -a -- "$@"
}

# sb_host_procs HOST: "PID NSPID CMDLINE" for each process on HOST (PID as seen here,
# NSPID as seen on HOST, the command line's NULs as blanks); one pass over /proc.
sb_host_procs() {
	local init
	init=$(sb_host_init "$1") || return 1
	python3 - "$init" <<'EOF'
import os, sys
def ns(pid):
    try:
        return os.readlink("/proc/%s/ns/pid" % pid)
    except OSError:
        return None
want = ns(sys.argv[1])
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if ns(pid) != want:
            continue
        with open("/proc/%s/status" % pid) as f:
            nspid = [l.split()[-1] for l in f if l.startswith("NSpid:")][0]
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").replace(b"\n", b" ").decode("utf-8", "replace")
    except (OSError, IndexError):
        continue
    print(pid, nspid, cmd)
EOF
}

# sb_host_outer_pid HOST NSPID: the pid, as seen from here, of HOST's process NSPID.
sb_host_outer_pid() {
	local procs
	procs=$(sb_host_procs "$1") || return 1
	awk -v want="$2" '$2 == want { print $1; found = 1; exit } END { exit !found }' <<<"$procs"
}

# sb_fuse_procs HOST MNT: "FUSE_PID HOLDER_PID FUSE_NSPID" of hold --fuse's rbd-fuse and
# file holder on HOST, found by the mount point in their command lines.
sb_fuse_procs() {
	local procs
	procs=$(sb_host_procs "$1") || return 1
	awk -v m="$2" '
		$3 ~ /(^|\/)rbd-fuse$/ && index($0 " ", " " m " ") { fuse = $1; nspid = $2 }
		$3 ~ /(^|\/)python3$/ && index($0, " " m "/") { holder = $1 }
		END { if (fuse == "" || holder == "") exit 1; print fuse, holder, nspid }' <<<"$procs"
}
