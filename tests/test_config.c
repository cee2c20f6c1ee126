/* test_config: defaults, YAML round trips, the presets in configs/, and
 * every kind of bad config or --set (message text and FILE:LINE:COLUMN).
 * Needs top_srcdir (default ".") to find configs/; writes only temp files. */
#include "config.h"
#include "check.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

/* ---- helpers ---------------------------------------------------------- */

/* Write text to a fresh file under tmpdir; its name goes to path. */
static void write_temp(const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/cfg-XXXXXX", tmpdir);
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL, "cannot create %s", path);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static int config_equal(const Config *a, const Config *b)
{
    const CorpusConfig *ca = &a->corpus, *cb = &b->corpus;
    const ModelConfig *ma = &a->model, *mb = &b->model;
    const TrainConfig *ta = &a->train, *tb = &b->train;
    const SampleConfig *sa = &a->sample, *sb = &b->sample;
    return strcmp(ca->path, cb->path) == 0 && ca->tokenize == cb->tokenize &&
           ca->val_fraction == cb->val_fraction && ca->lowercase == cb->lowercase &&
           ca->min_count == cb->min_count && ma->cell == mb->cell && ma->hidden == mb->hidden &&
           ma->layers == mb->layers && ma->embedding == mb->embedding &&
           ma->dropout == mb->dropout && ma->output_dropout == mb->output_dropout &&
           ta->seq_len == tb->seq_len && ta->batch == tb->batch &&
           ta->optimizer == tb->optimizer && ta->learning_rate == tb->learning_rate &&
           ta->lr_decay == tb->lr_decay && ta->lr_decay_every == tb->lr_decay_every &&
           ta->grad_clip == tb->grad_clip && ta->eval_every == tb->eval_every &&
           ta->checkpoint_every == tb->checkpoint_every &&
           strcmp(ta->checkpoint_dir, tb->checkpoint_dir) == 0 &&
           ta->keep_checkpoints == tb->keep_checkpoints && ta->seed == tb->seed &&
           ta->threads == tb->threads && ta->log_every == tb->log_every &&
           ta->baseline_order == tb->baseline_order &&
           sa->temperature == sb->temperature && sa->length == sb->length &&
           strcmp(sa->prime, sb->prime) == 0 && sa->top_k == sb->top_k && sa->top_p == sb->top_p &&
           sa->seed == sb->seed && a->ui.refresh_hz == b->ui.refresh_hz &&
           strcmp(a->ui.theme, b->ui.theme) == 0 && a->ui.graph == b->ui.graph;
}

/* A valid config in which every field differs from the defaults. */
static void config_other(Config *c)
{
    config_defaults(c);
    strcpy(c->corpus.path, "/data/my corpus: \"v2\".txt");
    c->corpus.tokenize = TOKENIZE_WORD;
    c->corpus.val_fraction = 0.05;
    c->corpus.lowercase = 1;
    c->corpus.min_count = 3;
    c->model = (ModelConfig){CELL_GRU, 300, 3, 16, 0.25, 0.1 + 0.05};
    TrainConfig *t = &c->train;
    t->seq_len = 100;
    t->batch = 7;
    t->optimizer = OPT_SGD;
    t->learning_rate = 0.1 + 0.2; /* not a short decimal */
    t->lr_decay = 0.97;
    t->lr_decay_every = 500;
    t->grad_clip = 0;
    t->eval_every = 0;
    t->checkpoint_every = 77;
    strcpy(t->checkpoint_dir, "/tmp/ck dir");
    t->keep_checkpoints = 0;
    t->seed = UINT64_MAX;
    t->threads = 2;
    t->log_every = 1;
    t->baseline_order = 3;
    SampleConfig *s = &c->sample;
    s->temperature = 1e-7;
    s->length = 10000000;
    strcpy(s->prime, " She said: \"hi\"\n\tand \\left: \xc5\x91 \xe2\x80\xa8 \xc2\x85 \x01\x7f # "
                     "not a comment ");
    s->top_k = 40;
    s->top_p = 0.9;
    s->seed = 0;
    c->ui.refresh_hz = 60;
    strcpy(c->ui.theme, "mono");
    c->ui.graph = GRAPH_BLOCK;
}

