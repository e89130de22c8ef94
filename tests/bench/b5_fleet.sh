#!/usr/bin/env bash
# Bench 5: a fleet (tests/sandbox/fleet-up) of 10 hosts (and 20 with BENCH_FLEET_BIG=1),
# two plain qemu holders on every host, an image each in `volumes`. Same run, from the
# ops machine: `rbdwho scan volumes` (hosts asked in parallel, one ssh master per host)
# against the seed's manual procedure automated, one step after another: `rbd ls`, then
# for each image `rbd status`, the watcher's address mapped to its host, `ssh HOST ps
# auxww | grep UUID`. While one more scan runs, `ps` on ops is sampled in a loop for the
# number of ssh processes at once.
# Goals (doc/PERFORMANCE.md), judged on this run's figures: the scan >= 10x faster than
# the serial loop; peak ssh processes <= the cap of src/backend/ssh.c (16 commands
# running at once, plus one idle master per host).
# BENCH_FLEET_BEFORE=PATH (another rbdwho build, e.g. the branch point's) also times
# that build's scan on the same fleet, interleaved with this one's: before/after
# figures of one run, printed, not judged.
GOAL_LOOP_X=10 SSH_RUNNING_CAP=16 PER_HOST=${BENCH_FLEET_PER_HOST:-2}
. "$(dirname "$0")/lib.sh"
SB=$top/tests/sandbox
sizes=10
if [ "${BENCH_FLEET_BIG:-0}" != 0 ]; then sizes="10 20"; fi

fleet_up() { # N: boots a fleet of N hosts; OPS runs a command on its ops machine
	SANDBOX_DIR=$(mktemp -d /tmp/rbdwho-bench-fleet.XXXXXX)
	export SANDBOX_DIR
	bench_on_exit "\"\$SB/down\" $SANDBOX_DIR >/dev/null 2>&1"
	local t0; t0=$(now_ms)
	if ! RBDWHO=$RBDWHO "$SB/fleet-up" "$SANDBOX_DIR" --hosts "$1" --pools volumes >"$SANDBOX_DIR.up.log" 2>&1; then
		tail -n 15 "$SANDBOX_DIR.up.log" >&2
		rm -f "$SANDBOX_DIR.up.log"
		die "the $1-host fleet did not boot (tests/sandbox/fleet-up output above)"
	fi
	rm -f "$SANDBOX_DIR.up.log"
	boot_ms=$(($(now_ms) - t0))
	# shellcheck disable=SC1091
	. "$SANDBOX_DIR/env"
	OPS=$SANDBOX_OPS
}

fleet_down() { # takes the current fleet down now (the exit trap would too)
	"$SB/down" "$SANDBOX_DIR" >/dev/null 2>&1 || die "down $SANDBOX_DIR failed"
}

