/* test_corpus: corpus loading end to end on small temporary files (line
 * endings, BOM, every kind of bad file and its message, the split, fixed
 * vocabularies, prime texts), vocab helpers, and the real corpora in
 * $SHARED_CORPORA when that folder exists. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "corpus.h"
#include "utf8.h"
#include "vocab.h"

/* --- temporary files ------------------------------------------------------ */

#define MAX_TMP 64
static char tmp_paths[MAX_TMP][512];
static int n_tmp;

static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    return d && d[0] ? d : "/tmp";
}

/* Write n bytes to a new temporary file; returns its path. */
static const char *write_tmp(const char *data, size_t n)
{
    char *path;
    int fd;
    if (n_tmp == MAX_TMP) {
        fprintf(stderr, "test_corpus: more than %d temporary files\n", MAX_TMP);
        exit(1);
    }
    path = tmp_paths[n_tmp++];
    snprintf(path, sizeof tmp_paths[0], "%s/test_corpus.XXXXXX", tmp_dir());
    fd = mkstemp(path);
    if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n)) {
        perror(path);
        exit(1);
    }
    close(fd);
    return path;
}

static void remove_tmp(void)
{
    for (int i = 0; i < n_tmp; i++)
        unlink(tmp_paths[i]);
}

static CorpusConfig config_for(const char *path)
{
    CorpusConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.path, sizeof cfg.path, "%s", path);
    cfg.tokenize = TOKENIZE_CHAR;
    cfg.val_fraction = 0.1;
    cfg.min_count = 1;
    return cfg;
}

/* Load text (n bytes) from a fresh temp file. */
static int load_text(Corpus *c, const char *text, size_t n, RnnError *err)
{
    CorpusConfig cfg = config_for(write_tmp(text, n));
    return corpus_load(c, &cfg, err);
}

#define LOAD(c, lit, err) load_text((c), (lit), sizeof(lit) - 1, (err))

/* Expect loading lit to fail with RNN_ERR_INPUT and a message holding want
 * (and the file's name). */
static void expect_error(const char *text, size_t n, const char *want)
{
    Corpus c;
    RnnError err;
    CorpusConfig cfg = config_for(write_tmp(text, n));
    err_clear(&err);
    CHECK(corpus_load(&c, &cfg, &err) == -1, "loaded, want \"%s\"", want);
    CHECK(err.status == RNN_ERR_INPUT, "status %d for \"%s\"", err.status, want);
    CHECK(strstr(err.msg, want) != NULL, "message \"%s\" lacks \"%s\"", err.msg, want);
    CHECK(strstr(err.msg, cfg.path) == err.msg, "message \"%s\" does not start with the file name", err.msg);
    CHECK(c.ids == NULL && c.n == 0, "corpus not left empty");
    corpus_free(&c);
}

#define EXPECT_ERROR(lit, want) expect_error((lit), sizeof(lit) - 1, (want))

/* 1 if two corpora have the same vocabulary and ids. */
static int same_corpus(const Corpus *a, const Corpus *b)
{
    return a->n == b->n && vocab_equal(&a->vocab, &b->vocab) &&
           memcmp(a->ids, b->ids, (size_t)a->n * sizeof *a->ids) == 0;
}

/* --- decoding and the vocabulary ---------------------------------------- */

static void test_vocab_sorted_and_stable(void)
{
    Corpus a, b;
    RnnError err;
    char sym[8];
    CHECK(LOAD(&a, "hello world\n", &err) == 0, "%s", err.msg);
    CHECK(LOAD(&b, "hello world\n", &err) == 0, "%s", err.msg);
    CHECK(a.vocab.size == 9, "vocab size %d, want 9", a.vocab.size);
    for (int i = 1; i < a.vocab.size; i++)
        CHECK(a.vocab.codepoints[i - 1] < a.vocab.codepoints[i], "not sorted at %d", i);
    CHECK(a.vocab.codepoints[0] == '\n' && a.vocab.codepoints[1] == ' ', "first symbols");
    CHECK(same_corpus(&a, &b), "two loads differ");
    CHECK(a.n == 12 && a.bytes == 12, "n %lld bytes %lld", (long long)a.n, (long long)a.bytes);
    for (int64_t i = 0; i < a.n; i++) {
        vocab_symbol_utf8(&a.vocab, a.ids[i], sym, sizeof sym);
        CHECK(sym[0] == "hello world\n"[i], "symbol %lld", (long long)i);
    }
    corpus_free(&a);
    corpus_free(&b);
}

