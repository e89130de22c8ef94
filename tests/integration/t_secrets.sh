#!/usr/bin/env bash
# Secrets never leave rbdwho. Known secrets are planted everywhere one could come
# from — the real cephx key in a qemu -drive string and in a domain's qemu:commandline,
# OS_PASSWORD, an application credential secret, a clouds.yaml password, a config
# naming the keyring, Keystone tokens, and API error bodies that echo all of them —
# then find/scan/procs (text and --json) and destroy (refused and done) run, with
# errors provoked (wrong passwords, Nova and Keystone 500s). Every stdout, stderr,
# the audit log and the stand-in's logs are grepped for each secret: any hit fails.
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }

T=$(mktemp -d /tmp/rbdwho-secrets.XXXXXX)
O=$T/out
mkdir -p "$O"
VOL1=$(new_uuid) INST1=$(new_uuid)  # orphan qemu, key in its -drive
VOL2=$(new_uuid) INST2=$(new_uuid)  # attached qemu, key in its -drive
VOL3=$(new_uuid) INST3=$(new_uuid) INST4=$(new_uuid)  # test:/// domains for destroy
N1=instance-00005ec1 N2=instance-00005ec2
held=()
cleanup() {
	for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
	"$SB/osdata" "$D" clear-faults >/dev/null 2>&1
	"$SB/osdata" "$D" rm-server "$INST2" >/dev/null 2>&1
	"$SB/osdata" "$D" rm-server "$INST4" >/dev/null 2>&1
	for v in "$VOL1" "$VOL2" "$VOL3"; do rbd rm "volumes/volume-$v" >/dev/null 2>&1; done
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

# --- the secrets
KEY=$(ceph auth get-key client.admin)
REALPW=$OS_PASSWORD
WRONGPW="Wr0ngPw-$(new_uuid | tr -d -)"
CLOUDBADPW="Cl0udBadPw-$(new_uuid | tr -d -)"
APPID=$(new_uuid | tr -d -)
APPSECRET="AppS3cret-$(new_uuid | tr -d -)"
# A real Keystone token, asked for here, then echoed back by a faulty Nova.
TOKEN=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' "$OS_AUTH_URL/auth/tokens" \
	--data "$(python3 -c 'import json,os; print(json.dumps({"auth": {"identity": {"methods": ["password"],
	"password": {"user": {"name": os.environ["OS_USERNAME"], "domain": {"name": "Default"},
	"password": os.environ["OS_PASSWORD"]}}}, "scope": {"project": {"name": "admin",
	"domain": {"name": "Default"}}}}}))')" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: //p')
