#!/bin/sh
# test_sample_cli: `rnntop sample` as a person or a script uses it, on a
# checkpoint that `rnntop train` writes: streaming text, --probs JSON lines
# (escaping included), the --temperature list, --seed reproducibility,
# defaults from the checkpoint's config, the prime file, and exit status 2
# with a message for bad values and unknown prime symbols.
. "${top_srcdir:-.}/tests/cli_lib.sh"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# expect STATUS PATTERN CMD...: exit status and a message on stderr
expect() {
  want=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "$*: no '$pattern' in: $(cat "$tmp/err")"
}

# A corpus with symbols JSON must escape: quote, backslash, tab, newline, and Hungarian letters.
awk 'BEGIN { srand(4); for (i = 0; i < 3000; i++) printf "%s", (rand() < 0.5 ? "the \"cat\" sat\\ ő\n" : "a dog\tran é! ") }' >"$tmp/small.txt"
"$RNNTOP" train --corpus "$tmp/small.txt" --set model.hidden=24 --set model.layers=1 \
  --set train.batch=8 --set train.seq_len=16 --set train.eval_every=0 --steps 60 --quiet \
  --set train.checkpoint_dir="$tmp/ckpt" --set sample.prime="the " --set sample.length=37 \
  >"$tmp/train.out" 2>&1 || fail "train exited $?: $(cat "$tmp/train.out")"
ck="$tmp/ckpt/last.ckpt"
if [ ! -f "$ck" ]; then
  echo "FAIL: rnntop train wrote no $ck, so nothing can be sampled" >&2
  exit 1
fi
S="$RNNTOP sample --checkpoint $ck"

# defaults come from the checkpoint's config: prime "the ", 37 symbols
$S >"$tmp/out" 2>"$tmp/err" || fail "sample exited $?: $(cat "$tmp/err")"
case $(head -c 4 "$tmp/out") in "the ") ;; *) fail "the sample does not start with the checkpoint's prime: $(head -c 40 "$tmp/out")" ;; esac
$S --probs >"$tmp/out" 2>&1 || fail "sample --probs exited $?"
[ "$(wc -l <"$tmp/out")" -eq 37 ] || fail "--probs: $(wc -l <"$tmp/out") lines, want sample.length 37 from the checkpoint"
$S --length 5 --probs >"$tmp/out" 2>&1
[ "$(wc -l <"$tmp/out")" -eq 5 ] || fail "--length 5 does not override the checkpoint's length"
$S --set sample.length=4 --probs >"$tmp/out" 2>&1
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "--set sample.length=4 does not override the checkpoint's length"
printf 'sample:\n  length: 6\n' >"$tmp/six.yaml"
$S -c "$tmp/six.yaml" --probs >"$tmp/out" 2>&1
[ "$(wc -l <"$tmp/out")" -eq 6 ] || fail "an explicit --config does not override the checkpoint's length: $(head -c 300 "$tmp/out")"

# streaming: text arrives while a long sample is still being generated
$S --prime "a dog" --length 10000000 >"$tmp/stream" 2>&1 &
pid=$!
sleep 1
kill -0 "$pid" 2>/dev/null || fail "a 10M-symbol sample ended within a second"
size=$(wc -c <"$tmp/stream")
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
[ "$size" -gt 5 ] || fail "nothing streamed to stdout after a second ($size bytes)"
case $(head -c 5 "$tmp/stream") in "a dog") ;; *) fail "the stream does not start with the prime" ;; esac

# --seed: same seed, same text; another seed, other text
$S --length 300 --seed 7 --temperature 1 >"$tmp/a" 2>&1
$S --length 300 --seed 7 --temperature 1 >"$tmp/b" 2>&1
$S --length 300 --seed 8 --temperature 1 >"$tmp/c" 2>&1
cmp -s "$tmp/a" "$tmp/b" || fail "the same --seed gave different text"
cmp -s "$tmp/a" "$tmp/c" && fail "different seeds gave the same text"
$S --length 100 --greedy >"$tmp/a" 2>&1
$S --length 100 --temperature 0 --seed 99 >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" || fail "--greedy differs from --temperature 0"

# --temperature list: one sample per temperature, each under its header
$S --length 50 --temperature 0.2,0.5,1.0 >"$tmp/out" 2>"$tmp/err" || fail "temperature list exited $?"
for t in 0.2 0.5 1.0; do
  grep -qx -- "--- temperature $t ---" "$tmp/out" || fail "no header for temperature $t: $(head -c 200 "$tmp/out")"
done
[ "$(grep -c -- '^--- temperature' "$tmp/out")" -eq 3 ] || fail "not three headers"
[ "$(grep -A1 -- '^--- temperature' "$tmp/out" | grep -c '^the ')" -eq 3 ] || fail "each sample does not start with the prime"

