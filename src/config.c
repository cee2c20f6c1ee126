/* config: the one key table behind defaults, YAML loading (libyaml event
 * API), --set overrides, validation and YAML output; see config.h.
 * It reads settings only: it never opens corpora or checkpoints. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* ---- the key table ---------------------------------------------------- */

typedef enum { T_INT, T_U64, T_DOUBLE, T_BOOL, T_ENUM, T_NAME, T_PATH, T_TEXT } KeyType;

typedef struct Key {
    const char *name;         /* "section.key" */
    KeyType type;
    size_t offset, size;      /* the field inside Config */
    double lo, hi;            /* T_INT, T_DOUBLE: the allowed range */
    int lo_open, hi_open;     /* T_DOUBLE: bound excluded */
    const char *const *names; /* T_ENUM (index = value), T_NAME; NULL-ended */
} Key;

static const char *const TOKENIZE_NAMES[] = {"char", "word", NULL};
static const char *const CELL_NAMES[] = {"rnn", "gru", "lstm", NULL};
static const char *const OPTIMIZER_NAMES[] = {"adam", "adagrad", "sgd", NULL};
static const char *const GRAPH_NAMES[] = {"auto", "braille", "block", "ascii", NULL};
static const char *const THEME_NAMES[] = {"default", "mono", NULL};
static const char *const SECTIONS[] = {"corpus", "model", "train", "sample", "ui", NULL};
#define NSECTIONS (sizeof SECTIONS / sizeof SECTIONS[0] - 1)

_Static_assert(sizeof(Tokenize) == sizeof(int) && sizeof(CellType) == sizeof(int) &&
                   sizeof(OptimizerType) == sizeof(int) && sizeof(GraphStyle) == sizeof(int),
               "enum fields are stored through int");

#define FIELD(f) offsetof(Config, f), sizeof(((Config *)0)->f)
#define KEY_INT(n, f, lo, hi) {n, T_INT, FIELD(f), lo, hi, 0, 0, NULL}
#define KEY_DBL(n, f, lo, hi, lo_open, hi_open) \
    {n, T_DOUBLE, FIELD(f), lo, hi, lo_open, hi_open, NULL}
#define KEY_ENUM(n, f, names) {n, T_ENUM, FIELD(f), 0, 0, 0, 0, names}
#define KEY_OF(n, t, f) {n, t, FIELD(f), 0, 0, 0, 0, NULL}
#define STEPS_MAX 1e9

/* Grouped by section, in the order config_write_yaml prints them. */
static const Key KEYS[] = {
    KEY_OF("corpus.path", T_PATH, corpus.path),
    KEY_ENUM("corpus.tokenize", corpus.tokenize, TOKENIZE_NAMES),
    KEY_DBL("corpus.val_fraction", corpus.val_fraction, 0, 0.5, 0, 0),
    KEY_OF("corpus.lowercase", T_BOOL, corpus.lowercase),
    KEY_INT("corpus.min_count", corpus.min_count, 1, STEPS_MAX),
    KEY_ENUM("model.cell", model.cell, CELL_NAMES),
    KEY_INT("model.hidden", model.hidden, 1, 8192),
    KEY_INT("model.layers", model.layers, 1, MODEL_MAX_LAYERS),
    KEY_INT("model.embedding", model.embedding, 0, 8192),
    KEY_DBL("model.dropout", model.dropout, 0, 1, 0, 1),
    KEY_DBL("model.output_dropout", model.output_dropout, 0, 1, 0, 1),
    KEY_INT("train.seq_len", train.seq_len, 1, 100000),
    KEY_INT("train.batch", train.batch, 1, 100000),
    KEY_ENUM("train.optimizer", train.optimizer, OPTIMIZER_NAMES),
    KEY_DBL("train.learning_rate", train.learning_rate, 0, 10, 1, 0),
    KEY_DBL("train.lr_decay", train.lr_decay, 0, 1, 1, 0),
    KEY_INT("train.lr_decay_every", train.lr_decay_every, 0, STEPS_MAX),
    KEY_DBL("train.grad_clip", train.grad_clip, 0, 1e6, 0, 0),
    KEY_INT("train.eval_every", train.eval_every, 0, STEPS_MAX),
    KEY_INT("train.checkpoint_every", train.checkpoint_every, 0, STEPS_MAX),
    KEY_OF("train.checkpoint_dir", T_PATH, train.checkpoint_dir),
    KEY_INT("train.keep_checkpoints", train.keep_checkpoints, 0, 100000),
    KEY_OF("train.seed", T_U64, train.seed),
    KEY_INT("train.threads", train.threads, 0, 1024),
    KEY_INT("train.log_every", train.log_every, 1, STEPS_MAX),
    KEY_INT("train.baseline_order", train.baseline_order, 0, 10),
    KEY_DBL("sample.temperature", sample.temperature, 0, 100, 0, 0),
    KEY_INT("sample.length", sample.length, 1, 10000000),
    KEY_OF("sample.prime", T_TEXT, sample.prime),
    KEY_INT("sample.top_k", sample.top_k, 0, 10000000),
    KEY_DBL("sample.top_p", sample.top_p, 0, 1, 1, 0),
    KEY_OF("sample.seed", T_U64, sample.seed),
    KEY_INT("ui.refresh_hz", ui.refresh_hz, 1, 60),
    {"ui.theme", T_NAME, FIELD(ui.theme), 0, 0, 0, 0, THEME_NAMES},
    KEY_ENUM("ui.graph", ui.graph, GRAPH_NAMES),
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

/* Largest train.batch * train.seq_len (tokens in one step). */
#define STEP_TOKENS_MAX (1 << 24)

void config_defaults(Config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->corpus.path, "corpora/kjv.txt");
    cfg->corpus.tokenize = TOKENIZE_CHAR;
    cfg->corpus.val_fraction = 0.1;
    cfg->corpus.min_count = 1;
    cfg->model = (ModelConfig){.cell = CELL_LSTM, .hidden = 128, .layers = 2};
    TrainConfig *t = &cfg->train;
    t->seq_len = 64;
    t->batch = 32;
    t->optimizer = OPT_ADAM;
    t->learning_rate = 2e-3;
    t->lr_decay = 1.0;
    t->grad_clip = 5.0;
    t->eval_every = 200;
    t->checkpoint_every = 1000;
    strcpy(t->checkpoint_dir, "checkpoints");
    t->keep_checkpoints = 3;
    t->seed = 1234;
    t->log_every = 10;
    t->baseline_order = 5;
    SampleConfig *s = &cfg->sample;
    s->temperature = 0.8;
    s->length = 500;
    s->top_p = 1.0;
    s->seed = 42;
    cfg->ui.refresh_hz = 15;
    strcpy(cfg->ui.theme, "default");
    cfg->ui.graph = GRAPH_AUTO;
}

