/* corpus: a text file decoded into symbol ids, with its vocabulary and its
 * contiguous train/validation split (validation is the end of the file).
 *
 * corpus_load reads the file, decodes UTF-8 (CRLF and lone CR read as LF, a
 * byte-order mark at the start is skipped), builds the vocabulary and the
 * id array. Invalid UTF-8 is an error naming the file, byte offset, line and
 * what to do. The Corpus owns ids and vocab; corpus_free releases them.
 * Read-only use is thread-safe.
 *
 * Byte offsets in messages count from 0 (as xxd shows them), lines and
 * columns from 1; a column counts code points. Lowercasing
 * (corpus.lowercase) uses utf8_tolower, the same in every locale. The split
 * is n_train = floor(n * (1 - val_fraction)), n_val = n - n_train: the
 * usual Tiny Shakespeare split, 1,003,854 + 111,540 at 0.1.
 *
 * Word mode (corpus.tokenize: word): the decoded code points are cut into
 * tokens and the vocabulary built by wordtok.h (words seen at least
 * corpus.min_count times, id 0 = <unk>); n, the split and ids count tokens.
 * With a fixed vocabulary unknown words read as <unk> (counted in unknown);
 * in a short text (corpus_encode_text) an unknown word is an error. */
#ifndef RNNTOP_CORPUS_H
#define RNNTOP_CORPUS_H

#include <stdint.h>

#include "config.h"
#include "error.h"
#include "vocab.h"

typedef struct Corpus {
    char path[CONFIG_PATH_MAX];
    Vocab vocab;
    int32_t *ids;     /* n symbol ids */
    int64_t n;        /* symbols in the file */
    int64_t n_train;  /* ids[0 .. n_train) is the training split */
    int64_t n_val;    /* ids[n_train .. n) is the validation split */
    int64_t bytes;    /* size of the file in bytes */
    int64_t unknown;  /* word mode: tokens of the file read as <unk> */
} Corpus;

/* Load cfg->path with cfg's tokenisation and split. Returns 0, or -1 with
 * err set (status RNN_ERR_INPUT for a bad file, RNN_ERR_RUNTIME for I/O)
 * and c left empty. Bad files: missing, unreadable, a directory, empty,
 * invalid UTF-8, a NUL byte (binary), a single distinct symbol. The file is
 * mapped with mmap (read(2) when that fails, e.g. for a pipe). Before the
 * ids are allocated (4 bytes per symbol) their size is compared with the
 * memory available (MemAvailable, a cgroup limit, ulimit -v): a corpus that
 * would not fit is refused (RNN_ERR_INPUT) naming both sizes. Sizes and
 * offsets are 64-bit throughout, so files beyond 4 GiB load where memory
 * allows. A byte-order mark after the start (U+FEFF, e.g. where files with
 * BOMs were concatenated) is kept as an ordinary symbol, as Unicode reads it
 * there (a zero-width no-break space); the dashboard shows it as a glyph. */
int corpus_load(Corpus *c, const CorpusConfig *cfg, RnnError *err);

/* Load a file with a fixed vocabulary (to evaluate a checkpoint on another
 * corpus); a symbol outside vocab is an error naming it and its offset. */
int corpus_load_with_vocab(Corpus *c, const CorpusConfig *cfg,
                           const Vocab *vocab, RnnError *err);

/* Decode UTF-8 text (e.g. a prime) to ids with vocab, applying the same
 * line-ending rules. Writes at most cap ids to out and returns how many, or
 * -1 with err naming the first unknown symbol and its position (1-based
 * character index) or the invalid byte offset. With out == NULL it only
 * counts. */
int64_t corpus_encode_text(const Vocab *vocab, const char *text, size_t len,
                           int32_t *out, int64_t cap, RnnError *err);

/* corpus_encode_text, lowercasing first when lowercase is set (for a model
 * trained with corpus.lowercase). The whole text is checked even when it
 * holds more than cap symbols. */
int64_t corpus_encode_text_ex(const Vocab *vocab, const char *text, size_t len,
                              int lowercase, int32_t *out, int64_t cap,
                              RnnError *err);

void corpus_free(Corpus *c);

#endif
