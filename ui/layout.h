/* layout: where each dashboard panel goes, as a pure function of the
 * terminal size: (rows, cols, options) -> rectangles. No curses; callers
 * re-run it on every resize. Thread-safe. */
#ifndef RNNTOP_LAYOUT_H
#define RNNTOP_LAYOUT_H

#define LAYOUT_MIN_ROWS 24
#define LAYOUT_MIN_COLS 80

typedef struct Rect {
    int y, x, h, w;  /* top-left corner and size, in cells */
} Rect;

typedef enum {
    PANEL_STATUS = 0,
    PANEL_LOSS,
    PANEL_SAMPLE,
    PANEL_BARS,
    PANEL_SLIDERS,
    PANEL_COUNT
} PanelId;

typedef struct LayoutOptions {
    int help_rows;  /* lines of help text (the overlay adds a border) */
    int help_cols;  /* widest help line */
} LayoutOptions;

typedef struct Layout {
    int rows, cols;
    int too_small;            /* below LAYOUT_MIN_ROWS x LAYOUT_MIN_COLS: no panels */
    Rect panel[PANEL_COUNT];  /* bordered panels, tiling the screen above the footer */
    Rect left;                /* loss and sample together (the activations view's text) */
    Rect body;                /* every panel below the status (the temperature view) */
    Rect footer;              /* one row of key hints at the bottom */
    Rect help;                /* the centred help overlay */
    Rect prompt;              /* the centred one-line question box */
} Layout;

Layout layout_compute(int rows, int cols, const LayoutOptions *o);

/* Split r into n side-by-side columns of (nearly) equal width that tile it
 * (the first ones take the extra cells). */
void layout_columns(Rect r, int n, Rect *out);

/* 1 if a and b share a cell. */
int rect_overlap(Rect a, Rect b);

/* 1 if r lies inside a rows x cols screen (and is not empty). */
int rect_inside(Rect r, int rows, int cols);

const char *layout_panel_name(PanelId p);

#endif
