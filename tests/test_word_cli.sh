#!/bin/sh
# test_word_cli: word-level mode end to end as a person uses it: train on a
# corpus made from a small word list, sample (every generated word is one of
# the list, spacing and line breaks are right), primes with known and
# unknown words, eval --baseline (the n-gram line, losses per token), resume
# from a word checkpoint, and configs/word.yaml.
. "${top_srcdir:-.}/tests/cli_lib.sh"
top_srcdir=${top_srcdir:-.}

# expect STATUS PATTERN CMD...: exit status and a message on stdout or stderr
expect() {
  want=$1 pattern=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
  [ "$got" = "$want" ] || fail "$* exited $got, want $want: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" "$tmp/out" || fail "$*: no '$pattern' in: $(cat "$tmp/out" "$tmp/err")"
}

# sentences of 3 to 6 words from a list (with an accented word and an
# apostrophe), a comma now and then, one sentence a line
words="the cat dog sat ran on a mat hat red big small fed don't őszi tűz fox jumped over lazy"
echo "$words" | tr ' ' '\n' >"$tmp/words.txt"
awk -v words="$words" 'BEGIN {
  n = split(words, w, " "); srand(7)
  for (s = 0; s < 2500; s++) {
    k = 3 + int(rand() * 4); line = ""
    for (i = 0; i < k; i++) {
      sep = (i == 0) ? "" : ((rand() < 0.1) ? ", " : " ")
      line = line sep w[1 + int(rand() * n)]
    }
    print line "."
  }
}' >"$tmp/corpus.txt"

run="--corpus $tmp/corpus.txt --set corpus.tokenize=word --set model.hidden=64 --set model.layers=1
 --set model.embedding=16 --set train.batch=16 --set train.seq_len=24 --set train.learning_rate=0.01
 --set train.eval_every=100 --set train.checkpoint_dir=$tmp/ck --set train.threads=1"

"$RNNTOP" train $run --steps 300 >"$tmp/train.out" 2>"$tmp/train.err" ||
  fail "train exited $?: $(cat "$tmp/train.err")"
grep -Eq '^done: steps=300 train_loss=[0-9.]+ val_loss=[0-9.]+ bpc=[0-9.]+ chars_per_sec=[0-9]+$' \
  "$tmp/train.out" || fail "no done line: $(tail -n 3 "$tmp/train.out")"
grep -q '^corpus: .*word level: [0-9]* tokens, 25 distinct with <unk>' "$tmp/train.out" ||
  fail "banner: $(head -n 1 "$tmp/train.out")"
grep -q '^word level: val_loss=[0-9.]* nats/token' "$tmp/train.out" || fail "no nats/token line"
sed -n 's/^done: .*val_loss=\([0-9.]*\) .*/\1/p' "$tmp/train.out" >"$tmp/val"
echo "word model: $(grep '^done:' "$tmp/train.out")"

# a sample: words from the list, one space between, a full stop ending each line
ck="$tmp/ck/last.ckpt"
"$RNNTOP" sample --checkpoint "$ck" --length 300 --temperature 0.5 --seed 3 >"$tmp/s.txt" 2>"$tmp/err" ||
  fail "sample exited $?: $(cat "$tmp/err")"
echo "word sample:"; head -n 4 "$tmp/s.txt"
tr ' .,\n' '\n\n\n\n' <"$tmp/s.txt" | grep -v '^$' | sort -u >"$tmp/seen.txt"
[ -s "$tmp/seen.txt" ] || fail "the sample has no words"
bad=$(grep -vxF -f "$tmp/words.txt" "$tmp/seen.txt")
[ -z "$bad" ] || fail "words not in the corpus: $bad"
# spacing: no double, leading or trailing spaces, none before punctuation;
# complete lines end with a full stop (the last line may be cut short)
sed '$d' "$tmp/s.txt" >"$tmp/lines.txt"
[ "$(grep -c '  \| [.,]\|^ \| $' "$tmp/s.txt")" = 0 ] ||
  fail "bad spacing: $(grep -n '  \| [.,]\|^ \| $' "$tmp/s.txt" | head -n 3)"
[ "$(grep -vc '\.$' "$tmp/lines.txt")" = 0 ] ||
  fail "lines without a full stop: $(grep -vn '\.$' "$tmp/lines.txt" | head -n 3)"

# primes: known words go on; an unknown word is an error naming it, or <unk>
expect 0 "" "$RNNTOP" sample --checkpoint "$ck" --length 20 --prime "the big cat "
head -c 12 "$tmp/out" | grep -q '^the big cat ' || fail "the prime is not echoed: $(cat "$tmp/out")"
# a prime longer than the tokeniser's window: every word still whole
long=$(awk 'BEGIN { for (i = 0; i < 20; i++) printf "the big cat sat on a mat, don\047t őszi tűz.\n" }')
expect 0 "" "$RNNTOP" sample --checkpoint "$ck" --length 5 --prime "$long"
expect 2 'word "zebra" at character 5' "$RNNTOP" sample --checkpoint "$ck" --length 5 --prime "the zebra"
expect 0 "" "$RNNTOP" sample --checkpoint "$ck" --length 5 --prime "the zebra" --unknown replace
expect 0 "" "$RNNTOP" sample --checkpoint "$ck" --length 5 --prime "the zebra" --unknown skip
expect 0 '"symbol":"' "$RNNTOP" sample --checkpoint "$ck" --length 3 --probs

# eval: the checkpoint's own split gives the val_loss training reported
expect 0 "^eval: val_loss=" "$RNNTOP" eval --checkpoint "$ck" --baseline --set train.baseline_order=3
grep -q "^eval: val_loss=$(cat "$tmp/val") " "$tmp/out" || fail "eval differs from training: $(cat "$tmp/out")"
grep -Eq '^baseline: 3-gram Kneser-Ney val_loss=[0-9.]+ bpc=[0-9.]+ perplexity=[0-9.]+ build_s=[0-9.]+ train_symbols=[0-9]+$' \
  "$tmp/out" || fail "no baseline line: $(cat "$tmp/out")"
grep -q '^word level: .*nats/token' "$tmp/out" || fail "eval: no nats/token line"
grep -q 'validation split: [0-9]* tokens' "$tmp/out" || fail "eval: no token count"
# another text with the model's vocabulary: unknown words read as <unk>
printf 'the zebra sat on a mat.\nthe cat ran.\n' >"$tmp/other.txt"
expect 0 "read as <unk>" "$RNNTOP" eval --checkpoint "$ck" --corpus "$tmp/other.txt" \
  --set corpus.val_fraction=0.5 --baseline

# resume from a word checkpoint
expect 0 "^done: steps=320 " "$RNNTOP" train $run --resume "$ck" --steps 20
# the preset
expect 0 "tokenize: word" "$RNNTOP" config -c "$top_srcdir/configs/word.yaml"

[ "$fails" = 0 ] || { echo "test_word_cli: $fails failures" >&2; exit 1; }
echo "test_word_cli: ok"