const char *config_cell_name(CellType c)
{
    return (unsigned)c < 3 ? CELL_NAMES[c] : "?";
}

const char *config_optimizer_name(OptimizerType o)
{
    return (unsigned)o < 3 ? OPTIMIZER_NAMES[o] : "?";
}

const char *config_tokenize_name(Tokenize t)
{
    return (unsigned)t < 2 ? TOKENIZE_NAMES[t] : "?";
}

/* ---- small helpers ---------------------------------------------------- */

static void *field(Config *cfg, const Key *k)
{
    return (char *)cfg + k->offset;
}

static const void *cfield(const Config *cfg, const Key *k)
{
    return (const char *)cfg + k->offset;
}

static const Key *key_find(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(KEYS[i].name, name) == 0)
            return &KEYS[i];
    return NULL;
}

static const char *key_bare(const Key *k)
{
    return strchr(k->name, '.') + 1;
}

static int key_in_section(const Key *k, const char *section)
{
    size_t n = strlen(section);
    return strncmp(k->name, section, n) == 0 && k->name[n] == '.';
}

static size_t section_len(const Key *k)
{
    return (size_t)(strchr(k->name, '.') - k->name);
}

static int name_count(const char *const *names)
{
    int n = 0;
    while (names[n])
        n++;
    return n;
}

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcasecmp(names[i], s) == 0)
            return i;
    return -1;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid; sets *cp. */
static size_t utf8_step(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || s[0] > 0xF4)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int utf8_ok(const char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0, len; i < n; i += len)
        if ((len = utf8_step((const unsigned char *)s + i, n - i, &cp)) == 0)
            return 0;
    return 1;
}

/* Copy user text into out for a one-line message: control bytes and
 * invalid UTF-8 escaped, long text cut with "...". */
static const char *show(const char *s, size_t n, char *out, size_t cap)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    while (i < n && o + 8 < cap && o < 48) {
        uint32_t cp;
        size_t len = utf8_step(u + i, n - i, &cp);
        if (len == 0 || u[i] < 0x20 || u[i] == 0x7F) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", u[i]);
            len = 1;
        } else {
            memcpy(out + o, u + i, len);
            o += len;
        }
        i += len;
    }
    out[o] = '\0';
    if (i < n)
        snprintf(out + o, cap - o, "...");
    return out;
}

/* Write a reason into why[0..wn); returns -1 for `return explain(...)`. */
static int explain(char *why, size_t wn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int explain(char *why, size_t wn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, wn, fmt, ap);
    va_end(ap);
    return -1;
}

