/* test_words: word-level tokenisation (wordtok.h) and word-mode corpora:
 * the token rule (accented words whole, apostrophes, whitespace runs,
 * CJK), detokenise(tokenise(text)) == text, the vocabulary's order and
 * <unk>, min_count, CR LF read as LF, prime texts, and a real corpus from
 * $SHARED_CORPORA when it is there (timing printed, never asserted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "corpus.h"
#include "utf8.h"
#include "vocab.h"
#include "wordtok.h"

/* Decode UTF-8 s into cps (room for strlen(s)); returns the count. */
static int64_t decode(const char *s, uint32_t *cps)
{
    int64_t n = 0;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        int k = utf8_decode((const unsigned char *)s + i, len - i, &cps[n]);
        if (!k)
            return -1;
        n++;
        i += (size_t)k;
    }
    return n;
}

/* The tokens of s joined by '|' into out. */
static void tokens(const char *s, char *out, size_t cap)
{
    uint32_t cps[512];
    char buf[4 * WORDTOK_MAX + 1];
    int64_t n = decode(s, cps);
    size_t k = 0;
    out[0] = '\0';
    for (int64_t i = 0; i < n;) {
        int len = wordtok_len(cps, n, i);
        wordtok_utf8(cps + i, len, buf);
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? "|" : "", buf);
        i += len;
    }
}

static void expect_tokens(const char *text, const char *want)
{
    char got[2048];
    tokens(text, got, sizeof got);
    CHECK(strcmp(got, want) == 0, "tokens of '%s': got '%s', want '%s'", text, got, want);
}

static void test_rule(void)
{
    expect_tokens("the cat", "the| |cat");
    expect_tokens("Don't stop!", "Don't| |stop|!");
    expect_tokens("'tis the dogs' bone", "'|tis| |the| |dogs|'| |bone");
    expect_tokens("a  b\n\nc", "a|  |b|\n\n|c");
    expect_tokens("a \nb", "a| |\n|b");
    expect_tokens("x\t\ty", "x|\t\t|y");
    expect_tokens("1:1 In", "1|:|1| |In");
    /* Hungarian: accented words stay whole */
    expect_tokens("\xC3\x81rv\xC3\xADzt\xC5\xB1r\xC5\x91 t\xC3\xBCk\xC3\xB6rf\xC3\xBAr\xC3\xB3g\xC3\xA9p.",
                  "\xC3\x81rv\xC3\xADzt\xC5\xB1r\xC5\x91| |t\xC3\xBCk\xC3\xB6rf\xC3\xBAr\xC3\xB3g\xC3\xA9p|.");
    expect_tokens("\xC5\x91szi \xC3\xBCnnep", "\xC5\x91szi| |\xC3\xBCnnep");
    /* Greek and Cyrillic words; CJK one ideograph a token */
    expect_tokens("\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x82 \xD0\xBC\xD0\xB8\xD1\x80",
                  "\xCE\xBB\xCF\x8C\xCE\xB3\xCE\xBF\xCF\x82| |\xD0\xBC\xD0\xB8\xD1\x80");
    expect_tokens("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xE6\x97\xA5|\xE6\x9C\xAC|\xE8\xAA\x9E");
    /* a curly apostrophe inside a word, an em dash between words */
    expect_tokens("don\xE2\x80\x99t\xE2\x80\x94go", "don\xE2\x80\x99t|\xE2\x80\x94|go");
    /* a token is at most WORDTOK_MAX code points */
    char lng[200];
    memset(lng, 'a', 150);
    lng[150] = '\0';
    uint32_t cps[200];
    int64_t n = decode(lng, cps);
    CHECK(wordtok_len(cps, n, 0) == WORDTOK_MAX, "long word cut at %d", wordtok_len(cps, n, 0));
    CHECK(wordtok_len(cps, n, 128) == 22, "tail %d", wordtok_len(cps, n, 128));
}

