#!/usr/bin/env bash
# RADOS namespaces and the rbd trash (issue 9), on the real sandbox: images in a
# namespace are found (POOL/NS/IMAGE and by bare UUID), scanned, and shown with
# their namespace; a real qemu holding a namespaced image is its holder. An image
# moved to the trash while held (as Cinder does with a busy volume) is found by
# its volume UUID, scanned, marked as trashed, and still judged.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
T=$(mktemp -d /tmp/rbdwho-ns.XXXXXX)
NS=nsit$$
held=()
images=()
trashed=()   # POOL[/NS] of each trashed image, with its id: "volumes/NS ID"
cleanup() {
  for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
  for i in "${images[@]}"; do rbd rm "$i" >/dev/null 2>&1; done
  for t in "${trashed[@]}"; do
    set -- $t
    if [ "${1#*/}" != "$1" ]; then rbd trash rm --pool "${1%%/*}" --namespace "${1#*/}" "$2" >/dev/null 2>&1
    else rbd trash rm --pool "$1" "$2" >/dev/null 2>&1; fi
  done
  rbd namespace remove "volumes/$NS" >/dev/null 2>&1
  ceph auth del "client.nsdeny$$" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
mkimg() { rbd create --size 16 "$1" && images+=("$1"); }
q() { json_get "$T/$1" "$2" 2>/dev/null; }
# trash_mv POOL[/NS] IMAGE: moves it to the trash and remembers its id for cleanup
trash_mv() {
  rbd trash mv "$1/$2" || return 1
  local id
  id=$(rbd trash ls --format json "$1" | python3 -c 'import json, sys
print([e["id"] for e in json.load(sys.stdin) if e["name"] == sys.argv[1]][0])' "$2") || return 1
  trashed+=("$1 $id")
  images=("${images[@]/$1\/$2/}")
}

rbd namespace create "volumes/$NS" || { fail "rbd namespace create volumes/$NS"; finish; exit 1; }

# --- a held image in a namespace, and the same name in the default namespace
A=$(new_uuid); AI=$(new_uuid)
mkimg "volumes/$NS/volume-$A" && mkimg "volumes/volume-$A" || fail "rbd create"
"$SB/hold" "$D" "volumes/$NS/volume-$A" --name instance-0000a5a5 --uuid "$AI" >/dev/null 2>"$T/hold.log" &&
  held+=(instance-0000a5a5) || { fail "hold a namespaced image"; tail -3 "$T/hold.log"; }

"$RBDWHO" find "volumes/$NS/volume-$A" --json >"$T/nsimg.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q nsimg.json 'd["pool"]+"|"+d["namespace"]+"|"+d["image"]')" = "volumes|$NS|volume-$A" ] &&
  pass "POOL/NS/IMAGE found, namespace in the JSON" || fail "POOL/NS/IMAGE found, namespace in the JSON (exit $rc)"
[ "$(q nsimg.json 'str(len(d["watchers"]))+" "+d["watchers"][0]["holders"][0]["kind"]+" "+d["watchers"][0]["holders"][0]["uuid"]')" = "1 qemu $AI" ] &&
  pass "namespaced image: the real qemu is its holder" || fail "namespaced image: the real qemu is its holder ($(q nsimg.json 'd["watchers"]' | head -c 200))"
[ "$(q nsimg.json 'd["verdict"]+" "+str(d["trashed"])+" "+str(d["trash"])')" = "ORPHAN False None" ] &&
  pass "namespaced image: verdict ORPHAN (Nova 404), not trashed" || fail "namespaced image: verdict ORPHAN, not trashed"
"$RBDWHO" find "volumes/$NS/volume-$A" >"$T/nsimg.txt" 2>&1
grep -q "^image    volumes/$NS/volume-$A  id" "$T/nsimg.txt" &&
  pass "text: image volumes/NS/IMAGE" || fail "text: image volumes/NS/IMAGE ($(grep ^image "$T/nsimg.txt"))"

"$RBDWHO" find "$A" --json >"$T/both.json"; rc=$?
[ $rc -eq 0 ] && [ "$(q both.json 'sorted((x["namespace"], len(x["watchers"])) for x in d)')" = "[('', 0), ('$NS', 1)]" ] &&
  pass "bare UUID: found in the default namespace and in $NS" || fail "bare UUID: found in both namespaces (exit $rc, $(head -c 160 "$T/both.json"))"
"$RBDWHO" find "$A" >"$T/both.txt" 2>&1
grep -q "== volumes/$NS/volume-$A (match" "$T/both.txt" && grep -q "== volumes/volume-$A (match" "$T/both.txt" &&
  pass "bare UUID, text: each match with its namespace" || fail "bare UUID, text: each match with its namespace"

# --- the browser (the real one, scripted): go to POOL/NS/IMAGE, its NS/IMAGE row and holder
printf ':wait-idle\n:type :volumes/%s/volume-%s\n<Enter>\n:wait-idle\n:dump %s\n' "$NS" "$A" "$T/ui.screen" >"$T/ui.script"
timeout 60 "$RBDWHO_REAL" --ui-script "$T/ui.script" >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "▶$NS/volume-${A:0:4}.*●1" "$T/ui.screen" && grep -q "▶instance-0000a5a5 *ORPHAN" "$T/ui.screen" &&
  pass "browser: the NS/IMAGE row, its watcher and holder" || { fail "browser: the NS/IMAGE row, its watcher and holder (exit $rc)"; head -8 "$T/ui.screen"; }

# --- the browser: a bare UUID in two namespaces opens the chooser (none picked);
# the pool has a row for the namespace under its own
printf ':wait-idle\n:type :%s\n<Enter>\n:wait-idle\n:dump %s\n' "$A" "$T/uich.screen" >"$T/uich.script"
timeout 60 "$RBDWHO_REAL" --ui-script "$T/uich.script" >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "goto: 2 images match $A" "$T/uich.screen" &&
  grep -q "│[▶ ]volumes/volume-$A " "$T/uich.screen" && grep -q "│[▶ ]volumes/$NS/volume-$A " "$T/uich.screen" &&
  pass "browser: a bare UUID in two namespaces opens the chooser with both" ||
  { fail "browser: a bare UUID in two namespaces opens the chooser (exit $rc)"; cat "$T/uich.screen"; }
grep -q "^│ *(default) *[0-9]*│" "$T/uich.screen" && grep -q "^│  *$NS *[0-9]*│" "$T/uich.screen" &&
  pass "browser: the pool's namespaces as rows under it, (default) first" ||
  { fail "browser: the pool's namespaces as rows under it"; sed -n 2,10p "$T/uich.screen"; }

# --- scan covers the namespace
"$RBDWHO" scan volumes --json >"$T/scan.json"; rc=$?
[ "$(q scan.json '[x["verdict"] for x in d["images"] if x["namespace"] == "'"$NS"'" and x["image"] == "volume-'"$A"'"]')" = "['ORPHAN']" ] &&
  pass "scan: the namespaced image, ORPHAN" || fail "scan: the namespaced image, ORPHAN (exit $rc, errors $(q scan.json 'd["errors"]'))"
[ "$(q scan.json 'sorted(set(x["namespace"] for x in d["images"]))' | grep -c "'$NS'")" = 1 ] &&
  [ "$(q scan.json 'all(isinstance(x["namespace"], str) for x in d["images"])')" = True ] &&
  pass "scan JSON: namespace on every image" || fail "scan JSON: namespace on every image"
"$RBDWHO" scan volumes >"$T/scan.txt" 2>&1
grep -q "^ORPHAN   volumes/$NS/volume-$A  " "$T/scan.txt" &&
  pass "scan text: volumes/NS/IMAGE row" || fail "scan text: volumes/NS/IMAGE row"

# --- a held image moved to the trash, in the namespace and in the default one
for where in "volumes/$NS" volumes; do
  TV=$(new_uuid); TI=$(new_uuid); name=instance-0000$(printf %04x $((RANDOM)))
  mkimg "$where/volume-$TV" || fail "rbd create"
  "$SB/hold" "$D" "$where/volume-$TV" --name "$name" --uuid "$TI" --style blockdev >/dev/null 2>"$T/hold.log" &&
    held+=("$name") || { fail "hold $where"; tail -3 "$T/hold.log"; }
  trash_mv "$where" "volume-$TV" || fail "rbd trash mv $where/volume-$TV"
  id=${trashed[-1]#* }
  if [ "$where" = volumes ]; then rmargs=(--pool volumes); else rmargs=(--pool volumes --namespace "$NS"); fi
  rbd trash rm "${rmargs[@]}" "$id" >"$T/trm.out" 2>&1
  grep -q "still has watchers\|still open" "$T/trm.out" &&
    pass "$where: rbd trash rm refuses (held), as Cinder sees it" || fail "$where: rbd trash rm refuses ($(tail -1 "$T/trm.out"))"

  "$RBDWHO" find "$TV" --json >"$T/tr.json"; rc=$?
  [ $rc -eq 0 ] && [ "$(q tr.json 'str(d["trashed"])+" "+d["trash"]["id"]+" "+d["trash"]["source"]')" = "True $id user" ] &&
    pass "$where: find UUID reaches the trashed image (trash id, source user)" || fail "$where: find UUID reaches the trashed image (exit $rc, $(head -c 200 "$T/tr.json"))"
  [ "$(q tr.json 'd["trash"]["deferment_end"] is not None and d["trash"]["deleted_at"] is not None')" = True ] &&
    pass "$where: trash times present" || fail "$where: trash times present"
  [ "$(q tr.json 'str(len(d["watchers"]))+" "+d["watchers"][0]["holders"][0]["uuid"]+" "+d["verdict"]')" = "1 $TI ORPHAN" ] &&
    pass "$where: trashed image's watcher read by id, holder and verdict computed" || fail "$where: trashed image's watcher, holder, verdict ($(q tr.json 'd["verdict"]'))"
  "$RBDWHO" find "$TV" >"$T/tr.txt" 2>&1
  grep -q "^image .*(in trash)" "$T/tr.txt" && grep -q "rbd trash rm" "$T/tr.txt" &&
    pass "$where: text says (in trash)" || fail "$where: text says (in trash)"

  # the browser (real, scripted): the trashed row, marked, its trash line and holder
  printf ':wait-idle\n:type :%s\n<Enter>\n:wait-idle\n<Esc>\n:dump %s\n' "$where/volume-$TV" "$T/uitr.screen" >"$T/uitr.script"
  timeout 60 "$RBDWHO_REAL" --ui-script "$T/uitr.script" >/dev/null 2>&1; rc=$?
  [ $rc -eq 0 ] && grep -q "▶⌫ \(${NS}/\)\?vol" "$T/uitr.screen" &&
    grep -q "trashed   in the rbd trash, still held: id $id " "$T/uitr.screen" &&
    grep -q "▶$name *ORPHAN" "$T/uitr.screen" &&
    pass "$where: browser lists the trashed image, marked, with its trash entry and holder" ||
    { fail "$where: browser lists the trashed image (exit $rc)"; cat "$T/uitr.screen"; }

  "$RBDWHO" scan volumes --json >"$T/trscan.json"; rc=$?
  [ "$(q trscan.json '[str(x["trashed"])+" "+x["verdict"] for x in d["images"] if x["image"] == "volume-'"$TV"'"]')" = "['True ORPHAN']" ] &&
    pass "$where: scan finds the trashed image, marked, ORPHAN" || fail "$where: scan finds the trashed image (exit $rc, $(q trscan.json 'd["errors"]'))"
  "$RBDWHO" scan volumes >"$T/trscan.txt" 2>&1
  grep -q "volume-$TV (in trash)" "$T/trscan.txt" &&
    pass "$where: scan text (in trash)" || fail "$where: scan text (in trash)"
done

# --- a user that may read a pool's images but not its namespace list: named, exit 4
p='allow rwx pool=volumes object_prefix'
ceph auth get-or-create "client.nsdeny$$" mon 'allow r' osd "$p rbd_directory, $p rbd_header, $p rbd_id, $p rbd_data, $p rbd_object_map, $p rbd_trash" >"$T/nsdeny.keyring" ||
  fail "ceph auth get-or-create"
deny=(--id "nsdeny$$" --keyring "$T/nsdeny.keyring")
"$RBDWHO" "${deny[@]}" scan volumes --json >"$T/deny.json"; rc=$?
[ $rc -eq 4 ] && q deny.json 'd["errors"]' | grep -q "cannot list the namespaces of pool 'volumes'" &&
  pass "namespaces not listable: scan names it, exit 4" || fail "namespaces not listable: scan names it, exit 4 (exit $rc, $(q deny.json 'd["errors"]'))"
"$RBDWHO" "${deny[@]}" find "$(new_uuid)" >"$T/deny.txt" 2>&1; rc=$?
[ $rc -eq 4 ] && grep -q "cannot list the namespaces of pool 'volumes'" "$T/deny.txt" &&
  pass "namespaces not listable: find UUID exits 4, not 3" || fail "namespaces not listable: find UUID exits 4, not 3 (exit $rc)"
finish
