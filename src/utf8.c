/* utf8: strict UTF-8 decoding (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), encoding, and the code point helpers declared in
 * utf8.h. Knows nothing of files, lines or vocabularies. */
#include "utf8.h"

#include <stdio.h>

/* Outcomes of scan(): a length 1..4, or one of these reasons (<= 0). */
enum {
    BAD_OVERLONG = 0,
    BAD_SURROGATE = -1,
    BAD_ABOVE = -2,
    BAD_TRUNCATED = -3,
    BAD_CONTINUATION = -4,
    BAD_UNEXPECTED = -5,
    BAD_BYTE = -6
};

/* Decode s[0..n) into *cp; returns the length or a BAD_ reason. */
static int scan(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    int len;
    uint32_t v, min;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xC0)
        return BAD_UNEXPECTED;
    if (b < 0xE0) {
        len = 2, v = b & 0x1Fu, min = 0x80;
    } else if (b < 0xF0) {
        len = 3, v = b & 0x0Fu, min = 0x800;
    } else if (b < 0xF8) {
        len = 4, v = b & 0x07u, min = 0x10000;
    } else {
        return BAD_BYTE;
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return BAD_TRUNCATED;
        if ((s[i] & 0xC0u) != 0x80u)
            return BAD_CONTINUATION;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min)
        return BAD_OVERLONG;
    if (v >= 0xD800 && v <= 0xDFFF)
        return BAD_SURROGATE;
    if (v > 0x10FFFF)
        return BAD_ABOVE;
    *cp = v;
    return len;
}

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    int r = scan(s, n, cp);
    return r > 0 ? r : 0;
}

const char *utf8_invalid_reason(const unsigned char *s, size_t n)
{
    uint32_t cp;
    switch (scan(s, n, &cp)) {
    case BAD_OVERLONG: return "overlong form";
    case BAD_SURROGATE: return "surrogate";
    case BAD_ABOVE: return "above U+10FFFF";
    case BAD_TRUNCATED: return "truncated";
    case BAD_CONTINUATION: return "bad continuation byte";
    case BAD_UNEXPECTED: return "unexpected continuation byte";
    case BAD_BYTE: return "invalid byte";
    default: return "valid";
    }
}

int utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        int k = utf8_decode(p + i, n - i, &cp);
        if (!k)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

/* Latin Extended-A (U+0100..U+017F): mostly upper/lower pairs. */
static uint32_t lower_latin_ext_a(uint32_t cp)
{
    if (cp == 0x130)
        return 'i'; /* İ: dotted capital I */
    if (cp == 0x178)
        return 0xFF; /* Ÿ */
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1) ? cp + 1 : cp;
    if (cp <= 0x137 || (cp >= 0x14A && cp <= 0x177))
        return (cp & 1) ? cp : cp + 1;
    return cp; /* ı ĸ ŉ ſ have no lowercase of their own */
}

uint32_t utf8_tolower(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    if (cp <= 0xDE)
        return cp == 0xD7 ? cp : cp + 32; /* U+00D7 is the multiplication sign */
    if (cp >= 0x100 && cp <= 0x17F)
        return lower_latin_ext_a(cp);
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
        return cp + 32; /* Greek capitals; U+03A2 is unassigned */
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80; /* Cyrillic Ѐ..Џ */
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32; /* Cyrillic А..Я */
    return cp;
}

/* 0 for code points that would not show as themselves between quotes:
 * controls, combining marks, invisible format characters, line/paragraph
 * separators, noncharacters and anything that is not a scalar value. */
static int printable(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xAD)
        return 0;
    if (cp >= 0x300 && cp <= 0x36F)
        return 0;
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
        (cp >= 0x2060 && cp <= 0x206F))
        return 0;
    if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB))
        return 0;
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return cp <= 0x10FFFF;
}

int utf8_describe(uint32_t cp, char *buf, size_t cap)
{
    char enc[4];
    int k = printable(cp) ? utf8_encode(cp, enc) : 0;
    int r = k ? snprintf(buf, cap, "'%.*s' U+%04X", k, enc, (unsigned)cp)
              : snprintf(buf, cap, "U+%04X", (unsigned)cp);
    if (r < 0)
        return 0;
    return (size_t)r < cap ? r : (cap ? (int)cap - 1 : 0);
}
