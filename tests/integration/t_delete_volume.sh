#!/usr/bin/env bash
# `rbdwho delete-volume` on the real sandbox: every refusal (in-use, a real qemu
# watching the image, Cinder down, --read-only, a wrong typed UUID, the volume
# attached between the check and the DELETE), every failure (Cinder's 400/409/500,
# error_deleting, Cinder's own 400 for an attachment made at the DELETE), the dry
# run, and the happy path: deleted and gone from Cinder. Each attempt audited.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }

T=$(mktemp -d /tmp/rbdwho-delvol.XXXXXX)
HOLDER=instance-0000d31e
held=0
VOLS=()
cleanup() {
  [ "$held" = 1 ] && "$SB/unhold" "$D" "$HOLDER" >/dev/null 2>&1
  "$SB/osdata" "$D" clear-faults >/dev/null 2>&1
  for v in "${VOLS[@]}"; do
    "$SB/osdata" "$D" rm-volume "$v" >/dev/null 2>&1
    rbd rm "volumes/volume-$v" >/dev/null 2>&1
  done
  rm -rf "$T"
}
trap cleanup EXIT

AUDIT=$T/state/audit.log
python3 - "$D/rbdwho.conf" "$T/rbdwho.conf" "$AUDIT" <<'EOF'
import re, sys
src, dst, audit = sys.argv[1:]
text = open(src).read()
text = re.sub(r"(?m)^audit_log *=.*$", lambda m: "audit_log = " + audit, text)
open(dst, "w").write(text)
EOF
grep -qxF "audit_log = $AUDIT" "$T/rbdwho.conf" || { fail "config with our audit log"; finish; exit 1; }

