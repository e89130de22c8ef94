#!/usr/bin/env bash
# The browser's fault matrix: a real rbdwho in tmux (tests/ui/lib.sh) against its
# own sandbox, with the terminal and the backends misbehaving — resize storms,
# tiny and dumb terminals, a C locale, a key flood, signals, no tty, a pool or an
# image deleted under it, Nova hung during a destroy. Each scenario checks: no
# crash, no hang, the terminal given back, a clear message, no wrong verdict.
# Prints the markdown matrix and "N passed, N failed". Usage: tests/faults/ui.sh [PATTERN]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SB=$TOP/tests/sandbox
export RBDWHO=${RBDWHO:-$TOP/rbdwho}
UI_BIN=$RBDWHO
. "$HERE/lib.sh"
. "$TOP/tests/ui/lib.sh"
ONLY=${1:-}

command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 2; }
[ -x "$RBDWHO" ] || { echo "build rbdwho first (make)" >&2; exit 2; }
D=$(mktemp -d /tmp/rbdwho-uifaults.XXXXXX)
W=$(mktemp -d /tmp/rbdwho-uifaults-work.XXXXXX)
LV=0
cleanup() {
	ui_stop
	[ "$LV" = 1 ] && "$SB/libvirt-down" "$D" >/dev/null 2>&1
	"$SB/down" "$D" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

"$SB/up" "$D" --pools "volumes vms images doomed" >"$W/up.log" 2>&1 ||
	{ cat "$W/up.log"; echo "0 passed, 1 failed"; exit 1; }
. "$D/env"
VOL=9cd1ee91-0b2c-4e1a-9f00-0a0a0a0a0a0a
INST=e6a96e04-733d-4b5a-9c00-0b0b0b0b0b0b
for i in 1 2 3 4 5 6 7 8; do rbd create "volumes/volume-0000000$i-1111-2222-3333-444444444444" --size 20M; done
rbd create "volumes/volume-$VOL" --size 140M
UTF8_IMAGE="名前-ünïcode-日本語の長いディスクの名前-0123456789"
rbd create "images/$UTF8_IMAGE" --size 1M
for i in 1 2 3; do rbd create "doomed/disk-$i" --size 1M; done
"$SB/osdata" "$D" add-volume "$VOL" --status available >/dev/null
"$SB/hold" "$D" "volumes/volume-$VOL" --name instance-0002f5c4 --uuid "$INST" >/dev/null ||
	{ echo "hold failed"; echo "0 passed, 1 failed"; exit 1; }

# ---- helpers ----

# scenario NAME: false when a pattern was given and NAME does not match it.
scenario() { [ -z "$ONLY" ] || [[ $1 == *$ONLY* ]]; }

# cols_ok COLS LINES: every line of the screen but the first and last (tmux trims
# their trailing blanks) is exactly COLS display columns, and there are LINES.
cols_ok() {
	ui_screen | python3 -c '
import sys, unicodedata
c, n = int(sys.argv[1]), int(sys.argv[2])
def cols(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
ls = sys.stdin.read().split("\n")
if ls and ls[-1] == "": ls.pop()
bad = [(i, cols(l)) for i, l in enumerate(ls[1:-1], 1) if cols(l) != c]
if len(ls) != n or bad:
    sys.exit("%d lines; not %d wide: %r" % (len(ls), c, bad[:5]))' "$1" "$2"
}

# after_exit RC: the browser exited with exactly RC (anchored: "rc=1" must not
# match a shell's rc=134 after an abort), the shell got echo and icanon back,
# and the alternate screen is gone (no pane left on the screen).
after_exit() {
	ui_wait "RBDWHO-EXITED rc=$1 *\$" 50 2>/dev/null &&
		ui_wait 'RBDWHO-TTY: icanon echo' 20 2>/dev/null &&
		! ui_screen | grep -q 'Pools ('
}

exit_line() { ui_screen | grep -Eo 'RBDWHO-(EXITED|TTY)[^|]*' | tr '\n' ' '; }

# ---- terminal size ----

if scenario resize; then
	ui_start
	ok=1; obs="no first frame"
	if ui_wait 'volumes: images \(9\)' 2>/dev/null; then
		for ((i = 0; i < 50; i++)); do
			ui_resize $((60 + (i * 37) % 140)) $((15 + (i * 13) % 45))
		done
		ui_resize 100 30
		ok=0
		ui_wait 'Pools \(4\)' 2>/dev/null && ui_wait 'q quit' 2>/dev/null || ok=1
		err=$(cols_ok 100 30 2>&1) || ok=1
		pid=$(ui_pid) || ok=1
		obs="alive pid ${pid:-none}; 100x30: ${err:-every line 100 columns}"
	fi
	ui_keys q
	after_exit 0 || ok=1
	row size "50 resizes in a row (tmux), then 100x30" "alive, panes drawn, every line 100 columns; q exits 0" \
		"$obs; $(exit_line)" $ok
	ui_stop

	S=$W/storm.script
	{ echo ":wait-idle"; for ((i = 0; i < 50; i++)); do echo ":resize $((1 + (i * 53) % 200))x$((1 + (i * 7) % 60))"; done
	  echo ":resize 90x28"; echo ":dump $W/storm.txt"; echo ":quit"; } >"$S"
	LANG=C.UTF-8 timeout 60 "$RBDWHO" --ui-script "$S" >"$W/storm.out" 2>&1
	rc=$?
	err=$(python3 -c '
import sys, unicodedata
ls = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [i for i, l in enumerate(ls[1:-1], 1) if w(l) != 90]
print("%d lines, %d not 90 wide%s" % (len(ls), len(bad), "" if "Pools (4)" in open(sys.argv[1]).read() else ", no Pools pane"))
sys.exit(1 if bad or len(ls) != 28 else 0)' "$W/storm.txt" 2>&1)
	ok=$?; [ "$rc" -eq 0 ] && grep -q 'Pools (4)' "$W/storm.txt" || ok=1
	row size "50 :resize in --ui-script (1x1 … 200x60), then 90x28" "exit 0, dump 28 lines of 90 columns" "exit $rc, $err" $ok
fi

if scenario tiny; then
	ui_start
	ok=0; obs=""
	ui_wait 'volumes: images \(9\)' 2>/dev/null || ok=1
	for sz in "40 10" "20 5" "1 1"; do
		ui_resize $sz
		if [ "$sz" = "1 1" ]; then
			ui_wait_gone 'Pools' 30 2>/dev/null || ok=1
		else
			ui_wait 'too small' 30 2>/dev/null || ok=1
		fi
		pid=$(ui_pid) || ok=1
		obs+="${sz/ /x}: $(ui_screen | tr -s ' \n' ' ' | head -c 40)${pid:+ (alive)}; "
	done
	ui_resize 120 40
	ui_wait 'volumes: images \(9\)' 2>/dev/null && ui_wait_gone 'too small' 2>/dev/null || ok=1
	cols_ok 120 40 || ok=1
	obs+="back to 120x40: panes $( [ $ok = 0 ] && echo restored || echo NOT restored); "
	ui_keys q
	after_exit 0 || ok=1
	row size "40x10, 20x5, 1x1, then 120x40" "says too small, no crash; panes come back; q exits 0, tty restored" \
		"$obs$(exit_line)" $ok
	ui_stop
fi

# ---- locale and terminal type ----

if scenario locale; then
	for loc in C en_US.ISO-8859-1; do
		UI_ENV="LANG=$loc LC_ALL=$loc TERM=xterm-256color" ui_start --goto "images/$UTF8_IMAGE"
		ok=0
		ui_wait 'images: images \(1\)' 2>/dev/null || ok=1
		ui_wait '^\+-* Pools \(4\)' 2>/dev/null || ok=1
		nonascii=$(ui_screen | LC_ALL=C grep -c '[^ -~]')
		[ "$nonascii" = 0 ] || ok=1
		name=$(ui_screen | grep -Eo '>\?\?-\?n\?code-[^ |]*' | head -1)
		[ -n "$name" ] || ok=1
		cols_ok 120 40 || ok=1
		have=$(locale -a 2>/dev/null | grep -ic "^${loc//-/}$\|^$loc$")
		[ "$have" = 0 ] && note=" (locale not installed: libc falls back to C)" || note=""
		ui_keys q
		after_exit 0 || ok=1
		row locale "LANG=LC_ALL=$loc$note, a UTF-8 image name" "ASCII boxes, no non-ASCII byte, one ? per character; q exits 0" \
			"$nonascii non-ASCII lines; row '${name:0:30}'; $(exit_line)" $ok
		ui_stop
	done
fi

if scenario term; then
	for t in dumb vt100 unset xterm-mono nosuchterm; do
		case $t in
		unset) UI_ENV="-u TERM LANG=C.UTF-8" ;;
		*) UI_ENV="LANG=C.UTF-8 TERM=$t" ;;
		esac
		ui_start
		ok=0
		case $t in
		vt100 | xterm-mono)
			exp="works (no colour): panes, q exits 0, terminal restored"
			ui_wait 'volumes: images \(9\)' 2>/dev/null || ok=1
			cols_ok 120 40 || ok=1
			ui_keys q
			after_exit 0 || ok=1
			obs="panes drawn; $(exit_line)"
			;;
		*)
			exp="one-line error, exit 1, no escape codes"
			after_exit 1 || ok=1
			msg=$(ui_screen | grep '^rbdwho:')
			[ "$(ui_screen | grep -c .)" -le 3 ] || ok=1     # the message and the two markers
			printf '%s' "$msg" | grep -Eq 'cannot move the cursor|not set|unknown terminal' || ok=1
			obs="${msg:0:90}; $(exit_line)"
			;;
		esac
		row term "TERM=$t" "$exp" "$obs" $ok
		ui_stop
	done
	UI_ENV=""
