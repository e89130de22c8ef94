#!/usr/bin/env bash
# golden.sh — the browser's hermetic UI tests (like tig's test/): each
# tests/ui/golden/NAME.script drives the browser built on the fake backends
# (tests/fake/, `make ui-golden` builds it) through --ui-script; every
# `:dump NAME[-N].screen` it takes is compared with the checked-in file of that
# name. No cluster, no network, seconds. Per-script settings in its comments:
#   # env: RBDWHO_FAKE=down COLUMNS=80 LINES=24     (the environment)
#   # args: --read-only                            (the browser's options)
# GOLDEN_UPDATE=1 writes the screens instead of comparing (review the diff).
# Usage: tests/ui/golden.sh [NAME-PATTERN]   Prints "N passed, N failed".
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
GOLD=$HERE/golden
BIN=${RBDWHO_FAKE_BIN:-$ROOT/build/rel/rbdwho-fake}
[ -x "$BIN" ] || { echo "no $BIN: run make ui-golden" >&2; exit 2; }
WORK=$(mktemp -d /tmp/rbdwho-golden.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

run_one() {
	local script=$1 name dir envs args
	name=$(basename "$script" .script)
	dir=$WORK/$name
	mkdir -p "$dir/home"
	# no reverse DNS, no syslog, no ssh: nothing leaves the machine or depends on it
	printf '[general]\nreverse_dns = no\nsyslog = no\naudit_log = %s\n[ssh]\nenabled = no\n' "$dir/audit.log" >"$dir/config"
	envs=$(sed -n 's/^# env: //p' "$script")
	args=$(sed -n 's/^# args: //p' "$script")
	# A fixed world: the fake backends, an OpenStack that "answers", no user
	# config or theme, UTF-8, a 100x30 screen unless the script says otherwise.
	# shellcheck disable=SC2086
	(cd "$dir" && env -i PATH="$PATH" HOME="$dir/home" TERM=xterm-256color LANG=C.UTF-8 \
		LC_ALL=C.UTF-8 RBDWHO_CONFIG="$dir/config" COLUMNS=100 LINES=30 OS_AUTH_URL=http://openstack.invalid/v3 \
		OS_USERNAME=admin OS_PASSWORD=secret OS_PROJECT_NAME=admin \
		OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default $envs \
		timeout 60 "$BIN" $args --ui-script "$script" >"$dir/out" 2>&1)
	local rc=$? ok=1
	if [ "$rc" -ne 0 ]; then
		echo "  exit $rc: $(head -c 300 "$dir/out")"
		ok=0
	fi
	# Wall-clock figures (the scan's rate and duration) and who ran the test
	# when (an audit record's user and time) are not the screen's content:
	# normalised on both sides.
	local f
	for f in "$dir"/*.screen; do
		[ -f "$f" ] && LC_ALL=C.UTF-8 sed -E -i -e 's#[0-9]+/s  (took|left) [0-9]+s#N/s  \1 Ns#' \
			-e '/ with watchers/ s# +│$# │#' \
			-e '/ at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/ { s#(by|rbdwho:) [^ ]+( \([^)]*\))? at [0-9T:-]+Z#\1 USER at TIME#; s#[ │]+$##; }' "$f"
	done
	local dumps
	dumps=$(sed -n 's/^:dump //p' "$script")
	[ -n "$dumps" ] || { echo "  the script dumps no screen"; ok=0; }
	for d in $dumps; do
		if [ ! -f "$dir/$d" ]; then
			echo "  no screen $d was dumped"
			ok=0
		elif [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
			cp "$dir/$d" "$GOLD/$d"
		elif [ ! -f "$GOLD/$d" ]; then
			echo "  no golden $d (GOLDEN_UPDATE=1 writes it)"
			ok=0
		elif ! diff -u "$GOLD/$d" "$dir/$d" >"$dir/$d.diff"; then
			echo "  $d differs from the golden screen:"
			sed 's/^/    /' "$dir/$d.diff"
			ok=0
		fi
	done
	[ "$ok" = 1 ]
}

pass=0 fail=0 failed=()
for s in "$GOLD"/*.script; do
	name=$(basename "$s" .script)
	[ -n "${1:-}" ] && [[ $name != *$1* ]] && continue
	if out=$(run_one "$s"); then
		pass=$((pass + 1))
		printf 'ok    %s\n' "$name"
	else
		fail=$((fail + 1))
		failed+=("$name")
		printf 'FAIL  %s\n%s\n' "$name" "$out"
	fi
done
echo "$pass passed, $fail failed${failed:+ (${failed[*]})}"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
