#!/usr/bin/env bash
# Bench 1: the watcher scan of a whole pool, N = 1,000 and 10,000 images, three
# of each held by real qemu processes. rbdwho scan (end to end: process start,
# connect, list, probe, resolve the held ones) against the operator's
# `rbd status` loop and a one-process sequential open+list, same run.
# Goals at 10,000 images (doc/PERFORMANCE.md), judged on this run's figures:
# at least 1,000x the loop, and within 1.5x of the bare probe (the probe alone,
# 512 in flight, on ids listed beforehand, timed in-process): scan and bare
# probe runs alternate, so that both medians see the same load. Under 1 s end
# to end is reported, not judged: an absolute time measures the machine's load.
GOAL_LOOP_X=1000 GOAL_PROBE_X=1.5
. "$(dirname "$0")/lib.sh"
bench_up "p1k p10k"
mkimages p1k img 1000
mkimages p10k img 10000
hold_some p1k img 3
hold_some p10k img 3

echo "Bench 1 — watcher scan (median of 5 runs of rbdwho scan POOL, alternating with the bare probe; loop timed on a 200-image sample and extrapolated)"
for pool in p1k p10k; do
	last=$("$RBDWHO" scan "$pool" 2>&1 >/dev/null | tail -n 1)
	n=$(echo "$last" | sed -n 's/.*scanned \([0-9]*\) images.*/\1/p')
	w=$(echo "$last" | sed -n 's/.* \([0-9]*\) with watchers.*/\1/p')
	[ -n "$n" ] && [ "$n" -gt 0 ] || die "rbdwho scan $pool said: $last"
	[ "$w" = 3 ] || die "rbdwho scan $pool found $w images with watchers, not the 3 held: $last"
	# scan and the bare probe, alternating, 5 of each: medians
	scans=() bares=()
	for ((k = 0; k < 5; k++)); do
		scans+=("$(median_ms 1 "$RBDWHO" scan "$pool")")
		bares+=("$("$BT" bare "$pool")") || die "bench_tool bare $pool failed"
	done
	scan=$(printf '%s\n' "${scans[@]}" | sort -n | sed -n 3p)
	bare=$(printf '%s\n' "${bares[@]}" | sort -n | sed -n 3p)
	rbd ls "$pool" >"$SANDBOX_DIR/ls"  # not timed: the loop's `rbd ls` is one call, not per image
	t0=$(now_ms)
	for i in $(head -n 200 "$SANDBOX_DIR/ls"); do rbd status "$pool/$i" >/dev/null; done
	loop_per=$(calc "($(now_ms) - $t0) / 200")
	tool=$("$BT" probe "$pool" 500 2>&1) || { echo "$tool" >&2; die "bench_tool probe $pool failed"; }
	echo "$tool" | grep -v '^#'
	seq_per=$(echo "$tool" | awk '$2 == "A" {print $3}')
	op_per=$(echo "$tool" | awk '$2 == "D512" {print $3}')
	echo "  rbdwho scan $pool: $n images, $w with watchers, ${scan} ms end to end," \
		"$(calc "$n / ($scan / 1000)" | cut -d. -f1) images/s, $(calc "$scan / $n") ms/image"
	echo "  rbd status loop:  $loop_per ms/image -> $(calc "$loop_per * $n / 1000") s for $n (extrapolated)" \
		"-> scan is $(calc "int($loop_per * $n / $scan)")x faster"
	echo "  sequential open+list: $(calc "$seq_per * $n") ms for $n -> scan is $(calc "int($seq_per * $n / $scan)")x faster"
	ov=$("$BT" overlap "$pool" 7) || die "bench_tool overlap $pool failed"
	echo "$ov" | grep -v '^#'
	probe_x=$(calc "int($scan / $bare * 100 + 0.5) / 100")
	loop_x=$(calc "int($loop_per * $n / $scan)")
	echo "  scan vs the bare probe (D, 512 in flight, ids listed beforehand), alternating runs:" \
		"$scan / $bare ms = ${probe_x}x (scans: ${scans[*]}; bare: ${bares[*]})"
	echo "  scan per image vs the probe table's D512 per op: $(calc "$scan / $n") / $op_per ms" \
		"= $(calc "($scan / $n) / $op_per")x"
	if [ "$pool" = p10k ]; then
		goal "scan of 10,000 vs the rbd status loop" "$loop_x" ">=" "$GOAL_LOOP_X"
		goal "scan of 10,000 vs the bare probe" "$probe_x" "<=" "$GOAL_PROBE_X"
		echo "  (scan of 10,000 end to end: $scan ms; target < 1,000 ms, not judged)"
	fi
	echo
done
