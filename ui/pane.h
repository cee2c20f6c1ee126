/* pane: clipped drawing into one rectangle of a curses window: borders
 * with a title, text (UTF-8 through the glyph map, so nothing unsafe
 * reaches the terminal) and single characters. Nothing is ever drawn
 * outside the rectangle. UI thread only. */
#ifndef RNNTOP_PANE_H
#define RNNTOP_PANE_H

#include <curses.h>
#include <stdint.h>

#include "layout.h"
#include "theme.h"

typedef struct Pane {
    WINDOW *win;
    Rect r;        /* the whole pane, border included */
    int border;    /* 1: content starts one cell in */
    int utf8;      /* the terminal draws Unicode */
} Pane;

Pane pane_make(WINDOW *win, Rect r, int border, int utf8);

/* Content size (inside the border). */
int pane_rows(const Pane *p);
int pane_cols(const Pane *p);

/* Clear the pane and draw its border with a title (heavy lines and the
 * focus style when focused). */
void pane_frame(const Pane *p, const char *title, int focused);

/* Draw a character at content position (y, x) if it fits entirely
 * (width 2 needs two cells). Returns the columns used, 0 if clipped. */
int pane_char(const Pane *p, int y, int x, wchar_t wc, int width, Style st);

/* Draw UTF-8 text from (y, x) on one row, each code point through
 * glyph_of; stops at the right edge. Returns the column after the text. */
int pane_text(const Pane *p, int y, int x, const char *text, Style st);
/* Columns text would take (glyph widths, as pane_text draws it). */
int pane_text_width(const Pane *p, const char *text);

/* pane_text with printf formatting. */
int pane_printf(const Pane *p, int y, int x, Style st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Draw text in the top border starting at column x of the border row. */
int pane_border_text(const Pane *p, int x, const char *text, Style st);

#endif
