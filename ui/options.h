/* options: the command line of every rnntop subcommand, parsed into one
 * Options value with the effective Config (built-in defaults, then the
 * config file, then --corpus and each --set in order).
 *
 * Which config file: --config FILE; else $XDG_CONFIG_HOME/rnntop/config.yaml
 * (or ~/.config/rnntop/config.yaml) if it exists; else the project's
 * configs/default.yaml (the source tree's when run from a build, else the
 * installed one); else the built-in defaults.
 * An Options is a plain value; nothing to free. Not thread-safe (parsing
 * happens once, in main). */
#ifndef RNNTOP_OPTIONS_H
#define RNNTOP_OPTIONS_H

#include <stdint.h>

#include "config.h"
#include "error.h"

#define OPTIONS_MAX_TEMPS 16
#define OPTIONS_MAX_OVERRIDES 256

/* One command-line option that set a config key, kept so that it can be
 * applied again over another base config (a checkpoint's). */
typedef struct Override {
    const char *opt;    /* "--set", "--corpus", "--prime", ... */
    const char *key;    /* "corpus.path"; NULL for --set (value is KEY=VALUE) */
    const char *value;  /* points into argv */
} Override;

typedef enum {
    CMD_DASHBOARD = 0,
    CMD_TRAIN,
    CMD_SAMPLE,
    CMD_EVAL,
    CMD_BENCH,
    CMD_CONFIG,
    CMD_HELP,
    CMD_VERSION
} Command;

typedef struct Options {
    Command command;
    Config cfg;
    char config_path[CONFIG_PATH_MAX];  /* the file read, "" for built-in defaults */
    char resume[CONFIG_PATH_MAX];       /* --resume FILE */
    char checkpoint[CONFIG_PATH_MAX];   /* --checkpoint FILE (sample, eval) */
    int corpus_given;                   /* --corpus was on the command line */
    int config_given;                   /* -c/--config was on the command line */
    Override overrides[OPTIONS_MAX_OVERRIDES]; /* --set, --corpus, ... in order */
    int n_overrides;
    int help;                           /* -h, --help: print the command's usage */
    /* train, bench */
    int64_t steps;                      /* --steps N (0: unbounded / default) */
    double time_limit;                  /* --time SECONDS (0: unbounded) */
    char metrics[CONFIG_PATH_MAX];      /* --metrics FILE */
    int quiet;                          /* --quiet */
    /* sample */
    double temperatures[OPTIONS_MAX_TEMPS]; /* --temperature T[,T...] */
    int n_temperatures;                 /* 0: sample.temperature */
    int greedy;                         /* --greedy */
    int probs;                          /* --probs */
    char prime_file[CONFIG_PATH_MAX];   /* --prime-file FILE */
    const char *prime_long;             /* --prime TEXT too long for sample.prime
                                           (points into argv; NULL if none) */
    int unknown_policy;                 /* --unknown error|skip|replace: 0, 1, 2 */
    int novelty;                        /* --novelty */
    int novelty_lens[4];                /* --novelty-lengths N,M (also the dashboard's) */
    int n_novelty_lens;                 /* 0: the default, 8 and 16 */
    int baseline;                       /* --baseline (eval) */
} Options;

/* Parse argv (argv[0] is the program). Returns 0, or -1 with err (status
 * RNN_ERR_INPUT) naming the offending option or config file position. */
int options_parse(Options *o, int argc, char **argv, RnnError *err);

/* Apply the command line over cfg (e.g. a checkpoint's own config): an
 * explicit --config file, then every option that set a key, in order; then
 * validate. The default config file is not read. Returns 0 or -1 with err. */
int options_apply_overrides(const Options *o, Config *cfg, RnnError *err);

/* The usage text of a command (CMD_HELP: the overview). */
const char *options_usage(Command c);

const char *options_command_name(Command c);

#endif
