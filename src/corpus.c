/* corpus: reading a text file (mmap, or read(2) as a fallback), decoding it
 * to code points with its line-ending rules, building the vocabulary, the id
 * array and the train/validation split (see corpus.h). Owns no global state. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "corpus.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utf8.h"
#include "wordtok.h"

#define CP_LIMIT 0x110000

/* --- the bytes of a file ----------------------------------------------- */

typedef struct FileBytes {
    const unsigned char *p; /* n bytes: into map or heap */
    int64_t n;
    void *map;              /* mmap'ed region (map_len bytes), or NULL */
    size_t map_len;
    unsigned char *heap;    /* read(2) buffer, or NULL */
} FileBytes;

static void file_release(FileBytes *fb)
{
    if (fb->map)
        munmap(fb->map, fb->map_len);
    free(fb->heap);
    memset(fb, 0, sizeof *fb);
}

static int open_error(const char *path, int e, RnnError *err)
{
    if (e == ENOENT || e == ENOTDIR)
        return err_set(err, RNN_ERR_INPUT, "%s: no such file", path);
    if (e == EACCES || e == EPERM)
        return err_set(err, RNN_ERR_INPUT,
                       "%s: permission denied: the file cannot be read", path);
    return err_set(err, (e == ELOOP || e == ENAMETOOLONG) ? RNN_ERR_INPUT
                                                          : RNN_ERR_RUNTIME,
                   "%s: cannot open: %s", path, strerror(e));
}

static int oom_error(const char *path, int64_t bytes, RnnError *err)
{
    return err_set(err, RNN_ERR_RUNTIME,
                   "%s: out of memory loading the corpus (%lld MiB needed)",
                   path, (long long)(bytes >> 20) + 1);
}

/* Read fd to its end into a heap buffer; hint is the expected size. */
static int read_fd(int fd, const char *path, int64_t hint, FileBytes *fb,
                   RnnError *err)
{
    size_t cap = (hint > 0 ? (size_t)hint : 65536) + 1, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        ssize_t r = buf ? read(fd, buf + len, cap - len) : 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            return err_set(err, e == EISDIR ? RNN_ERR_INPUT : RNN_ERR_RUNTIME,
                           "%s: read error: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap) { /* full: the file is longer than the hint */
            unsigned char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                free(buf);
            buf = bigger;
            cap *= 2;
        }
    }
    if (!buf)
        return oom_error(path, (int64_t)cap, err);
    fb->heap = buf;
    fb->p = buf;
    fb->n = (int64_t)len;
    return 0;
}

/* A regular file: mmap it whole, or read it when mmap is refused. */
static int map_regular(int fd, const char *path, int64_t size, FileBytes *fb,
                       RnnError *err)
{
    void *m;
    if (size <= 0 || (uint64_t)size > (uint64_t)SIZE_MAX)
        return read_fd(fd, path, 0, fb, err); /* e.g. /proc files say 0 */
    m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return read_fd(fd, path, size, fb, err);
    posix_madvise(m, (size_t)size, POSIX_MADV_SEQUENTIAL);
    fb->map = m;
    fb->map_len = (size_t)size;
    fb->p = m;
    fb->n = size;
    return 0;
}

/* Open path and get its bytes; every failure is one message naming it. */
static int file_bytes(const char *path, FileBytes *fb, RnnError *err)
{
    struct stat st;
    int fd, rc;
    memset(fb, 0, sizeof *fb);
    if (!path[0])
        return err_set(err, RNN_ERR_INPUT, "no corpus file given: set "
                       "corpus.path or use --corpus FILE");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_error(path, errno, err);
    if (fstat(fd, &st) != 0) {
        rc = err_set(err, RNN_ERR_RUNTIME, "%s: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = err_set(err, RNN_ERR_INPUT,
                     "%s: is a directory, not a text file", path);
    } else if (S_ISREG(st.st_mode)) {
        rc = map_regular(fd, path, (int64_t)st.st_size, fb, err);
    } else {
        rc = read_fd(fd, path, 0, fb, err); /* a pipe or a device */
    }
    close(fd);
    return rc;
}

/* --- decoding -------------------------------------------------------------- */

typedef struct Decoder {
    const unsigned char *s;
    int64_t n, pos;     /* bytes, and the offset of the next one */
    int64_t line;       /* 1-based line of pos */
    int64_t line_start; /* offset of the first byte of that line */
} Decoder;

