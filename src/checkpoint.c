/* checkpoint: the binary file of a whole training run, written atomically
 * and read back only after every byte has been checked. It owns the file
 * format and the checkpoint folder's policy; it never prints or trains.
 *
 * File format, version 1. Integers and floats are stored in the byte order
 * of the machine that wrote the file (the byte-order mark tells which; a
 * reader refuses the other order); floats are IEEE 754 binary32 (f32) or
 * binary64 (f64).
 *
 *   offset   size  field
 *   0        8     magic "RNNTOPCK"
 *   8        4     u32 format version (CKPT_VERSION)
 *   12       4     u32 byte-order mark 0x01020304
 *   16       8     u64 P: payload bytes (the sections)
 *   24       P     sections
 *   24+P     8     u64 checksum: XXH64 (seed 0) of bytes [0, 24+P), words
 *                  read in the file's byte order
 *   The file is exactly 32 + P bytes.
 *
 * A section is u32 tag (four ASCII letters, stored as bytes), u64 length N,
 * then N bytes. A reader skips tags it does not know; each one below must
 * be present.
 *   CONF  the config it was trained with: u32 count, then per key: u16 name
 *         length, the name ("model.hidden"), u8 type (0 i64, 1 u64, 2 f64,
 *         3 string) and the value (8 bytes; a string: u32 length, bytes).
 *         Unknown keys are skipped, missing keys keep their defaults; the
 *         corpus path is stored absolute when it resolves.
 *   VOCB  u32 kind (0 char, 1 word), u32 V; then V u32 code points
 *         (ascending), or V words as u32 length and UTF-8 bytes.
 *   MODL  u32 cell, V, E, H, L; u64 n; n f32 parameters (model.h layout).
 *   OPTM  u32 type; u64 n; i64 t; n f32 m; n f32 v.
 *   TRNR  u64 rng[4]; i64 pos, step, symbols_seen, last_val_step; f64 lr,
 *         last_loss, last_grad_norm, last_val, best_val, epoch; u32 B, T.
 *   STAT  u32 L, B, H; L*B*H f32 carried h; L*B*H f32 carried c.
 *   HTRN, HVAL  the train and validation histories: u32 n, cap; i64 stride,
 *         acc_n; f64 acc; n i64 steps; n f32 values.
 *
 * Reading checks, in order: magic, version, byte order, the length against
 * the file's size, the checksum, each section's bounds and shape, and that
 * weights and optimizer state are finite. */
#include "checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CKPT_MAGIC "RNNTOPCK"
#define CKPT_BOM 0x01020304u
#define CKPT_HEADER 24
#define CKPT_VOCAB_MAX (1 << 24)

_Static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE 754 floats");
_Static_assert(sizeof(Tokenize) == sizeof(int) && sizeof(CellType) == sizeof(int) &&
                   sizeof(OptimizerType) == sizeof(int) && sizeof(GraphStyle) == sizeof(int),
               "enum config fields are stored as int");

/* ---- the checksum: XXH64, streamed ---------------------------------------- */

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

typedef struct Hash {
    uint64_t v[4];
    unsigned char buf[32];
    size_t nbuf;
    uint64_t total;
} Hash;

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t xxround(uint64_t acc, uint64_t in)
{
    return rotl(acc + in * P2, 31) * P1;
}

static uint64_t read64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static void hash_init(Hash *h)
{
    memset(h, 0, sizeof *h);
    h->v[0] = P1 + P2;
    h->v[1] = P2;
    h->v[3] = 0 - P1;
}

static void hash_block(Hash *h, const unsigned char *p)
{
    for (int i = 0; i < 4; i++)
        h->v[i] = xxround(h->v[i], read64(p + 8 * i));
}

static void hash_update(Hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    h->total += n;
    if (h->nbuf) {
        size_t k = 32 - h->nbuf < n ? 32 - h->nbuf : n;
        memcpy(h->buf + h->nbuf, p, k);
        h->nbuf += k, p += k, n -= k;
        if (h->nbuf < 32)
            return;
        hash_block(h, h->buf);
        h->nbuf = 0;
    }
    for (; n >= 32; p += 32, n -= 32)
        hash_block(h, p);
    memcpy(h->buf, p, n);
    h->nbuf = n;
}

