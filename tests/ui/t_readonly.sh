# --read-only removes destroy: not in the hints, not in help, and D refuses.
test_main() {
	ui_start --read-only --goto "$CLASSIC_VOL"
	ui_wait 'read-only'
	ui_wait '▶127\.0\.0\.1.*ORPHAN'
	ui_screen | grep -q 'D destroy' && ui_fail "the hint line offers destroy"
	ui_keys Tab
	ui_wait "▶$CLASSIC_NAME"
	ui_keys D
	ui_wait 'read-only mode: destroy is not available'
	ui_screen | grep -q 'Destroy libvirt domain' && ui_fail "a dialog opened"
	ui_keys '?'
	ui_wait 'Read-only mode'
	ui_screen | grep -Eq '^ *│? *D +destroy' && ui_fail "help lists destroy"
	true
}