static int write_and_load(const Config *in, Config *out, const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/rt-XXXXXX", dir);
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    CHECK(f != NULL, "cannot create %s", path);
    if (!f)
        return -1;
    config_write_yaml(in, f);
    fclose(f);
    RnnError err;
    err_clear(&err);
    int rc = config_load_file(out, path, &err);
    CHECK(rc == 0, "reload %s: %s", path, err.msg);
    unlink(path);
    return rc;
}

/* Load text as a config; it must fail at line:col with msg in the message
 * and leave the config untouched. */
static void expect_error_at(const char *text, int line, int col, const char *msg)
{
    char path[128], head[256];
    write_temp(text, path, sizeof path);
    Config c, before;
    config_other(&c);
    before = c;
    RnnError err;
    err_clear(&err);
    int rc = config_load_file(&c, path, &err);
    snprintf(head, sizeof head, "%s:%d:%d: ", path, line, col);
    CHECK(rc == -1 && err.status == RNN_ERR_INPUT, "%s: should fail (rc %d)", text, rc);
    CHECK(strncmp(err.msg, head, strlen(head)) == 0, "%s: want '%s', got '%s'", text, head,
          err.msg);
    CHECK(strstr(err.msg, msg) != NULL, "%s: want '%s' in '%s'", text, msg, err.msg);
    CHECK(config_equal(&c, &before), "%s: config changed on error", text);
    unlink(path);
}

/* The same, for a one-line value of one key (line 2, after the key). */
static void expect_value_error(const char *section, const char *key, const char *value,
                               const char *msg)
{
    char text[4096];
    snprintf(text, sizeof text, "%s:\n  %s: %s\n", section, key, value);
    expect_error_at(text, 2, (int)strlen(key) + 5, msg);
}

static int load_text(const char *text, Config *c, RnnError *err)
{
    char path[128];
    write_temp(text, path, sizeof path);
    err_clear(err);
    int rc = config_load_file(c, path, err);
    unlink(path);
    return rc;
}

static void expect_ok(const char *text, Config *c)
{
    RnnError err;
    CHECK(load_text(text, c, &err) == 0, "%s: %s", text, err.msg);
}

static void expect_set_error(const char *assignment, const char *msg)
{
    Config c, before;
    config_defaults(&c);
    before = c;
    RnnError err;
    err_clear(&err);
    int rc = config_set(&c, assignment, &err);
    CHECK(rc == -1 && err.status == RNN_ERR_INPUT, "--set %s should fail", assignment);
    CHECK(strncmp(err.msg, "--set ", 6) == 0, "--set %s: got '%s'", assignment, err.msg);
    CHECK(strstr(err.msg, msg) != NULL, "--set %s: want '%s' in '%s'", assignment, msg, err.msg);
    CHECK(config_equal(&c, &before), "--set %s changed the config", assignment);
}

/* ---- tests ------------------------------------------------------------ */

static void test_defaults(void)
{
    Config c;
    config_defaults(&c);
    RnnError err;
    err_clear(&err);
    CHECK(config_validate(&c, &err) == 0, "defaults invalid: %s", err.msg);
    CHECK(strcmp(c.corpus.path, "corpora/kjv.txt") == 0, "path %s", c.corpus.path);
    CHECK(c.model.cell == CELL_LSTM && c.model.hidden == 128 && c.model.layers == 2, "model");
    CHECK(c.train.seq_len == 64 && c.train.batch == 32 && c.train.optimizer == OPT_ADAM, "train");
    CHECK(c.train.learning_rate == 2e-3 && c.train.lr_decay == 1.0, "lr");
    CHECK(c.train.seed == 1234 && c.sample.seed == 42 && c.sample.temperature == 0.8, "seeds");
    CHECK(c.ui.refresh_hz == 15 && strcmp(c.ui.theme, "default") == 0, "ui");
    CHECK(c.train.baseline_order == 5, "baseline_order %d", c.train.baseline_order);
    CHECK(strcmp(config_cell_name(CELL_GRU), "gru") == 0, "cell name");
    CHECK(strcmp(config_optimizer_name(OPT_ADAGRAD), "adagrad") == 0, "optimizer name");
    CHECK(strcmp(config_tokenize_name(TOKENIZE_WORD), "word") == 0, "tokenize name");
}

/* What config_write_yaml makes of relative paths: the same files, named
 * from the current folder. */
