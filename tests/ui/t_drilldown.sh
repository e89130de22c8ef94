# drill-down to the classic case's ORPHAN with the keyboard: pool, image, watcher, holder.
test_main() {
	ui_start
	ui_wait 'volumes: images \(9\)'
	ui_keys Enter          # into the images
	ui_keys G              # the classic volume sorts last
	ui_wait "▶volume-9cd1ee91"
	ui_wait '●1'
	ui_keys Enter          # watchers
	ui_wait 'Watchers \(1\)'
	ui_keys Enter          # holders
	ui_wait "▶$CLASSIC_NAME +ORPHAN"
	ui_wait 'nova +404'
	ui_wait 'verdict +ORPHAN: Nova answered 404'
	ui_wait 'key=<redacted>|conf=' 5
	ui_keys Left Left
	ui_wait 'Details'
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
