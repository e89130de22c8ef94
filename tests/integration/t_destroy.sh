#!/usr/bin/env bash
# `rbdwho destroy` against a real libvirtd holding a real RBD image: every refusal
# first (Nova knows the instance, Nova down, a wrong typed name, no terminal,
# --read-only), each leaving the VM running and an audit record; then the orphan
# (Nova 404) destroyed: watcher gone, `rbd rm` succeeds. One domain start in all
# (~40 s on this machine kind), because the refusals never stop it.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}

[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }
[ -x "$SB/libvirt-up" ] || { echo "  skip: tests/sandbox/libvirt-up not available"; exit 77; }
command -v virsh >/dev/null || { echo "  skip: no virsh"; exit 77; }

T=$(mktemp -d /tmp/rbdwho-destroy.XXXXXX)
NAME=instance-0000de57
INST=$(new_uuid)
VOL=$(new_uuid)
IMG=volumes/volume-$VOL
started_libvirt=0
held=0
cleanup() {
  [ "$held" = 1 ] && "$SB/unhold" "$D" "$NAME" >/dev/null 2>&1
  "$SB/osdata" "$D" rm-server "$INST" >/dev/null 2>&1
  "$SB/osdata" "$D" clear-faults >/dev/null 2>&1
  rbd rm "$IMG" >/dev/null 2>&1
  # The libvirtd this test started, it stops (down would too, but tests clean up after themselves).
  if [ "$started_libvirt" = 1 ] && [ -x "$SB/libvirt-down" ]; then
    "$SB/libvirt-down" "$D" >/dev/null 2>&1
    sed -i '/SANDBOX_LIBVIRT_URI/d' "$D/env"
  fi
  rm -rf "$T"
}
trap cleanup EXIT

if ! grep -q SANDBOX_LIBVIRT_URI "$D/env"; then
  "$SB/libvirt-up" "$D" >"$T/libvirt-up.log" 2>&1 ||
    { fail "libvirt-up"; tail -5 "$T/libvirt-up.log"; finish; exit 1; }
  started_libvirt=1
fi
# shellcheck disable=SC1091
. "$D/env"
URI=${SANDBOX_LIBVIRT_URI:?libvirt-up wrote no SANDBOX_LIBVIRT_URI}

# The sandbox config with local_uri on the real libvirtd and an audit log of our own.
AUDIT=$T/state/audit.log
python3 - "$D/rbdwho.conf" "$T/rbdwho.conf" "$URI" "$AUDIT" <<'EOF'
import re, sys
src, dst, uri, audit = sys.argv[1:]
text = open(src).read()
text = re.sub(r"(?m)^local_uri *=.*$", lambda m: "local_uri = " + uri, text)
text = re.sub(r"(?m)^audit_log *=.*$", lambda m: "audit_log = " + audit, text)
open(dst, "w").write(text)
EOF
grep -qxF "local_uri = $URI" "$T/rbdwho.conf" && grep -qxF "audit_log = $AUDIT" "$T/rbdwho.conf" ||
  { fail "config for the real libvirtd"; finish; exit 1; }

destroy() { "$RBDWHO" --config "$T/rbdwho.conf" destroy "$NAME" --host localhost "$@"; }
records() { [ -f "$AUDIT" ] && wc -l <"$AUDIT" || echo 0; }
last_field() { tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
watchers() { rbd status "$IMG" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))'; }
# hold starts the domain paused (no guest code to burn CPU): active is what counts.
still_runs() { virsh -q -c "$URI" list --name | grep -qxF "$NAME" && [ "$(watchers)" = 1 ]; }

rbd create --size 64 "$IMG" || { fail "rbd create $IMG"; finish; exit 1; }
"$SB/hold" "$D" "$IMG" --name "$NAME" --uuid "$INST" --libvirt >"$T/hold.log" 2>&1 &&
  held=1 || { fail "hold --libvirt"; tail -5 "$T/hold.log"; finish; exit 1; }
pass "libvirt domain $NAME holds $IMG"

# --- Nova knows the instance: ATTACHED, refused even with --yes.
"$SB/osdata" "$D" add-server "$INST" "$NAME" >/dev/null
destroy --yes --json >"$T/attached.json" 2>"$T/attached.err"; rc=$?
[ $rc -eq 5 ] && pass "attached: refused, exit 5" || fail "attached: refused, exit 5 (got $rc)"
[ "$(json_get "$T/attached.json" 'd["verdict"]')" = ATTACHED ] &&
  pass "attached: verdict ATTACHED" || fail "attached: verdict ATTACHED"
[ "$(json_get "$T/attached.json" 'd["nova"]["state"]')" = found ] &&
  pass "attached: Nova asked, found" || fail "attached: Nova asked, found"