static void decoder_init(Decoder *d, const unsigned char *s, int64_t n)
{
    d->s = s;
    d->n = n;
    d->pos = (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
    d->line = 1;
    d->line_start = d->pos;
}

/* Next code point into *cp: 1, or 0 at the end, or -1 for invalid UTF-8 at
 * d->pos (left unchanged). CRLF and a lone CR come out as one LF. */
static inline int decoder_next(Decoder *d, uint32_t *cp)
{
    unsigned char b;
    if (d->pos >= d->n)
        return 0;
    b = d->s[d->pos];
    if (b >= 0x80) {
        int k = utf8_decode(d->s + d->pos, (size_t)(d->n - d->pos), cp);
        if (!k)
            return -1;
        d->pos += k;
        return 1;
    }
    d->pos++;
    if (b == '\r') {
        if (d->pos < d->n && d->s[d->pos] == '\n')
            d->pos++;
        b = '\n';
    }
    if (b == '\n') {
        d->line++;
        d->line_start = d->pos;
    }
    *cp = b;
    return 1;
}

/* 1-based column (in code points) of d->pos; the bytes before are valid. */
static int64_t decoder_column(const Decoder *d)
{
    int64_t col = 1;
    for (int64_t i = d->line_start; i < d->pos; i++)
        col += (d->s[i] & 0xC0) != 0x80;
    return col;
}

static int invalid_error(const Decoder *d, const char *path, RnnError *err)
{
    const char *why = utf8_invalid_reason(d->s + d->pos,
                                          (size_t)(d->n - d->pos));
    return err_set(err, RNN_ERR_INPUT,
                   "%s: invalid UTF-8 at byte offset %lld (line %lld, column "
                   "%lld): %s; convert the file to UTF-8, e.g. iconv -f "
                   "WINDOWS-1252 -t UTF-8 %s > %s.utf8",
                   path, (long long)d->pos, (long long)d->line,
                   (long long)decoder_column(d), why, path, path);
}

/* Decode the whole file into cps (room for fb->n; NULL only counts); *n
 * gets the count. */
static int decode_file(const FileBytes *fb, const char *path, int lowercase,
                       int32_t *cps, int64_t *n, RnnError *err)
{
    Decoder d;
    uint32_t cp;
    int64_t k = 0;
    int r;
    decoder_init(&d, fb->p, fb->n);
    while ((r = decoder_next(&d, &cp)) > 0) {
        if (cp == 0) {
            d.pos--; /* point at the NUL itself */
            return err_set(err, RNN_ERR_INPUT,
                           "%s: NUL byte at byte offset %lld (line %lld, "
                           "column %lld): this is a binary file, not text",
                           path, (long long)d.pos, (long long)d.line,
                           (long long)decoder_column(&d));
        }
        if (cps)
            cps[k] = (int32_t)(lowercase ? utf8_tolower(cp) : cp);
        k++;
    }
    if (r < 0)
        return invalid_error(&d, path, err);
    *n = k;
    return 0;
}

/* Byte offset, line and column of symbol number index (re-decodes). */
static void locate_symbol(const FileBytes *fb, int64_t index, int64_t *off,
                          int64_t *line, int64_t *col)
{
    Decoder d;
    uint32_t cp;
    decoder_init(&d, fb->p, fb->n);
    for (int64_t i = 0; i < index && decoder_next(&d, &cp) > 0; i++)
        ;
    *off = d.pos;
    *line = d.line;
    *col = decoder_column(&d);
}

/* --- from code points to ids ------------------------------------------- */

/* Replace each code point in ids[0..n) by its id in v. Returns -1 when out
 * of memory, else the index of the first code point not in v (left as it
 * is), or n when all are known. */
static int64_t map_to_ids(int32_t *ids, int64_t n, const Vocab *v)
{
    int32_t *table = malloc(CP_LIMIT * sizeof *table);
    int64_t i;
    if (!table)
        return -1;
    memset(table, 0xFF, CP_LIMIT * sizeof *table); /* all -1 */
    for (int id = 0; id < v->size; id++)
        table[v->codepoints[id]] = id;
    for (i = 0; i < n && table[ids[i]] >= 0; i++)
        ids[i] = table[ids[i]];
    free(table);
    return i;
}

/* Build c->vocab from the code points in c->ids, then map them to ids. */
static int index_symbols(Corpus *c, RnnError *err)
{
    unsigned char *seen = calloc(CP_LIMIT, 1);
    int rc;
    if (!seen)
        return oom_error(c->path, CP_LIMIT, err);
    for (int64_t i = 0; i < c->n; i++)
        seen[c->ids[i]] = 1;
    rc = vocab_from_presence(&c->vocab, seen);
    free(seen);
    if (rc != 0 || map_to_ids(c->ids, c->n, &c->vocab) != c->n)
        return oom_error(c->path, (int64_t)CP_LIMIT * 4, err);
    return 0;
}

static void split(Corpus *c, double val_fraction)
{
    /* floor(n * (1 - f)); the small bias keeps exact products such as
     * 100 * 0.9 = 89.99999... from losing a symbol to rounding */
    int64_t n_train = (int64_t)((double)c->n * (1.0 - val_fraction) + 1e-6);
    if (n_train > c->n)
        n_train = c->n;
    if (n_train < 1)
        n_train = 1;
    c->n_train = n_train;
    c->n_val = c->n - n_train;
}

/* --- loading ------------------------------------------------------------- */

/* Word mode: tokenise the code points in c->ids (wordtok.h), build the word
 * vocabulary with cfg->min_count and replace them by token ids. */
static int index_words(Corpus *c, const CorpusConfig *cfg, RnnError *err)
{
    const uint32_t *cps = (const uint32_t *)c->ids;
    if (wordtok_build_vocab(&c->vocab, cps, c->n, cfg->min_count) != 0)
        return oom_error(c->path, c->n * 8, err);
    c->n = wordtok_encode(&c->vocab, cps, c->n, c->ids, &c->unknown, NULL);
    int32_t *fit = realloc(c->ids, (size_t)c->n * sizeof *c->ids);
    c->ids = fit ? fit : c->ids;
    return 0;
}

static int check_config(const CorpusConfig *cfg, RnnError *err)
{
    if (!(cfg->val_fraction >= 0.0 && cfg->val_fraction < 1.0))
        return err_set(err, RNN_ERR_INPUT, "corpus.val_fraction must be in "
                       "[0, 1), not %g", cfg->val_fraction);
    return 0;
}

/* --- memory ----------------------------------------------------------------- */

/* A number from a line "key value" of a /proc or /sys file, or -1. */
static double read_number(const char *path, const char *key)
{
    char line[256];
    double v = -1;
    size_t klen = strlen(key);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0) {
            char *end;
            double x = strtod(line + klen, &end);
            v = end != line + klen ? x : -1;
            break;
        }
    fclose(f);
    return v;
}

