/* fuzz_utf8: libFuzzer harness for the UTF-8 decoder and the corpus loader.
 * The input is a text file. Contracts checked besides memory safety:
 * utf8_decode returns 1..4 bytes of a Unicode scalar value that utf8_encode
 * writes back to the same bytes (no overlong forms), or 0 with a reason;
 * utf8_valid agrees with it; a corpus that loads has ids in [0, V) and a
 * split that adds up, and corpus_encode_text_ex and corpus_load_with_vocab
 * give the same ids for the same bytes. Byte 0 chooses the mode: bit 0
 * corpus.lowercase, bit 1 word level (corpus.tokenize: word, where only
 * corpus_load_with_vocab is compared: a short text's rules differ). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "fuzz_util.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_enter();
    return 0;
}

/* Every position of the input through the decoder; returns 1 if the whole
 * input decoded. */
static int decode_all(const uint8_t *data, size_t size)
{
    int valid = 1;
    for (size_t i = 0; i < size;) {
        uint32_t cp;
        int k = utf8_decode(data + i, size - i, &cp);
        if (k == 0) {
            const char *why = utf8_invalid_reason(data + i, size - i);
            FUZZ_CHECK(why && why[0], "no reason for an invalid sequence at %zu", i);
            valid = 0;
            i++;
            continue;
        }
        FUZZ_CHECK(k >= 1 && k <= 4 && (size_t)k <= size - i, "decode used %d bytes", k);
        FUZZ_CHECK(cp < 0x110000 && (cp < 0xD800 || cp > 0xDFFF), "decoded U+%X", (unsigned)cp);
        char out[4];
        int m = utf8_encode(cp, out);
        FUZZ_CHECK(m == k && memcmp(out, data + i, (size_t)k) == 0,
                   "U+%X decoded from %d bytes re-encodes to %d", (unsigned)cp, k, m);
        char low[4], desc[24];
        FUZZ_CHECK(utf8_encode(utf8_tolower(cp), low) > 0, "lowercase of U+%X", (unsigned)cp);
        int dn = utf8_describe(cp, desc, sizeof desc);
        FUZZ_CHECK(dn >= 0 && (size_t)dn < sizeof desc && desc[dn] == '\0', "describe");
        i += (size_t)k;
    }
    return valid;
}

static void load_corpus(const uint8_t *data, size_t size)
{
    Config cfg;
    Corpus c, again;
    RnnError err;
    config_defaults(&cfg);
    CorpusConfig cc = cfg.corpus;
    snprintf(cc.path, sizeof cc.path, "%s", fuzz_write("corpus.txt", data, size));
    cc.tokenize = size > 0 && (data[0] & 2) ? TOKENIZE_WORD : TOKENIZE_CHAR;
    cc.lowercase = size > 0 && (data[0] & 1);
    cc.min_count = 1;
    err_clear(&err);
    int rc = corpus_load(&c, &cc, &err);
    fuzz_say("corpus_load", rc, err.msg);
    if (rc) {
        FUZZ_CHECK(err.status != RNN_OK && err.msg[0], "an error without a message");
        return;
    }
    FUZZ_CHECK(c.n == c.n_train + c.n_val && c.n_train >= 0 && c.n_val >= 0, "split");
    FUZZ_CHECK(c.bytes == (int64_t)size, "bytes %lld of %zu", (long long)c.bytes, size);
    for (int64_t i = 0; i < c.n; i++)
        FUZZ_CHECK(c.ids[i] >= 0 && c.ids[i] < c.vocab.size, "id %d", (int)c.ids[i]);

    int32_t *ids = NULL;
    if (cc.tokenize == TOKENIZE_CHAR)
        ids = malloc((size_t)(c.n ? c.n : 1) * sizeof *ids);
    if (ids) {
        int64_t k = corpus_encode_text_ex(&c.vocab, (const char *)data, size, cc.lowercase, ids,
                                          c.n, &err);
        FUZZ_CHECK(k == c.n, "encode_text: %lld symbols, the corpus has %lld (%s)", (long long)k,
                   (long long)c.n, err.msg);
        FUZZ_CHECK(memcmp(ids, c.ids, (size_t)c.n * sizeof *ids) == 0, "encode_text: other ids");
        free(ids);
    }
    err_clear(&err);
    if (corpus_load_with_vocab(&again, &cc, &c.vocab, &err) == 0) {
        FUZZ_CHECK(again.n == c.n && memcmp(again.ids, c.ids, (size_t)c.n * sizeof *c.ids) == 0,
                   "load_with_vocab: other ids");
        corpus_free(&again);
    } else {
        FUZZ_CHECK(0, "load_with_vocab refused its own vocabulary: %s", err.msg);
    }
    corpus_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int valid = decode_all(data, size);
    FUZZ_CHECK(utf8_valid((const char *)data, size) == valid, "utf8_valid says %d",
               !valid);
    load_corpus(data, size);
    return 0;
}
