#!/usr/bin/env bash
# OpenStack contradictions (issue 9), on the real sandbox with real qemu holders
# and the stand-in's data: Nova places the instance on another host, says
# SHUTOFF or SHELVED_OFFLOADED, two qemus carry one instance UUID, Cinder says
# in-use while nothing watches, a blocklisted qemu that still runs. Each is a
# named CONFLICT or note, never ORPHAN nor a plain ATTACHED, and destroy refuses
# it (exit 5). Then clones: a parent image held through its watched clone.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
T=$(mktemp -d /tmp/rbdwho-contra.XXXXXX)
HOST=$(hostname)
held=()
images=()
servers=()
volumes=()
blocked=()
killed=()
cleanup() {
  for p in "${killed[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  for a in "${blocked[@]}"; do ceph osd blocklist rm "$a" >/dev/null 2>&1; done
  for i in "${images[@]}"; do rbd rm "$i" >/dev/null 2>&1; done
  if [ -n "${PARENT:-}" ]; then
    rbd snap unprotect "$PARENT@base" >/dev/null 2>&1
    rbd snap rm "$PARENT@base" >/dev/null 2>&1
    rbd rm "$PARENT" >/dev/null 2>&1
  fi
  for s in "${servers[@]}"; do "$SB/osdata" "$D" rm-server "$s" >/dev/null 2>&1; done
  for v in "${volumes[@]}"; do "$SB/osdata" "$D" rm-volume "$v" >/dev/null 2>&1; done
  rm -rf "$T"
}
trap cleanup EXIT
q() { json_get "$T/$1" "$2" 2>/dev/null; }
osd() { "$SB/osdata" "$D" "$@" >/dev/null || fail "osdata $*"; }
# hold_as NAME UUID VOL: a real qemu holding volumes/volume-VOL; prints nothing, records it
hold_as() {
  local pid
  pid=$("$SB/hold" "$D" "volumes/volume-$3" --name "$1" --uuid "$2" 2>"$T/hold-$1.log") ||
    { fail "hold $1"; tail -3 "$T/hold-$1.log"; return 1; }
  held+=("$1")
  echo "$pid" >"$T/pid-$1"
}
# newvol VAR: a new volumes/volume-UUID image, its UUID in VAR
newvol() { local _nv; _nv=$(new_uuid); rbd create --size 16 "volumes/volume-$_nv" && images+=("volumes/volume-$_nv") || fail "rbd create"; printf -v "$1" %s "$_nv"; }
# conflict_case WHAT FILE KIND: find's JSON says CONFLICT/KIND at holder, watcher and image
conflict_case() {
  local what=$1 f=$2 kind=$3
  [ "$(q "$f" 'd["watchers"][0]["holders"][0]["verdict"]+" "+str(d["watchers"][0]["holders"][0]["contradiction"])')" = "CONFLICT $kind" ] &&
    pass "$what: holder CONFLICT, contradiction $kind" ||
    fail "$what: holder CONFLICT, contradiction $kind (got $(q "$f" 'd["watchers"][0]["holders"][0]["verdict"]+" "+str(d["watchers"][0]["holders"][0]["contradiction"])'))"
  [ "$(q "$f" 'd["watchers"][0]["verdict"]+" "+d["verdict"]+" "+str(d["contradiction"])')" = "CONFLICT CONFLICT $kind" ] &&
    pass "$what: watcher and image CONFLICT" || fail "$what: watcher and image CONFLICT ($(q "$f" 'd["verdict"]'))"
  q "$f" '"\n".join(d["notes"])' | grep -q "Contradiction ($kind)" &&
    pass "$what: a note names it" || fail "$what: a note names it"
}
# refused NAME [WORD]: destroy without --force refuses (exit 5), saying WORD (CONFLICT)
refused() {
  local word=${2:-CONFLICT}
  "$RBDWHO" destroy "$1" --host "$HOST" --yes >"$T/destroy-$1.out" 2>&1; local rc=$?
  [ $rc -eq 5 ] && grep -q "$word" "$T/destroy-$1.out" &&
    pass "$1: destroy refused (exit 5, $word)" || { fail "$1: destroy refused (exit $rc, want 5 and $word)"; head -3 "$T/destroy-$1.out"; }
}

