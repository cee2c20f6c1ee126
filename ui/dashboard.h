/* dashboard: the state shared by the dashboard's modules: what was
 * collected from the session this frame (htop-style: collection is
 * separate from drawing), the view settings the keys change, and the
 * sample. dashboard.c owns the loop, the keys and collection;
 * dashboard_draw.c draws a Dash and never changes it. UI thread only. */
#ifndef RNNTOP_DASHBOARD_H
#define RNNTOP_DASHBOARD_H

#include <curses.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "activations.h"
#include "dashboard_gen.h"
#include "editor.h"
#include "graph.h"
#include "layout.h"
#include "novelty.h"
#include "options.h"
#include "session.h"

#define DASH_HIST_CAP 16384

typedef enum { MODE_NORMAL = 0, MODE_HELP, MODE_EDIT, MODE_QUIT } DashMode;

typedef enum { SLIDER_TEMP = 0, SLIDER_TOPK, SLIDER_TOPP, SLIDER_COUNT } SliderId;

/* What the body of the screen shows: the panels, the sample coloured by
 * one hidden unit (`a`), or the sample at several temperatures (`t`). */
typedef enum { VIEW_MAIN = 0, VIEW_ACTS, VIEW_TEMPS } DashView;

/* The memorisation check: an index of the training split, built once on a
 * helper thread after the baseline (state 0 building, 1 ready, -1 failed), and the shares of
 * the current sample's n-grams found in it. */
typedef struct DashNovelty {
    NoveltyIndex index;        /* read by the UI thread only once state is 1 */
    pthread_t thread;
    int started;
    atomic_int state;
    char error[1024];
    int lens[NOVELTY_MAX_LENGTHS], n_lens;
    double share[NOVELTY_MAX_LENGTHS];  /* -1: the sample is shorter */
    uint64_t serial;           /* gen.serial the shares belong to */
    int n;                     /* gen.n they belong to, -1 none */
} DashNovelty;

/* The n-gram baseline: an order-N Kneser-Ney model of the training split
 * (ngram.h), built on the same helper thread before the novelty index, and
 * its loss on the validation split, drawn as a line on the loss plot.
 * state 0 building, 1 ready, -1 failed or no validation split. */
typedef struct DashBaseline {
    atomic_int state;
    int order;
    double val;                /* nats per symbol; written before state is 1 */
} DashBaseline;

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
    int quit_paused;    /* the quit prompt paused training; cancel resumes it */
    Editor editor;
    char note[1100];    /* the last UI message (prime errors, saving) */
    Layout layout;
    GraphCanvas canvas;
    char model_desc[160];
    Gen gen;
    /* the activations and temperature views */
    DashView view;
    int act_layer, act_unit, act_kind;  /* kind 0 = h, 1 = c (LSTM) */
    int act_jump;                       /* the next feature `j` jumps to */
    DashNovelty novelty;
    DashBaseline baseline;
} Dash;

/* The steps shown by window index w (0 = all). */
int64_t dash_window_steps(int w);
int dash_window_count(void);

#define DASH_HITS 4  /* units listed per feature in the activations view */

/* For the activations view: per feature, the units of kind (0 = h, 1 = c)
 * over all layers (index layer * H + unit) whose activation over the
 * sample correlates most with it, strongest first. Cached per sample.
 * Returns the count per feature (0 when there is too little sample). */
int dash_unit_hits(Dash *d, int kind, ActHit hits[ACT_FEATURES][DASH_HITS]);

/* Draw the whole screen for d into stdscr (one werase, no refresh). */
void dash_draw(Dash *d);

/* The help text, one line per entry, NULL-terminated. */
extern const char *const dash_help[];

int cmd_dashboard(const Options *o);

#endif
