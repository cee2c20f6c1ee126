/* options: command-line parsing and the effective config; see options.h. */
#include "options.h"

#include <autoconfig.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "novelty.h"
#include "utf8.h"

#ifndef RNNTOP_DATADIR
#define RNNTOP_DATADIR "/usr/local/share/rnntop"
#endif
#ifndef RNNTOP_SRCDIR
#define RNNTOP_SRCDIR "."
#endif

static const char *const COMMAND_NAMES[] = {"dashboard", "train", "sample", "eval",
                                            "bench",     "config", "help", "version"};

const char *options_command_name(Command c)
{
    return COMMAND_NAMES[c];
}

static const char USAGE_MAIN[] =
    "usage: rnntop [COMMAND] [OPTIONS]\n"
    "\n"
    "Train a recurrent language model (rnn, gru, lstm) on a text corpus and watch it learn.\n"
    "\n"
    "commands:\n"
    "  (none)     the dashboard: train in the background, watch, sample\n"
    "  train      headless training (servers, CI, scripts)\n"
    "  sample     generate text from a saved model (--checkpoint FILE)\n"
    "  eval       validation loss of a saved model (--checkpoint FILE)\n"
    "  bench      training throughput: chars/s and achieved GFLOP/s\n"
    "  config     print the effective config as YAML\n"
    "\n"
    "common options:\n"
    "  -c, --config FILE    YAML config (default: ~/.config/rnntop/config.yaml if present,\n"
    "                       else configs/default.yaml)\n"
    "      --corpus FILE    overrides corpus.path\n"
    "      --set KEY=VALUE  overrides any config key, e.g. --set model.hidden=512 (repeatable)\n"
    "      --resume FILE    continue from a checkpoint\n"
    "  -h, --help           this help (rnntop COMMAND --help for a command's options)\n"
    "  -V, --version        the version\n";

static const char USAGE_TRAIN[] =
    "usage: rnntop train [OPTIONS]\n"
    "\n"
    "Train without the dashboard, printing a progress line every train.log_every steps and\n"
    "ending with: done: steps=N train_loss=X val_loss=Y bpc=Z chars_per_sec=W\n"
    "\n"
    "  -c, --config FILE    YAML config\n"
    "      --corpus FILE    overrides corpus.path\n"
    "      --set KEY=VALUE  overrides a config key (repeatable)\n"
    "      --resume FILE    continue from a checkpoint exactly, with its config as the base\n"
    "                       (model shape, batch and optimizer cannot change)\n"
    "      --steps N        train N more steps\n"
    "      --time SECONDS   train at most this long\n"
    "      --metrics FILE   write one JSON object per logged step\n"
    "      --quiet          only the final line and errors (and, when stopped by a\n"
    "                       signal, the line naming the checkpoint it saved)\n";

static const char USAGE_BENCH[] =
    "usage: rnntop bench [OPTIONS]\n"
    "\n"
    "Time training steps of the configured model after a warm-up and end with:\n"
    "bench: chars_per_sec=X gflops=Y sgemm_peak_gflops=Z\n"
    "\n"
    "  -c, --config FILE    YAML config\n"
    "      --corpus FILE    overrides corpus.path\n"
    "      --set KEY=VALUE  overrides a config key (repeatable)\n"
    "      --steps N        timed steps (default 20)\n";

static const char USAGE_SAMPLE[] =
    "usage: rnntop sample --checkpoint FILE [OPTIONS]\n"
    "\n"
    "  --prime TEXT           start text, fed through the network first\n"
    "  --prime-file FILE      read the start text from a file\n"
    "  --temperature T[,T..]  softness of sampling (0 = greedy); several give one sample each\n"
    "  --length N             symbols to generate\n"
    "  --seed S               random seed (the same seed gives the same text)\n"
    "  --top-k K              sample among the K most likely symbols (0 = off)\n"
    "  --top-p P              sample among the most likely symbols holding mass P, in (0, 1]\n"
    "  --greedy               always take the most likely symbol\n"
    "  --probs                per step: chosen symbol and top candidates as JSON lines\n"
    "  --unknown MODE         prime symbols outside the vocabulary: error, skip or replace\n"
    "  --novelty              report how much of the sample is copied from the training text:\n"
    "                         the share of its n-grams found verbatim in the training split\n"
    "  --novelty-lengths N,M  the n-gram lengths --novelty reports (default 8,16; up to 4)\n"
    "\n"
    "An empty prime starts from a newline (when the vocabulary has one). Settings not given\n"
    "here come from the checkpoint's own sample section.\n";