/* Levenshtein distance of two short strings (longer ones count as far). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), row[65];
    if (na > 64 || nb > 64)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* Is a name at edit distance d from typed text a worth suggesting? */
static int close_enough(size_t d, const char *a)
{
    size_t n = strlen(a);
    return d < n && (d <= 2 || (d <= 3 && n >= 10));
}

/* The known key nearest to "section.key" name, or NULL. */
static const Key *key_suggest(const char *name)
{
    const char *dot = strchr(name, '.');
    const char *bare = dot ? dot + 1 : name;
    const Key *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < NKEYS; i++) {
        size_t d = edit_distance(name, KEYS[i].name);
        if (strcmp(bare, key_bare(&KEYS[i])) == 0)
            d = 1; /* the right key in the wrong section, or in none */
        if (d < best_d) {
            best_d = d;
            best = &KEYS[i];
        }
    }
    return best && close_enough(best_d, name) ? best : NULL;
}

/* "unknown key 'model.hiden'; did you mean 'model.hidden'?", or the keys of
 * its section when nothing is close. */
static void unknown_key_text(const char *name, char *out, size_t cap)
{
    char shown[64];
    const char *section = NULL;
    for (int i = 0; SECTIONS[i] && !section; i++)
        if (strncmp(name, SECTIONS[i], strlen(SECTIONS[i])) == 0 &&
            name[strlen(SECTIONS[i])] == '.')
            section = SECTIONS[i];
    const Key *k = key_suggest(name);
    int n = snprintf(out, cap, "unknown key '%s'", show(name, strlen(name), shown, sizeof shown));
    if (k) {
        snprintf(out + n, cap - (size_t)n, "; did you mean '%s'?", k->name);
        return;
    }
    if (!section)
        return;
    n += snprintf(out + n, cap - (size_t)n, " (keys in %s:", section);
    for (size_t i = 0; i < NKEYS && (size_t)n < cap; i++)
        if (key_in_section(&KEYS[i], section))
            n += snprintf(out + n, cap - (size_t)n, " %s", key_bare(&KEYS[i]));
    if ((size_t)n < cap)
        snprintf(out + n, cap - (size_t)n, ")");
}

static void unknown_section_text(const char *name, char *out, size_t cap)
{
    char shown[64];
    int n =
        snprintf(out, cap, "unknown section '%s'", show(name, strlen(name), shown, sizeof shown));
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; SECTIONS[i]; i++) {
        size_t d = edit_distance(name, SECTIONS[i]);
        if (d < best_d && close_enough(d, name)) {
            best_d = d;
            best = SECTIONS[i];
        }
    }
    for (size_t i = 0; i < NKEYS && !best; i++)
        if (strcmp(name, key_bare(&KEYS[i])) == 0) {
            snprintf(out + n, cap - (size_t)n, "; did you mean '%s' (key '%s' under '%.*s:')?",
                     KEYS[i].name, name, (int)section_len(&KEYS[i]), KEYS[i].name);
            return;
        }
    if (best)
        snprintf(out + n, cap - (size_t)n, "; did you mean '%s'?", best);
    else
        snprintf(out + n, cap - (size_t)n, " (sections: corpus, model, train, sample, ui)");
}

/* ---- one numeric locale ------------------------------------------------- */

/* Numbers in YAML use '.', whatever LC_NUMERIC the front end chose: each
 * public entry point switches this thread to the "C" locale and back. */
typedef struct CLocale {
    locale_t c, old;
} CLocale;

static CLocale c_locale_enter(void)
{
    CLocale l = {newlocale(LC_ALL_MASK, "C", (locale_t)0), (locale_t)0};
    if (l.c)
        l.old = uselocale(l.c);
    return l;
}

static void c_locale_leave(CLocale l)
{
    if (!l.c)
        return;
    uselocale(l.old);
    freelocale(l.c);
}

/* ---- parsing one value ------------------------------------------------ */

static void describe(const Key *k, char *out, size_t cap)
{
    switch (k->type) {
    case T_INT:
        snprintf(out, cap, "an integer in %.0f..%.0f", k->lo, k->hi);
        break;
    case T_U64:
        snprintf(out, cap, "an integer in 0..%" PRIu64, UINT64_MAX);
        break;
    case T_DOUBLE:
        snprintf(out, cap, "a finite number in %c%.10g, %.10g%c", k->lo_open ? '(' : '[', k->lo,
                 k->hi, k->hi_open ? ')' : ']');
        break;
    case T_BOOL:
        snprintf(out, cap, "a boolean (true|false|yes|no)");
        break;
    case T_ENUM:
    case T_NAME: {
        int n = snprintf(out, cap, "one of ");
        for (int i = 0; k->names[i] && (size_t)n < cap; i++)
            n += snprintf(out + n, cap - (size_t)n, "%s%s", i ? "|" : "", k->names[i]);
        break;
    }
    case T_PATH:
        snprintf(out, cap, "a path");
        break;
    case T_TEXT:
        snprintf(out, cap, "a string");
        break;
    }
}

