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
#include <sys/stat.h>
#include <unistd.h>

#include "utf8.h"

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

/* Decode the whole file into cps (room for fb->n); *n gets the count. */
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
        cps[k++] = (int32_t)(lowercase ? utf8_tolower(cp) : cp);
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

/* Word tokenisation (issue 7) is its own module; until it exists a word
 * config is refused here rather than silently read as characters. */
static int load_words(const CorpusConfig *cfg, RnnError *err)
{
    return err_set(err, RNN_ERR_INPUT,
                   "%s: word tokenisation (corpus.tokenize: word) is not "
                   "available yet; use corpus.tokenize: char", cfg->path);
}

static int check_config(const CorpusConfig *cfg, RnnError *err)
{
    if (!(cfg->val_fraction >= 0.0 && cfg->val_fraction < 1.0))
        return err_set(err, RNN_ERR_INPUT, "corpus.val_fraction must be in "
                       "[0, 1), not %g", cfg->val_fraction);
    return 0;
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
    if ((uint64_t)fb->n > SIZE_MAX / sizeof *c->ids ||
        !(c->ids = malloc((size_t)(fb->n ? fb->n : 1) * sizeof *c->ids))) {
        oom_error(c->path, fb->n * 4, err);
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
    if (cfg->tokenize == TOKENIZE_WORD)
        return load_words(cfg, err);
    if (check_config(cfg, err) || read_codepoints(c, cfg, &fb, err))
        return -1;
    file_release(&fb);
    if (index_symbols(c, err) != 0)
        goto fail;
    if (c->vocab.size < 2) {
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

int corpus_load_with_vocab(Corpus *c, const CorpusConfig *cfg,
                           const Vocab *vocab, RnnError *err)
{
    FileBytes fb;
    int64_t bad, off, line, col;
    char sym[32];
    memset(c, 0, sizeof *c);
    if (cfg->tokenize == TOKENIZE_WORD || vocab->kind == TOKENIZE_WORD)
        return load_words(cfg, err);
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

int64_t corpus_encode_text_ex(const Vocab *vocab, const char *text, size_t len,
                              int lowercase, int32_t *out, int64_t cap,
                              RnnError *err)
{
    Decoder d;
    uint32_t cp;
    int64_t k = 0;
    int r;
    char sym[32];
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