static const char USAGE_EVAL[] =
    "usage: rnntop eval --checkpoint FILE [--corpus FILE] [--baseline]\n"
    "\n"
    "Validation loss in nats and bits per symbol, and perplexity, of a saved model on its own\n"
    "validation split or on another corpus with the same vocabulary. Ends with:\n"
    "eval: val_loss=X bpc=Y perplexity=Z symbols=N\n"
    "\n"
    "  --checkpoint FILE    the saved model\n"
    "  --corpus FILE        evaluate on the validation split (the last corpus.val_fraction)\n"
    "                       of FILE instead of the checkpoint's own corpus\n"
    "  --set KEY=VALUE      e.g. --set corpus.val_fraction=0.5 (at most 0.5)\n"
    "  --baseline           also the loss of an n-gram model (Kneser-Ney, order\n"
    "                       train.baseline_order) of the training split\n";

static const char USAGE_CONFIG[] =
    "usage: rnntop config [-c FILE] [--corpus FILE] [--set KEY=VALUE]... [--resume FILE]\n"
    "\n"
    "Print the effective config, after all overrides, as YAML that can be loaded again.\n"
    "With --resume (or --checkpoint) FILE: the checkpoint's config with the overrides on top.\n";

const char *options_usage(Command c)
{
    switch (c) {
    case CMD_TRAIN: return USAGE_TRAIN;
    case CMD_BENCH: return USAGE_BENCH;
    case CMD_SAMPLE: return USAGE_SAMPLE;
    case CMD_EVAL: return USAGE_EVAL;
    case CMD_CONFIG: return USAGE_CONFIG;
    default: return USAGE_MAIN;
    }
}

/* ---- which config file ---------------------------------------------------- */

static int readable(const char *path)
{
    return access(path, R_OK) == 0;
}

static void default_config_path(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    out[0] = '\0';
    if (xdg && xdg[0])
        snprintf(out, cap, "%s/rnntop/config.yaml", xdg);
    else if (home && home[0])
        snprintf(out, cap, "%s/.config/rnntop/config.yaml", home);
    if (out[0] && readable(out))
        return;
    snprintf(out, cap, "%s/configs/default.yaml", RNNTOP_SRCDIR);
    if (readable(out))
        return;
    snprintf(out, cap, "%s/default.yaml", RNNTOP_DATADIR);
    if (!readable(out))
        out[0] = '\0';
}

/* ---- argument helpers --------------------------------------------------- */

typedef struct Args {
    int argc, i;
    char **argv;
    const char *value;   /* value of the option just matched */
} Args;

/* Match "--name VALUE", "--name=VALUE" (or a short alias); 1 if matched. */
static int take_value(Args *a, const char *name, const char *alias, RnnError *err, int *bad)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
        a->value = arg + n + 1;
        return 1;
    }
    if (strcmp(arg, name) != 0 && !(alias && strcmp(arg, alias) == 0))
        return 0;
    if (a->i + 1 >= a->argc) {
        *bad = err_set(err, RNN_ERR_INPUT, "%s needs a value; see rnntop --help", name);
        return 1;
    }
    a->value = a->argv[++a->i];
    return 1;
}

static int parse_count(const char *opt, const char *s, int64_t *out, RnnError *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1)
        return err_set(err, RNN_ERR_INPUT, "%s %s: expected a whole number of at least 1", opt, s);
    *out = v;
    return 0;
}

static int parse_seconds(const char *opt, const char *s, double *out, RnnError *err)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v <= 0)
        return err_set(err, RNN_ERR_INPUT, "%s %s: expected a positive number of seconds", opt, s);
    *out = v;
    return 0;
}

static int parse_temperatures(Options *o, const char *s, RnnError *err)
{
    const char *p = s;
    o->n_temperatures = 0;
    while (*p) {
        char *end;
        double t = strtod(p, &end);
        if (end == p || (*end && *end != ',') || !isfinite(t) || t < 0 || t > 100)
            return err_set(err, RNN_ERR_INPUT,
                           "--temperature %s: expected numbers from 0 to 100 separated by "
                           "commas (0 is greedy), e.g. --temperature 0.5,1.0", s);
        if (o->n_temperatures == OPTIONS_MAX_TEMPS)
            return err_set(err, RNN_ERR_INPUT, "--temperature %s: at most %d temperatures", s,
                           OPTIONS_MAX_TEMPS);
        o->temperatures[o->n_temperatures++] = t;
        p = *end ? end + 1 : end;
    }
    if (o->n_temperatures == 0)
        return err_set(err, RNN_ERR_INPUT, "--temperature needs a value, e.g. 0.8");
    return 0;
}

