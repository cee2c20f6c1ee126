/* test_novelty: the n-gram index behind the memorisation check: exact
 * counts on "abracadabra", shares of copied n-grams, the text's tail, word
 * ids (a large vocabulary), a brute-force comparison on random text, and
 * the --novelty-lengths parser. */
#include <autoconfig.h>

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "novelty.h"

/* "abracadabra" as ids a=0 b=1 r=2 c=3 d=4 */
static int ids_of(const char *s, int32_t *out)
{
    static const char *alpha = "abrcdx";
    int n = 0;
    for (; *s; s++)
        out[n++] = (int32_t)(strchr(alpha, *s) - alpha);
    return n;
}

static int64_t count(const NoveltyIndex *idx, const char *gram)
{
    int32_t g[64];
    int n = ids_of(gram, g);
    return novelty_count(idx, g, n);
}

static void test_abracadabra(void)
{
    int32_t text[32], s[32];
    int n = ids_of("abracadabra", text);
    NoveltyIndex idx;
    RnnError err;
    err_clear(&err);
    CHECK(novelty_build(&idx, text, n, 6, 4, &err) == 0, "build: %s", err.msg);
    CHECK(count(&idx, "a") == 5, "a: %lld", (long long)count(&idx, "a"));
    CHECK(count(&idx, "abra") == 2, "abra");
    CHECK(count(&idx, "bra") == 2, "bra (once at the very end)");
    CHECK(count(&idx, "ra") == 2, "ra");
    CHECK(count(&idx, "cad") == 1, "cad");
    CHECK(count(&idx, "ac") == 1 && count(&idx, "ad") == 1, "ac, ad");
    CHECK(count(&idx, "aa") == 0 && count(&idx, "x") == 0, "absent");
    CHECK(count(&idx, "abrac") == -1, "longer than max_len");
    int64_t copied, total;
    int m = ids_of("abrac", s);
    CHECK_NEAR(novelty_copied(&idx, s, m, 3, &copied, &total), 1.0, 0, "abrac 3-grams");
    CHECK(copied == 3 && total == 3, "abrac: %lld of %lld", (long long)copied, (long long)total);
    m = ids_of("abrabx", s);  /* abr bra rab abx: 2 of 4 */
    CHECK_NEAR(novelty_copied(&idx, s, m, 3, &copied, &total), 0.5, 0, "abrabx 3-grams");
    CHECK(copied == 2 && total == 4, "abrabx: %lld of %lld", (long long)copied, (long long)total);
    CHECK_NEAR(novelty_copied(&idx, s, m, 1, &copied, &total), 5.0 / 6, 1e-12, "1-grams");
    CHECK(novelty_copied(&idx, s, 2, 3, &copied, &total) < 0 && total == 0, "sample too short");
    CHECK(novelty_copied(&idx, s, m, 5, &copied, &total) < 0, "length over max_len");
    novelty_free(&idx);
    novelty_free(&idx);  /* twice is safe */
    CHECK(novelty_build(&idx, text, n, 6, 0, &err) == -1 && err.status == RNN_ERR_INPUT,
          "max_len 0 rejected");
    CHECK(novelty_build(&idx, text, 0, 6, 8, &err) == 0, "an empty text builds");
    CHECK(count(&idx, "a") == 0, "nothing in an empty text");
    novelty_free(&idx);
}

/* Every n-gram count against a brute-force scan, on random text with a
 * small alphabet (many repeats) and with word-sized ids. */
static void test_brute_force(int V, int n, int max_len)
{
    int32_t *text = malloc(sizeof *text * (size_t)n);
    srand(7 + V);
    for (int i = 0; i < n; i++)
        text[i] = rand() % V;
    NoveltyIndex idx;
    RnnError err;
    CHECK(novelty_build(&idx, text, n, V, max_len, &err) == 0, "build V=%d", V);
    int bad = 0;
    for (int trial = 0; trial < 300; trial++) {
        int32_t g[16];
        int len = 1 + trial % max_len;
        int from = rand() % n;
        for (int d = 0; d < len; d++)  /* half from the text, half random */
            g[d] = trial % 2 && from + d < n ? text[from + d] : rand() % V;
        int64_t want = 0;
        for (int i = 0; i + len <= n; i++)
            want += memcmp(text + i, g, sizeof(int32_t) * (size_t)len) == 0;
        bad += novelty_count(&idx, g, len) != want;
    }
    CHECK(bad == 0, "V=%d: %d of 300 counts differ from a brute-force scan", V, bad);
    novelty_free(&idx);
    free(text);
}

static void test_parse(void)
{
    int lens[NOVELTY_MAX_LENGTHS];
    RnnError err;
    CHECK(novelty_parse_lengths("8,16", lens, &err) == 2 && lens[0] == 8 && lens[1] == 16,
          "8,16");
    CHECK(novelty_parse_lengths("4", lens, &err) == 1 && lens[0] == 4, "4");
    CHECK(novelty_parse_lengths("1,2,3,64", lens, &err) == 4, "four lengths");
    const char *bad[] = {"", "0", "65", "8,", ",8", "8;16", "a", "1,2,3,4,5", "-3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err_clear(&err);
        CHECK(novelty_parse_lengths(bad[i], lens, &err) == -1 && err.status == RNN_ERR_INPUT &&
                  strstr(err.msg, "--novelty-lengths"),
              "'%s' rejected: %s", bad[i], err.msg);
    }
}

int main(void)
{
    test_abracadabra();
    test_brute_force(3, 5000, 12);
    test_brute_force(20000, 20000, 4);
    test_parse();
    return check_report("test_novelty");
}
