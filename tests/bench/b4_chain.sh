#!/usr/bin/env bash
# Bench 4: the full chain of a scan with 50 real qemu holders (image → watcher →
# host → process holder → Nova → verdict). 40 of the holders' instances are in
# Nova's list, 10 are not (each then costs its own GET /servers/{id}, answered
# 404: ORPHAN). Measured without OpenStack, with the stand-in as is, and with
# 200 ms added to every Nova request.
# What it does NOT measure: several hosts. Every local watcher shows 127.0.0.1,
# and the [hosts] map works by IP, so all 50 holders resolve on one host here;
# a multi-host run needs the netns sandbox described in SANDBOX-NOTES.md.
. "$(dirname "$0")/lib.sh"
bench_up "volumes"
"$BT" mkimages volumes vol 1000 2>/dev/null || exit 1
for ((i = 0; i < 50; i++)); do
	uuid=$(printf '4b000000-0000-4000-8000-%012d' "$i")
	"$top/tests/sandbox/hold" "$SANDBOX_DIR" "volumes/$(printf 'vol-%06d' "$i")" \
		--name "instance-b4$i" --uuid "$uuid" >/dev/null 2>&1 || { echo "hold failed"; exit 1; }
	[ "$i" -lt 40 ] && "$top/tests/sandbox/osdata" "$SANDBOX_DIR" add-server "$uuid" "vm$i" >/dev/null
done
nova_reqs() { grep -c ' nova [A-Z]* /' "$SANDBOX_DIR/openstack.log" 2>/dev/null || true; }

echo "Bench 4 — scan of 1,000 images, 50 held by real qemu holders on one host (median of 3)"
printf '  %-34s %9s %7s %7s %13s\n' "setting" "wall ms" "found" "orphan" "Nova requests"
run() { # LABEL ARGS...
	local label=$1; shift
	local a b ms out
	a=$(nova_reqs)
	out=$("$RBDWHO" scan volumes "$@" 2>&1 | tail -1)
	b=$(nova_reqs)
	ms=$(median_ms 3 "$RBDWHO" scan volumes "$@")
	printf '  %-34s %9s %7s %7s %13s\n' "$label" "$ms" \
		"$(echo "$out" | sed -n 's/.* \([0-9]*\) with watchers.*/\1/p')" \
		"$(echo "$out" | sed -n 's/.* \([0-9]*\) orphans.*/\1/p')" "$((b - a))"
}
run "no OpenStack" --no-openstack
run "Nova stand-in, no delay"
"$top/tests/sandbox/osdata" "$SANDBOX_DIR" fault nova '{"delay_ms": 200}' >/dev/null
run "Nova +200 ms per request"
echo "  (Nova requests: one run, from the stand-in's log: the server list pages plus one GET per holder missing from it)"
