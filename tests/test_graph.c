/* test_graph: the loss-plot rasteriser against expected strings (braille,
 * half blocks, ASCII), bucketing of many points, autoscale, log scale,
 * series precedence per cell, tick labels and the debiased EMA. */
#include <autoconfig.h>

#include <math.h>
#include <string.h>
#include <wchar.h>

#include "check.h"
#include "graph.h"

/* Row r of the canvas as a wide string. */
static const wchar_t *row_text(const GraphCanvas *c, int r)
{
    static wchar_t buf[256];
    int n = 0;
    for (int x = 0; x < c->cols && n < 255; x++)
        buf[n++] = graph_cell_char(c, r, x);
    buf[n] = 0;
    return buf;
}

static GraphView view(double x0, double x1, double y0, double y1)
{
    GraphView v = {x0, x1, y0, y1, 0};
    return v;
}

static void test_braille(void)
{
    GraphCanvas c = {0};
    int64_t st[2] = {0, 1};
    float ys[2] = {0, 1};
    GraphView v = view(0, 1, 0, 1);
    CHECK(graph_canvas_init(&c, 1, 1, GRAPH_BRAILLE) == 0, "init");
    graph_plot(&c, &v, st, ys, 2, 0);
    CHECK(wcscmp(row_text(&c, 0), L"\u2878") == 0, "rising line is U+2878, got U+%04X",
          (unsigned)graph_cell_char(&c, 0, 0));
    CHECK(graph_cell_owner(&c, 0, 0) == 0, "owner");
    graph_clear(&c);
    CHECK(graph_cell_char(&c, 0, 0) == 0x2800 && graph_cell_owner(&c, 0, 0) == -1, "clear");
    graph_canvas_free(&c);
}

static void test_block_and_ascii(void)
{
    GraphCanvas c = {0};
    int64_t st[4] = {0, 1, 2, 3};
    float ys[4] = {0, 1, 2, 3};
    GraphView v = view(0, 3, 0, 3);
    graph_canvas_init(&c, 2, 2, GRAPH_BLOCK);
    graph_plot(&c, &v, st, ys, 4, 0);
    CHECK(wcscmp(row_text(&c, 0), L" \u2584") == 0, "block row 0");
    CHECK(wcscmp(row_text(&c, 1), L"\u2584\u2580") == 0, "block row 1");
    graph_canvas_init(&c, 2, 2, GRAPH_ASCII);
    graph_plot(&c, &v, st, ys, 4, 0);
    CHECK(wcscmp(row_text(&c, 0), L" .") == 0, "ascii row 0: %ls", row_text(&c, 0));
    CHECK(wcscmp(row_text(&c, 1), L".'") == 0, "ascii row 1: %ls", row_text(&c, 1));
    graph_canvas_free(&c);
}

static void test_bucketing(void)
{
    enum { N = 1000 };
    static int64_t st[N];
    static float ys[N];
    for (int i = 0; i < N; i++) {
        st[i] = i;
        ys[i] = i % 2 ? 2.0f : 0.0f; /* mean 1 in every bucket */
    }
    GraphCanvas c = {0};
    GraphView v = view(0, N - 1, 0, 2);
    graph_canvas_init(&c, 4, 1, GRAPH_ASCII);
    graph_plot(&c, &v, st, ys, N, 0);
    CHECK(wcscmp(row_text(&c, 0), L"....") == 0, "bucket means: %ls", row_text(&c, 0));
    /* few points over many columns: interpolated, a dot in every column */
    int64_t st2[2] = {0, 100};
    float ys2[2] = {2, 0};
    GraphView v2 = view(0, 100, 0, 2);
    graph_canvas_init(&c, 8, 2, GRAPH_BRAILLE);
    graph_plot(&c, &v2, st2, ys2, 2, 1);
    for (int x = 0; x < 8; x++) {
        int lit = 0;
        for (int r = 0; r < 2; r++)
            lit |= graph_cell_char(&c, r, x) != 0x2800;
        CHECK(lit, "column %d lit", x);
    }
    /* points outside the view are ignored */
    graph_canvas_init(&c, 4, 1, GRAPH_ASCII);
    GraphView right = view(2000, 3000, 0, 2);
    graph_plot(&c, &right, st, ys, N, 0);
    CHECK(wcscmp(row_text(&c, 0), L"    ") == 0, "outside view: %ls", row_text(&c, 0));
    graph_canvas_free(&c);
}