static int in_range(const Key *k, double v)
{
    if (!isfinite(v))
        return 0;
    if (k->lo_open ? v <= k->lo : v < k->lo)
        return 0;
    return k->hi_open ? v < k->hi : v <= k->hi;
}

/* Decimal integer: optional sign, digits only. Returns 0, or -1 on any other
 * text or a magnitude above UINT64_MAX. */
static int parse_decimal(const char *s, int *neg, uint64_t *mag)
{
    *neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return -1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *mag = v;
    return 0;
}

static int parse_int(const Key *k, const char *s, int *out)
{
    int neg;
    uint64_t mag;
    if (parse_decimal(s, &neg, &mag) < 0 || mag > (uint64_t)INT32_MAX + 1)
        return -1;
    double v = neg ? -(double)mag : (double)mag;
    if (!in_range(k, v))
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    int neg;
    uint64_t mag;
    if (parse_decimal(s, &neg, &mag) < 0 || (neg && mag != 0))
        return -1;
    *out = mag;
    return 0;
}

/* Plain decimal notation only: no hex, no nan/inf words, no junk. */
static int parse_double(const Key *k, const char *s, double *out)
{
    if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (*end || !in_range(k, v))
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
        *out = 1;
    else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

static int is_null(const char *s)
{
    return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

static int store_text(const Key *k, Config *cfg, const char *s, size_t n, int quoted, char *why,
                      size_t wn)
{
    if (!quoted && is_null(s))
        n = 0;
    if (n >= k->size)
        return explain(why, wn, "too long: %zu bytes, at most %zu", n, k->size - 1);
    if (!utf8_ok(s, n))
        return explain(why, wn, "not valid UTF-8");
    memcpy(field(cfg, k), s, n);
    ((char *)field(cfg, k))[n] = '\0';
    return 0;
}

/* Why value s does not fit key k: "expected ..., got ...". */
static int reject(const Key *k, const char *s, size_t n, int quoted, char *why, size_t wn)
{
    char want[128], shown[64];
    describe(k, want, sizeof want);
    if (!quoted && n == 0)
        return explain(why, wn, "expected %s, got nothing", want);
    return explain(why, wn, "expected %s, got %s'%s'", want, quoted ? "the quoted string " : "",
                   show(s, n, shown, sizeof shown));
}

/* Store scalar s[0..n) (quoted: not a plain YAML scalar) into key k of cfg.
 * Writes nothing on failure and says why. */
static int key_store(const Key *k, Config *cfg, const char *s, size_t n, int quoted, char *why,
                     size_t wn)
{
    if (memchr(s, '\0', n))
        return explain(why, wn, "contains a NUL character");
    if (k->type == T_PATH || k->type == T_TEXT)
        return store_text(k, cfg, s, n, quoted, why, wn);
    int ok = -1, i = 0;
    uint64_t u = 0;
    double d = 0;
    if (quoted && k->type != T_ENUM && k->type != T_NAME)
        return reject(k, s, n, quoted, why, wn);
    switch (k->type) {
    case T_INT:
        ok = parse_int(k, s, &i);
        break;
    case T_U64:
        ok = parse_u64(s, &u);
        break;
    case T_DOUBLE:
        ok = parse_double(k, s, &d);
        break;
    case T_BOOL:
        ok = parse_bool(s, &i);
        break;
    default:
        ok = (i = name_index(k->names, s)) >= 0 ? 0 : -1;
        break;
    }
    if (ok < 0)
        return reject(k, s, n, quoted, why, wn);
    void *p = field(cfg, k);
    if (k->type == T_U64)
        memcpy(p, &u, sizeof u);
    else if (k->type == T_DOUBLE)
        memcpy(p, &d, sizeof d);
    else if (k->type == T_NAME)
        strcpy(p, k->names[i]);
    else
        memcpy(p, &i, sizeof i);
    return 0;
}

/* ---- the YAML file ---------------------------------------------------- */

typedef struct Loader {
    yaml_parser_t parser;
    FILE *in;
    const char *file;
    char dir[CONFIG_PATH_MAX]; /* folder of the file; "" = the current one */
    Config cfg;                /* the working copy, handed out on success */
    size_t key_line[NKEYS];    /* line of each key seen, 0 = not yet */
    size_t section_line[NSECTIONS]; /* likewise for sections */
    RnnError *err;
} Loader;

static int fail_at(Loader *L, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(Loader *L, yaml_mark_t m, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(L->err, RNN_ERR_INPUT, "%s:%zu:%zu: %s", L->file, m.line + 1, m.column + 1, msg);
}

/* Line and column of byte offset off, by reading the file again (libyaml
 * decodes ahead, so its own mark is not where a bad byte is). */
static yaml_mark_t mark_of_offset(Loader *L, size_t off)
{
    yaml_mark_t m = L->parser.mark;
    if (fseek(L->in, 0, SEEK_SET) != 0)
        return m;
    m.line = m.column = 0;
    for (size_t i = 0; i < off; i++) {
        int c = getc(L->in);
        if (c == EOF)
            break;
        if (c == '\n')
            m.line++, m.column = 0;
        else if ((c & 0xC0) != 0x80)
            m.column++;
    }
    return m;
}

static int parser_fail(Loader *L)
{
    const yaml_parser_t *p = &L->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return err_set(L->err, RNN_ERR_RUNTIME, "%s: out of memory reading YAML", L->file);
    if (p->error == YAML_READER_ERROR) {
        if (strcmp(p->problem, "input error") == 0)
            return err_set(L->err, RNN_ERR_RUNTIME, "%s: read error", L->file);
        return fail_at(L, mark_of_offset(L, p->problem_offset),
                       "cannot read YAML: %s at byte offset %zu", p->problem, p->problem_offset);
    }
    if (p->context)
        return fail_at(L, p->problem_mark, "YAML is not well formed: %s: %s", p->context,
                       p->problem);
    return fail_at(L, p->problem_mark, "YAML is not well formed: %s",
                   p->problem ? p->problem : "parse error");
}

static const char *node_anchor(const yaml_event_t *ev)
{
    if (ev->type == YAML_SCALAR_EVENT)
        return (const char *)ev->data.scalar.anchor;
    if (ev->type == YAML_MAPPING_START_EVENT)
        return (const char *)ev->data.mapping_start.anchor;
    if (ev->type == YAML_SEQUENCE_START_EVENT)
        return (const char *)ev->data.sequence_start.anchor;
    return NULL;
}

static const char *node_tag(const yaml_event_t *ev)
{
    if (ev->type == YAML_SCALAR_EVENT)
        return (const char *)ev->data.scalar.tag;
    if (ev->type == YAML_MAPPING_START_EVENT)
        return (const char *)ev->data.mapping_start.tag;
    if (ev->type == YAML_SEQUENCE_START_EVENT)
        return (const char *)ev->data.sequence_start.tag;
    return NULL;
}

/* The next event, with anchors, aliases and tags refused. On -1 there is
 * no event to delete. */
static int next_event(Loader *L, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&L->parser, ev))
        return parser_fail(L);
    const char *why = NULL;
    if (ev->type == YAML_ALIAS_EVENT || node_anchor(ev))
        why = "anchors and aliases are not allowed";
    else if (node_tag(ev))
        why = "tags are not allowed";
    if (!why)
        return 0;
    fail_at(L, ev->start_mark, "%s", why);
    yaml_event_delete(ev);
    return -1;
}

static const char *node_kind(const yaml_event_t *ev)
{
    return ev->type == YAML_MAPPING_START_EVENT ? "a mapping" : "a sequence";
}

/* The text of a scalar event, NULL when it holds a NUL character. */
static const char *scalar_text(const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    return strlen(s) == ev->data.scalar.length ? s : NULL;
}

static int scalar_is_null(const yaml_event_t *ev)
{
    return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           is_null((const char *)ev->data.scalar.value);
}

/* Make a relative path from the file relative to the file's folder. */
static int resolve_path(Loader *L, const Key *k, yaml_mark_t at)
{
    char *p = field(&L->cfg, k);
    if (!*p || *p == '/' || !*L->dir)
        return 0;
    char joined[CONFIG_PATH_MAX];
    int n =
        snprintf(joined, sizeof joined, "%s%s%s", L->dir, strcmp(L->dir, "/") == 0 ? "" : "/", p);
    if (n < 0 || (size_t)n >= sizeof joined)
        return fail_at(L, at, "%s: path too long once joined to '%s'", k->name, L->dir);
    memcpy(p, joined, (size_t)n + 1);
    return 0;
}

static int load_value(Loader *L, const Key *k)
{
    yaml_event_t ev;
    if (next_event(L, &ev) < 0)
        return -1;
    char why[512];
    int rc = 0;
    if (ev.type != YAML_SCALAR_EVENT) {
        describe(k, why, sizeof why);
        rc = fail_at(L, ev.start_mark, "%s: expected %s, got %s", k->name, why, node_kind(&ev));
    } else if (key_store(k, &L->cfg, (const char *)ev.data.scalar.value, ev.data.scalar.length,
                         ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE, why, sizeof why) < 0) {
        rc = fail_at(L, ev.start_mark, "%s: %s", k->name, why);
    } else if (k->type == T_PATH) {
        rc = resolve_path(L, k, ev.start_mark);
    }
    yaml_event_delete(&ev);
    return rc;
}

/* A key of section: look it up, refuse repeats, read its value. */
static int load_key(Loader *L, const char *section, const yaml_event_t *ev)
{
    const char *text = ev->type == YAML_SCALAR_EVENT ? scalar_text(ev) : NULL;
    if (!text)
        return fail_at(L, ev->start_mark, "expected a key name in section '%s'", section);
    char name[160], why[700];
    snprintf(name, sizeof name, "%s.%s", section, text);
    const Key *k = key_find(name);
    if (!k) {
        unknown_key_text(name, why, sizeof why);
        return fail_at(L, ev->start_mark, "%s", why);
    }
    size_t *seen = &L->key_line[k - KEYS];
    if (*seen)
        return fail_at(L, ev->start_mark, "duplicate key '%s' (first at line %zu)", k->name, *seen);
    *seen = ev->start_mark.line + 1;
    return load_value(L, k);
}

static int load_section_body(Loader *L, const char *section)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(L, &ev) < 0)
            return -1;
        int done = ev.type == YAML_MAPPING_END_EVENT;
        int rc = done ? 0 : load_key(L, section, &ev);
        yaml_event_delete(&ev);
        if (done || rc < 0)
            return rc;
    }
}

