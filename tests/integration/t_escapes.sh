#!/usr/bin/env bash
# Names are data, never terminal commands. An image name, a Cinder volume name, a
# Nova server name and a libvirt domain name carry ESC [ 2 J (clear screen), an
# OSC 52 clipboard write, BEL, C1 CSI (U+009B, and a raw 0x9b byte where the name
# is bytes), bidi overrides; find/scan/procs text output must hold none of them raw,
# and --json must be valid UTF-8 JSON that carries them escaped (\u001b).
set -u
. "$(dirname "$0")/lib.sh"
SB=$(cd "$(dirname "$0")/../sandbox" && pwd)
D=${SANDBOX_DIR:?SANDBOX_DIR not set: run through tests/integration/run.sh}
[ -x "${RBDWHO:-}" ] || { echo "  FAIL  no rbdwho binary at '${RBDWHO:-}'"; exit 1; }

T=$(mktemp -d /tmp/rbdwho-escapes.XXXXXX)
ESC=$'\e' BEL=$'\a'
# ESC [2J, OSC 52 "set clipboard" ended by BEL, C1 CSI as UTF-8 and as a raw byte.
EVIL="${ESC}[2J${ESC}]52;c;ZXZpbA==${BEL}$(printf '\xc2\x9b')31m$(printf '\x9b')0m"
IMG="volumes/evil${EVIL}x"
VOL=$(new_uuid) INST=$(new_uuid) INST2=$(new_uuid) INST3=$(new_uuid)
N1=instance-0000e5c1 N2=instance-0000e5c2
held=()
cleanup() {
	for n in "${held[@]}"; do "$SB/unhold" "$D" "$n" >/dev/null 2>&1; done
	"$SB/osdata" "$D" rm-server "$INST" >/dev/null 2>&1
	"$SB/osdata" "$D" rm-volume "$VOL" >/dev/null 2>&1
	rbd rm "$IMG" >/dev/null 2>&1
	rbd rm "volumes/volume-$VOL" >/dev/null 2>&1
	[ -n "${KEEP_T:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

# --- the hostile names: an image, a Cinder volume, a Nova server, a libvirt domain
rbd create --size 64 "$IMG" && rbd create --size 64 "volumes/volume-$VOL" ||
	{ fail "rbd create with a hostile name"; finish; exit 1; }
rbd ls volumes | grep -qF "${ESC}[2J" && pass "Ceph keeps ESC in an image name" ||
	fail "Ceph keeps ESC in an image name"
"$SB/osdata" "$D" add-server "$INST" "srv${EVIL}" --instance-name "$N2" >/dev/null
"$SB/osdata" "$D" add-volume "$VOL" --name "vol${EVIL}" --status in-use --attach "$INST" >/dev/null
for h in "$IMG $N1 $INST3" "volumes/volume-$VOL $N2 $INST"; do
	set -- $h
	"$SB/hold" "$D" "$1" --name "$2" --uuid "$3" >"$T/hold-$2.log" 2>&1 && held+=("$2") ||
		{ fail "hold $2"; cat "$T/hold-$2.log"; finish; exit 1; }
done
# XML 1.0 cannot hold ESC or BEL, so the domain name carries what it can: C1 CSI
# (U+009B), U+0085 (NEL), a right-to-left override (U+202E).
DOM="dom$(printf '\xc2\x9b')31m$(printf '\xc2\x85')x$(printf '\xe2\x80\xae')gpj.exe"
cat >"$T/node.xml" <<EOF
<node>
  <domain type='test'>
    <name>$DOM</name>
    <uuid>$INST2</uuid>
    <memory>65536</memory>
    <os><type>hvm</type></os>
    <devices>
      <disk type='network' device='disk'>
        <source protocol='rbd' name='volumes/volume-$VOL'><host name='127.0.0.1'/></source>
        <target dev='vda' bus='virtio'/>
      </disk>
    </devices>
  </domain>
</node>
EOF
sed -e "s|^local_uri *=.*|local_uri = test://$T/node.xml|" "$D/rbdwho.conf" >"$T/rbdwho.conf"
export RBDWHO_CONFIG=$T/rbdwho.conf

run() {  # run NAME ARGS…: stdout to $T/NAME.out, stderr to $T/NAME.err
	local name=$1; shift
	"$RBDWHO" "$@" >"$T/$name.out" 2>"$T/$name.err"
	echo $? >"$T/$name.rc"
}
run find-img find "$IMG"
run find-img-json find "$IMG" --json
run find-vol find "$VOL"
run find-vol-json find "$VOL" --json
run scan scan volumes
run scan-json scan volumes --json
run procs procs
run procs-json procs --json
run notfound find "volumes/nope${EVIL}"
for n in find-img find-vol scan procs find-img-json find-vol-json scan-json procs-json; do
	[ "$(cat "$T/$n.rc")" = 0 ] && pass "$n exits 0" || { fail "$n exits 0 (got $(cat "$T/$n.rc"))"; cat "$T/$n.err"; }
done

# inert FILE…: the code points a terminal acts on, as a list; empty when none.
inert() {
	python3 - "$@" <<'EOF'
import sys
for path in sys.argv[1:]:
    text = open(path, "rb").read().decode("utf-8", "surrogateescape")
    bad = sorted({"U+%04X" % ord(c) for c in text
                  if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
                  or 0xdc80 <= ord(c) <= 0xdcff  # a byte that is not UTF-8
                  or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069
                  or ord(c) in (0x2028, 0x2029)})
    if bad:
        print("%s: %s" % (path.rsplit("/", 1)[-1], " ".join(bad)))
EOF
}
for n in find-img find-vol scan procs notfound; do
	bad=$(inert "$T/$n.out" "$T/$n.err")
	[ -z "$bad" ] && pass "$n: text output inert" || fail "$n: raw controls in $bad"
done
LC_ALL=C grep -qP '\x1b|\x07|\x9b' "$T/find-img.out" "$T/scan.out" "$T/procs.out" &&
	fail "grep -P finds ESC/BEL/0x9b in text output" || pass "grep -P finds no ESC/BEL/0x9b in text output"
# The text still names the hostile things, visibly escaped.
grep -qF 'evil\e[2J\e]52;c;ZXZpbA==' "$T/find-img.out" && pass "find shows the image name escaped (\\e)" ||
	fail "find shows the image name escaped (\\e)"
grep -qF 'evil\e[2J' "$T/scan.out" && pass "scan shows the image name escaped" ||
	fail "scan shows the image name escaped"
grep -qF 'evil\e[2J' "$T/procs.out" && pass "procs shows the image name escaped" ||
	fail "procs shows the image name escaped"

for n in find-img-json find-vol-json scan-json procs-json; do
	bad=$(inert "$T/$n.out")
	[ -z "$bad" ] && pass "$n: JSON bytes inert" || fail "$n: raw controls in $bad"
	python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$T/$n.out" 2>/dev/null &&
		pass "$n: valid UTF-8 JSON" || fail "$n: valid UTF-8 JSON"
done
grep -qF '\u001b[2J\u001b]52;c;ZXZpbA==\u0007\u009b31m' "$T/find-img-json.out" &&
	pass "JSON carries the image name escaped (\\u001b, \\u0007, \\u009b)" ||
	fail "JSON carries the image name escaped (\\u001b, \\u0007, \\u009b)"
# json_has FILE NEEDLE: some string in the document contains NEEDLE (Python escapes).
json_has() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
needle = sys.argv[2].encode().decode("unicode_escape")
def strings(v):
    if isinstance(v, str): yield v
    elif isinstance(v, dict):
        for x in v.values(): yield from strings(x)
    elif isinstance(v, list):
        for x in v: yield from strings(x)
sys.exit(0 if any(needle in s for s in strings(json.load(open(sys.argv[1])))) else 1)
EOF
}
json_has "$T/find-vol-json.out" 'srv\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m' &&
	pass "JSON: the Nova server name arrives whole" || fail "JSON: the Nova server name arrives whole"
json_has "$T/find-vol-json.out" 'vol\x1b[2J' &&
	pass "JSON: the Cinder volume name arrives whole" || fail "JSON: the Cinder volume name arrives whole"
json_has "$T/find-vol-json.out" 'dom\x9b31m\x85x\u202egpj.exe' &&
	pass "JSON: the domain name arrives whole" || fail "JSON: the domain name arrives whole"
grep -qF 'dom\x9b31m' "$T/find-vol.out" || grep -qF 'dom\xc2\x9b31m' "$T/find-vol.out" &&
	pass "find shows the domain name escaped" || fail "find shows the domain name escaped"
finish