grep -q -- "--force overrides" "$T/attached.err" &&
  pass "attached: says --force overrides" || fail "attached: says --force overrides"
still_runs && pass "attached: the VM still runs, watcher kept" || fail "attached: the VM still runs"
[ "$(last_field outcome)" = refused ] && [ "$(last_field verdict)" = ATTACHED ] &&
  pass "attached: audited as refused" || fail "attached: audited as refused"
"$SB/osdata" "$D" rm-server "$INST" >/dev/null

# --- Nova down: no answer is not a 404 → UNKNOWN → refused.
"$SB/osdata" "$D" fault nova '{"down":true}' >/dev/null
destroy --yes --json >"$T/down.json" 2>/dev/null; rc=$?
[ $rc -eq 5 ] && pass "nova down: refused, exit 5" || fail "nova down: refused, exit 5 (got $rc)"
[ "$(json_get "$T/down.json" 'd["verdict"]')" = UNKNOWN ] &&
  pass "nova down: verdict UNKNOWN" || fail "nova down: verdict UNKNOWN"
still_runs && pass "nova down: the VM still runs" || fail "nova down: the VM still runs"
"$SB/osdata" "$D" clear-faults >/dev/null

# --- Now an orphan, but every other check must still hold.
destroy --json --read-only --yes >"$T/ro.json" 2>"$T/ro.err"; rc=$?
[ $rc -eq 5 ] && pass "read-only: refused, exit 5" || fail "read-only: refused, exit 5 (got $rc)"
[ "$(json_get "$T/ro.json" 'd["verdict"]')" = ORPHAN ] &&
  pass "orphan: Nova 404 gives ORPHAN" || fail "orphan: Nova 404 gives ORPHAN"
grep -q "read-only" "$T/ro.err" && pass "read-only: says why" || fail "read-only: says why"

printf 'instance-0000de5\n' | script -qec \
  "'$RBDWHO' --config '$T/rbdwho.conf' destroy '$NAME' --host localhost" /dev/null >"$T/wrong.out" 2>&1; rc=$?
[ $rc -eq 5 ] && pass "wrong typed name: refused, exit 5" || fail "wrong typed name: refused, exit 5 (got $rc)"
grep -q "Type the domain name to destroy it" "$T/wrong.out" &&
  pass "wrong typed name: was asked on the terminal" || fail "wrong typed name: was asked on the terminal"
[ "$(last_field outcome)" = refused ] && last_field reason | grep -q "does not match" &&
  pass "wrong typed name: audited" || fail "wrong typed name: audited"

setsid -w "$RBDWHO" --config "$T/rbdwho.conf" destroy "$NAME" --host localhost </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 5 ] && pass "no terminal, no --yes: refused, exit 5" || fail "no terminal, no --yes: refused (got $rc)"
still_runs && pass "after every refusal the VM still runs" || fail "after every refusal the VM still runs"

n=$(records)
destroy --yes >"$T/ok.out" 2>&1; rc=$?
[ $rc -eq 0 ] && pass "orphan destroyed, exit 0" || { fail "orphan destroyed, exit 0 (got $rc)"; cat "$T/ok.out"; }
[ "$(watchers)" = 0 ] && pass "watcher gone (rbd status)" || fail "watcher gone (rbd status)"
rbd rm "$IMG" >/dev/null 2>&1 && pass "rbd rm succeeds" || fail "rbd rm succeeds"
[ "$(records)" = $((n + 1)) ] && pass "one audit record for the destroy" || fail "one audit record for the destroy"
[ "$(last_field outcome)" = destroyed ] && [ "$(last_field uuid)" = "$INST" ] &&
  [ "$(last_field nova)" = 404 ] && pass "audit: destroyed, uuid, nova 404" || fail "audit: destroyed, uuid, nova 404"
last_field volumes | grep -q "$IMG" && pass "audit: volumes listed" || fail "audit: volumes listed"
[ "$(records)" -ge 6 ] && pass "every attempt audited ($(records) records)" || fail "every attempt audited ($(records) records)"
[ "$(stat -c %a "$AUDIT")" = 600 ] && pass "audit log is 0600" || fail "audit log is 0600"
KEY=$(grep -o 'AQ[A-Za-z0-9+/]*==' "$D/keyring" | head -1)
[ -n "$KEY" ] && ! grep -qF -- "$KEY" "$AUDIT" &&
  pass "no cephx key in the audit log" || fail "no cephx key in the audit log (or no key to look for)"

destroy --yes >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] || [ $rc -eq 5 ] && pass "destroying it again: not found or refused ($rc)" ||
  fail "destroying it again: not found or refused (got $rc)"
finish
