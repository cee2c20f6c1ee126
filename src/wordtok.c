/* wordtok: the word-level token rule, the word vocabulary and encoding
 * (see wordtok.h). Counting uses one open-addressing hash table of token
 * texts; nothing here is O(V^2). */
#include "wordtok.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* ---- character classes ---------------------------------------------------- */

typedef struct Range {
    uint32_t lo, hi;
} Range;

/* Letters, digits and combining marks of the scripts that separate words
 * with spaces, ascending. Not exhaustive Unicode, but the same on every
 * machine and in every locale. */
static const Range WORD_RANGES[] = {
    {'0', '9'},         {'A', 'Z'},         {'a', 'z'},         {0x00AA, 0x00AA},
    {0x00B2, 0x00B3},   {0x00B5, 0x00B5},   {0x00B9, 0x00BA},   {0x00BC, 0x00BE},
    {0x00C0, 0x00D6},   {0x00D8, 0x00F6},   {0x00F8, 0x02AF},   /* Latin-1, Extended, IPA */
    {0x0300, 0x036F},   /* combining diacritics */
    {0x0370, 0x0373},   {0x0376, 0x0377},   {0x037B, 0x037D},   {0x037F, 0x037F},
    {0x0386, 0x0386},   {0x0388, 0x03FF},   /* Greek */
    {0x0400, 0x0482},   {0x0483, 0x052F},   /* Cyrillic */
    {0x0531, 0x0556},   {0x0561, 0x0587},   /* Armenian */
    {0x0591, 0x05BD},   {0x05BF, 0x05BF},   {0x05C1, 0x05C2},   {0x05C4, 0x05C5},
    {0x05C7, 0x05C7},   {0x05D0, 0x05EA},   /* Hebrew */
    {0x0610, 0x061A},   {0x0620, 0x0669},   {0x066E, 0x06D3},   {0x06D5, 0x06DC},
    {0x06DF, 0x06E8},   {0x06EA, 0x06FC},   /* Arabic */
    {0x0900, 0x0963},   {0x0966, 0x096F},   {0x0971, 0x0DFF},   /* Indic */
    {0x0E01, 0x0E3A},   {0x0E40, 0x0E4E},   {0x0E50, 0x0E59},   /* Thai */
    {0x0E81, 0x0EDF},   /* Lao */
    {0x10A0, 0x10FF},   /* Georgian */
    {0x1100, 0x11FF},   /* Hangul Jamo */
    {0x1E00, 0x1FBC},   {0x1FC2, 0x1FCC},   {0x1FD0, 0x1FDB},   {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FFC},   /* Latin Extended Additional, Greek Extended */
    {0x2C60, 0x2C7F},   {0xA720, 0xA7FF},   {0xAB30, 0xAB6F},   /* more Latin */
    {0xAC00, 0xD7A3},   /* Hangul syllables */
    {0xFB00, 0xFB06},   /* Latin ligatures */
    {0xFF10, 0xFF19},   {0xFF21, 0xFF3A},   {0xFF41, 0xFF5A},   /* full-width */
};