fi

if scenario notty; then
	"$RBDWHO" 2>"$W/notty.err" </dev/null | cat >"$W/notty.out"
	rc=${PIPESTATUS[0]}
	out=$(cat "$W/notty.out")
	ok=0; [ "$rc" -eq 2 ] && [ -z "$out" ] && grep -q 'needs a terminal; use find/scan/procs' "$W/notty.err" || ok=1
	row tty "rbdwho piped into cat (no command)" "exit 2, 'needs a terminal', nothing on stdout" \
		"exit $rc, ${#out} bytes out: $(head -c 80 "$W/notty.err")" $ok
fi

# ---- input ----

if scenario flood; then
	ui_start
	ok=0
	ui_wait 'volumes: images \(9\)' 2>/dev/null || ok=1
	ui_keys Tab
	keys=$(printf 'jk%.0s' $(seq 2500))
	t0=$(date +%s%N)
	ui_type "${keys}G"
	ui_wait '▶volume-9cd1ee91' 100 2>/dev/null || ok=1
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	cols_ok 120 40 || ok=1
	t0=$(date +%s%N)
	ui_keys q
	after_exit 0 || ok=1
	qms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$qms" -lt 3000 ] || ok=1
	row input "5,000 j/k keys at once, then G, then q" "all handled, screen sane, quits promptly" \
		"flood+G shown after ${ms} ms, screen consistent; quit in ${qms} ms" $ok
	ui_stop
