#!/bin/sh
# test_views: the dashboard's views under tmux on a tiny 2-layer LSTM: the
# n-gram baseline labelled on the loss plot, the novelty line in the
# Sampling panel, the activations view (toggle, unit, layer and h/c keys
# change what the title shows, the units-by-feature panel), the temperature
# view (four labelled columns, r renews them), each view at 80x24, and
# quitting with status 0. Every wait polls with a generous deadline.
set -u
RNNTOP=${RNNTOP:-./rnntop}
TMUX_BIN=${TMUX_BIN:-}
[ -n "$TMUX_BIN" ] || { echo "tmux not found: skipped"; exit 77; }
tmp=$(mktemp -d)
T="$TMUX_BIN -L rnntop-views-$$"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/xdg"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

awk 'BEGIN { srand(11); for (i = 0; i < 6000; i++) printf "%s", (rand() < 0.5 ? "the \"cat\" sat.\n" : "a dog (ran)! ") }' >"$tmp/small.txt"
tiny="--set model.cell=lstm --set model.hidden=24 --set model.layers=2 --set train.batch=8 --set train.seq_len=16 --set train.eval_every=50 --set train.checkpoint_dir=$tmp/ckpt --set sample.length=300"

cat >"$tmp/v.sh" <<EOS
#!/bin/sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME="$tmp/xdg"
"$RNNTOP" --corpus "$tmp/small.txt" $tiny
echo EXIT=\$? >"$tmp/v.exit"
EOS
chmod +x "$tmp/v.sh"
$T new-session -d -s v -x 120 -y 40 "$tmp/v.sh"

cap() { $T capture-pane -p -t v 2>/dev/null; }
# wait_for PATTERN [SECONDS]: poll the screen for an extended regexp
wait_for() {
  end=$(($(date +%s) + ${2:-60}))
  while [ "$(date +%s)" -le "$end" ]; do
    cap | grep -Eq -- "$1" && return 0
    sleep 0.2
  done
  return 1
}
key() { $T send-keys -t v "$@"; }

wait_for ' Loss ' || fail "no dashboard: $(cap)"

# the baseline on the loss plot, and the novelty line under the sliders
wait_for '[0-9]-gram [0-9]+\.[0-9][0-9]' 90 || fail "no labelled baseline on the loss plot: $(cap)"
wait_for 'seed 42  300/300' 90 || fail "the sample did not complete: $(cap)"
wait_for 'copied 8-grams [0-9]+% 16-grams [0-9]+%' 60 || fail "no novelty line: $(cap)"

# the activations view
key a
wait_for ' Activations  layer 1/2  unit 0/24 ' 20 || fail "a: no activations view: $(cap)"
wait_for ' Units by feature' 10 || fail "no units-by-feature panel"
wait_for 'newline +[0-9]:[0-9]+ [-+][01]\.[0-9][0-9]' 20 || fail "no correlated units listed: $(cap)"
key u
wait_for 'unit 1/24 ' 10 || fail "u did not step to unit 1: $(cap)"
key U U
wait_for 'unit 23/24 ' 10 || fail "U U did not wrap to unit 23: $(cap)"
key n
wait_for 'layer 2/2  unit 23/24' 10 || fail "n did not step the layer: $(cap)"
key c
wait_for 'unit 23/24  c \(cell' 10 || fail "c did not show the cell state: $(cap)"
key j  # to the unit most tied to a feature: the title changes (or the note says so)
end=$(($(date +%s) + 10))
until ! cap | grep -q 'layer 2/2  unit 23/24' || cap | grep -q 'follows' || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
! cap | grep -q 'layer 2/2  unit 23/24' || cap | grep -q 'follows' || fail "j did not jump to a unit: $(cap)"
$T resize-window -t v -x 80 -y 24
wait_for ' Activations  layer' 20 || fail "80x24: no activations view: $(cap)"
wait_for ' Unit ' 5 || fail "80x24: no unit panel: $(cap)"
$T resize-window -t v -x 120 -y 40
key a
wait_for ' Next symbol ' 20 || fail "a did not go back: $(cap)"

# the temperature view
key t
for c in 'T=0\.2' 'T=0\.5' 'T=1\.0' 'T=1\.5'; do
  wait_for "─ $c ─" 20 || fail "t: no column $c: $(cap)"
done
cols() { cap | sed -n '7,12p'; }
end=$(($(date +%s) + 30))
until [ "$(cols | tr -d ' │')" != "" ] || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
old=$(cols)
key r
end=$(($(date +%s) + 30))
while [ "$(cols)" = "$old" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
[ "$(cols)" != "$old" ] || fail "r did not renew the columns"
$T resize-window -t v -x 80 -y 24
wait_for '─ T=1\.5 ─' 20 || fail "80x24: no T=1.5 column: $(cap)"
$T resize-window -t v -x 120 -y 40
key t
wait_for ' Loss ' 20 || fail "t did not go back: $(cap)"

# help lists the new keys
key '?'
wait_for 'activations view' 10 || fail "help does not list a"
wait_for 'temperature view' 5 || fail "help does not list t"
key x

key q
if wait_for 'save before quitting' 10; then key n; fi
end=$(($(date +%s) + 60))
while [ ! -s "$tmp/v.exit" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
[ "$(cat "$tmp/v.exit" 2>/dev/null)" = "EXIT=0" ] || fail "q: want EXIT=0, got '$(cat "$tmp/v.exit" 2>/dev/null)'"

[ "$fails" -eq 0 ] || { echo "test_views: $fails failures"; exit 1; }
echo "test_views: all checks passed"
