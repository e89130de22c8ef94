# the blocklist dialog end to end on a dead holder: a real qemu holds a real RBD
# image and is SIGKILLed, so its watch lingers (the OSD would time it out; the
# test makes that 10 minutes so only the blocklist can end it). B on the
# watcher: the dialog names the address, client, every image it watches and
# the gate "dead"; the dry run shows the manual command; a wrong address is
# refused (audited, nothing fenced); the right one blocklists it: the dialog
# says the watch is gone, Ceph lists the entry, the watchers pane is empty.
# X then deletes the volume the blocklist freed, through Cinder (the stand-in).
# Then F lists the entry and u removes it (the undo), audited.
BL_T="" BL_ADDR="" BL_TIMEOUT_SET=0

bl_cleanup() {
	local rc=$?
	set +e  # every step runs, whatever the one before did
	ui_stop
	[ -n "$BL_ADDR" ] && ceph osd blocklist rm "$BL_ADDR" >/dev/null 2>&1
	[ -n "${BL_PID:-}" ] && kill -KILL "$BL_PID" 2>/dev/null
	[ "$BL_TIMEOUT_SET" = 1 ] && ceph config rm osd osd_client_watch_timeout >/dev/null 2>&1
	rbd rm "$BL_IMG" >/dev/null 2>&1
	"$SANDBOX_BIN/osdata" "$SANDBOX" rm-volume "$BL_VOL" >/dev/null 2>&1
	[ -n "$BL_T" ] && rm -rf "$BL_T"
	exit "$rc"
}

bl_setup() {
	BL_T=$(mktemp -d /tmp/rbdwho-ui-blocklist.XXXXXX)
	BL_NAME=instance-0000b10c
	BL_INST=b10c0000-1111-4222-8333-$(printf '%012x' $((RANDOM * RANDOM)))
	BL_VOL=b10cb10c-1111-4222-8333-$(printf '%012x' $((RANDOM * RANDOM)))
	BL_IMG=volumes/volume-$BL_VOL
	AUDIT=$BL_T/audit.log
	sed -e "s|^audit_log *=.*|audit_log = $AUDIT|" "$RBDWHO_CONFIG" >"$BL_T/rbdwho.conf"
	grep -qxF "audit_log = $AUDIT" "$BL_T/rbdwho.conf" || ui_fail "config: audit_log not set"
	# the watch of a dead client must outlive the test unless rbdwho ends it
	ceph config set osd osd_client_watch_timeout 600 >/dev/null
	BL_TIMEOUT_SET=1
	rbd create "$BL_IMG" --size 16M
	"$SANDBOX_BIN/osdata" "$SANDBOX" add-volume "$BL_VOL" --status available >/dev/null
	BL_PID=$("$SANDBOX_BIN/hold" "$SANDBOX" "$BL_IMG" --name "$BL_NAME" --uuid "$BL_INST" 2>"$BL_T/hold.log") ||
		{ cat "$BL_T/hold.log" >&2; return 1; }
	BL_ADDR=$(rbd status "$BL_IMG" --format json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["watchers"][0]["address"])')
	kill -KILL "$BL_PID"
	local i
	for ((i = 0; i < 50; i++)); do kill -0 "$BL_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$BL_PID" 2>/dev/null && ui_fail "qemu $BL_PID survived SIGKILL"
	BL_PID=""
	[ "$(nwatchers)" = 1 ] || ui_fail "the dead qemu's watch did not linger"
}

nwatchers() {
	rbd status "$BL_IMG" --format json |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))'
}

cinder_has() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if any(v.get("id") == sys.argv[2] for v in d["volumes"]) else 1)' \
		"$SANDBOX/openstack.json" "$1"
}

blocklisted() {
	ceph osd blocklist ls 2>/dev/null | grep -qF "$BL_ADDR"
}

