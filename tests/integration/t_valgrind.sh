#!/usr/bin/env bash
# The commands run clean under valgrind: no memory errors and no definite or
# indirect leaks (librados' and libvirt's own still-reachable memory at exit is
# not ours and is not counted).
set -u
. "$(dirname "$0")/lib.sh"
[ -n "${RBDWHO_SANITIZED:-}" ] && { echo "  an ASan build: valgrind does not apply"; exit 77; }
command -v valgrind >/dev/null || { echo "  valgrind not installed"; exit 77; }
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
T=$(mktemp -d /tmp/rbdwho-vg.XXXXXX)
VOL=$(new_uuid); INST=$(new_uuid)
trap '"$SB/unhold" "$SANDBOX_DIR" vg-holder >/dev/null 2>&1; rm -rf "$T"' EXIT
rbd create --size 64 "volumes/volume-$VOL"
"$SB/osdata" "$SANDBOX_DIR" add-volume "$VOL" --status available >/dev/null
"$SB/hold" "$SANDBOX_DIR" "volumes/volume-$VOL" --name vg-holder --uuid "$INST" >/dev/null

vg() {  # vg NAME WANT-EXIT ARGS…: no valgrind error or definite/indirect leak, the right exit
  local name=$1 want=$2; shift 2
  valgrind --quiet --error-exitcode=99 --suppressions="$(dirname "$0")/../valgrind.supp" --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --log-file="$T/$name.vg" \
    "${RBDWHO_REAL:-$RBDWHO}" "$@" >"$T/$name.out" 2>&1
  local rc=$?
  if [ $rc -eq 99 ]; then fail "valgrind: $name ($(grep -m1 -E 'Invalid|uninitialised|definitely|indirectly' "$T/$name.vg"))"
  elif [ $rc -ne "$want" ]; then fail "valgrind: $name exited $rc, want $want"
  else pass "valgrind clean: $name"; fi
}
vg find 0 find "$VOL"
vg find-json 0 find "$VOL" --json
vg scan 0 scan volumes
vg procs 0 procs --json
vg not-found 3 find "$(new_uuid)"
vg usage 2 find not-a-uuid
finish
