# the layout follows the terminal: 80x24 still works, a tiny one says so.
test_main() {
	ui_start
	ui_wait 'volumes: images \(9\)'
	tmux resize-window -t "$UI_SESSION" -x 80 -y 24
	ui_wait '┌ Pools \(4\)'
	ui_wait 'q quit'
	ui_screen | awk 'length($0) > 80 { bad = 1 } END { exit bad }' || ui_fail "a line is wider than 80"
	tmux resize-window -t "$UI_SESSION" -x 50 -y 12
	ui_wait 'terminal too small'
	tmux resize-window -t "$UI_SESSION" -x 120 -y 40
	ui_wait 'volumes: images \(9\)'
	ui_wait_gone 'too small'
}
