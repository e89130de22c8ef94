# Nova hangs 20 s: the holder pane spins, yet keys move the cursor and q quits at once.
test_main() {
	"$SANDBOX_BIN/osdata" "$SANDBOX" fault nova '{"delay_ms":20000}' >/dev/null
	ui_start --goto "$CLASSIC_VOL"
	ui_wait 'Watchers \(1\)'
	ui_wait '[0-9]+ jobs?'                     # the resolve is stuck in Nova
	ui_keys Left                               # images pane
	ui_keys Up
	ui_wait '▶volume-00000008'
	ui_keys Up Up
	ui_wait '▶volume-00000006'
	local t0=$(date +%s%N)
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 30
	local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "    quit took ${ms} ms with Nova hung" >&2
	[ "$ms" -lt 2500 ] || ui_fail "quit took ${ms} ms"
}
