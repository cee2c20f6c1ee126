/* test_layout: the dashboard layout over many terminal sizes: every panel
 * present, inside the screen, no two overlapping, the screen above the
 * footer tiled; the too-small flag below 80x24; overlays inside. */
#include <autoconfig.h>

#include "check.h"
#include "layout.h"

static void check_size(int rows, int cols)
{
    LayoutOptions o = {30, 60};
    Layout l = layout_compute(rows, cols, &o);
    int small = rows < 24 || cols < 80;
    CHECK(l.too_small == small, "%dx%d too_small=%d", cols, rows, l.too_small);
    if (small)
        return;
    long area = 0;
    for (int p = 0; p < PANEL_COUNT; p++) {
        Rect r = l.panel[p];
        CHECK(rect_inside(r, rows - 1, cols), "%dx%d %s inside", cols, rows,
              layout_panel_name((PanelId)p));
        CHECK(r.h >= 5 && r.w >= 30, "%dx%d %s big enough (%dx%d)", cols, rows,
              layout_panel_name((PanelId)p), r.w, r.h);
        area += (long)r.h * r.w;
        for (int q = p + 1; q < PANEL_COUNT; q++)
            CHECK(!rect_overlap(r, l.panel[q]), "%dx%d %s overlaps %s", cols, rows,
                  layout_panel_name((PanelId)p), layout_panel_name((PanelId)q));
    }
    CHECK(area == (long)(rows - 1) * cols, "%dx%d panels tile the screen", cols, rows);
    CHECK(l.panel[PANEL_BARS].h - 2 >= 10, "%dx%d room for 10 candidates", cols, rows);
    CHECK(rect_inside(l.footer, rows, cols) && l.footer.y == rows - 1, "footer");
    CHECK(rect_inside(l.help, rows, cols) && rect_inside(l.prompt, rows, cols), "overlays");
    CHECK(l.panel[PANEL_LOSS].h >= 7 && l.panel[PANEL_SAMPLE].h >= 7, "plot and text rows");
    CHECK(l.panel[PANEL_SLIDERS].h - 2 >= 4, "%dx%d room for 3 sliders and the novelty line",
          cols, rows);
    /* the views: the activations text over loss + sample, the temperature
     * columns over the whole body */
    Rect lo = l.panel[PANEL_LOSS], sa = l.panel[PANEL_SAMPLE];
    CHECK(l.left.y == lo.y && l.left.x == lo.x && l.left.w == lo.w && l.left.h == lo.h + sa.h,
          "%dx%d left = loss + sample", cols, rows);
    CHECK(rect_inside(l.body, rows - 1, cols) && l.body.y == 5 && l.body.w == cols &&
          l.body.y + l.body.h == rows - 1, "%dx%d body", cols, rows);
    Rect c[4];
    layout_columns(l.body, 4, c);
    int w = 0;
    for (int i = 0; i < 4; i++) {
        CHECK(c[i].w >= 20 && c[i].h == l.body.h && c[i].y == l.body.y, "%dx%d column %d",
              cols, rows, i);
        CHECK(c[i].x == l.body.x + w, "%dx%d column %d adjoins", cols, rows, i);
        w += c[i].w;
    }
    CHECK(w == l.body.w, "%dx%d columns tile the body", cols, rows);
}

int main(void)
{
    for (int rows = 1; rows <= 120; rows++)
        for (int cols = 1; cols <= 300; cols += (cols < 100 ? 1 : 7))
            check_size(rows, cols);
    check_size(24, 80);
    check_size(40, 120);
    check_size(1000, 1000);
    Layout l = layout_compute(23, 200, NULL);
    CHECK(l.too_small, "23 rows is too small");
    l = layout_compute(24, 79, NULL);
    CHECK(l.too_small, "79 columns is too small");
    l = layout_compute(24, 80, NULL);
    CHECK(!l.too_small && rect_inside(l.help, 24, 80), "no options: help fills the screen");
    Rect a = {0, 0, 2, 2}, b = {1, 1, 2, 2}, c = {0, 2, 2, 2};
    CHECK(rect_overlap(a, b) && !rect_overlap(a, c), "rect_overlap");
    return check_report("test_layout");
}
