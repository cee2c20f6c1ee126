#!/bin/sh
# test_train_cli: `rnntop train` and `rnntop bench` as a script uses them:
# the done/bench lines, the metrics file, exit statuses and messages for bad
# options, and validation loss below 2.5 nats on Tiny Shakespeare.
. "${top_srcdir:-.}/tests/cli_lib.sh"

# expect STATUS PATTERN CMD...: exit status and a message on stderr
expect() {
  want=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" "$tmp/out" || fail "$*: no '$pattern' in: $(cat "$tmp/err")"
}

awk 'BEGIN { srand(3); for (i = 0; i < 6000; i++) printf "%s", (rand() < 0.5 ? "the cat sat. " : "a dog ran! ") }' >"$tmp/small.txt"
tiny="--corpus $tmp/small.txt --set model.hidden=24 --set model.layers=1 --set train.batch=8 --set train.seq_len=16 --set train.eval_every=20 --set train.checkpoint_dir=$tmp/ckpt"

expect 0 "usage: rnntop" "$RNNTOP" --help
expect 0 "rnntop 0" "$RNNTOP" --version
expect 0 "usage: rnntop train" "$RNNTOP" train --help
expect 2 "unknown command 'trian'" "$RNNTOP" trian
expect 2 "unknown option '--stepz'" "$RNNTOP" train --stepz 5
expect 2 "model.hidden=abc" "$RNNTOP" train $tiny --set model.hidden=abc
expect 2 "did you mean 'model.hidden'" "$RNNTOP" train $tiny --set model.hiden=5
expect 2 "--steps 0" "$RNNTOP" train $tiny --steps 0
expect 2 "--time -1" "$RNNTOP" train $tiny --time -1
expect 2 "needs a value" "$RNNTOP" train $tiny --steps
expect 2 "$tmp/missing.txt" "$RNNTOP" train --corpus "$tmp/missing.txt" --steps 1
expect 2 "needs at least" "$RNNTOP" train $tiny --set train.batch=4000 --set train.seq_len=100 --steps 1

# a short run: progress lines, the done line, JSON-lines metrics
"$RNNTOP" train $tiny --steps 60 --metrics "$tmp/m.jsonl" >"$tmp/out" 2>"$tmp/err" ||
  fail "train exited $?: $(cat "$tmp/err")"
grep -Eq '^done: steps=60 train_loss=[0-9.]+ val_loss=[0-9.]+ bpc=[0-9.]+ chars_per_sec=[0-9]+$' "$tmp/out" ||
  fail "no done line: $(tail -n 3 "$tmp/out")"
grep -q '^step 10/60 ' "$tmp/out" || fail "no progress line for step 10"
grep -q 'threads\?' "$tmp/out" || fail "the BLAS thread count is not reported"
if command -v python3 >/dev/null 2>&1; then
  python3 - "$tmp/m.jsonl" <<'PY' || fail "metrics file is not as documented"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = {"step", "epoch", "train_loss", "lr", "grad_norm", "chars_per_sec", "elapsed_s"}
assert rows and all(keys <= set(r) for r in rows), rows[:2]
assert any("val_loss" in r for r in rows) and not all("val_loss" in r for r in rows)
assert [r["step"] for r in rows] == sorted(r["step"] for r in rows)
PY
fi

# --time bounds a run
"$RNNTOP" train $tiny --time 1 --quiet >"$tmp/out" 2>&1 || fail "train --time 1 failed"
grep -q '^done: steps=' "$tmp/out" || fail "train --time: no done line"

# bench
"$RNNTOP" bench $tiny --steps 5 >"$tmp/out" 2>&1 || fail "bench exited $?"
grep -Eq '^bench: chars_per_sec=[0-9]+ gflops=[0-9.]+ sgemm_peak_gflops=[0-9.]+$' "$tmp/out" ||
  fail "no bench line: $(tail -n 2 "$tmp/out")"

# real text: a few hundred steps on Tiny Shakespeare get below 2.5 nats
shakespeare=${SHARED_CORPORA:-../shared/corpora}/tinyshakespeare.txt
if [ -f "$shakespeare" ]; then
  "$RNNTOP" train --corpus "$shakespeare" --set model.hidden=128 --set model.layers=1 \
    --set train.batch=32 --set train.seq_len=64 --set train.eval_every=0 \
    --set train.checkpoint_dir="$tmp/ckpt2" --steps 350 --quiet >"$tmp/out" 2>"$tmp/err" ||
    fail "shakespeare run exited $?: $(cat "$tmp/err")"
  val=$(sed -n 's/^done:.* val_loss=\([0-9.]*\).*/\1/p' "$tmp/out")
  echo "tiny shakespeare after 350 steps: val_loss=$val"
  awk -v v="$val" 'BEGIN { exit !(v != "" && v < 2.5) }' || fail "validation loss $val is not below 2.5"
elif [ "${CI:-}" = true ]; then
  fail "$shakespeare is missing in CI"
else
  echo "skipping the Tiny Shakespeare run: $shakespeare not found"
fi

[ "$fails" = 0 ] || exit 1
echo "test_train_cli: all checks passed"
