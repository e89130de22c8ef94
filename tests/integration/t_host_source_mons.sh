#!/usr/bin/env bash
# Every monitor is asked: a client holds its session with one monitor only. Two
# monitors join the sandbox's one; qemu holders are added until their sessions
# sit on at least two monitors, one of them a new one. rbdwho names every
# watcher's host from its session, whichever monitor holds it. Then that new
# monitor hangs (SIGSTOP): one scan costs one timeout, not one per watcher; the
# watchers whose session it held fall back to the other sources with a note
# naming it, the others still come from their monitors. The monitors leave the
# map again at the end (and `down` stops them, by the pid files, if this fails).
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=$SANDBOX_DIR
T=$(mktemp -d /tmp/rbdwho-mons.XXXXXX)
MONS=(hsb hsc)
held=() stopped=''
# quorum_has N: the quorum has N monitors.
quorum_has() { [ "$(timeout 10 ceph quorum_status -f json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["quorum_names"]))' 2>/dev/null)" = "$1" ]; }
poll() { local n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.2; done; return 1; }
cleanup() {
  [ -n "$stopped" ] && kill -CONT "$stopped" 2>/dev/null
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; rbd rm "volumes/volume-$n" >/dev/null 2>&1; done
  for m in "${MONS[@]}"; do
    timeout 30 ceph mon remove "$m" >/dev/null 2>&1
    local pid; pid=$(cat "$D/pids/mon.$m.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -rf "$D/mon/ceph-$m" "$D/pids/mon.$m.pid"
  done
  # the tests after this one start with the sandbox's one monitor in quorum
  poll 300 quorum_has 1 || echo "  (mon.a alone is not in quorum after the test)"
  rm -rf "$T"
}
trap cleanup EXIT


k=1
for m in "${MONS[@]}"; do
  read -r p2 p1 < <(python3 -c 'import socket; s=[socket.socket() for _ in range(2)]; [x.bind(("127.0.0.1",0)) for x in s]; print(*[x.getsockname()[1] for x in s])')
  addr="[v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]"
  # the new monitor starts from today's map plus itself, then the others are told
  ceph mon getmap -o "$T/monmap-$m" >/dev/null 2>&1 &&
    monmaptool --addv "$m" "$addr" "$T/monmap-$m" >/dev/null &&
    ceph-mon -c "$CEPH_CONF" --mkfs -i "$m" --monmap "$T/monmap-$m" --keyring "$D/keyring" \
      --public-addrv "$addr" >"$T/mkfs-$m.log" 2>&1 &&
    ceph-mon -c "$CEPH_CONF" -i "$m" --public-addrv "$addr" --pid-file "$D/pids/mon.$m.pid" ||
    { fail "start mon.$m"; cat "$T/mkfs-$m.log"; finish; exit; }
  timeout 60 ceph mon add "$m" "$addr" >"$T/add-$m.log" 2>&1
  k=$((k + 1))
  poll 300 quorum_has "$k" || { fail "mon.$m never joined the quorum"; finish; exit; }
done
poll 300 quorum_has 3 && pass "three monitors in quorum" || { fail "no quorum of three"; finish; exit; }

# Sessions of our holders, per monitor: "MON GLOBAL_ID" lines.
sessions_of_holders() {
  for m in a "${MONS[@]}"; do
    timeout 10 ceph tell "mon.$m" sessions -f json 2>/dev/null |
      python3 -c 'import json,sys
for s in json.load(sys.stdin):
    if s["remote_host"]: print(sys.argv[1], s["global_id"])' "$m"
  done
}
watcher_ids() {  # the client ids of our holders' watchers
  for n in "${held[@]}"; do
    rbd status "volumes/volume-$n" --format json | python3 -c 'import json,sys; print(*[w["client"] for w in json.load(sys.stdin)["watchers"]])'
  done
}
# Holders until some session sits on a new monitor and another on a different one.
victim=''
for i in $(seq 10); do
  n=hs$i-$$
  rbd create --size 16 "volumes/volume-$n" && "$SB/hold" "$D" "volumes/volume-$n" --name "$n" \
    --uuid "$(new_uuid)" >/dev/null 2>>"$T/hold.log" && held+=("$n") || { fail "hold $n"; break; }
  [ $i -ge 3 ] || continue
  watcher_ids >"$T/ids"
  sessions_of_holders | grep -wFf "$T/ids" >"$T/placed"
  victim=$(awk '$1 != "a" {print $1; exit}' "$T/placed")
  [ -n "$victim" ] && [ "$(awk -v v="$victim" '$1 != v' "$T/placed" | wc -l)" -gt 0 ] && break
  victim=''
done
[ -n "$victim" ] && pass "${#held[@]} holders' sessions on $(cut -d' ' -f1 "$T/placed" | sort -u | wc -l) monitors" ||
  { fail "sessions never spread over two monitors"; finish; exit; }

"$RBDWHO" scan volumes --json >"$T/all.json" 2>/dev/null
srcs=$(json_get "$T/all.json" "sorted(set(w['host_source'] for i in d['images'] if i['image'].startswith('volume-hs') for w in i['watchers']))")
[ "$srcs" = "['ceph monitor session']" ] &&
  pass "every watcher's host from its monitor session, on whichever monitor" || fail "sources: $srcs"

# The monitor holding some of them hangs; the quorum re-forms without it first,
# so that what is measured is the hung monitor, not an election.
stopped=$(cat "$D/pids/mon.$victim.pid")
kill -STOP "$stopped"
poll 300 quorum_has 2 || fail "no quorum of two after stopping mon.$victim"
t0=$(date +%s%N)
"$RBDWHO" --timeout 3 scan volumes --json >"$T/hung.json" 2>/dev/null; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -CONT "$stopped"; stopped=''
[ $rc -eq 0 ] && pass "scan with mon.$victim hung exits 0" || fail "scan with mon.$victim hung exits $rc"
[ "$ms" -lt 9000 ] && pass "one timeout for the whole scan (${ms} ms, timeout 3 s, ${#held[@]} watchers)" ||
  fail "the hung monitor cost ${ms} ms"
python3 - "$T/hung.json" "$T/placed" "$victim" >"$T/check.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
placed = {int(g): m for m, g in (l.split() for l in open(sys.argv[2]))}
victim = sys.argv[3]
bad = []
for i in d["images"]:
    for w in i["watchers"]:
        m = placed.get(w["client"])
        if m is None:
            continue
        if m == victim:
            ok = (w["host_source"] == "local address" and w["cephx_user"] is None and
                  "mon.%s: timed out after 3 s" % victim in (w["host_note"] or ""))
        else:
            ok = w["host_source"] == "ceph monitor session" and w["host_note"] is None
        if not ok:
            bad.append((w["client"], m, w["host_source"], w["host_note"]))
print("ok" if not bad else bad)
PY
[ "$(cat "$T/check.txt")" = ok ] &&
  pass "mon.$victim's watchers fall back with a note naming it; the others still from their monitors" ||
  fail "after the hang: $(cat "$T/check.txt")"
finish
