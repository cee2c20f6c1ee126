#!/bin/sh
# test_badinput_dash: the dashboard under tmux on bad input (issue 8):
# a corpus and a prime full of C0/C1 control characters and escape
# sequences (ESC [ 2 J, BEL, BS, ...) are drawn as safe glyphs and never
# reach the terminal; the sliders stop at their ends however often a key
# is pressed; Ctrl-C restores the terminal and exits 130. Everything is
# polled with generous deadlines (slow, noisy machines).
. "${top_srcdir:-.}/tests/tmux_lib.sh"

# A corpus with C0 controls, DEL and C1 controls (U+0080..U+009F) between words.
awk 'BEGIN { srand(8); split("27 7 8 1 2 11 12 14 15 127", c, " ");
  for (i = 0; i < 4000; i++) {
    printf "%s", (rand() < 0.5 ? "the cat " : "a dog ");
    if (i % 9 == 0) printf "%c[2J", 27;
    if (i % 7 == 0) printf "%c", c[1 + int(rand() * 10)];
    if (i % 11 == 0) printf "\302\233\302\205";
  } }' >"$tmp/ctl.txt"
# The prime holds ESC [ 2 J, BEL, BS, SO and CSI (U+009B), in YAML escapes; all of
# them are in the corpus, so the sample is generated after it.
cat >"$tmp/ctl.yaml" <<'EOF'
sample:
  prime: "the \e[2Jcat\adog\bthe\x0ea\u009bcat "
  length: 300
EOF
tiny="--set model.hidden=24 --set model.layers=1 --set train.batch=8 --set train.seq_len=16 --set train.eval_every=0 --set train.checkpoint_dir=$tmp/ckpt --set train.threads=1"

# start NAME: the dashboard in a detached 120x40 tmux session; after it ends the
# pane stays, showing the exit status and whether the terminal is back in cooked mode
start() {
  cat >"$tmp/$1.sh" <<EOS
#!/bin/sh
trap : INT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME="$tmp/xdg"
"$RNNTOP" -c "$tmp/ctl.yaml" --corpus "$tmp/ctl.txt" $tiny
echo EXIT=\$? >"$tmp/$1.exit"
stty -a | grep -q ' icanon' && stty -a | grep -q ' echo ' && echo TERMINAL-RESTORED
echo DONE-\$(cat "$tmp/$1.exit")
sleep 60
EOS
  chmod +x "$tmp/$1.sh"
  $T new-session -d -s "$1" -x 120 -y 40 "$tmp/$1.sh"
}
keys() { n=$2; while [ "$n" -gt 0 ]; do $T send-keys -t "$1" "$3"; n=$((n - 1)); done; }

start ctl
for title in ' rnntop ' ' Loss ' ' Sample ' ' Next symbol ' ' Sampling '; do
  wait_for ctl "$title" || fail "control_chars_screen: no panel title '$title': $(cap ctl)"
done
# the prime, drawn with the control pictures: ␛ U+241B, ␇ U+2407, ␈ U+2408, ␎ U+240E;
# a C1 control as U+FFFD
wait_for ctl 'the ␛\[2Jcat␇dog␈the␎a�cat' || fail "control_chars_glyphs: the prime is not drawn as glyphs: $(cap ctl)"
wait_for ctl 'step [0-9]+' || fail "control_chars_screen: no step counter"
wait_for ctl 'seed 42  300/300' || fail "control_chars_sample: the sample after the prime did not complete: $(cap ctl)"
sleep 2
screen=$(cap ctl)
for title in ' rnntop ' ' Loss ' ' Sample ' ' Next symbol ' ' Sampling '; do
  echo "$screen" | grep -q -- "$title" || fail "control_chars_screen: '$title' gone after training on control characters: $screen"
done
echo "$screen" | LC_ALL=C grep -q "$(printf '\033')" && fail "control_chars_screen: a raw ESC reached the screen"

# sliders: far more presses than the range holds; the values stop at the ends
keys ctl 60 '}'
wait_for ctl 'temp +[^ ]* *2\.00' 20 || fail "slider_temp_max: temperature not clamped at 2.00: $(cap ctl | grep temp)"
keys ctl 60 '{'
wait_for ctl 'temp +[^ ]* *0\.00' 20 || fail "slider_temp_min: temperature not clamped at 0.00: $(cap ctl | grep temp)"
keys ctl 40 'P'
wait_for ctl 'top-p +[^ ]* *1\.00' 20 || fail "slider_top_p_max: top-p not clamped at 1.00: $(cap ctl | grep top-p)"
keys ctl 40 'p'
wait_for ctl 'top-p +[^ ]* *0\.05' 20 || fail "slider_top_p_min: top-p not clamped at 0.05: $(cap ctl | grep top-p)"
keys ctl 30 'K'
wait_for ctl 'top-k +[^ ]* *(off|[0-9]+)' 20 || fail "slider_top_k_max: $(cap ctl | grep top-k)"
keys ctl 30 'k'
wait_for ctl 'top-k +[^ ]* *(off|[0-9]+)' 20 || fail "slider_top_k_min: $(cap ctl | grep top-k)"
wait_for ctl ' Sample ' 5 || fail "sliders: the dashboard is gone after many key presses: $(cap ctl)"

# Ctrl-C: the terminal comes back in cooked mode and the status is 130
$T send-keys -t ctl C-c
wait_for ctl 'DONE-EXIT=' 60 || fail "sigint_dashboard: the dashboard did not end on Ctrl-C: $(cap ctl)"
[ "$(cat "$tmp/ctl.exit" 2>/dev/null)" = "EXIT=130" ] || fail "sigint_dashboard: want EXIT=130, got '$(cat "$tmp/ctl.exit" 2>/dev/null)'"
cap ctl | grep -q 'TERMINAL-RESTORED' || fail "sigint_dashboard: the terminal is not restored (stty): $(cap ctl)"
cap ctl | grep -q ' Next symbol ' && fail "sigint_dashboard: the dashboard is still on the screen after exit"

finish test_badinput_dash
