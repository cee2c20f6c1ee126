/* cmd_sample: `rnntop sample --checkpoint FILE`: loads a saved model, primes
 * a Sampler and streams the prime and the generated text to stdout as it is
 * produced, or with --probs one JSON object per generated step.
 *
 * Which sample settings: the checkpoint's own config (its sample section),
 * then an explicit --config file and every option that sets a key (--prime,
 * --length, --seed, --top-k, --top-p, --set sample.KEY=...), in order; the
 * default config file is not read. --temperature and --greedy win over
 * sample.temperature.
 *
 * --novelty: before sampling, the training split of the checkpoint's corpus
 * (corpus.path, or --corpus) is loaded with the checkpoint's vocabulary and
 * indexed once (novelty.h); after each sample a line
 * `novelty: 8-gram copied=0.340 16-gram copied=0.030` gives the share of the
 * generated text's n-grams found verbatim in it (on stderr with --probs). */
#include <autoconfig.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "checkpoint.h"
#include "commands.h"
#include "corpus.h"
#include "novelty.h"
#include "sampler.h"
#include "utf8.h"

#define PRIME_FILE_MAX (64L << 20)
#define PROBS_TOP 10

/* ---- settings --------------------------------------------------------------- */

/* The checkpoint's sample section with the command line on top. */
static int effective_sample(const Options *o, const Config *ckpt, SampleConfig *sc,
                            RnnError *err)
{
    static Config cfg;
    cfg = *ckpt;
    if (options_apply_overrides(o, &cfg, err))
        return -1;
    *sc = cfg.sample;
    return 0;
}

/* The temperatures to sample at: --greedy, the --temperature list, or one. */
static int temperatures(const Options *o, const SampleConfig *sc, double *t)
{
    if (o->greedy) {
        t[0] = 0;
        return 1;
    }
    if (o->n_temperatures == 0) {
        t[0] = sc->temperature;
        return 1;
    }
    memcpy(t, o->temperatures, sizeof(double) * (size_t)o->n_temperatures);
    return o->n_temperatures;
}

/* ---- the prime ---------------------------------------------------------------- */

