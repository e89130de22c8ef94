# UTF-8 names are measured in display columns: a row with wide (CJK) and accented
# characters is clipped with an ellipsis and every box line keeps its width.
test_main() {
	ui_start --goto "images/$UTF8_IMAGE"
	ui_wait 'images: images \(1\)'
	ui_wait '▶名前-ünïcode-日本'
	ui_wait "image +images/名前-ünïcode-日本語"          # the details pane, in full
	# every line of the screen is exactly 120 columns: no border pushed or pulled
	ui_screen | python3 -c '
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = [(i, cols(l)) for i, l in enumerate(sys.stdin.read().splitlines()[1:-1]) if cols(l) != 120]
sys.exit("lines not 120 columns wide: %r" % bad if bad else 0)'
}