/* Build a vocabulary from text, encode it and join the token texts. */
static void check_round_trip(const char *text, int min_count)
{
    static uint32_t cps[8192];
    static int32_t ids[8192];
    static char back[32768];
    int64_t n = decode(text, cps), unk = -1, first = -2;
    Vocab v;
    CHECK(n >= 0 && wordtok_build_vocab(&v, cps, n, min_count) == 0, "build '%s'", text);
    int64_t k = wordtok_encode(&v, cps, n, ids, &unk, &first);
    size_t at = 0;
    for (int64_t i = 0; i < k; i++) {
        int len = vocab_symbol_utf8(&v, ids[i], back + at, sizeof back - at);
        CHECK(len > 0, "id %d has no text", ids[i]);
        at += len > 0 ? (size_t)len : 0;
    }
    back[at] = '\0';
    CHECK(unk == 0 && first == -1, "unknown tokens: %lld", (long long)unk);
    CHECK(strcmp(back, text) == 0, "round trip: '%s' came back as '%s'", text, back);
    vocab_free(&v);
}

static void test_round_trip(void)
{
    check_round_trip("In the beginning God created the heaven and the earth.\n"
                     "And the earth was without form, and void;  and darkness\n\n"
                     "\tDon't panic: 42 \xE2\x80\x94 \xC5\x91r\xC3\xBCl\xC5\x91 "
                     "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80!\n", 1);
    /* min_count 2: unknown whitespace runs are rebuilt from known ones */
    check_round_trip("a b a b a b   a\n\n\nb\nb\n", 2);
}

static void test_vocab(void)
{
    static uint32_t cps[4096];
    static int32_t ids[4096];
    const char *text = "the cat sat on the mat . the cat ran , zebra\n";
    int64_t n = decode(text, cps), unk = 0, first = 0;
    Vocab v, w;
    CHECK(wordtok_build_vocab(&v, cps, n, 2) == 0, "build");
    CHECK(v.kind == TOKENIZE_WORD && strcmp(v.words[WORDTOK_UNK], "<unk>") == 0, "<unk> is id 0");
    for (int i = 2; i < v.size; i++)
        CHECK(strcmp(v.words[i - 1], v.words[i]) < 0, "order: '%s' before '%s'", v.words[i - 1],
              v.words[i]);
    /* kept: the, cat, " " (all >= 2) and "\n" (a single whitespace code point) */
    CHECK(v.size == 5, "V = %d", v.size);
    CHECK(vocab_find_word(&v, "cat", 3) > 0 && vocab_find_word(&v, "mat", 3) < 0 &&
              vocab_find_word(&v, "\n", 1) > 0 && vocab_find_word(&v, "<unk>", 5) < 0,
          "lookups");
    int64_t k = wordtok_encode(&v, cps, n, ids, &unk, &first);
    CHECK(k == 24 && unk == 7 && first == 8, "encode: %lld ids, %lld unknown, first at %lld",
          (long long)k, (long long)unk, (long long)first);
    CHECK(ids[4] == WORDTOK_UNK && ids[0] == vocab_find_word(&v, "the", 3), "ids");
    /* the same text gives the same vocabulary */
    CHECK(wordtok_build_vocab(&w, cps, n, 2) == 0 && vocab_equal(&v, &w), "deterministic");
    vocab_free(&w);
    /* in place, as corpus.c does it */
    memcpy(ids, cps, sizeof(uint32_t) * (size_t)n);
    CHECK(wordtok_encode(&v, (const uint32_t *)ids, n, ids, NULL, NULL) == 24 &&
              ids[0] == vocab_find_word(&v, "the", 3),
          "in-place encode");
    char buf[16];
    CHECK(vocab_symbol_utf8(&v, WORDTOK_UNK, buf, sizeof buf) == 5 && !strcmp(buf, "<unk>"),
          "unk text");
    vocab_free(&v);
}

/* --- corpora through corpus.c ------------------------------------------------ */

static char tmp_path[2][256];

static const char *write_file(int slot, const char *data)
{
    const char *d = getenv("TMPDIR");
    snprintf(tmp_path[slot], sizeof tmp_path[slot], "%s/test_words.XXXXXX", d && *d ? d : "/tmp");
    int fd = mkstemp(tmp_path[slot]);
    size_t n = strlen(data);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n) {
        perror(tmp_path[slot]);
        exit(1);
    }
    close(fd);
    return tmp_path[slot];
}

static CorpusConfig word_config(const char *path, int min_count)
{
    CorpusConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.path, sizeof cfg.path, "%s", path);
    cfg.tokenize = TOKENIZE_WORD;
    cfg.val_fraction = 0.25;
    cfg.min_count = min_count;
    return cfg;
}