static void absolutize(char *path)
{
    char cwd[1024], full[CONFIG_PATH_MAX];
    if (!path[0] || path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return;
    snprintf(full, sizeof full, "%s/%s", cwd, path);
    memcpy(path, full, CONFIG_PATH_MAX);
}

static void test_round_trip(void)
{
    Config a, b;
    config_defaults(&a);
    config_other(&b);
    write_and_load(&a, &b, ".");
    absolutize(a.corpus.path);
    absolutize(a.train.checkpoint_dir);
    CHECK(config_equal(&a, &b), "defaults changed in a round trip");

    RnnError err;
    err_clear(&err);
    config_other(&a);
    CHECK(config_validate(&a, &err) == 0, "other config invalid: %s", err.msg);
    config_defaults(&b);
    write_and_load(&a, &b, tmpdir);
    CHECK(config_equal(&a, &b), "non-default config changed in a round trip: prime '%s'",
          b.sample.prime);

    config_defaults(&a);
    write_and_load(&a, &b, tmpdir); /* stored elsewhere, it still names the same file */
    absolutize(a.corpus.path);
    CHECK(strcmp(b.corpus.path, a.corpus.path) == 0, "resolved path %s", b.corpus.path);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static int load_preset(const char *dir, const char *name, Config *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    RnnError err;
    err_clear(&err);
    int rc = config_load_file(c, path, &err);
    CHECK(rc == 0, "preset %s: %s", name, err.msg);
    CHECK(rc != 0 || config_validate(c, &err) == 0, "preset %s invalid: %s", name, err.msg);
    return rc;
}

static void test_presets(void)
{
    const char *top = getenv("top_srcdir");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/configs", top && *top ? top : ".");
    DIR *d = opendir(dir);
    CHECK(d != NULL, "cannot open %s", dir);
    int count = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!ends_with(e->d_name, ".yaml"))
            continue;
        Config c;
        config_defaults(&c);
        count += load_preset(dir, e->d_name, &c) == 0;
    }
    if (d)
        closedir(d);
    CHECK(count >= 6, "only %d presets load", count);

    /* default.yaml sets every key to the built-in default, but for paths. */
    Config c, want;
    config_other(&c);
    config_defaults(&want);
    if (load_preset(dir, "default.yaml", &c) == 0) {
        CHECK(ends_with(c.corpus.path, "configs/../corpora/kjv.txt"), "path %s", c.corpus.path);
        CHECK(strcmp(c.train.checkpoint_dir, "/tmp/ck dir") == 0,
              "default.yaml sets checkpoint_dir");
        strcpy(c.corpus.path, want.corpus.path);
        strcpy(c.train.checkpoint_dir, want.train.checkpoint_dir);
        CHECK(config_equal(&c, &want), "default.yaml differs from config_defaults()");
    }
    config_defaults(&c);
    if (load_preset(dir, "tiny.yaml", &c) == 0)
        CHECK(c.model.hidden == 32 && c.model.layers == 1 && c.train.seq_len == 16 &&
                  c.train.batch == 8 && c.train.eval_every == 50,
              "tiny.yaml");
    if (load_preset(dir, "shakespeare.yaml", &c) == 0)
        CHECK(ends_with(c.corpus.path, "/tinyshakespeare.txt") && c.model.hidden == 320 &&
                  c.model.cell == CELL_GRU,
              "shakespeare.yaml");
    if (load_preset(dir, "gru.yaml", &c) == 0)
        CHECK(c.model.cell == CELL_GRU, "gru.yaml");
    if (load_preset(dir, "rnn.yaml", &c) == 0)
        CHECK(c.model.cell == CELL_RNN, "rnn.yaml");
    config_defaults(&c);
    if (load_preset(dir, "word.yaml", &c) == 0)
        CHECK(c.corpus.tokenize == TOKENIZE_WORD && c.model.embedding > 0 &&
                  c.corpus.min_count > 1 && c.train.baseline_order == 3 &&
                  ends_with(c.corpus.path, "/kjv.txt"),
              "word.yaml");
}

