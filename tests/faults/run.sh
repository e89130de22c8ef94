#!/usr/bin/env bash
# The fault matrix for the commands: break one thing at a time in a real sandbox
# and check that rbdwho stays up and truthful — no crash, no hang past the
# timeout, a clear message, and never a wrong verdict (a fault gives UNKNOWN,
# never ORPHAN). Prints the matrix (scenario → expected → observed) and
# "N passed, N failed". Boots its own sandbox: some faults kill Ceph daemons.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
PIDS=()
faults_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for s in mon osd; do  # a stopped daemon must be able to die
    for f in "$D"/pids/*"$s"*; do [ -f "$f" ] && kill -CONT "$(cat "$f")" 2>/dev/null; done
  done
}
faults_boot faults

# The classic case (Nova does not know INST) and a healthy one (Nova knows INST2).
VOL=$(uuid); INST=$(uuid); VOL2=$(uuid); INST2=$(uuid)
rbd create --size 64 "volumes/volume-$VOL"
rbd create --size 64 "volumes/volume-$VOL2"
"$SB/osdata" "$D" add-volume "$VOL" --status available >/dev/null
"$SB/osdata" "$D" add-server "$INST2" healthy >/dev/null
"$SB/hold" "$D" "volumes/volume-$VOL" --name instance-0000fa17 --uuid "$INST" >/dev/null
"$SB/hold" "$D" "volumes/volume-$VOL2" --name instance-0000fa18 --uuid "$INST2" >/dev/null

verdict='d["watchers"][0]["verdict"]'
reason='(d["watchers"][0]["holders"][0]["reason"] if d["watchers"][0]["holders"] else d["watchers"][0]["reason"])'

# os_case AREA NAME SERVICE FAULT-JSON VOLUME WANT-VERDICT MESSAGE-REGEX [ENV…]
os_case() {
  local area=$1 name=$2 svc=$3 fault=$4 vol=$5 want=$6 re=$7; shift 7
  "$SB/osdata" "$D" fault "$svc" "$fault" >/dev/null
  run_find "$name" -- find "$vol" --json
  "$SB/osdata" "$D" clear-faults >/dev/null
  local v m ok=0 wrc=0
  [ "$want" = UNKNOWN ] && wrc=4  # a failure to know exits 4, answer printed (issue 9)
  v=$(q "$verdict"); m=$(q "$reason")
  rc_is "$wrc" && [ "$v" = "$want" ] && bounded $((TMO * 4 + 2)) &&
    printf '%s' "$m" | grep -Eiq "$re" || ok=1
  row "$area" "$name" "exit $wrc, $want, msg ~ /$re/" "$(rc_text), $v, ${SECS}s: …${m: -90}" $ok
}

# The token is refused once: rbdwho must get a new one and repeat the refused
# call with it, so that every answer after the refusal (Cinder's too, not only
# the Nova call that decides the verdict) is the service's real one. Judged on
# the stand-in's request log of this run: a 401, then a fresh token issued, then
# the refused request again, answered, and no 401 after the re-auth.
reauth_case() {
  local log=$D/openstack.log before ok=0 v c m seq
  before=$(wc -l <"$log")
  "$SB/osdata" "$D" fault keystone '{"expire_tokens": true, "expire_once": true}' >/dev/null
  run_find reauth -- find "$VOL" --json
  "$SB/osdata" "$D" clear-faults >/dev/null
  v=$(q "$verdict"); c=$(q 'd["cinder"]["state"]'); m=$(q "$reason")
  seq=$(tail -n +"$((before + 1))" "$log" | python3 -c '
import re, sys
ev = []
for l in sys.stdin:
    m = re.match(r"\S+ (keystone|nova|cinder) (GET|POST) (\S+) (\d+)", l)
    if m: ev.append((m.group(1), m.group(3).split("?")[0], int(m.group(4))))
r = [i for i, e in enumerate(ev) if e[0] != "keystone" and e[2] == 401]
tok = [i for i, e in enumerate(ev) if e[0] == "keystone" and e[2] == 201]
ok = len(r) == 1 and len(tok) == 2 and tok[0] < r[0] < tok[1]
if ok:  # the refused request repeated after the new token, and answered
    ok = any(e[:2] == ev[r[0]][:2] and e[2] != 401 for e in ev[tok[1] + 1:])
print(("ok" if ok else "BAD") + " " + ",".join("%s:%d" % (e[0], e[2]) for e in ev))')
  rc_is 0 && [ "$v" = ORPHAN ] && [ "$c" = found ] && [ "${seq%% *}" = ok ] &&
    printf '%s' "$m" | grep -q 404 || ok=1
  row keystone "token expires once, re-auth" \
    "exit 0, ORPHAN (404), Cinder found; log: 401, new token, the call repeated and answered" \
    "$(rc_text), $v, cinder $c; log ${seq}" $ok
}

echo "== OpenStack"
os_case nova "500 Internal Server Error" nova '{"status": 500}' "$VOL" UNKNOWN "500|nova"
os_case nova "503 with Retry-After" nova '{"status": 503, "retry_after": 30}' "$VOL" UNKNOWN "503|retry"
os_case nova "slow (5 s > timeout)" nova '{"delay_ms": 5000}' "$VOL" UNKNOWN "time|within"
os_case nova "connection refused" nova '{"down": true}' "$VOL" UNKNOWN "reach|refused|connect"
os_case nova "truncated body" nova '{"truncated": true}' "$VOL" UNKNOWN "nova|partial|transfer|body|receiv"
os_case nova "malformed JSON" nova '{"malformed": true}' "$VOL" UNKNOWN "json|pars|garbage|invalid|malformed"
os_case nova "JSON of the wrong shape" nova '{"wrong_shape": true}' "$VOL" UNKNOWN "shape|expected|server|json|unexpected|invalid"
os_case nova "200 for a healthy instance (control)" nova '{}' "$VOL2" ATTACHED "knows"
reauth_case
os_case keystone "every token rejected" keystone '{"expire_tokens": true}' "$VOL" UNKNOWN "auth|401|token"
os_case keystone "keystone 500" keystone '{"status": 500}' "$VOL" UNKNOWN "keystone|auth|500"
os_case keystone "keystone down" keystone '{"down": true}' "$VOL" UNKNOWN "reach|refused|connect"

# A huge body must not make memory grow with it: the response is capped (64 MiB),
# so a 300 MiB body must cost no more than a 100 MiB one. (A relative check: an
# ASan build's allocator keeps freed buffers, so absolute figures differ by build.)
"$SB/osdata" "$D" fault nova '{"huge_mb": 100}' >/dev/null
run_find huge100 -- find "$VOL" --json
RSS100=$RSS; v100=$(q "$verdict")
"$SB/osdata" "$D" fault nova '{"huge_mb": 300}' >/dev/null
run_find huge300 -- find "$VOL" --json
"$SB/osdata" "$D" clear-faults >/dev/null
v=$(q "$verdict"); ok=0
rc_is 4 && [ "$v" = UNKNOWN ] && [ "$v100" = UNKNOWN ] &&
  [ $((RSS - RSS100)) -lt 32768 ] || ok=1
row nova "huge body (100 and 300 MiB)" "exit 4, UNKNOWN; 300 MiB costs no more than 100 MiB" \
  "$(rc_text), $v, RSS $((RSS100 / 1024)) MB vs $((RSS / 1024)) MB, ${SECS}s" $ok

# Wrong password.
OS_PASSWORD=wrong-password run_find badpw -- find "$VOL" --json
v=$(q "$verdict"); m=$(q "$reason"); ok=0
rc_is 4 && [ "$v" = UNKNOWN ] && printf '%s' "$m" | grep -Eiq "401|credential|password|unauthori" || ok=1
row keystone "wrong password (401)" "exit 4, UNKNOWN, says auth failed" "$(rc_text), $v: …${m: -90}" $ok

# Cinder's faults touch Cinder's view only: the Nova-based verdict stands.
for f in '{"status": 500}' '{"down": true}' '{"malformed": true}' '{"delay_ms": 5000}'; do
  "$SB/osdata" "$D" fault cinder "$f" >/dev/null
  run_find cinder -- find "$VOL" --json
  "$SB/osdata" "$D" clear-faults >/dev/null
  v=$(q "$verdict"); c=$(q 'd["cinder"]["state"]'); ok=0
  rc_is 4 && [ "$v" = ORPHAN ] && [ "$c" = error ] && bounded $((TMO * 4 + 2)) || ok=1
  row cinder "cinder $f" "exit 4, cinder error shown, verdict from Nova stands" "$(rc_text), cinder $c, $v, ${SECS}s" $ok
done

# TLS with a certificate nobody trusts: a second stand-in serving HTTPS.
echo "== TLS"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
mkfifo "$W/ready"
python3 "$SB/openstack-standin" --data "$D/openstack.json" --faults "$W/tls-faults.json" \
  --ports-file "$W/tls.ports" --password="$OS_PASSWORD" --log "$W/tls.log" \
  --tls-cert "$W/cert.pem" --tls-key "$W/key.pem" --ready-fd 3 3>"$W/ready" &
PIDS+=($!)
read -r _ <"$W/ready"
. "$W/tls.ports"
TLS_URL=https://127.0.0.1:$KEYSTONE_PORT/v3
OS_AUTH_URL=$TLS_URL run_find tls -- find "$VOL" --json
v=$(q "$verdict"); m=$(q "$reason"); ok=0
rc_is 4 && [ "$v" = UNKNOWN ] && printf '%s' "$m" | grep -Eiq "certif|SSL|TLS|verify" || ok=1
row tls "untrusted certificate" "exit 4, UNKNOWN, refused" "$(rc_text), $v: …${m: -90}" $ok
OS_AUTH_URL=$TLS_URL OS_CACERT=$W/cert.pem run_find tls-ca -- find "$VOL" --json
v=$(q "$verdict"); ok=0; rc_is 0 && [ "$v" = ORPHAN ] || ok=1
row tls "trusted via OS_CACERT" "exit 0, ORPHAN" "$(rc_text), $v" $ok
OS_AUTH_URL=$TLS_URL run_find tls-insecure -- --insecure find "$VOL" --json
v=$(q "$verdict"); ok=0; rc_is 0 && [ "$v" = ORPHAN ] || ok=1
row tls "--insecure" "exit 0, ORPHAN" "$(rc_text), $v" $ok

echo "== libvirt and processes"
cp "$RBDWHO_CONFIG" "$W/refused.conf"
sed -i "s|^local_uri = .*|local_uri = qemu+tcp://127.0.0.1:1/system|" "$W/refused.conf"
run_find lv-refused -- --config "$W/refused.conf" find "$VOL" --json
v=$(q "$verdict"); he=$(q 'd["watchers"][0]["holders_error"]'); ok=0
rc_is 4 && [ "$v" = ORPHAN ] && [ "$he" != None ] || ok=1
row libvirt "host unreachable (refused)" "exit 4, libvirt error shown; the qemu process and Nova's 404 still decide" "$(rc_text), $v, ${he:0:60}" $ok

# A libvirt that accepts and never answers.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(8)
print(s.getsockname()[1], flush=True)
conns=[]
while True: conns.append(s.accept()[0])' >"$W/hang.port" &
PIDS+=($!)
while [ ! -s "$W/hang.port" ]; do read -r -t 0.05 <> <(:) || true; done
cp "$RBDWHO_CONFIG" "$W/hang.conf"
sed -i "s|^local_uri = .*|local_uri = qemu+tcp://127.0.0.1:$(cat "$W/hang.port")/system|" "$W/hang.conf"
run_find lv-hang -- --config "$W/hang.conf" find "$VOL" --json
v=$(q "$verdict"); he=$(q 'd["watchers"][0]["holders_error"]'); ok=0
rc_is 4 && [ "$v" = ORPHAN ] && bounded $((TMO * 4 + 2)) && printf '%s' "$he" | grep -Eiq "time|within" || ok=1
row libvirt "host hangs" "exit 4, bounded, says timed out" "$(rc_text), $v, ${SECS}s, ${he:0:60}" $ok

# Domain XML with unexpected or missing elements (libvirt's test driver).
cat >"$W/odd.xml" <<XML
<node>
  <domain type='test'><name>odd-1</name><uuid>$INST</uuid><memory>65536</memory>
    <metadata><foo:bar xmlns:foo="http://example.com/foo"><foo:baz>x</foo:baz></foo:bar></metadata>
    <os><type>hvm</type></os>
    <devices>
      <disk type='file' device='cdrom'><target dev='hdc'/></disk>
      <disk type='network' device='disk'><source protocol='nbd' name='export'><host name='127.0.0.1' port='10809'/></source><target dev='vda'/></disk>
      <disk type='network' device='disk'><source protocol='rbd' name='volumes/volume-$VOL'/><target dev='vdb'/></disk>
      <disk type='network' device='disk'><source protocol='rbd' name='volumes/other@snap1'/><target dev='vdd'/><readonly/></disk>
      <disk type='file' device='disk'><source file='/nonexistent'/><target dev='vdc'/></disk>
    </devices>
  </domain>
  <domain type='test'><name>bare</name><memory>65536</memory><os><type>hvm</type></os></domain>
</node>
XML
cp "$RBDWHO_CONFIG" "$W/odd.conf"
sed -i "s|^local_uri = .*|local_uri = test://$W/odd.xml|" "$W/odd.conf"
run_find lv-odd -- --config "$W/odd.conf" find "$VOL" --json
v=$(q "$verdict"); k=$(q 'd["watchers"][0]["holders"][0]["kind"]'); ok=0
rc_is 0 && [ "$v" = ORPHAN ] && [ "$k" = libvirt ] || ok=1
row libvirt "odd domain XML (foreign metadata, nbd, cdrom, no disks)" "exit 0, parsed, holder merged with its process" "$(rc_text), $v, kind $k" $ok

# No process to be found (an empty /proc) while the client still runs: its
# monitor session is live, so it is not called dead (a killed holder, whose
# session is gone too, is DEAD: t_truth).
mkdir -p "$W/emptyproc"
run_find noproc -- --proc-root "$W/emptyproc" find "$VOL" --json
v=$(q "$verdict"); m=$(q 'd["watchers"][0]["reason"]'); ok=0
rc_is 0 && [ "$v" = UNKNOWN ] && printf '%s' "$m" | grep -q "monitor session" || ok=1
row process "no process found, the client's session live" "exit 0, UNKNOWN: the live monitor session named, not DEAD" "$(rc_text), $v: ${m:0:60}" $ok

echo "== delete-volume"
# dv_case NAME FAULT-KEY FAULT-JSON WANT-EXIT MESSAGE-REGEX KEPT: a fresh deletable
# volume, one fault, `delete-volume --yes`; KEPT yes/no: is the volume still in Cinder.
dv_case() {
  local name=$1 key=$2 fault=$3 want=$4 re=$5 kept=$6 v m k ok=0
  v=$(uuid)
  rbd create --size 16 "volumes/volume-$v"
  "$SB/osdata" "$D" add-volume "$v" >/dev/null
  [ -n "$key" ] && "$SB/osdata" "$D" fault "$key" "$fault" >/dev/null
  run_find "dv-$name" -- delete-volume "$v" --yes --json
  "$SB/osdata" "$D" clear-faults >/dev/null
  m=$(q 'd["error"] or d["outcome"]')
  k=$(python3 -c 'import json,sys; print("yes" if sys.argv[2] in [x["id"] for x in json.load(open(sys.argv[1]))["volumes"]] else "no")' "$D/openstack.json" "$v")
  rc_is "$want" && [ "$k" = "$kept" ] && bounded $((TMO * 6 + 4)) &&
    printf '%s' "$m" | grep -Eiq "$re" || ok=1
  row cinder "delete-volume: $name" "exit $want, kept $kept, msg ~ /$re/" \
    "$(rc_text), kept $k, ${SECS}s: …${m: -80}" $ok
  "$SB/osdata" "$D" rm-volume "$v" >/dev/null 2>&1
  rbd rm "volumes/volume-$v" >/dev/null 2>&1
}
dv_case "control: deletable" "" "" 0 "deleted" no
dv_case "DELETE answers 400" cinder '{"delete_status": 400, "delete_message": "Invalid volume: has snapshots."}' 4 "HTTP 400.*snapshots" yes
dv_case "DELETE answers 409" cinder '{"delete_status": 409, "delete_message": "Volume is busy."}' 4 "HTTP 409.*busy" yes
dv_case "DELETE answers 500" cinder '{"delete_status": 500}' 4 "HTTP 500" yes
dv_case "accepted, then error_deleting" cinder '{"delete_error": "Delete volume failed."}' 4 "error_deleting.*Delete volume failed" yes
dv_case "attached between the check and the DELETE" cinder '{"attach_after_gets": 1}' 5 "changed since the plan.*in-use" yes
dv_case "attached at the DELETE (Cinder's own 400)" cinder '{"attach_on_delete": "srv:cmp1"}' 4 "HTTP 400.*Invalid volume" yes
dv_case "cinder down" cinder '{"down": true}' 4 "cannot be known" yes
dv_case "cinder 500 on GET" cinder '{"status": 500}' 4 "cannot be known" yes
dv_case "cinder slow (5 s > timeout)" cinder '{"delay_ms": 5000}' 4 "within.*cannot be known" yes

echo "== Ceph"
OSD_PID=$(cat "$D"/pids/osd*.pid 2>/dev/null | head -n 1)
MON_PID=$(cat "$D"/pids/mon*.pid 2>/dev/null | head -n 1)
kill -STOP "$OSD_PID"
run_find osd-stopped -- find "volumes/volume-$VOL" --json
kill -CONT "$OSD_PID"
ok=0; rc_is 4 && bounded $((TMO * 3 + 3)) && grep -Eiq "time" "$OUT.err" || ok=1
row ceph "OSD stopped (ops hang)" "exit 4 within the timeout, says timed out" "$(rc_text), ${SECS}s: $(head -c 70 "$OUT.err")" $ok

kill -STOP "$OSD_PID"
run_find scan-osd -- scan --json
kill -CONT "$OSD_PID"
# Every pool's listing times out: the scan could not know, so it says so with
# exit 4 (a crash or an exit 0 "0 orphans" both fail), names the timeout, and
# reports no ORPHAN anywhere.
o=$(q 'd["orphans"]'); ok=0
rc_is 4 && bounded 30 && ! grep -q ORPHAN "$OUT" && grep -Eiq "time" "$OUT" "$OUT.err" || ok=1
row ceph "scan with the OSD stopped" "exit 4, bounded, says timed out, no ORPHAN" "$(rc_text), orphans $o, ${SECS}s" $ok

# The same hung OSD at --timeout 3, every pool of the sandbox (4) asked: pools
# are scanned side by side, so the scan costs about one timeout, not one per
# pool (12.1 s when they were scanned one after another). Each pool is named
# in errors, none is left out.
TMO=3
kill -STOP "$OSD_PID"
run_find scan-osd-pools -- scan --json
kill -CONT "$OSD_PID"
TMO=2
npools=$(wc -w <<<"$SANDBOX_POOLS")
named=$(q 'sum(1 for p in "'"$SANDBOX_POOLS"'".split() if any(e.startswith("pool %s: " % p) for e in d["errors"]))')
ok=0
rc_is 4 && bounded 6 && [ "$npools" -ge 4 ] && [ "$named" = "$npools" ] && ! grep -q ORPHAN "$OUT" || ok=1
row ceph "scan of $npools pools, OSD stopped, --timeout 3" "exit 4 in at most 2 timeouts (6 s), every pool named" \
  "$(rc_text), ${SECS}s, $named of $npools pools named" $ok

kill -STOP "$MON_PID"
run_find mon-stopped -- find "$VOL" --json
kill -CONT "$MON_PID"
ok=0; rc_is 4 && bounded $((TMO * 2 + 3)) && grep -Eiq "monitor|ceph" "$OUT.err" || ok=1
row ceph "mon not answering at start" "exit 4 within the timeout" "$(rc_text), ${SECS}s: $(head -c 70 "$OUT.err")" $ok

kill "$MON_PID"
run_find mon-dead -- find "$VOL" --json
ok=0; rc_is 4 && bounded $((TMO * 2 + 3)) || ok=1
row ceph "mon killed" "exit 4 within the timeout" "$(rc_text), ${SECS}s: $(head -c 70 "$OUT.err")" $ok

echo
print_matrix | tee "$W/../rbdwho-fault-matrix.md" >/dev/null
print_matrix
echo
echo "faults: $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
