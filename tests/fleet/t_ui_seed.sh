#!/usr/bin/env bash
# The seed's case on a remote host, in the browser (--ui-script, on ops): a plain qemu on
# c2 that libvirt does not manage, its instance unknown to Nova (404). Sent there with
# --goto, the browser shows the watcher on c2 (host from the monitors' session list)
# ORPHAN, and its holder as the qemu with its pid on c2, ORPHAN, Nova 404.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/rbdwho-fleet-us.XXXXXX)
trap 'fleet_unhold_all; rm -rf "$T"' EXIT

VOL=$(new_uuid) INST=$(new_uuid)
"$OPS" rbd create --size 64 "volumes/volume-$VOL"
"$SB/osdata" "$D" add-volume "$VOL" --name us-orphan --status available >/dev/null
PID=$("$SB/hold" "$D" "volumes/volume-$VOL" --name instance-0000b2b2 --uuid "$INST" --host c2 2>/dev/null) &&
  FLEET_HELD+=(instance-0000b2b2) || fail "hold --host c2"

# the watcher is opened by --goto; Enter goes on to its holder
printf '%s\n' ':wait-idle' ":dump $T/watcher.txt" '<Enter>' ':wait-idle' ":dump $T/holder.txt" ':quit' >"$T/script"
"$OPS" env LANG=C.UTF-8 TERM=xterm-256color timeout 60 "$RBDWHO" --goto "volumes/volume-$VOL" \
  --ui-script "$T/script" >"$T/out" 2>&1; rc=$?
[ $rc -eq 0 ] && pass "the browser exits 0" || fail "the browser exits 0 (got $rc: $(tail -n 3 "$T/out"))"

check_screen() { # FILE REGEX WHAT
  grep -Eq -- "$2" "$1" 2>/dev/null && pass "$3" || fail "$3 (no /$2/ in $(basename "$1"):
$(sed 's/^/    | /' "$1" 2>/dev/null))"
}
check_screen "$T/watcher.txt" 'Watchers \(1\)' "one watcher"
check_screen "$T/watcher.txt" '192\.0\.2\.12:[^ ]* ORPHAN' "the watcher (c2's Ceph address) is ORPHAN"
check_screen "$T/watcher.txt" 'host +c2 \(ceph monitor session\)' "its host is c2, from the monitors' session list"
check_screen "$T/holder.txt" 'instance-0000b2b2 +ORPHAN' "the holders pane: instance-0000b2b2 ORPHAN"
check_screen "$T/holder.txt" "holder +qemu instance-0000b2b2 +uuid $INST" "the holder is the plain qemu, with its UUID"
check_screen "$T/holder.txt" "host c2 .* pid ${PID:-?} " "with its pid on c2 (${PID:-?})"
check_screen "$T/holder.txt" 'nova +404' "Nova answered 404"
finish
