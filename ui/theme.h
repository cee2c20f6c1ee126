/* theme: the dashboard's colours and attributes by role. Chooses a palette
 * at start-up from the terminal (256 colours, 8 colours, or none), ui.theme
 * (mono) and NO_COLOR; drawing code asks for a role's Style and never names
 * a colour. Call theme_init after initscr; UI thread only. */
#ifndef RNNTOP_THEME_H
#define RNNTOP_THEME_H

#include <curses.h>

typedef enum {
    ROLE_TEXT = 0,
    ROLE_BORDER,
    ROLE_FOCUS,     /* the focused panel's border and title */
    ROLE_TITLE,
    ROLE_LABEL,     /* axis labels, field names: dim */
    ROLE_RAW,       /* raw train loss */
    ROLE_SMOOTH,    /* smoothed train loss */
    ROLE_VAL,       /* validation loss */
    ROLE_HEAT0,     /* generated symbol, probability < 0.05 */
    ROLE_HEAT1,     /* < 0.2 */
    ROLE_HEAT2,     /* < 0.5 */
    ROLE_HEAT3,     /* < 0.8 */
    ROLE_HEAT4,     /* >= 0.8 */
    ROLE_PRIME,     /* the prime text */
    ROLE_BAR,
    ROLE_CHOSEN,    /* the chosen candidate's bar */
    ROLE_MARK,      /* the T = 1 mark */
    ROLE_GOOD,      /* state: training */
    ROLE_WARN,      /* paused, prompts */
    ROLE_BAD,       /* errors */
    ROLE_KEY,       /* key names in hints */
    ROLE_COUNT
} Role;

typedef struct Style {
    attr_t attr;
    short pair;
} Style;

/* Set up colours: mono when theme is "mono", NO_COLOR is set and not
 * empty, or the terminal has no colours. Returns the number of colours in
 * use (0 for mono). */
int theme_init(const char *theme);

Style theme_style(Role r);

/* The heat role for a probability. */
Role theme_heat(double p);

#define THEME_DIVERGE_LEVELS 11

/* The style of a value v in [-1, 1] on a diverging scale (blue negative,
 * neutral 0, red positive; clamped): background shades with 256 colours,
 * five colour steps with 8, underline (negative) / bold (positive), reversed
 * when strong, in mono. */
Style theme_diverge(double v);

#endif
