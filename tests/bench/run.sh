#!/usr/bin/env bash
# `make bench`: builds the bench tool and runs every benchmark, each on its own
# sandbox, one after the other. Figures go to stdout; each bench's full output
# is kept in build/rel/bench/logs/, and a failing bench is named with the tail
# of its log (the failing line and command). doc/PERFORMANCE.md records a run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
logs=$top/${BUILD:-build/rel}/bench/logs
out=$("$here/build.sh" 2>&1) || { echo "$out" | tail -n 20; echo "bench: cannot build bench_tool"; exit 1; }
mkdir -p "$logs"
benches=${BENCHES:-b1_scan b2_find b3_browser b4_chain b5_fleet}
echo "rbdwho benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem/ {print $2}') GB RAM," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
failed=()
for b in $benches; do
	echo
	t0=$(date +%s)
	# stderr too: the reason for a failure must reach the log and the screen
	bash "$here/$b.sh" 2>&1 | tee "$logs/$b.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "bench: $b FAILED (exit $rc) after $(($(date +%s) - t0)) s; last lines of $logs/$b.log:"
		tail -n 12 "$logs/$b.log" | sed 's/^/  | /'
		failed+=("$b")
	else
		echo "  ($b: $(($(date +%s) - t0)) s)"
	fi
done
echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: FAILED: ${failed[*]}"
	exit 1
fi
echo "bench: all passed ($benches)"
