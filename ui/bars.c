/* bars: rasterises one probability as a row of block characters. Owns only
 * the arithmetic of eighths; the dashboard's bars panel draws the rows. */
#include <autoconfig.h>

#include <math.h>

#include "bars.h"

static double clamp01(double p)
{
    if (!(p > 0))
        return 0;
    return p > 1 ? 1 : p;
}

int bars_fill(double p, int width, int utf8, wchar_t *out)
{
    if (width < 1)
        return 0;
    int steps = utf8 ? 8 : 1;
    long units = lround(clamp01(p) * width * steps);
    int full = (int)(units / steps), part = (int)(units % steps), used = 0;
    for (int i = 0; i < width; i++) {
        if (i < full)
            out[i] = utf8 ? 0x2588 : '#';
        else if (i == full && part > 0)
            out[i] = (wchar_t)(0x2588 + (8 - part)); /* U+2589 7/8 .. U+258F 1/8 */
        else
            out[i] = ' ';
        used += out[i] != ' ';
    }
    return used;
}

int bars_mark_col(double p, int width)
{
    if (width < 1)
        return -1;
    int c = (int)floor(clamp01(p) * width);
    return c >= width ? width - 1 : c;
}
