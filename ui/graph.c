/* graph: rasterises loss series onto a grid of dots and cells. Owns the
 * dot geometry of each style and the bucketing of many steps into few
 * columns; the dashboard's loss panel draws the cells it produces. */
#include <autoconfig.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* Braille dot (x in 0..1, y in 0..3 from the top) to its bit. */
static const uint8_t braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

int graph_canvas_init(GraphCanvas *c, int cols, int rows, GraphStyle style)
{
    if (cols < 1)
        cols = 1;
    if (rows < 1)
        rows = 1;
    c->style = style == GRAPH_AUTO ? GRAPH_BRAILLE : style;
    c->dx = c->style == GRAPH_BRAILLE ? 2 : 1;
    c->dy = c->style == GRAPH_BRAILLE ? 4 : 2;
    if (cols * rows > c->cap || cols * 2 > c->cap) {
        int cap = cols * rows > cols * 2 ? cols * rows : cols * 2;
        graph_canvas_free(c);
        c->bits = malloc((size_t)cap);
        c->owner = malloc((size_t)cap);
        c->col_sum = malloc(sizeof *c->col_sum * (size_t)cap);
        c->col_n = malloc(sizeof *c->col_n * (size_t)cap);
        if (!c->bits || !c->owner || !c->col_sum || !c->col_n) {
            graph_canvas_free(c);
            return -1;
        }
        c->cap = cap;
    }
    c->cols = cols;
    c->rows = rows;
    graph_clear(c);
    return 0;
}

void graph_canvas_free(GraphCanvas *c)
{
    free(c->bits);
    free(c->owner);
    free(c->col_sum);
    free(c->col_n);
    c->bits = NULL;
    c->owner = NULL;
    c->col_sum = NULL;
    c->col_n = NULL;
    c->cap = 0;
}

void graph_clear(GraphCanvas *c)
{
    memset(c->bits, 0, (size_t)(c->cols * c->rows));
    memset(c->owner, -1, (size_t)(c->cols * c->rows));
}

double graph_transform(double y, int log_y)
{
    if (!log_y)
        return y;
    return y > 0 ? log10(y) : NAN;
}

void graph_extend_range(const int64_t *steps, const float *ys, int n, double x0, double x1,
                        int log_y, double *lo, double *hi)
{
    for (int i = 0; i < n; i++) {
        double y = graph_transform(ys[i], log_y);
        if (steps[i] < x0 || steps[i] > x1 || !isfinite(y))
            continue;
        if (y < *lo)
            *lo = y;
        if (y > *hi)
            *hi = y;
    }
}

void graph_autoscale(double lo, double hi, double *y0, double *y1)
{
    if (!(lo <= hi)) {
        *y0 = 0;
        *y1 = 1;
        return;
    }
    double span = hi - lo, mid = 0.5 * (hi + lo);
    double minimal = 1e-3 * (fabs(mid) > 1 ? fabs(mid) : 1);
    if (span < minimal) {
        *y0 = mid - minimal / 2;
        *y1 = mid + minimal / 2;
        return;
    }
    *y0 = lo - 0.05 * span;
    *y1 = hi + 0.05 * span;
}

static void light(GraphCanvas *c, int x, int y, int id)
{
    int col = x / c->dx, row = y / c->dy, sx = x % c->dx, sy = y % c->dy;
    int cell = row * c->cols + col;
    uint8_t bit = c->style == GRAPH_BRAILLE ? braille_bit[sy][sx] : (uint8_t)(1u << sy);
    c->bits[cell] |= bit;
    c->owner[cell] = (signed char)id;
}

/* Dot row of transformed value y (0 = top). */
static int dot_row(const GraphCanvas *c, const GraphView *v, double y)
{
    int h = c->rows * c->dy;
    double f = v->y1 > v->y0 ? (v->y1 - y) / (v->y1 - v->y0) : 0.5;
    long r = lround(f * (h - 1));
    return r < 0 ? 0 : r >= h ? h - 1 : (int)r;
}

