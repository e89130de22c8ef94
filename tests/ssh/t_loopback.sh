#!/usr/bin/env bash
# t_loopback.sh — rbdwho's ssh against a real sshd this test starts on
# 127.0.0.1 (own host key, authorized_keys, client key and ssh config): a
# remote process is found with its pid; a changed host key is refused (and
# known_hosts left alone); an unknown key is refused; a password-only server
# fails fast; a refused port fails fast; a host that hangs mid-answer meets the
# deadline; and no ssh is left after any run. Exit 0 pass, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
RBDWHO=${RBDWHO:-$top/rbdwho}
. "$top/tests/integration/lib.sh"
[ -x /usr/sbin/sshd ] || { echo "  skip: no sshd"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "  skip: needs root (sshd privilege separation)"; exit 77; }

D=$(mktemp -d /tmp/rbdwho-sshtest.XXXXXX)
SSHD_PID="" HOLDER_PID=""
cleanup() {
  if [ -n "$HOLDER_PID" ]; then
    for k in $(ps -o pid= --ppid "$HOLDER_PID" 2>/dev/null); do kill "$k" 2>/dev/null; done
    kill "$HOLDER_PID" 2>/dev/null
  fi
  if [ -n "$SSHD_PID" ]; then
    # the listener and every session it forked (the hanging one too)
    local kids; kids=$(ps -o pid= --ppid "$SSHD_PID" 2>/dev/null)
    for k in $kids; do for g in $(ps -o pid= --ppid "$k" 2>/dev/null); do
      for h in $(ps -o pid= --ppid "$g" 2>/dev/null); do kill "$h" 2>/dev/null; done
      kill "$g" 2>/dev/null; done; kill "$k" 2>/dev/null; done
    kill "$SSHD_PID" 2>/dev/null
  fi
  rm -rf "$D"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port); PH=$(free_port); PP=$(free_port); PC=$(free_port); PB=$(free_port); PE=$(free_port)
ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey" -C host
ssh-keygen -q -t ed25519 -N '' -f "$D/otherkey" -C other
ssh-keygen -q -t ed25519 -N '' -f "$D/id" -C client
cp "$D/id.pub" "$D/authorized_keys"
mkdir -p /run/sshd
cat > "$D/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $P
Port $PH
Port $PP
Port $PB
Port $PE
HostKey $D/hostkey
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
LogLevel ERROR
Match LocalPort $PH
  ForceCommand printf 'RBDWHO-PROCS 1\nT 100\n'; exec sleep 120
Match LocalPort $PB
  ForceCommand printf 'RBDWHO-PROCS 1\nP 1\nA '; head -c 104857600 /dev/zero | tr '\\0' a
Match LocalPort $PE
  ForceCommand printf 'RBDWHO-PROCS 1\n\033]0;pwned\007\033[2J\377\376\nP 9\nS 9 (\033[31mx) R\nEND\n' >&2; printf '\033]0;pwned\007\033[2J\nEND\n'
Match LocalPort $PP
  PermitRootLogin yes
  PasswordAuthentication yes
  KbdInteractiveAuthentication yes
  AuthenticationMethods password
CONF
/usr/sbin/sshd -D -f "$D/sshd_config" -E "$D/sshd.log" &
SSHD_PID=$!
for _ in $(seq 100); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$P" 2>/dev/null && break
  kill -0 "$SSHD_PID" 2>/dev/null || break
  python3 -c 'import time; time.sleep(0.05)'   # poll interval, bounded by the loop
done
kill -0 "$SSHD_PID" 2>/dev/null || { echo "  FAIL sshd did not start"; cat "$D/sshd.log"; exit 1; }

read -r kt kb _ < "$D/hostkey.pub"
read -r ot ob _ < "$D/otherkey.pub"
{ for port in "$P" "$PH" "$PP" "$PB" "$PE"; do printf '[127.0.0.1]:%s %s %s\n' "$port" "$kt" "$kb"; done
  printf 'changed-alias %s %s\n' "$ot" "$ob"; } > "$D/known_hosts"
