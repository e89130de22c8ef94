#!/usr/bin/env bash
# The fault matrix, the blocklist's rows (issue 10): Ceph refuses the blocklist
# (a cephx user without the caps for `osd blocklist`) — a named failure, exit
# 4, nothing claimed done, nothing in Ceph's blocklist, the attempt audited; and
# the OSD stopped, so no pool can be probed for the address — not known what a
# blocklist would cut: exit 4, nothing done, the pools named, within the timeout; and
# a client that watches again once its blocklist entry expires: the fence is no
# longer listed as one, and the watcher is back, with its holder. Boots its own sandbox.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
OSD_PID=
REWATCH_PID=
LIVE_PID=
faults_cleanup() {
  [ -n "$OSD_PID" ] && kill -CONT "$OSD_PID" 2>/dev/null
  [ -n "$REWATCH_PID" ] && kill "$REWATCH_PID" 2>/dev/null
  [ -n "$LIVE_PID" ] && kill -CONT "$LIVE_PID" 2>/dev/null && kill "$LIVE_PID" 2>/dev/null
}
faults_boot faults-bl
AUDIT=$W/audit.log
sed "s|^audit_log *=.*|audit_log = $AUDIT|" "$D/rbdwho.conf" >"$W/rbdwho.conf"
last_field() { tail -n 1 "$AUDIT" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" 2>/dev/null; }

# An ORPHAN (Nova does not know its instance): the gate allows the blocklist.
IMG=volumes/volume-$(uuid)
rbd create --size 16 "$IMG"
"$SB/hold" "$D" "$IMG" --name instance-0000fb01 --uuid "$(uuid)" >/dev/null
ADDR=$(rbd status "$IMG" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["watchers"][0]["address"])')

# A user that may read the cluster and use rbd, but not change the OSD map.
ceph auth get-or-create client.fenceless mon 'allow r' osd 'profile rbd' >"$W/fenceless.keyring"
run_find nocaps -- --config "$W/rbdwho.conf" --id fenceless -k "$W/fenceless.keyring" \
  blocklist "$ADDR" --yes --json
o=$(q 'd["outcome"]'); e=$(q 'd["error"]'); ok=0
rc_is 4 && [ "$o" = failed ] && printf '%s' "$e" | grep -q "permission denied for client.fenceless" &&
  grep -q "osd blocklist" "$OUT.err" && ! ceph osd blocklist ls 2>/dev/null | grep -qF "$ADDR" &&
  [ "$(last_field outcome)" = failed ] && [ "$(last_field target)" = "$ADDR" ] &&
  bounded $((TMO * 4 + 2)) || ok=1
row ceph "blocklist without the caps" "exit 4, failed, names the user and the caps, not listed, audited" \
  "$(rc_text), $o, ${SECS}s: ${e:0:90}" $ok

# The OSD stopped: no pool can be probed, so what a blocklist would cut is not
# known: a failure to know (exit 4), nothing done.
OSD_PID=$(cat "$D"/pids/osd*.pid 2>/dev/null | head -n 1)
kill -STOP "$OSD_PID"
run_find osd-stopped -- --config "$W/rbdwho.conf" blocklist "$ADDR" --yes --json
kill -CONT "$OSD_PID"
g=$(q 'd["gate"]'); p=$(q 'd["pools_not_checked"]'); ok=0
rc_is 4 && [ "$g" = no-watch ] && printf '%s' "$p" | grep -q "volumes" &&
  ! ceph osd blocklist ls 2>/dev/null | grep -qF "$ADDR" && bounded $((TMO * 2 + 2)) || ok=1
row ceph "blocklist with the OSD stopped" "exit 4, gate no-watch, the pools named, ~one timeout (pools probed at once)" \
  "$(rc_text), $g, ${SECS}s: ${p:0:90}" $ok

# A client that watches again as soon as it may: a librados watch on the
# image's header, re-made after the OSD drops it (blocklisted), until the
# entry expires. (librbd in a qemu gives up once blocklisted; a client that
# reconnects does not.) The image is named in its argv, so it is a holder.
IMG3=volumes/volume-$(uuid)
rbd create --size 16 "$IMG3"
HDR=rbd_header.$(rbd info "$IMG3" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
cat >"$W/rewatch.py" <<'PY'
import rados, sys, threading, time
conf, pool, obj, _image, ready = sys.argv[1:6]
cluster = rados.Rados(conffile=conf)
cluster.connect()
io = cluster.open_ioctx(pool)
dropped = threading.Event()
watch = io.watch(obj, lambda *a: None, lambda *a: dropped.set())
open(ready, "w").close()
while True:
    if dropped.wait(0.2):
        try:
            watch = io.watch(obj, lambda *a: None, lambda *a: dropped.set())
            dropped.clear()
        except rados.Error:
            time.sleep(0.5)
PY
/usr/bin/python3 "$W/rewatch.py" "$CEPH_CONF" volumes "$HDR" "rbd:$IMG3" "$W/rewatch.ready" \
  >"$W/rewatch.log" 2>&1 &
REWATCH_PID=$!
watcher_of() { rbd status "$1" --format json 2>/dev/null | python3 -c 'import json,sys
w=json.load(sys.stdin)["watchers"]; print(w[0]["address"] if w else "")'; }
for _ in $(seq 100); do [ -e "$W/rewatch.ready" ] && [ -n "$(watcher_of "$IMG3")" ] && break; sleep 0.1; done
ADDR3=$(watcher_of "$IMG3")
run_find expire -- --config "$W/rbdwho.conf" blocklist "$ADDR3" --expire 5s --force --yes --json
o=$(q 'd["outcome"]'); g=$(q 'd["watch_gone"]')
# Back once Ceph drops the expired entry (the monitors check expiries on their tick).
back=1
for _ in $(seq 60); do [ "$(watcher_of "$IMG3")" = "$ADDR3" ] && { back=0; break; }; sleep 0.5; done
"$RBDWHO" --timeout "$TMO" --config "$W/rbdwho.conf" blocklist --list --json >"$W/fences.json" 2>/dev/null
"$RBDWHO" --timeout "$TMO" --config "$W/rbdwho.conf" find "$IMG3" --json >"$W/back.json" 2>/dev/null
listed=$(python3 -c 'import json,sys; print(any(f["address"]==sys.argv[2] for f in json.load(open(sys.argv[1]))["fences"]))' "$W/fences.json" "$ADDR3" 2>/dev/null)
seen=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
w=[w for w in d["watchers"] if w["address"]==sys.argv[2]]
print(w[0]["verdict"] if w and w[0]["holders"] else "none")' "$W/back.json" "$ADDR3" 2>/dev/null)
ok=0
[ "$o" = blocklisted ] && [ "$g" = True ] && [ "$back" = 0 ] && [ "$listed" = False ] &&
  [ -n "$seen" ] && [ "$seen" != none ] && [ "$seen" != DEAD ] || ok=1
row ceph "the watch comes back after the blocklist expires" \
  "blocklisted and gone, then back; no longer listed as a fence; find shows it held, not DEAD" \
  "$o, gone $g, back $([ "$back" = 0 ] && echo yes || echo no), listed $listed, find: $seen" $ok
kill "$REWATCH_PID" 2>/dev/null
wait "$REWATCH_PID" 2>/dev/null
REWATCH_PID=

# A live client while the monitors get their clients back: a librados watch
# whose command line names nothing (no process is found for it), the client
# held still (SIGSTOP) so that it cannot reconnect yet, the monitor restarted.
# Its watch stays; its session is gone until it tries again (a running client
# was measured 2.5 s without one, longer after a long outage). The monitors'
# silence is no proof here: UNKNOWN naming the young quorum, exit 4, not DEAD.
IMG4=volumes/volume-$(uuid)
rbd create --size 16 "$IMG4"
HDR4=rbd_header.$(rbd info "$IMG4" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
/usr/bin/python3 "$SB/rados-watch" "$CEPH_CONF" volumes "$HDR4" "$W/watch.ready" >"$W/watch.log" 2>&1 &
LIVE_PID=$!
for _ in $(seq 100); do [ -e "$W/watch.ready" ] && [ -n "$(watcher_of "$IMG4")" ] && break; sleep 0.1; done
ADDR4=$(watcher_of "$IMG4")
kill -STOP "$LIVE_PID"
MON_PID=$(cat "$D/pids/mon.a.pid")
kill "$MON_PID"
for _ in $(seq 100); do kill -0 "$MON_PID" 2>/dev/null || break; sleep 0.1; done
setsid ceph-mon -c "$D/ceph.conf" -i a -f </dev/null >>"$D/log/mon.a.out" 2>&1 &
echo $! >"$D/pids/mon.a.pid"  # so that the sandbox's down stops this one
# the monitor is back, and the OSD with it (its session re-made): only the client is not
osd_back() { ceph tell mon.a sessions -f json 2>/dev/null | python3 -c 'import json,sys
sys.exit(0 if any(s.get("entity_name") == "osd.0" for s in json.load(sys.stdin)) else 1)'; }
for _ in $(seq 50); do osd_back && break; sleep 0.2; done
run_find mon-restart -- --config "$W/rbdwho.conf" find "$IMG4" --json
v=$(q 'd["watchers"][0]["verdict"]'); m=$(q 'd["watchers"][0]["reason"]'); e=$(q '" / ".join(d["errors"])')
kill -CONT "$LIVE_PID"; kill "$LIVE_PID" 2>/dev/null; wait "$LIVE_PID" 2>/dev/null; LIVE_PID=
ok=0
[ -n "$ADDR4" ] && rc_is 4 && [ "$v" = UNKNOWN ] && printf '%s' "$m" | grep -q "quorum" &&
  printf '%s' "$e" | grep -q "quorum" || ok=1
row ceph "a live client without its session yet (monitor restarted)" \
  "exit 4, UNKNOWN naming the young quorum, not DEAD" "$(rc_text), $v: ${m:0:110}" $ok

echo
print_matrix
echo
echo "faults: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
