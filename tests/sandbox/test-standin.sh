#!/usr/bin/env bash
# test-standin.sh — checks the OpenStack stand-in and osdata with curl, as a client would:
# Keystone auth, Nova and Cinder bodies and paging, every fault kind, the log, SIGTERM.
# Starts the stand-in in a mktemp dir and always stops it (by pid). Prints one line per
# check, then "N passed, N failed"; exits 1 when anything failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
STANDIN=$HERE/openstack-standin
OSDATA=$HERE/osdata
PY=${PYTHON:-/usr/bin/python3} # the Debian python: no version-manager shim per call
ADMIN_PROJECT=8a1f6f0d2c4b4f6e9d3a7c5b1e2f4a6d
ADMIN_USER=5b1c3ad2e8f94f43a0cfd6d5e1f2a7b3
PASS=0
FAIL=0
PID=
D=$(mktemp -d "${TMPDIR:-/tmp}/standin-test.XXXXXX")

cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf -- "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL $1"; }
check() { # NAME CMD…: one check, passes when CMD succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else ko "$name"; fi
}
eq() { [ "$1" = "$2" ] || { echo "     got [$1], want [$2]" >&2; return 1; }; }

# http METHOD URL [curl args…]: CODE, RC (curl's exit), TIME (s), SIZE (bytes);
# body in $D/body, headers in $D/hdr.
http() {
	local m=$1 u=$2 out
	shift 2
	: >"$D/body"
	: >"$D/hdr"
	# A default bound so a broken stand-in fails a check instead of hanging the run;
	# a later --max-time among the arguments wins.
	out=$(curl -sS --max-time 20 -o "$D/body" -D "$D/hdr" \
		-w '%{http_code} %{time_total} %{size_download}' -X "$m" "$@" "$u" 2>"$D/curl.err")
	RC=$?
	read -r CODE TIME SIZE <<<"$out"
}
# jv EXPR: evaluates a Python expression over the last body (as d) and prints it.
jv() {
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))' "$D/body" "$1" 2>/dev/null
}
hdr() { sed -n "s/^$1: //Ip" "$D/hdr" | tr -d '\r' | tail -n 1; }
authed() { http "$1" "$2" -H "X-Auth-Token: $TOKEN" "${@:3}"; }

# token JSON: POST /v3/auth/tokens; TOKEN is the X-Subject-Token (kept for the log check).
token() {
	printf '%s' "$1" >"$D/req.json"
	http POST "$K/v3/auth/tokens" -H 'Content-Type: application/json' --data-binary @"$D/req.json"
	TOKEN=$(hdr X-Subject-Token)
	[ -z "$TOKEN" ] || echo "$TOKEN" >>"$D/tokens"
}
pw_auth() { # USER_JSON PASSWORD [SCOPE_JSON]
	printf '{"auth":{"identity":{"methods":["password"],"password":{"user":%s}}%s}}' \
		"$(printf '%s' "$1" | sed "s/}\$/,\"password\":\"$2\"}/")" "${3:+,\"scope\":$3}"
}
ADMIN_NAMES='{"name":"admin","domain":{"name":"Default"}}'
SCOPE_NAMES='{"project":{"name":"admin","domain":{"name":"Default"}}}'
admin_token() { token "$(pw_auth "$ADMIN_NAMES" "$PW" "$SCOPE_NAMES")"; }
fault() { osdata "$D" fault "$1" "$2"; }
osdata() { "$PY" "$OSDATA" "$@"; }

start_standin() {
	PW=pw$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	mkfifo "$D/ready"
	"$PY" "$STANDIN" --data "$D/openstack.json" --faults "$D/faults.json" \
		--ports-file "$D/openstack.ports" --password="$PW" --log "$D/openstack.log" \
		--ready-fd 3 3>"$D/ready" 2>"$D/stderr" &
	PID=$!
	if ! read -r -t 10 _ <"$D/ready" || [ ! -s "$D/openstack.ports" ]; then
		echo "the stand-in did not start (or wrote no ports file):" >&2
		cat "$D/stderr" >&2
		echo "0 passed, 1 failed"
		exit 1
	fi
	. "$D/openstack.ports"
	K=http://127.0.0.1:$KEYSTONE_PORT
	N=http://127.0.0.1:$NOVA_PORT/v2.1
	C=http://127.0.0.1:$CINDER_PORT/v3/$ADMIN_PROJECT
}

