/* graph: the loss-plot rasteriser. Series of (step, value) points are
 * bucketed into dot columns, mapped onto a dot grid (braille 2x4 dots per
 * cell, half blocks 1x2, or ASCII 1x2) and turned into one character and
 * one owning series per cell (a cell has one colour: the series plotted
 * last wins it). Also the y-axis autoscale, log scale, tick labels and
 * TensorBoard's debiased EMA. No curses; a GraphCanvas is owned by its
 * caller (graph_canvas_init / graph_canvas_free); not shared between
 * threads. */
#ifndef RNNTOP_GRAPH_H
#define RNNTOP_GRAPH_H

#include <stdint.h>
#include <wchar.h>

#include "config.h"

typedef struct GraphView {
    double x0, x1;  /* step range shown */
    double y0, y1;  /* value range shown (log10 units when log_y) */
    int log_y;
} GraphView;

typedef struct GraphCanvas {
    int cols, rows;      /* cells */
    int dx, dy;          /* dots per cell */
    GraphStyle style;    /* GRAPH_BRAILLE, GRAPH_BLOCK or GRAPH_ASCII */
    uint8_t *bits;       /* [rows * cols] lit dots, braille bit order */
    signed char *owner;  /* [rows * cols] series id owning the cell, -1 none */
    double *col_sum;     /* [cols * dx] scratch */
    int *col_n;          /* [cols * dx] scratch */
    int cap;             /* cells allocated */
} GraphCanvas;

/* Prepare a canvas of cols x rows cells in style (GRAPH_AUTO is taken as
 * braille), reusing its memory when big enough. Returns 0 or -1 (out of
 * memory). A zeroed canvas is a valid starting point. */
int graph_canvas_init(GraphCanvas *c, int cols, int rows, GraphStyle style);
void graph_canvas_free(GraphCanvas *c);

/* Clear all dots and owners. */
void graph_clear(GraphCanvas *c);

/* The value drawn for y: log10(y) when log_y (NAN for y <= 0), else y. */
double graph_transform(double y, int log_y);

/* Widen *lo / *hi (start them at +INF / -INF) with the transformed finite
 * values of points whose step lies in [x0, x1]. */
void graph_extend_range(const int64_t *steps, const float *ys, int n, double x0, double x1,
                        int log_y, double *lo, double *hi);

/* Turn a data range into a view range: 5% padding, a minimal height for
 * flat data, and [0, 1] when there is no data. */
void graph_autoscale(double lo, double hi, double *y0, double *y1);

/* Plot one series under view as series id (0..126): points are bucketed by
 * dot column (mean), empty columns between points interpolated, columns
 * joined vertically so the line has no gaps. Non-finite values are skipped. */
void graph_plot(GraphCanvas *c, const GraphView *v, const int64_t *steps, const float *ys,
                int n, int id);

/* The character of cell (row, col): braille U+2800 + bits, half blocks,
 * or ASCII ' ', '\'', '.', ':'. */
wchar_t graph_cell_char(const GraphCanvas *c, int row, int col);

/* The owner series of a cell, -1 when empty. */
int graph_cell_owner(const GraphCanvas *c, int row, int col);

/* The value (in data units) at the centre of cell row r of a canvas with
 * rows rows under view. */
double graph_row_value(const GraphView *v, int rows, int r);

/* A tick label of at most 7 columns ("1.234", "0.0123", "1.2e+04"). */
void graph_format_tick(double value, char *buf, int cap);

/* TensorBoard's debiased exponential moving average with weight w in
 * [0, 1): out[i] = EMA of ys[0..i] / (1 - w^k) over the k finite values so
 * far; a non-finite value is copied through and does not update the EMA. */
void graph_ema(const float *ys, int n, double w, float *out);

#endif
