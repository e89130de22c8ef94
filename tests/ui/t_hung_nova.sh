# Nova hangs 20 s: the holder pane spins, yet every key works — cursor moves,
# "/" filters, ":" goes elsewhere, "?" helps — and q quits at once. The
# holders pane says what it waits for: Nova.
test_main() {
	"$SANDBOX_BIN/osdata" "$SANDBOX" fault nova '{"delay_ms":20000}' >/dev/null
	ui_start --goto "$CLASSIC_VOL"
	ui_wait 'Watchers \(1\)'
	ui_wait '[0-9]+ jobs?'                     # the resolve is stuck in Nova
	ui_wait 'Holders \(0\) ⟳'
	ui_wait 'loading… asking Nova'             # the wait has a name
	ui_keys Left                               # images pane
	local ms
	ms=$(ui_latency '▶volume-00000008' Up)
	echo "    cursor moved in ${ms} ms with Nova hung" >&2
	[ "$ms" -lt 1000 ] || ui_fail "a cursor move took ${ms} ms"
	ui_keys Up Up
	ui_wait '▶volume-00000006'
	ui_keys /
	ui_type 00000003
	ui_wait 'images \(9, 1 shown\)'
	ui_keys Escape
	ui_wait_gone '1 shown'
	ui_keys '?'
	ui_wait 'Help: keys'
	ui_keys Space
	ui_wait_gone 'Help: keys'
	ui_keys :
	ui_type "vms/${CLASSIC_INST}_disk"
	ui_keys Enter
	ui_wait 'vms: images \(1\)'
	local t0=$(date +%s%N)
	ui_keys q
	ui_wait 'RBDWHO-EXITED rc=0' 30
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "    quit took ${ms} ms with Nova hung" >&2
	[ "$ms" -lt 2500 ] || ui_fail "quit took ${ms} ms"
}