/* Bytes this process can still allocate, about: MemAvailable (physical
 * memory when /proc cannot tell), capped by a cgroup v2 limit and by the
 * address-space limit (ulimit -v) less what is mapped already. */
static double memory_available(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double avail = read_number("/proc/meminfo", "MemAvailable:") * 1024.0;
    if (avail < 0)
        avail = pages > 0 && page > 0 ? (double)pages * (double)page : 1e18;
    double cg_max = read_number("/sys/fs/cgroup/memory.max", "");
    double cg_cur = read_number("/sys/fs/cgroup/memory.current", "");
    if (cg_max > 0 && cg_cur >= 0 && cg_max - cg_cur < avail)
        avail = cg_max > cg_cur ? cg_max - cg_cur : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && page > 0) {
        double mapped = read_number("/proc/self/statm", "") * (double)page;
        double left = (double)rl.rlim_cur - (mapped > 0 ? mapped : 0);
        if (left < avail)
            avail = left > 0 ? left : 0;
    }
    return avail;
}

/* Before the ids are allocated (4 bytes per symbol): *cap gets how many to
 * allocate room for, and a corpus whose ids would not fit in the memory
 * available is refused with a message naming both sizes. The file size
 * bounds the symbol count; only when that bound does not fit is the file
 * decoded once without storing to count exactly (which reports invalid
 * UTF-8 or a NUL byte first, so a binary file fails fast either way). */
static int check_memory(const FileBytes *fb, const char *path, int lowercase, int64_t *cap,
                        RnnError *err)
{
    const double GiB = 1073741824.0, tables = (double)CP_LIMIT * 5; /* vocabulary lookups */
    double avail = memory_available();
    *cap = fb->n;
    if ((double)fb->n * 4 + tables <= avail)
        return 0;
    if (decode_file(fb, path, lowercase, NULL, cap, err))
        return -1;
    double need = (double)*cap * 4 + tables;
    if (need <= avail)
        return 0;
    return err_set(err, RNN_ERR_INPUT,
                   "%s: %.2f GiB of text, %lld symbols: loading it needs about %.2f GiB of "
                   "memory (4 bytes per symbol), but only %.2f GiB is available; train on a "
                   "part of it (e.g. head -c 500M %s > part.txt) or free memory",
                   path, (double)fb->n / GiB, (long long)*cap, need / GiB, avail / GiB, path);
}