static void test_hungarian(void)
{
    /* "árvíztűrő tükörfúrógép\n": 23 code points in 32 bytes */
    const char text[] = "\xC3\xA1rv\xC3\xADzt\xC5\xB1r\xC5\x91 t\xC3\xBCk\xC3\xB6rf"
                        "\xC3\xBAr\xC3\xB3g\xC3\xA9p\n";
    Corpus c;
    RnnError err;
    char sym[8];
    CHECK(LOAD(&c, text, &err) == 0, "%s", err.msg);
    CHECK(c.n == 23, "n = %lld, want 23", (long long)c.n);
    CHECK(c.bytes == 32, "bytes = %lld, want 32", (long long)c.bytes);
    CHECK(vocab_find(&c.vocab, 0x151) >= 0, "U+0151 is not one symbol");
    CHECK(vocab_find(&c.vocab, 0x171) >= 0, "U+0171 is not one symbol");
    CHECK(vocab_find(&c.vocab, 0xC5) < 0, "a lead byte became a symbol");
    vocab_symbol_utf8(&c.vocab, c.ids[8], sym, sizeof sym); /* the ő */
    CHECK(strcmp(sym, "\xC5\x91") == 0, "symbol 8 is %s", sym);
    corpus_free(&c);
}

static void test_line_endings(void)
{
    Corpus lf, crlf, cr, bom, mixed;
    RnnError err;
    CHECK(LOAD(&lf, "one\ntwo\n\nthree\n", &err) == 0, "%s", err.msg);
    CHECK(LOAD(&crlf, "one\r\ntwo\r\n\r\nthree\r\n", &err) == 0, "%s", err.msg);
    CHECK(LOAD(&cr, "one\rtwo\r\rthree\r", &err) == 0, "%s", err.msg);
    CHECK(LOAD(&bom, "\xEF\xBB\xBFone\ntwo\n\nthree\n", &err) == 0, "%s", err.msg);
    CHECK(LOAD(&mixed, "one\r\ntwo\r\r\nthree\r\n", &err) == 0, "%s", err.msg);
    CHECK(same_corpus(&lf, &crlf), "CRLF differs from LF");
    CHECK(same_corpus(&lf, &cr), "CR differs from LF");
    CHECK(same_corpus(&lf, &bom), "BOM not skipped");
    CHECK(vocab_find(&lf.vocab, '\r') < 0, "CR in the vocabulary");
    CHECK(same_corpus(&lf, &mixed), "\\r\\r\\n is not two line ends");
    corpus_free(&lf);
    corpus_free(&crlf);
    corpus_free(&cr);
    corpus_free(&bom);
    corpus_free(&mixed);

    CHECK(LOAD(&bom, "ab\xEF\xBB\xBF", &err) == 0, "%s", err.msg);
    CHECK(bom.n == 3 && vocab_find(&bom.vocab, 0xFEFF) >= 0,
          "U+FEFF after the start is a symbol");
    corpus_free(&bom);
}

static void test_lowercase(void)
{
    /* "ÁRVÍZ árvíz\n" lowercased: á r v í z ' ' and '\n' */
    const char text[] = "\xC3\x81RV\xC3\x8DZ \xC3\xA1rv\xC3\xADz\n";
    CorpusConfig cfg = config_for(write_tmp(text, sizeof text - 1));
    Corpus c;
    RnnError err;
    cfg.lowercase = 1;
    CHECK(corpus_load(&c, &cfg, &err) == 0, "%s", err.msg);
    CHECK(c.vocab.size == 7, "vocab size %d, want 7", c.vocab.size);
    CHECK(vocab_find(&c.vocab, 0xC1) < 0 && vocab_find(&c.vocab, 0xE1) >= 0, "Á not lowered");
    CHECK(c.ids[0] == c.ids[6], "Á and á differ");
    corpus_free(&c);
}