static void test_values_ok(void)
{
    Config c;
    config_defaults(&c);
    expect_ok("", &c);
    expect_ok("# only a comment\n", &c);
    expect_ok("---\nmodel:\n...\n", &c);
    expect_ok("corpus:\n  lowercase: yes\n  tokenize: WORD\nmodel:\n  cell: \"gru\"\n"
              "  hidden: +512\n  dropout: .5\ntrain:\n  seed: 18446744073709551615\n"
              "  learning_rate: 1e-3\nsample:\n  prime: 'it''s: ok'\n  top_p: 1\n",
              &c);
    CHECK(c.corpus.lowercase == 1 && c.corpus.tokenize == TOKENIZE_WORD, "corpus values");
    CHECK(c.model.cell == CELL_GRU && c.model.hidden == 512 && c.model.dropout == 0.5, "model");
    CHECK(c.train.seed == UINT64_MAX && c.train.learning_rate == 1e-3, "train values");
    CHECK(strcmp(c.sample.prime, "it's: ok") == 0 && c.sample.top_p == 1.0, "prime %s",
          c.sample.prime);
    expect_ok("corpus:\n  lowercase: no\nsample:\n  prime:\n", &c);
    CHECK(c.corpus.lowercase == 0 && c.sample.prime[0] == '\0', "false and null prime");
    expect_ok("corpus:\n  lowercase: False\n  path: \"\"\n", &c);
    CHECK(c.corpus.path[0] == '\0', "empty path stays empty: '%s'", c.corpus.path);
    expect_ok("ui:\n  theme: MONO\n", &c);
    CHECK(strcmp(c.ui.theme, "mono") == 0, "theme %s", c.ui.theme);
    expect_ok("sample:\n  prime: 123\n", &c);
    CHECK(strcmp(c.sample.prime, "123") == 0, "plain number as text");
}

static void test_structure_errors(void)
{
    expect_error_at("model:\n  hiden: 5\n", 2, 3,
                    "unknown key 'model.hiden'; did you mean 'model.hidden'?");
    expect_error_at("model:\n  seq_len: 5\n", 2, 3, "did you mean 'train.seq_len'?");
    expect_error_at("model:\n  zzzzzz: 5\n", 2, 3, "unknown key 'model.zzzzzz' (keys in model:");
    expect_error_at("modle:\n  hidden: 5\n", 1, 1,
                    "unknown section 'modle'; did you mean 'model'?");
    expect_error_at("hidden: 5\n", 1, 1, "did you mean 'model.hidden'");
    expect_error_at("colors:\n  x: 1\n", 1, 1, "unknown section 'colors' (sections:");
    expect_error_at("model:\n  hidden: 5\n  hidden: 6\n", 3, 3,
                    "duplicate key 'model.hidden' (first at line 2)");
    expect_error_at("model:\n  hidden: 5\nmodel:\n  layers: 1\n", 3, 1,
                    "duplicate section 'model'");
    expect_error_at("- a\n- b\n", 1, 1, "expected a mapping of sections");
    expect_error_at("42\n", 1, 1, "expected a mapping of sections");
    expect_error_at("model: 5\n", 1, 8, "section 'model' must be a mapping");
    expect_error_at("model: [1]\n", 1, 8,
                    "section 'model' must be a mapping of keys, got a sequence");
    expect_error_at("model:\n  [a]: 1\n", 2, 3, "expected a key name");
    expect_error_at("[a]: 1\n", 1, 1, "expected a section name");
    expect_error_at("model:\n  hidden: 5\n---\nmodel:\n  hidden: 6\n", 3, 1,
                    "only one YAML document");
    expect_error_at("model:\n  hidden: !!int 5\n", 2, 11, "tags are not allowed");
}

static void test_alias_errors(void)
{
    expect_error_at("model:\n  hidden: &h 5\n  layers: *h\n", 2, 11, "aliases are not allowed");
    expect_error_at("model:\n  layers: *h\n", 2, 11, "aliases are not allowed");
    expect_error_at("corpus: &a [\"lol\", \"lol\", \"lol\"]\nmodel: &b [*a, *a, *a]\n"
                    "train: [*b, *b, *b]\n",
                    1, 9, "aliases are not allowed");
    expect_error_at("model: &m\n  hidden: 5\ntrain: *m\n", 1, 8, "aliases are not allowed");
}