static uint64_t hash_final(const Hash *h)
{
    uint64_t x;
    if (h->total >= 32) {
        x = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) + rotl(h->v[3], 18);
        for (int i = 0; i < 4; i++)
            x = (x ^ xxround(0, h->v[i])) * P1 + P4;
    } else {
        x = P5;
    }
    x += h->total;
    const unsigned char *p = h->buf, *end = h->buf + h->nbuf;
    for (; p + 8 <= end; p += 8)
        x = rotl(x ^ xxround(0, read64(p)), 27) * P1 + P4;
    if (p + 4 <= end) {
        uint32_t w;
        memcpy(&w, p, 4);
        x = rotl(x ^ (uint64_t)w * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        x = rotl(x ^ *p * P5, 11) * P1;
    x ^= x >> 33, x *= P2, x ^= x >> 29, x *= P3, x ^= x >> 32;
    return x;
}

/* ---- the config as tagged keys ------------------------------------------ */

typedef enum { CF_I64 = 0, CF_U64 = 1, CF_F64 = 2, CF_STR = 3 } CfType;

typedef struct CfField {
    const char *name;
    CfType type;      /* CF_I64 fields are int in Config */
    size_t off, size;
} CfField;

#define CF(n, t, f) {n, t, offsetof(Config, f), sizeof(((Config *)0)->f)}

static const CfField CONF_FIELDS[] = {
    CF("corpus.path", CF_STR, corpus.path),
    CF("corpus.tokenize", CF_I64, corpus.tokenize),
    CF("corpus.val_fraction", CF_F64, corpus.val_fraction),
    CF("corpus.lowercase", CF_I64, corpus.lowercase),
    CF("corpus.min_count", CF_I64, corpus.min_count),
    CF("model.cell", CF_I64, model.cell),
    CF("model.hidden", CF_I64, model.hidden),
    CF("model.layers", CF_I64, model.layers),
    CF("model.embedding", CF_I64, model.embedding),
    CF("model.dropout", CF_F64, model.dropout),
    CF("model.output_dropout", CF_F64, model.output_dropout),
    CF("train.seq_len", CF_I64, train.seq_len),
    CF("train.batch", CF_I64, train.batch),
    CF("train.optimizer", CF_I64, train.optimizer),
    CF("train.learning_rate", CF_F64, train.learning_rate),
    CF("train.lr_decay", CF_F64, train.lr_decay),
    CF("train.lr_decay_every", CF_I64, train.lr_decay_every),
    CF("train.grad_clip", CF_F64, train.grad_clip),
    CF("train.eval_every", CF_I64, train.eval_every),
    CF("train.checkpoint_every", CF_I64, train.checkpoint_every),
    CF("train.checkpoint_dir", CF_STR, train.checkpoint_dir),
    CF("train.keep_checkpoints", CF_I64, train.keep_checkpoints),
    CF("train.seed", CF_U64, train.seed),
    CF("train.threads", CF_I64, train.threads),
    CF("train.log_every", CF_I64, train.log_every),
    CF("train.baseline_order", CF_I64, train.baseline_order),
    CF("sample.temperature", CF_F64, sample.temperature),
    CF("sample.length", CF_I64, sample.length),
    CF("sample.prime", CF_STR, sample.prime),
    CF("sample.top_k", CF_I64, sample.top_k),
    CF("sample.top_p", CF_F64, sample.top_p),
    CF("sample.seed", CF_U64, sample.seed),
    CF("ui.refresh_hz", CF_I64, ui.refresh_hz),
    CF("ui.theme", CF_STR, ui.theme),
    CF("ui.graph", CF_I64, ui.graph),
};
#define NCONF (sizeof CONF_FIELDS / sizeof CONF_FIELDS[0])

/* ---- writing ---------------------------------------------------------------- */

/* Bytes go to f (hashed), or are only counted when f is NULL. */
typedef struct Sink {
    FILE *f;
    Hash hash;
    uint64_t n;
    int error;        /* errno of the first failed write */
} Sink;

typedef struct SaveCtx {
    const Trainer *tr;
    Config cfg;       /* tr->cfg with absolute paths where they resolve */
} SaveCtx;

static void put(Sink *s, const void *p, size_t n)
{
    s->n += n;
    if (!s->f || s->error || n == 0)
        return;
    hash_update(&s->hash, p, n);
    errno = 0;
    if (fwrite(p, 1, n, s->f) != n)
        s->error = errno ? errno : EIO;
}

static void put_u32(Sink *s, uint32_t v) { put(s, &v, 4); }
static void put_u64(Sink *s, uint64_t v) { put(s, &v, 8); }
static void put_i64(Sink *s, int64_t v) { put(s, &v, 8); }
static void put_f64(Sink *s, double v) { put(s, &v, 8); }

static void put_conf(Sink *s, const SaveCtx *c)
{
    put_u32(s, (uint32_t)NCONF);
    for (size_t i = 0; i < NCONF; i++) {
        const CfField *k = &CONF_FIELDS[i];
        const char *p = (const char *)&c->cfg + k->off;
        uint16_t len = (uint16_t)strlen(k->name);
        unsigned char type = (unsigned char)k->type;
        put(s, &len, 2);
        put(s, k->name, len);
        put(s, &type, 1);
        if (k->type == CF_STR) {
            uint32_t n = (uint32_t)strnlen(p, k->size - 1);
            put_u32(s, n);
            put(s, p, n);
        } else if (k->type == CF_I64) {
            int v;
            memcpy(&v, p, sizeof v);
            put_i64(s, v);
        } else {
            put(s, p, 8);
        }
    }
}

static void put_vocab(Sink *s, const SaveCtx *c)
{
    const Vocab *v = &c->tr->corpus->vocab;
    put_u32(s, (uint32_t)v->kind);
    put_u32(s, (uint32_t)v->size);
    if (v->kind != TOKENIZE_WORD) {
        put(s, v->codepoints, sizeof(uint32_t) * (size_t)v->size);
        return;
    }
    for (int i = 0; i < v->size; i++) {
        uint32_t n = (uint32_t)strlen(v->words[i]);
        put_u32(s, n);
        put(s, v->words[i], n);
    }
}

static void put_model(Sink *s, const SaveCtx *c)
{
    const Model *m = &c->tr->model;
    put_u32(s, (uint32_t)m->shape.cell);
    put_u32(s, (uint32_t)m->shape.V);
    put_u32(s, (uint32_t)m->shape.E);
    put_u32(s, (uint32_t)m->shape.H);
    put_u32(s, (uint32_t)m->shape.L);
    put_u64(s, m->off.total);
    put(s, m->params, sizeof(float) * m->off.total);
}

static void put_optim(Sink *s, const SaveCtx *c)
{
    const Optimizer *o = &c->tr->opt;
    put_u32(s, (uint32_t)o->type);
    put_u64(s, o->n);
    put_i64(s, o->t);
    put(s, o->m, sizeof(float) * o->n);
    put(s, o->v, sizeof(float) * o->n);
}

static void put_trainer(Sink *s, const SaveCtx *c)
{
    const Trainer *tr = c->tr;
    for (int i = 0; i < 4; i++)
        put_u64(s, tr->rng.s[i]);
    put_i64(s, tr->pos);
    put_i64(s, tr->step);
    put_i64(s, tr->symbols_seen);
    put_i64(s, tr->last_val_step);
    put_f64(s, tr->lr);
    put_f64(s, tr->last_loss);
    put_f64(s, tr->last_grad_norm);
    put_f64(s, tr->last_val);
    put_f64(s, tr->best_val);
    put_f64(s, trainer_epoch(tr));
    put_u32(s, (uint32_t)tr->B);
    put_u32(s, (uint32_t)tr->T);
}

static void put_state(Sink *s, const SaveCtx *c)
{
    const Trainer *tr = c->tr;
    const ModelShape *m = &tr->model.shape;
    size_t n = (size_t)m->L * tr->B * m->H;
    put_u32(s, (uint32_t)m->L);
    put_u32(s, (uint32_t)tr->B);
    put_u32(s, (uint32_t)m->H);
    put(s, tr->state_h, sizeof(float) * n);
    put(s, tr->state_c, sizeof(float) * n);
}

static void put_history(Sink *s, const History *h)
{
    put_u32(s, (uint32_t)h->n);
    put_u32(s, (uint32_t)h->cap);
    put_i64(s, h->stride);
    put_i64(s, h->acc_n);
    put_f64(s, h->acc);
    put(s, h->step, sizeof(int64_t) * (size_t)h->n);
    put(s, h->value, sizeof(float) * (size_t)h->n);
}

static void put_htrain(Sink *s, const SaveCtx *c) { put_history(s, &c->tr->train_hist); }
static void put_hval(Sink *s, const SaveCtx *c) { put_history(s, &c->tr->val_hist); }

typedef void (*SectionFn)(Sink *, const SaveCtx *);

static const struct {
    char tag[5];
    SectionFn put;
} SECTIONS[] = {
    {"CONF", put_conf},   {"VOCB", put_vocab},   {"MODL", put_model}, {"OPTM", put_optim},
    {"TRNR", put_trainer}, {"STAT", put_state},  {"HTRN", put_htrain}, {"HVAL", put_hval},
};
#define NSECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

static void put_payload(Sink *s, const SaveCtx *c)
{
    for (size_t i = 0; i < NSECTIONS; i++) {
        Sink count = {0};
        SECTIONS[i].put(&count, c);
        put(s, SECTIONS[i].tag, 4);
        put_u64(s, count.n);
        SECTIONS[i].put(s, c);
    }
}

static void put_file(Sink *s, const SaveCtx *c)
{
    Sink count = {0};
    put_payload(&count, c);
    put(s, CKPT_MAGIC, 8);
    put_u32(s, CKPT_VERSION);
    put_u32(s, CKPT_BOM);
    put_u64(s, count.n);
    put_payload(s, c);
    uint64_t sum = hash_final(&s->hash);
    errno = 0;
    if (!s->error && fwrite(&sum, 1, 8, s->f) != 8)
        s->error = errno ? errno : EIO;
}

static void absolute_path(char *path)
{
    char *abs = path[0] ? realpath(path, NULL) : NULL;
    if (abs && strlen(abs) < CONFIG_PATH_MAX)
        strcpy(path, abs);
    free(abs);
}

/* fsync the folder holding path, so the rename itself is durable. */
static void sync_folder(const char *path)
{
    char dir[CONFIG_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);  /* some file systems refuse; the data itself is synced */
        close(fd);
    }
}