static int in_ranges(uint32_t cp, const Range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int wordtok_is_word_char(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    return in_ranges(cp, WORD_RANGES, sizeof WORD_RANGES / sizeof WORD_RANGES[0]);
}

int wordtok_is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

int wordtok_is_single(uint32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

int wordtok_len(const uint32_t *cps, int64_t n, int64_t i)
{
    uint32_t c = cps[i];
    int64_t j = i + 1, end = n - i > WORDTOK_MAX ? i + WORDTOK_MAX : n;
    if (wordtok_is_space(c)) {
        while (j < end && cps[j] == c)
            j++;
    } else if (wordtok_is_word_char(c) && !wordtok_is_single(c)) {
        for (; j < end; j++) {
            if (wordtok_is_word_char(cps[j]))
                continue;
            if (is_apostrophe(cps[j]) && j + 1 < end && wordtok_is_word_char(cps[j + 1]))
                continue;
            break;
        }
    }
    return (int)(j - i);
}

size_t wordtok_utf8(const uint32_t *cps, int len, char *buf)
{
    size_t k = 0;
    for (int i = 0; i < len; i++)
        k += (size_t)utf8_encode(cps[i], buf + k);
    buf[k] = '\0';
    return k;
}

/* ---- counting ---------------------------------------------------------------- */

typedef struct Entry {
    uint64_t hash;
    size_t text;     /* offset of the NUL-terminated text in the arena */
    int64_t count;
} Entry;

typedef struct Counter {
    Entry *e;        /* cap slots; text == SIZE_MAX marks an empty one */
    size_t cap, n;
    char *arena;
    size_t arena_len, arena_cap;
} Counter;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;  /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

static int counter_init(Counter *c, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->cap = cap;
    c->e = malloc(cap * sizeof *c->e);
    c->arena_cap = 1 << 16;
    c->arena = malloc(c->arena_cap);
    if (!c->e || !c->arena)
        return -1;
    for (size_t i = 0; i < cap; i++)
        c->e[i].text = SIZE_MAX;
    return 0;
}

static void counter_free(Counter *c)
{
    free(c->e);
    free(c->arena);
    memset(c, 0, sizeof *c);
}

static int counter_grow(Counter *c)
{
    Counter g = *c;
    g.cap = c->cap * 2;
    g.e = malloc(g.cap * sizeof *g.e);
    if (!g.e)
        return -1;
    for (size_t i = 0; i < g.cap; i++)
        g.e[i].text = SIZE_MAX;
    for (size_t i = 0; i < c->cap; i++) {
        if (c->e[i].text == SIZE_MAX)
            continue;
        size_t at = c->e[i].hash & (g.cap - 1);
        while (g.e[at].text != SIZE_MAX)
            at = (at + 1) & (g.cap - 1);
        g.e[at] = c->e[i];
    }
    free(c->e);
    *c = g;
    return 0;
}

/* Add one occurrence of s[0..n). Returns 0 or -1 (out of memory). */
static int counter_add(Counter *c, const char *s, size_t n)
{
    uint64_t h = hash_bytes(s, n);
    size_t at = h & (c->cap - 1);
    for (; c->e[at].text != SIZE_MAX; at = (at + 1) & (c->cap - 1)) {
        Entry *e = &c->e[at];
        if (e->hash == h && strcmp(c->arena + e->text, s) == 0) {
            e->count++;
            return 0;
        }
    }
    if (c->arena_len + n + 1 > c->arena_cap) {
        size_t cap = c->arena_cap * 2 + n + 1;
        char *bigger = realloc(c->arena, cap);
        if (!bigger)
            return -1;
        c->arena = bigger;
        c->arena_cap = cap;
    }
    memcpy(c->arena + c->arena_len, s, n + 1);
    c->e[at] = (Entry){h, c->arena_len, 1};
    c->arena_len += n + 1;
    if (++c->n * 2 > c->cap)
        return counter_grow(c);
    return 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A single whitespace code point: always kept, so spacing never becomes <unk>. */
static int single_space(const char *s)
{
    uint32_t cp;
    size_t n = strlen(s);
    int k = utf8_decode((const unsigned char *)s, n, &cp);
    return k > 0 && (size_t)k == n && wordtok_is_space(cp);
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* The vocabulary from the counted tokens: <unk>, then the kept ones sorted. */
static int vocab_from_counter(Vocab *v, const Counter *c, int min_count)
{
    size_t kept = 0;
    memset(v, 0, sizeof *v);
    v->kind = TOKENIZE_WORD;
    v->words = calloc(c->n + 2, sizeof *v->words);
    if (!v->words)
        return -1;
    v->size = 1;
    if (!(v->words[0] = dup_text(WORDTOK_UNK_TEXT)))
        goto fail;
    for (size_t i = 0; i < c->cap; i++) {
        const Entry *e = &c->e[i];
        if (e->text == SIZE_MAX ||
            !(e->count >= min_count || single_space(c->arena + e->text)))
            continue;
        if (!(v->words[1 + kept] = dup_text(c->arena + e->text)))
            goto fail;
        kept++;
        v->size++;
    }
    qsort(v->words + 1, kept, sizeof *v->words, cmp_str);
    return 0;
fail:
    vocab_free(v);
    return -1;
}

int wordtok_build_vocab(Vocab *v, const uint32_t *cps, int64_t n, int min_count)
{
    Counter c;
    char buf[4 * WORDTOK_MAX + 1];
    int rc = -1;
    memset(v, 0, sizeof *v);
    if (counter_init(&c, 1 << 12) == 0) {
        rc = 0;
        for (int64_t i = 0; i < n && rc == 0;) {
            int len = wordtok_len(cps, n, i);
            size_t k = wordtok_utf8(cps + i, len, buf);
            rc = counter_add(&c, buf, k);
            i += len;
        }
        if (rc == 0)
            rc = vocab_from_counter(v, &c, min_count < 1 ? 1 : min_count);
    }
    counter_free(&c);
    return rc;
}

/* ---- encoding ------------------------------------------------------------------- */

/* Id of the whitespace run of len copies of cp, or -1. */
static int32_t space_run_id(const Vocab *v, uint32_t cp, int len)
{
    char buf[4 * WORDTOK_MAX + 1], enc[4];
    int k = utf8_encode(cp, enc);
    for (int i = 0; i < len; i++)
        memcpy(buf + (size_t)i * k, enc, (size_t)k);
    return vocab_find_word(v, buf, (size_t)len * k);
}

int wordtok_token_ids(const Vocab *v, const uint32_t *tok, int len, int32_t *out)
{
    char buf[4 * WORDTOK_MAX + 1];
    size_t k = wordtok_utf8(tok, len, buf);
    int32_t id = vocab_find_word(v, buf, k);
    if (id >= 0) {
        out[0] = id;
        return 1;
    }
    if (!wordtok_is_space(tok[0]))
        return 0;
    /* an unknown whitespace run: the longest known runs of its code point */
    int n = 0;
    for (int left = len; left > 0;) {
        int take = left;
        while (take > 0 && (id = space_run_id(v, tok[0], take)) < 0)
            take--;
        if (take == 0)
            return 0;
        out[n++] = id;
        left -= take;
    }
    return n;
}

int64_t wordtok_encode(const Vocab *v, const uint32_t *cps, int64_t n, int32_t *out,
                       int64_t *unknown, int64_t *first_unknown)
{
    int32_t ids[WORDTOK_MAX];
    int64_t k = 0, unk = 0, first = -1;
    for (int64_t i = 0; i < n;) {
        int len = wordtok_len(cps, n, i);
        int m = wordtok_token_ids(v, cps + i, len, ids);
        if (m == 0) {
            ids[0] = WORDTOK_UNK;
            m = 1;
            if (unk++ == 0)
                first = i;
        }
        memcpy(out + k, ids, sizeof *ids * (size_t)m);  /* k + m <= i + len */
        k += m;
        i += len;
    }
    if (unknown)
        *unknown = unk;
    if (first_unknown)
        *first_unknown = first;
    return k;
}
