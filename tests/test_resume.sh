#!/bin/sh
# test_resume: checkpoints through the real program: training N+M steps
# gives the same losses as N steps, a stop and M resumed steps; what a
# resume may and may not change; `rnntop eval`; bad checkpoint files
# (empty, truncated, bit-flipped, foreign, newer) refused with one message
# and status 2; SIGINT/SIGTERM save and exit 130/143; a full disk keeps
# the previous file; kill -9 during saves never leaves an unreadable
# last.ckpt. (NaN weights and the byte order: tests/test_checkpoint.)
. "${top_srcdir:-.}/tests/cli_lib.sh"

awk 'BEGIN { srand(5); for (i = 0; i < 3000; i++) printf "%s", (rand() < 0.5 ? "the cat sat. " : "a dog ran! ") }' >"$tmp/c.txt"
tiny="--corpus $tmp/c.txt --set model.hidden=16 --set model.layers=1 --set train.batch=4 --set train.seq_len=8"
run="$tiny --set train.log_every=1 --set train.eval_every=10 --set train.checkpoint_every=1000 --set train.threads=1"

# losses of the steps after $1 in metrics file $2, one "step loss" a line
losses() {
  sed -n 's/^{"step":\([0-9]*\),.*"train_loss":\([-0-9.e]*\),.*/\1 \2/p' "$2" | awk -v n="$1" '$1 > n'
}

# ---- exact continuation --------------------------------------------------
two="$run --set model.layers=2 --set model.dropout=0.2"
"$RNNTOP" train $two --set train.checkpoint_dir="$tmp/a" --steps 60 --metrics "$tmp/a.jsonl" --quiet \
  >"$tmp/out" 2>&1 || fail "the 60-step run exited $?: $(cat "$tmp/out")"
val_a=$(sed -n 's/^done:.* val_loss=\([0-9.]*\).*/\1/p' "$tmp/out")
"$RNNTOP" train $two --set train.checkpoint_dir="$tmp/b" --steps 25 --quiet >"$tmp/out" 2>&1 ||
  fail "the 25-step run exited $?: $(cat "$tmp/out")"
mkdir "$tmp/elsewhere"
(cd "$tmp/elsewhere" && "$RNNTOP" train --resume "$tmp/b/last.ckpt" --steps 35 --metrics "$tmp/b.jsonl") \
  >"$tmp/out" 2>&1 || fail "resuming exited $?: $(cat "$tmp/out")"
grep -q '^done: steps=60 ' "$tmp/out" || fail "--steps 35 after 25 did not end at step 60: $(tail -n 2 "$tmp/out")"
grep -q '^resumed: ' "$tmp/out" || fail "no 'resumed:' line"
losses 25 "$tmp/a.jsonl" >"$tmp/la"
losses 25 "$tmp/b.jsonl" >"$tmp/lb"
[ "$(wc -l <"$tmp/la")" = 35 ] || fail "expected 35 losses after step 25, got $(wc -l <"$tmp/la")"
cmp -s "$tmp/la" "$tmp/lb" || fail "resumed losses differ: $(diff "$tmp/la" "$tmp/lb" | head -n 4)"

# ---- what a resume may change -----------------------------------------------
ck="$tmp/b/last.ckpt"
# expect STATUS PATTERN CMD...: exit status and a message
expect() {
  want=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" "$tmp/out" || fail "$*: no '$pattern' in: $(cat "$tmp/err")"
}
expect 0 "done: steps=63" "$RNNTOP" train --resume "$ck" --steps 3 --set train.learning_rate=0.01 --set train.eval_every=2
expect 2 "model.hidden is 20" "$RNNTOP" train --resume "$ck" --steps 3 --set model.hidden=20
expect 2 "model.layers is 1" "$RNNTOP" train --resume "$ck" --steps 3 --set model.layers=1
expect 2 "model.cell" "$RNNTOP" train --resume "$ck" --steps 3 --set model.cell=gru
sed 's/!/?/g' "$tmp/c.txt" >"$tmp/swapped.txt"   # same size, one symbol differs
expect 2 "only in A (1 symbol): '!'" "$RNNTOP" train --resume "$ck" --steps 3 --corpus "$tmp/swapped.txt"
expect 2 "only in B (1 symbol): '?'" "$RNNTOP" train --resume "$ck" --steps 3 --corpus "$tmp/swapped.txt"
expect 2 "cannot open" "$RNNTOP" train --resume "$tmp/none.ckpt" --steps 3

