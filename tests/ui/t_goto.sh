# ":" + a volume UUID jumps straight to the image from anywhere and opens its watchers.
test_main() {
	ui_start
	ui_wait 'volumes +9'
	ui_keys Down           # another pool selected first
	ui_wait 'vms: images'
	ui_keys :
	ui_type "$CLASSIC_VOL"
	ui_wait ":$CLASSIC_VOL"
	ui_keys Enter
	ui_wait "▶volume-9cd1ee91"
	ui_wait '▶127\.0\.0\.1:.*ORPHAN'      # (a narrow pane cuts the nonce's middle)
	# pool/image form, and a miss
	ui_keys :
	ui_type "vms/${CLASSIC_INST}_disk"
	ui_keys Enter
	ui_wait "vms: images \\(1\\)"
	ui_wait "▶${CLASSIC_INST:0:8}"
	ui_keys :
	ui_type 'nosuchpool/nosuchimage'
	ui_keys Enter
	ui_wait 'goto: pool .nosuchpool. does not exist'
}
