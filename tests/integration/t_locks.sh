#!/usr/bin/env bash
# The exclusive lock, end to end on the real sandbox: a real writer (`rbd bench
# --io-type write`) takes librbd's exclusive lock while a paused qemu watches the
# same image (two clients, as during a live migration) → find names the watcher
# that owns the lock; `unlock` refuses a live owner, even forced. The writer
# SIGKILLed → its watch times out, the lock stays: stale → refusals (--read-only,
# a wrong typed POOL/IMAGE), --dry-run's manual command, then the lock broken,
# audited, and the locker's address blocklisted by librbd. A second writer killed
# and blocklisted by hand → "blocklisted", unlocked; an advisory `rbd lock add`
# lock → refused without --force; no lock → exit 3. The OSD's watch timeout is
# lowered to 12 s for the test (a SIGKILLed client's watch lingers that long).
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }

T=$(mktemp -d /tmp/rbdwho-locks.XXXXXX)
IMG=volumes/lock-$(new_uuid)
IMG2=volumes/lock-$(new_uuid)
NAME=instance-0000a1c5
held=0 w1='' w2='' addrs=''
cleanup() {
  [ -n "$w1" ] && kill -9 "$w1" 2>/dev/null
  [ -n "$w2" ] && kill -9 "$w2" 2>/dev/null
  [ "$held" = 1 ] && "$SB/unhold" "$D" "$NAME" >/dev/null 2>&1
  for a in $addrs; do ceph osd blocklist rm "$a" >/dev/null 2>&1; done
  ceph config rm osd osd_client_watch_timeout >/dev/null 2>&1
  rbd rm "$IMG" >/dev/null 2>&1
  rbd rm "$IMG2" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

AUDIT=$T/audit.log
sed "s#^audit_log *=.*#audit_log = $AUDIT#" "$D/rbdwho.conf" >"$T/rbdwho.conf"
grep -qxF "audit_log = $AUDIT" "$T/rbdwho.conf" || { fail "config with our audit log"; finish; exit 1; }
rw() { "$RBDWHO" --config "$T/rbdwho.conf" "$@"; }
records() { [ -f "$AUDIT" ] && wc -l <"$AUDIT" || echo 0; }
last_field() { tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
lockers() { rbd lock ls "$1" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
locker_field() { rbd lock ls "$1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"; }
watched_by() { rbd status "$1" --format json | grep -qF "\"$2\""; }
# poll CMD… until it succeeds, for at most $1 seconds
poll() { local until=$(($(date +%s) + $1)); shift; until "$@"; do [ "$(date +%s)" -ge "$until" ] && return 1; sleep 0.2; done; }
has_lock() { [ "$(lockers "$1")" -ge 1 ]; }
not_watched_by() { ! watched_by "$1" "$2"; }
writer() { rbd bench --io-type write --io-size 4K --io-threads 1 --io-total 20G --io-pattern rand "$1" >/dev/null 2>&1 & }

ceph config set osd osd_client_watch_timeout 12 || { fail "lower the OSD watch timeout"; finish; exit 1; }
rbd create --size 64 "$IMG" && rbd create --size 64 "$IMG2" || { fail "rbd create"; finish; exit 1; }

# --- a writer owns the exclusive lock; a paused qemu watches too
writer "$IMG"; w1=$!
poll 20 has_lock "$IMG" && pass "a writer took the exclusive lock" || { fail "a writer took the exclusive lock"; finish; exit 1; }
A1=$(locker_field "$IMG" address); addrs="$addrs $A1"
ID1=$(locker_field "$IMG" id); E1=$(locker_field "$IMG" locker)
"$SB/hold" "$D" "$IMG" --name "$NAME" --uuid "$(new_uuid)" >"$T/hold.log" 2>&1 && held=1 ||
  { fail "hold"; tail -3 "$T/hold.log"; finish; exit 1; }
rw find "$IMG" --json >"$T/held.json" 2>/dev/null
[ "$(json_get "$T/held.json" 'len(d["watchers"])')" = 2 ] && pass "held: two watchers" || fail "held: two watchers"
[ "$(json_get "$T/held.json" 'd["lock"]["state"]')" = held ] && pass "held: lock state held" || fail "held: lock state held"
[ "$(json_get "$T/held.json" 'd["lock"]["owner"]')" = "$A1" ] &&
  pass "held: the writer's watcher owns the lock" || fail "held: the writer's watcher owns the lock"
[ "$(json_get "$T/held.json" '(d["lock"]["kind"], d["lock"]["lockers"][0]["id"], d["lock"]["lockers"][0]["watching"])')" = "('exclusive-lock', '$ID1', True)" ] &&
  pass "held: exclusive-lock, id as rbd lock ls, watching" || fail "held: exclusive-lock, id as rbd lock ls, watching"
json_get "$T/held.json" '" ".join(d["notes"])' | grep -q "owns the exclusive lock: of the 2 clients watching, it is the active one" &&
  pass "held: a note names the active side" || fail "held: a note names the active side"
rw find "$IMG" >"$T/held.txt" 2>/dev/null
awk -v a="watcher  $A1 " '/^watcher/ { mine = index($0, a) == 1 } mine' "$T/held.txt" |
  grep -qxF "  lock     owns the exclusive lock ($ID1)" &&
  pass "held: text marks the owner under its watcher" || fail "held: text marks the owner under its watcher"

n=$(records)
rw unlock "$IMG" --yes >"$T/live.out" 2>&1; rc=$?
[ $rc -eq 5 ] && pass "live owner: refused, exit 5" || fail "live owner: refused, exit 5 (got $rc)"
grep -q "still watches" "$T/live.out" && pass "live owner: says it still watches" || fail "live owner: says it still watches"
rw unlock "$IMG" --yes --force >/dev/null 2>&1; rc=$?
[ $rc -eq 5 ] && pass "live owner: refused even with --force" || fail "live owner: refused even with --force (got $rc)"
[ "$(records)" = $((n + 2)) ] && [ "$(last_field outcome)" = refused ] &&
  pass "live owner: both attempts audited as refused" || fail "live owner: both attempts audited as refused"
[ "$(lockers "$IMG")" = 1 ] && pass "live owner: the lock is still there" || fail "live owner: the lock is still there"

# --- the writer SIGKILLed: its watch times out, the lock stays → stale
kill -9 "$w1"; wait "$w1" 2>/dev/null; w1=''
poll 40 not_watched_by "$IMG" "$A1" && pass "killed writer: its watch timed out" || fail "killed writer: its watch timed out"
rw find "$IMG" --json >"$T/stale.json" 2>/dev/null
[ "$(json_get "$T/stale.json" '(d["lock"]["state"], d["lock"]["owner"], len(d["watchers"]))')" = "('stale', None, 1)" ] &&
  pass "stale: state stale, no owner, the qemu still watches" || fail "stale: state stale, no owner, the qemu still watches"
json_get "$T/stale.json" '" ".join(d["notes"])' | grep -q "Stale lock: $E1" &&
  pass "stale: a note says so" || fail "stale: a note says so"

n=$(records)
rw unlock "$IMG" --yes --read-only >/dev/null 2>&1; rc=$?
[ $rc -eq 5 ] && [ "$(last_field outcome)" = refused ] && [ "$(lockers "$IMG")" = 1 ] &&
  pass "--read-only: refused, audited, lock kept" || fail "--read-only: refused, audited, lock kept (exit $rc)"
printf 'volumes/wrong\n' | script -qec "'$RBDWHO' --config '$T/rbdwho.conf' unlock '$IMG'" /dev/null >"$T/wrong.out" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q "Type POOL/IMAGE" "$T/wrong.out" && grep -q "does not match" "$T/wrong.out" &&
  pass "wrong typed POOL/IMAGE: asked, refused" || fail "wrong typed POOL/IMAGE: asked, refused (exit $rc)"
rw unlock "$IMG" </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 5 ] && pass "no terminal, no --yes: refused" || fail "no terminal, no --yes: refused (got $rc)"
[ "$(records)" = $((n + 3)) ] && [ "$(lockers "$IMG")" = 1 ] &&
  pass "refusals: one audit record each, lock kept" || fail "refusals: one audit record each, lock kept"
rw unlock "$IMG" --dry-run >"$T/dry.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -qxF "  rbd lock rm '$IMG' '$ID1' '$E1'" "$T/dry.out" &&
  pass "--dry-run: prints rbd lock rm" || fail "--dry-run: prints rbd lock rm (exit $rc)"
[ "$(records)" = $((n + 3)) ] && [ "$(lockers "$IMG")" = 1 ] &&
  pass "--dry-run: nothing done, nothing audited" || fail "--dry-run: nothing done, nothing audited"
rw unlock "$IMG" --dry-run --json >/dev/null 2>&1

rw unlock "$IMG" --yes --json >"$T/done.json" 2>"$T/done.err"; rc=$?
[ $rc -eq 0 ] && [ "$(json_get "$T/done.json" 'd["outcome"]')" = unlocked ] &&
  pass "stale: unlocked, exit 0" || fail "stale: unlocked, exit 0 (got $rc: $(cat "$T/done.err"))"
[ "$(lockers "$IMG")" = 0 ] && pass "stale: rbd lock ls is empty" || fail "stale: rbd lock ls is empty"
[ "$(last_field action) $(last_field outcome)" = "unlock unlocked" ] &&
  [ "$(last_field target)" = "$E1 '$ID1' at $A1" ] &&
  pass "stale: audited (unlock, unlocked, locker+cookie+address)" || fail "stale: audited (unlock, unlocked, locker+cookie+address)"
ceph osd blocklist ls 2>/dev/null | grep -q "^$A1 " &&
  pass "stale: librbd blocklisted the locker, as said" || fail "stale: librbd blocklisted the locker, as said"
rw unlock "$IMG" --yes >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && pass "no lock: exit 3" || fail "no lock: exit 3 (got $rc)"

# --- a second writer killed and blocklisted by hand: the watch goes at once
writer "$IMG2"; w2=$!
poll 20 has_lock "$IMG2" || fail "second writer took the lock"
A2=$(locker_field "$IMG2" address); addrs="$addrs $A2"
kill -9 "$w2"; wait "$w2" 2>/dev/null; w2=''
ceph osd blocklist add "$A2" >/dev/null 2>&1
poll 20 not_watched_by "$IMG2" "$A2" && pass "blocklisted writer: its watch went" || fail "blocklisted writer: its watch went"
rw find "$IMG2" --json >"$T/bl.json" 2>/dev/null
[ "$(json_get "$T/bl.json" '(d["lock"]["state"], d["lock"]["lockers"][0]["blocklisted"])')" = "('blocklisted', True)" ] &&
  pass "blocklisted: find says so" || fail "blocklisted: find says so"
rw unlock "$IMG2" --yes >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(lockers "$IMG2")" = 0 ] && pass "blocklisted: unlocked" || fail "blocklisted: unlocked (exit $rc)"

# --- an advisory lock (rbd lock add): no watch tells anything; only --force
rbd lock add "$IMG2" mylock || fail "rbd lock add"
rw find "$IMG2" --json >"$T/adv.json" 2>/dev/null
[ "$(json_get "$T/adv.json" '(d["lock"]["state"], d["lock"]["kind"])')" = "('advisory', 'advisory')" ] &&
  pass "advisory: find says advisory" || fail "advisory: find says advisory"
rw unlock "$IMG2" --yes >"$T/adv.out" 2>&1; rc=$?
[ $rc -eq 5 ] && grep -q -- "--force overrides" "$T/adv.out" && [ "$(lockers "$IMG2")" = 1 ] &&
  pass "advisory: refused without --force" || fail "advisory: refused without --force (exit $rc)"
addrs="$addrs $(locker_field "$IMG2" address)"
rw unlock "$IMG2" --yes --force >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(lockers "$IMG2")" = 0 ] && pass "advisory: broken with --force" || fail "advisory: broken with --force (exit $rc)"
finish
