/* glyph: the one "visible glyph" map of the dashboard. Every symbol drawn
 * from model output or user text goes through glyph_of, which turns it into
 * a safe, visible stand-in of known width: newline, tab, space runs, control
 * characters, U+2028/U+2029, invalid and zero-width code points. No curses
 * here; pure functions (wcwidth reads the locale's tables), thread-safe. */
#ifndef RNNTOP_GLYPH_H
#define RNNTOP_GLYPH_H

#include <stdint.h>
#include <wchar.h>

enum {
    GLYPH_UTF8 = 1,        /* the terminal draws Unicode; else ASCII only */
    GLYPH_SPACE_RUN = 2,   /* this space is part of a run of two or more */
    GLYPH_SHOW_SPACE = 4   /* show even a lone space (bars, labels) */
};

typedef struct Glyph {
    wchar_t wc;    /* the character to draw */
    int width;     /* columns it takes: 1 or 2 */
    int special;   /* 1 when wc stands in for something else (draw dimmed) */
    int newline;   /* 1 for line breaks: the text continues on the next row */
} Glyph;

/* The stand-in for code point cp (values above U+10FFFF and surrogates are
 * invalid) under flags. */
Glyph glyph_of(uint32_t cp, int flags);

/* Columns taken by n code points drawn through glyph_of with flags
 * (space runs detected here). */
int glyph_text_width(const uint32_t *cps, int n, int flags);

/* 1 if the space at cps[i] belongs to a run of two or more spaces. */
int glyph_in_space_run(const uint32_t *cps, int n, int i);

#endif
