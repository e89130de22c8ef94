#!/usr/bin/env bash
# Shared by the benchmarks: strict mode that names the failing line, a private
# sandbox per bench (taken down on exit), wall-clock timing in ms, the bench tool.
set -Eeuo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RBDWHO=${RBDWHO:-$top/build/rel/rbdwho}
BT=$top/${BUILD:-build/rel}/bench/bench_tool
bench_name=$(basename "$0" .sh)

# Any failing command ends the bench with its line and text on stderr: a
# bench that fails must say why (run.sh shows the tail of the log).
bench_fail() { # LINE COMMAND RC
	echo "bench: $bench_name: line $1: '$2' failed (exit $3)" >&2
}
trap 'bench_fail "$LINENO" "$BASH_COMMAND" "$?"' ERR

die() { echo "bench: $bench_name: $*" >&2; exit 1; }

# goal TEXT VALUE OP LIMIT: one of the bench's goals (doc/PERFORMANCE.md), judged
# on a figure of this run (a ratio to a baseline measured alongside, where the goal
# is relative). Prints the verdict at once; a miss fails the bench at its end, after
# every figure has been printed.
bench_missed=()
goal() {
	local text=$1 v=$2 op=$3 limit=$4
	# a figure that is not a number (a failed measure) never meets a goal
	if [[ $v =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] && awk "BEGIN { exit !(($v) $op ($limit)) }"; then
		echo "  goal met:    $text: $v $op $limit"
	else
		echo "  goal MISSED: $text: $v, needs $op $limit"
		bench_missed+=("$text ($v, needs $op $limit)")
	fi
}

# Cleanups run in reverse order on exit, keeping the exit status.
bench_cleanups=()
bench_on_exit() { bench_cleanups+=("$1"); }
bench_exit() {
	local rc=$? i
	trap - ERR
	set +e
	if [ "$rc" -eq 0 ] && [ ${#bench_missed[@]} -gt 0 ]; then
		echo "bench: $bench_name: goal missed: $(printf '%s; ' "${bench_missed[@]}")" >&2
		rc=1
	fi
	for ((i = ${#bench_cleanups[@]} - 1; i >= 0; i--)); do eval "${bench_cleanups[i]}"; done
	exit "$rc"
}
trap bench_exit EXIT
trap 'exit 130' INT TERM

[ -x "$RBDWHO" ] || die "no $RBDWHO: run make first"
[ -x "$BT" ] || die "no $BT: run tests/bench/build.sh first"

bench_up() { # POOLS [up options...]
	local pools=$1; shift
	SANDBOX_DIR=$(mktemp -d /tmp/rbdwho-bench.XXXXXX)
	export SANDBOX_DIR
	bench_on_exit '"$top/tests/sandbox/down" "$SANDBOX_DIR" >/dev/null 2>&1'
	if ! "$top/tests/sandbox/up" "$SANDBOX_DIR" --pools "$pools" "$@" >"$SANDBOX_DIR.up.log" 2>&1; then
		tail -n 15 "$SANDBOX_DIR.up.log" >&2
		rm -f "$SANDBOX_DIR.up.log"
		die "the sandbox did not boot (tests/sandbox/up output above)"
	fi
	rm -f "$SANDBOX_DIR.up.log"
	# shellcheck disable=SC1091
	. "$SANDBOX_DIR/env"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# median_ms N CMD...: runs CMD N times, prints the median wall time in ms.
# A run that fails fails the bench: a fast failure is not a figure.
median_ms() {
	local n=$1 i t0 rc; shift
	local -a ts=()
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N)
		rc=0; "$@" >/dev/null 2>"$SANDBOX_DIR/median.err" || rc=$?
		[ "$rc" -eq 0 ] || { tail -n 5 "$SANDBOX_DIR/median.err" >&2; die "'$*' exited $rc"; }
		ts+=($((($(date +%s%N) - t0) / 1000000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((n + 1) / 2))p"
}

# hold_some POOL PREFIX COUNT: real paused qemu holders on the first COUNT images.
hold_some() {
	local i out
	for ((i = 0; i < $3; i++)); do
		out=$("$top/tests/sandbox/hold" "$SANDBOX_DIR" "$1/$(printf '%s-%06d' "$2" "$i")" \
			--name "instance-$1$i" --uuid "$(printf '0b1e5c00-0000-4000-8000-%012d' $((i * 100000 + RANDOM)))" \
			2>&1) || { echo "$out" | tail -n 5 >&2; die "hold $1/$2-$i failed"; }
	done
}

mkimages() { # POOL PREFIX N [WIDTH]: quiet unless it fails
	local out
	out=$("$BT" mkimages "$@" 2>&1) || { echo "$out" | tail -n 5 >&2; die "mkimages $* failed"; }
}

calc() { awk "BEGIN { printf \"%s\", $1 }"; }