/* Write c's file to the open temp file f; returns 0 or an errno. */
static int write_all(FILE *f, const SaveCtx *c)
{
    Sink s = {f, {{0}, {0}, 0, 0}, 0, 0};
    hash_init(&s.hash);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    put_file(&s, c);
    int e = s.error;
    if (!e && fflush(f) != 0)
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(f)) != 0)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    return e;
}

/* Create the temporary file and write c's file into it; returns 0 or an
 * errno, with *created set once the file exists. */
static int write_temp(const char *tmp, const SaveCtx *c, int *created)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    *created = 1;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        return e;
    }
    return write_all(f, c);
}

/* A model that must not be saved: non-finite weights, or a loss that is
 * diverging (see trainer_step). Returns 0 or -1 with err. */
static int check_saveable(const Trainer *tr, const char *path, RnnError *err)
{
    const float *p = tr->model.params;
    for (size_t i = 0; i < tr->model.off.total; i++)
        if (!isfinite(p[i]))
            return err_set(err, RNN_ERR_RUNTIME,
                           "checkpoint %s not saved: the weights hold a non-finite value "
                           "(parameter %zu is %s) at step %lld; the previous file (if any) is kept",
                           path, i, isnan(p[i]) ? "NaN" : "infinite", (long long)tr->step);
    if (tr->diverging > 0)
        return err_set(err, RNN_ERR_RUNTIME,
                       "checkpoint %s not saved: the loss is diverging (%.1f nats per symbol at "
                       "step %lld, above %.1f); the previous file (if any) is kept",
                       path, tr->last_loss, (long long)tr->step, trainer_loss_limit(tr));
    return 0;
}

int checkpoint_save(const Trainer *tr, const char *path, RnnError *err)
{
    char tmp[CONFIG_PATH_MAX + 32];
    if (check_saveable(tr, path, err))
        return -1;
    SaveCtx *c = malloc(sizeof *c);  /* holds a Config: large for a stack */
    int created = 0, e = ENOMEM;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (c) {
        c->tr = tr;
        c->cfg = tr->cfg;
        absolute_path(c->cfg.corpus.path);
        absolute_path(c->cfg.train.checkpoint_dir);
        e = write_temp(tmp, c, &created);
        free(c);
    }
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        if (created)
            unlink(tmp);
        return err_set(err, RNN_ERR_RUNTIME,
                       "cannot save checkpoint %s: %s%s; the previous file (if any) is kept",
                       path, created ? "" : "cannot create the temporary file: ", strerror(e));
    }
    sync_folder(path);
    return 0;
}

