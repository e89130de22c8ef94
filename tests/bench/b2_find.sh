#!/usr/bin/env bash
# Bench 2: `rbdwho find` for one volume among 10,000 images (one of them held by
# a real qemu), by UUID (every pool searched) and by POOL/IMAGE. Ceph ops are
# counted on the OSD (perf counter osd.op: every read, watch-list and
# class-method call rbdwho sends); the mon sees only the connect handshake.
. "$(dirname "$0")/lib.sh"
bench_up "volumes vms images"
prefix=volume-0b1e5c00-0000-4000-8000
mkimages volumes "$prefix" 10000 12
held=$prefix-000000000042 free=$prefix-000000009999
"$top/tests/sandbox/hold" "$SANDBOX_DIR" "volumes/$held" --name instance-b2 \
	--uuid 0b1e5c00-0000-4000-8000-00000000b2b2 >/dev/null 2>&1 || die "hold volumes/$held failed"
osd_asok=$(ls "$SANDBOX_DIR"/run/ceph-osd.0.*.asok)
osd_ops() { ceph --admin-daemon "$osd_asok" perf dump 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["osd"]["op"])'; }
ops_of() { local a b; a=$(osd_ops); "$@" >/dev/null 2>&1 || die "'$*' failed"; b=$(osd_ops); echo $((b - a)); }

# Goals (doc/PERFORMANCE.md), on this run's figures: a find costs no more than
# twice the operator's first step, one `rbd status POOL/IMAGE` of the same image,
# and its Ceph ops do not grow with the pool (at most 1 % of its 10,000 images:
# listing the pool alone takes 10 ops, probing it one op per image).
GOAL_STATUS_X=2 GOAL_OPS=100
echo "Bench 2 — find one volume among 10,000 images (median of 5 runs; OSD ops of one run)"
printf '  %-46s %8s %8s\n' "command" "wall ms" "OSD ops"
idle=$(ops_of true)
status_ms=$(median_ms 5 rbd status "volumes/$held")
printf '  %-46s %8s %8s\n' "rbd status volumes/${held:0:28} (baseline)" "$status_ms" "$(ops_of rbd status "volumes/$held")"
for spec in "${held#volume-}" "volumes/$held" "${free#volume-}" "volumes/$free"; do
	ms=$(median_ms 5 "$RBDWHO" find "$spec")
	ops=$(ops_of "$RBDWHO" find "$spec")
	printf '  %-46s %8s %8s\n' "find ${spec:0:40}" "$ms" "$ops"
	goal "find ${spec:0:24}… vs rbd status" "$(calc "int($ms * 100 / $status_ms + 0.5) / 100")" "<=" "$GOAL_STATUS_X"
	goal "find ${spec:0:24}… OSD ops" "$ops" "<=" "$GOAL_OPS"
done
echo "  (OSD ops with nothing running: $idle; the held volume has a qemu holder, the free one none)"