/* The value of a section: a mapping of keys, or nothing at all. */
static int load_section_value(Loader *L, const char *section)
{
    yaml_event_t ev;
    if (next_event(L, &ev) < 0)
        return -1;
    int rc = 0;
    if (ev.type == YAML_MAPPING_START_EVENT)
        rc = load_section_body(L, section);
    else if (!scalar_is_null(&ev))
        rc = fail_at(L, ev.start_mark, "section '%s' must be a mapping of keys, got %s", section,
                     ev.type == YAML_SCALAR_EVENT ? "a scalar" : node_kind(&ev));
    yaml_event_delete(&ev);
    return rc;
}

static int load_section(Loader *L, const yaml_event_t *ev)
{
    const char *text = ev->type == YAML_SCALAR_EVENT ? scalar_text(ev) : NULL;
    if (!text)
        return fail_at(L, ev->start_mark,
                       "expected a section name (corpus, model, train, sample, ui)");
    int s = 0;
    while (SECTIONS[s] && strcmp(SECTIONS[s], text) != 0)
        s++;
    if (!SECTIONS[s]) {
        char why[512];
        unknown_section_text(text, why, sizeof why);
        return fail_at(L, ev->start_mark, "%s", why);
    }
    if (L->section_line[s])
        return fail_at(L, ev->start_mark, "duplicate section '%s' (first at line %zu)", text,
                       L->section_line[s]);
    L->section_line[s] = ev->start_mark.line + 1;
    return load_section_value(L, SECTIONS[s]);
}