[ ${#KEY} -ge 40 ] && [ ${#REALPW} -ge 8 ] && [ ${#TOKEN} -ge 40 ] &&
	pass "secrets to plant: cephx key, OS_PASSWORD, a live token" ||
	{ fail "secrets to plant (key ${#KEY}, password ${#REALPW}, token ${#TOKEN} chars)"; finish; exit 1; }
# Every Keystone token the stand-in issues has this shape (Fernet-like).
TOKEN_RE='gAAAAA[A-Za-z0-9_-]{20,}'

# --- holders: plain qemu with the key in -drive, one orphan and one attached
for v in "$VOL1" "$VOL2" "$VOL3"; do rbd create --size 64 "volumes/volume-$v"; done
"$SB/osdata" "$D" add-volume "$VOL1" --name secret-orphan --status available >/dev/null
"$SB/osdata" "$D" add-server "$INST2" secret-attached --instance-name "$N2" >/dev/null
"$SB/osdata" "$D" add-volume "$VOL2" --name secret-attached --status in-use --attach "$INST2" >/dev/null
"$SB/osdata" "$D" add-server "$INST4" secret-known --instance-name instance-00005ec4 >/dev/null
"$SB/osdata" "$D" add-app-cred "$APPID" rbdwho-test "$APPSECRET" >/dev/null
for spec in "$VOL1 $N1 $INST1" "$VOL2 $N2 $INST2"; do
	set -- $spec
	if "$SB/hold" "$D" "volumes/volume-$1" --name "$2" --uuid "$3" --with-key >"$O/hold-$2.log" 2>&1; then
		held+=("$2")
	else
		fail "hold $2 --with-key"; cat "$O/hold-$2.log"; finish; exit 1
	fi
	pid=$(sed -n 's/.*(pid \([0-9]*\).*/\1/p' "$O/hold-$2.log")
	# The test can fail only if the key really is on the command line rbdwho reads.
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "key=$KEY" &&
		pass "$2: the real key is in its -drive" || fail "$2: the real key is in its -drive"
done

# --- libvirt (test:///): two domains on VOL3 with the key in qemu:commandline
cat >"$T/node.xml" <<EOF
<node>
$(for d in "instance-00005ec3 $INST3" "instance-00005ec4 $INST4"; do set -- $d; cat <<DOM
  <domain type='test' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
    <name>$1</name>
    <uuid>$2</uuid>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <devices>
      <disk type='network' device='disk'>
        <auth username='admin'><secret type='ceph' usage='client.admin secret'/></auth>
        <source protocol='rbd' name='volumes/volume-$VOL3'><host name='127.0.0.1'/></source>
        <target dev='vda' bus='virtio'/>
      </disk>
    </devices>
    <qemu:commandline>
      <qemu:arg value='-drive'/>
      <qemu:arg value='file=rbd:volumes/volume-$VOL3:id=admin:key=$KEY,if=none,id=extra0'/>
    </qemu:commandline>
  </domain>
DOM
done)
</node>
EOF
AUDIT=$T/audit.log
# The sandbox config, plus an own audit log, the test:/// node and the keyring path.
sed -e "s|^audit_log *=.*|audit_log = $AUDIT|" -e "s|^local_uri *=.*|local_uri = test://$T/node.xml|" \
	"$D/rbdwho.conf" >"$T/rbdwho.conf"
printf '[ceph]\nkeyring = %s/keyring\n' "$D" >>"$T/rbdwho.conf"
export RBDWHO_CONFIG=$T/rbdwho.conf

# --- clouds.yaml: the real password (works) and a wrong one (401)
cat >"$T/clouds.yaml" <<EOF
clouds:
  sbx:
    auth:
      auth_url: $OS_AUTH_URL
      username: $OS_USERNAME
      password: "$REALPW"
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
  bad:
    auth:
      auth_url: $OS_AUTH_URL
      username: $OS_USERNAME
      password: "$CLOUDBADPW"
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
EOF

# run NAME [ENV=VAL…] -- ARGS…: rbdwho's stdout and stderr kept as $O/NAME.{out,err}.
run() {
	local name=$1; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$RBDWHO" "$@" >"$O/$name.out" 2>"$O/$name.err"
	echo $? >"$O/$name.rc"
}
no_os=(-u OS_AUTH_URL -u OS_USERNAME -u OS_PASSWORD -u OS_PROJECT_NAME -u OS_USER_DOMAIN_NAME
	-u OS_PROJECT_DOMAIN_NAME -u OS_REGION_NAME)
commands() {  # commands PREFIX [ENV…]: the read-only commands, text and --json
	local p=$1; shift
	run "$p-find" "$@" -- find "$VOL1"
	run "$p-find-json" "$@" -- find "$VOL1" --json
	run "$p-find2" "$@" -- find "volume-$VOL2" --json
	run "$p-find3" "$@" -- find "volumes/volume-$VOL3"
	run "$p-scan" "$@" -- scan volumes
	run "$p-scan-json" "$@" -- scan volumes --json
	run "$p-procs" "$@" -- procs
	run "$p-procs-json" "$@" -- procs --json
}

commands env
[ "$(json_get "$O/env-find-json.out" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
	pass "the chain works with the planted secrets (ORPHAN)" || fail "the chain works (ORPHAN)"
grep -q 'key=<redacted>' "$O/env-find.out" && pass "find shows key=<redacted>" ||
	fail "find shows key=<redacted>"
commands cloud "${no_os[@]}" OS_CLOUD=sbx OS_CLIENT_CONFIG_FILE="$T/clouds.yaml"
run cloud-flag "${no_os[@]}" OS_CLIENT_CONFIG_FILE="$T/clouds.yaml" -- --os-cloud sbx find "$VOL1" --json
[ "$(json_get "$O/cloud-find-json.out" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
	pass "clouds.yaml with a password authenticates" || fail "clouds.yaml with a password authenticates"
commands appcred "${no_os[@]}" OS_AUTH_URL="$OS_AUTH_URL" OS_AUTH_TYPE=v3applicationcredential \
	OS_APPLICATION_CREDENTIAL_ID="$APPID" OS_APPLICATION_CREDENTIAL_SECRET="$APPSECRET"
[ "$(json_get "$O/appcred-find-json.out" 'd["watchers"][0]["verdict"]')" = ORPHAN ] &&
	pass "an application credential authenticates" || fail "an application credential authenticates"
run keyring-flag -- --keyring "$D/keyring" --id admin find "$VOL1"

# --- errors: wrong passwords, and services whose error bodies echo every secret
commands wrongpw OS_PASSWORD="$WRONGPW"
grep -q 'UNKNOWN' "$O/wrongpw-find.out" && pass "wrong OS_PASSWORD: UNKNOWN, not a leak test of nothing" ||
	fail "wrong OS_PASSWORD gives UNKNOWN"
commands cloudbad "${no_os[@]}" OS_CLOUD=bad OS_CLIENT_CONFIG_FILE="$T/clouds.yaml"
commands appbad "${no_os[@]}" OS_AUTH_URL="$OS_AUTH_URL" OS_AUTH_TYPE=v3applicationcredential \
	OS_APPLICATION_CREDENTIAL_ID="$APPID" OS_APPLICATION_CREDENTIAL_SECRET="$APPSECRET-x"
# A server echoing a request: first, bare, the secrets this run holds (only rbdwho's
# own can be recognised bare; the message is cut at 200 characters, so they come
# first), then every secret in the shapes that name it.
ECHO="Request was {\"auth\": {\"password\": \"$REALPW\", \"secret\": \"$APPSECRET\"}}
X-Auth-Token: $TOKEN key=$KEY"
fault() {  # fault SERVICE STATUS [BARE]
	"$SB/osdata" "$D" fault "$1" "$(python3 -c 'import json,sys; print(json.dumps({"status": int(sys.argv[1]), "message": sys.argv[2]}))' "$2" "Error ${3:-} $KEY. $ECHO")" >/dev/null
}
fault nova 500 "$REALPW"
grep -qF -- "$REALPW" "$D/faults.json" && pass "the Nova fault echoes the password" ||
	fail "the Nova fault echoes the password"
commands nova500
grep -q 'HTTP 500' "$O/nova500-find.out" && pass "Nova's 500 reached the output" ||
	fail "Nova's 500 reached the output"
fault nova 500 "$APPSECRET"
commands nova500app "${no_os[@]}" OS_AUTH_URL="$OS_AUTH_URL" OS_AUTH_TYPE=v3applicationcredential \
	OS_APPLICATION_CREDENTIAL_ID="$APPID" OS_APPLICATION_CREDENTIAL_SECRET="$APPSECRET"
fault nova 401 "$REALPW"
commands nova401
"$SB/osdata" "$D" clear-faults >/dev/null
fault keystone 500 "$REALPW"
commands ks500
fault keystone 401 "$REALPW"
commands ks401
"$SB/osdata" "$D" clear-faults >/dev/null
fault cinder 500 "$REALPW"
commands cinder500
"$SB/osdata" "$D" clear-faults >/dev/null

# --- destroy: refused (Nova knows instance-00005ec4; a Nova 500 echoing secrets), done
run destroy-known -- destroy instance-00005ec4 --host localhost --yes
run destroy-known-json -- destroy instance-00005ec4 --host localhost --yes --json
[ "$(cat "$O/destroy-known.rc")" = 5 ] && pass "destroy of a known instance refused" ||
	fail "destroy of a known instance refused (exit $(cat "$O/destroy-known.rc"))"
fault nova 500 "$REALPW"
run destroy-500 -- destroy instance-00005ec3 --host localhost --yes
run destroy-500-json -- destroy instance-00005ec3 --host localhost --yes --json
[ "$(cat "$O/destroy-500.rc")" = 5 ] && pass "destroy refused when Nova answers 500" ||
	fail "destroy refused when Nova answers 500 (exit $(cat "$O/destroy-500.rc"))"
"$SB/osdata" "$D" clear-faults >/dev/null
run destroy-wrongpw OS_PASSWORD="$WRONGPW" -- destroy instance-00005ec3 --host localhost --yes
run destroy-orphan -- destroy instance-00005ec3 --host localhost --yes --json
[ "$(cat "$O/destroy-orphan.rc")" = 0 ] && pass "destroy of the orphan domain done" ||
	{ fail "destroy of the orphan domain done (exit $(cat "$O/destroy-orphan.rc"))"; cat "$O/destroy-orphan.err"; }
[ -s "$AUDIT" ] && pass "the audit log was written" || fail "the audit log was written"

# --- the greps: every output, the audit log, the stand-in's logs
files=("$O"/*.out "$O"/*.err "$AUDIT" "$D/openstack.log" "$D/log/openstack.out")
n=$(ls "$O"/*.out | wc -l)
[ "$n" -ge 60 ] && pass "$n command outputs to search" || fail "only $n command outputs to search"
leak() {  # leak WHAT VALUE
	local hits
	hits=$(grep -lF -- "$2" "${files[@]}" 2>/dev/null)
	if [ -z "$hits" ]; then
		pass "no $1 anywhere"
	else
		fail "$1 leaked into: $(echo $hits | sed "s|$T/||g; s|$D/||g")"
	fi
}
leak "cephx key" "$KEY"
leak "OS_PASSWORD" "$REALPW"
leak "wrong OS_PASSWORD" "$WRONGPW"
leak "clouds.yaml password" "$CLOUDBADPW"
leak "application credential secret" "$APPSECRET"
leak "live token" "$TOKEN"
hits=$(grep -lE -- "$TOKEN_RE" "${files[@]}" 2>/dev/null)
[ -z "$hits" ] && pass "no token-shaped value anywhere" ||
	fail "token-shaped value in: $(echo $hits | sed "s|$T/||g; s|$D/||g")"
finish
