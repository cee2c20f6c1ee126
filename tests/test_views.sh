#!/bin/sh
# test_views: the dashboard's views under tmux on a tiny 2-layer LSTM: the
# n-gram baseline labelled on the loss plot, the novelty line in the
# Sampling panel, the activations view (toggle, unit, layer and h/c keys
# change what the title shows, the units-by-feature panel), the temperature
# view (four labelled columns, r renews them), each view at 80x24, and
# quitting with status 0. Every wait polls with a generous deadline.
. "${top_srcdir:-.}/tests/tmux_lib.sh"

awk 'BEGIN { srand(11); for (i = 0; i < 6000; i++) printf "%s", (rand() < 0.5 ? "the \"cat\" sat.\n" : "a dog (ran)! ") }' >"$tmp/small.txt"
tiny="--set model.cell=lstm --set model.hidden=24 --set model.layers=2 --set train.batch=8 --set train.seq_len=16 --set train.eval_every=50 --set train.checkpoint_dir=$tmp/ckpt --set sample.length=300"

start_script v "\"$RNNTOP\" --corpus \"$tmp/small.txt\" $tiny"
key() { $T send-keys -t v "$@"; }

wait_for v ' Loss ' || fail "no dashboard: $(cap v)"

# the baseline on the loss plot, and the novelty line under the sliders
wait_for v '[0-9]-gram [0-9]+\.[0-9][0-9]' 90 || fail "no labelled baseline on the loss plot: $(cap v)"
wait_for v 'seed 42  300/300' 90 || fail "the sample did not complete: $(cap v)"
wait_for v 'copied 8-grams [0-9]+% 16-grams [0-9]+%' 60 || fail "no novelty line: $(cap v)"

# the activations view
key a
wait_for v ' Activations  layer 1/2  unit 1/24 ' 20 || fail "a: no activations view: $(cap v)"
wait_for v ' Units by feature' 10 || fail "no units-by-feature panel"
wait_for v 'newline +[0-9]:[0-9]+ [-+][01]\.[0-9][0-9]' 20 || fail "no correlated units listed: $(cap v)"
key u
wait_for v 'unit 2/24 ' 10 || fail "u did not step to unit 2: $(cap v)"
key U U
wait_for v 'unit 24/24 ' 10 || fail "U U did not wrap to unit 24: $(cap v)"
key n
wait_for v 'layer 2/2  unit 24/24' 10 || fail "n did not step the layer: $(cap v)"
key c
wait_for v 'unit 24/24  c \(cell' 10 || fail "c did not show the cell state: $(cap v)"
key j  # to the unit most tied to a feature: the title changes (or the note says so)
end=$(($(date +%s) + 10))
until ! cap v | grep -q 'layer 2/2  unit 24/24' || cap v | grep -q 'follows' || ! alive v || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
! cap v | grep -q 'layer 2/2  unit 24/24' || cap v | grep -q 'follows' || fail "j did not jump to a unit: $(cap v)"
$T resize-window -t v -x 80 -y 24
wait_for v ' Activations  layer' 20 || fail "80x24: no activations view: $(cap v)"
wait_for v ' Unit ' 5 || fail "80x24: no unit panel: $(cap v)"
$T resize-window -t v -x 120 -y 40
key a
wait_for v ' Next symbol ' 20 || fail "a did not go back: $(cap v)"

# the temperature view
key t
for c in 'T=0\.2' 'T=0\.5' 'T=1\.0' 'T=1\.5'; do
  wait_for v "─ $c ─" 20 || fail "t: no column $c: $(cap v)"
done
cols() { cap v | sed -n '7,12p'; }
end=$(($(date +%s) + 30))
until [ "$(cols | tr -d ' │')" != "" ] || ! alive v || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
old=$(cols)
key r
end=$(($(date +%s) + 30))
while [ "$(cols)" = "$old" ] && alive v && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
[ "$(cols)" != "$old" ] || fail "r did not renew the columns"
$T resize-window -t v -x 80 -y 24
wait_for v '─ T=1\.5 ─' 20 || fail "80x24: no T=1.5 column: $(cap v)"
$T resize-window -t v -x 120 -y 40
key t
wait_for v ' Loss ' 20 || fail "t did not go back: $(cap v)"

# help lists the new keys
key '?'
wait_for v 'activations view' 10 || fail "help does not list a"
wait_for v 'temperature view' 5 || fail "help does not list t"
key x

key q
if wait_for v 'save before quitting' 10; then key n; fi
end=$(($(date +%s) + 60))
while [ ! -s "$tmp/v.exit" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
[ "$(cat "$tmp/v.exit" 2>/dev/null)" = "EXIT=0" ] || fail "q: want EXIT=0, got '$(cat "$tmp/v.exit" 2>/dev/null)'"

finish test_views
