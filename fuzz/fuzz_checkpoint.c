/* fuzz_checkpoint: libFuzzer harness for the checkpoint reader. The first
 * input byte is a switch, the rest is the file. With bit 0 set the harness
 * first repairs the payload length (bytes 16..24) and the XXH64 checksum
 * (the last 8 bytes), so mutations reach the section parser instead of
 * stopping at "checksum mismatch"; with it clear the file is used as is.
 * A file that loads is then sampled from for a few symbols, as
 * `rnntop sample` would. Contracts checked besides memory safety: an error
 * has a status and a message; checkpoint_load_config accepts every file
 * checkpoint_load_info accepts; sampled ids lie in [0, V). (Not the
 * converse: load_config checks the header, checksum and CONF section, not
 * the weights; `train --resume` relies on checkpoint_restore for those.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "fuzz_util.h"
#include "sampler.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADER 24
#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t xround(uint64_t acc, uint64_t in) { return rotl(acc + in * P2, 31) * P1; }
static uint64_t xmerge(uint64_t h, uint64_t v) { return (h ^ xround(0, v)) * P1 + P4; }

/* XXH64 with seed 0, words in this machine's byte order (as the writer). */
static uint64_t xxh64(const uint8_t *p, size_t len)
{
    const uint8_t *end = p + len;
    uint64_t h;
    if (len >= 32) {
        uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
        do {
            v1 = xround(v1, rd64(p));
            v2 = xround(v2, rd64(p + 8));
            v3 = xround(v3, rd64(p + 16));
            v4 = xround(v4, rd64(p + 24));
            p += 32;
        } while (p + 32 <= end);
        h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
        h = xmerge(xmerge(xmerge(xmerge(h, v1), v2), v3), v4);
    } else {
        h = P5;
    }
    h += len;
    for (; p + 8 <= end; p += 8)
        h = rotl(h ^ xround(0, rd64(p)), 27) * P1 + P4;
    if (p + 4 <= end) {
        h = rotl(h ^ (uint64_t)rd32(p) * P1, 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        h = rotl(h ^ *p * P5, 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_enter();
    return 0;
}

static void sample_a_little(const CheckpointInfo *info)
{
    Sampler s;
    RnnError err;
    SampleParams sp = {1.0, 0, 1.0, 42};
    err_clear(&err);
    if (sampler_init(&s, &info->model, &info->vocab, &sp, &err))
        return;
    if (sampler_prime(&s, "", 0, UNKNOWN_ERROR, &err) == 0) {
        for (int i = 0; i < 8; i++) {
            int32_t id = sampler_next(&s);
            FUZZ_CHECK(id >= 0 && id < info->vocab.size, "sampled id %d, V = %d", (int)id,
                       (int)info->vocab.size);
        }
    }
    sampler_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int repair = data[0] & 1;
    size_t n = size - 1;
    uint8_t *file = malloc(n ? n : 1);
    if (!file)
        return 0;
    memcpy(file, data + 1, n);
    if (repair && n >= HEADER + 8) {
        uint64_t payload = n - HEADER - 8;
        memcpy(file + 16, &payload, 8);
        uint64_t sum = xxh64(file, n - 8);
        memcpy(file + n - 8, &sum, 8);
    }
    const char *path = fuzz_write("fuzz.ckpt", file, n);
    free(file);

    CheckpointInfo info;
    RnnError err;
    memset(&info, 0, sizeof info);
    err_clear(&err);
    int rc_info = checkpoint_load_info(path, &info, &err);
    fuzz_say("checkpoint_load_info", rc_info, err.msg);
    if (rc_info == 0) {
        sample_a_little(&info);
        checkpoint_info_free(&info);
    } else {
        FUZZ_CHECK(err.status != RNN_OK && err.msg[0], "an error without a message");
    }

    Config cfg;
    config_defaults(&cfg);
    err_clear(&err);
    int rc_cfg = checkpoint_load_config(path, &cfg, &err);
    FUZZ_CHECK(rc_info != 0 || rc_cfg == 0, "load_info accepts, load_config says: %s", err.msg);
    return 0;
}
