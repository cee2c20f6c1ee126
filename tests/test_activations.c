/* test_activations: the activations view's arithmetic on synthetic data:
 * text features (quotes, brackets, line position, newline, space), the
 * Pearson correlation against known values, and the ranking of units by
 * how closely they follow a feature. */
#include <autoconfig.h>

#include <math.h>
#include <string.h>

#include "activations.h"
#include "check.h"

/* Split s into one-character symbols (ASCII). */
static int symbols(const char *s, char buf[][2], const char **syms)
{
    int n = 0;
    for (; *s; s++, n++) {
        buf[n][0] = *s;
        buf[n][1] = '\0';
        syms[n] = buf[n];
    }
    return n;
}

static void test_features(void)
{
    char buf[64][2];
    const char *syms[64];
    const char *text = "a \"b\" (c)\nd";
    int n = symbols(text, buf, syms);
    float f[ACT_FEATURES * 64];
    act_features(syms, n, f);
    /* a _ " b " _ ( c ) \n d */
    const float quote[] = {0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0};
    const float bracket[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0};
    const float linepos[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
    const float newline[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    const float space[] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    CHECK(n == 11, "n %d", n);
    for (int i = 0; i < n; i++) {
        CHECK(f[ACT_QUOTE * n + i] == quote[i], "quote at %d", i);
        CHECK(f[ACT_BRACKET * n + i] == bracket[i], "bracket at %d", i);
        CHECK(f[ACT_LINEPOS * n + i] == linepos[i], "line pos at %d: %g", i,
              (double)f[ACT_LINEPOS * n + i]);
        CHECK(f[ACT_NEWLINE * n + i] == newline[i], "newline at %d", i);
        CHECK(f[ACT_SPACE * n + i] == space[i], "space at %d", i);
    }
    /* words: a symbol may hold several characters; curly quotes count */
    const char *words[] = {"he", "said", "\xe2\x80\x9chi", "there\xe2\x80\x9d", "(ok)", "\n"};
    act_features(words, 6, f);
    CHECK(f[ACT_QUOTE * 6 + 1] == 0 && f[ACT_QUOTE * 6 + 2] == 1 && f[ACT_QUOTE * 6 + 3] == 1 &&
              f[ACT_QUOTE * 6 + 4] == 0, "curly quotes over words");
    CHECK(f[ACT_BRACKET * 6 + 4] == 1 && f[ACT_BRACKET * 6 + 5] == 0, "(ok) as one word");
    CHECK(f[ACT_NEWLINE * 6 + 5] == 1 && f[ACT_LINEPOS * 6 + 5] == 5, "newline word");
    CHECK(strcmp(act_feature_name(ACT_QUOTE), "quote") == 0, "names");
}

static void test_pearson(void)
{
    float x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 4, 6, 8, 10}, z[5] = {5, 4, 3, 2, 1};
    float c[5] = {3, 3, 3, 3, 3}, w[5] = {1, 3, 2, 5, 4};
    CHECK_NEAR(act_pearson(x, 1, y, 5), 1, 1e-9, "r(x, 2x)");
    CHECK_NEAR(act_pearson(x, 1, z, 5), -1, 1e-9, "r(x, -x)");
    CHECK_NEAR(act_pearson(x, 1, c, 5), 0, 0, "constant feature");
    CHECK_NEAR(act_pearson(c, 1, x, 5), 0, 0, "constant unit");
    CHECK_NEAR(act_pearson(x, 1, w, 5), 0.8, 1e-6, "r(x, w) = 8/10");
    float strided[10] = {1, 9, 2, 9, 3, 9, 4, 9, 5, 9};
    CHECK_NEAR(act_pearson(strided, 2, y, 5), 1, 1e-9, "stride 2");
    CHECK_NEAR(act_pearson(x, 1, y, 1), 0, 0, "one point");
}

/* Four units over 200 steps: unit 2 is the feature, unit 0 its negation
 * plus a little noise, unit 1 noise, unit 3 constant. */
static void test_top_units(void)
{
    enum { N = 200, U = 4 };
    static float acts[N * U], feat[N];
    unsigned r = 1;
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        float noise = (float)((r >> 16) % 1000) / 1000.0f - 0.5f;
        feat[i] = (i / 7) % 2;
        acts[i * U + 0] = -feat[i] + 0.2f * noise;
        acts[i * U + 1] = noise;
        acts[i * U + 2] = 0.5f * feat[i] - 0.25f;
        acts[i * U + 3] = 0.1f;
    }
    ActHit hits[3];
    int k = act_top_units(acts, N, U, U, feat, 3, hits);
    CHECK(k == 3, "k %d", k);
    CHECK(hits[0].unit == 2 && fabsf(hits[0].r - 1) < 1e-5, "first: unit 2, r 1 (got %d %g)",
          hits[0].unit, (double)hits[0].r);
    CHECK(hits[1].unit == 0 && hits[1].r < -0.9f, "second: unit 0, r near -1 (got %d %g)",
          hits[1].unit, (double)hits[1].r);
    CHECK(hits[2].unit == 1 && fabsf(hits[2].r) < 0.3f, "third: the noise unit");
    ActHit all[U];
    CHECK(act_top_units(acts, N, U, U, feat, U, all) == U && all[3].unit == 3 && all[3].r == 0,
          "the constant unit comes last with r 0");
    CHECK(act_top_units(acts, 1, U, U, feat, 3, hits) == 0, "one step: nothing");
}

int main(void)
{
    test_features();
    test_pearson();
    test_top_units();
    return check_report("test_activations");
}
