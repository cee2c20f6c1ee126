/* test_glyph: the visible-glyph map (newline, tab, spaces, control
 * characters, U+2028, invalid and zero-width code points, CJK width) in
 * UTF-8 and ASCII modes, the eighth-block bars, and the UTF-8 line editor. */
#include <autoconfig.h>

#include <locale.h>
#include <string.h>

#include "bars.h"
#include "check.h"
#include "editor.h"
#include "glyph.h"

static void test_controls(void)
{
    const int U = GLYPH_UTF8;
    Glyph g = glyph_of('\n', U);
    CHECK(g.wc == 0x21B5 && g.special && g.newline && g.width == 1, "newline");
    CHECK(glyph_of('\n', 0).wc == '$', "ascii newline");
    CHECK(glyph_of('\t', U).wc == 0x2192 && glyph_of('\t', 0).wc == '>', "tab");
    CHECK(glyph_of(' ', U).wc == ' ' && !glyph_of(' ', U).special, "lone space");
    CHECK(glyph_of(' ', U | GLYPH_SPACE_RUN).wc == 0x00B7, "space run");
    CHECK(glyph_of(' ', U | GLYPH_SHOW_SPACE).wc == 0x2423, "visible space");
    CHECK(glyph_of(' ', GLYPH_SPACE_RUN).wc == '.', "ascii space run");
    for (uint32_t cp = 0; cp < 0x20; cp++) {
        Glyph c = glyph_of(cp, U), a = glyph_of(cp, 0);
        CHECK(c.wc >= 0x20 && a.wc >= 0x20 && a.wc < 0x7F, "control U+%04X visible", cp);
        CHECK(c.width == 1 && c.special, "control U+%04X width", cp);
    }
    CHECK(glyph_of(0, U).wc == 0x2400 && glyph_of(0x1B, U).wc == 0x241B, "control pictures");
    CHECK(glyph_of(0x7F, U).wc == 0x2421, "DEL");
    CHECK(glyph_of(0x85, U).wc == 0xFFFD && glyph_of(0x85, U).special, "C1 control");
    g = glyph_of(0x2028, U);
    CHECK(g.wc == 0x2424 && g.newline && g.special, "U+2028");
    CHECK(glyph_of(0x2029, U).newline, "U+2029");
}

static void test_unicode(void)
{
    const int U = GLYPH_UTF8;
    CHECK(glyph_of('a', U).wc == 'a' && glyph_of('a', 0).wc == 'a', "ascii letter");
    CHECK(glyph_of(0x151, U).wc == 0x151 && glyph_of(0x151, U).width == 1, "o double acute");
    CHECK(glyph_of(0x151, 0).wc == '?', "non-ascii in ascii mode");
    Glyph cjk = glyph_of(0x4E2D, U);
    CHECK(cjk.wc == 0x4E2D && cjk.width == 2 && !cjk.special, "CJK is double width");
    CHECK(glyph_of(0x301, U).wc == 0x25CC && glyph_of(0x301, U).width == 1, "combining");
    CHECK(glyph_of(0x200B, U).special && glyph_of(0x200B, U).width == 1, "zero-width space");
    CHECK(glyph_of(0xD800, U).wc == 0xFFFD, "surrogate");
    CHECK(glyph_of(0x110000, U).wc == 0xFFFD && glyph_of(0x110000, 0).wc == '?', "invalid");
    uint32_t text[6] = {'a', ' ', 'b', ' ', ' ', 0x4E2D};
    CHECK(!glyph_in_space_run(text, 6, 1) && glyph_in_space_run(text, 6, 3) &&
              glyph_in_space_run(text, 6, 4),
          "space runs");
    CHECK(glyph_text_width(text, 6, U) == 7, "width with CJK: %d", glyph_text_width(text, 6, U));
}

static void test_bars(void)
{
    wchar_t b[8];
    CHECK(bars_fill(0.5, 4, 1, b) == 2 && b[0] == 0x2588 && b[1] == 0x2588 && b[2] == ' ',
          "half");
    bars_fill(1.0 / 32, 4, 1, b); /* one eighth of one cell */
    CHECK(b[0] == 0x258F && b[1] == ' ', "one eighth: U+%04X", (unsigned)b[0]);
    bars_fill(7.0 / 32, 4, 1, b);
    CHECK(b[0] == 0x2589, "seven eighths");
    bars_fill(0.3, 4, 1, b); /* 9.6 -> 10 eighths */
    CHECK(b[0] == 0x2588 && b[1] == 0x258E && b[2] == ' ', "1 2/8");
    CHECK(bars_fill(0, 4, 1, b) == 0 && bars_fill(2, 4, 1, b) == 4, "clamped");
    CHECK(bars_fill(0.5, 4, 0, b) == 2 && b[0] == '#' && b[2] == ' ', "ascii bar");
    CHECK(bars_mark_col(0, 10) == 0 && bars_mark_col(1, 10) == 9 && bars_mark_col(0.55, 10) == 5,
          "mark column");
    CHECK(bars_mark_col(0.5, 0) == -1, "no width");
}

static void test_editor(void)
{
    Editor e;
    editor_init(&e, "a\xc5\x91");  /* "aő" */
    CHECK(e.len == 3 && e.cursor == 3, "init");
    editor_backspace(&e);
    CHECK(strcmp(e.buf, "a") == 0, "backspace removes the whole code point");
    CHECK(editor_insert(&e, 0x4E2D) == 0 && strcmp(e.buf, "a\xe4\xb8\xad") == 0, "insert CJK");
    editor_left(&e);
    CHECK(e.cursor == 1, "left over a code point");
    editor_insert(&e, 'b');
    CHECK(strcmp(e.buf, "ab\xe4\xb8\xad") == 0 && e.cursor == 2, "insert in the middle");
    editor_delete(&e);
    CHECK(strcmp(e.buf, "ab") == 0, "delete under the cursor");
    editor_home(&e);
    editor_backspace(&e);
    CHECK(strcmp(e.buf, "ab") == 0, "backspace at the start");
    editor_right(&e);
    CHECK(e.cursor == 1, "right");
    editor_end(&e);
    CHECK(e.cursor == 2, "end");
    CHECK(editor_insert(&e, 0xD800) == -1, "surrogate refused");
    uint32_t cps[8];
    int cur, n = editor_codepoints(&e, cps, 8, &cur);
    CHECK(n == 2 && cps[1] == 'b' && cur == 2, "code points");
    char big[EDITOR_MAX + 8];
    memset(big, 'x', sizeof big);
    big[EDITOR_MAX - 2] = '\xc5';
    big[EDITOR_MAX - 1] = '\x91';
    big[sizeof big - 1] = 0;
    editor_init(&e, big);
    CHECK(e.len == EDITOR_MAX - 2, "truncated before a split code point: %zu", e.len);
    CHECK(editor_insert(&e, 0x151) == -1, "full");
}

int main(void)
{
    if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "en_US.UTF-8")) {
        fprintf(stderr, "test_glyph: no UTF-8 locale; skipped\n");
        return CHECK_SKIP;
    }
    test_controls();
    test_unicode();
    test_bars();
    test_editor();
    return check_report("test_glyph");
}