/* --- bad files ----------------------------------------------------------- */

static void test_invalid_utf8(void)
{
    EXPECT_ERROR("line one\nline two\nab\xC0\x80yz\n",
                 "invalid UTF-8 at byte offset 20 (line 3, column 3): overlong form");
    EXPECT_ERROR("x\n\xC3\xA9\xC3\xA9\x93quote\x94\n",
                 "byte offset 6 (line 2, column 3): unexpected continuation byte");
    EXPECT_ERROR("ok\r\nok\r\n\xE9t\xE9\n", "(line 3, column 1): bad continuation byte");
    EXPECT_ERROR("ok\rok\r\xED\xA0\x80", "byte offset 6 (line 3, column 1): surrogate");
    EXPECT_ERROR("\xF4\x90\x80\x80", "byte offset 0 (line 1, column 1): above U+10FFFF");
    EXPECT_ERROR("\xEF\xBB\xBFok\xE2\x82", "byte offset 5 (line 1, column 3): truncated");
    EXPECT_ERROR("ab\xFF", "invalid byte; convert the file to UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8");
}

static void test_bad_files(void)
{
    Corpus c;
    RnnError err;
    CorpusConfig cfg;

    EXPECT_ERROR("ab\ncd\0ef", "NUL byte at byte offset 5 (line 2, column 3): this is a binary file");
    EXPECT_ERROR("", "the file is empty");
    EXPECT_ERROR("\xEF\xBB\xBF", "the file is empty");
    EXPECT_ERROR("aaaa", "only one distinct symbol ('a' U+0061)");
    EXPECT_ERROR("\n\r\n\r", "only one distinct symbol (U+000A)");

    cfg = config_for("/nonexistent/rnntop/corpus.txt");
    CHECK(corpus_load(&c, &cfg, &err) == -1, "missing file loaded");
    CHECK(err.status == RNN_ERR_INPUT && strstr(err.msg, "/nonexistent/rnntop/corpus.txt: no such file"),
          "missing: %s", err.msg);
    cfg = config_for(tmp_dir());
    CHECK(corpus_load(&c, &cfg, &err) == -1, "directory loaded");
    CHECK(err.status == RNN_ERR_INPUT && strstr(err.msg, ": is a directory"), "directory: %s", err.msg);
    cfg = config_for("");
    CHECK(corpus_load(&c, &cfg, &err) == -1 && strstr(err.msg, "no corpus file given"), "empty path: %s", err.msg);
    cfg = config_for(write_tmp("secret", 6));
    if (geteuid() != 0 && chmod(cfg.path, 0) == 0) { /* root reads anything */
        CHECK(corpus_load(&c, &cfg, &err) == -1 && err.status == RNN_ERR_INPUT &&
              strstr(err.msg, ": permission denied"), "unreadable: %s", err.msg);
    }

    cfg = config_for(write_tmp("abAB", 4));
    cfg.lowercase = 1;
    CHECK(corpus_load(&c, &cfg, &err) == 0, "lowercased abAB: %s", err.msg);
    corpus_free(&c);
    cfg = config_for(write_tmp("aA", 2));
    cfg.lowercase = 1;
    CHECK(corpus_load(&c, &cfg, &err) == -1 && strstr(err.msg, "only one distinct"), "aA lowercased: %s", err.msg);
    cfg = config_for(write_tmp("ab", 2));
    cfg.tokenize = TOKENIZE_WORD;
    CHECK(corpus_load(&c, &cfg, &err) == -1 && err.status == RNN_ERR_INPUT &&
          strstr(err.msg, "single word-level token"), "word mode: %s", err.msg);
    cfg = config_for(write_tmp("ab", 2));
    cfg.val_fraction = 1.5;
    CHECK(corpus_load(&c, &cfg, &err) == -1 && strstr(err.msg, "val_fraction"), "val_fraction: %s", err.msg);
}