# --- Nova places the instance on another compute host: an evacuated instance's leftover
newvol V1; I1=$(new_uuid)
osd add-server "$I1" evacuated --host compute-9 --hypervisor-hostname compute-9.example.org; servers+=("$I1")
hold_as instance-0000c0a1 "$I1" "$V1"
"$RBDWHO" find "$V1" --json >"$T/elsewhere.json"; rc=$?
[ $rc -eq 0 ] && pass "elsewhere: find exit 0 (an answer, not a failure)" || fail "elsewhere: find exit 0 (got $rc)"
conflict_case elsewhere elsewhere.json nova-host-elsewhere
q elsewhere.json 'd["watchers"][0]["holders"][0]["reason"]' | grep -q "compute-9.*runs on $HOST" &&
  pass "elsewhere: reason names both hosts" || fail "elsewhere: reason names both hosts"
"$RBDWHO" find "$V1" >"$T/elsewhere.txt" 2>&1
grep -q "conflict *nova-host-elsewhere" "$T/elsewhere.txt" && ! grep -q ORPHAN "$T/elsewhere.txt" &&
  pass "elsewhere: text names the contradiction, no ORPHAN" || fail "elsewhere: text names the contradiction, no ORPHAN"
refused instance-0000c0a1
# control: Nova placing it here makes it a plain ATTACHED again (the test can fail)
osd set-server "$I1" host "$HOST"
osd set-server "$I1" hypervisor-hostname "$HOST"
"$RBDWHO" find "$V1" --json >"$T/here.json"
[ "$(q here.json 'd["verdict"]+" "+str(d["contradiction"])')" = "ATTACHED None" ] &&
  pass "control: Nova on this host → ATTACHED, contradiction null" || fail "control: Nova on this host → ATTACHED ($(q here.json 'd["verdict"]'))"

# status_case N STATUS KIND: a qemu runs while Nova says STATUS → CONFLICT KIND, refused;
# the volume's UUID in VN, the instance's in IN
status_case() {
  local n=$1 status=$2 kind=$3 v i
  newvol v; i=$(new_uuid); printf -v "V$n" %s "$v"; printf -v "I$n" %s "$i"
  osd add-server "$i" "server-$n" --status "$status"; servers+=("$i")
  hold_as "instance-0000c0a$n" "$i" "$v"
  "$RBDWHO" find "$v" --json >"$T/status-$n.json"
  conflict_case "$status" "status-$n.json" "$kind"
  refused "instance-0000c0a$n"
}

# --- Nova says SHUTOFF while its qemu runs
status_case 2 SHUTOFF nova-shutoff
# in transition (powering-on), a qemu is Nova's own doing: no contradiction
osd set-server "$I2" OS-EXT-STS:task_state powering-on
"$RBDWHO" find "$V2" --json >"$T/poweron.json"
[ "$(q poweron.json 'str(d["contradiction"])')" = None ] &&
  pass "SHUTOFF but powering-on: no contradiction" || fail "SHUTOFF but powering-on: no contradiction ($(q poweron.json 'd["contradiction"]'))"

# --- Nova says SHELVED_OFFLOADED (host and node null, as Nova has them) while a qemu runs
status_case 3 SHELVED_OFFLOADED nova-shelved
[ "$(q status-3.json 'str(d["watchers"][0]["holders"][0]["nova"]["host"])')" = None ] &&
  pass "SHELVED_OFFLOADED: Nova names no host (as Nova does)" || fail "SHELVED_OFFLOADED: Nova names no host"

# --- two qemus with one instance UUID on one host
newvol V4; I4=$(new_uuid)
osd add-server "$I4" twice; servers+=("$I4")
hold_as instance-0000c0a4 "$I4" "$V4"
hold_as instance-0000c0b4 "$I4" "$V4"
"$RBDWHO" find "$V4" --json >"$T/dup.json"
[ "$(q dup.json 'sorted(set((h["verdict"], h["contradiction"]) for w in d["watchers"] for h in w["holders"]))')" = "[('CONFLICT', 'duplicate-qemu')]" ] &&
  pass "two qemus, one UUID: every holder CONFLICT duplicate-qemu" || fail "two qemus, one UUID: every holder CONFLICT duplicate-qemu ($(q dup.json '[(h["verdict"], h["contradiction"]) for w in d["watchers"] for h in w["holders"]]'))"