S1=11111111-0000-4000-8000-000000000001
S2=11111111-0000-4000-8000-000000000002
S3=11111111-0000-4000-8000-000000000003
S4=11111111-0000-4000-8000-000000000004
S5=11111111-0000-4000-8000-000000000005
V1=22222222-0000-4000-8000-000000000001
V2=22222222-0000-4000-8000-000000000002
V3=22222222-0000-4000-8000-000000000003
AC_SECRET=acsecret$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

seed_data() {
	osdata "$D" add-server $S1 web-1 --host cmp1 --instance-name instance-0002f5c4 &&
		osdata "$D" add-server $S2 web-2 --status SHUTOFF --host cmp2 &&
		osdata "$D" add-server $S3 web-3 --host cmp1 &&
		osdata "$D" add-project 0ther0000000000000000000000000001 demo &&
		osdata "$D" add-server $S4 other --project 0ther0000000000000000000000000001 &&
		osdata "$D" add-server $S5 gone --host cmp2 &&
		osdata "$D" set-server $S5 status DELETED &&
		osdata "$D" add-volume $V1 --name data-1 --attach $S1 &&
		osdata "$D" add-volume $V2 --name data-2 &&
		osdata "$D" add-volume $V3 --name data-3 &&
		osdata "$D" add-hypervisor cmp1.example 10.1.0.1 --service-host cmp1 &&
		osdata "$D" add-hypervisor cmp2.example 10.1.0.2 --service-host cmp2 &&
		osdata "$D" add-hypervisor cmp3.example 10.1.0.3 --service-host cmp3 &&
		osdata "$D" add-app-cred 423f19a4ac1e4f48bbb4180756e6eb6c rbdwho "$AC_SECRET"
}