/* A FIFO cannot be mapped: the read(2) path. */
static void test_pipe(void)
{
    char path[512];
    Corpus c;
    RnnError err;
    CorpusConfig cfg;
    pid_t pid;
    snprintf(path, sizeof path, "%s/test_corpus_fifo.%d", tmp_dir(), (int)getpid());
    if (mkfifo(path, 0600) != 0) {
        fprintf(stderr, "skipping the FIFO test: mkfifo %s failed\n", path);
        return;
    }
    pid = fork();
    if (pid == 0) {
        FILE *f = fopen(path, "w");
        if (f)
            fputs("piped\r\ntext\n", f);
        _exit(f && fclose(f) == 0 ? 0 : 1);
    }
    cfg = config_for(path);
    CHECK(corpus_load(&c, &cfg, &err) == 0, "FIFO: %s", err.msg);
    CHECK(c.n == 11 && c.bytes == 12, "FIFO n %lld bytes %lld", (long long)c.n, (long long)c.bytes);
    corpus_free(&c);
    waitpid(pid, NULL, 0);
    unlink(path);
}

/* --- the split ---------------------------------------------------------------- */

static void check_split(int n, double f, int64_t want_train)
{
    char text[256];
    Corpus c;
    RnnError err;
    CorpusConfig cfg;
    for (int i = 0; i < n; i++)
        text[i] = (char)('a' + i % 7);
    cfg = config_for(write_tmp(text, (size_t)n));
    cfg.val_fraction = f;
    CHECK(corpus_load(&c, &cfg, &err) == 0, "%s", err.msg);
    CHECK(c.n_train == want_train && c.n_val == n - want_train,
          "n=%d f=%g: %lld + %lld, want %lld", n, f, (long long)c.n_train,
          (long long)c.n_val, (long long)want_train);
    corpus_free(&c);
}

static void test_split(void)
{
    check_split(100, 0.1, 90);
    check_split(100, 0.0, 100);
    check_split(7, 0.5, 3);
    check_split(10, 0.05, 9);
    check_split(200, 0.25, 150);
    check_split(3, 0.1, 2);
}

/* --- fixed vocabularies and short texts ---------------------------------- */

static void test_with_vocab(void)
{
    Corpus base, c;
    RnnError err;
    CorpusConfig cfg;
    CHECK(LOAD(&base, "abc\ncab\n", &err) == 0, "%s", err.msg);

    cfg = config_for(write_tmp("ba\r\nc", 5));
    CHECK(corpus_load_with_vocab(&c, &cfg, &base.vocab, &err) == 0, "%s", err.msg);
    CHECK(c.n == 4 && vocab_equal(&c.vocab, &base.vocab), "n %lld", (long long)c.n);
    CHECK(c.n > 0 && c.ids[0] == vocab_find(&base.vocab, 'b') &&
          c.ids[2] == vocab_find(&base.vocab, '\n'), "ids");
    corpus_free(&c);

    cfg = config_for(write_tmp("ab\n\xC3\xA9x", 6));
    CHECK(corpus_load_with_vocab(&c, &cfg, &base.vocab, &err) == -1, "unknown accepted");
    CHECK(err.status == RNN_ERR_INPUT && strstr(err.msg, cfg.path) == err.msg &&
          strstr(err.msg, "symbol '\xC3\xA9' U+00E9 at byte offset 3 (line 2, column 1) is not in"),
          "unknown: %s", err.msg);
    CHECK(c.ids == NULL, "corpus not left empty");

    cfg = config_for(write_tmp("ab\nc\tx", 6));
    CHECK(corpus_load_with_vocab(&c, &cfg, &base.vocab, &err) == -1 &&
          strstr(err.msg, "symbol U+0009 at byte offset 4 (line 2, column 2)"), "tab: %s", err.msg);
    cfg = config_for(write_tmp("ab\xC0", 3));
    CHECK(corpus_load_with_vocab(&c, &cfg, &base.vocab, &err) == -1 &&
          strstr(err.msg, "invalid UTF-8 at byte offset 2"), "invalid: %s", err.msg);
    corpus_free(&base);
}