/* Read and decode cfg->path into c->ids as code points; fb stays open for
 * locating symbols. On failure c and fb are released. */
static int read_codepoints(Corpus *c, const CorpusConfig *cfg, FileBytes *fb,
                           RnnError *err)
{
    snprintf(c->path, sizeof c->path, "%s", cfg->path);
    if (file_bytes(c->path, fb, err) != 0)
        return -1;
    c->bytes = fb->n;
    int64_t cap;
    if (check_memory(fb, c->path, cfg->lowercase, &cap, err)) {
        /* err says why */
    } else if ((uint64_t)cap > SIZE_MAX / sizeof *c->ids ||
        !(c->ids = malloc((size_t)(cap ? cap : 1) * sizeof *c->ids))) {
        oom_error(c->path, cap * 4, err);
    } else if (decode_file(fb, c->path, cfg->lowercase, c->ids, &c->n,
                           err) == 0) {
        if (c->n > 0) {
            int32_t *fit = realloc(c->ids, (size_t)c->n * sizeof *c->ids);
            c->ids = fit ? fit : c->ids;
            return 0;
        }
        err_set(err, RNN_ERR_INPUT, "%s: the file is empty; a corpus needs "
                "UTF-8 text", c->path);
    }
    file_release(fb);
    corpus_free(c);
    return -1;
}

int corpus_load(Corpus *c, const CorpusConfig *cfg, RnnError *err)
{
    FileBytes fb;
    memset(c, 0, sizeof *c);
    if (check_config(cfg, err) || read_codepoints(c, cfg, &fb, err))
        return -1;
    file_release(&fb);
    if (cfg->tokenize == TOKENIZE_WORD ? index_words(c, cfg, err) : index_symbols(c, err))
        goto fail;
    if (c->vocab.kind == TOKENIZE_WORD && c->n < 2) {
        err_set(err, RNN_ERR_INPUT, "%s: the text is a single word-level token; a language "
                "model needs at least two", c->path);
        goto fail;
    }
    if (c->vocab.kind == TOKENIZE_CHAR && c->vocab.size < 2) {
        char sym[32];
        utf8_describe(c->vocab.codepoints[0], sym, sizeof sym);
        err_set(err, RNN_ERR_INPUT, "%s: the text has only one distinct "
                "symbol (%s); a language model needs at least two", c->path,
                sym);
        goto fail;
    }
    split(c, cfg->val_fraction);
    return 0;
fail:
    corpus_free(c);
    return -1;
}

/* Word mode with a fixed vocabulary: unknown tokens become <unk>, counted in
 * c->unknown (a model's vocabulary never covers every word of a text). */
static int load_words_with_vocab(Corpus *c, const CorpusConfig *cfg, const Vocab *vocab,
                                 RnnError *err)
{
    FileBytes fb;
    if (check_config(cfg, err) || read_codepoints(c, cfg, &fb, err))
        return -1;
    file_release(&fb);
    const uint32_t *cps = (const uint32_t *)c->ids;
    c->n = wordtok_encode(vocab, cps, c->n, c->ids, &c->unknown, NULL);
    if (vocab_copy(&c->vocab, vocab) != 0) {
        oom_error(c->path, (int64_t)vocab->size * 16, err);
        corpus_free(c);
        return -1;
    }
    split(c, cfg->val_fraction);
    return 0;
}

int corpus_load_with_vocab(Corpus *c, const CorpusConfig *cfg,
                           const Vocab *vocab, RnnError *err)
{
    FileBytes fb;
    int64_t bad, off, line, col;
    char sym[32];
    memset(c, 0, sizeof *c);
    if (vocab->kind == TOKENIZE_WORD)
        return load_words_with_vocab(c, cfg, vocab, err);
    if (check_config(cfg, err) || read_codepoints(c, cfg, &fb, err))
        return -1;
    bad = map_to_ids(c->ids, c->n, vocab);
    if (bad < 0) {
        oom_error(c->path, (int64_t)CP_LIMIT * 4, err);
    } else if (bad < c->n) {
        locate_symbol(&fb, bad, &off, &line, &col);
        utf8_describe((uint32_t)c->ids[bad], sym, sizeof sym);
        err_set(err, RNN_ERR_INPUT, "%s: symbol %s at byte offset %lld (line "
                "%lld, column %lld) is not in the model's vocabulary", c->path,
                sym, (long long)off, (long long)line, (long long)col);
    } else if (vocab_copy(&c->vocab, vocab) != 0) {
        oom_error(c->path, (int64_t)vocab->size * 4, err);
    } else {
        file_release(&fb);
        split(c, cfg->val_fraction);
        return 0;
    }
    file_release(&fb);
    corpus_free(c);
    return -1;
}