# ------------------------------------------------------------------ Keystone
t_keystone() {
	http GET "$K/v3"
	check "GET /v3 is the identity v3 version document" eq "$CODE $(jv 'd["version"]["id"][:2]')" "200 v3"

	admin_token
	check "password token (names): 201 with X-Subject-Token" eq "$CODE ${TOKEN:+set}" "201 set"
	check "token expires one hour after issue" eq "$(jv 'int((__import__("datetime").datetime.fromisoformat(d["token"]["expires_at"][:-1]) - __import__("datetime").datetime.fromisoformat(d["token"]["issued_at"][:-1])).total_seconds())')" 3600
	check "token names user, project and admin role" eq \
		"$(jv '[d["token"]["user"]["name"], d["token"]["project"]["id"], "admin" in [r["name"] for r in d["token"]["roles"]]]')" \
		"[\"admin\", \"$ADMIN_PROJECT\", true]"
	check "catalog: compute public/internal/admin → nova port" eq \
		"$(jv '[e["interface"] + "=" + e["url"] for s in d["token"]["catalog"] if s["type"] == "compute" for e in s["endpoints"]]')" \
		"[\"public=$N\", \"internal=$N\", \"admin=$N\"]"
	check "catalog: volumev3 public → cinder port + project" eq \
		"$(jv '[e["url"] for s in d["token"]["catalog"] if s["type"] == "volumev3" for e in s["endpoints"] if e["interface"] == "public" and e["region_id"] == "RegionOne"][0]')" "$C"
	jv '[e["url"] for s in d["token"]["catalog"] if s["type"] == "compute" for e in s["endpoints"]][0]' >"$D/nova_url"
	jv '[e["url"] for s in d["token"]["catalog"] if s["type"] == "volumev3" for e in s["endpoints"]][0]' >"$D/cinder_url"

	token "$(pw_auth "{\"id\":\"$ADMIN_USER\"}" "$PW" "{\"project\":{\"id\":\"$ADMIN_PROJECT\"}}")"
	check "password token (user id, project id): 201" eq "$CODE ${TOKEN:+set}" "201 set"

	token "$(pw_auth "$ADMIN_NAMES" "wrong$PW" "$SCOPE_NAMES")"
	check "wrong password: 401 with Keystone's error body" eq \
		"$CODE $(jv '[d["error"]["code"], d["error"]["title"], d["error"]["message"]]')" \
		'401 [401, "Unauthorized", "The request you have made requires authentication."]'
	token "$(pw_auth "$ADMIN_NAMES" "$PW" '{"project":{"name":"nosuch","domain":{"name":"Default"}}}')"
	check "unknown project: 401" eq "$CODE" 401
	token "$(pw_auth "$ADMIN_NAMES" "$PW")"
	check "unscoped token: 201 without catalog" eq "$CODE $(jv '"catalog" in d["token"]')" "201 false"

	token '{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"423f19a4ac1e4f48bbb4180756e6eb6c","secret":"'"$AC_SECRET"'"}}}}'
	check "application credential by id: 201, scoped, method named" eq \
		"$CODE $(jv '[d["token"]["methods"], d["token"]["application_credential"]["id"], d["token"]["project"]["id"]]')" \
		"201 [[\"application_credential\"], \"423f19a4ac1e4f48bbb4180756e6eb6c\", \"$ADMIN_PROJECT\"]"
	token '{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"name":"rbdwho","user":{"name":"admin","domain":{"name":"Default"}},"secret":"'"$AC_SECRET"'"}}}}'
	check "application credential by name + user: 201" eq "$CODE" 201
	token '{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"423f19a4ac1e4f48bbb4180756e6eb6c","secret":"nope"}}}}'
	check "application credential, wrong secret: 401" eq "$CODE" 401
}