static int load_sections(Loader *L)
{
    for (;;) {
        yaml_event_t ev;
        if (next_event(L, &ev) < 0)
            return -1;
        int done = ev.type == YAML_MAPPING_END_EVENT;
        int rc = done ? 0 : load_section(L, &ev);
        yaml_event_delete(&ev);
        if (done || rc < 0)
            return rc;
    }
}

/* Expect an event of type t (stream and document framing). */
static int expect_event(Loader *L, yaml_event_type_t t, yaml_event_type_t *got, yaml_mark_t *at)
{
    yaml_event_t ev;
    if (next_event(L, &ev) < 0)
        return -1;
    *got = ev.type;
    *at = ev.start_mark;
    yaml_event_delete(&ev); /* clears ev */
    return *got == t ? 0 : 1;
}

static int load_root(Loader *L)
{
    yaml_event_t ev;
    if (next_event(L, &ev) < 0)
        return -1;
    int rc = 0;
    if (ev.type == YAML_MAPPING_START_EVENT)
        rc = load_sections(L);
    else if (!scalar_is_null(&ev))
        rc = fail_at(L, ev.start_mark,
                     "expected a mapping of sections (corpus, model, train, sample, ui)");
    yaml_event_delete(&ev);
    return rc;
}

/* stream-start, at most one document holding one mapping, stream-end. */
static int load_stream(Loader *L)
{
    yaml_event_type_t got;
    yaml_mark_t at;
    if (expect_event(L, YAML_STREAM_START_EVENT, &got, &at) != 0)
        return -1;
    int rc = expect_event(L, YAML_DOCUMENT_START_EVENT, &got, &at);
    if (rc < 0 || got == YAML_STREAM_END_EVENT)
        return rc < 0 ? -1 : 0;
    if (load_root(L) < 0 || expect_event(L, YAML_DOCUMENT_END_EVENT, &got, &at) < 0)
        return -1;
    rc = expect_event(L, YAML_STREAM_END_EVENT, &got, &at);
    if (rc > 0)
        return fail_at(L, at, "only one YAML document is allowed");
    return rc;
}

