/* glyph: maps code points to visible, width-known stand-ins for drawing.
 * Owns the table of stand-ins (Unicode and ASCII); knows nothing of curses
 * or colours. */
#include <autoconfig.h>

#include "glyph.h"

#define CP_INVALID 0xFFFD

static Glyph make(wchar_t wc, int width, int special)
{
    Glyph g = {wc, width, special, 0};
    return g;
}

static int is_invalid(uint32_t cp)
{
    return cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
}

/* Whitespace and control characters: the same in both modes but for the
 * character drawn. Returns 1 and fills g when cp is one of them. */
static int control_glyph(uint32_t cp, int flags, Glyph *g)
{
    int u = flags & GLYPH_UTF8;
    if (cp == '\n') {
        *g = make(u ? 0x21B5 : '$', 1, 1); /* ↵ */
        g->newline = 1;
    } else if (cp == '\t') {
        *g = make(u ? 0x2192 : '>', 1, 1); /* → */
    } else if (cp == ' ') {
        if (flags & GLYPH_SHOW_SPACE)
            *g = make(u ? 0x2423 : '_', 1, 1); /* ␣ */
        else if (flags & GLYPH_SPACE_RUN)
            *g = make(u ? 0x00B7 : '.', 1, 1); /* · */
        else
            *g = make(' ', 1, 0);
    } else if (cp < 0x20) {
        *g = make(u ? (wchar_t)(0x2400 + cp) : '^', 1, 1); /* ␀..␟ */
    } else if (cp == 0x7F) {
        *g = make(u ? 0x2421 : '^', 1, 1); /* ␡ */
    } else if (cp >= 0x80 && cp < 0xA0) {
        *g = make(u ? CP_INVALID : '?', 1, 1);
    } else if (cp == 0x2028) {
        *g = make(u ? 0x2424 : '$', 1, 1); /* ␤ */
        g->newline = 1;
    } else if (cp == 0x2029) {
        *g = make(u ? 0x00B6 : '$', 1, 1); /* ¶ */
        g->newline = 1;
    } else {
        return 0;
    }
    return 1;
}

Glyph glyph_of(uint32_t cp, int flags)
{
    Glyph g;
    if (control_glyph(cp, flags, &g))
        return g;
    if (is_invalid(cp))
        return make(flags & GLYPH_UTF8 ? CP_INVALID : '?', 1, 1);
    if (!(flags & GLYPH_UTF8))
        return cp < 0x80 ? make((wchar_t)cp, 1, 0) : make('?', 1, 1);
    int w = wcwidth((wchar_t)cp);
    if (w == 0)
        return make(0x25CC, 1, 1); /* ◌: combining or zero-width */
    if (w < 0)
        return make(CP_INVALID, 1, 1);
    return make((wchar_t)cp, w > 1 ? 2 : 1, 0);
}

int glyph_in_space_run(const uint32_t *cps, int n, int i)
{
    if (i < 0 || i >= n || cps[i] != ' ')
        return 0;
    return (i > 0 && cps[i - 1] == ' ') || (i + 1 < n && cps[i + 1] == ' ');
}

int glyph_text_width(const uint32_t *cps, int n, int flags)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        int f = flags | (glyph_in_space_run(cps, n, i) ? GLYPH_SPACE_RUN : 0);
        w += glyph_of(cps[i], f).width;
    }
    return w;
}