static int read_prime_file(const char *path, char **text, size_t *len, RnnError *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err, RNN_ERR_INPUT, "--prime-file %s: cannot open: %s", path,
                       strerror(errno));
    size_t cap = 0, n = 0, got;
    char *buf = NULL;
    int rc = 0;
    for (;;) {
        if (n == cap) {
            size_t grown = cap ? cap * 2 : 4096;
            char *bigger = cap < (size_t)PRIME_FILE_MAX ? realloc(buf, grown) : NULL;
            if (!bigger) {
                rc = cap < (size_t)PRIME_FILE_MAX
                   ? err_set(err, RNN_ERR_RUNTIME, "--prime-file %s: out of memory", path)
                   : err_set(err, RNN_ERR_INPUT, "--prime-file %s: longer than %ld MiB",
                             path, PRIME_FILE_MAX >> 20);
                break;
            }
            buf = bigger;
            cap = grown;
        }
        if ((got = fread(buf + n, 1, cap - n, f)) == 0) {
            if (ferror(f))
                rc = err_set(err, RNN_ERR_INPUT, "--prime-file %s: cannot read: %s", path,
                             strerror(errno));
            break;
        }
        n += got;
    }
    fclose(f);
    if (rc) {
        free(buf);
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* Byte offset of the first invalid UTF-8 sequence of s[0..n), or n. */
static size_t first_invalid(const char *s, size_t n)
{
    size_t at = 0;
    uint32_t cp;
    while (at < n) {
        int k = utf8_decode((const unsigned char *)s + at, n - at, &cp);
        if (!k)
            return at;
        at += (size_t)k;
    }
    return n;
}

/* The prime text: --prime-file when given, else sample.prime. *owned is
 * what to free. */
static int load_prime(const Options *o, const SampleConfig *sc, const char **text,
                      size_t *len, char **owned, RnnError *err)
{
    *owned = NULL;
    if (!o->prime_file[0]) {
        *text = o->prime_long ? o->prime_long : sc->prime;
        *len = strlen(*text);
        return 0;
    }
    if (read_prime_file(o->prime_file, owned, len, err))
        return -1;
    size_t bad = first_invalid(*owned, *len);
    if (bad < *len) {
        err_set(err, RNN_ERR_INPUT, "--prime-file %s: invalid UTF-8 at byte offset %zu: %s",
                o->prime_file, bad,
                utf8_invalid_reason((const unsigned char *)*owned + bad, *len - bad));
        free(*owned);
        *owned = NULL;
        return -1;
    }
    *text = *owned;
    return 0;
}

/* ---- output --------------------------------------------------------------------- */

/* A symbol's UTF-8 as the inside of a JSON string: quote and backslash
 * escaped, control characters (C0, DEL, C1) as \u00XX. */
static void json_symbol(const char *s, int n, FILE *out)
{
    uint32_t cp;
    for (int i = 0; i < n;) {
        int k = utf8_decode((const unsigned char *)s + i, (size_t)(n - i), &cp);
        if (!k) {
            fputs("\\ufffd", out);  /* not produced by a vocabulary; never raw */
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (char)cp);
        else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            fprintf(out, "\\u%04x", (unsigned)cp);
        else
            fwrite(s + i, 1, (size_t)k, out);
        i += k;
    }
}

static void json_candidate(const Sampler *s, int32_t id, FILE *out)
{
    char sym[256];
    int n = vocab_symbol_utf8(s->vocab, id, sym, sizeof sym);
    fputs("\"symbol\":\"", out);
    json_symbol(sym, n > 0 ? n : 0, out);
    fprintf(out, "\",\"id\":%d,\"p\":%.6g,\"p_t1\":%.6g", (int)id, (double)s->probs[id],
            (double)s->probs_t1[id]);
}

/* One --probs line for the step just drawn (ties in the top list: lowest id). */
static void json_step(const Sampler *s, int64_t step, int32_t id, const double *temp,
                      FILE *out)
{
    int32_t top[PROBS_TOP];
    int n = sampler_top(s, PROBS_TOP, top);
    fprintf(out, "{\"step\":%lld,", (long long)step);
    if (temp)
        fprintf(out, "\"temperature\":%g,", *temp);
    json_candidate(s, id, out);
    fputs(",\"top\":[", out);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",{" : "{", out);
        json_candidate(s, top[i], out);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct Run {
    const Options *o;
    const SampleConfig *sc;
    const char *prime;
    size_t prime_len;
    int n_temps;
    /* --novelty */
    const NoveltyIndex *nov;    /* NULL without --novelty */
    int32_t *ids;               /* [sc->length] the generated symbols */
    int lens[NOVELTY_MAX_LENGTHS], n_lens;
} Run;

/* ---- --novelty ------------------------------------------------------------------ */

/* Load the training text the checkpoint was trained on (the command line
 * may name another with --corpus) and index it for n-grams up to the
 * longest length asked for. */
static int novelty_setup(const Options *o, const CheckpointInfo *info, Run *r, Corpus *c,
                         NoveltyIndex *idx, RnnError *err)
{
    static Config cfg;
    cfg = info->cfg;
    r->n_lens = o->n_novelty_lens;
    memcpy(r->lens, o->novelty_lens, sizeof r->lens);
    if (r->n_lens == 0) {
        r->lens[0] = 8;
        r->lens[1] = 16;
        r->n_lens = 2;
    }
    int max_len = 1;
    for (int i = 0; i < r->n_lens; i++)
        max_len = r->lens[i] > max_len ? r->lens[i] : max_len;
    if (options_apply_overrides(o, &cfg, err))
        return -1;
    if (corpus_load_with_vocab(c, &cfg.corpus, &info->vocab, err)) {
        if (o->corpus_given)
            err_prefix(err, "--novelty: the training text given with --corpus cannot be used");
        else
            err_prefix(err, "--novelty needs the training text (give it with --corpus FILE)");
        return -1;
    }
    if (novelty_build(idx, c->ids, c->n_train, info->vocab.size, max_len, err))
        return -1;
    r->ids = malloc(sizeof *r->ids * (size_t)r->sc->length);
    if (!r->ids)
        return err_set(err, RNN_ERR_RUNTIME, "--novelty: out of memory for %d symbols",
                       r->sc->length);
    r->nov = idx;
    return 0;
}

/* `novelty: 8-gram copied=0.340 16-gram copied=0.030` for n generated
 * symbols ("copied=-" when the sample is shorter than the n-gram). */
static void print_novelty(const Run *r, int64_t n)
{
    FILE *out = r->o->probs ? stderr : stdout;
    fputs("novelty:", out);
    for (int i = 0; i < r->n_lens; i++) {
        int64_t copied, total;
        double share = novelty_copied(r->nov, r->ids, n, r->lens[i], &copied, &total);
        if (share < 0)
            fprintf(out, " %d-gram copied=-", r->lens[i]);
        else
            fprintf(out, " %d-gram copied=%.3f", r->lens[i], share);
    }
    fputc('\n', out);
    fflush(out);
}

/* "--- temperature 0.5 ---", whole numbers as "1.0". */
static void print_header(double t)
{
    char num[32];
    snprintf(num, sizeof num, "%g", t);
    printf("--- temperature %s%s ---\n", num, strpbrk(num, ".en") ? "" : ".0");
}

/* Prime and generate one sample at temperature t. */
static int one_sample(const Run *r, Sampler *s, double t, RnnError *err)
{
    SampleParams sp = {t, r->sc->top_k, r->sc->top_p, r->sc->seed};
    if (sampler_set_params(s, &sp, err) ||
        sampler_prime(s, r->prime, r->prime_len, (UnknownPolicy)r->o->unknown_policy, err)) {
        if (r->o->prime_file[0])
            err_prefix(err, "--prime-file %s", r->o->prime_file);
        return -1;
    }
    int probs = r->o->probs;
    if (!probs && r->n_temps > 1)
        print_header(t);
    if (!probs)
        fwrite(r->prime, 1, r->prime_len, stdout);
    int ends_line = r->prime_len == 0 || r->prime[r->prime_len - 1] == '\n';
    char sym[256];
    for (int64_t i = 0; i < r->sc->length; i++) {
        int32_t id = sampler_next(s);
        if (r->ids)
            r->ids[i] = id;
        if (probs) {
            json_step(s, i, id, r->n_temps > 1 ? &t : NULL, stdout);
        } else {
            int n = vocab_symbol_utf8(s->vocab, id, sym, sizeof sym);
            fwrite(sym, 1, n > 0 ? (size_t)n : 0, stdout);
            ends_line = n > 0 && sym[n - 1] == '\n';
        }
        if (fflush(stdout))
            return err_set(err, RNN_ERR_RUNTIME, "writing the sample: %s", strerror(errno));
    }
    if (!probs && !ends_line)
        putchar('\n');
    if (r->nov)
        print_novelty(r, r->sc->length);
    return fflush(stdout) ? err_set(err, RNN_ERR_RUNTIME, "writing the sample: %s",
                                    strerror(errno)) : 0;
}

static int sample_all(const Options *o, const CheckpointInfo *info, RnnError *err)
{
    SampleConfig sc;
    double temps[OPTIONS_MAX_TEMPS];
    if (effective_sample(o, &info->cfg, &sc, err))
        return -1;
    Run r = {o, &sc, NULL, 0, temperatures(o, &sc, temps), NULL, NULL, {0}, 0};
    static Corpus corpus;
    static NoveltyIndex idx;
    char *owned;
    if (load_prime(o, &sc, &r.prime, &r.prime_len, &owned, err))
        return -1;
    static Sampler s;
    SampleParams sp = {temps[0], sc.top_k, sc.top_p, sc.seed};
    int rc = o->novelty ? novelty_setup(o, info, &r, &corpus, &idx, err) : 0;
    if (rc == 0)
        rc = sampler_init(&s, &info->model, &info->vocab, &sp, err);
    if (rc == 0) {
        s.lowercase = info->cfg.corpus.lowercase;
        for (int i = 0; i < r.n_temps && rc == 0; i++)
            rc = one_sample(&r, &s, temps[i], err);
        sampler_free(&s);
    }
    free(owned);
    free(r.ids);
    novelty_free(&idx);
    corpus_free(&corpus);
    return rc;
}

int cmd_sample(const Options *o)
{
    static CheckpointInfo info;
    RnnError err;
    err_clear(&err);
    if (!o->checkpoint[0]) {
        err_set(&err, RNN_ERR_INPUT, "sample needs --checkpoint FILE (a training run writes "
                "train.checkpoint_dir/last.ckpt)");
        return report_error(&err);
    }
    blas_set_threads(1);  /* one symbol at a time: more threads only add overhead */
    if (checkpoint_load_info(o->checkpoint, &info, &err))
        return report_error(&err);
    int rc = sample_all(o, &info, &err);
    checkpoint_info_free(&info);
    return rc ? report_error(&err) : 0;
}
