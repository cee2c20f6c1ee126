/* utf8: decoding and encoding UTF-8 code points, plus the small code point
 * helpers the rest of the engine shares (lowercasing, describing a symbol in
 * a message). Pure functions, no state, no allocation; thread-safe. */
#ifndef RNNTOP_UTF8_H
#define RNNTOP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s[0..n). Returns the number of bytes used
 * (1..4) and stores the code point, or returns 0 for an invalid sequence
 * (overlong form, surrogate, above U+10FFFF, bad continuation, or truncated
 * at the end of the buffer); *cp is then undefined. n must be > 0. */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Why the sequence at s[0..n) is invalid, in a few words ("overlong form",
 * "surrogate", "above U+10FFFF", "truncated", "bad continuation byte",
 * "unexpected continuation byte", "invalid byte"). Only meaningful when
 * utf8_decode returned 0. */
const char *utf8_invalid_reason(const unsigned char *s, size_t n);

/* Encode cp into out (no NUL added). Returns 1..4 bytes, or 0 if cp is
 * not a Unicode scalar value. */
int utf8_encode(uint32_t cp, char out[4]);

/* 1 if s[0..n) is entirely valid UTF-8. */
int utf8_valid(const char *s, size_t n);

/* Lowercase one code point, the same way in every locale (towlower is not
 * used because it depends on the locale, and the vocabulary must not).
 * Covers ASCII, Latin-1 Supplement, Latin Extended-A (so all of Hungarian,
 * German, French, Polish, Czech...), basic Greek (U+0391..U+03AB) and
 * Cyrillic (U+0400..U+042F); any other code point is returned unchanged. */
uint32_t utf8_tolower(uint32_t cp);

/* Describe a code point for a message, NUL-terminated, into buf (cap bytes;
 * 24 is always enough): a printable one as the character in quotes and its
 * number ("'x' U+0078", "'ő' U+0151"), a control, format or combining one
 * only by number ("U+000A"). Returns the length written. */
int utf8_describe(uint32_t cp, char *buf, size_t cap);

#endif
