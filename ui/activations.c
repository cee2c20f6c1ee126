/* activations: text features and unit/feature correlations for the
 * activations view (see activations.h). Knows nothing of samplers or
 * drawing. */
#include <autoconfig.h>

#include <math.h>
#include <string.h>

#include "activations.h"
#include "utf8.h"

const char *act_feature_name(ActFeature f)
{
    static const char *names[ACT_FEATURES] = {"quote", "bracket", "line pos", "newline",
                                              "space"};
    return f >= 0 && f < ACT_FEATURES ? names[f] : "?";
}

void act_features(const char *const *syms, int n, float *out)
{
    int quote = 0, depth = 0, col = 0;
    for (int i = 0; i < n; i++) {
        const unsigned char *s = (const unsigned char *)syms[i];
        size_t len = strlen(syms[i]), at = 0;
        int newline = 0, space = 0, closed_quote = 0, closed_bracket = 0;
        while (at < len) {
            uint32_t cp;
            int k = utf8_decode(s + at, len - at, &cp);
            at += k ? (size_t)k : 1;
            if (!k)
                continue;
            if (cp == '"')
                closed_quote |= quote, quote = !quote;
            else if (cp == 0x201C)
                quote = 1;
            else if (cp == 0x201D)
                closed_quote |= quote, quote = 0;
            else if (cp == '(' || cp == '[' || cp == '{')
                depth++;
            else if ((cp == ')' || cp == ']' || cp == '}') && depth > 0)
                depth--, closed_bracket = 1;
            newline = cp == '\n';
            space = cp == ' ';
        }
        /* the closing mark still counts as inside, like the opening one */
        out[ACT_QUOTE * n + i] = (float)(quote || closed_quote);
        out[ACT_BRACKET * n + i] = (float)(depth > 0 || closed_bracket);
        out[ACT_LINEPOS * n + i] = (float)col;
        out[ACT_NEWLINE * n + i] = (float)newline;
        out[ACT_SPACE * n + i] = (float)space;
        col = newline ? 0 : col + 1;
    }
}

double act_pearson(const float *x, int stride, const float *y, int n)
{
    if (n < 2)
        return 0;
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += x[(long)i * stride];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        double a = x[(long)i * stride] - mx, b = y[i] - my;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    if (sxx <= 1e-12 * n || syy <= 1e-12 * n)
        return 0;
    double r = sxy / sqrt(sxx * syy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

int act_top_units(const float *acts, int n, int stride, int units, const float *feature,
                  int k, ActHit *out)
{
    if (n < 2 || k <= 0)
        return 0;
    int have = 0;
    for (int u = 0; u < units; u++) {
        float r = (float)act_pearson(acts + u, stride, feature, n);
        /* insertion into the sorted top k: |r| descending, ties to the lower unit */
        int at = have;
        while (at > 0 && fabsf(out[at - 1].r) < fabsf(r))
            at--;
        if (at >= k)
            continue;
        int last = have < k ? have : k - 1;
        memmove(out + at + 1, out + at, sizeof *out * (size_t)(last - at));
        out[at].unit = u;
        out[at].r = r;
        have += have < k;
    }
    return have;
}