/* --- short texts --------------------------------------------------------- */

/* Decode text to code points (line-ending rules, lowercasing) into a new
 * array; *n gets the count. Returns NULL with err set on invalid UTF-8 or
 * when out of memory. */
static uint32_t *decode_text(const char *text, size_t len, int lowercase, int64_t *n,
                             RnnError *err)
{
    Decoder d;
    uint32_t cp, *cps = malloc((len ? len : 1) * sizeof *cps);
    int r;
    *n = 0;
    if (!cps) {
        err_set(err, RNN_ERR_RUNTIME, "out of memory decoding a text of %zu bytes", len);
        return NULL;
    }
    decoder_init(&d, (const unsigned char *)text, (int64_t)len);
    while ((r = decoder_next(&d, &cp)) > 0)
        cps[(*n)++] = lowercase ? utf8_tolower(cp) : cp;
    if (r < 0) {
        err_set(err, RNN_ERR_INPUT, "invalid UTF-8 at byte offset %lld: %s", (long long)d.pos,
                utf8_invalid_reason(d.s + d.pos, (size_t)(d.n - d.pos)));
        free(cps);
        return NULL;
    }
    return cps;
}

/* Word mode of corpus_encode_text_ex: an unknown token is an error. */
static int64_t encode_words(const Vocab *vocab, const char *text, size_t len, int lowercase,
                            int32_t *out, int64_t cap, RnnError *err)
{
    int64_t n, k = 0;
    int32_t ids[WORDTOK_MAX];
    uint32_t *cps = decode_text(text, len, lowercase, &n, err);
    if (!cps)
        return -1;
    for (int64_t i = 0; i < n;) {
        int tl = wordtok_len(cps, n, i);
        int m = wordtok_token_ids(vocab, cps + i, tl, ids);
        if (m == 0) {
            char word[4 * WORDTOK_MAX + 1];
            wordtok_utf8(cps + i, tl, word);
            free(cps);
            return err_set(err, RNN_ERR_INPUT, "word \"%s\" at character %lld is not in the "
                           "model's vocabulary", word, (long long)i + 1);
        }
        for (int j = 0; j < m; j++, k++)
            if (out && k < cap)
                out[k] = ids[j];
        i += tl;
    }
    free(cps);
    if (out && k > cap)
        k = cap > 0 ? cap : 0;
    return k;
}

int64_t corpus_encode_text_ex(const Vocab *vocab, const char *text, size_t len,
                              int lowercase, int32_t *out, int64_t cap,
                              RnnError *err)
{
    Decoder d;
    uint32_t cp;
    int64_t k = 0;
    int r;
    char sym[32];
    if (vocab->kind == TOKENIZE_WORD)
        return encode_words(vocab, text, len, lowercase, out, cap, err);
    decoder_init(&d, (const unsigned char *)text, (int64_t)len);
    while ((r = decoder_next(&d, &cp)) > 0) {
        int id = vocab_find(vocab, lowercase ? utf8_tolower(cp) : cp);
        if (id < 0) {
            utf8_describe(cp, sym, sizeof sym);
            return err_set(err, RNN_ERR_INPUT, "symbol %s at character %lld "
                           "is not in the model's vocabulary", sym,
                           (long long)k + 1);
        }
        if (out && k < cap)
            out[k] = id;
        k++;
    }
    if (r < 0)
        return err_set(err, RNN_ERR_INPUT, "invalid UTF-8 at byte offset "
                       "%lld: %s", (long long)d.pos,
                       utf8_invalid_reason(d.s + d.pos,
                                           (size_t)(d.n - d.pos)));
    if (out && k > cap)
        k = cap > 0 ? cap : 0;
    return k;
}

int64_t corpus_encode_text(const Vocab *vocab, const char *text, size_t len,
                           int32_t *out, int64_t cap, RnnError *err)
{
    return corpus_encode_text_ex(vocab, text, len, 0, out, cap, err);
}

void corpus_free(Corpus *c)
{
    free(c->ids);
    vocab_free(&c->vocab);
    memset(c, 0, sizeof *c);
}
