# lib.sh — helpers for the tmux-driven UI tests: start rbdwho in a detached tmux
# session of a fixed size, send keys, and wait for text on the screen by polling
# capture-pane a bounded number of times (never a fixed sleep).

UI_SESSION=""
UI_BIN=${UI_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/rbdwho}

# ui_start [rbdwho options…]: a 120x40 terminal running the browser.
ui_start() {
	UI_SESSION="rbdwho-ui-$$-$RANDOM"
	local cmd="env LANG=C.UTF-8 TERM=xterm-256color $UI_BIN"
	local a
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	tmux new-session -d -s "$UI_SESSION" -x 120 -y 40 "$cmd; echo RBDWHO-EXITED rc=\$?; sleep 30"
}

ui_stop() {
	[ -n "$UI_SESSION" ] && tmux kill-session -t "$UI_SESSION" 2>/dev/null
	UI_SESSION=""
}

ui_screen() {
	tmux capture-pane -p -t "$UI_SESSION"
}

ui_keys() {
	tmux send-keys -t "$UI_SESSION" "$@"
}

# ui_type TEXT: literal characters.
ui_type() {
	tmux send-keys -t "$UI_SESSION" -l "$1"
}

# ui_wait REGEX [TRIES]: polls the screen (every 0.1 s, default 100 tries) until
# a line matches; prints the screen and fails otherwise.
ui_wait() {
	local re=$1 tries=${2:-100} i
	for ((i = 0; i < tries; i++)); do
		ui_screen | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	echo "    timed out waiting for /$re/; screen:" >&2
	ui_screen | sed 's/^/    | /' >&2
	return 1
}

# ui_wait_gone REGEX [TRIES]: until no line matches.
ui_wait_gone() {
	local re=$1 tries=${2:-100} i
	for ((i = 0; i < tries; i++)); do
		ui_screen | grep -Eq -- "$re" || return 0
		sleep 0.1
	done
	echo "    /$re/ still on the screen:" >&2
	ui_screen | sed 's/^/    | /' >&2
	return 1
}

ui_fail() {
	echo "    $*" >&2
	return 1
}