/* ---- reading: the whole file, checked ----------------------------------- */

typedef struct Span {
    const unsigned char *p;
    size_t n;
} Span;

typedef struct Loaded {
    const char *path;
    unsigned char *buf;
    size_t size;
    Span sec[NSECTIONS];
} Loaded;

/* A bounded cursor: reading past the end sets bad and yields zeros. */
typedef struct Reader {
    Span s;
    size_t at;
    int bad;
} Reader;

static void get(Reader *r, void *dst, size_t n)
{
    if (r->bad || n > r->s.n - r->at) {
        r->bad = 1;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, r->s.p + r->at, n);
    r->at += n;
}

static uint32_t get_u32(Reader *r) { uint32_t v; get(r, &v, 4); return v; }
static uint64_t get_u64(Reader *r) { uint64_t v; get(r, &v, 8); return v; }
static int64_t get_i64(Reader *r) { int64_t v; get(r, &v, 8); return v; }
static double get_f64(Reader *r) { double v; get(r, &v, 8); return v; }

/* Are count items of size bytes still there? (Guards allocations.) */
static int remains(const Reader *r, uint64_t count, size_t size)
{
    return !r->bad && count <= (r->s.n - r->at) / size;
}

static int fail(const Loaded *L, RnnError *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const Loaded *L, RnnError *err, const char *fmt, ...)
{
    char why[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return err_set(err, RNN_ERR_INPUT, "%s: %s", L->path, why);
}

static int read_file(Loaded *L, RnnError *err)
{
    struct stat st;
    int fd = open(L->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(L, err, "cannot open the checkpoint: %s", strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
        close(fd);
        return fail(L, err, "%s, not a checkpoint file", dir ? "is a folder" : "is not a regular file");
    }
    L->size = (size_t)st.st_size;
    L->buf = malloc(L->size ? L->size : 1);
    if (!L->buf) {
        close(fd);
        return err_set(err, RNN_ERR_RUNTIME, "%s: out of memory reading %zu bytes", L->path,
                       L->size);
    }
    size_t got = 0;
    ssize_t r = 1;
    while (got < L->size && (r = read(fd, L->buf + got, L->size - got)) > 0)
        got += (size_t)r;
    int e = errno;
    close(fd);
    if (r < 0)
        return fail(L, err, "cannot read the checkpoint: %s", strerror(e));
    if (got < L->size)
        return fail(L, err, "cannot read the checkpoint: it shrank while being read");
    return 0;
}

/* "\x89PNG\r\n..." style: the first bytes, readable. */
static void show_start(const Loaded *L, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < L->size && i < 8 && k + 5 < cap; i++) {
        unsigned char c = L->buf[i];
        k += (size_t)snprintf(out + k, cap - k, c >= 0x20 && c < 0x7f && c != '\\' ? "%c" : "\\x%02x", c);
    }
}

static int check_header(const Loaded *L, uint64_t *payload, RnnError *err)
{
    char start[64];
    uint32_t version, bom;
    if (L->size == 0)
        return fail(L, err, "is empty, not a checkpoint (cut off before anything was written?)");
    if (memcmp(L->buf, CKPT_MAGIC, L->size < 8 ? L->size : 8) != 0) {
        show_start(L, start, sizeof start);
        return fail(L, err, "not an rnntop checkpoint (it starts with \"%s\", not \"%s\")", start,
                    CKPT_MAGIC);
    }
    if (L->size < CKPT_HEADER + 8)
        return fail(L, err, "truncated: %zu bytes, shorter than the %d-byte header and checksum",
                    L->size, CKPT_HEADER + 8);
    memcpy(&version, L->buf + 8, 4);
    memcpy(&bom, L->buf + 12, 4);
    memcpy(payload, L->buf + 16, 8);
    if (bom == 0x04030201u)
        return fail(L, err, "written on a machine of the other byte order; this one cannot read it");
    if (bom != CKPT_BOM)
        return fail(L, err, "corrupted header (byte-order mark %08x)", bom);
    if (version > CKPT_VERSION)
        return fail(L, err, "written by a newer rnntop (format %u); this one reads up to %u",
                    version, CKPT_VERSION);
    if (version == 0)
        return fail(L, err, "corrupted header (format version 0)");
    return 0;
}

static int check_size_and_sum(const Loaded *L, uint64_t payload, RnnError *err)
{
    uint64_t body = (uint64_t)L->size - CKPT_HEADER - 8;
    if (payload > body)
        return fail(L, err, "truncated: %zu bytes, but its header says %llu (cut off during a "
                            "save?)", L->size,
                    payload <= UINT64_MAX - 32 ? (unsigned long long)(payload + 32) : ~0ull);
    if (payload < body)
        return fail(L, err, "%llu unexpected bytes after the checksum (corrupted)",
                    (unsigned long long)(body - payload));
    Hash h;
    uint64_t stored;
    hash_init(&h);
    hash_update(&h, L->buf, L->size - 8);
    memcpy(&stored, L->buf + L->size - 8, 8);
    if (hash_final(&h) != stored)
        return fail(L, err, "checksum mismatch: the file is corrupted (stored %016llx, "
                            "computed %016llx)",
                    (unsigned long long)stored, (unsigned long long)hash_final(&h));
    return 0;
}

static int find_sections(Loaded *L, RnnError *err)
{
    Reader r = {{L->buf + CKPT_HEADER, L->size - CKPT_HEADER - 8}, 0, 0};
    while (r.at < r.s.n) {
        char tag[5] = {0};
        get(&r, tag, 4);
        uint64_t n = get_u64(&r);
        if (r.bad || n > r.s.n - r.at)
            return fail(L, err, "corrupted: section '%.4s' runs past the end of the file", tag);
        for (size_t i = 0; i < NSECTIONS; i++)
            if (memcmp(tag, SECTIONS[i].tag, 4) == 0)
                L->sec[i] = (Span){r.s.p + r.at, (size_t)n};
        r.at += (size_t)n;
    }
    for (size_t i = 0; i < NSECTIONS; i++)
        if (!L->sec[i].p)
            return fail(L, err, "corrupted: no '%s' section", SECTIONS[i].tag);
    return 0;
}

static void loaded_free(Loaded *L)
{
    free(L->buf);
    L->buf = NULL;
}

/* Read path and check everything that does not need a decoded section. */
static int load(Loaded *L, const char *path, RnnError *err)
{
    uint64_t payload = 0;
    memset(L, 0, sizeof *L);
    L->path = path;
    if (read_file(L, err) || check_header(L, &payload, err) ||
        check_size_and_sum(L, payload, err) || find_sections(L, err)) {
        loaded_free(L);
        return -1;
    }
    return 0;
}

static Reader section(const Loaded *L, const char *tag)
{
    for (size_t i = 0; i < NSECTIONS; i++)
        if (strcmp(SECTIONS[i].tag, tag) == 0)
            return (Reader){L->sec[i], 0, 0};
    return (Reader){{NULL, 0}, 0, 1};
}

/* ---- decoding sections ------------------------------------------------------ */

static const CfField *conf_field(const char *name, size_t n)
{
    for (size_t i = 0; i < NCONF; i++)
        if (strlen(CONF_FIELDS[i].name) == n && memcmp(CONF_FIELDS[i].name, name, n) == 0)
            return &CONF_FIELDS[i];
    return NULL;
}

/* One key: stored into cfg when known and of the right type. */
static int conf_entry(Reader *r, Config *cfg)
{
    uint16_t len;
    unsigned char type;
    char name[256];
    get(r, &len, 2);
    if (!remains(r, len, 1) || len >= sizeof name)
        return -1;
    get(r, name, len);
    get(r, &type, 1);
    if (type > CF_STR)
        return -1;
    const CfField *k = conf_field(name, len);
    char *p = k && k->type == type ? (char *)cfg + k->off : NULL;
    if (type == CF_STR) {
        uint32_t n = get_u32(r);
        if (!remains(r, n, 1))
            return -1;
        if (p && n < k->size && !memchr(r->s.p + r->at, '\0', n)) {
            memcpy(p, r->s.p + r->at, n);
            p[n] = '\0';
        }
        r->at += n;
        return 0;
    }
    int64_t v = get_i64(r);
    if (p && type == CF_I64 && v >= INT_MIN && v <= INT_MAX) {
        int i = (int)v;
        memcpy(p, &i, sizeof i);
    } else if (p && type != CF_I64) {
        memcpy(p, &v, 8);
    }
    return 0;
}

static int decode_conf(const Loaded *L, Config *cfg, RnnError *err)
{
    Reader r = section(L, "CONF");
    config_defaults(cfg);
    uint32_t count = get_u32(&r);
    for (uint32_t i = 0; i < count && !r.bad; i++)
        if (conf_entry(&r, cfg))
            r.bad = 1;
    if (r.bad)
        return fail(L, err, "corrupted: the config section is malformed");
    if (config_validate(cfg, err)) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        return fail(L, err, "holds an invalid config (%s)", why);
    }
    return 0;
}

