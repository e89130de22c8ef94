# Ceph's OSDs stop answering (`ceph osd pause`): a refresh hangs in librados, yet
# the cursor moves, "/" filters, ":" is accepted, and q quits at once.
hung_ceph_cleanup() {
	local rc=$?
	set +e
	ui_stop
	ceph osd unpause >/dev/null 2>&1
	exit "$rc"
}

test_main() {
	trap hung_ceph_cleanup EXIT
	ui_start
	ui_wait 'volumes: images \(9\)'
	ui_wait '140M ●1'                           # the first probe is done
	ceph osd pause >/dev/null 2>&1
	ui_keys Tab                                # images pane
	ui_keys r                                  # lists/probes the pool again: hangs on the OSD
	ui_wait '[0-9]+ jobs?'
	ui_keys Left                               # pools: still answer, they are the mon's
	local ms
	ms=$(ui_latency '▶vms' Down)
	echo "    cursor moved in ${ms} ms with the OSDs paused" >&2
	[ "$ms" -lt 1000 ] || ui_fail "a cursor move took ${ms} ms"
	ui_keys Up
	ui_wait '▶volumes'
	ui_keys /
	ui_type VMS
	ui_wait 'Pools \(4, 1 sh'                   # (the narrow title clips the rest)
	ui_wait_gone '│ volumes'
	ui_keys Escape
	ui_wait '│ volumes'
	ui_keys :
	ui_type "$CLASSIC_VOL"
	ui_keys Enter
	ui_wait "looking for $CLASSIC_VOL"
	ui_keys '?'
	ui_wait 'Help: keys'
	ui_keys Space
	ui_wait_gone 'Help: keys'
	ui_wait '[0-9]+ jobs?'                     # Ceph still hangs: all of the above ran meanwhile
	local t0=$(date +%s%N)
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 30
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "    quit took ${ms} ms with the OSDs paused" >&2
	[ "$ms" -lt 2500 ] || ui_fail "quit took ${ms} ms"
}
