#!/usr/bin/env bash
# run.sh — the browser's UI tests: boots ONE sandbox (real Ceph + the OpenStack
# stand-in) with the classic case in it (an orphan qemu holding an "available"
# volume), then runs every tests/ui/t_*.sh against the real binary in tmux.
# Usage: tests/ui/run.sh [NAME-PATTERN]   Prints "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SB=$ROOT/tests/sandbox
. "$HERE/lib.sh"

command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 2; }
[ -x "$ROOT/rbdwho" ] || { echo "build rbdwho first (make)" >&2; exit 2; }

DIR=$(mktemp -d /tmp/rbdwho-ui.XXXXXX)
cleanup() {
	ui_stop
	"$SB/down" "$DIR" >/dev/null 2>&1 || true
	rm -rf "$DIR"
}
trap cleanup EXIT

"$SB/up" "$DIR" >"$DIR.up.log" 2>&1 || { cat "$DIR.up.log" >&2; exit 1; }
rm -f "$DIR.up.log"
. "$DIR/env"

# The classic case, and a few neighbours to move around in.
export CLASSIC_VOL=9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a
export CLASSIC_INST=e6a96e04-733d-4b5a-9c00-0b0b0b0b0b0b
export CLASSIC_NAME=instance-0002f5c4
for i in 1 2 3 4 5 6 7 8; do
	rbd create "volumes/volume-0000000$i-1111-2222-3333-444444444444" --size 20M
done
rbd create "volumes/volume-$CLASSIC_VOL" --size 140M
rbd create "vms/${CLASSIC_INST}_disk" --size 10M
# a name with wide and accented characters, alone in its pool (t_utf8)
export UTF8_IMAGE="名前-ünïcode-日本語の長いディスクの名前-0123456789"
rbd create "images/$UTF8_IMAGE" --size 1M
"$SB/osdata" "$DIR" add-volume "$CLASSIC_VOL" --status available >/dev/null
"$SB/hold" "$DIR" "volumes/volume-$CLASSIC_VOL" --name "$CLASSIC_NAME" --uuid "$CLASSIC_INST" >/dev/null \
	|| { echo "hold failed" >&2; exit 1; }
export SANDBOX="$DIR" SANDBOX_BIN="$SB"

pass=0 fail=0 failed=()
for t in "$HERE"/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "${1:-}" ] && [[ $name != *$1* ]] && continue
	start=$(date +%s.%N)
	# Not inside `if`: bash ignores set -e in a condition, which would let every
	# ui_wait but the last fail silently (each costing its full 10 s timeout).
	(set -e; . "$t"; trap ui_stop EXIT; test_main) 2>"$DIR/$name.err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		printf 'ok    %-28s %5.1fs\n' "$name" "$(echo "$(date +%s.%N) - $start" | bc)"
	else
		fail=$((fail + 1))
		failed+=("$name")
		printf 'FAIL  %s\n' "$name"
		sed 's/^/  /' "$DIR/$name.err"
	fi
	ui_stop
	# a test that set a fault must not leak it into the next
	"$SB/osdata" "$DIR" clear-faults >/dev/null 2>&1 || true
done
echo "$pass passed, $fail failed${failed:+ (${failed[*]})}"
[ "$fail" -eq 0 ]
