#!/bin/sh
# test_dashboard: the real dashboard under tmux on a tiny model: panel
# titles, a live step counter, braille loss dots, the temperature key
# changing the bars, `r` changing the sample, pause/resume, the quit prompt holding training, the too-small
# screen on resize, quitting with status 0, and Hungarian text in a sample.
# Everything is polled with generous deadlines (slow, noisy machines).
. "${top_srcdir:-.}/tests/tmux_lib.sh"

awk 'BEGIN { srand(5); for (i = 0; i < 6000; i++) printf "%s", (rand() < 0.5 ? "the cat sat.\n" : "a dog ran! ") }' >"$tmp/small.txt"
tiny="--set model.hidden=32 --set model.layers=1 --set train.batch=8 --set train.seq_len=16 --set train.eval_every=50 --set train.checkpoint_dir=$tmp/ckpt"

# start NAME CORPUS: the dashboard on CORPUS in a detached 120x40 session
start() { start_script "$1" "\"$RNNTOP\" --corpus \"$2\" $tiny"; }
step_of() { cap "$1" | sed -n 's/.*step \([0-9][0-9]*\)  epoch.*/\1/p' | head -n 1; }
# wait_step_above NAME N [SECONDS]
wait_step_above() {
  end=$(($(date +%s) + ${3:-60}))
  while [ "$(date +%s)" -le "$end" ]; do
    s=$(step_of "$1")
    [ -n "$s" ] && [ "$s" -gt "$2" ] && return 0
    alive "$1" || return 1
    sleep 0.2
  done
  return 1
}
bars() { cap "$1" | grep -o '[0-9]*\.[0-9]%' | tr '\n' ' '; }
sample_text() { cap "$1" | awk '/ Sample /{f=1;next} /┗|└/{f=0} f' | sed 's/┃[│└┌].*//'; }
# quit NAME: q (answering n to the save question), then the exit status
quit() {
  $T send-keys -t "$1" q
  if wait_for "$1" 'save before quitting' 10; then $T send-keys -t "$1" n; fi
  end=$(($(date +%s) + 60))
  while [ ! -s "$tmp/$1.exit" ] && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
  cat "$tmp/$1.exit" 2>/dev/null
}

start dash "$tmp/small.txt"
for title in ' rnntop ' ' Loss ' ' Sample ' ' Next symbol ' ' Sampling '; do
  wait_for dash "$title" || fail "no panel title '$title': $(cap dash)"
done
wait_step_above dash 0 || fail "training did not start: $(cap dash)"
s0=$(step_of dash)
wait_step_above dash "${s0:-0}" || fail "the step counter stays at $s0"
braille=$(printf '\342[\240-\243]')
end=$(($(date +%s) + 60))
until cap dash | LC_ALL=C grep -q "$braille" || ! alive dash || [ "$(date +%s)" -gt "$end" ]; do sleep 0.2; done
cap dash | LC_ALL=C grep -q "$braille" || fail "no braille dots in the loss plot: $(cap dash)"

# temperature: the bars of the first symbol change with it
wait_for dash 'seed 42  500/500' || fail "the sample did not complete: $(cap dash)"
$T send-keys -t dash Home
wait_for dash 'Next symbol  step 1 ' || fail "Home did not move the cursor"
before=$(bars dash)
$T send-keys -t dash ']'
wait_for dash 'at T=0\.85' 20 || fail "] did not raise the temperature: $(cap dash)"
wait_for dash 'temp +0\.85' 20 || fail "the slider does not show 0.85"
[ "$(bars dash)" != "$before" ] || fail "the bars did not change with the temperature: $before"

# r: a new sample
old=$(sample_text dash)
$T send-keys -t dash r
end=$(($(date +%s) + 30))
while [ "$(sample_text dash)" = "$old" ] && alive dash && [ "$(date +%s)" -le "$end" ]; do sleep 0.2; done
[ "$(sample_text dash)" != "$old" ] || fail "r did not change the sample"
wait_for dash 'seed [0-9]+' && ! cap dash | grep -q 'seed 42 ' || fail "r kept the seed"

# held NAME HOLD-KEY GO-KEY WHAT: HOLD-KEY pauses training (the step counter
# stands still), GO-KEY lets it go on
held() {
  $T send-keys -t "$1" "$2"
  wait_for "$1" '\[paused\]' 30 || fail "$4: training was not paused: $(cap "$1")"
  h1=$(step_of "$1"); sleep 2; h2=$(step_of "$1")
  [ "$h1" = "$h2" ] || fail "$4: the step counter moved while paused: $h1 -> $h2"
  $T send-keys -t "$1" "$3"
  wait_for "$1" '\[training\]' 30 || fail "$4: $3 did not resume training: $(cap "$1")"
  wait_step_above "$1" "${h2:-0}" || fail "$4: training did not continue after $3"
}

held dash Space Space "space"

# resize below 80x24 and back
$T resize-window -t dash -x 70 -y 20
wait_for dash 'terminal too small \(need 80x24, have 70x20\)' 30 || fail "no too-small screen: $(cap dash)"
$T resize-window -t dash -x 30 -y 8
wait_for dash 'need 80x24, have 30x8' 30 || fail "a 30x8 terminal: the message is cut: $(cap dash)"
cap dash | grep -q '^ *terminal too small *$' || fail "a 30x8 terminal: no 'terminal too small' line"
$T send-keys -t dash q  # the save question shows on the small screen; c goes back
wait_for dash 'save before quitting' 10 || fail "a 30x8 terminal: q shows no save question: $(cap dash)"
$T send-keys -t dash c
wait_for dash 'q quits' 10 || fail "a 30x8 terminal: c did not close the save question: $(cap dash)"
$T resize-window -t dash -x 120 -y 40
wait_for dash ' Next symbol ' 30 || fail "the panels did not come back: $(cap dash)"
wait_for dash ' Loss ' 5 || fail "the loss panel did not come back"

held dash q c "the quit prompt"  # cancelling it lets training go on

status=$(quit dash)
[ "$status" = "EXIT=0" ] || fail "q: want EXIT=0, got '$status'"

# Hungarian: accented letters in the sample
hu=${SHARED_CORPORA:-}/petofi.txt
if [ -n "${SHARED_CORPORA:-}" ] && [ -f "$hu" ]; then
  start hu "$hu"
  wait_for hu ' Sample ' || fail "Hungarian: no dashboard: $(cap hu)"
  end=$(($(date +%s) + 60))
  until sample_text hu | grep -q '[áéíóöőúüűÁÉÍÓÖŐÚÜŰ]' || ! alive hu || [ "$(date +%s)" -gt "$end" ]; do sleep 0.3; done
  sample_text hu | grep -q '[áéíóöőúüűÁÉÍÓÖŐÚÜŰ]' || fail "no accented letters in the Hungarian sample: $(cap hu)"
  status=$(quit hu)
  [ "$status" = "EXIT=0" ] || fail "Hungarian: q: want EXIT=0, got '$status'"
else
  echo "no petofi.txt in SHARED_CORPORA: the Hungarian part is skipped"
fi

finish test_dashboard