[ "$(q dup.json 'd["verdict"]+" "+str(len(d["watchers"]))')" = "CONFLICT 2" ] &&
  pass "two qemus, one UUID: image CONFLICT, 2 watchers" || fail "two qemus, one UUID: image CONFLICT, 2 watchers"
# destroy sees one process and Nova's ACTIVE here: refused all the same (not an orphan)
refused instance-0000c0a4 refusing

# --- Cinder says in-use with an attachment, while Ceph lists no watcher
newvol V5; I5=$(new_uuid)
osd add-server "$I5" attached-nowhere; servers+=("$I5")
osd add-volume "$V5" --name data-5 --attach "$I5"; volumes+=("$V5")
"$RBDWHO" find "$V5" --json >"$T/cinder.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q cinder.json 'str(d["verdict"])+" "+str(d["contradiction"])')" = "None cinder-in-use-unwatched" ] &&
  pass "Cinder in-use, no watcher: contradiction cinder-in-use-unwatched" || fail "Cinder in-use, no watcher: contradiction (exit $rc, $(q cinder.json 'd["contradiction"]'))"
q cinder.json '"\n".join(d["notes"])' | grep -q "Cinder says volume $V5 is in-use" &&
  pass "Cinder in-use, no watcher: a note says so" || fail "Cinder in-use, no watcher: a note says so"

# --- scan counts the conflicts (V3: one watcher; V4: two) and shows each as CONFLICT
"$RBDWHO" scan volumes --json >"$T/scan.json"
[ "$(q scan.json 'd["conflicts"]')" = 3 ] &&
  [ "$(q scan.json 'sorted(i["image"] for i in d["images"] if i["verdict"] == "CONFLICT")')" = "$(python3 -c 'import sys; print(sorted(sys.argv[1:]))' "volume-$V3" "volume-$V4")" ] &&
  pass "scan: conflicts 3, images CONFLICT" || fail "scan: conflicts 3, images CONFLICT (got $(q scan.json 'd["conflicts"]'))"
"$RBDWHO" scan volumes >/dev/null 2>"$T/scan.err"
grep -q "3 watchers in CONFLICT with OpenStack" "$T/scan.err" &&
  pass "scan text: the conflicts counted" || fail "scan text: the conflicts counted"

# --- a blocklisted qemu still runs: the watch is gone, the process is not
newvol V6; I6=$(new_uuid)
osd add-server "$I6" fenced; servers+=("$I6")
if hold_as instance-0000c0a6 "$I6" "$V6"; then
  killed+=("$(cat "$T/pid-instance-0000c0a6")")  # a blocklisted client may not close cleanly
  addr=$(rbd status "volumes/volume-$V6" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["watchers"][0]["address"])')
  ceph osd blocklist add "$addr" >/dev/null 2>&1 && blocked+=("$addr") || fail "blocklist add $addr"
  gone=0
  for _ in $(seq 400); do  # the OSD drops a blocklisted client's watch on the new map
    [ "$(rbd status "volumes/volume-$V6" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))')" = 0 ] && { gone=1; break; }
    read -r -t 0.1 <> <(:) || true
  done
  if [ $gone = 1 ]; then
    "$RBDWHO" find "$V6" --json >"$T/fenced.json"
    [ "$(q fenced.json 'str(d["contradiction"])')" = process-without-watch ] &&
      pass "blocklisted qemu: contradiction process-without-watch" || fail "blocklisted qemu: process-without-watch ($(q fenced.json 'd["contradiction"]'))"
    q fenced.json '"\n".join(d["notes"])' | grep -q "instance-0000c0a6.*may be blocklisted" &&
      pass "blocklisted qemu: the note names the qemu and blocklisting" || fail "blocklisted qemu: the note names the qemu and blocklisting"
    q fenced.json '"\n".join(d["notes"])' | grep -q "nothing holds this image open" &&
      fail "blocklisted qemu: no 'nothing holds' note" || pass "blocklisted qemu: no 'nothing holds' note"
  else
    fail "blocklisting $addr did not drop the watch within 40 s"
  fi
fi

# --- clones: a parent with no watcher is held through its watched clone
PARENT=images/golden-$(new_uuid | cut -c1-8)
rbd create --size 16 "$PARENT" && rbd snap create "$PARENT@base" >/dev/null 2>&1 &&
  rbd snap protect "$PARENT@base" || fail "parent image and snapshot"