static void test_precedence(void)
{
    GraphCanvas c = {0};
    int64_t st[2] = {0, 1};
    float lo[2] = {0, 0}, hi[2] = {1, 1};
    GraphView v = view(0, 1, 0, 1);
    graph_canvas_init(&c, 1, 1, GRAPH_BRAILLE);
    graph_plot(&c, &v, st, lo, 2, 0);
    graph_plot(&c, &v, st, hi, 2, 2);
    CHECK(graph_cell_char(&c, 0, 0) == 0x28C9, "both series' dots: U+%04X",
          (unsigned)graph_cell_char(&c, 0, 0));
    CHECK(graph_cell_owner(&c, 0, 0) == 2, "the series plotted last owns the cell");
    graph_canvas_free(&c);
}

static void test_scale(void)
{
    int64_t st[3] = {10, 20, 30};
    float ys[3] = {1, 10, 100};
    double lo = INFINITY, hi = -INFINITY, y0, y1;
    graph_extend_range(st, ys, 3, 0, 100, 0, &lo, &hi);
    CHECK(lo == 1 && hi == 100, "range %g %g", lo, hi);
    graph_autoscale(lo, hi, &y0, &y1);
    CHECK_NEAR(y0, 1 - 4.95, 1e-9, "padded y0");
    CHECK_NEAR(y1, 100 + 4.95, 1e-9, "padded y1");
    lo = INFINITY, hi = -INFINITY;
    graph_extend_range(st, ys, 3, 15, 100, 0, &lo, &hi);
    CHECK(lo == 10, "autoscale to the visible steps only: %g", lo);
    lo = INFINITY, hi = -INFINITY;
    graph_extend_range(st, ys, 3, 0, 100, 1, &lo, &hi);
    CHECK(lo == 0 && hi == 2, "log range %g %g", lo, hi);
    graph_autoscale(lo, hi, &y0, &y1);
    GraphView v = {0, 30, y0, y1, 1};
    CHECK_NEAR(graph_row_value(&v, 3, 0), pow(10, 2.1), 1e-9, "log top label");
    CHECK_NEAR(graph_row_value(&v, 3, 1), 10, 1e-9, "log middle label");
    CHECK(isnan(graph_transform(0, 1)) && graph_transform(0, 0) == 0, "log of 0");
    graph_autoscale(INFINITY, -INFINITY, &y0, &y1);
    CHECK(y0 == 0 && y1 == 1, "empty data");
    graph_autoscale(-1, 1, &y0, &y1);
    CHECK_NEAR(y0, -1.1, 1e-9, "padded below for negative data");
    graph_autoscale(2, 2, &y0, &y1);
    CHECK(y0 < 2 && y1 > 2, "flat data gets a height");
    /* a log plot: 1, 10, 100 evenly spaced on 3 ascii rows */
    GraphCanvas c = {0};
    graph_canvas_init(&c, 3, 3, GRAPH_ASCII);
    GraphView lv = {10, 30, 0, 2, 1};
    graph_plot(&c, &lv, st, ys, 3, 0);
    CHECK(graph_cell_char(&c, 2, 0) != ' ' && graph_cell_char(&c, 0, 2) != ' ',
          "log line corners");
    graph_canvas_free(&c);
}

static void test_ticks(void)
{
    char b[16];
    graph_format_tick(1.23456, b, sizeof b);
    CHECK(strcmp(b, "1.235") == 0, "%s", b);
    graph_format_tick(0.0123, b, sizeof b);
    CHECK(strcmp(b, "0.0123") == 0, "%s", b);
    graph_format_tick(123456, b, sizeof b);
    CHECK(strcmp(b, "1.2e+05") == 0, "%s", b);
    graph_format_tick(42.5, b, sizeof b);
    CHECK(strcmp(b, "42.50") == 0, "%s", b);
}

static void test_ema(void)
{
    float ys[4] = {1, 2, NAN, 3}, out[4];
    graph_ema(ys, 4, 0.5, out);
    CHECK_NEAR(out[0], 1, 1e-6, "debiased first point is the first value");
    CHECK_NEAR(out[1], 1.25 / 0.75, 1e-6, "second");
    CHECK(isnan(out[2]), "NaN passes through");
    CHECK_NEAR(out[3], 2.125 / 0.875, 1e-6, "third finite point");
    graph_ema(ys, 2, 0, out);
    CHECK(out[0] == 1 && out[1] == 2, "weight 0 is the raw series");
    float flat[3] = {5, 5, 5};
    graph_ema(flat, 3, 0.999, out);
    CHECK_NEAR(out[0], 5, 1e-5, "no pull towards 0 at high weight");
    CHECK_NEAR(out[2], 5, 1e-4, "flat stays flat");
}

int main(void)
{
    test_braille();
    test_block_and_ascii();
    test_bucketing();
    test_precedence();
    test_scale();
    test_ticks();
    test_ema();
    return check_report("test_graph");
}