fi

# ---- signals ----

# sig_case SIG NUM [nova-hung]: signal the running browser.
sig_case() {
	local sig=$1 num=$2 hung=${3:-}
	[ -n "$hung" ] && "$SB/osdata" "$D" fault nova '{"delay_ms":20000}' >/dev/null
	ui_start ${hung:+--goto "$VOL"}
	local ok=0 pid kids t0 ms left
	ui_wait 'volumes: images \(9\)' 2>/dev/null || ok=1
	[ -n "$hung" ] && { ui_wait '[0-9]+ jobs?' 2>/dev/null || ok=1; }
	pid=$(ui_pid)
	kids=$(pgrep -P "${pid:-0}" | tr '\n' ' ')
	t0=$(date +%s%N)
	kill -"$sig" "${pid:-0}" 2>/dev/null || ok=1
	after_exit $((128 + num)) || ok=1
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -lt 3000 ] || ok=1
	left=""
	for k in $pid $kids; do kill -0 "$k" 2>/dev/null && left+="$k "; done
	[ -z "$left" ] || ok=1
	ui_screen | grep -q "stopped by SIG$sig" || ok=1
	"$SB/osdata" "$D" clear-faults >/dev/null
	row signal "SIG$sig${hung:+ while Nova hangs}" "exit $((128 + num)), tty sane, screen restored, no leftovers" \
		"$(exit_line)in ${ms} ms; leftover: ${left:-none}" $ok
	ui_stop
}