static void test_encode_text(void)
{
    Corpus base;
    RnnError err;
    int32_t out[8];
    CHECK(LOAD(&base, "abc\n", &err) == 0, "%s", err.msg);
    CHECK(corpus_encode_text(&base.vocab, "ab\r\nc", 5, NULL, 0, &err) == 4, "count");
    CHECK(corpus_encode_text(&base.vocab, "ab\r\nc", 5, out, 8, &err) == 4, "encode");
    CHECK(out[0] == 1 && out[1] == 2 && out[2] == 0 && out[3] == 3, "ids %d %d %d %d",
          out[0], out[1], out[2], out[3]);
    CHECK(corpus_encode_text(&base.vocab, "abcabc", 6, out, 2, &err) == 2, "cap");
    CHECK(corpus_encode_text(&base.vocab, "", 0, out, 8, &err) == 0, "empty text");
    CHECK(corpus_encode_text(&base.vocab, "abzc", 4, out, 8, &err) == -1 &&
          err.status == RNN_ERR_INPUT &&
          strstr(err.msg, "symbol 'z' U+007A at character 3 is not in"), "unknown: %s", err.msg);
    CHECK(corpus_encode_text(&base.vocab, "abcabcz", 7, out, 2, &err) == -1,
          "unknown after cap not reported");
    CHECK(corpus_encode_text(&base.vocab, "ab\xE2\x82", 4, out, 8, &err) == -1 &&
          strstr(err.msg, "invalid UTF-8 at byte offset 2: truncated"), "invalid: %s", err.msg);
    CHECK(corpus_encode_text(&base.vocab, "ABC", 3, out, 8, &err) == -1, "upper case accepted");
    CHECK(corpus_encode_text_ex(&base.vocab, "ABC", 3, 1, out, 8, &err) == 3 &&
          out[0] == 1, "lowercased prime: %s", err.msg);
    corpus_free(&base);
}

/* --- vocab helpers ----------------------------------------------------------- */

static void test_vocab_helpers(void)
{
    const uint32_t acn[] = {'c', 'a', '\n', 'a', 0x151};
    const uint32_t abd[] = {'d', 'b', 'a', 0x151};
    const uint32_t bad[] = {'a', 0xD800};
    Vocab a, b, c;
    char msg[256], small[24], sym[8];
    CHECK(vocab_from_codepoints(&a, acn, 5) == 0 && a.size == 4, "size %d", a.size);
    CHECK(a.codepoints[0] == '\n' && a.codepoints[3] == 0x151, "sorted");
    CHECK(vocab_from_codepoints(&b, abd, 4) == 0, "b");
    CHECK(vocab_from_codepoints(&c, bad, 2) == -1 && c.size == 0, "surrogate accepted");
    CHECK(!vocab_equal(&a, &b), "a == b");
    vocab_describe_diff(&a, &b, msg, sizeof msg);
    CHECK(strcmp(msg, "only in A (2 symbols): U+000A, 'c' U+0063; "
                      "only in B (2 symbols): 'b' U+0062, 'd' U+0064") == 0, "diff: %s", msg);
    vocab_describe_diff(&a, &b, small, sizeof small);
    CHECK(strlen(small) == sizeof small - 1 && strcmp(small + sizeof small - 4, "...") == 0,
          "truncated diff: %s", small);
    CHECK(vocab_copy(&c, &a) == 0 && vocab_equal(&a, &c), "copy");
    vocab_describe_diff(&a, &c, msg, sizeof msg);
    CHECK(strcmp(msg, "the vocabularies are identical") == 0, "same: %s", msg);
    CHECK(vocab_symbol_utf8(&a, 3, sym, sizeof sym) == 2 && strcmp(sym, "\xC5\x91") == 0, "utf8 of ő");
    CHECK(vocab_symbol_utf8(&a, 3, sym, 2) == -1, "too small buffer");
    CHECK(vocab_symbol_utf8(&a, 4, sym, sizeof sym) == -1, "id out of range");
    CHECK(vocab_find(&a, 'b') == -1 && vocab_find(&a, 'c') == 2, "find");
    vocab_free(&a);
    vocab_free(&b);
    vocab_free(&c);
    vocab_free(&c); /* twice is safe */
}