# --probs: one valid JSON object per step; all symbols escaped correctly
if command -v python3 >/dev/null 2>&1; then
  $S --length 400 --temperature 100 --probs >"$tmp/probs" 2>"$tmp/err" || fail "--probs exited $?"
  python3 - "$tmp/probs" <<'PY' || fail "--probs lines are not as documented"
import json, sys
seen = set()
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    d = json.loads(line)
    assert d["step"] == i and len(d["symbol"]) == 1 and isinstance(d["id"], int), d
    assert 0 < d["p"] <= 1 and 0 < d["p_t1"] <= 1, d
    top = d["top"]
    assert len(top) == 10 and all({"symbol", "p", "p_t1"} <= set(t) for t in top), d
    ps = [t["p"] for t in top]
    assert ps == sorted(ps, reverse=True) and sum(ps) <= 1 + 1e-5, ps
    seen.add(d["symbol"])
    seen.update(t["symbol"] for t in top)
need = {'"', "\\", "\t", "\n", "\u0151", "\u00e9"}
assert need <= seen, need - seen
PY
  grep -q '\\u000a' "$tmp/probs" || fail "--probs does not write a newline as \\u000a"
  $S --length 5 --temperature 0.5,1 --probs >"$tmp/out" 2>&1
  python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; assert [d["temperature"] for d in r] == [0.5]*5 + [1]*5' \
    "$tmp/out" || fail "--probs with several temperatures"
else
  echo "python3 not found: --probs JSON not validated" >&2
fi

# --prime-file: a multi-line prime
printf 'the "cat"\nsat\\ ő\n' >"$tmp/prime.txt"
$S --prime-file "$tmp/prime.txt" --length 10 >"$tmp/out" 2>"$tmp/err" || fail "--prime-file exited $?: $(cat "$tmp/err")"
head -n 2 "$tmp/out" | cmp -s - "$tmp/prime.txt" || fail "the prime file is not echoed first"
printf 'the \377 cat' >"$tmp/bad.txt"
expect 2 "$tmp/bad.txt.*invalid UTF-8 at byte offset 4" $S --prime-file "$tmp/bad.txt"
expect 2 "$tmp/missing.txt" $S --prime-file "$tmp/missing.txt"
printf 'the cat Zed' >"$tmp/unknown.txt"
expect 2 "$tmp/unknown.txt.*'Z' U+005A at character 9" $S --prime-file "$tmp/unknown.txt"

# unknown prime symbols: named with their position, unless skipped or replaced
expect 2 "'Z' U+005A at character 5" $S --prime "the Zebra"
"$RNNTOP" sample --checkpoint "$ck" --prime "the Zebra" --unknown skip --length 5 >"$tmp/out" 2>&1 ||
  fail "--unknown skip exited $?"
"$RNNTOP" sample --checkpoint "$ck" --prime "the Zebra" --unknown replace --length 5 >"$tmp/out" 2>&1 ||
  fail "--unknown replace exited $?"

# bad values and usage
expect 2 "--temperature -1" $S --temperature -1
expect 2 "--temperature nan" $S --temperature nan
expect 2 "--temperature inf" $S --temperature inf
expect 2 "--top-p 0" $S --top-p 0
expect 2 "--top-p 1.5" $S --top-p 1.5
expect 2 "--top-k -1" $S --top-k -1
expect 2 "--length 0" $S --length 0
expect 2 "--unknown maybe" $S --unknown maybe
expect 2 "needs --checkpoint" "$RNNTOP" sample --length 5
expect 2 "$tmp/nope.ckpt" "$RNNTOP" sample --checkpoint "$tmp/nope.ckpt"
head -c 1000 "$ck" >"$tmp/cut.ckpt"
expect 2 "$tmp/cut.ckpt" "$RNNTOP" sample --checkpoint "$tmp/cut.ckpt"
$S --top-k 100000 --length 5 >/dev/null 2>"$tmp/err" || fail "top-k above the vocabulary size: $(cat "$tmp/err")"

# --novelty: a line after the sample with the share of copied n-grams
$S --novelty --length 200 >"$tmp/out" 2>"$tmp/err" || fail "--novelty exited $?: $(cat "$tmp/err")"
tail -n 1 "$tmp/out" | grep -Eq '^novelty: 8-gram copied=[01]\.[0-9]{3} 16-gram copied=[01]\.[0-9]{3}$' ||
  fail "--novelty: $(tail -n 2 "$tmp/out")"
$S --novelty --novelty-lengths 1,3 --length 50 2>&1 | tail -n 1 | grep -q '^novelty: 1-gram copied=1\.000 3-gram copied=' ||
  fail "--novelty-lengths 1,3: every symbol is in the training text"
expect 2 'novelty-lengths' $S --novelty --novelty-lengths 0
expect 2 'training text' $S --novelty --corpus "$tmp/no-such-file.txt"

[ "$fails" -eq 0 ] || { echo "test_sample_cli: $fails failures" >&2; exit 1; }
echo "test_sample_cli: all passed"
