/* pane: the only place the dashboard writes characters to curses. Owns
 * clipping and the conversion of text to cchar_t through the glyph map. */
#include <autoconfig.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "glyph.h"
#include "pane.h"
#include "utf8.h"

Pane pane_make(WINDOW *win, Rect r, int border, int utf8)
{
    Pane p = {win, r, border, utf8};
    return p;
}

int pane_rows(const Pane *p)
{
    return p->r.h - 2 * p->border;
}

int pane_cols(const Pane *p)
{
    return p->r.w - 2 * p->border;
}

/* Put wc at absolute screen cell (y, x). */
static void put(const Pane *p, int y, int x, wchar_t wc, Style st)
{
    cchar_t cc;
    wchar_t s[2] = {wc, 0};
    setcchar(&cc, s, st.attr, st.pair, NULL);
    mvwadd_wch(p->win, y, x, &cc);
}

int pane_char(const Pane *p, int y, int x, wchar_t wc, int width, Style st)
{
    if (y < 0 || x < 0 || y >= pane_rows(p) || x + width > pane_cols(p))
        return 0;
    put(p, p->r.y + p->border + y, p->r.x + p->border + x, wc, st);
    return width;
}

/* The glyph of the code point at s[*i] (U+FFFD for a bad byte); moves *i past it. */
static Glyph next_glyph(const Pane *p, const unsigned char *s, size_t n, size_t *i)
{
    uint32_t cp;
    int k = utf8_decode(s + *i, n - *i, &cp);
    if (!k)
        cp = 0xFFFD, k = 1;
    *i += (size_t)k;
    return glyph_of(cp, p->utf8 ? GLYPH_UTF8 : 0);
}

int pane_text_width(const Pane *p, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    int w = 0;
    while (i < n)
        w += next_glyph(p, s, n, &i).width;
    return w;
}

/* Drop whole "  "-separated fields from the end of t until it fits in cols,
 * so a title never ends in half a number. */
static void fit_fields(const Pane *p, char *t, int cols)
{
    while (pane_text_width(p, t) > cols) {
        char *cut = NULL;
        for (char *q = strstr(t, "  "); q; q = strstr(q + 1, "  "))
            cut = q;
        if (!cut || cut == t)
            return;
        *cut = '\0';
    }
}

void pane_frame(const Pane *p, const char *title, int focused)
{
    Rect r = p->r;
    Style blank = {0, 0};
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++)
            put(p, r.y + y, r.x + x, ' ', blank);
    if (!p->border || r.h < 2 || r.w < 2)
        return;
    Style st = theme_style(focused ? ROLE_FOCUS : ROLE_BORDER);
    int heavy = focused && p->utf8;
    wchar_t h = p->utf8 ? (heavy ? 0x2501 : 0x2500) : (focused ? '=' : '-');
    wchar_t v = p->utf8 ? (heavy ? 0x2503 : 0x2502) : '|';
    wchar_t c[4] = {'+', '+', '+', '+'};
    if (p->utf8) {
        const wchar_t light[4] = {0x250C, 0x2510, 0x2514, 0x2518};
        const wchar_t bold[4] = {0x250F, 0x2513, 0x2517, 0x251B};
        memcpy(c, heavy ? bold : light, sizeof c);
    }
    for (int x = 1; x < r.w - 1; x++) {
        put(p, r.y, r.x + x, h, st);
        put(p, r.y + r.h - 1, r.x + x, h, st);
    }
    for (int y = 1; y < r.h - 1; y++) {
        put(p, r.y + y, r.x, v, st);
        put(p, r.y + y, r.x + r.w - 1, v, st);
    }
    put(p, r.y, r.x, c[0], st);
    put(p, r.y, r.x + r.w - 1, c[1], st);
    put(p, r.y + r.h - 1, r.x, c[2], st);
    put(p, r.y + r.h - 1, r.x + r.w - 1, c[3], st);
    if (title && title[0]) {
        char t[256];
        snprintf(t, sizeof t - 1, " %s", title);  /* room for the closing space */
        fit_fields(p, t, r.w - 5);
        strcat(t, " ");
        pane_border_text(p, 2, t, focused ? st : theme_style(ROLE_TITLE));
    }
}

/* Draw text on absolute row y from column x up to column limit. */
static int text_at(const Pane *p, int y, int x, int limit, const char *text, Style st)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), i = 0;
    while (i < n) {
        Glyph g = next_glyph(p, s, n, &i);
        if (x + g.width > limit)
            break;
        put(p, y, x, g.wc, st);
        x += g.width;
    }
    return x;
}

int pane_text(const Pane *p, int y, int x, const char *text, Style st)
{
    if (y < 0 || y >= pane_rows(p) || x < 0)
        return x;
    int ox = p->r.x + p->border;
    return text_at(p, p->r.y + p->border + y, ox + x, ox + pane_cols(p), text, st) - ox;
}

int pane_printf(const Pane *p, int y, int x, Style st, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return pane_text(p, y, x, buf, st);
}

int pane_border_text(const Pane *p, int x, const char *text, Style st)
{
    if (p->r.h < 1 || x < 0)
        return x;
    int limit = p->r.x + p->r.w - 2;
    return text_at(p, p->r.y, p->r.x + x, limit, text, st) - p->r.x;
}
