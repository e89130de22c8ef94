#!/usr/bin/env bash
# `rbdwho blocklist` against real qemu holders on the real sandbox: a running
# holder Nova knows (ATTACHED) refused and audited; --read-only, --dry-run and a
# mistyped address change nothing; an ORPHAN fenced (the watch gone at once, the
# fence listed as rbdwho's, then removed with --rm); a SIGKILLed holder whose
# watch lingers (DEAD) fenced, its watch gone long before the OSD's own timeout;
# one client watching two images (rbd-fuse) — both listed, forced, both cut.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }

T=$(mktemp -d /tmp/rbdwho-blocklist.XXXXXX)
N1=instance-0000b1a1 N2=instance-0000b1a2
U1=$(new_uuid) U2=$(new_uuid)
I1=volumes/volume-$(new_uuid) I2=volumes/volume-$(new_uuid)
fenced=()
held=()
FUSE_PID="" OPEN_PID=""
cleanup() {
  # A fenced rbd-fuse would wait minutes on the files' close: it goes first, by KILL.
  [ -n "$FUSE_PID" ] && kill -KILL "$FUSE_PID" 2>/dev/null && wait "$FUSE_PID" 2>/dev/null
  [ -n "$OPEN_PID" ] && kill "$OPEN_PID" 2>/dev/null && wait "$OPEN_PID" 2>/dev/null
  # (a dead FUSE daemon's mount answers ENOTCONN: mountpoint(1) no longer sees it)
  [ -n "$FUSE_PID" ] && umount -l "$T/fmnt" 2>/dev/null
  rbd rm "images/bl-f1-$$" >/dev/null 2>&1
  rbd rm "images/bl-f2-$$" >/dev/null 2>&1
  for a in "${fenced[@]}"; do ceph osd blocklist rm "$a" >/dev/null 2>&1; done
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  "$SB/osdata" "$D" rm-server "$U1" >/dev/null 2>&1
  rbd rm "$I1" >/dev/null 2>&1
  rbd rm "$I2" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

# The sandbox config with an audit log of our own.
AUDIT=$T/state/audit.log
sed "s|^audit_log *=.*|audit_log = $AUDIT|" "$D/rbdwho.conf" >"$T/rbdwho.conf"
grep -qxF "audit_log = $AUDIT" "$T/rbdwho.conf" || { fail "config with our audit log"; finish; exit 1; }

bl() { "$RBDWHO" --config "$T/rbdwho.conf" blocklist "$@"; }
records() { [ -f "$AUDIT" ] && wc -l <"$AUDIT" || echo 0; }
last_field() { tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
addr_of() { rbd status "$1" --format json | python3 -c 'import json,sys; w=json.load(sys.stdin)["watchers"]; print(w[0]["address"] if w else "")'; }
watched_by() { [ "$(rbd status "$1" --format json | python3 -c 'import json,sys; print(sum(w["address"]==sys.argv[1] for w in json.load(sys.stdin)["watchers"]))' "$2")" != 0 ]; }
listed() { ceph osd blocklist ls 2>/dev/null | grep -qF "$1"; }

rbd create --size 16 "$I1" && rbd create --size 16 "$I2" || { fail "rbd create"; finish; exit 1; }
"$SB/hold" "$D" "$I1" --name "$N1" --uuid "$U1" >"$T/hold1.log" 2>&1 && held+=("$N1") ||
  { fail "hold $I1"; finish; exit 1; }
A1=$(addr_of "$I1")
[ -n "$A1" ] && pass "qemu $N1 watches $I1 as $A1" || { fail "no watcher on $I1"; finish; exit 1; }

# --- ATTACHED: Nova knows the instance and its qemu runs: refused, audited, nothing done.
"$SB/osdata" "$D" add-server "$U1" "$N1" >/dev/null
bl "$A1" --yes --json >"$T/attached.json" 2>"$T/attached.err"; rc=$?
[ $rc -eq 5 ] && pass "attached: refused, exit 5" || fail "attached: refused, exit 5 (got $rc)"
[ "$(json_get "$T/attached.json" 'd["gate"]+" "+d["outcome"]')" = "attached refused" ] &&
  pass "attached: gate attached, outcome refused" || fail "attached: gate attached, outcome refused"
[ "$(json_get "$T/attached.json" 'd["images"][0]["pool"]+"/"+d["images"][0]["image"]')" = "$I1" ] &&
  pass "attached: the plan lists the image the client watches" || fail "attached: the plan lists the image"
grep -q -- "--force overrides" "$T/attached.err" && pass "attached: says --force overrides" ||
  fail "attached: says --force overrides"
[ "$(last_field action) $(last_field outcome) $(last_field target)" = "blocklist refused $A1" ] &&
  pass "attached: audited (blocklist, refused, the address)" || fail "attached: audited"
! listed "$A1" && watched_by "$I1" "$A1" && pass "attached: not blocklisted, still watching" ||
  fail "attached: not blocklisted, still watching"
"$SB/osdata" "$D" rm-server "$U1" >/dev/null

# --- Nova 404 now (ORPHAN), but read-only, dry-run and a mistyped address change nothing.
n=$(records)
bl "$A1" --yes --read-only >/dev/null 2>"$T/ro.err"; rc=$?
[ $rc -eq 5 ] && grep -q "read-only" "$T/ro.err" && pass "read-only: refused, exit 5, says why" ||
  fail "read-only: refused, exit 5 (got $rc)"
bl "$A1" --dry-run >"$T/dry.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -qxF "  ceph osd blocklist add $A1 3600" "$T/dry.out" &&
  pass "dry-run: prints the manual command" || { fail "dry-run: prints the manual command (exit $rc)"; cat "$T/dry.out"; }
bl "$A1" --dry-run --json >"$T/dry.json" 2>/dev/null
[ "$(json_get "$T/dry.json" 'd["outcome"]+" "+d["gate"]')" = "dry-run orphan" ] &&
  pass "dry-run --json: outcome dry-run, gate orphan" || fail "dry-run --json: outcome dry-run, gate orphan"
printf '%s\n' "${A1%?}" | script -qec "'$RBDWHO' --config '$T/rbdwho.conf' blocklist '$A1'" /dev/null >"$T/typo.out" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q "Type the address" "$T/typo.out" && pass "mistyped address: asked, refused, exit 5" ||
  fail "mistyped address: refused, exit 5 (got $rc)"
last_field reason | grep -q "does not match" && pass "mistyped address: audited" || fail "mistyped address: audited"
[ "$(records)" = $((n + 2)) ] && pass "read-only and typo audited, dry-run not" ||
  fail "read-only and typo audited, dry-run not ($(records) records, had $n)"
! listed "$A1" && watched_by "$I1" "$A1" && pass "after the refusals: not blocklisted, still watching" ||
  fail "after the refusals: not blocklisted, still watching"

# --- ORPHAN fenced.
bl "$A1" --yes --expire 10m --json >"$T/orphan.json" 2>"$T/orphan.err"; rc=$?
fenced+=("$A1")
[ $rc -eq 0 ] && pass "orphan: blocklisted, exit 0" || { fail "orphan: blocklisted, exit 0 (got $rc)"; cat "$T/orphan.err"; }
[ "$(json_get "$T/orphan.json" 'd["outcome"]+" "+str(d["expire_s"])+" "+str(d["watch_gone"])')" = "blocklisted 600 True" ] &&
  pass "orphan: outcome blocklisted, 600 s, watch gone" || fail "orphan: outcome blocklisted, 600 s, watch gone"
listed "$A1" && pass "orphan: in Ceph's blocklist" || fail "orphan: in Ceph's blocklist"
! watched_by "$I1" "$A1" && pass "orphan: rbd status no longer lists the address" ||
  fail "orphan: rbd status no longer lists the address"
[ "$(last_field outcome) $(last_field verdict)" = "blocklisted ORPHAN" ] &&
  pass "orphan: audited as blocklisted, ORPHAN" || fail "orphan: audited as blocklisted, ORPHAN"
bl --list --json >"$T/list.json"; rc=$?
[ $rc -eq 0 ] && [ "$(json_get "$T/list.json" '[f["address"] for f in d["fences"]].count("'"$A1"'")')" = 1 ] &&
  pass "fences: --list shows it as rbdwho's" || fail "fences: --list shows it (exit $rc)"
bl --list | grep -qF "$A1" && pass "fences: text --list too" || fail "fences: text --list too"

# --- the undo.
bl --rm "$A1" --read-only >/dev/null 2>&1; rc=$?
[ $rc -eq 5 ] && listed "$A1" && pass "--rm read-only: refused, entry kept" || fail "--rm read-only: refused (got $rc)"
bl --rm "$A1" --yes --json >"$T/rm.json" 2>&1; rc=$?
[ $rc -eq 0 ] && ! listed "$A1" && pass "--rm: entry removed" || fail "--rm: entry removed (exit $rc)"
[ "$(last_field action) $(last_field outcome)" = "unblocklist unblocklisted" ] &&
  pass "--rm: audited as unblocklisted" || fail "--rm: audited as unblocklisted"
bl --list --json >"$T/list2.json"
[ "$(json_get "$T/list2.json" 'len(d["fences"])')" = 0 ] && pass "fences: none left" || fail "fences: none left"

# --- DEAD: a SIGKILLed qemu's watch lingers; the blocklist ends it at once.
"$SB/hold" "$D" "$I2" --name "$N2" --uuid "$U2" >"$T/hold2.log" 2>&1 && held+=("$N2") ||
  { fail "hold $I2"; finish; exit 1; }
A2=$(addr_of "$I2")
kill -KILL "$(grep -o 'pid [0-9]*' "$T/hold2.log" | head -1 | cut -d' ' -f2)"
deadline=$((SECONDS + 10))
until [ "$("$RBDWHO" --config "$T/rbdwho.conf" find "$I2" --json 2>/dev/null | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["watchers"][0]["verdict"])
except Exception: print("")')" = DEAD ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
start=$SECONDS
bl "$A2" --yes --json >"$T/dead.json" 2>"$T/dead.err"; rc=$?
fenced+=("$A2")
[ $rc -eq 0 ] && [ "$(json_get "$T/dead.json" 'd["gate"]+" "+d["outcome"]')" = "dead blocklisted" ] &&
  pass "dead: gate dead, blocklisted" || { fail "dead: gate dead, blocklisted (exit $rc)"; cat "$T/dead.err"; }
! watched_by "$I2" "$A2" && [ $((SECONDS - start)) -lt 20 ] &&
  pass "dead: the lingering watch gone in $((SECONDS - start)) s (the OSD alone takes ~30 s)" ||
  fail "dead: the lingering watch gone"
[ "$(json_get "$T/dead.json" 'd["osds_have_map"]')" = True ] && pass "dead: the OSDs have the new map" ||
  fail "dead: the OSDs have the new map"

# --- one client, two images: rbd-fuse of a whole pool, both files held open.
if ! command -v rbd-fuse >/dev/null || [ ! -e /dev/fuse ]; then
  echo "  (no rbd-fuse or /dev/fuse: the two-image client is not tested)"
  finish; exit
fi
rbd create --size 16 "images/bl-f1-$$" && rbd create --size 16 "images/bl-f2-$$" || fail "rbd create (fuse)"
mkdir -p "$T/fmnt"
rbd-fuse -f -p images -c "$CEPH_CONF" "$T/fmnt" >"$T/fuse.log" 2>&1 &
FUSE_PID=$!
deadline=$((SECONDS + 10))
until [ -e "$T/fmnt/bl-f2-$$" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
bash -c 'exec 3<"$1" 4<"$2"; exec sleep 120' _ "$T/fmnt/bl-f1-$$" "$T/fmnt/bl-f2-$$" &
OPEN_PID=$!
deadline=$((SECONDS + 10))
until [ -n "$(addr_of "images/bl-f2-$$")" ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
A3=$(addr_of "images/bl-f1-$$")
[ -n "$A3" ] && [ "$A3" = "$(addr_of "images/bl-f2-$$")" ] &&
  pass "rbd-fuse: one client ($A3) watches both images" || fail "rbd-fuse: one client watches both images"
bl "$A3" --dry-run --json >"$T/fuse-plan.json" 2>/dev/null
[ "$(json_get "$T/fuse-plan.json" 'sorted(i["image"] for i in d["images"])')" = "['bl-f1-$$', 'bl-f2-$$']" ] &&
  pass "two images: the plan lists both (a blocklist cuts them all)" || fail "two images: the plan lists both"
[ "$(json_get "$T/fuse-plan.json" 'd["gate"]')" = unknown ] &&
  pass "two images: rbd-fuse is no Nova instance: gate unknown" || fail "two images: gate unknown"
bl "$A3" --yes --force --expire 2m --json >"$T/fuse.json" 2>"$T/fuse.err"; rc=$?
fenced+=("$A3")
[ $rc -eq 0 ] && [ "$(json_get "$T/fuse.json" 'd["watch_gone"]')" = True ] &&
  ! watched_by "images/bl-f1-$$" "$A3" && ! watched_by "images/bl-f2-$$" "$A3" &&
  pass "two images: --force blocklisted, both watches gone" || { fail "two images: both watches gone (exit $rc)"; cat "$T/fuse.err"; }
last_field reason | grep -q "forced (--force) past gate unknown" &&
  pass "two images: the audit says it was forced" || fail "two images: the audit says it was forced"
finish