# ------------------------------------------------------------------ Nova
t_nova() {
	admin_token
	authed GET "$(cat "$D/nova_url")/servers/detail"
	check "catalog's compute URL answers /servers/detail" eq "$CODE" 200

	authed GET "$N/servers/$S1"
	check "GET /servers/{id}: 200 with the admin fields" eq \
		"$CODE $(jv '[d["server"][k] for k in ("id", "name", "status", "OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:hypervisor_hostname", "OS-EXT-SRV-ATTR:instance_name", "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "tenant_id")]')" \
		"200 [\"$S1\", \"web-1\", \"ACTIVE\", \"cmp1\", \"cmp1\", \"instance-0002f5c4\", \"active\", null, \"$ADMIN_PROJECT\"]"
	check "Nova answers with a microversion header" eq "$(hdr OpenStack-API-Version)" "compute 2.1"

	authed GET "$N/servers/$S1" -H 'OpenStack-API-Version: compute 2.53'
	check "requested microversion is echoed" eq "$(hdr OpenStack-API-Version)" "compute 2.53"

	authed GET "$N/servers/99999999-0000-4000-8000-000000000000"
	check "unknown server: 404 itemNotFound 'Instance <id> could not be found.'" eq \
		"$CODE $(jv '[d["itemNotFound"]["code"], d["itemNotFound"]["message"]]')" \
		'404 [404, "Instance 99999999-0000-4000-8000-000000000000 could not be found."]'

	http GET "$N/servers/$S1"
	check "no token: 401" eq "$CODE $(jv 'd["error"]["code"]')" "401 401"
	http GET "$N/servers/$S1" -H 'X-Auth-Token: gAAAAAforged'
	check "unknown token: 401 with WWW-Authenticate naming Keystone" eq \
		"$CODE $(hdr WWW-Authenticate)" "401 Keystone uri=\"$K\""

	authed GET "$N/servers/detail"
	check "servers/detail: own project only, DELETED hidden" eq "$(jv '[s["id"] for s in d["servers"]]')" \
		"[\"$S1\", \"$S2\", \"$S3\"]"
	authed GET "$N/servers/detail?all_tenants=1"
	check "servers/detail?all_tenants=1: every project" eq "$(jv '[s["id"] for s in d["servers"]]')" \
		"[\"$S1\", \"$S2\", \"$S3\", \"$S4\"]"
	authed GET "$N/servers/detail?all_tenants=1&host=cmp1"
	check "servers/detail?host= filters" eq "$(jv '[s["id"] for s in d["servers"]]')" "[\"$S1\", \"$S3\"]"

	authed GET "$N/servers/detail?all_tenants=1&limit=2"
	local next
	next=$(jv 'd["servers_links"][0]["href"] if d["servers_links"][0]["rel"] == "next" else ""')
	check "paging: limit=2 gives 2 and a next link with marker" eq \
		"$(jv 'len(d["servers"])') ${next#*marker=}" "2 $S2"
	authed GET "$next"
	check "paging: the next link gives the rest, no further link" eq \
		"$(jv '[s["id"] for s in d["servers"]]') $(jv '"servers_links" in d')" "[\"$S3\", \"$S4\"] false"
	authed GET "$N/servers/detail?marker=nosuch"
	check "unknown marker: 400 badRequest" eq "$CODE $(jv 'd["badRequest"]["message"]')" \
		"400 marker [nosuch] not found"

	authed GET "$N/servers/$S5"
	check "a DELETED server is still shown by id" eq "$CODE $(jv 'd["server"]["status"]') $(jv 'd["server"]["OS-EXT-STS:vm_state"]')" \
		"200 DELETED deleted"

	authed GET "$N/os-hypervisors/detail?limit=2"
	next=$(jv 'd["hypervisors_links"][0]["href"]')
	check "hypervisors: host_ip, service.host, state, status; paged" eq \
		"$CODE $(jv '[[h["hypervisor_hostname"], h["host_ip"], h["service"]["host"], h["state"], h["status"]] for h in d["hypervisors"]]')" \
		'200 [["cmp1.example", "10.1.0.1", "cmp1", "up", "enabled"], ["cmp2.example", "10.1.0.2", "cmp2", "up", "enabled"]]'
	authed GET "$next"
	check "hypervisors: second page" eq "$(jv '[h["host_ip"] for h in d["hypervisors"]]') $(jv '"hypervisors_links" in d')" \
		'["10.1.0.3"] false'

	http GET "http://127.0.0.1:$NOVA_PORT/"
	check "GET / lists v2.1 as CURRENT" eq "$CODE $(jv '[v["status"] for v in d["versions"] if v["id"] == "v2.1"]')" \
		'200 ["CURRENT"]'

	osdata "$D" set-server "$S3" status SOFT_DELETED
	authed GET "$N/servers/$S3"
	check "osdata set-server status follows in the API" eq "$(jv 'd["server"]["status"]') $(jv 'd["server"]["OS-EXT-STS:vm_state"]')" \
		"SOFT_DELETED soft-delete"
}

t_sample_dropin() {
	"$PY" - "$D/openstack.json" "$HERE/samples/server-get-resp.json" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
data["servers"].append(json.load(open(sys.argv[2]))["server"])
json.dump(data, open(sys.argv[1] + ".new", "w"))
EOF
	mv "$D/openstack.json.new" "$D/openstack.json"
	authed GET "$N/servers/e6a96e04-733d-4b5a-9c31-4f0d1c2b7a58"
	check "a sample server dropped into the data file is served verbatim" \
		"$PY" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
		"$D/body" "$HERE/samples/server-get-resp.json"

	cp "$D/openstack.json" "$D/openstack.json.good"
	echo '{"servers": [' >"$D/openstack.json"
	authed GET "$N/servers/$S1"
	check "a broken data file is a loud 500 computeFault" eq "$CODE $(jv 'd["computeFault"]["code"]')" "500 500"
	mv "$D/openstack.json.good" "$D/openstack.json"
}