V7=$(new_uuid); I7=$(new_uuid)
rbd clone "$PARENT@base" "volumes/volume-$V7" && images+=("volumes/volume-$V7") || fail "rbd clone"
osd add-server "$I7" cloned; servers+=("$I7")
"$RBDWHO" find "$PARENT" --json >"$T/idle.json"
[ "$(q idle.json '[(c["image"], c["snapshot"], c["watchers"]) for c in d["children"]]')" = "[('volume-$V7', 'base', 0)]" ] &&
  pass "parent: its child listed, from @base, no watcher" || fail "parent: its child listed ($(q idle.json 'd["children"]'))"
hold_as instance-0000c0a7 "$I7" "$V7"
"$RBDWHO" find "$PARENT" --json >"$T/parent.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q parent.json 'len(d["watchers"]), d["children"][0]["watchers"]')" = "(0, 1)" ] &&
  pass "parent: no watcher of its own, its child watched" || fail "parent: no watcher of its own, its child watched (exit $rc)"
q parent.json '"\n".join(d["notes"])' | grep -q "held through 1 of its 1 clone: volumes/volume-$V7" &&
  pass "parent: the note names the held child" || fail "parent: the note names the held child ($(q parent.json 'd["notes"]'))"
"$RBDWHO" find "$PARENT" >"$T/parent.txt" 2>&1
grep -q "child *volumes/volume-$V7 (from @base, 1 watcher)" "$T/parent.txt" &&
  pass "parent: text lists the child" || fail "parent: text lists the child"
"$RBDWHO" find "$V7" --json >"$T/child.json"
[ "$(q child.json 'd["parent"]["pool"]+"/"+d["parent"]["image"]+"@"+d["parent"]["snapshot"]+" "+str(d["children"])')" = "$PARENT@base []" ] &&
  pass "child: parent $PARENT@base, no children" || fail "child: parent ($(q child.json 'd["parent"]'))"

# --- scan: each clone names its parent; the parent (not scanned, no watcher of its
# own) is named as held through that clone; children are not looked at in a scan
"$RBDWHO" scan volumes --json >"$T/cscan.json"
[ "$(q cscan.json '[(i["parent"]["pool"]+"/"+i["parent"]["image"]+"@"+i["parent"]["snapshot"], i["children"]) for i in d["images"] if i["image"] == "volume-'"$V7"'"]')" = "[('$PARENT@base', None)]" ] &&
  pass "scan: the clone's parent $PARENT@base, children not looked at" ||
  fail "scan: the clone's parent ($(q cscan.json '[i["parent"] for i in d["images"] if i["image"] == "volume-'"$V7"'"]'))"
[ "$(q cscan.json 'sorted(set(i["parent"] is None for i in d["images"] if i["image"] != "volume-'"$V7"'"))')" = "[True]" ] &&
  pass "scan: images that are no clones have parent null" || fail "scan: images that are no clones have parent null"
[ "$(q cscan.json '[(h["pool"]+"/"+h["image"], h["watched"], [(c["pool"], c["image"], c["snapshot"]) for c in h["clones"]]) for h in d["held_through_clones"]]')" = "[('$PARENT', False, [('volumes', 'volume-$V7', 'base')])]" ] &&
  pass "scan: $PARENT held through its clone, not watched itself" ||
  fail "scan: held_through_clones ($(q cscan.json 'd["held_through_clones"]'))"
[ "$(q cscan.json '[i["image"] for i in d["images"]] == sorted(i["image"] for i in d["images"])')" = True ] &&
  pass "scan: images sorted by name" || fail "scan: images sorted by name"
"$RBDWHO" scan volumes >"$T/cscan.txt" 2>/dev/null
grep -q "volumes/volume-$V7 (clone of $PARENT@base)  " "$T/cscan.txt" &&
  grep -A9 "^held through clones (1 image):" "$T/cscan.txt" |
  grep -qF "  $PARENT  held through 1 watched clone: volumes/volume-$V7 (from @base)" &&
  pass "scan text: the clone's row and the held parent" || fail "scan text: the clone's row and the held parent ($(grep -A2 '^held' "$T/cscan.txt"))"

finish
