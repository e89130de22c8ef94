# "/" filters the focused pane as you type, case-insensitively; Esc clears it.
test_main() {
	ui_start
	ui_wait 'volumes: images \(9\)'
	ui_keys Tab
	ui_keys /
	ui_type 9CD1
	ui_wait 'images \(9, 1 shown\)'
	ui_wait '▶volume-9cd1ee91'
	ui_wait_gone 'volume-00000001'
	ui_keys Enter
	ui_wait '1 shown\) /9CD'    # the filter stays after Enter (the title may clip it)
	ui_keys Escape
	ui_wait 'volume-00000001'
	ui_wait_gone '1 shown'
}
