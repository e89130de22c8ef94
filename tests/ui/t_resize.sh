# the layout follows the terminal: 80x24 still works, a tiny one says so.
test_main() {
	ui_start
	ui_wait 'volumes: images \(9\)'
	ui_resize 80 24
	ui_wait '┌ Pools \(4\)'
	ui_wait 'q quit'
	# display columns, not bytes (mawk's length() counts bytes: ─ is 3)
	local widest=$(ui_screen | LC_ALL=C.UTF-8 wc -L)
	[ "$widest" -le 80 ] || ui_fail "a line is $widest columns wide"
	ui_resize 50 12
	ui_wait 'terminal too small'
	ui_resize 120 40
	ui_wait 'volumes: images \(9\)'
	ui_wait_gone 'too small'
}
