# "?" shows every key from the active keymap, including a rebinding from the config.
test_main() {
	local cfg="$SANDBOX/keys.conf"
	cp "$RBDWHO_CONFIG" "$cfg"
	printf '\n[keys]\nquit = x F10\n' >>"$cfg"
	ui_start --config "$cfg"
	ui_wait 'volumes: images'
	ui_keys '?'
	ui_wait 'Help: keys'
	ui_wait 'x, F10 +quit'
	ui_wait 'j, Down +down'
	ui_wait 'D +destroy'
	ui_wait 'filter +filter the focused pane'
	ui_keys Space
	ui_wait_gone 'Help: keys'
	ui_wait 'x quit'
	ui_keys x
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