static void test_syntax_errors(void)
{
    const char *bad[] = {
        "model: {hidden: 5, layers: 2\n",
        "model: {\n",
        "model:\n\thidden: 5\n",
        "model:\n  hidden: 5\n bad\n",
        "sample:\n  prime: \"open\n",
        "model:\n  cell: 'lstm'b\n",
        "model:\n  hidden: 1\n layers: 2\n",
        "model:\n  hidden: 5\n  - 1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Config c;
        config_defaults(&c);
        RnnError err;
        int rc = load_text(bad[i], &c, &err);
        int line = 0, col = 0;
        const char *colon = strstr(err.msg, ":");
        CHECK(rc == -1 && err.status == RNN_ERR_INPUT, "'%s' should fail", bad[i]);
        CHECK(colon && sscanf(colon, ":%d:%d:", &line, &col) == 2 && line >= 1 && col >= 1,
              "'%s': no line:col in '%s'", bad[i], err.msg);
        CHECK(strstr(err.msg, "not well formed") != NULL, "'%s': got '%s'", bad[i], err.msg);
    }
    expect_error_at("model:\n  hidden: 5\n  cell: \xff\n", 3, 9, "cannot read YAML");
    expect_error_at("sample:\n  prime: \"\xc5\x91\xc5\x91\x01\"\n", 2, 13, "control characters");
    expect_error_at("sample:\n  prime: \"a\\0b\"\n", 2, 10, "contains a NUL character");
}

static void test_value_errors(void)
{
    const char *finite = "expected a finite number";
    expect_value_error("model", "hidden", "abc",
                       "model.hidden: expected an integer in 1..8192, got 'abc'");
    expect_value_error("model", "hidden", "1.5", "got '1.5'");
    expect_value_error("model", "hidden", "12abc", "got '12abc'");
    expect_value_error("model", "hidden", "0x10", "got '0x10'");
    expect_value_error("model", "hidden", "1_000", "got '1_000'");
    expect_value_error("model", "hidden", "1e3", "got '1e3'");
    expect_value_error("model", "hidden", "\"128\"", "got the quoted string '128'");
    expect_error_at("model:\n  hidden:\n", 2, 10, "expected an integer in 1..8192, got nothing");
    expect_value_error("model", "hidden", "0", "got '0'");
    expect_value_error("model", "hidden", "8193", "got '8193'");
    expect_value_error("model", "hidden", "-5", "got '-5'");
    expect_value_error("model", "hidden", "2147483648", "got '2147483648'");
    expect_value_error("model", "hidden", "99999999999999999999999", "expected an integer");
    expect_value_error("model", "layers", "9", "expected an integer in 1..8");
    expect_value_error("model", "hidden", "{a: 1}",
                       "expected an integer in 1..8192, got a mapping");
    expect_error_at("model:\n  hidden:\n    a: 1\n", 3, 5, "got a mapping");
    expect_value_error("model", "dropout", "1.0", "expected a finite number in [0, 1), got '1.0'");
    expect_value_error("model", "dropout", ".nan", finite);
    expect_value_error("model", "output_dropout", "1", "expected a finite number in [0, 1), got '1'");
    expect_value_error("model", "output_dropout", "-0.1", "got '-0.1'");
    expect_value_error("train", "learning_rate", "0", "in (0, 10]");
    expect_value_error("train", "learning_rate", ".inf", finite);
    expect_value_error("train", "learning_rate", "-.inf", finite);
    expect_value_error("train", "learning_rate", "1e999", finite);
    expect_value_error("train", "learning_rate", "nan", finite);
    expect_value_error("train", "learning_rate", "inf", finite);
    expect_value_error("train", "learning_rate", "0x1p-3", finite);
    expect_value_error("corpus", "val_fraction", "0.6", "in [0, 0.5]");
    expect_value_error("sample", "top_p", "0", "in (0, 1]");
    expect_value_error("sample", "temperature", "-1", "in [0, 100]");
    expect_value_error("train", "seed", "-1", "expected an integer in 0..18446744073709551615");
    expect_value_error("train", "seed", "18446744073709551616", "got '18446744073709551616'");
    expect_value_error("corpus", "lowercase", "maybe",
                       "corpus.lowercase: expected a boolean (true|false|yes|no), got 'maybe'");
    expect_value_error("corpus", "lowercase", "1", "expected a boolean");
    expect_value_error("model", "cell", "lstmm",
                       "model.cell: expected one of rnn|gru|lstm, got 'lstmm'");
    expect_value_error("train", "optimizer", "adamw", "one of adam|adagrad|sgd");
    expect_value_error("ui", "graph", "dots", "one of auto|braille|block|ascii");
    expect_value_error("ui", "theme", "neon", "one of default|mono");
    expect_value_error("corpus", "tokenize", "byte", "one of char|word");
    expect_value_error("train", "baseline_order", "11", "expected an integer in 0..10");
    expect_value_error("train", "baseline_order", "-1", "expected an integer in 0..10");
    char long_prime[2100];
    memset(long_prime, 'a', 2000);
    long_prime[2000] = '\0';
    expect_value_error("sample", "prime", long_prime, "too long: 2000 bytes, at most 1023");
}

