/* checkpoint: saving and loading a whole training run in a versioned,
 * checksummed binary file, atomically (temporary file, fsync, rename,
 * folder fsync), so a crash or a kill during a save leaves the previous
 * file intact. The format is documented in checkpoint.c's header comment.
 *
 * Files in the checkpoint folder: last.ckpt (newest), best.ckpt (best
 * validation loss), step-NNNNNNNN.ckpt (periodic; the newest
 * train.keep_checkpoints are kept).
 * A truncated, corrupted, foreign or newer-format file is rejected with a
 * message (status RNN_ERR_INPUT), never trusted.
 * Thread-safety: functions touch only their arguments; call them from the
 * thread that owns the Trainer. */
#ifndef RNNTOP_CHECKPOINT_H
#define RNNTOP_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "model.h"
#include "trainer.h"
#include "vocab.h"

/* The newest file format this build reads and the one it writes. */
#define CKPT_VERSION 1u

/* What checkpoint_due reports. */
enum { CKPT_DUE_PERIODIC = 1, CKPT_DUE_BEST = 2 };

/* What a checkpoint holds besides the optimizer and data state: enough to
 * sample and evaluate. The caller frees model and vocab with
 * checkpoint_info_free. */
typedef struct CheckpointInfo {
    Config cfg;        /* the config the run was trained with */
    Vocab vocab;
    Model model;
    int64_t step;
    double epoch;
    double last_val, best_val;
} CheckpointInfo;

/* Write the trainer's whole state to path atomically. */
int checkpoint_save(const Trainer *tr, const char *path, RnnError *err);

/* Load the model, vocabulary and config of a checkpoint (sample, eval).
 * The whole file is checked (checksum, shape, finite weights) first. */
int checkpoint_load_info(const char *path, CheckpointInfo *info, RnnError *err);
void checkpoint_info_free(CheckpointInfo *info);

/* Only the config a checkpoint was trained with (the base of a resumed
 * run's config). The header, the checksum over the whole file and the
 * config section are checked; the weights are not (checkpoint_restore and
 * checkpoint_load_info check them, finite values included). Its
 * corpus.path is absolute when it resolved at save time. */
int checkpoint_load_config(const char *path, Config *cfg, RnnError *err);

/* An error naming the key (model.cell, hidden, layers, embedding) if cfg's
 * model shape differs from saved's, the config of the checkpoint path. */
int checkpoint_check_shape(const Config *saved, const Config *cfg, const char *path,
                           RnnError *err);

/* Restore a trainer built by trainer_init(tr, cfg, corpus) to the exact
 * state saved in path (weights, optimizer, RNG, cursor, hidden state, step,
 * histories). The corpus vocabulary must equal the checkpoint's (else an
 * error naming the differing symbols) and the model shape must match;
 * learning rate, steps and intervals may differ; so may seq_len and dropout.
 * train.batch and train.optimizer may not (an error naming the key). On
 * failure tr may be half restored: free it, do not train with it. */
int checkpoint_restore(Trainer *tr, const char *path, RnnError *err);

/* Checkpointing is on when train.checkpoint_every > 0 and
 * train.checkpoint_dir is set; with it off nothing is saved, not even at
 * the end of a run. */
int checkpoint_enabled(const Config *cfg);

/* What checkpoint_after_step would write now: CKPT_DUE_PERIODIC (last.ckpt
 * and step-N.ckpt: tr->step is a multiple of train.checkpoint_every),
 * CKPT_DUE_BEST (best.ckpt: evaluated and the evaluation at this step is a
 * new best), 0 for nothing. Cheap: a few comparisons. */
int checkpoint_due(const Trainer *tr, int evaluated);

/* The periodic policy after a step: writes what checkpoint_due says,
 * pruning step files to the newest train.keep_checkpoints (none are
 * written when it is 0) and removing temporary files of dead processes.
 * Creates the folder if needed (mkdir -p). Returns 0 or -1 with err. */
int checkpoint_after_step(Trainer *tr, int evaluated, RnnError *err);

/* Save last.ckpt now (end of training, a signal, a request). */
int checkpoint_save_last(const Trainer *tr, RnnError *err);

/* Save NAME (e.g. "best.ckpt") in train.checkpoint_dir, creating it. */
int checkpoint_save_named(const Trainer *tr, const char *name, RnnError *err);

/* "DIR/NAME" of a file in cfg's checkpoint folder into buf; -1 if it does
 * not fit. */
int checkpoint_path(const Config *cfg, const char *name, char *buf, size_t cap);

#endif
