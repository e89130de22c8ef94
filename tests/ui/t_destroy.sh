# the destroy dialog end to end, on a real libvirt domain holding a real RBD image:
# ATTACHED (D says why not) → Nova forgets it, the dialog's fresh ask says ORPHAN →
# a wrong typed name is refused (domain runs, watcher stays, audit "refused") →
# the right name destroys it: the panes refresh, the watcher is gone, `rbd rm` works.
# Starts its own libvirtd when the sandbox has none, and stops what it started.
DESTROY_T="" DESTROY_LV=0 DESTROY_HELD=0

destroy_cleanup() {
	local rc=$?
	set +e  # every step runs, whatever the one before did
	ui_stop
	[ "$DESTROY_HELD" = 1 ] && "$SANDBOX_BIN/unhold" "$SANDBOX" "$DESTROY_NAME" >/dev/null 2>&1
	"$SANDBOX_BIN/osdata" "$SANDBOX" rm-server "$DESTROY_INST" >/dev/null 2>&1
	rbd rm "$DESTROY_IMG" >/dev/null 2>&1
	if [ "$DESTROY_LV" = 1 ]; then
		"$SANDBOX_BIN/libvirt-down" "$SANDBOX" >/dev/null 2>&1
		sed -i '/SANDBOX_LIBVIRT/d' "$SANDBOX/env"
	fi
	[ -n "$DESTROY_T" ] && rm -rf "$DESTROY_T"
	exit "$rc"
}

destroy_setup() {
	DESTROY_T=$(mktemp -d /tmp/rbdwho-ui-destroy.XXXXXX)
	DESTROY_NAME=instance-0000de57
	DESTROY_INST=de570000-1111-4222-8333-$(printf '%012x' $((RANDOM * RANDOM)))
	DESTROY_VOL=de57de57-1111-4222-8333-$(printf '%012x' $((RANDOM * RANDOM)))
	DESTROY_IMG=volumes/volume-$DESTROY_VOL
	AUDIT=$DESTROY_T/audit.log
	if ! grep -q SANDBOX_LIBVIRT_URI "$SANDBOX/env"; then
		"$SANDBOX_BIN/libvirt-up" "$SANDBOX" >"$DESTROY_T/lv.log" 2>&1 || { cat "$DESTROY_T/lv.log" >&2; return 1; }
		DESTROY_LV=1
	fi
	URI=$(. "$SANDBOX/env"; echo "$SANDBOX_LIBVIRT_URI")
	sed -e "s|^local_uri *=.*|local_uri = $URI|" -e "s|^audit_log *=.*|audit_log = $AUDIT|" \
		"$RBDWHO_CONFIG" >"$DESTROY_T/rbdwho.conf"
	grep -qxF "local_uri = $URI" "$DESTROY_T/rbdwho.conf" || ui_fail "config: local_uri not set"
	rbd create "$DESTROY_IMG" --size 16M
	"$SANDBOX_BIN/hold" "$SANDBOX" "$DESTROY_IMG" --name "$DESTROY_NAME" --uuid "$DESTROY_INST" \
		--libvirt >"$DESTROY_T/hold.log" 2>&1 || { cat "$DESTROY_T/hold.log" >&2; return 1; }
	DESTROY_HELD=1
	"$SANDBOX_BIN/osdata" "$SANDBOX" add-server "$DESTROY_INST" "$DESTROY_NAME" >/dev/null
}

domain_runs() {
	virsh -q -c "$URI" list --name | grep -qxF "$DESTROY_NAME"
}

nwatchers() {
	rbd status "$DESTROY_IMG" --format json |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["watchers"]))'
}

last_audit() {
	tail -n 1 "$AUDIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

test_main() {
	trap destroy_cleanup EXIT
	destroy_setup
	ui_start --config "$DESTROY_T/rbdwho.conf" --goto "$DESTROY_VOL"
	ui_wait "▶$DESTROY_NAME +ATTACHED"
	ui_keys Tab                                  # watchers → holders

	# (d) ATTACHED: the dialog names the domain and says why it will not destroy it
	ui_keys D
	ui_wait 'Destroy libvirt domain'
	ui_wait "domain +$DESTROY_NAME"
	ui_wait 'Verdict ATTACHED: only ORPHAN holders can be destroyed here'
	ui_wait 'start rbdwho with --force'
	ui_screen | grep -q 'Type the domain name' && ui_fail "ATTACHED: confirm offered"
	ui_keys Escape
	ui_wait_gone 'Destroy libvirt domain'
	domain_runs || ui_fail "ATTACHED: the domain was stopped"

	# Nova forgets the instance; the pane still says ATTACHED (cached), the
	# dialog asks again and sees the 404
	"$SANDBOX_BIN/osdata" "$SANDBOX" rm-server "$DESTROY_INST" >/dev/null
	ui_wait "▶$DESTROY_NAME +ATTACHED"
	ui_keys D
	ui_wait 'nova +404: gone \(asked just now\)'
	ui_wait "uuid +$DESTROY_INST"
	ui_wait 'host +'
	ui_wait 'libvirt +qemu\+unix:///system'
	ui_wait '\((running|paused)\)'             # the state, re-read from libvirt
	ui_wait "volumes +$DESTROY_IMG"
	ui_wait 'verdict +ORPHAN'
	ui_wait 'Type the domain name to destroy it'

	# (a) a wrong name is refused: still running, watcher still there, audited
	ui_type "${DESTROY_NAME}x"
	ui_keys Enter
	ui_wait 'Refused: '
	domain_runs || ui_fail "wrong name: the domain was stopped"
	[ "$(nwatchers)" = 1 ] || ui_fail "wrong name: the watcher is gone"
	[ "$(last_audit outcome)" = refused ] || ui_fail "wrong name: audit says $(last_audit outcome)"
	[ "$(last_audit domain)" = "$DESTROY_NAME" ] || ui_fail "wrong name: audit domain"
	ui_keys Space
	ui_wait_gone 'Destroy libvirt domain'

	# Esc cancels without a word to libvirt or the audit log
	local n=$(wc -l <"$AUDIT")
	ui_keys D
	ui_wait 'Type the domain name to destroy it'
	ui_type "$DESTROY_NAME"
	ui_keys Escape
	ui_wait 'destroy cancelled'
	domain_runs || ui_fail "Esc: the domain was stopped"
	[ "$(wc -l <"$AUDIT")" = "$n" ] || ui_fail "Esc: an audit record was written"

	# (b) the right name destroys it; the panes refresh and show the watcher gone
	ui_keys D
	ui_wait 'Type the domain name to destroy it'
	ui_type "$DESTROY_NAME"
	ui_keys Enter
	ui_wait "Destroyed $DESTROY_NAME" 100
	# the outcome still names what was destroyed, and what it held
	ui_wait "volumes +${DESTROY_IMG//./\\.}"
	ui_keys Space
	ui_wait 'Watchers \(0\)'
	ui_wait 'no watchers'
	ui_wait 'watcher 127\.0\.0\.1:0/[0-9]+ is gone'
	[ "$(last_audit outcome)" = destroyed ] || ui_fail "audit says $(last_audit outcome)"
	domain_runs && ui_fail "the domain still runs"
	rbd rm "$DESTROY_IMG" >/dev/null 2>&1 || ui_fail "rbd rm failed after the destroy"
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