if scenario signal; then
	sig_case TERM 15
	sig_case INT 2
	sig_case HUP 1
	sig_case TERM 15 nova-hung
	# the terminal itself goes away (window closed): rbdwho must not linger
	ok=0; why=""
	ui_start || why="tmux would not start a session; "
	ui_wait 'volumes: images \(9\)' 2>"$W/closed.wait" ||
		why+="never showed the images: $(grep -v '^ *| *$' "$W/closed.wait" | tail -n 3 | tr -s ' \n' ' '); "
	pid=$(ui_pid)
	# close the terminal by hand: ui_stop would kill a lingering browser itself
	ui_tmux kill-session -t "$UI_SESSION" 2>/dev/null; UI_SESSION=""
	if [ -z "$pid" ]; then
		# no browser to watch: say so, never probe pid 0 (the test's own group)
		ok=1; what="no rbdwho under the terminal (${why:-it had exited})"
	else
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then
			ok=1; kill -KILL "$pid"; what="pid $pid STILL RUNNING after 5 s"
		else
			what="pid $pid gone after $((i * 100)) ms"
		fi
	fi
	row signal "terminal closed (tmux kill-session)" "the browser exits within 5 s" "$what" $ok
fi

# ---- Ceph changes under the browser ----

if scenario pool; then
	ui_start --goto doomed/disk-1
	ok=0
	ui_wait 'doomed: images \(3\)' 2>/dev/null || ok=1
	ui_wait 'Watchers \(0\)' 2>/dev/null || ok=1
	ceph osd pool delete doomed doomed --yes-i-really-really-mean-it >/dev/null 2>&1 || ok=1
	ui_keys r                                  # the goto left the focus on the images
	ui_wait "││pool 'doomed' does not exist" 2>/dev/null || ok=1
	msg=$(ui_screen | grep -Eo "pool 'doomed' does not exist" | head -1)
	[ -n "$msg" ] || ok=1
	ui_keys Left r
	ui_wait 'Pools \(3\)' 2>/dev/null || ok=1
	ui_keys g
	ui_wait 'volumes: images \(9\)' 2>/dev/null || ok=1
	pid=$(ui_pid) || ok=1
	ui_keys q
	after_exit 0 || ok=1
	row ceph "pool deleted while its images pane is open, then r" "error in the images pane; pools and other pools still work; q exits 0" \
		"images pane: '${msg:0:60}'; pools reloaded (3), volumes browsable; $(exit_line)" $ok
	ui_stop

	rbd create "volumes/volume-zzzzzzzz-vanish" --size 1M
	ui_start
	ok=0
	ui_wait 'volumes: images \(10\)' 2>/dev/null || ok=1
	ui_keys Tab
	rbd rm "volumes/volume-zzzzzzzz-vanish" >/dev/null 2>&1 || ok=1
	ui_keys G
	ui_wait '▶volume-zzzzzzzz-vanish' 2>/dev/null || ok=1
	ui_wait_gone 'Watchers \([0-9]+\) (⟳|\|)' 2>/dev/null || ok=1
	msg=$(ui_screen | grep -Eo "^│error +image 'volumes/volume-zzzzzzzz-vanish' does not exist")   # details
	ui_screen | grep -Eq "││image 'volumes/volume-zzz" || ok=1                         # the watchers pane
	[ -n "$msg" ] || ok=1
	ui_screen | grep -q 'ORPHAN' && ok=1
	ui_keys k
	ui_wait 'Watchers \(1\)' 2>/dev/null || ok=1
	pid=$(ui_pid) || ok=1
	ui_keys q
	after_exit 0 || ok=1
	row ceph "image removed between list and open" "error in the watchers pane, no verdict, no crash; q exits 0" \
		"watchers pane + details: '${msg:1:70}'; the next image still opens; $(exit_line)" $ok
	ui_stop