last_audit() {
	tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

test_main() {
	trap bl_cleanup EXIT
	bl_setup
	local re_addr=${BL_ADDR//./\\.}
	ui_start --config "$BL_T/rbdwho.conf" --goto "$BL_VOL"
	ui_wait " DEAD" 200                               # the watcher, resolved: no process holds it

	# the plan: the address, every image it watches, the gate
	ui_keys B
	ui_wait 'Blocklist a Ceph client'
	ui_wait "address +$re_addr"
	ui_wait "watches +${BL_IMG//./\\.} +DEAD" 200
	ui_wait 'gate +dead: '
	ui_wait 'expiry +1 h \(3600 s'
	ui_wait 'Type the address to blocklist it'
	# the dry run: the manual command, nothing done
	ui_keys C-d
	ui_wait "ceph osd blocklist add $re_addr 3600"
	blocklisted && ui_fail "dry run: the address was blocklisted"
	ui_keys C-d

	# a wrong address is refused: nothing fenced, the watch stays, audited
	ui_type "${BL_ADDR}9"
	ui_keys Enter
	ui_wait 'Refused: the typed confirmation does not match'
	blocklisted && ui_fail "wrong address: blocklisted"
	[ "$(nwatchers)" = 1 ] || ui_fail "wrong address: the watch is gone"
	[ "$(last_audit outcome)" = refused ] || ui_fail "wrong address: audit says $(last_audit outcome)"
	ui_keys Space
	ui_wait_gone 'Blocklist a Ceph client'

	# the right address: fenced, the watch gone, said in the dialog and the panes
	ui_keys B
	ui_wait 'Type the address to blocklist it' 200
	ui_type "$BL_ADDR"
	ui_keys Enter
	ui_wait "Blocklisted $re_addr\. The watch is gone" 300
	blocklisted || ui_fail "Ceph's blocklist lacks $BL_ADDR"
	[ "$(nwatchers)" = 0 ] || ui_fail "the watch is still listed"
	[ "$(last_audit outcome)" = blocklisted ] || ui_fail "audit says $(last_audit outcome)"
	[ "$(last_audit target)" = "$BL_ADDR" ] || ui_fail "audit target $(last_audit target)"
	ui_wait "watcher $re_addr is gone"             # the watchers pane, asked again

	# X goes on with the image the blocklist freed: Cinder and Ceph asked again
	ui_keys X
	ui_wait 'Delete the Cinder volume'
	ui_wait 'cinder +available \(asked just now\)' 200
	ui_wait 'watchers +none'
	ui_wait 'gate +allowed: '
	ui_keys C-d
	ui_wait "openstack volume delete $BL_VOL"
	ui_keys C-d
	ui_type "$BL_VOL"
	ui_keys Enter
	ui_wait "Deleted $BL_VOL\. Cinder no longer has it" 300
	cinder_has "$BL_VOL" && ui_fail "Cinder still has the volume"
	[ "$(last_audit action)" = delete-volume ] || ui_fail "audit action $(last_audit action)"
	[ "$(last_audit outcome)" = deleted ] || ui_fail "delete: audit says $(last_audit outcome)"
	ui_keys Space
	ui_wait_gone 'Delete the Cinder volume'

	# the fences view lists it; u removes it (typed), audited as unblocklisted
	ui_keys F
	ui_wait 'Fences: blocklist entries rbdwho made \(1\)'
	ui_wait "▶$re_addr"
	ui_keys u
	ui_wait 'Remove a blocklist entry'
	ui_wait 'Type the address to remove the entry'
	ui_type "$BL_ADDR"
	ui_keys Enter
	ui_wait "Removed the entry for $re_addr"
	blocklisted && ui_fail "the entry is still in Ceph's blocklist"
	[ "$(last_audit outcome)" = unblocklisted ] || ui_fail "undo: audit says $(last_audit outcome)"
	BL_ADDR=""
	ui_keys Space
	ui_wait 'Fences: blocklist entries rbdwho made \(0\)'
	ui_keys Escape
	ui_wait 'Watchers \(0\)'
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
