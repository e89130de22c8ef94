# the orphan scan view: `o` on a pool holding an orphan (the classic case) and an
# attached holder (Nova knows it): a progress line while it runs (Nova made slow so
# "scanning" is on screen for a while), then the results, ORPHAN first; Enter on
# a result opens that image's watchers; Esc leaves; `O` scans every pool.
SCAN_HELD=0 SCAN_NAME=instance-00005ca2
SCAN_INST=5ca20000-1111-4222-8333-00000000a77a
SCAN_VOL=5ca25ca2-1111-4222-8333-00000000a77a

scan_cleanup() {
	local rc=$?
	set +e
	ui_stop
	"$SANDBOX_BIN/osdata" "$SANDBOX" clear-faults >/dev/null 2>&1
	[ "$SCAN_HELD" = 1 ] && "$SANDBOX_BIN/unhold" "$SANDBOX" "$SCAN_NAME" >/dev/null 2>&1
	"$SANDBOX_BIN/osdata" "$SANDBOX" rm-server "$SCAN_INST" >/dev/null 2>&1
	rbd rm "volumes/volume-$SCAN_VOL" >/dev/null 2>&1
	exit "$rc"
}

# scan_rows: the result rows of the scan view, in screen order, verdict and image.
scan_rows() {
	ui_screen | grep -Eo '(ORPHAN|UNKNOWN|ATTACHED) +[a-z.]+/[^ ]+' | awk '{print $1, $2}'
}

test_main() {
	trap scan_cleanup EXIT
	rbd create "volumes/volume-$SCAN_VOL" --size 8M
	"$SANDBOX_BIN/hold" "$SANDBOX" "volumes/volume-$SCAN_VOL" --name "$SCAN_NAME" \
		--uuid "$SCAN_INST" >/dev/null
	SCAN_HELD=1
	"$SANDBOX_BIN/osdata" "$SANDBOX" add-server "$SCAN_INST" "$SCAN_NAME" >/dev/null
	"$SANDBOX_BIN/osdata" "$SANDBOX" fault nova '{"delay_ms":1500}' >/dev/null

	ui_start
	ui_wait 'volumes: images \(10\)'
	ui_keys o
	ui_wait 'Orphan scan: pool volumes: [0-9]+ orphans?, [0-9]+ unknown, [0-9]+ attached, scanning'
	ui_wait '[0-9]+/[0-9]+ images +[0-9]+/s +left'       # the progress line, while it runs
	ui_wait 'Orphan scan: pool volumes: 1 orphan, 0 unknown, 1 attached, done' 150
	ui_wait '10/10 images +[0-9]+/s +took [0-9]+s +2 with watchers'
	local rows
	rows=$(scan_rows)
	[ "$(echo "$rows" | wc -l)" = 2 ] || ui_fail "want 2 rows, got: $rows"
	[ "$(echo "$rows" | sed -n 1p)" = "ORPHAN volumes/volume-$CLASSIC_VOL" ] ||
		ui_fail "ORPHAN is not first: $rows"
	[ "$(echo "$rows" | sed -n 2p)" = "ATTACHED volumes/volume-$SCAN_VOL" ] ||
		ui_fail "ATTACHED is not second: $rows"
	ui_wait "$CLASSIC_NAME@"                               # the holder, named
	"$SANDBOX_BIN/osdata" "$SANDBOX" clear-faults >/dev/null

	# Enter on the second row (the attached one) opens its watchers
	ui_keys j Enter
	ui_wait_gone 'Orphan scan'
	ui_wait "▶volume-${SCAN_VOL:0:16}"
	ui_wait 'Watchers \(1\)'
	ui_wait "▶127\.0\.0\.1:.*ATTACHED"

	# O: every pool; Esc goes back to the panes as they were
	ui_keys O
	ui_wait 'Orphan scan: all pools: 1 orphan, 0 unknown, 1 attached, done' 150
	[ "$(scan_rows | sed -n 1p | cut -d' ' -f1)" = ORPHAN ] || ui_fail "all pools: ORPHAN not first"
	ui_keys Escape
	ui_wait_gone 'Orphan scan'
	ui_wait 'Watchers \(1\)'
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 20
}