static void set_dir(Loader *L, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (slash == path)
        n = 1;
    if (n >= sizeof L->dir || (n == 1 && path[0] == '.'))
        n = 0;
    memcpy(L->dir, path, n);
    L->dir[n] = '\0';
}

static FILE *open_config(const char *path, RnnError *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, RNN_ERR_INPUT, "%s: cannot open config: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        err_set(err, RNN_ERR_INPUT, "%s: is a directory, not a YAML config", path);
        fclose(f);
        return NULL;
    }
    return f;
}

static int load_file(Loader *L, Config *cfg, FILE *f)
{
    if (!yaml_parser_initialize(&L->parser))
        return err_set(L->err, RNN_ERR_RUNTIME, "%s: out of memory", L->file);
    yaml_parser_set_input_file(&L->parser, f);
    L->in = f;
    int rc = load_stream(L);
    yaml_parser_delete(&L->parser);
    if (rc == 0)
        *cfg = L->cfg;
    return rc;
}

int config_load_file(Config *cfg, const char *path, RnnError *err)
{
    FILE *f = open_config(path, err);
    if (!f)
        return -1;
    Loader *L = calloc(1, sizeof *L);
    if (!L) {
        fclose(f);
        return err_set(err, RNN_ERR_RUNTIME, "%s: out of memory", path);
    }
    L->file = path;
    L->err = err;
    L->cfg = *cfg;
    set_dir(L, path);
    CLocale loc = c_locale_enter();
    int rc = load_file(L, cfg, f);
    c_locale_leave(loc);
    free(L);
    fclose(f);
    return rc;
}

/* ---- --set ------------------------------------------------------------ */

int config_set(Config *cfg, const char *assignment, RnnError *err)
{
    char shown[64], name[160], why[700];
    show(assignment, strlen(assignment), shown, sizeof shown);
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return err_set(err, RNN_ERR_INPUT, "--set %s: expected KEY=VALUE, e.g. model.hidden=512",
                       shown);
    snprintf(name, sizeof name, "%.*s", (int)(eq - assignment < 150 ? eq - assignment : 150),
             assignment);
    const Key *k = key_find(name);
    if (!k) {
        unknown_key_text(name, why, sizeof why);
        return err_set(err, RNN_ERR_INPUT, "--set %s: %s", shown, why);
    }
    int raw = k->type == T_PATH || k->type == T_TEXT; /* text as typed, "null" too */
    CLocale loc = c_locale_enter();
    int rc = key_store(k, cfg, eq + 1, strlen(eq + 1), raw, why, sizeof why);
    c_locale_leave(loc);
    if (rc < 0)
        return err_set(err, RNN_ERR_INPUT, "--set %s: %s", shown, why);
    return 0;
}

/* ---- validation ------------------------------------------------------- */

/* Does the stored value of k lie in its range? Explains when not. */
static int key_check(const Key *k, const Config *cfg, char *why, size_t wn)
{
    const void *p = cfield(cfg, k);
    int i = 0;
    double d = 0;
    char want[128];
    describe(k, want, sizeof want);
    if (k->type == T_INT || k->type == T_BOOL || k->type == T_ENUM)
        memcpy(&i, p, sizeof i);
    if (k->type == T_DOUBLE)
        memcpy(&d, p, sizeof d);
    if (k->type == T_INT && !in_range(k, i))
        return explain(why, wn, "%s: expected %s, got %d", k->name, want, i);
    if (k->type == T_DOUBLE && !in_range(k, d))
        return explain(why, wn, "%s: expected %s, got %g", k->name, want, d);
    if (k->type == T_BOOL && i != 0 && i != 1)
        return explain(why, wn, "%s: expected %s, got %d", k->name, want, i);
    if (k->type == T_ENUM && (i < 0 || i >= name_count(k->names)))
        return explain(why, wn, "%s: expected %s, got value %d", k->name, want, i);
    if (k->type == T_PATH || k->type == T_TEXT || k->type == T_NAME) {
        size_t n = strnlen(p, k->size);
        if (n == k->size || !utf8_ok(p, n))
            return explain(why, wn, "%s: not a valid UTF-8 string", k->name);
        if (k->type == T_NAME && name_index(k->names, p) < 0)
            return explain(why, wn, "%s: expected %s", k->name, want);
    }
    return 0;
}

