/* theme: palettes (256-colour, 8-colour, monochrome) and the Style of each
 * role. Owns the colour pairs; nothing else calls init_pair. */
#include <autoconfig.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"

typedef struct Entry {
    short fg256, fg8;   /* -1: the terminal's default */
    attr_t attr;        /* added in colour */
    attr_t mono;        /* used alone without colour */
} Entry;

static const Entry table[ROLE_COUNT] = {
    [ROLE_TEXT] = {-1, -1, 0, 0},
    [ROLE_BORDER] = {244, COLOR_BLUE, 0, A_DIM},
    [ROLE_FOCUS] = {45, COLOR_CYAN, A_BOLD, A_BOLD},
    [ROLE_TITLE] = {255, COLOR_WHITE, A_BOLD, A_BOLD},
    [ROLE_LABEL] = {246, COLOR_WHITE, 0, A_DIM},
    [ROLE_RAW] = {242, COLOR_BLUE, 0, A_DIM},
    [ROLE_SMOOTH] = {39, COLOR_CYAN, A_BOLD, A_BOLD},
    [ROLE_VAL] = {214, COLOR_MAGENTA, A_BOLD, A_UNDERLINE},
    [ROLE_HEAT0] = {196, COLOR_RED, 0, A_UNDERLINE},
    [ROLE_HEAT1] = {208, COLOR_RED, A_BOLD, A_UNDERLINE},
    [ROLE_HEAT2] = {220, COLOR_YELLOW, 0, 0},
    [ROLE_HEAT3] = {148, COLOR_GREEN, 0, 0},
    [ROLE_HEAT4] = {46, COLOR_GREEN, A_BOLD, A_BOLD},
    [ROLE_PRIME] = {250, COLOR_WHITE, A_UNDERLINE, A_UNDERLINE},
    [ROLE_BAR] = {67, COLOR_BLUE, 0, 0},
    [ROLE_CHOSEN] = {214, COLOR_YELLOW, A_BOLD, A_BOLD},
    [ROLE_MARK] = {201, COLOR_MAGENTA, A_BOLD, A_BOLD},
    [ROLE_GOOD] = {46, COLOR_GREEN, A_BOLD, A_BOLD},
    [ROLE_WARN] = {220, COLOR_YELLOW, A_BOLD, A_BOLD | A_REVERSE},
    [ROLE_BAD] = {196, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE},
    [ROLE_KEY] = {45, COLOR_CYAN, A_BOLD, A_BOLD},
};

static int colours;  /* 0 mono, 8 or 256 */

/* The diverging scale, strong negative to strong positive, as pairs after
 * the roles': background and a readable foreground for 256 colours. */
static const short diverge_bg256[THEME_DIVERGE_LEVELS] = {19, 25, 31, 67, 110, -1,
                                                         217, 210, 203, 160, 124};
static const short diverge_fg256[THEME_DIVERGE_LEVELS] = {231, 231, 231, 231, 16, -1,
                                                         16, 16, 16, 231, 231};
static int diverge_pairs;  /* the pairs were made */

static int want_mono(const char *theme)
{
    const char *nc = getenv("NO_COLOR");
    return (theme && strcmp(theme, "mono") == 0) || (nc && nc[0]) || !has_colors();
}

int theme_init(const char *theme)
{
    colours = 0;
    if (want_mono(theme) || start_color() == ERR)
        return 0;
    use_default_colors();
    colours = COLORS >= 256 ? 256 : 8;
    for (int r = 1; r < ROLE_COUNT && r < COLOR_PAIRS; r++) {
        short fg = colours == 256 ? table[r].fg256 : table[r].fg8;
        init_pair((short)r, fg, -1);
    }
    diverge_pairs = ROLE_COUNT + THEME_DIVERGE_LEVELS <= COLOR_PAIRS;
    for (int i = 0; i < THEME_DIVERGE_LEVELS && diverge_pairs; i++) {
        short fg = diverge_fg256[i], bg = diverge_bg256[i];
        if (colours == 8) {  /* strong: a background; weak: a foreground */
            short c = i < 5 ? COLOR_BLUE : COLOR_RED;
            int strong = i <= 1 || i >= 9;
            fg = i == 5 ? -1 : strong ? COLOR_WHITE : c;
            bg = i == 5 || !strong ? -1 : c;
        }
        init_pair((short)(ROLE_COUNT + i), fg, bg);
    }
    return colours;
}

Style theme_style(Role r)
{
    Style s = {0, 0};
    if (r < 0 || r >= ROLE_COUNT)
        return s;
    if (!colours) {
        s.attr = table[r].mono;
        return s;
    }
    s.attr = table[r].attr;
    s.pair = (int)r < COLOR_PAIRS ? (short)r : 0;
    return s;
}

Role theme_heat(double p)
{
    if (p < 0.05)
        return ROLE_HEAT0;
    if (p < 0.2)
        return ROLE_HEAT1;
    if (p < 0.5)
        return ROLE_HEAT2;
    if (p < 0.8)
        return ROLE_HEAT3;
    return ROLE_HEAT4;
}

Style theme_diverge(double v)
{
    Style s = {0, 0};
    if (!(v == v))
        return s;
    v = v < -1 ? -1 : v > 1 ? 1 : v;
    int i = (int)lround((v + 1) * 0.5 * (THEME_DIVERGE_LEVELS - 1));
    if (!colours || !diverge_pairs) {
        static const attr_t mono[THEME_DIVERGE_LEVELS] = {
            A_REVERSE | A_UNDERLINE, A_REVERSE | A_UNDERLINE, A_UNDERLINE, A_UNDERLINE,
            0, 0, 0, A_BOLD, A_BOLD, A_REVERSE | A_BOLD, A_REVERSE | A_BOLD};
        s.attr = mono[i];
        return s;
    }
    s.pair = (short)(ROLE_COUNT + i);
    if (colours == 8 && (i <= 1 || i >= 9))
        s.attr = A_BOLD;
    return s;
}