# ------------------------------------------------------------------ Cinder
t_cinder() {
	authed GET "$(cat "$D/cinder_url")/volumes/$V1"
	check "volume show via the catalog URL: in-use, attachment to the server" eq \
		"$CODE $(jv '[d["volume"]["status"], [[a["server_id"], a["host_name"], a["volume_id"], a["id"], a["device"], bool(a["attachment_id"]), bool(a["attached_at"])] for a in d["volume"]["attachments"]], "@" in d["volume"]["os-vol-host-attr:host"]]')" \
		"200 [\"in-use\", [[\"$S1\", \"cmp1\", \"$V1\", \"$V1\", \"/dev/vdb\", true, true]], true]"
	authed GET "$C/volumes/99999999-0000-4000-8000-000000000000"
	check "unknown volume: 404 'Volume <id> could not be found.'" eq \
		"$CODE $(jv '[d["itemNotFound"]["code"], d["itemNotFound"]["message"]]')" \
		'404 [404, "Volume 99999999-0000-4000-8000-000000000000 could not be found."]'

	authed GET "$C/volumes/detail?all_tenants=1&limit=2"
	local next
	next=$(jv 'd["volumes_links"][0]["href"]')
	authed GET "$next"
	check "volumes/detail paging" eq "$(jv '[v["id"] for v in d["volumes"]]') $(jv '"volumes_links" in d')" \
		"[\"$V3\"] false"

	authed DELETE "$C/volumes/$V1"
	check "delete an attached volume: 400 with Cinder's message" eq \
		"$CODE $(jv 'd["badRequest"]["message"]')" \
		"400 Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
	authed DELETE "$C/volumes/$V2"
	check "delete an available volume: 202, empty body" eq "$CODE $SIZE" "202 0"
	authed GET "$C/volumes/$V2"
	check "the deleted volume is gone (404)" eq "$CODE" 404
	check "the delete rewrote the data file" "$PY" -c \
		'import json, sys; ids = [v["id"] for v in json.load(open(sys.argv[1]))["volumes"]]; sys.exit(sys.argv[2] in ids or sys.argv[3] not in ids)' \
		"$D/openstack.json" "$V2" "$V1"
}

# ------------------------------------------------------------------ faults
t_delay() {
	fault 'nova:/servers/detail' '{"delay_ms": 1500}'
	authed GET "$N/servers/detail" --max-time 0.5
	check "delay: a client with a 0.5 s timeout times out (curl 28)" eq "$RC" 28
	authed GET "$N/servers/detail" --max-time 10
	check "delay: the answer takes at least the delay" "$PY" -c \
		'import sys; sys.exit(not (sys.argv[1] == "200" and float(sys.argv[2]) >= 1.5))' "$CODE" "$TIME"
	# Threaded: a slow request does not hold up another one.
	curl -s --max-time 20 -o /dev/null -H "X-Auth-Token: $TOKEN" "$N/servers/detail" &
	local slow=$!
	authed GET "$N/servers/$S1"
	check "delay: other requests answer meanwhile (path-regex fault)" "$PY" -c \
		'import sys; sys.exit(not (sys.argv[1] == "200" and float(sys.argv[2]) < 1.0))' "$CODE" "$TIME"
	wait "$slow"
	fault 'nova:/servers/detail' null
}

t_errors() {
	fault cinder '{"status": 503, "retry_after": 5}'
	authed GET "$C/volumes/$V1"
	check "status 503: serviceUnavailable body and Retry-After" eq \
		"$CODE $(hdr Retry-After) $(jv 'd["serviceUnavailable"]["code"]')" "503 5 503"
	fault cinder null
	fault keystone '{"status": 500}'
	admin_token
	check "status 500 on keystone: Keystone's error body" eq "$CODE $(jv 'd["error"]["code"]')" "500 500"
	fault keystone null
	admin_token

	fault nova '{"malformed": true}'
	authed GET "$N/servers/$S1"
	check "malformed: 200 with invalid JSON" eq "$CODE $("$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$D/body" 2>/dev/null && echo valid || echo invalid)" \
		"200 invalid"
	fault nova '{"wrong_shape": true}'
	authed GET "$N/servers/$S1"
	check "wrong_shape: 200 with a JSON list" eq "$CODE $(jv 'type(d).__name__')" "200 list"
	fault nova '{"truncated": true}'
	authed GET "$N/servers/$S1"
	check "truncated: the client sees a short body (curl 18)" eq "$RC" 18
	fault nova '{"huge_mb": 3}'
	authed GET "$N/servers/$S1"
	check "huge_mb 3: 3 MiB of valid JSON that still holds the server" eq \
		"$CODE $SIZE $(jv 'd["server"]["id"]')" "200 3145728 $S1"
	fault nova null
}