/* Key names, from the YAML the module writes. */
static int list_keys(char keys[][64], int cap)
{
    Config c;
    config_defaults(&c);
    char *buf = NULL, line[256], section[32] = "";
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    config_write_yaml(&c, f);
    fclose(f);
    int n = 0;
    FILE *in = fmemopen(buf, size, "r");
    while (fgets(line, sizeof line, in) && n < cap) {
        char name[32];
        if (line[0] != ' ' && line[0] != '#' && sscanf(line, "%31[a-z_]:", section) == 1)
            continue;
        if (sscanf(line, "  %31[a-z_]:", name) == 1)
            snprintf(keys[n++], 64, "%s.%s", section, name);
    }
    fclose(in);
    free(buf);
    return n;
}

static int is_text_key(const char *name)
{
    return strcmp(name, "corpus.path") == 0 || strcmp(name, "train.checkpoint_dir") == 0 ||
           strcmp(name, "sample.prime") == 0;
}

static void test_every_key_type(void)
{
    char keys[64][64];
    int n = list_keys(keys, 64);
    CHECK(n == 35, "%d keys listed", n);
    const char *always_bad[] = {"[1, 2]", "{a: 1}", "[]"};
    const char *bad_unless_text[] = {
        "\"text\"", "text", "-1", ".nan", "1e999", "99999999999999999999999", "1.5x", "0x10"};
    for (int i = 0; i < n; i++) {
        char section[64], key[64];
        sscanf(keys[i], "%63[^.].%63s", section, key);
        Config c;
        config_defaults(&c);
        for (size_t j = 0; j < sizeof always_bad / sizeof always_bad[0]; j++)
            expect_value_error(section, key, always_bad[j], keys[i]);
        for (size_t j = 0; j < sizeof bad_unless_text / sizeof bad_unless_text[0]; j++) {
            if (!is_text_key(keys[i]))
                expect_value_error(section, key, bad_unless_text[j], "expected ");
            char set[sizeof keys + 64];
            snprintf(set, sizeof set, "%s=%s", keys[i], bad_unless_text[j]);
            if (!is_text_key(keys[i]) && strchr(set, '"') == NULL)
                expect_set_error(set, "expected ");
        }
    }
}

static void test_set(void)
{
    Config c;
    config_defaults(&c);
    RnnError err;
    err_clear(&err);
    CHECK(config_set(&c, "model.hidden=512", &err) == 0 && c.model.hidden == 512, "%s", err.msg);
    CHECK(config_set(&c, "sample.prime=a=b: c", &err) == 0 && strcmp(c.sample.prime, "a=b: c") == 0,
          "prime %s", c.sample.prime);
    CHECK(config_set(&c, "sample.prime=null", &err) == 0 && strcmp(c.sample.prime, "null") == 0,
          "--set text is raw");
    CHECK(config_set(&c, "sample.prime=", &err) == 0 && c.sample.prime[0] == '\0', "empty prime");
    CHECK(config_set(&c, "corpus.path=rel/x.txt", &err) == 0 &&
              strcmp(c.corpus.path, "rel/x.txt") == 0,
          "--set path stays relative");
    CHECK(config_set(&c, "model.cell=gru", &err) == 0 && c.model.cell == CELL_GRU, "cell");
    CHECK(config_set(&c, "train.seed=18446744073709551615", &err) == 0 &&
              c.train.seed == UINT64_MAX,
          "seed");
    CHECK(config_set(&c, "train.learning_rate=3e-4", &err) == 0 && c.train.learning_rate == 3e-4,
          "lr");
    CHECK(config_set(&c, "corpus.lowercase=yes", &err) == 0 && c.corpus.lowercase == 1, "bool");
    expect_set_error("model.hidden=abc",
                     "--set model.hidden=abc: expected an integer in 1..8192, got 'abc'");
    expect_set_error("model.hidden", "--set model.hidden: expected KEY=VALUE");
    expect_set_error("model.hiden=5", "unknown key 'model.hiden'; did you mean 'model.hidden'?");
    expect_set_error("hidden=5", "did you mean 'model.hidden'?");
    expect_set_error("model.seq_len=5", "did you mean 'train.seq_len'?");
    expect_set_error("nothing.like.this=5", "unknown key 'nothing.like.this'");
    expect_set_error("=5", "unknown key ''");
    expect_set_error("model.dropout=nan", "expected a finite number in [0, 1), got 'nan'");
    expect_set_error("model.hidden= 5", "got ' 5'");
    expect_set_error("sample.prime=\xff", "not valid UTF-8");
    expect_set_error("ui.refresh_hz=61", "expected an integer in 1..60");
}

