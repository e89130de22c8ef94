#!/usr/bin/env bash
# Bench 3: the browser at 100,000 images, the real binary on a real listing:
# a sandbox pool of 100,000 images (bench_tool mkimages), the browser driven by
# --ui-script from a FIFO (tests/bench/b3_ui.py says how keys are timed): one
# frame (cursor move, full repaint, page down), one filter keystroke, peak RSS;
# then, on a pty, exec to first frame with the cluster refused, silent, and up.
# Frames are drawn by ncurses into newterm() on /dev/null (script mode): the
# figures include building each frame, not a terminal's time to show it.
. "$(dirname "$0")/lib.sh"
N=${B3_IMAGES:-100000}
bench_up "p100k" --no-openstack
t0=$(now_ms)
mkimages p100k vol "$N"
echo "Bench 3 — browser at $N images (pool made in $(( ($(now_ms) - t0) / 1000 )) s; a 160x48 screen)"
declare -A r
while read -r k v; do r[$k]=$v; done < <(python3 "$top/tests/bench/b3_ui.py" script "$RBDWHO" 2000)
[ "${r[exit]:-x}" = 0 ] || die "the scripted browser exited ${r[exit]:-?} (b3_ui.py output above)"
[ "${r[rows]}" = "$N" ] || die "the images pane shows ${r[rows]} rows, not $N"
mb() { calc "$1 / 1024" | awk '{printf "%.0f", $1}'; }
printf '  %-52s %10s  %s\n' "measure" "value" "target"
printf '  %-52s %7s ms  %s\n' "exec to $N rows listed, probed and drawn (idle)" "${r[load_ms]}" "-"
printf '  %-52s %7.3f ms  %s\n' "one frame: cursor down (j), mean of 2,000" "${r[frame_j_ms]}" "< 5 ms"
printf '  %-52s %7.3f ms  %s\n' "one frame: full repaint (C-l), mean of 2,000" "${r[frame_full_ms]}" "< 5 ms"
printf '  %-52s %7.3f ms  %s\n' "one frame: page down, mean of 200" "${r[frame_pgdn_ms]}" "< 5 ms"
printf '  %-52s %7.3f ms  %s\n' "filter keystroke, mean of 14 (v o l - 0 9 9, 7 Bksp)" "${r[filter_mean_ms]}" "< 50 ms"
printf '  %-52s %7.3f ms  %s\n' "filter keystroke, slowest of those 14" "${r[filter_max_ms]}" "< 50 ms"
printf '  %-52s %7.3f ms  %s\n' "'/' '7' Esc (filter on 100% -> 41% -> 100%), per key" "${r[filter_7_esc_ms]}" "< 50 ms"
printf '  %-52s %7s MB  %s\n' "peak RSS (VmHWM) once listed" "$(mb "${r[rss_loaded_kb]}")" "< 200 MB"
printf '  %-52s %7s MB  %s\n' "peak RSS (VmHWM) at the end" "$(mb "${r[rss_peak_kb]}")" "< 200 MB"
printf '  %-52s %7s ms  %s\n' "jobs queued by those 4,200 keys drained (wait-idle)" "${r[drain_ms]}" "-"
echo "  (rows left by each filter keystroke: ${r[filter_rows]}; a :dump costs ${r[dump_ms]} ms and is taken out of the per-key filter figures)"
declare -A f
while read -r k v; do f[$k]=$v; done < <(python3 "$top/tests/bench/b3_ui.py" firstframe "$RBDWHO")
printf '  %-52s %7s ms  %s\n' "exec to first frame on a pty, mon port refused" "${f[first_frame_refused_ms]}" "< 100 ms"
printf '  %-52s %7s ms  %s\n' "exec to first frame on a pty, mon silent" "${f[first_frame_silent_ms]}" "< 100 ms"
printf '  %-52s %7s ms  %s\n' "exec to first frame on a pty, cluster up" "${f[first_frame_up_ms]}" "-"
printf '  %-52s %7s ms  %s\n' "q to exit, mon refused / silent" "${f[quit_refused_ms]} / ${f[quit_silent_ms]}" "-"
echo "  (first frame: median of 5; from fork+exec to the first pty output holding 'rbdwho')"
# The goals (doc/PERFORMANCE.md). These are absolute, not ratios: what an operator
# feels at the keyboard does not scale with the machine, and each sits 5-10x above
# what this machine measures.
goal "frame, cursor down (ms)" "${r[frame_j_ms]}" "<" 5
goal "frame, full repaint (ms)" "${r[frame_full_ms]}" "<" 5
goal "frame, page down (ms)" "${r[frame_pgdn_ms]}" "<" 5
goal "filter keystroke, slowest (ms)" "${r[filter_max_ms]}" "<" 50
goal "'/' '7' Esc per key (ms)" "${r[filter_7_esc_ms]}" "<" 50
goal "peak RSS (MB)" "$(mb "${r[rss_peak_kb]}")" "<" 200
goal "first frame, mon refused (ms)" "${f[first_frame_refused_ms]}" "<" 100
goal "first frame, mon silent (ms)" "${f[first_frame_silent_ms]}" "<" 100