fi

# ---- Nova hangs while the destroy dialog asks it ----

if scenario dialog; then
	ok=0; obs=""
	if ! grep -q SANDBOX_LIBVIRT_URI "$D/env"; then
		"$SB/libvirt-up" "$D" >"$W/lv.log" 2>&1 && LV=1
	fi
	URI=$(. "$D/env"; echo "${SANDBOX_LIBVIRT_URI:-}")
	NAME=instance-0000d1a1 DINST=d1a10000-1111-4222-8333-000000000001
	DVOL=d1a1d1a1-1111-4222-8333-000000000001 AUDIT=$W/audit.log
	sed -e "s|^local_uri *=.*|local_uri = $URI|" -e "s|^audit_log *=.*|audit_log = $AUDIT|" \
		"$RBDWHO_CONFIG" >"$W/rbdwho.conf"
	rbd create "volumes/volume-$DVOL" --size 16M
	if [ -z "$URI" ] || ! "$SB/hold" "$D" "volumes/volume-$DVOL" --name "$NAME" --uuid "$DINST" --libvirt >"$W/hold.log" 2>&1; then
		ok=1; obs="could not start a libvirt domain: $(tail -1 "$W/hold.log" "$W/lv.log" 2>/dev/null | tail -1)"
	else
		runs() { virsh -q -c "$URI" list --name | grep -qxF "$NAME"; }
		ui_start --config "$W/rbdwho.conf" --timeout 3 --goto "$DVOL"
		ui_wait "▶$NAME +ORPHAN" 2>/dev/null || ok=1
		ui_keys Tab
		"$SB/osdata" "$D" fault nova '{"delay_ms":20000}' >/dev/null
		ui_keys D
		ui_wait 'Destroy libvirt domain' 2>/dev/null || ok=1
		ui_wait 'Asking libvirt and Nova' 2>/dev/null || ok=1
		ui_type "$NAME"
		ui_keys Enter
		ui_wait 'Asking libvirt and Nova' 10 2>/dev/null || ok=1
		ui_screen | grep -q 'Type the domain name' && ok=1
		runs || ok=1
		ui_keys Escape
		ui_wait_gone 'Destroy libvirt domain' 2>/dev/null || ok=1
		obs="asking Nova shown, Enter ignored, Esc closed; "
		ui_keys D
		ui_wait 'Asking libvirt and Nova' 2>/dev/null || ok=1
		ui_wait 'only ORPHAN holders|cannot prepare|UNKNOWN' 100 2>/dev/null || ok=1
		ui_screen | grep -q 'Type the domain name' && ok=1
		msg=$(ui_screen | grep -Eo '(Verdict [A-Z]+: only ORPHAN|cannot prepare[^│]*)' | head -1)
		ui_keys Space
		runs || ok=1
		grep -q '"destroyed"' "$AUDIT" 2>/dev/null && ok=1
		obs+="after Nova's timeout: '${msg:0:50}'; domain $(runs && echo still runs || echo GONE); "
		ui_keys q
		after_exit 0 || ok=1
		obs+=$(exit_line)
		ui_stop
		"$SB/osdata" "$D" clear-faults >/dev/null
		"$SB/unhold" "$D" "$NAME" >/dev/null 2>&1
	fi
	row dialog "Nova hangs during the destroy dialog's re-check" "'asking Nova', no confirm, Esc cancels, never destroys on a timeout; q exits 0" "$obs" $ok
fi

echo
print_matrix
echo
echo "$PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