dv() { "$RBDWHO" --config "$T/rbdwho.conf" delete-volume "$@"; }
records() { [ -f "$AUDIT" ] && wc -l <"$AUDIT" || echo 0; }
last_field() { tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
in_cinder() { python3 -c 'import json,sys; sys.exit(sys.argv[2] not in [v["id"] for v in json.load(open(sys.argv[1]))["volumes"]])' "$D/openstack.json" "$1"; }
cinder_status() { python3 -c 'import json,sys; print([v["status"] for v in json.load(open(sys.argv[1]))["volumes"] if v["id"] == sys.argv[2]][0])' "$D/openstack.json" "$1"; }
# new_volume [osdata add-volume options…]: a Cinder volume with its RBD image; prints its id.
new_volume() {
  local v
  v=$(new_uuid)
  rbd create --size 16 "volumes/volume-$v" && "$SB/osdata" "$D" add-volume "$v" --name dv "$@" >/dev/null &&
    echo "$v"
}
# audited OUTCOME WHAT: the last audit record is a delete-volume of $V with OUTCOME.
audited() {
  [ "$(last_field action)" = delete-volume ] && [ "$(last_field target)" = "$V" ] &&
    [ "$(last_field outcome)" = "$1" ] && pass "$2: audited $1" || fail "$2: audited $1"
}

# --- The happy path: available, unattached, unwatched → deleted, gone from Cinder.
V=$(new_volume) || { fail "new volume"; finish; exit 1; }
VOLS+=("$V")
"$SB/osdata" "$D" fault cinder '{"delete_ms": 700}' >/dev/null
n=$(records)
dv "volume-${V^^}" --yes --json >"$T/ok.json" 2>"$T/ok.err"; rc=$?
[ $rc -eq 0 ] && pass "available volume (volume-UUID, upper case): deleted, exit 0" ||
  { fail "available volume: deleted, exit 0 (got $rc)"; cat "$T/ok.err"; }
[ "$(json_get "$T/ok.json" '[d["outcome"], d["end"], d["allowed"], d["cinder"]["status"]]')" = \
  "['deleted', 'gone', True, 'available']" ] && pass "json: deleted, gone, allowed" || fail "json: deleted, gone, allowed"
[ "$(json_get "$T/ok.json" 'd["waited_ms"] >= 600')" = True ] &&
  pass "waited while Cinder said 'deleting' (>= 0.6 s)" || fail "waited while Cinder said 'deleting'"
in_cinder "$V" && fail "gone from Cinder" || pass "gone from Cinder"
[ "$(records)" = $((n + 1)) ] && pass "one audit record" || fail "one audit record"
audited deleted "deleted"
last_field checked | grep -q "just before the DELETE: Cinder: available, no attachment; Ceph: no watcher on volumes/volume-$V" &&
  pass "audit: what was re-checked before the DELETE" || fail "audit: what was re-checked before the DELETE"
"$SB/osdata" "$D" clear-faults >/dev/null

# --- In use: refused, exit 5, nothing sent to Cinder.
V=$(new_volume --attach "$(new_uuid):cmp1") && VOLS+=("$V")
dv "$V" --yes >/dev/null 2>"$T/inuse.err"; rc=$?
[ $rc -eq 5 ] && pass "in-use: refused, exit 5" || fail "in-use: refused, exit 5 (got $rc)"
grep -q "in-use" "$T/inuse.err" && pass "in-use: says why" || fail "in-use: says why"
in_cinder "$V" && pass "in-use: still in Cinder" || fail "in-use: still in Cinder"
audited refused "in-use"
! grep -q "DELETE /v3/.*/volumes/$V" "$D/openstack.log" 2>/dev/null &&
  pass "in-use: no DELETE was sent" || fail "in-use: no DELETE was sent"

# --- Available, but a real qemu watches the image: refused, naming the watcher.
V=$(new_volume) && VOLS+=("$V")
"$SB/hold" "$D" "volumes/volume-$V" --name "$HOLDER" --uuid "$(new_uuid)" >"$T/hold.log" 2>&1 &&
  held=1 || { fail "hold"; tail -3 "$T/hold.log"; }
ADDR=$(rbd status "volumes/volume-$V" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["watchers"][0]["address"])')
dv "$V" --yes >/dev/null 2>"$T/watched.err"; rc=$?
[ $rc -eq 5 ] && pass "watched: refused, exit 5" || fail "watched: refused, exit 5 (got $rc)"
grep -qF "$ADDR" "$T/watched.err" && grep -q "client\.[0-9]" "$T/watched.err" &&
  pass "watched: names the watcher ($ADDR)" || { fail "watched: names the watcher"; cat "$T/watched.err"; }
in_cinder "$V" && pass "watched: still in Cinder" || fail "watched: still in Cinder"
audited refused "watched"
"$SB/unhold" "$D" "$HOLDER" >/dev/null 2>&1 && held=0

# --- Cinder refuses the DELETE: failed, exit 4, Cinder's message shown, audited.
for code in 400 409 500; do
  V=$(new_volume) && VOLS+=("$V")
  "$SB/osdata" "$D" fault "cinder:/volumes/$V" \
    "{\"delete_status\": $code, \"delete_message\": \"stand-in says no ($code)\"}" >/dev/null
  dv "$V" --yes --json >"$T/c$code.json" 2>"$T/c$code.err"; rc=$?
  [ $rc -eq 4 ] && pass "cinder $code on DELETE: failed, exit 4" || fail "cinder $code on DELETE: exit 4 (got $rc)"
  grep -q "HTTP $code.*stand-in says no ($code)" "$T/c$code.err" &&
    pass "cinder $code: Cinder's message shown" || { fail "cinder $code: Cinder's message shown"; cat "$T/c$code.err"; }
  [ "$(json_get "$T/c$code.json" '[d["outcome"], d["end"]]')" = "['failed', 'rejected']" ] &&
    pass "cinder $code: json failed/rejected" || fail "cinder $code: json failed/rejected"
  audited failed "cinder $code"
  in_cinder "$V" && pass "cinder $code: still in Cinder" || fail "cinder $code: still in Cinder"
done
"$SB/osdata" "$D" clear-faults >/dev/null

# --- Accepted, then error_deleting: reported with Cinder's user message.
V=$(new_volume) && VOLS+=("$V")
"$SB/osdata" "$D" fault cinder '{"delete_ms": 300, "delete_error": "Delete volume failed: stand-in backend error."}' >/dev/null
dv "$V" --yes --json >"$T/errdel.json" 2>"$T/errdel.err"; rc=$?
[ $rc -eq 4 ] && pass "error_deleting: failed, exit 4" || fail "error_deleting: exit 4 (got $rc)"
grep -q "error_deleting.*stand-in backend error" "$T/errdel.err" &&
  pass "error_deleting: Cinder's message shown" || { fail "error_deleting: Cinder's message shown"; cat "$T/errdel.err"; }
[ "$(json_get "$T/errdel.json" '[d["end"], d["last_status"]]')" = "['error_deleting', 'error_deleting']" ] &&
  pass "error_deleting: json end and status" || fail "error_deleting: json end and status"
audited failed "error_deleting"
"$SB/osdata" "$D" clear-faults >/dev/null

# --- The race: attached after the plan's check, before the re-check → refused.
V=$(new_volume) && VOLS+=("$V")
SRV=$(new_uuid)
"$SB/osdata" "$D" fault "cinder:/volumes/$V" "{\"attach_after_gets\": 1, \"attach_server\": \"$SRV\"}" >/dev/null
dv "$V" --yes --json >"$T/race1.json" 2>"$T/race1.err"; rc=$?
[ $rc -eq 5 ] && pass "attached after the check: refused at the re-check, exit 5" ||
  fail "attached after the check: refused, exit 5 (got $rc)"
[ "$(json_get "$T/race1.json" 'd["allowed"]')" = True ] && grep -q "changed since the plan.*$SRV" "$T/race1.err" &&
  pass "race: the plan allowed it, the re-check caught the attachment" || { fail "race: re-check caught it"; cat "$T/race1.err"; }
in_cinder "$V" && pass "race: still in Cinder" || fail "race: still in Cinder"
audited refused "race at the re-check"

# --- The race at the DELETE itself: Cinder's own check answers 400.
V=$(new_volume) && VOLS+=("$V")
"$SB/osdata" "$D" fault "cinder:/volumes/$V" "{\"attach_on_delete\": \"$SRV:cmp1\"}" >/dev/null
dv "$V" --yes >/dev/null 2>"$T/race2.err"; rc=$?
[ $rc -eq 4 ] && pass "attached at the DELETE: Cinder's 400, exit 4" || fail "attached at the DELETE: exit 4 (got $rc)"
grep -q "HTTP 400: Invalid volume: Volume status must be available" "$T/race2.err" &&
  pass "race at the DELETE: Cinder's message shown" || { fail "race at the DELETE: message"; cat "$T/race2.err"; }
[ "$(cinder_status "$V")" = in-use ] && pass "race at the DELETE: volume kept (in-use)" || fail "race at the DELETE: volume kept"
audited failed "race at the DELETE"
"$SB/osdata" "$D" clear-faults >/dev/null

# --- Every other refusal, on a deletable volume that must survive them all.
V=$(new_volume) && VOLS+=("$V")
dv "$V" --yes --read-only >/dev/null 2>"$T/ro.err"; rc=$?
[ $rc -eq 5 ] && grep -q "read-only" "$T/ro.err" && pass "--read-only: refused, exit 5" || fail "--read-only: refused (got $rc)"
audited refused "--read-only"
n=$(records)
dv "$V" --dry-run >"$T/dry.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "openstack volume delete $V" "$T/dry.out" && grep -q "rbd status volumes/volume-$V" "$T/dry.out" &&
  pass "--dry-run: the manual commands and checks" || { fail "--dry-run: manual commands (got $rc)"; cat "$T/dry.out"; }
dv "$V" --dry-run --json >"$T/dry.json" 2>/dev/null
[ "$(json_get "$T/dry.json" 'd["outcome"]')" = dry-run ] && pass "--dry-run --json" || fail "--dry-run --json"
[ "$(records)" = "$n" ] && in_cinder "$V" && pass "--dry-run: nothing done, nothing audited" || fail "--dry-run: nothing done"
printf '%s\n' "${V%?}0" | script -qec "'$RBDWHO' --config '$T/rbdwho.conf' delete-volume '$V'" /dev/null >"$T/typo.out" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q "Type the volume UUID" "$T/typo.out" && grep -q "does not match" "$T/typo.out" &&
  pass "wrong typed UUID: asked, refused, exit 5" || { fail "wrong typed UUID (got $rc)"; cat "$T/typo.out"; }
audited refused "wrong typed UUID"
"$SB/osdata" "$D" fault cinder '{"down": true}' >/dev/null
dv "$V" --yes >/dev/null 2>"$T/down.err"; rc=$?
[ $rc -eq 4 ] && grep -q "cannot be known" "$T/down.err" && pass "Cinder down: cannot know, refused, exit 4" ||
  { fail "Cinder down: exit 4 (got $rc)"; cat "$T/down.err"; }
audited refused "Cinder down"
"$SB/osdata" "$D" clear-faults >/dev/null
in_cinder "$V" && pass "after every refusal the volume is still in Cinder" || fail "volume still in Cinder"

expect_exit 2 "not a volume UUID: usage, exit 2" dv not-a-uuid --yes
expect_exit 3 "a volume Cinder does not know: exit 3" dv "$(new_uuid)" --yes
KEY=$(grep -o 'AQ[A-Za-z0-9+/]*==' "$D/keyring" | head -1)
[ -n "$KEY" ] && ! grep -qF -- "$KEY" "$AUDIT" && ! grep -qF -- "$OS_PASSWORD" "$AUDIT" "$T"/*.err &&
  pass "no cephx key or OpenStack password in the audit log or messages" || fail "no secret in the audit log"
finish