static void test_corpus(void)
{
    Corpus a, b, c;
    RnnError err;
    err_clear(&err);
    CorpusConfig ca = word_config(write_file(0, "The cat sat.\nThe cat ran.\nA dog sat.\n"), 1);
    CorpusConfig cb = word_config(write_file(1, "The cat sat.\r\nThe cat ran.\r\nA dog sat.\r\n"), 1);
    CHECK(corpus_load(&a, &ca, &err) == 0, "LF: %s", err.msg);
    CHECK(corpus_load(&b, &cb, &err) == 0, "CRLF: %s", err.msg);
    CHECK(vocab_equal(&a.vocab, &b.vocab) && a.n == b.n &&
              memcmp(a.ids, b.ids, sizeof *a.ids * (size_t)a.n) == 0,
          "CRLF and LF give the same tokens");
    CHECK(a.n == 21 && a.n_train == 15 && a.n_val == 6, "n %lld", (long long)a.n);
    /* with the vocabulary fixed: unknown words become <unk>, counted */
    unlink(tmp_path[1]);
    cb = word_config(write_file(1, "The zebra sat.\nThe cat flew.\n"), 1);
    CHECK(corpus_load_with_vocab(&c, &cb, &a.vocab, &err) == 0 && c.unknown == 2 &&
              c.ids[2] == WORDTOK_UNK,
          "fixed vocabulary: %s (unknown %lld)", err.msg, (long long)c.unknown);
    corpus_free(&c);
    /* lowercasing before tokenising */
    ca.lowercase = 1;
    CHECK(corpus_load(&c, &ca, &err) == 0 && vocab_find_word(&c.vocab, "the", 3) > 0 &&
              vocab_find_word(&c.vocab, "The", 3) < 0,
          "lowercase");
    corpus_free(&c);
    /* a prime: tokens of the text, an unknown word is an error naming it */
    int32_t ids[16];
    int64_t k = corpus_encode_text(&a.vocab, "The dog ran.\r\n", 14, ids, 16, &err);
    CHECK(k == 7 && ids[0] == vocab_find_word(&a.vocab, "The", 3) &&
              ids[6] == vocab_find_word(&a.vocab, "\n", 1),
          "encode prime: %lld", (long long)k);
    k = corpus_encode_text(&a.vocab, "The horse", 9, ids, 16, &err);
    CHECK(k == -1 && strstr(err.msg, "\"horse\" at character 5"), "unknown: %s", err.msg);
    corpus_free(&a);
    corpus_free(&b);
    unlink(tmp_path[0]);
    unlink(tmp_path[1]);
}

/* A real corpus: load in word mode, round trip, report the time. */
static void test_real_corpus(void)
{
    const char *dir = getenv("SHARED_CORPORA");
    char path[1024];
    snprintf(path, sizeof path, "%s/tinyshakespeare.txt", dir && *dir ? dir : "../shared/corpora");
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "test_words: %s absent, real corpus skipped\n", path);
        return;
    }
    CorpusConfig cfg = word_config(path, 1);
    cfg.val_fraction = 0.1;
    Corpus c;
    RnnError err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = corpus_load(&c, &cfg, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(rc == 0, "%s: %s", path, err.msg);
    if (rc)
        return;
    fprintf(stderr, "test_words: %s: %lld tokens, V = %d, loaded in %.2f s\n", path,
            (long long)c.n, c.vocab.size,
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    CHECK(c.vocab.size > 10000 && c.vocab.size < 20000, "V %d", c.vocab.size);
    /* joined back, the tokens are the file (it has LF endings, no BOM) */
    FILE *f = fopen(path, "rb");
    char *text = malloc((size_t)c.bytes + 1), buf[4 * WORDTOK_MAX + 1];
    size_t got = f && text ? fread(text, 1, (size_t)c.bytes, f) : 0;
    int64_t at = 0, bad = -1;
    for (int64_t i = 0; i < c.n && bad < 0; i++) {
        int len = vocab_symbol_utf8(&c.vocab, c.ids[i], buf, sizeof buf);
        if (len <= 0 || at + len > (int64_t)got || memcmp(text + at, buf, (size_t)len) != 0)
            bad = i;
        at += len;
    }
    CHECK(bad < 0 && at == (int64_t)got, "round trip of %s fails at token %lld", path,
          (long long)bad);
    if (f)
        fclose(f);
    free(text);
    corpus_free(&c);
}

int main(void)
{
    test_rule();
    test_round_trip();
    test_vocab();
    test_corpus();
    test_real_corpus();
    return check_report("test_words");
}
