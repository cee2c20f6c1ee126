/* bars: horizontal probability bars in eighth-block characters (U+2588 to
 * U+258F, eight sub-steps per cell) or '#' in ASCII, plus the column of a
 * reference mark. Pure functions, no curses; thread-safe. */
#ifndef RNNTOP_BARS_H
#define RNNTOP_BARS_H

#include <wchar.h>

/* Fill out[0..width) with a bar of length p * width cells (p clamped to
 * [0, 1]): full blocks, one partial block, then spaces. ASCII mode rounds
 * to whole cells of '#'. Returns the number of non-blank cells. */
int bars_fill(double p, int width, int utf8, wchar_t *out);

/* Column in [0, width) of a mark at probability p, or -1 when width < 1. */
int bars_mark_col(double p, int width);

#endif