static int cross_check(const Config *cfg, char *why, size_t wn)
{
    const TrainConfig *t = &cfg->train;
    if ((long long)t->batch * t->seq_len > STEP_TOKENS_MAX)
        return explain(why, wn, "train.batch * train.seq_len is %lld, at most %d tokens a step",
                       (long long)t->batch * t->seq_len, STEP_TOKENS_MAX);
    if (t->checkpoint_every > 0 && !t->checkpoint_dir[0])
        return explain(why, wn, "train.checkpoint_every is %d but train.checkpoint_dir is empty",
                       t->checkpoint_every);
    return 0;
}

int config_validate(const Config *cfg, RnnError *err)
{
    char why[700];
    CLocale loc = c_locale_enter();
    int rc = 0;
    for (size_t i = 0; i < NKEYS && rc == 0; i++)
        rc = key_check(&KEYS[i], cfg, why, sizeof why);
    if (rc == 0)
        rc = cross_check(cfg, why, sizeof why);
    c_locale_leave(loc);
    return rc < 0 ? err_set(err, RNN_ERR_INPUT, "config: %s", why) : 0;
}

/* ---- writing YAML ----------------------------------------------------- */

/* Shortest %g form that reads back as the same double. */
static void write_double(double v, FILE *out)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}

/* Code points YAML would read as line breaks, or refuses, are escaped. */
static int needs_escape(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
           cp == 0xFFFE || cp == 0xFFFF;
}

static void write_ascii(unsigned char c, FILE *out)
{
    if (c == '"' || c == '\\')
        fprintf(out, "\\%c", c);
    else if (c == '\n')
        fputs("\\n", out);
    else if (c == '\t')
        fputs("\\t", out);
    else if (c == '\r')
        fputs("\\r", out);
    else if (c < 0x20 || c == 0x7F)
        fprintf(out, "\\x%02x", c);
    else
        putc(c, out);
}

/* A YAML double-quoted scalar; invalid UTF-8 becomes U+FFFD. */
static void write_quoted(const char *s, FILE *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    putc('"', out);
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t len = u[i] < 0x80 ? 1 : utf8_step(u + i, n - i, &cp);
        if (u[i] < 0x80)
            write_ascii(u[i], out);
        else if (len == 0)
            fputs("\\uFFFD", out);
        else if (needs_escape(cp))
            fprintf(out, "\\u%04" PRIX32, cp);
        else
            fwrite(u + i, 1, len, out);
        i += len ? len : 1;
    }
    putc('"', out);
}

/* A relative path is written against the current folder: a saved config
 * then names the same files wherever it is stored and loaded from. */
static void write_path(const char *path, FILE *out)
{
    char cwd[CONFIG_PATH_MAX], full[2 * CONFIG_PATH_MAX + 2];
    if (!path[0] || path[0] == '/' || !getcwd(cwd, sizeof cwd)) {
        write_quoted(path, out);
        return;
    }
    const char *rest = strncmp(path, "./", 2) == 0 ? path + 2 : path;
    snprintf(full, sizeof full, "%s/%s", cwd, rest);
    write_quoted(full, out);
}

static void write_value(const Key *k, const Config *cfg, FILE *out)
{
    const void *p = cfield(cfg, k);
    int i = 0;
    uint64_t u;
    double d;
    if (k->type == T_INT || k->type == T_BOOL || k->type == T_ENUM)
        memcpy(&i, p, sizeof i);
    switch (k->type) {
    case T_INT:
        fprintf(out, "%d", i);
        break;
    case T_U64:
        memcpy(&u, p, sizeof u);
        fprintf(out, "%" PRIu64, u);
        break;
    case T_DOUBLE:
        memcpy(&d, p, sizeof d);
        write_double(d, out);
        break;
    case T_BOOL:
        fputs(i ? "true" : "false", out);
        break;
    case T_ENUM:
        fputs(i >= 0 && i < name_count(k->names) ? k->names[i] : "?", out);
        break;
    case T_PATH:
        write_path(p, out);
        break;
    case T_NAME:
    case T_TEXT:
        write_quoted(p, out);
        break;
    }
}

void config_write_yaml(const Config *cfg, FILE *out)
{
    CLocale loc = c_locale_enter();
    fputs("# rnntop config; paths are absolute, so this file loads the same from any "
          "folder\n", out);
    for (size_t i = 0; i < NKEYS; i++) {
        const Key *k = &KEYS[i];
        if (i == 0 || section_len(k - 1) != section_len(k) ||
            strncmp(k[-1].name, k->name, section_len(k)) != 0)
            fprintf(out, "%.*s:\n", (int)section_len(k), k->name);
        fprintf(out, "  %s: ", key_bare(k));
        write_value(&KEYS[i], cfg, out);
        putc('\n', out);
    }
    c_locale_leave(loc);
}