# ---- eval -----------------------------------------------------------------------
"$RNNTOP" eval --checkpoint "$tmp/a/last.ckpt" >"$tmp/out" 2>"$tmp/err" || fail "eval exited $?: $(cat "$tmp/err")"
grep -Eq '^eval: val_loss=[0-9.]+ bpc=[0-9.]+ perplexity=[0-9.]+ symbols=[0-9]+$' "$tmp/out" ||
  fail "no eval line: $(cat "$tmp/out")"
grep -q "^eval: val_loss=$val_a " "$tmp/out" || fail "eval differs from training's val_loss $val_a: $(tail -n 1 "$tmp/out")"
# the scored count is explained: streams x (length - 1) = symbols=N
set -- $(sed -n 's/^scored: \([0-9]*\) symbols as targets, in \([0-9]*\) streams* of \([0-9]*\) .*/\1 \2 \3/p' "$tmp/out")
[ $# -eq 3 ] || fail "no 'scored:' line: $(cat "$tmp/out")"
[ "$1" -eq $(($2 * ($3 - 1))) ] || fail "scored $1 is not $2 streams x ($3 - 1)"
grep -q "symbols=$1\$" "$tmp/out" || fail "the scored count differs from the eval line's"
expect 0 "learning_rate: 0.5" "$RNNTOP" config --resume "$tmp/a/last.ckpt" --set train.learning_rate=0.5
grep -q "hidden: 16" "$tmp/out" || fail "config --resume does not show the checkpoint's config"
expect 0 "eval: val_loss=" "$RNNTOP" eval --checkpoint "$tmp/a/last.ckpt" --corpus "$tmp/c.txt" --baseline
grep -q '^baseline: 5-gram Kneser-Ney val_loss=' "$tmp/out" || fail "no baseline line"
expect 2 "not in the model's vocabulary" "$RNNTOP" eval --checkpoint "$tmp/a/last.ckpt" --corpus "$tmp/swapped.txt"
expect 2 "needs --checkpoint" "$RNNTOP" eval

# ---- bad files: exit 2, one line naming the file -----------------------------------
good="$tmp/a/last.ckpt"
size=$(wc -c <"$good")
bad="$tmp/bad.ckpt"
refused() {  # WHAT [PATTERN]
  "$RNNTOP" eval --checkpoint "$bad" >"$tmp/out" 2>"$tmp/err"; got=$?
  [ "$got" = 2 ] || { fail "$1: eval exited $got, want 2: $(cat "$tmp/err")"; return; }
  [ "$(wc -l <"$tmp/err")" = 1 ] || fail "$1: not one line: $(cat "$tmp/err")"
  grep -q "$bad" "$tmp/err" || fail "$1: the message does not name the file: $(cat "$tmp/err")"
  [ -z "${2:-}" ] || grep -q -- "$2" "$tmp/err" || fail "$1: no '$2' in: $(cat "$tmp/err")"
}
: >"$bad"; refused "an empty file" "empty"
i=1
while [ $i -lt 64 ]; do
  head -c $i "$good" >"$bad"; refused "the first $i bytes"
  i=$((i + 1))
done
i=1
while [ $i -lt 50 ]; do
  head -c $((size * i / 50)) "$good" >"$bad"; refused "$i/50 of the file" "truncated"
  i=$((i + 1))
done
head -c $((size - 1)) "$good" >"$bad"; refused "all but the last byte" "truncated"
for at in 0 9 13 20 30 100 $((size / 3)) $((size / 2)) $((size - 20)) $((size - 1)); do
  cp "$good" "$bad"
  byte=$(od -An -tu1 -j "$at" -N1 "$bad" | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$bad" bs=1 seek="$at" conv=notrunc 2>/dev/null
  refused "byte $at changed"
done
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$bad"; refused "a PNG header" "not an rnntop checkpoint"
cp /bin/sh "$bad"; refused "/bin/sh" "not an rnntop checkpoint"
cp "$good" "$bad"; printf '\002' | dd of="$bad" bs=1 seek=8 conv=notrunc 2>/dev/null
refused "a newer format" "newer rnntop (format 2); this one reads up to 1"
bad="$tmp"; refused "a folder" "folder"

# ---- signals: finish the step, save, say where, exit 128+N -------------------------
for sig in INT TERM; do
  want=$([ $sig = INT ] && echo 130 || echo 143)
  "$RNNTOP" train $run --set train.checkpoint_dir="$tmp/sig$sig" --steps 10000000 >"$tmp/out" 2>&1 &
  pid=$!
  sleep 1
  kill -$sig $pid
  wait $pid; got=$?
  [ "$got" = "$want" ] || fail "SIG$sig: exited $got, want $want"
  grep -q "^checkpoint: step [0-9]* saved to $tmp/sig$sig/last.ckpt" "$tmp/out" ||
    fail "SIG$sig: no line saying where it saved: $(tail -n 3 "$tmp/out")"
  steps=$(sed -n 's/^done: steps=\([0-9]*\).*/\1/p' "$tmp/out")
  "$RNNTOP" eval --checkpoint "$tmp/sig$sig/last.ckpt" >"$tmp/eval" 2>&1 &&
    grep -q "(step $steps," "$tmp/eval" || fail "SIG$sig: last.ckpt is not step $steps: $(cat "$tmp/eval")"
done

# ---- a full disk (the file size limit stands in): the previous file stays -----------
cp "$tmp/b/last.ckpt" "$tmp/before.ckpt"
blocks=$((size / 2048 + 1))
(trap '' XFSZ; ulimit -f $blocks && exec "$RNNTOP" train --resume "$tmp/b/last.ckpt" --steps 3 --quiet) \
  >"$tmp/out" 2>"$tmp/err"; got=$?
[ "$got" = 1 ] || fail "saving onto a full disk exited $got, want 1: $(cat "$tmp/err")"
grep -q "cannot save checkpoint.*kept" "$tmp/err" || fail "no message for a failed save: $(cat "$tmp/err")"
cmp -s "$tmp/b/last.ckpt" "$tmp/before.ckpt" || fail "a failed save changed the previous last.ckpt"
ls "$tmp/b" | grep -q '\.tmp\.' && fail "a failed save left a temporary file: $(ls "$tmp/b")"

# ---- kill -9 during saves --------------------------------------------------------
kd="$tmp/kill"
loaded=0 i=0
while [ $i -lt 20 ]; do
  if [ -f "$kd/last.ckpt" ]; then from="--resume $kd/last.ckpt"; else from=""; fi
  "$RNNTOP" train $tiny --set model.hidden=64 --set model.layers=2 --set train.checkpoint_every=1 \
    --set train.checkpoint_dir="$kd" --set train.eval_every=3 $from --steps 100000 --quiet \
    >/dev/null 2>"$tmp/kerr" &
  pid=$!
  sleep "$(awk -v i=$i 'BEGIN { srand(i); printf "%.2f", 0.1 + rand() * 0.4 }')"
  kill -9 $pid
  wait $pid 2>/dev/null
  if [ -f "$kd/last.ckpt" ]; then
    "$RNNTOP" eval --checkpoint "$kd/last.ckpt" >/dev/null 2>"$tmp/err" ||
      fail "after kill -9 number $i, last.ckpt does not load: $(cat "$tmp/err")"
    [ -f "$kd/best.ckpt" ] && { "$RNNTOP" eval --checkpoint "$kd/best.ckpt" >/dev/null 2>&1 ||
      fail "after kill -9 number $i, best.ckpt does not load"; }
    loaded=$((loaded + 1))
  fi
  i=$((i + 1))
done
[ $loaded -ge 15 ] || fail "only $loaded of 20 killed runs had written last.ckpt"
echo "kill -9: $loaded of 20 runs left a last.ckpt, all load; folder: $(ls "$kd" | tr '\n' ' ')"

[ "$fails" = 0 ] || exit 1
echo "test_resume: all checks passed"