/* An option that sets a config key: validated by config_set, reported
 * under the option's own name (key NULL: value is a --set assignment). */
static int apply_key(Config *cfg, const char *opt, const char *key, const char *value,
                     RnnError *err)
{
    char assignment[CONFIG_TEXT_MAX + 64];
    if (!key)
        return config_set(cfg, value, err);
    snprintf(assignment, sizeof assignment, "%s=%s", key, value);
    if (config_set(cfg, assignment, err) == 0)
        return 0;
    const char *why = strstr(err->msg, ": ");
    char reason[sizeof err->msg];
    snprintf(reason, sizeof reason, "%s", why ? why + 2 : err->msg);
    int n = (int)strlen(value), shown = n > 80 ? 60 : n; /* a long value is abbreviated */
    return err_set(err, RNN_ERR_INPUT, "%s %.*s%s: %s", opt, shown, value,
                   shown < n ? "..." : "", reason);
}

/* apply_key on o->cfg, remembered for options_apply_overrides. */
static int set_key(Options *o, const char *opt, const char *key, const char *value,
                   RnnError *err)
{
    if (o->n_overrides == OPTIONS_MAX_OVERRIDES)
        return err_set(err, RNN_ERR_INPUT, "%s %s: at most %d options that set config keys",
                       opt, value, OPTIONS_MAX_OVERRIDES);
    o->overrides[o->n_overrides++] = (Override){opt, key, value};
    return apply_key(&o->cfg, opt, key, value, err);
}

int options_apply_overrides(const Options *o, Config *cfg, RnnError *err)
{
    if (o->config_given && config_load_file(cfg, o->config_path, err))
        return -1;
    for (int i = 0; i < o->n_overrides; i++) {
        const Override *v = &o->overrides[i];
        if (apply_key(cfg, v->opt, v->key, v->value, err))
            return -1;
    }
    return config_validate(cfg, err);
}

static void copy_path(char *dst, const char *src)
{
    snprintf(dst, CONFIG_PATH_MAX, "%s", src);
}

/* ---- parsing -------------------------------------------------------------- */

static int parse_command(Options *o, Args *a, RnnError *err)
{
    if (a->i >= a->argc || a->argv[a->i][0] == '-') {
        o->command = CMD_DASHBOARD;
        return 0;
    }
    const char *w = a->argv[a->i];
    for (int c = CMD_TRAIN; c <= CMD_VERSION; c++)
        if (strcmp(w, COMMAND_NAMES[c]) == 0) {
            o->command = (Command)c;
            a->i++;
            return 0;
        }
    return err_set(err, RNN_ERR_INPUT,
                   "unknown command '%s'; the commands are train, sample, eval, bench and "
                   "config (see rnntop --help)", w);
}

/* First pass: the config file, help and version, before anything it overrides. */
static int first_pass(Options *o, Args a, RnnError *err)
{
    int bad = 0;
    for (; a.i < a.argc; a.i++) {
        const char *arg = a.argv[a.i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            o->command = o->command == CMD_DASHBOARD ? CMD_HELP : o->command;
            o->help = 1;
            return 0;
        }
        if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
            o->command = CMD_VERSION;
            return 0;
        }
        if (take_value(&a, "--config", "-c", err, &bad)) {
            if (bad)
                return -1;
            copy_path(o->config_path, a.value);
            o->config_given = 1;
        }
    }
    return 0;
}

