/* wordtok: word-level tokenisation (corpus.tokenize: word). It owns the
 * rule that cuts decoded text into tokens and the word vocabulary built from
 * them; it does not read files (corpus.c does) or print.
 *
 * A token is, over code points (after the corpus's line-ending rules and
 * lowercasing):
 *   - a word: a maximal run of letters and digits (ASCII, Latin with its
 *     accents and extensions, IPA, combining marks, Greek, Cyrillic,
 *     Armenian, Hebrew, Arabic, Indic and South-East Asian scripts, Georgian,
 *     Hangul, full-width Latin). An apostrophe (U+0027 or U+2019) between
 *     two word characters stays inside the word: "don't" is one token;
 *   - a CJK ideograph or kana: one code point, one token (no spaces there);
 *   - a whitespace run: a maximal run of one and the same whitespace code
 *     point ("\n", "\n\n", " ", "  ", "\t"); newline and space are distinct
 *     tokens, so " \n" is two;
 *   - anything else (punctuation, symbols, emoji, controls): one code point.
 * Words and whitespace runs are cut every WORDTOK_MAX code points, so a
 * token is at most WORDTOK_MAX code points (4 * WORDTOK_MAX bytes).
 * Detokenising is concatenating token texts, so text whose tokens are all
 * in the vocabulary comes back byte for byte.
 *
 * The vocabulary: id WORDTOK_UNK (0) is the unknown-word token, shown as
 * "<unk>" (no text tokenises to it: "<", "unk", ">" are three tokens); ids
 * 1.. are the tokens seen at least min_count times, plus every single
 * whitespace code point seen, sorted by byte order (strcmp), so the same
 * text and min_count give the same vocabulary on every run. Encoding maps
 * an unknown whitespace run to the longest known runs of its code point
 * (so spacing survives min_count) and any other unknown token to <unk>.
 *
 * Pure functions over caller memory; thread-safe. */
#ifndef RNNTOP_WORDTOK_H
#define RNNTOP_WORDTOK_H

#include <stddef.h>
#include <stdint.h>

#include "vocab.h"

#define WORDTOK_MAX 64       /* longest token, in code points */
#define WORDTOK_UNK 0        /* id of the unknown-word token */
#define WORDTOK_UNK_TEXT "<unk>"

/* Character classes of the rule above. */
int wordtok_is_word_char(uint32_t cp);
int wordtok_is_space(uint32_t cp);
int wordtok_is_single(uint32_t cp);  /* CJK ideograph or kana */

/* Length in code points (1..WORDTOK_MAX) of the token that starts at
 * cps[i], i < n. */
int wordtok_len(const uint32_t *cps, int64_t n, int64_t i);

/* UTF-8 of the len code points cps into buf (>= 4 * len + 1 bytes),
 * NUL-terminated; returns the byte length. */
size_t wordtok_utf8(const uint32_t *cps, int len, char *buf);

/* Build a word vocabulary from cps[0..n) with min_count (>= 1) as above.
 * Returns 0, or -1 when out of memory (v is then empty). O(n) expected. */
int wordtok_build_vocab(Vocab *v, const uint32_t *cps, int64_t n, int min_count);

/* The ids of the token cps[0..len) (len from wordtok_len) into out (room
 * for len ids): returns how many (1, or several for a whitespace run cut
 * into known runs), or 0 when the token is unknown (the caller decides:
 * <unk>, skip or error). */
int wordtok_token_ids(const Vocab *v, const uint32_t *tok, int len, int32_t *out);

/* Tokenise cps[0..n) into ids with v, unknown tokens as WORDTOK_UNK. out
 * may be cps itself (ids never overtake the code points they replace).
 * Returns the number of ids; *unknown (if not NULL) gets how many tokens
 * were unknown and *first_unknown the code-point index of the first (-1). */
int64_t wordtok_encode(const Vocab *v, const uint32_t *cps, int64_t n, int32_t *out,
                       int64_t *unknown, int64_t *first_unknown);

#endif
