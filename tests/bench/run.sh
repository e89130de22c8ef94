#!/usr/bin/env bash
# `make bench`: builds the bench tool and runs every benchmark, each on its own
# sandbox. Figures go to stdout; doc/PERFORMANCE.md records a run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
"$here/build.sh" >/dev/null || { echo "bench: cannot build bench_tool"; exit 1; }
echo "rbdwho benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem/ {print $2}') GB RAM"
rc=0
for b in b1_scan b2_find b4_chain; do
	echo
	bash "$here/$b.sh" || { echo "bench: $b failed"; rc=1; }
done
echo
echo "Bench 3 (browser at 100,000 rows): not written yet — see doc/PERFORMANCE.md."
exit $rc