static int sample_option(Options *o, Args *a, RnnError *err, int *bad)
{
    if (take_value(a, "--prime", NULL, err, bad)) {
        if (*bad)
            return -1;
        o->prime_long = NULL;
        if (strlen(a->value) < CONFIG_TEXT_MAX)
            return set_key(o, "--prime", "sample.prime", a->value, err);
        /* longer than sample.prime holds: used as it is (a prime may be
         * longer than any training window) */
        if (!utf8_valid(a->value, strlen(a->value)))
            return err_set(err, RNN_ERR_INPUT, "--prime: the text (%zu bytes) is not valid "
                           "UTF-8", strlen(a->value));
        o->prime_long = a->value;
        return 0;
    }
    if (take_value(a, "--length", NULL, err, bad))
        return *bad ? -1 : set_key(o, "--length", "sample.length", a->value, err);
    if (take_value(a, "--seed", NULL, err, bad))
        return *bad ? -1 : set_key(o, "--seed", "sample.seed", a->value, err);
    if (take_value(a, "--top-k", NULL, err, bad))
        return *bad ? -1 : set_key(o, "--top-k", "sample.top_k", a->value, err);
    if (take_value(a, "--top-p", NULL, err, bad))
        return *bad ? -1 : set_key(o, "--top-p", "sample.top_p", a->value, err);
    if (take_value(a, "--temperature", NULL, err, bad))
        return *bad ? -1 : parse_temperatures(o, a->value, err);
    if (take_value(a, "--prime-file", NULL, err, bad)) {
        copy_path(o->prime_file, a->value);
        return *bad ? -1 : 0;
    }
    if (take_value(a, "--unknown", NULL, err, bad)) {
        if (*bad)
            return -1;
        const char *v = a->value;
        o->unknown_policy = strcmp(v, "error") == 0 ? 0 : strcmp(v, "skip") == 0 ? 1
                          : strcmp(v, "replace") == 0 ? 2 : -1;
        if (o->unknown_policy < 0)
            return err_set(err, RNN_ERR_INPUT, "--unknown %s: expected error, skip or replace", v);
        return 0;
    }
    const char *arg = a->argv[a->i];
    if (strcmp(arg, "--greedy") == 0)
        return o->greedy = 1, 0;
    if (strcmp(arg, "--probs") == 0)
        return o->probs = 1, 0;
    if (strcmp(arg, "--novelty") == 0)
        return o->novelty = 1, 0;
    if (take_value(a, "--novelty-lengths", NULL, err, bad)) {
        if (*bad)
            return -1;
        int k = novelty_parse_lengths(a->value, o->novelty_lens, err);
        return k < 0 ? -1 : (o->n_novelty_lens = k, 0);
    }
    return 1;  /* not a sample option */
}

static int one_option(Options *o, Args *a, RnnError *err)
{
    int bad = 0;
    const char *arg = a->argv[a->i];
    if (take_value(a, "--config", "-c", err, &bad))
        return bad ? -1 : 0;
    if (take_value(a, "--set", NULL, err, &bad))
        return bad ? -1 : set_key(o, "--set", NULL, a->value, err);
    if (take_value(a, "--corpus", NULL, err, &bad)) {
        if (bad)
            return -1;
        o->corpus_given = 1;
        return set_key(o, "--corpus", "corpus.path", a->value, err);
    }
    if (take_value(a, "--resume", NULL, err, &bad)) {
        copy_path(o->resume, a->value);
        return bad ? -1 : 0;
    }
    if (take_value(a, "--checkpoint", NULL, err, &bad)) {
        copy_path(o->checkpoint, a->value);
        return bad ? -1 : 0;
    }
    if (take_value(a, "--steps", NULL, err, &bad))
        return bad ? -1 : parse_count("--steps", a->value, &o->steps, err);
    if (take_value(a, "--time", NULL, err, &bad))
        return bad ? -1 : parse_seconds("--time", a->value, &o->time_limit, err);
    if (take_value(a, "--metrics", NULL, err, &bad)) {
        copy_path(o->metrics, a->value);
        return bad ? -1 : 0;
    }
    if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)
        return o->quiet = 1, 0;
    if (strcmp(arg, "--baseline") == 0)
        return o->baseline = 1, 0;
    int r = sample_option(o, a, err, &bad);
    if (r <= 0)
        return r;
    return err_set(err, RNN_ERR_INPUT, "unknown option '%s' for rnntop %s; see rnntop %s --help",
                   arg, COMMAND_NAMES[o->command],
                   o->command == CMD_DASHBOARD ? "" : COMMAND_NAMES[o->command]);
}

int options_parse(Options *o, int argc, char **argv, RnnError *err)
{
    memset(o, 0, sizeof *o);
    config_defaults(&o->cfg);
    Args a = {argc, 1, argv, NULL};
    if (parse_command(o, &a, err) || first_pass(o, a, err))
        return -1;
    if (o->command == CMD_VERSION || o->help)
        return 0;
    if (!o->config_path[0])
        default_config_path(o->config_path, sizeof o->config_path);
    if (o->config_path[0] && config_load_file(&o->cfg, o->config_path, err))
        return -1;
    for (; a.i < a.argc; a.i++)
        if (one_option(o, &a, err))
            return -1;
    return config_validate(&o->cfg, err);
}
