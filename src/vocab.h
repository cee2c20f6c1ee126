/* vocab: the symbols a model knows and their ids.
 *
 * In character mode a symbol is a Unicode code point; the vocabulary is the
 * sorted set of code points of a corpus, so it is the same on every run.
 * In word mode (wordtok.h) a symbol is a word, punctuation mark or
 * whitespace run, id 0 is "<unk>" and ids 1.. are sorted by byte order. A Vocab owns its arrays; vocab_free
 * releases them. Read-only use is thread-safe. */
#ifndef RNNTOP_VOCAB_H
#define RNNTOP_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct Vocab {
    Tokenize kind;         /* TOKENIZE_CHAR or TOKENIZE_WORD (see wordtok.h) */
    int size;              /* number of symbols, V */
    uint32_t *codepoints;  /* char mode: size code points, ascending */
    char **words;          /* word mode: size NUL-terminated UTF-8 strings; NULL in char mode */
} Vocab;

/* Build a char vocabulary from a presence table of code points
 * (seen[cp] != 0 for cp in [0, 0x110000)). Returns 0 or -1 (out of memory). */
int vocab_from_presence(Vocab *v, const unsigned char *seen);

/* Build a char vocabulary from an explicit list (sorted and deduplicated
 * here). Returns 0, or -1 when out of memory, n < 0 or a value is not a
 * Unicode scalar value (v is then empty). */
int vocab_from_codepoints(Vocab *v, const uint32_t *cps, int n);

/* Id of a code point, or -1 if it is not in the vocabulary (or v is a word
 * vocabulary). O(log V). */
int vocab_find(const Vocab *v, uint32_t cp);

/* Word mode: id of the word s[0..len) (not NUL-terminated), or -1 if it
 * is not in the vocabulary (or v is a char vocabulary). Ids 1.. must be
 * sorted by byte order, as wordtok builds them; id 0 (<unk>) is never
 * found. O(log V). */
int vocab_find_word(const Vocab *v, const char *s, size_t len);

/* UTF-8 text of symbol id, NUL-terminated, into buf of cap bytes (>= 5 for
 * char mode). Returns its length in bytes, or -1 if id is out of range or
 * the text does not fit. */
int vocab_symbol_utf8(const Vocab *v, int id, char *buf, size_t cap);

/* The code points of symbol id (one in char mode, a word's in word mode)
 * into out (at most cap). Returns how many the symbol has (which may be
 * more than cap), 0 if id is out of range. */
int vocab_symbol_codepoints(const Vocab *v, int id, uint32_t *out, int cap);

/* 1 if both vocabularies hold the same symbols in the same order. */
int vocab_equal(const Vocab *a, const Vocab *b);

/* Describe how a and b differ ("only in A (2 symbols): 'x' U+0078, U+000A;
 * only in B (1 symbol): 'é' U+00E9") into msg (truncated to cap, ending in
 * "..." when cut). Symbols are described as by utf8_describe; words in
 * double quotes. At most 16 symbols per side are listed. */
void vocab_describe_diff(const Vocab *a, const Vocab *b, char *msg, size_t cap);

/* Deep copy into dst (which is overwritten, not freed). Returns 0 or -1
 * (out of memory; dst is then empty). */
int vocab_copy(Vocab *dst, const Vocab *src);

/* Release the arrays and leave v empty; safe on an empty or zeroed Vocab. */
void vocab_free(Vocab *v);

#endif