t_tokens() {
	local old=$TOKEN
	fault nova '{"expire_tokens": true}'
	authed GET "$N/servers/$S1"
	check "expire_tokens: a valid token is refused with 401" eq "$CODE" 401
	admin_token
	authed GET "$N/servers/$S1"
	check "expire_tokens: a new token is refused too" eq "$CODE" 401
	authed GET "$C/volumes/$V1"
	check "expire_tokens on nova leaves cinder alone" eq "$CODE" 200

	fault nova '{"expire_tokens": true, "expire_once": true}'
	TOKEN=$old
	authed GET "$N/servers/$S1"
	check "expire_once: the current token is refused once" eq "$CODE" 401
	admin_token
	authed GET "$N/servers/$S1"
	check "expire_once: the re-authenticated token works" eq "$CODE" 200
	admin_token
	authed GET "$N/servers/$S1"
	local first=$CODE
	authed GET "$N/servers/$S1"
	check "expire_once: another client's token: refused once, then accepted" eq "$first $CODE" "401 200"
	fault nova null
	fault keystone '{"expire_tokens": true}'
	authed GET "$C/volumes/$V1"
	check "expire_tokens under keystone applies to cinder" eq "$CODE" 401
	fault keystone null
}

t_down() {
	admin_token
	fault nova '{"down": true}'
	authed GET "$N/servers/$S1"
	check "down: nova refuses connections (curl 7)" eq "$RC" 7
	admin_token
	check "down: keystone still issues tokens" eq "$CODE" 201
	authed GET "$C/volumes/$V1"
	check "down: cinder still answers" eq "$CODE" 200
	fault nova null
	authed GET "$N/servers/$S1"
	check "up again: nova answers on the same port" eq "$CODE" 200
	check "up again: the state file says so" eq "$("$PY" -c 'import json, sys; s = json.load(open(sys.argv[1]))["services"]["nova"]; print(s["up"], s["port"])' "$D/faults.json.state")" \
		"True $NOVA_PORT"
	fault keystone '{"down": true}'
	admin_token
	check "down: keystone refuses connections (curl 7)" eq "$RC" 7
	osdata "$D" clear-faults
	admin_token
	check "clear-faults: keystone is back" eq "$CODE" 201
}

t_log() {
	local log=$D/openstack.log leaked=0 t
	check "log: one line per request with method, path, status" \
		grep -q "nova GET /v2.1/servers/$S1 200 " "$log"
	check "log: faults are noted" grep -q "nova GET /v2.1/servers/detail 200 .* delay_ms=1500" "$log"
	check "log: no password" eval '! grep -qF -- "$PW" "$log"'
	check "log: no application credential secret" eval '! grep -qF -- "$AC_SECRET" "$log"'
	while read -r t; do
		grep -qF -- "$t" "$log" && leaked=1
	done <"$D/tokens"
	check "log: no token (of $(wc -l <"$D/tokens") issued)" eq "$leaked" 0
}

t_sigterm() {
	local rc
	kill -TERM "$PID"
	wait "$PID"
	rc=$?
	PID=
	check "SIGTERM: exits 0" eq "$rc" 0
	http GET "$N/servers/$S1"
	check "SIGTERM: ports are closed" eq "$RC" 7
}

