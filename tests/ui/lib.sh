# lib.sh — helpers for the tmux-driven UI tests: start rbdwho in a detached tmux
# session of a fixed size, send keys, and wait for text on the screen by polling
# capture-pane a bounded number of times (never a fixed sleep).

UI_SESSION=""
UI_BIN=${UI_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/rbdwho}
# A tmux server of our own: a session made on someone else's server would get
# that server's environment (its CEPH_CONF, or none), not ours. It exits by
# itself when its last session is killed.
UI_SOCK="rbdwho-ui-$$"

ui_tmux() {
	tmux -L "$UI_SOCK" "$@"
}

# What the terminal looks like to rbdwho: `env` arguments (UI_ENV="LANG=C
# LC_ALL=C TERM=vt100", or "-u TERM …") and the size (UI_COLS, UI_LINES).
UI_ENV_DEFAULT="LANG=C.UTF-8 TERM=xterm-256color"

# ui_start [rbdwho options…]: a 120x40 terminal running the browser, with the
# sandbox's Ceph/OpenStack/rbdwho variables passed explicitly. After rbdwho
# exits the pane shows "RBDWHO-EXITED rc=N" and "RBDWHO-TTY: icanon echo" (the
# terminal modes the shell got back: "-icanon -echo" means rbdwho left them raw).
ui_start() {
	UI_SESSION="rbdwho-ui-$$-$RANDOM"
	# through a private file, not argv: OS_PASSWORD must not show in ps
	local envf a v
	envf=$(mktemp /tmp/rbdwho-ui-env.XXXXXX)
	for v in $(compgen -e | grep -E '^(CEPH_|OS_|RBDWHO_|NO_COLOR$)'); do
		printf 'export %s=%q\n' "$v" "${!v}" >>"$envf"
	done
	local cmd=". $envf; rm -f $envf; env ${UI_ENV:-$UI_ENV_DEFAULT} $(printf '%q' "$UI_BIN")"
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	local tty="stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '"
	# Our server exits when its last session is killed; a new-session that
	# reaches it on its way out fails ("server exited unexpectedly"), and the
	# next one starts a fresh server. So a failed start is tried again, twice.
	local try
	for try in 1 2 3; do
		ui_tmux new-session -d -s "$UI_SESSION" -x "${UI_COLS:-120}" -y "${UI_LINES:-40}" \
			"$cmd; echo RBDWHO-EXITED rc=\$?; echo RBDWHO-TTY: \$($tty); sleep 30" && return 0
		echo "ui_start: tmux new-session failed (try $try)" >&2
	done
	rm -f "$envf"
	return 1
}

# ui_pid: the running rbdwho's pid (a child of the pane's shell), or nothing.
ui_pid() {
	local sh
	sh=$(ui_tmux display-message -p -t "$UI_SESSION" '#{pane_pid}' 2>/dev/null) || return 1
	pgrep -P "$sh" -x rbdwho
}

# ui_stop: closes the session; a browser that outlives its terminal's hang-up
# (say, an ASan build stuck in its exit-time leak check) is then killed by pid,
# so nothing a test started survives it.
ui_stop() {
	[ -n "$UI_SESSION" ] || return 0
	local pid
	pid=$(ui_pid 2>/dev/null) || pid=""  # (runs under set -e, in EXIT traps)
	ui_tmux kill-session -t "$UI_SESSION" 2>/dev/null || true
	UI_SESSION=""
	[ -n "$pid" ] || return 0
	# up to 5 s for a clean exit after the hang-up
	timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || true
	kill -0 "$pid" 2>/dev/null || return 0
	kill -KILL "$pid" 2>/dev/null || true
	echo "ui_stop: rbdwho (pid $pid) ignored the hang-up; killed" >&2
}

ui_screen() {
	ui_tmux capture-pane -p -t "$UI_SESSION"
}

ui_keys() {
	ui_tmux send-keys -t "$UI_SESSION" "$@"
}

# ui_type TEXT: literal characters.
ui_type() {
	ui_tmux send-keys -t "$UI_SESSION" -l "$1"
}

# ui_resize COLS LINES
ui_resize() {
	ui_tmux resize-window -t "$UI_SESSION" -x "$1" -y "$2"
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

# ui_latency REGEX KEY…: sends the keys and prints how many ms passed until
# a line matches REGEX (polled every 10 ms, for at most 5 s).
ui_latency() {
	local re=$1 t0 i
	shift
	t0=$(date +%s%N)
	ui_keys "$@"
	for ((i = 0; i < 500; i++)); do
		if ui_screen | grep -Eq -- "$re"; then
			echo $(( ($(date +%s%N) - t0) / 1000000 ))
			return 0
		fi
		sleep 0.01
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
