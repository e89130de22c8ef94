# start-up: the first frame appears at once, then pools and images fill in.
test_main() {
	ui_start
	ui_wait 'rbdwho' 20
	ui_wait 'Pools \(4\)'
	ui_wait 'volumes +9'
	ui_wait 'volumes: images \(9\)'
	ui_wait 'HEALTH_'
	ui_wait '/ filter .*q quit'
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