static void test_relative_paths(void)
{
    char sub[128], path[192];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    CHECK(mkdir(sub, 0700) == 0, "mkdir %s", sub);
    snprintf(path, sizeof path, "%s/c.yaml", sub);
    FILE *f = fopen(path, "w");
    fputs("corpus:\n  path: data/x.txt\ntrain:\n  checkpoint_dir: /abs/ck\n", f);
    fclose(f);
    Config c;
    config_defaults(&c);
    RnnError err;
    err_clear(&err);
    CHECK(config_load_file(&c, path, &err) == 0, "%s", err.msg);
    char want[256];
    snprintf(want, sizeof want, "%s/data/x.txt", sub);
    CHECK(strcmp(c.corpus.path, want) == 0, "path %s, want %s", c.corpus.path, want);
    CHECK(strcmp(c.train.checkpoint_dir, "/abs/ck") == 0, "abs %s", c.train.checkpoint_dir);
    f = fopen(path, "w");
    fputs("train:\n  checkpoint_dir: ck\n", f);
    fclose(f);
    CHECK(config_load_file(&c, path, &err) == 0, "%s", err.msg);
    snprintf(want, sizeof want, "%s/ck", sub);
    CHECK(strcmp(c.train.checkpoint_dir, want) == 0, "ck %s", c.train.checkpoint_dir);
    unlink(path);
    rmdir(sub);
}

static void test_file_errors(void)
{
    Config c;
    config_defaults(&c);
    RnnError err;
    err_clear(&err);
    CHECK(config_load_file(&c, "/nonexistent/x.yaml", &err) == -1 && err.status == RNN_ERR_INPUT &&
              strstr(err.msg, "/nonexistent/x.yaml: cannot open config") != NULL,
          "missing file: %s", err.msg);
    CHECK(config_load_file(&c, tmpdir, &err) == -1 && strstr(err.msg, "is a directory") != NULL,
          "directory: %s", err.msg);
}

static void test_validate(void)
{
    Config c;
    RnnError err;
    config_defaults(&c);
    c.model.hidden = 0;
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "model.hidden: expected an integer") &&
              err.status == RNN_ERR_INPUT,
          "hidden 0: %s", err.msg);
    config_defaults(&c);
    c.sample.top_p = 0;
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "sample.top_p"), "top_p: %s", err.msg);
    config_defaults(&c);
    c.sample.temperature = NAN;
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "sample.temperature"), "nan: %s",
          err.msg);
    config_defaults(&c);
    c.model.cell = (CellType)7;
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "model.cell"), "cell: %s", err.msg);
    config_defaults(&c);
    c.train.checkpoint_dir[0] = '\0';
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "checkpoint_dir is empty"), "%s",
          err.msg);
    c.train.checkpoint_every = 0;
    CHECK(config_validate(&c, &err) == 0, "no checkpoints, no folder: %s", err.msg);
    config_defaults(&c);
    c.train.batch = 100000;
    c.train.seq_len = 100000;
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "train.batch * train.seq_len"), "%s",
          err.msg);
    config_defaults(&c);
    memset(c.sample.prime, 'a', sizeof c.sample.prime);
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "sample.prime"), "%s", err.msg);
    config_defaults(&c);
    strcpy(c.ui.theme, "neon");
    CHECK(config_validate(&c, &err) == -1 && strstr(err.msg, "ui.theme"), "%s", err.msg);
    config_defaults(&c);
    c.model.dropout = 0.5;
    c.model.layers = 1;
    CHECK(config_validate(&c, &err) == 0, "dropout with one layer is allowed: %s", err.msg);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_config-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_defaults();
    test_round_trip();
    test_presets();
    test_values_ok();
    test_structure_errors();
    test_alias_errors();
    test_syntax_errors();
    test_value_errors();
    test_every_key_type();
    test_set();
    test_relative_paths();
    test_file_errors();
    test_validate();
    rmdir(tmpdir);
    return check_report("test_config");
}
