#!/usr/bin/env bash
# Builds every libFuzzer target in tests/fuzz/ with clang (fuzzer + ASan + UBSan,
# parser objects rebuilt with clang into build/fuzz/), replays the saved regression
# inputs, then fuzzes each target for FUZZ_SECONDS (default 60) from its corpus.
# Any crash, leak, timeout or UBSan report fails; the input is kept in
# build/fuzz/crashes/NAME/ and copied to tests/fuzz/regress/NAME/ so it is replayed
# on every later run (fix the parser, then keep the input).
# Usage: tests/fuzz/run.sh [NAME…]   (NAME: addr argv domxml os_json clouds config theme redact sessions)
#        FUZZ_SECONDS=10 tests/fuzz/run.sh      a short bounded run, e.g. for `make check`
#        FUZZ_BUILD_ONLY=1 tests/fuzz/run.sh    build and replay the regressions only
# shellcheck disable=SC2089,SC2090 # -DX=\"…\" quotes are meant literally: they make C strings
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 1
B=build/fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
CLANG=${FUZZ_CC:-clang}

command -v "$CLANG" >/dev/null || { echo "fuzz: $CLANG not found (make deps installs clang)"; exit 1; }

# What each target links beyond the common objects (paths under src/, no .c).
declare -A EXTRA=(
	[addr]="parse/addr"
	[argv]="parse/argv parse/argv_tools"
	[domxml]="parse/domxml parse/argv parse/argv_tools"
	[os_json]="parse/os_json"
	[clouds]="backend/clouds"
	[config]="config"
	[theme]="ui/theme"
	[redact]=""
	[sessions]="parse/sessions parse/addr"
)
COMMON="util error rbdref redact"
ALL="addr argv domxml os_json clouds config theme redact sessions"
TARGETS=${*:-$ALL}

PKG_CFLAGS=$(pkg-config --cflags libxml-2.0 json-c yaml-0.1)
PKG_LIBS=$(pkg-config --libs libxml-2.0 json-c yaml-0.1)
# -fno-sanitize-recover: a UBSan finding must stop the run like an ASan one.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -g -O1 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -Iinclude $PKG_CFLAGS"

CFLAGS="$CFLAGS -DRBDWHO_VERSION=\"fuzz\" -DRBDWHO_DATADIR=\"/nonexistent\""

# Recompiles a source when it (or any header) is newer than its object.
compile() {  # compile SRC OBJ EXTRA_FLAGS
	local src=$1 obj=$2
	if [ -f "$obj" ] && [ "$obj" -nt "$src" ] && [ -z "$(find include tests/fuzz -name '*.h' -newer "$obj")" ]; then
		return 0
	fi
	mkdir -p "$(dirname "$obj")"
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS $SAN $3 -c -o "$obj" "$src"
}

build() {  # build NAME
	local name=$1 objs="" m
	for m in $COMMON ${EXTRA[$name]}; do
		compile "src/$m.c" "$B/src/$m.o" -fsanitize=fuzzer-no-link || return 1
		case " $objs " in *" $B/src/$m.o "*) ;; *) objs="$objs $B/src/$m.o" ;; esac
	done
	compile "tests/fuzz/fuzz_$name.c" "$B/fuzz_$name.o" "-fsanitize=fuzzer -Itests/fuzz" || return 1
	# shellcheck disable=SC2086
	"$CLANG" $SAN -fsanitize=fuzzer -o "$B/fuzz_$name" "$B/fuzz_$name.o" $objs $PKG_LIBS -lpthread
}

# Keeps a crashing input as a regression input and says how to reproduce it.
keep_crashes() {  # keep_crashes NAME
	local name=$1 f
	mkdir -p "tests/fuzz/regress/$name"
	for f in "$B/crashes/$name"/*; do
		[ -f "$f" ] || continue
		cp "$f" "tests/fuzz/regress/$name/"
		echo "fuzz: $name: saved $f as tests/fuzz/regress/$name/$(basename "$f")"
		echo "fuzz: $name: reproduce with $B/fuzz_$name $f"
	done
}

run_one() {  # run_one NAME
	local name=$1 exe=$B/fuzz_$1 regress=tests/fuzz/regress/$1 out
	rm -rf "$B/crashes/$name"
	mkdir -p "$B/crashes/$name" "$B/corpus/$name"
	# Replay: every saved regression input, one run each.
	if [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
		if ! "$exe" -runs=1 "$regress"/* >"$B/$name.replay.log" 2>&1; then
			tail -n 30 "$B/$name.replay.log"
			echo "fuzz: $name: a regression input fails again (log: $B/$name.replay.log)"
			return 1
		fi
	fi
	[ -n "${FUZZ_BUILD_ONLY:-}" ] && return 0
	# New inputs go to the first corpus dir (build/, not the repo's seed corpus).
	out=$B/$name.log
	if "$exe" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$B/crashes/$name/" -print_final_stats=1 \
		"$B/corpus/$name" "tests/fuzz/corpus/$name" >"$out" 2>&1; then
		echo "fuzz: $name: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$') runs in ${SECONDS_EACH}s"
		return 0
	fi
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$out" | head -n 5
	echo "fuzz: $name: FAILED (log: $out)"
	keep_crashes "$name"
	return 1
}

mkdir -p "$B"
failed=""
for t in $TARGETS; do
	[ -n "${EXTRA[$t]+x}" ] || { echo "fuzz: no target '$t' (have: $ALL)"; exit 2; }
	if ! build "$t"; then
		failed="$failed $t"; echo "fuzz: $t: build failed"; continue
	fi
	run_one "$t" || failed="$failed $t"
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: all passed"