static int decode_words(Reader *r, Vocab *v)
{
    v->words = calloc((size_t)v->size, sizeof *v->words);
    for (int i = 0; v->words && i < v->size; i++) {
        uint32_t n = get_u32(r);
        if (!remains(r, n, 1) || !(v->words[i] = malloc((size_t)n + 1)))
            return -1;
        get(r, v->words[i], n);
        v->words[i][n] = '\0';
        if (memchr(v->words[i], '\0', n))
            return -1;
    }
    return v->words ? 0 : -1;
}

static int decode_chars(Reader *r, Vocab *v)
{
    v->codepoints = malloc(sizeof(uint32_t) * (size_t)v->size);
    if (!v->codepoints)
        return -1;
    get(r, v->codepoints, sizeof(uint32_t) * (size_t)v->size);
    for (int i = 0; i < v->size; i++) {
        uint32_t cp = v->codepoints[i];
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (i && cp <= v->codepoints[i - 1]))
            return -1;
    }
    return 0;
}

static int decode_vocab(const Loaded *L, Vocab *v, RnnError *err)
{
    Reader r = section(L, "VOCB");
    memset(v, 0, sizeof *v);
    uint32_t kind = get_u32(&r), size = get_u32(&r);
    int bad = r.bad || kind > TOKENIZE_WORD || size < 2 || size > CKPT_VOCAB_MAX ||
              !remains(&r, size, 4);
    if (!bad) {
        v->kind = (Tokenize)kind;
        v->size = (int)size;
        bad = kind == TOKENIZE_WORD ? decode_words(&r, v) : decode_chars(&r, v);
    }
    if (bad || r.bad || r.at != r.s.n) {
        vocab_free(v);
        return fail(L, err, "corrupted: the vocabulary section is malformed");
    }
    return 0;
}

/* Fill n floats from r and check they are finite. */
static int get_floats(Reader *r, float *dst, uint64_t n, size_t *bad_at)
{
    if (!remains(r, n, sizeof(float)))
        return r->bad = 1, -1;
    get(r, dst, sizeof(float) * (size_t)n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(dst[i]))
            return *bad_at = i, -2;
    return 0;
}