/* --- speed and the real corpora ------------------------------------------ */

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A generated 4 MB file (mostly ASCII, some 2- and 3-byte symbols). */
static void test_speed(void)
{
    static const char *words[] = {"the ", "and ", "\xC5\x91sz ", "\xE2\x82\xAC\n", "Lord, ", "fire\r\n"};
    size_t cap = 4u << 20, len = 0;
    char *text = malloc(cap);
    Corpus c;
    RnnError err;
    double t0;
    CorpusConfig cfg;
    uint32_t r = 1;
    while (text && len + 8 < cap) {
        const char *w = words[((r = r * 1103515245u + 12345u) >> 16) % 6];
        memcpy(text + len, w, strlen(w));
        len += strlen(w);
    }
    cfg = config_for(write_tmp(text, len));
    free(text);
    t0 = seconds();
    CHECK(corpus_load(&c, &cfg, &err) == 0, "%s", err.msg);
    fprintf(stderr, "loaded %lld bytes (%lld symbols) in %.3f s\n",
            (long long)c.bytes, (long long)c.n, seconds() - t0);
    CHECK(seconds() - t0 < 2.0, "4 MB took %.2f s", seconds() - t0);
    CHECK(c.vocab.size == 18, "vocab size %d", c.vocab.size);
    corpus_free(&c);
}

static void check_shared(const char *dir, const char *name, int64_t n, int v,
                         uint32_t must_have)
{
    char path[1024];
    Corpus c;
    RnnError err;
    CorpusConfig cfg;
    double t0 = seconds();
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cfg = config_for(path);
    CHECK(corpus_load(&c, &cfg, &err) == 0, "%s", err.msg);
    fprintf(stderr, "%s: %lld symbols, %d distinct, %.3f s\n", name,
            (long long)c.n, c.vocab.size, seconds() - t0);
    CHECK(c.n == n, "%s: %lld symbols, want %lld", name, (long long)c.n, (long long)n);
    CHECK(c.vocab.size == v, "%s: %d distinct, want %d", name, c.vocab.size, v);
    CHECK(vocab_find(&c.vocab, must_have) >= 0, "%s: U+%04X missing", name, (unsigned)must_have);
    if (c.n == 1115394)
        CHECK(c.n_train == 1003854 && c.n_val == 111540, "usual split: %lld + %lld",
              (long long)c.n_train, (long long)c.n_val);
    corpus_free(&c);
}

static void test_shared_corpora(void)
{
    char dir[1024];
    struct stat st;
    const char *env = getenv("SHARED_CORPORA"), *top = getenv("top_srcdir");
    if (env && env[0])
        snprintf(dir, sizeof dir, "%s", env);
    else
        snprintf(dir, sizeof dir, "%s/../shared/corpora", top && top[0] ? top : ".");
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "skipping: shared corpora folder %s not found\n", dir);
        return;
    }
    check_shared(dir, "petofi.txt", 1011719, 104, 0x151);
    check_shared(dir, "tinyshakespeare.txt", 1115394, 65, 'z');
}

int main(void)
{
    test_vocab_sorted_and_stable();
    test_hungarian();
    test_line_endings();
    test_lowercase();
    test_invalid_utf8();
    test_bad_files();
    test_pipe();
    test_split();
    test_with_vocab();
    test_encode_text();
    test_vocab_helpers();
    test_speed();
    test_shared_corpora();
    remove_tmp();
    return check_report("test_corpus");
}
