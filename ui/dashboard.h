/* dashboard: the state shared by the dashboard's modules: what was
 * collected from the session this frame (htop-style: collection is
 * separate from drawing), the view settings the keys change, and the
 * sample. dashboard.c owns the loop, the keys and collection;
 * dashboard_draw.c draws a Dash and never changes it. UI thread only. */
#ifndef RNNTOP_DASHBOARD_H
#define RNNTOP_DASHBOARD_H

#include <curses.h>
#include <stdint.h>

#include "dashboard_gen.h"
#include "editor.h"
#include "graph.h"
#include "layout.h"
#include "options.h"
#include "session.h"

#define DASH_HIST_CAP 16384

typedef enum { MODE_NORMAL = 0, MODE_HELP, MODE_EDIT, MODE_QUIT } DashMode;

typedef enum { SLIDER_TEMP = 0, SLIDER_TOPK, SLIDER_TOPP, SLIDER_COUNT } SliderId;

typedef struct Series {
    int64_t *steps;
    float *values;
    float *smooth;      /* EMA of values (train only) */
    int n;
} Series;

typedef struct Dash {
    const Options *opts;
    const Corpus *corpus;
    Session *session;
    /* collected */
    SessionStats stats;
    Series train, val;
    int64_t hist_step;  /* stats.step when the histories were copied */
    /* view */
    int utf8;
    GraphStyle graph_style;
    double smoothing;   /* EMA weight */
    int log_y;
    int window;         /* index into the step windows, 0 = all */
    PanelId focus;
    SliderId slider;
    int cursor;         /* generated step under the cursor */
    int follow;         /* cursor follows the newest symbol */
    DashMode mode;
    Editor editor;
    char note[1100];    /* the last UI message (prime errors, saving) */
    Layout layout;
    GraphCanvas canvas;
    char model_desc[160];
    Gen gen;
} Dash;

/* The steps shown by window index w (0 = all). */
int64_t dash_window_steps(int w);
int dash_window_count(void);

/* Draw the whole screen for d into stdscr (one werase, no refresh). */
void dash_draw(Dash *d);

/* The help text, one line per entry, NULL-terminated. */
extern const char *const dash_help[];

int cmd_dashboard(const Options *o);

#endif