static int decode_shape(const Loaded *L, Reader *r, const Config *cfg, ModelShape *s,
                        RnnError *err)
{
    uint32_t cell = get_u32(r), V = get_u32(r), E = get_u32(r), H = get_u32(r), Lyr = get_u32(r);
    int sane = !r->bad && cell <= CELL_LSTM && V >= 2 && V <= CKPT_VOCAB_MAX && E <= 8192 &&
               H >= 1 && H <= 8192 && Lyr >= 1 && Lyr <= MODEL_MAX_LAYERS;
    if (!sane)
        return fail(L, err, "corrupted: the model shape is not sane (cell %u, V %u, E %u, H %u, "
                            "L %u)", cell, V, E, H, Lyr);
    *s = (ModelShape){(CellType)cell, (int)V, (int)E, (int)H, (int)Lyr};
    if (s->cell != cfg->model.cell || s->H != cfg->model.hidden || s->L != cfg->model.layers ||
        s->E != cfg->model.embedding)
        return fail(L, err, "corrupted: the model shape does not match its config");
    return 0;
}

static int decode_model(const Loaded *L, const Config *cfg, int V, Model *m, RnnError *err)
{
    Reader r = section(L, "MODL");
    ModelShape s;
    size_t bad_at = 0;
    memset(m, 0, sizeof *m);
    if (decode_shape(L, &r, cfg, &s, err))
        return -1;
    if (s.V != V)
        return fail(L, err, "corrupted: the model has %d outputs but the vocabulary %d symbols",
                    s.V, V);
    ModelOffsets off;
    model_offsets(&s, &off);
    uint64_t n = get_u64(&r);
    if (n != off.total || !remains(&r, n, sizeof(float)) || r.s.n - r.at != sizeof(float) * n)
        return fail(L, err, "corrupted: the weights section has the wrong size");
    if (model_alloc(m, &s, err))
        return -1;
    if (get_floats(&r, m->params, n, &bad_at)) {
        float x = m->params[bad_at];
        model_free(m);
        return fail(L, err, "holds non-finite weights (parameter %zu is %s); not loaded", bad_at,
                    isnan(x) ? "NaN" : "infinite");
    }
    return 0;
}

/* The TRNR section. */
typedef struct Counters {
    uint64_t rng[4];
    int64_t pos, step, symbols_seen, last_val_step;
    double lr, last_loss, last_grad_norm, last_val, best_val, epoch;
    uint32_t B, T;
} Counters;

static int decode_counters(const Loaded *L, Counters *c, RnnError *err)
{
    Reader r = section(L, "TRNR");
    for (int i = 0; i < 4; i++)
        c->rng[i] = get_u64(&r);
    c->pos = get_i64(&r);
    c->step = get_i64(&r);
    c->symbols_seen = get_i64(&r);
    c->last_val_step = get_i64(&r);
    c->lr = get_f64(&r);
    c->last_loss = get_f64(&r);
    c->last_grad_norm = get_f64(&r);
    c->last_val = get_f64(&r);
    c->best_val = get_f64(&r);
    c->epoch = get_f64(&r);
    c->B = get_u32(&r);
    c->T = get_u32(&r);
    if (r.bad || c->pos < 0 || c->step < 0 || c->symbols_seen < 0 || c->last_val_step < -1)
        return fail(L, err, "corrupted: the trainer section is malformed");
    return 0;
}

/* Everything sample and eval need, decoded and checked. */
static int decode_info(const Loaded *L, CheckpointInfo *info, RnnError *err)
{
    Counters c;
    memset(info, 0, sizeof *info);
    if (decode_counters(L, &c, err) || decode_conf(L, &info->cfg, err) ||
        decode_vocab(L, &info->vocab, err))
        return -1;
    if (decode_model(L, &info->cfg, info->vocab.size, &info->model, err)) {
        vocab_free(&info->vocab);
        return -1;
    }
    info->step = c.step;
    info->epoch = c.epoch;
    info->last_val = c.last_val;
    info->best_val = c.best_val;
    return 0;
}

int checkpoint_load_info(const char *path, CheckpointInfo *info, RnnError *err)
{
    Loaded L;
    memset(info, 0, sizeof *info);
    if (load(&L, path, err))
        return -1;
    int rc = decode_info(&L, info, err);
    loaded_free(&L);
    return rc;
}

int checkpoint_load_config(const char *path, Config *cfg, RnnError *err)
{
    Loaded L;
    if (load(&L, path, err))
        return -1;
    int rc = decode_conf(&L, cfg, err);
    loaded_free(&L);
    return rc;
}

void checkpoint_info_free(CheckpointInfo *info)
{
    model_free(&info->model);
    vocab_free(&info->vocab);
}

/* ---- restoring a trainer ---------------------------------------------------- */

static int shape_key(const char *path, const char *key, long have, long saved, RnnError *err)
{
    return err_set(err, RNN_ERR_INPUT,
                   "%s: %s is %ld here but the checkpoint was trained with %ld; the model "
                   "shape cannot change when continuing a run (drop the override, or start a "
                   "new run)", path, key, have, saved);
}

int checkpoint_check_shape(const Config *saved, const Config *cfg, const char *path,
                           RnnError *err)
{
    const ModelConfig *a = &cfg->model, *b = &saved->model;
    if (a->cell != b->cell)
        return err_set(err, RNN_ERR_INPUT,
                       "%s: model.cell is %s here but the checkpoint was trained with %s; the "
                       "model shape cannot change when continuing a run", path,
                       config_cell_name(a->cell), config_cell_name(b->cell));
    if (a->hidden != b->hidden)
        return shape_key(path, "model.hidden", a->hidden, b->hidden, err);
    if (a->layers != b->layers)
        return shape_key(path, "model.layers", a->layers, b->layers, err);
    if (a->embedding != b->embedding)
        return shape_key(path, "model.embedding", a->embedding, b->embedding, err);
    return 0;
}

