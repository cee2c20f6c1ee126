/* vocab: building, comparing, copying and describing vocabularies (see
 * vocab.h). Char mode is complete here; word vocabularies are copied,
 * compared, described and freed, but built by the word tokeniser. */
#include "vocab.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define CP_LIMIT 0x110000u
#define DIFF_LIST_MAX 16

int vocab_from_presence(Vocab *v, const unsigned char *seen)
{
    int count = 0;
    memset(v, 0, sizeof *v);
    v->kind = TOKENIZE_CHAR;
    for (uint32_t cp = 0; cp < CP_LIMIT; cp++)
        count += seen[cp] != 0;
    if (count == 0)
        return 0;
    v->codepoints = malloc((size_t)count * sizeof *v->codepoints);
    if (!v->codepoints)
        return -1;
    for (uint32_t cp = 0; cp < CP_LIMIT; cp++)
        if (seen[cp])
            v->codepoints[v->size++] = cp;
    return 0;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

int vocab_from_codepoints(Vocab *v, const uint32_t *cps, int n)
{
    char enc[4];
    memset(v, 0, sizeof *v);
    v->kind = TOKENIZE_CHAR;
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (!utf8_encode(cps[i], enc))
            return -1;
    if (n == 0)
        return 0;
    v->codepoints = malloc((size_t)n * sizeof *v->codepoints);
    if (!v->codepoints)
        return -1;
    memcpy(v->codepoints, cps, (size_t)n * sizeof *cps);
    qsort(v->codepoints, (size_t)n, sizeof *v->codepoints, cmp_u32);
    v->size = 1;
    for (int i = 1; i < n; i++)
        if (v->codepoints[i] != v->codepoints[v->size - 1])
            v->codepoints[v->size++] = v->codepoints[i];
    return 0;
}

int vocab_find(const Vocab *v, uint32_t cp)
{
    int lo = 0, hi = v->size - 1;
    if (v->kind != TOKENIZE_CHAR || !v->codepoints)
        return -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (v->codepoints[mid] == cp)
            return mid;
        if (v->codepoints[mid] < cp)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* strcmp order of s[0..len) against the NUL-terminated w. */
static int cmp_len(const char *s, size_t len, const char *w)
{
    size_t i = 0;
    for (; i < len && w[i]; i++)
        if (s[i] != w[i])
            return (unsigned char)s[i] < (unsigned char)w[i] ? -1 : 1;
    if (i < len)
        return 1;
    return w[i] ? -1 : 0;
}

int vocab_find_word(const Vocab *v, const char *s, size_t len)
{
    int lo = 1, hi = v->size - 1;
    if (v->kind != TOKENIZE_WORD || !v->words)
        return -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = cmp_len(s, len, v->words[mid]);
        if (c == 0)
            return mid;
        if (c > 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int vocab_symbol_utf8(const Vocab *v, int id, char *buf, size_t cap)
{
    char enc[4];
    const char *text = enc;
    size_t len;
    if (id < 0 || id >= v->size)
        return -1;
    if (v->kind == TOKENIZE_WORD && v->words) {
        text = v->words[id];
        len = strlen(text);
    } else if (v->codepoints) {
        len = (size_t)utf8_encode(v->codepoints[id], enc);
    } else {
        return -1;
    }
    if (len == 0 || len + 1 > cap)
        return -1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    return (int)len;
}

int vocab_symbol_codepoints(const Vocab *v, int id, uint32_t *out, int cap)
{
    if (id < 0 || id >= v->size)
        return 0;
    if (v->kind != TOKENIZE_WORD || !v->words) {
        if (cap > 0 && v->codepoints)
            out[0] = v->codepoints[id];
        return v->codepoints ? 1 : 0;
    }
    const unsigned char *s = (const unsigned char *)v->words[id];
    size_t len = strlen(v->words[id]), at = 0;
    int n = 0;
    while (at < len) {
        uint32_t cp;
        int k = utf8_decode(s + at, len - at, &cp);
        if (n < cap)
            out[n] = k ? cp : 0xFFFD;
        n++;
        at += k ? (size_t)k : 1;
    }
    return n;
}

int vocab_equal(const Vocab *a, const Vocab *b)
{
    if (a->kind != b->kind || a->size != b->size)
        return 0;
    if (a->size == 0)
        return 1;
    if (a->kind == TOKENIZE_WORD) {
        for (int i = 0; i < a->size; i++)
            if (strcmp(a->words[i], b->words[i]) != 0)
                return 0;
        return 1;
    }
    return memcmp(a->codepoints, b->codepoints,
                  (size_t)a->size * sizeof *a->codepoints) == 0;
}

/* --- describing a difference ---------------------------------------------- */

typedef struct Out {
    char *p;
    size_t cap, len;
    int cut; /* ran out of room */
} Out;

static void out_add(Out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_add(Out *o, const char *fmt, ...)
{
    va_list ap;
    int r;
    if (o->cap == 0 || o->cut)
        return;
    va_start(ap, fmt);
    r = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    if ((size_t)r >= o->cap - o->len) {
        o->len = o->cap - 1;
        o->cut = 1;
        if (o->cap >= 4)
            memcpy(o->p + o->cap - 4, "...", 4);
    } else {
        o->len += (size_t)r;
    }
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Word mode: a sorted copy of v's word pointers (NULL when out of memory). */
static char **sorted_words(const Vocab *v)
{
    char **s = malloc(((size_t)v->size + 1) * sizeof *s);
    if (!s)
        return NULL;
    if (v->size)
        memcpy(s, v->words, (size_t)v->size * sizeof *s);
    qsort(s, (size_t)v->size, sizeof *s, cmp_str);
    return s;
}

/* 1 if symbol id of x is also in y (ysorted: y's words, sorted). */
static int in_other(const Vocab *x, int id, const Vocab *y, char **ysorted)
{
    if (x->kind == TOKENIZE_WORD)
        return bsearch(&x->words[id], ysorted, (size_t)y->size,
                       sizeof *ysorted, cmp_str) != NULL;
    return vocab_find(y, x->codepoints[id]) >= 0;
}

static void describe_symbol(const Vocab *v, int id, char *buf, size_t cap)
{
    if (v->kind == TOKENIZE_WORD)
        snprintf(buf, cap, "\"%s\"", v->words[id]);
    else
        utf8_describe(v->codepoints[id], buf, cap);
}

/* Append "only in LABEL (N symbols): s1, s2, ..." for x's symbols not in y. */
static int list_missing(Out *o, const char *label, const Vocab *x,
                        const Vocab *y, char **ysorted)
{
    int count = 0, shown = 0;
    char sym[64];
    for (int i = 0; i < x->size; i++)
        count += !in_other(x, i, y, ysorted);
    if (count == 0)
        return 0;
    out_add(o, "%sonly in %s (%d symbol%s): ", o->len ? "; " : "", label,
            count, count == 1 ? "" : "s");
    for (int i = 0; i < x->size && shown <= DIFF_LIST_MAX; i++) {
        if (in_other(x, i, y, ysorted))
            continue;
        if (shown++ == DIFF_LIST_MAX) {
            out_add(o, ", ...");
            break;
        }
        describe_symbol(x, i, sym, sizeof sym);
        out_add(o, "%s%s", shown > 1 ? ", " : "", sym);
    }
    return count;
}

static const char *kind_name(Tokenize t)
{
    return t == TOKENIZE_WORD ? "word" : "character";
}

void vocab_describe_diff(const Vocab *a, const Vocab *b, char *msg, size_t cap)
{
    Out o = {msg, cap, 0, 0};
    char **as = NULL, **bs = NULL;
    int found = 0;
    if (cap)
        msg[0] = '\0';
    if (a->kind != b->kind) {
        out_add(&o, "A is a %s vocabulary, B a %s vocabulary",
                kind_name(a->kind), kind_name(b->kind));
        return;
    }
    if (a->kind == TOKENIZE_WORD &&
        (!(as = sorted_words(a)) || !(bs = sorted_words(b)))) {
        out_add(&o, "the vocabularies differ (out of memory comparing them)");
    } else {
        found += list_missing(&o, "A", a, b, bs);
        found += list_missing(&o, "B", b, a, as);
        if (!found && vocab_equal(a, b))
            out_add(&o, "the vocabularies are identical");
        else if (!found)
            out_add(&o, "the same %d symbols in a different order", a->size);
    }
    free(as);
    free(bs);
}

/* --- ownership ------------------------------------------------------------ */

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int vocab_copy(Vocab *dst, const Vocab *src)
{
    Vocab v = {src->kind, src->size, NULL, NULL};
    size_t n = src->size > 0 ? (size_t)src->size : 0;
    memset(dst, 0, sizeof *dst);
    if (src->codepoints && n) {
        if (!(v.codepoints = malloc(n * sizeof *v.codepoints)))
            return -1;
        memcpy(v.codepoints, src->codepoints, n * sizeof *v.codepoints);
    }
    if (src->words) {
        if (!(v.words = calloc(n + 1, sizeof *v.words)))
            goto fail;
        for (size_t i = 0; i < n; i++)
            if (!(v.words[i] = dup_string(src->words[i])))
                goto fail;
    }
    *dst = v;
    return 0;
fail:
    vocab_free(&v);
    return -1;
}

void vocab_free(Vocab *v)
{
    if (v->words)
        for (int i = 0; i < v->size; i++)
            free(v->words[i]);
    free(v->words);
    free(v->codepoints);
    memset(v, 0, sizeof *v);
}