cat > "$D/ssh_config" <<CONF
Host *
  HostName 127.0.0.1
  User root
  IdentityFile $D/id
  IdentitiesOnly yes
  UserKnownHostsFile $D/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
Host lo
  Port $P
Host hang
  Port $PH
Host pwonly
  Port $PP
Host big
  Port $PB
Host escapes
  Port $PE
Host changed
  Port $P
  HostKeyAlias changed-alias
Host unknown
  Port $P
  HostKeyAlias nobody-knows
Host closed
  Port $PC
CONF
printf '[general]\naudit_log = %s\nsyslog = no\n[ssh]\nconfig = %s\n[uris]\nlo = test:///default\n' \
  "$D/audit.log" "$D/ssh_config" > "$D/rbdwho.conf"
known_before=$(sha256sum < "$D/known_hosts")
# rbdwho's private ssh directories go here, so that the test sees they are removed
mkdir "$D/t"
export TMPDIR=$D/t

# a holder on the "remote" host: a "qemu" (python under that name) naming an image
U=$(new_uuid)
ln -s "$(readlink -f /usr/bin/python3)" "$D/qemu-system-x86_64"
"$D/qemu-system-x86_64" -c 'import time; time.sleep(300)' -name guest=instance-lo -uuid "$U" \
  -drive "file=rbd:volumes/volume-$U:id=admin" &
HOLDER_PID=$!

no_ssh_left() {  # no ssh with this test's config in its argv survives rbdwho, no private dir
  ! ps -eo args= | grep -F -- "$D/ssh_config" | grep -v grep >/dev/null &&
    [ -z "$(ls -A "$D/t")" ]
}

# rw HOST [timeout]: runs procs --host, records exit status, stderr, seconds
rw() {
  local t0 t1
  t0=$(date +%s%N)
  "$RBDWHO" --config "$D/rbdwho.conf" --timeout "${2:-10}" procs --host "$1" --json \
    > "$D/out" 2> "$D/err"
  RC=$?
  t1=$(date +%s%N)
  SECS=$(( (t1 - t0) / 1000000000 ))
}

rw lo
if [ "$RC" = 0 ] && python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
ps=[p for p in d if p["pid"]==int(sys.argv[2])]
sys.exit(0 if ps and ps[0]["uuid"]==sys.argv[3] and ps[0]["kind"]=="qemu" else 1)' "$D/out" "$HOLDER_PID" "$U" 2>/dev/null; then
  pass "remote process found with its own pid ($HOLDER_PID)"
else fail "remote process found with its own pid (exit $RC: $(cat "$D/err"))"; fi
if no_ssh_left; then pass "no ssh and no private directory left after a good run"; else fail "no ssh and no private directory left after a good run ($(ls "$D/t"))"; fi

rw changed
if [ "$RC" = 4 ] && grep -q "HOST KEY CHANGED" "$D/err"; then pass "changed host key refused"
else fail "changed host key refused (exit $RC: $(cat "$D/err"))"; fi
if [ "$known_before" = "$(sha256sum < "$D/known_hosts")" ]; then pass "known_hosts untouched"
else fail "known_hosts untouched"; fi

rw unknown
if [ "$RC" = 4 ] && grep -q "not in known_hosts" "$D/err"; then pass "unknown host key refused"
else fail "unknown host key refused (exit $RC: $(cat "$D/err"))"; fi

rw pwonly 20
if [ "$RC" = 4 ] && [ "$SECS" -lt 10 ] && grep -q "authentication refused" "$D/err"; then
  pass "password-only server: refused in ${SECS}s, no prompt"
else fail "password-only server (exit $RC, ${SECS}s: $(cat "$D/err"))"; fi

rw closed
if [ "$RC" = 4 ] && [ "$SECS" -lt 5 ] && grep -q "connection refused" "$D/err"; then
  pass "closed port: refused in ${SECS}s"
else fail "closed port (exit $RC, ${SECS}s: $(cat "$D/err"))"; fi