/* The run's layout must match: vocabulary, shape, streams, optimizer. */
static int check_compatible(const Trainer *tr, const CheckpointInfo *ck, const char *path,
                            RnnError *err)
{
    char diff[700];
    if (!vocab_equal(&ck->vocab, &tr->corpus->vocab)) {
        vocab_describe_diff(&ck->vocab, &tr->corpus->vocab, diff, sizeof diff);
        return err_set(err, RNN_ERR_INPUT,
                       "%s: the corpus %s has a different vocabulary from the checkpoint's "
                       "(A: the checkpoint, B: the corpus): %s", path, tr->corpus->path, diff);
    }
    if (checkpoint_check_shape(&ck->cfg, &tr->cfg, path, err))
        return -1;
    if (tr->B != ck->cfg.train.batch)
        return err_set(err, RNN_ERR_INPUT,
                       "%s: train.batch is %d here but the checkpoint was trained with %d; the "
                       "data streams and their hidden state cannot be carried over (keep "
                       "train.batch=%d)", path, tr->B, ck->cfg.train.batch, ck->cfg.train.batch);
    if (tr->opt.type != ck->cfg.train.optimizer)
        return err_set(err, RNN_ERR_INPUT,
                       "%s: train.optimizer is %s here but the checkpoint was trained with %s; "
                       "its state cannot be carried over", path,
                       config_optimizer_name(tr->opt.type),
                       config_optimizer_name(ck->cfg.train.optimizer));
    return 0;
}

static int restore_optim(const Loaded *L, Trainer *tr, RnnError *err)
{
    Reader r = section(L, "OPTM");
    Optimizer *o = &tr->opt;
    size_t bad_at = 0;
    uint32_t type = get_u32(&r);
    uint64_t n = get_u64(&r);
    int64_t t = get_i64(&r);
    if (r.bad || type != (uint32_t)o->type || n != o->n || t < 0 ||
        r.s.n - r.at != 2 * sizeof(float) * n)
        return fail(L, err, "corrupted: the optimizer section does not match the model");
    if (get_floats(&r, o->m, n, &bad_at) || get_floats(&r, o->v, n, &bad_at))
        return fail(L, err, "holds non-finite optimizer state; not loaded");
    o->t = t;
    return 0;
}

static int restore_counters(const Loaded *L, Trainer *tr, RnnError *err)
{
    Counters c;
    if (decode_counters(L, &c, err))
        return -1;
    if (c.B != (uint32_t)tr->B)
        return fail(L, err, "corrupted: the trainer section does not match its config");
    memcpy(tr->rng.s, c.rng, sizeof c.rng);
    tr->pos = c.pos;
    tr->step = c.step;
    tr->symbols_seen = c.symbols_seen;
    tr->last_val_step = c.last_val_step;
    tr->lr = c.lr;
    tr->last_loss = c.last_loss;
    tr->last_grad_norm = c.last_grad_norm;
    tr->last_val = c.last_val;
    tr->best_val = c.best_val;
    return 0;
}

static int restore_state(const Loaded *L, Trainer *tr, RnnError *err)
{
    Reader r = section(L, "STAT");
    const ModelShape *s = &tr->model.shape;
    size_t bad_at = 0, n = (size_t)s->L * tr->B * s->H;
    uint32_t Lyr = get_u32(&r), B = get_u32(&r), H = get_u32(&r);
    if (r.bad || Lyr != (uint32_t)s->L || B != (uint32_t)tr->B || H != (uint32_t)s->H ||
        r.s.n - r.at != 2 * sizeof(float) * n)
        return fail(L, err, "corrupted: the hidden-state section does not match the model");
    if (get_floats(&r, tr->state_h, n, &bad_at) || get_floats(&r, tr->state_c, n, &bad_at))
        return fail(L, err, "holds a non-finite hidden state; not loaded");
    return 0;
}

static int restore_history(const Loaded *L, const char *tag, History *h, RnnError *err)
{
    Reader r = section(L, tag);
    uint32_t n = get_u32(&r);
    get_u32(&r);  /* the writer's capacity */
    int64_t stride = get_i64(&r), acc_n = get_i64(&r);
    double acc = get_f64(&r);
    if (r.bad || n > (uint32_t)h->cap || stride < 1 || acc_n < 0 || acc_n >= stride ||
        r.s.n - r.at != (size_t)n * 12)
        return fail(L, err, "corrupted: the %s history is malformed",
                    tag[1] == 'T' ? "training" : "validation");
    get(&r, h->step, sizeof(int64_t) * n);
    get(&r, h->value, sizeof(float) * n);
    h->n = (int)n;
    h->stride = stride;
    h->acc_n = acc_n;
    h->acc = acc;
    return 0;
}

/* Copy L's state into tr (checked section by section). */
static int restore_from(const Loaded *L, Trainer *tr, const CheckpointInfo *ck, RnnError *err)
{
    if (check_compatible(tr, ck, L->path, err) || restore_counters(L, tr, err) ||
        restore_optim(L, tr, err) || restore_state(L, tr, err) ||
        restore_history(L, "HTRN", &tr->train_hist, err) ||
        restore_history(L, "HVAL", &tr->val_hist, err))
        return -1;
    model_copy_params(&tr->model, &ck->model);
    return 0;
}

