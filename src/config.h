/* config: every setting of a run, its built-in defaults, YAML loading with
 * libyaml, `--set KEY=VALUE` overrides and printing back as YAML.
 *
 * A Config is a plain value (fixed-size strings, no pointers): copy it with
 * `=`, nothing to free. Loading validates the whole document before the
 * caller allocates anything; an error names FILE:LINE:COLUMN (or the --set
 * option) and what is wrong. Precedence: config_defaults(), then
 * config_load_file(), then config_set() for each --set.
 * Thread-safety: all functions are reentrant; a Config is shared read-only. */
#ifndef RNNTOP_CONFIG_H
#define RNNTOP_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

#define CONFIG_PATH_MAX 4096
#define CONFIG_TEXT_MAX 1024
#define MODEL_MAX_LAYERS 8

typedef enum { TOKENIZE_CHAR = 0, TOKENIZE_WORD = 1 } Tokenize;
typedef enum { CELL_RNN = 0, CELL_GRU = 1, CELL_LSTM = 2 } CellType;
typedef enum { OPT_ADAM = 0, OPT_ADAGRAD = 1, OPT_SGD = 2 } OptimizerType;
typedef enum { GRAPH_AUTO = 0, GRAPH_BRAILLE, GRAPH_BLOCK, GRAPH_ASCII } GraphStyle;

typedef struct CorpusConfig {
    char path[CONFIG_PATH_MAX]; /* corpus.path: UTF-8 text file */
    Tokenize tokenize;          /* corpus.tokenize: char | word */
    double val_fraction;        /* corpus.val_fraction: [0, 0.5], end of file */
    int lowercase;              /* corpus.lowercase: bool */
    int min_count;              /* corpus.min_count: >= 1, word mode */
} CorpusConfig;

typedef struct ModelConfig {
    CellType cell;  /* model.cell: rnn | gru | lstm */
    int hidden;     /* model.hidden: 1..8192 */
    int layers;     /* model.layers: 1..MODEL_MAX_LAYERS */
    int embedding;  /* model.embedding: 0 = one-hot, else 1..8192 */
    double dropout; /* model.dropout: [0, 1) between layers */
    double output_dropout; /* model.output_dropout: [0, 1) before the output layer */
} ModelConfig;

typedef struct TrainConfig {
    int seq_len;              /* train.seq_len: 1..100000 */
    int batch;                /* train.batch: 1..100000 */
    OptimizerType optimizer;  /* train.optimizer */
    double learning_rate;     /* train.learning_rate: > 0 */
    double lr_decay;          /* train.lr_decay: (0, 1], multiplier */
    int lr_decay_every;       /* train.lr_decay_every: steps, 0 = never */
    double grad_clip;         /* train.grad_clip: global norm, 0 = off */
    int eval_every;           /* train.eval_every: steps, 0 = never */
    int checkpoint_every;     /* train.checkpoint_every: steps, 0 = never */
    char checkpoint_dir[CONFIG_PATH_MAX]; /* train.checkpoint_dir */
    int keep_checkpoints;     /* train.keep_checkpoints: periodic files kept */
    uint64_t seed;            /* train.seed */
    int threads;              /* train.threads: 0 = all cores */
    int log_every;            /* train.log_every: steps between progress lines */
    int baseline_order;       /* train.baseline_order: n-gram baseline order, 0 = off */
} TrainConfig;

typedef struct SampleConfig {
    double temperature;          /* sample.temperature: [0, 100], 0 = greedy */
    int length;                  /* sample.length: 1..10000000 */
    char prime[CONFIG_TEXT_MAX]; /* sample.prime: UTF-8 */
    int top_k;                   /* sample.top_k: 0 = off */
    double top_p;                /* sample.top_p: (0, 1] */
    uint64_t seed;               /* sample.seed */
} SampleConfig;

typedef struct UiConfig {
    int refresh_hz;    /* ui.refresh_hz: 1..60 */
    char theme[64];    /* ui.theme: default | mono */
    GraphStyle graph;  /* ui.graph: auto | braille | block | ascii */
} UiConfig;

typedef struct Config {
    CorpusConfig corpus;
    ModelConfig model;
    TrainConfig train;
    SampleConfig sample;
    UiConfig ui;
} Config;

/* Fill cfg with the built-in defaults. */
void config_defaults(Config *cfg);

/* Read a YAML file over cfg (keys not in the file keep their values).
 * Relative paths in the file resolve against the file's folder.
 * On error returns -1 with "FILE:LINE:COLUMN: message" in err and leaves
 * cfg unchanged. */
int config_load_file(Config *cfg, const char *path, RnnError *err);

/* Apply one "section.key=value" override, validated like a YAML value.
 * On error returns -1 with "--set KEY=VALUE: message" in err. */
int config_set(Config *cfg, const char *assignment, RnnError *err);

/* Cross-key checks after all overrides (e.g. sizes that must agree). */
int config_validate(const Config *cfg, RnnError *err);

/* Write cfg as YAML that config_load_file reads back unchanged. Paths are
 * written as stored: a relative one is relative to the current folder, so
 * it reads back unchanged from a file in the current folder (elsewhere it
 * resolves against that file's folder). */
void config_write_yaml(const Config *cfg, FILE *out);

/* Names for enums, for messages and output. */
const char *config_cell_name(CellType c);
const char *config_optimizer_name(OptimizerType o);
const char *config_tokenize_name(Tokenize t);

#endif