rw hang 2
if [ "$RC" = 4 ] && [ "$SECS" -lt 6 ] && grep -q "timeout" "$D/err"; then
  pass "host hanging mid-answer: deadline met (${SECS}s)"
else fail "host hanging mid-answer (exit $RC, ${SECS}s: $(cat "$D/err"))"; fi
rw big 30
if [ "$RC" = 4 ] && [ "$SECS" -lt 20 ] && grep -q "answer larger than" "$D/err"; then
  pass "100 MiB answer: cut at the cap, refused (${SECS}s)"
else fail "100 MiB answer (exit $RC, ${SECS}s: $(head -c 300 "$D/err"))"; fi
rw escapes
if [ "$RC" = 4 ] && ! grep -q $'\033' "$D/err" "$D/out" && ! grep -q $'\377' "$D/err" "$D/out"; then
  pass "escape sequences and invalid UTF-8 from a host stay inert"
else fail "hostile bytes reached the output (exit $RC: $(od -c "$D/err" | head -5))"; fi
if no_ssh_left; then pass "no ssh left after the failures"; else fail "no ssh left after the failures"; fi

# SIGTERM in the middle of a hung answer: the ssh children go with rbdwho
"$RBDWHO" --config "$D/rbdwho.conf" --timeout 60 procs --host hang >/dev/null 2>&1 &
RW=$!
for _ in $(seq 200); do
  ps -o args= --ppid "$RW" 2>/dev/null | grep -q -- "sh -s" && break
  python3 -c 'import time; time.sleep(0.05)'
done
kill -TERM "$RW"; wait "$RW" 2>/dev/null
for _ in $(seq 40); do no_ssh_left && break; python3 -c 'import time; time.sleep(0.05)'; done
if no_ssh_left; then pass "SIGTERM: no ssh and no private directory left"; else fail "SIGTERM: no ssh and no private directory left ($(ls "$D/t"))"; fi

# destroy a plain qemu libvirt does not manage, over ssh
DST=("$RBDWHO" --config "$D/rbdwho.conf" --no-openstack --timeout 10 destroy instance-lo --host lo)
"${DST[@]}" --dry-run > "$D/out" 2>&1
if grep -q "kill -TERM $HOLDER_PID" "$D/out" && kill -0 "$HOLDER_PID" 2>/dev/null && [ ! -s "$D/audit.log" ]; then
  pass "destroy --dry-run prints the manual command, does nothing, audits nothing"
else fail "destroy --dry-run ($(cat "$D/out"))"; fi
expect_exit 5 "destroy --read-only refused" "${DST[@]}" --yes --force --read-only
expect_exit 5 "destroy of an UNKNOWN holder refused without --force" "${DST[@]}" --yes
kill -0 "$HOLDER_PID" 2>/dev/null && pass "still running after the refusals" || fail "still running after the refusals"
"${DST[@]}" --yes --force > "$D/out" 2>&1; RC=$?
if [ "$RC" = 0 ] && grep -q "terminated instance-lo (pid $HOLDER_PID) on lo" "$D/out" && ! kill -0 "$HOLDER_PID" 2>/dev/null; then
  pass "destroy --force: remote qemu terminated (pid $HOLDER_PID gone)"
else fail "destroy --force (exit $RC: $(cat "$D/out"))"; fi
if grep -q '"action":"terminate"' "$D/audit.log" && grep -q "\"outcome\":\"destroyed\"" "$D/audit.log"; then
  pass "terminate audited"; else fail "terminate audited ($(cat "$D/audit.log" 2>&1))"; fi
expect_exit 3 "destroy of a gone process: not found" "${DST[@]}" --yes --force
if no_ssh_left; then pass "no ssh left after destroy"; else fail "no ssh left after destroy"; fi

expect_exit 2 "unsafe host name is a usage error" "$RBDWHO" --config "$D/rbdwho.conf" procs --host "-oProxyCommand=touch $D/pwned"
[ -e "$D/pwned" ] && fail "unsafe host name ran nothing" || pass "unsafe host name ran nothing"
finish