# ------------------------------------------------------------------ Cinder's delete, as it behaves
# poll_status VOL WANT: GETs VOL until its status (or "404") is WANT, for up to 5 s.
poll_status() {
	local i got
	for i in $(seq 50); do
		authed GET "$C/volumes/$1"
		got=$([ "$CODE" = 404 ] && echo 404 || jv 'd["volume"]["status"]')
		[ "$got" = "$2" ] && return 0
		"$PY" -c 'import time; time.sleep(0.1)'
	done
	echo "     last: $got" >&2
	return 1
}

t_cinder_delete() {
	local v4=22222222-0000-4000-8000-000000000004 v5=22222222-0000-4000-8000-000000000005
	local v6=22222222-0000-4000-8000-000000000006 v7=22222222-0000-4000-8000-000000000007
	local v8=22222222-0000-4000-8000-000000000008 v
	for v in $v4 $v5 $v6 $v7 $v8; do osdata "$D" add-volume $v --name del; done
	fault cinder '{"delete_ms": 600}'
	authed DELETE "$C/volumes/$v4"
	check "delete_ms: DELETE answers 202" eq "$CODE" 202
	authed GET "$C/volumes/$v4"
	check "delete_ms: the volume is 'deleting' meanwhile" eq "$CODE $(jv 'd["volume"]["status"]')" "200 deleting"
	authed DELETE "$C/volumes/$v4"
	check "delete_ms: a second DELETE while deleting is Cinder's 400" eq "$CODE" 400
	check "delete_ms: then gone (404)" poll_status $v4 404
	fault cinder '{"delete_error": "Delete volume failed: the backend is busy."}'
	authed DELETE "$C/volumes/$v5"
	check "delete_error: DELETE answers 202" eq "$CODE" 202
	check "delete_error: the volume ends in error_deleting" poll_status $v5 error_deleting
	authed GET "$C/messages?resource_uuid=$v5"
	check "delete_error: Cinder's user message says why" eq \
		"$CODE $(jv '[m["user_message"] for m in d["messages"]]')" \
		'200 ["Delete volume failed: the backend is busy."]'
	fault cinder null
	fault "cinder:/volumes/$v6" '{"delete_status": 409, "delete_message": "Volume is busy."}'
	authed DELETE "$C/volumes/$v6"
	check "delete_status 409: conflictingRequest with the message" eq \
		"$CODE $(jv 'd["conflictingRequest"]["message"]')" "409 Volume is busy."
	authed GET "$C/volumes/$v6"
	check "delete_status: a GET is not affected" eq "$CODE $(jv 'd["volume"]["status"]')" "200 available"
	fault "cinder:/volumes/$v6" null
	fault cinder "{\"attach_on_delete\": \"$S3:cmp1\"}"
	authed DELETE "$C/volumes/$v7"
	check "attach_on_delete: Cinder's own check answers 400" eq "$CODE" 400
	authed GET "$C/volumes/$v7"
	check "attach_on_delete: the volume is in-use, attached to the server" eq \
		"$(jv '[d["volume"]["status"], [a["server_id"] for a in d["volume"]["attachments"]]]')" \
		"[\"in-use\", [\"$S3\"]]"
	fault cinder "{\"attach_after_gets\": 1, \"attach_server\": \"$S3\"}"
	authed GET "$C/volumes/$v8"
	local first
	first=$(jv 'd["volume"]["status"]')
	authed GET "$C/volumes/$v8"
	check "attach_after_gets 1: available at the 1st GET, in-use at the 2nd" eq \
		"$first $(jv 'd["volume"]["status"]')" "available in-use"
	fault cinder null
}

start_standin
check "ports file: three distinct ports" eq \
	"$(printf '%s\n' "$KEYSTONE_PORT" "$NOVA_PORT" "$CINDER_PORT" | sort -u | grep -c '^[0-9][0-9]*$')" 3
check "osdata seeds the data file" seed_data
: >"$D/tokens"
t_keystone
t_nova
t_sample_dropin
t_cinder
t_delay
t_errors
t_tokens
t_down
t_log
t_cinder_delete
t_sigterm
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
