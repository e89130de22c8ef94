#!/usr/bin/env bash
# Bad input gets a clear one-line error and a distinct exit status; a cluster
# that cannot be reached is an error within the timeout, not a hang.
set -u
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d /tmp/rbdwho-err.XXXXXX)
trap 'rm -rf "$T"' EXIT

expect_exit 2 "no operand to find: usage" "$RBDWHO" find
expect_exit 2 "malformed UUID: usage" "$RBDWHO" find not-a-uuid
expect_exit 2 "unknown command: usage" "$RBDWHO" frobnicate
expect_exit 2 "bad --timeout: usage" "$RBDWHO" --timeout abc find x
expect_exit 3 "unknown volume: not found" "$RBDWHO" find "$(new_uuid)"
expect_exit 3 "unknown pool: not found" "$RBDWHO" find nosuchpool/volume-x
expect_exit 3 "scan of an unknown pool: not found" "$RBDWHO" scan nosuchpool
expect_exit 0 "--help" "$RBDWHO" --help
expect_exit 0 "--version" "$RBDWHO" --version

# What the user typed is echoed inert: no raw ESC or BEL reaches the terminal.
"$RBDWHO" $'frob\e]52;c;eA==\a' 2>"$T/esc1"; "$RBDWHO" --bogus$'\e[2J' 2>"$T/esc2"
"$RBDWHO" find $'\e[31mred' 2>"$T/esc3"
if LC_ALL=C grep -q $'[\x1b\x07]' "$T/esc1" "$T/esc2" "$T/esc3"; then
  fail "usage errors echo escape sequences raw"
else
  pass "usage errors show escape sequences inert"
fi

"$RBDWHO" find "$(new_uuid)" 2>"$T/err" >/dev/null
[ "$(wc -l <"$T/err")" -eq 1 ] && pass "not found: one line on stderr" || fail "not found: one line on stderr"

# A cluster that is not there: a config naming a port where nothing listens.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s/^\([[:space:]]*mon host[[:space:]]*=\).*/\1 [v2:127.0.0.1:$port,v1:127.0.0.1:$port]/" "$CEPH_CONF" >"$T/dead.conf"
start=$(date +%s)
CEPH_CONF="$T/dead.conf" "$RBDWHO" --timeout 3 find "$(new_uuid)" 2>"$T/dead.err" >/dev/null; rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 4 ] && pass "unreachable cluster: backend error" || fail "unreachable cluster: backend error (exit $rc)"
[ $took -le 10 ] && pass "unreachable cluster: bounded by the timeout (${took}s)" || fail "unreachable cluster took ${took}s"
grep -qi "ceph\|monitor" "$T/dead.err" && pass "unreachable cluster: says so" || fail "unreachable cluster: says so"

# Wrong key: a keyring with a different secret for client.admin.
ceph-authtool --create-keyring "$T/bad.keyring" --gen-key -n client.admin >/dev/null
expect_exit 4 "wrong cephx key: backend error" "$RBDWHO" --timeout 3 -k "$T/bad.keyring" find "$(new_uuid)"

# OpenStack absent: verdicts UNKNOWN, still exit 0.
env -u OS_AUTH_URL -u OS_CLOUD "$RBDWHO" scan --json >"$T/noos.json"; rc=$?
[ $rc -eq 0 ] && pass "without OpenStack scan still works" || fail "without OpenStack scan still works ($rc)"
[ "$(json_get "$T/noos.json" 'all(w["verdict"]!="ORPHAN" for i in d["images"] for w in i["watchers"])')" = True ] &&
  pass "without OpenStack nothing is ORPHAN" || fail "without OpenStack nothing is ORPHAN"

finish