# hold_spread: PER_HOST images on every host, each held by a plain qemu there. The
# volumes' UUIDs are random, as Cinder's are: the pool's order (the scan's) interleaves
# the hosts, rather than listing each host's images side by side.
hold_spread() {
	local h k v out
	for h in $SANDBOX_HOSTS; do
		for ((k = 0; k < PER_HOST; k++)); do
			v=$(cat /proc/sys/kernel/random/uuid)
			"$OPS" rbd create --size 64 "volumes/volume-$v" || die "rbd create volume-$v"
			out=$("$SB/hold" "$SANDBOX_DIR" "volumes/volume-$v" --name "instance-b5$h$k" \
				--uuid "$(printf 'b5b5b5b5-1111-4000-8000-%04d%08d' "${h#c}" "$k")" --host "$h" 2>&1) ||
				{ echo "$out" | tail -n 5 >&2; die "hold volume-$v on $h failed"; }
		done
	done
}

# The seed's procedure, automated as an operator would script it, run on ops: which
# images have a watcher, where it is, and which process on that host has the volume's
# UUID on its command line. Prints "found N ssh_ms MS" (holders seen by ps | grep,
# and the time spent in the ssh steps).
# shellcheck disable=SC2016 # run by bash on ops
serial_loop='
set -u
declare -A host_of
for h in $SANDBOX_HOSTS; do v=SANDBOX_HOST_CEPH_IP_$h; host_of[${!v}]=$h; done
found=0 ssh_ns=0
for img in $(rbd ls volumes); do
	addr=$(rbd status "volumes/$img" | sed -n "s/.*watcher=\([0-9.]*\):.*/\1/p" | head -n 1)
	[ -n "$addr" ] || continue
	h=${host_of[$addr]:-}
	[ -n "$h" ] || { echo "no host for $addr" >&2; exit 1; }
	t0=$(date +%s%N)
	if ssh "$h" ps auxww | grep -v grep | grep -q -- "${img#volume-}"; then found=$((found + 1)); fi
	ssh_ns=$((ssh_ns + $(date +%s%N) - t0))
done
echo "found $found ssh_ms $((ssh_ns / 1000000))"
'

# The number of ssh processes on ops, sampled until the stop file appears (bounded:
# 600 s). Prints "ready" after its first sample, then at the end "peak P samples S".
# shellcheck disable=SC2016 # run by bash on ops
sampler='
stop=$1 peak=0 n=0 end=$((SECONDS + 600))
while [ ! -e "$stop" ] && [ $SECONDS -lt $end ]; do
	c=$(ps -eo comm= | grep -c "^ssh$")
	[ "$c" -gt "$peak" ] && peak=$c
	n=$((n + 1))
	[ $n = 1 ] && echo ready
done
echo "peak $peak samples $n"
'

# fleet_host_cpu_ms: CPU time (user + system, and that of the children they reaped)
# of every process on the fleet's hosts, summed, in ms: what their sshds, shells and
# libvirtds spent. The hosts are PID namespaces; their processes are found by it.
fleet_host_cpu_ms() {
	# shellcheck disable=SC2086 # one argument per host
	python3 - "$SANDBOX_DIR" $SANDBOX_HOSTS <<'EOF'
import os, sys
def ns(p):
    try: return os.readlink("/proc/%s/ns/pid" % p)
    except OSError: return None
d = sys.argv[1]
want = {ns(open("%s/fleet/%s/init.pid" % (d, h)).read().strip()) for h in sys.argv[2:]}
ticks = 0
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        if ns(p) not in want: continue
        f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        ticks += sum(int(x) for x in f[11:15])
    except (OSError, IndexError, ValueError): pass
print(ticks * 1000 // os.sysconf("SC_CLK_TCK"))
EOF
}

# cpu_ms_of CMD...: on ops, the CPU time (user + system, children included) of CMD in ms.
cpu_ms_of() {
	"$OPS" /usr/bin/time -f 'cpu %U %S' "$@" 2>&1 >/dev/null | sed -n 's/^cpu \([0-9.]*\) \([0-9.]*\)$/\1 \2/p' |
		awk '{ printf "%d", ($1 + $2) * 1000 }'
}

# wait_for FILE PATTERN SECONDS: polls (bounded) until FILE has a line matching PATTERN.
wait_for() {
	local end=$((SECONDS + $3))
	until grep -q "$2" "$1" 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		python3 -c 'import time; time.sleep(0.05)'
	done
}

declare -A scan_of
echo "Bench 5 — fleet scan: rbdwho scan volumes from ops (median of 3) vs the seed's procedure automated serially (rbd status, then ssh HOST ps auxww | grep UUID, per image), $PER_HOST plain qemu holders per host"
for n in $sizes; do
	fleet_up "$n"
	hold_spread
	held=$((n * PER_HOST))
	# a first scan checks the answer: every holder found on its host, no host unchecked
	rc=0
	"$OPS" "$RBDWHO" scan volumes --json >"$SANDBOX_DIR/scan.json" 2>"$SANDBOX_DIR/scan.err" || rc=$?
	[ "$rc" != 4 ] || { tail -n 5 "$SANDBOX_DIR/scan.err" >&2; die "scan of $n hosts exited 4 (incomplete)"; }
	got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d.get("not_checked", [])), len(json.dumps(d).split("\"b5b5b5b5-1111-")) - 1)' "$SANDBOX_DIR/scan.json") ||
		die "scan --json of $n hosts is not JSON"
	[ "${got% *}" = 0 ] || die "scan of $n hosts left ${got% *} hosts not checked"
	[ "${got#* }" -ge "$held" ] || die "scan of $n hosts named ${got#* } of the $held holders' UUIDs"
	scans=() befores=()
	for ((k = 0; k < 3; k++)); do
		[ -z "${BENCH_FLEET_BEFORE:-}" ] || befores+=("$(median_ms 1 "$OPS" "$BENCH_FLEET_BEFORE" scan volumes)")
		scans+=("$(median_ms 1 "$OPS" "$RBDWHO" scan volumes)")
	done
	scan=$(printf '%s\n' "${scans[@]}" | sort -n | sed -n 2p)
	before=$(printf '%s\n' "${befores[@]}" | sort -n | sed -n 2p)
	scan_of[$n]=$scan
	# the serial loop, once (it takes seconds), with its answer checked
	t0=$(now_ms)
	loop_out=$("$OPS" bash -c "$serial_loop") || die "the serial loop failed: $loop_out"
	loop=$(($(now_ms) - t0))
	loop_ssh=$(echo "$loop_out" | sed -n 's/^found [0-9]* ssh_ms \([0-9]*\)$/\1/p')
	[ "${loop_out% ssh_ms *}" = "found $held" ] && [ -n "$loop_ssh" ] || die "the serial loop found '$loop_out', not the $held holders"
	# one more scan with ps sampled on ops: the peak number of ssh processes
	rm -f "$SANDBOX_DIR/sampler.stop"
	"$OPS" bash -c "$sampler" sampler "$SANDBOX_DIR/sampler.stop" >"$SANDBOX_DIR/sampler.out" 2>&1 &
	spid=$!
	wait_for "$SANDBOX_DIR/sampler.out" '^ready' 30 || { kill "$spid"; die "the ssh sampler on ops did not start"; }
	"$OPS" "$RBDWHO" scan volumes >/dev/null 2>&1 || true
	touch "$SANDBOX_DIR/sampler.stop"
	wait "$spid" || die "the ssh sampler on ops failed: $(cat "$SANDBOX_DIR/sampler.out")"
	read -r _ peak _ samples < <(grep '^peak' "$SANDBOX_DIR/sampler.out") || die "sampler said: $(cat "$SANDBOX_DIR/sampler.out")"
	left=$("$OPS" ps -eo comm= | grep -c '^ssh$' || true)
	rtt=$(median_ms 3 "$OPS" ssh c1 true)
	# Where the CPU goes: one scan's CPU (on ops, and on all the hosts), and one fresh
	# ssh connection's (the client on ops, the server on c1; 5 of them, averaged). Every
	# host is a namespace of this machine, so all of it shares its cores: the scan cannot
	# take less wall time than its CPU time over the cores, however parallel it is.
	h0=$(fleet_host_cpu_ms)
	scan_ops_cpu=$(cpu_ms_of "$RBDWHO" scan volumes)
	scan_host_cpu=$(($(fleet_host_cpu_ms) - h0))
	h0=$(fleet_host_cpu_ms)
	hs_client=$(($(cpu_ms_of bash -c 'for i in 1 2 3 4 5; do ssh c1 true; done') / 5))
	hs_server=$((($(fleet_host_cpu_ms) - h0) / 5))
	cores=$(nproc)
	scan_cpu=$((scan_ops_cpu + scan_host_cpu))
	hs_floor=$(((hs_client + hs_server) * n / cores))
	cap=$((SSH_RUNNING_CAP + n))
	loop_x=$(calc "int($loop / $scan * 10 + 0.5) / 10")
	echo "  $n hosts (boot ${boot_ms} ms), $held holders:"
	echo "    rbdwho scan volumes:  $scan ms (runs: ${scans[*]})"
	[ -z "$before" ] || echo "    the same, $BENCH_FLEET_BEFORE: $before ms (runs: ${befores[*]}) -> $(calc "int($loop / $before * 10 + 0.5) / 10")x the loop (not judged)"
	echo "    serial loop:          $loop ms ($(calc "int($loop / $held)") ms per holder, of which ssh+ps+grep $(calc "int($loop_ssh / $held)") ms) -> scan is ${loop_x}x faster"
	echo "    peak ssh processes on ops during a scan: $peak ($samples samples of ps; cap $SSH_RUNNING_CAP running + $n masters = $cap); left after it: $left"
	echo "    one ssh c1 true from ops (a fresh connection, median of 3): $rtt ms"
	echo "    CPU of one scan: $scan_ops_cpu ms on ops + $scan_host_cpu ms on the hosts = $scan_cpu ms, over $cores cores: >= $((scan_cpu / cores)) ms of wall time, i.e. at most $(calc "int($loop * $cores / $scan_cpu * 10) / 10")x the loop on this machine (not judged)"
	echo "    CPU of one fresh ssh connection (mean of 5): client $hs_client ms + server $hs_server ms; the scan's $n handshakes alone: $(((hs_client + hs_server) * n)) ms over $cores cores = $hs_floor ms (not judged)"
	goal "$n-host scan vs the serial loop" "$loop_x" ">=" "$GOAL_LOOP_X"
	goal "$n-host scan: peak ssh processes" "$peak" "<=" "$cap"
	goal "$n-host scan: ssh processes left on ops" "$left" "==" 0
	if [ "$n" = 20 ] && [ -n "${scan_of[10]:-}" ]; then
		echo "    20 vs 10 hosts: +$((scan - scan_of[10])) ms = $(calc "int(($scan - ${scan_of[10]}) / $rtt * 10 + 0.5) / 10") ssh round trips (not judged)"
	fi
	fleet_down
	echo
done