int checkpoint_restore(Trainer *tr, const char *path, RnnError *err)
{
    Loaded L;
    CheckpointInfo ck;
    if (load(&L, path, err))
        return -1;
    int rc = decode_info(&L, &ck, err);
    if (rc == 0) {
        rc = restore_from(&L, tr, &ck, err);
        checkpoint_info_free(&ck);
    }
    loaded_free(&L);
    return rc;
}

/* ---- the checkpoint folder ------------------------------------------------- */

int checkpoint_enabled(const Config *cfg)
{
    return cfg->train.checkpoint_every > 0 && cfg->train.checkpoint_dir[0] != '\0';
}

int checkpoint_due(const Trainer *tr, int evaluated)
{
    const TrainConfig *t = &tr->cfg.train;
    int due = 0;
    if (!checkpoint_enabled(&tr->cfg))
        return 0;
    if (tr->step > 0 && tr->step % t->checkpoint_every == 0)
        due |= CKPT_DUE_PERIODIC;
    if (evaluated && isfinite(tr->last_val) && tr->last_val_step == tr->step &&
        tr->last_val == tr->best_val)
        due |= CKPT_DUE_BEST;
    return due;
}

/* mkdir -p. */
static int make_folder(const char *dir, RnnError *err)
{
    char p[CONFIG_PATH_MAX];
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            return err_set(err, RNN_ERR_RUNTIME, "cannot create the checkpoint folder %s: %s",
                           p, strerror(errno));
        *s = c;
        if (c == '\0')
            break;
    }
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
        return err_set(err, RNN_ERR_RUNTIME, "train.checkpoint_dir %s is not a folder", dir);
    return 0;
}

int checkpoint_path(const Config *cfg, const char *name, char *buf, size_t cap)
{
    size_t d = strlen(cfg->train.checkpoint_dir), n = strlen(name);
    if (d + 1 + n >= cap)
        return -1;
    memcpy(buf, cfg->train.checkpoint_dir, d);
    buf[d] = '/';
    memcpy(buf + d + 1, name, n + 1);
    return 0;
}

int checkpoint_save_named(const Trainer *tr, const char *name, RnnError *err)
{
    char path[CONFIG_PATH_MAX];
    if (!tr->cfg.train.checkpoint_dir[0])
        return err_set(err, RNN_ERR_INPUT, "cannot save %s: train.checkpoint_dir is empty", name);
    if (checkpoint_path(&tr->cfg, name, path, sizeof path))
        return err_set(err, RNN_ERR_RUNTIME, "checkpoint path %s/%s is too long",
                       tr->cfg.train.checkpoint_dir, name);
    if (make_folder(tr->cfg.train.checkpoint_dir, err))
        return -1;
    return checkpoint_save(tr, path, err);
}

int checkpoint_save_last(const Trainer *tr, RnnError *err)
{
    return checkpoint_save_named(tr, "last.ckpt", err);
}

/* step-NNNNNNNN.ckpt -> N, or -1. */
static long long step_file_number(const char *name)
{
    char *end;
    if (strncmp(name, "step-", 5) != 0 || name[5] < '0' || name[5] > '9')
        return -1;
    long long n = strtoll(name + 5, &end, 10);
    return strcmp(end, ".ckpt") == 0 ? n : -1;
}

/* A NAME.tmp.PID left by a process that no longer runs. */
static int stale_temp(const char *name)
{
    const char *t = strstr(name, ".ckpt.tmp.");
    char *end;
    if (!t)
        return 0;
    long pid = strtol(t + 10, &end, 10);
    return *end == '\0' && pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
           errno == ESRCH;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Keep the newest `keep` step files; remove stale temporary files. */
static void prune(const char *dir, int keep)
{
    DIR *d = opendir(dir);
    long long nums[4096];
    int n = 0;
    char path[CONFIG_PATH_MAX + 300];
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        long long k = step_file_number(e->d_name);
        if (k >= 0 && n < (int)(sizeof nums / sizeof nums[0]))
            nums[n++] = k;
        if (stale_temp(e->d_name)) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    qsort(nums, (size_t)n, sizeof nums[0], cmp_ll);
    for (int i = 0; i < n - keep; i++) {
        snprintf(path, sizeof path, "%s/step-%08lld.ckpt", dir, nums[i]);
        unlink(path);
    }
}

/* last.ckpt and step-N.ckpt: the step file is written, then linked to
 * last.ckpt's name through a temporary link and a rename (a second save if
 * the file system has no hard links). */
static int save_periodic(const Trainer *tr, RnnError *err)
{
    const TrainConfig *t = &tr->cfg.train;
    char name[64], step_path[CONFIG_PATH_MAX], last[CONFIG_PATH_MAX], tmp[CONFIG_PATH_MAX + 32];
    if (t->keep_checkpoints <= 0)
        return checkpoint_save_last(tr, err);
    snprintf(name, sizeof name, "step-%08lld.ckpt", (long long)tr->step);
    if (checkpoint_save_named(tr, name, err))
        return -1;
    checkpoint_path(&tr->cfg, name, step_path, sizeof step_path);
    checkpoint_path(&tr->cfg, "last.ckpt", last, sizeof last);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", last, (long)getpid());
    unlink(tmp);
    if (link(step_path, tmp) != 0 || rename(tmp, last) != 0) {
        unlink(tmp);
        if (checkpoint_save(tr, last, err))
            return -1;
    }
    sync_folder(last);
    prune(t->checkpoint_dir, t->keep_checkpoints);
    return 0;
}

int checkpoint_after_step(Trainer *tr, int evaluated, RnnError *err)
{
    int due = checkpoint_due(tr, evaluated);
    if ((due & CKPT_DUE_PERIODIC) && save_periodic(tr, err))
        return -1;
    if ((due & CKPT_DUE_BEST) && checkpoint_save_named(tr, "best.ckpt", err))
        return -1;
    return 0;
}
