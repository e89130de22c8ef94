#!/usr/bin/env bash
# Shared by the benchmarks: a private sandbox per bench (taken down on exit),
# wall-clock timing in ms, and the bench tool.
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RBDWHO=${RBDWHO:-$top/build/rel/rbdwho}
BT=$top/${BUILD:-build/rel}/bench/bench_tool

bench_up() { # POOLS
	SANDBOX_DIR=$(mktemp -d /tmp/rbdwho-bench.XXXXXX)
	export SANDBOX_DIR
	trap '"$top/tests/sandbox/down" "$SANDBOX_DIR" >/dev/null 2>&1' EXIT INT TERM
	"$top/tests/sandbox/up" "$SANDBOX_DIR" --pools "$1" >/dev/null 2>&1 || {
		echo "bench: the sandbox did not boot"; exit 1; }
	# shellcheck disable=SC1091
	. "$SANDBOX_DIR/env"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# median_ms N CMD...: runs CMD N times, prints the median wall time in ms.
median_ms() {
	local n=$1 i t0; shift
	local -a ts=()
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N); "$@" >/dev/null 2>&1; ts+=($((($(date +%s%N) - t0) / 1000000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((n + 1) / 2))p"
}

# hold_some POOL PREFIX COUNT: real paused qemu holders on the first COUNT images.
hold_some() {
	local i
	for ((i = 0; i < $3; i++)); do
		"$top/tests/sandbox/hold" "$SANDBOX_DIR" "$1/$(printf '%s-%06d' "$2" "$i")" \
			--name "instance-$1$i" --uuid "$(printf '0b1e5c00-0000-4000-8000-%012d' $((i * 100000 + RANDOM)))" \
			>/dev/null 2>&1 || { echo "bench: hold failed"; exit 1; }
	done
}

calc() { awk "BEGIN { printf \"%s\", $1 }"; }