/* Mean transformed value per dot column into col_sum (count in col_n). */
static void bucket(GraphCanvas *c, const GraphView *v, const int64_t *steps, const float *ys,
                   int n)
{
    int w = c->cols * c->dx;
    double span = v->x1 - v->x0;
    for (int i = 0; i < w; i++) {
        c->col_sum[i] = 0;
        c->col_n[i] = 0;
    }
    for (int i = 0; i < n; i++) {
        double y = graph_transform(ys[i], v->log_y), x = (double)steps[i];
        if (!isfinite(y) || x < v->x0 || x > v->x1)
            continue;
        int col = span > 0 ? (int)floor((x - v->x0) / span * w) : 0;
        col = col >= w ? w - 1 : col;
        c->col_sum[col] += y;
        c->col_n[col]++;
    }
    for (int i = 0; i < w; i++)
        if (c->col_n[i])
            c->col_sum[i] /= c->col_n[i];
}

/* Linear interpolation over empty columns between filled ones. */
static void fill_gaps(GraphCanvas *c)
{
    int w = c->cols * c->dx, prev = -1;
    for (int i = 0; i < w; i++) {
        if (!c->col_n[i])
            continue;
        for (int j = prev + 1; prev >= 0 && j < i; j++) {
            double t = (double)(j - prev) / (i - prev);
            c->col_sum[j] = c->col_sum[prev] + t * (c->col_sum[i] - c->col_sum[prev]);
            c->col_n[j] = -1; /* interpolated */
        }
        prev = i;
    }
}

void graph_plot(GraphCanvas *c, const GraphView *v, const int64_t *steps, const float *ys,
                int n, int id)
{
    bucket(c, v, steps, ys, n);
    fill_gaps(c);
    int w = c->cols * c->dx, prev = -1;
    for (int x = 0; x < w; x++) {
        if (!c->col_n[x]) {
            prev = -1;
            continue;
        }
        int r = dot_row(c, v, c->col_sum[x]);
        int from = prev < 0 ? r : prev < r ? prev + 1 : prev > r ? prev - 1 : r;
        int lo = from < r ? from : r, hi = from < r ? r : from;
        for (int y = lo; y <= hi; y++)
            light(c, x, y, id);
        prev = r;
    }
}

wchar_t graph_cell_char(const GraphCanvas *c, int row, int col)
{
    uint8_t b = c->bits[row * c->cols + col];
    static const wchar_t block[4] = {' ', 0x2580, 0x2584, 0x2588};
    static const wchar_t ascii[4] = {' ', '\'', '.', ':'};
    switch (c->style) {
    case GRAPH_BLOCK: return block[b & 3];
    case GRAPH_ASCII: return ascii[b & 3];
    default: return (wchar_t)(0x2800 + b);
    }
}

int graph_cell_owner(const GraphCanvas *c, int row, int col)
{
    return c->owner[row * c->cols + col];
}

double graph_row_value(const GraphView *v, int rows, int r)
{
    double f = rows > 1 ? (double)r / (rows - 1) : 0.5;
    double y = v->y1 - f * (v->y1 - v->y0);
    return v->log_y ? pow(10, y) : y;
}

void graph_format_tick(double value, char *buf, int cap)
{
    double a = fabs(value);
    if (!isfinite(value))
        snprintf(buf, (size_t)cap, "%s", "-");
    else if (a != 0 && (a >= 1e5 || a < 1e-3))
        snprintf(buf, (size_t)cap, "%.1e", value);
    else if (a >= 100)
        snprintf(buf, (size_t)cap, "%.0f", value);
    else if (a >= 10)
        snprintf(buf, (size_t)cap, "%.2f", value);
    else if (a >= 0.1 || a == 0)
        snprintf(buf, (size_t)cap, "%.3f", value);
    else
        snprintf(buf, (size_t)cap, "%.4f", value);
}

void graph_ema(const float *ys, int n, double w, float *out)
{
    double last = 0, weight = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(ys[i])) {
            out[i] = ys[i];
            continue;
        }
        last = last * w + (1 - w) * ys[i];
        weight = weight * w + (1 - w);
        out[i] = (float)(weight > 0 ? last / weight : ys[i]);
    }
}
