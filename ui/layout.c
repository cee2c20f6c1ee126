/* layout: computes the panel rectangles of the dashboard. Owns the
 * proportions (status on top; loss over sample on the left; bars over
 * sliders on the right; a footer row), the areas the other views take over
 * and nothing else. */
#include <autoconfig.h>

#include "layout.h"

#define STATUS_ROWS 5
#define SLIDERS_ROWS 6
#define FOOTER_ROWS 1

static Rect rect(int y, int x, int h, int w)
{
    Rect r = {y, x, h, w};
    return r;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static Rect centred(int rows, int cols, int h, int w)
{
    h = h > rows ? rows : h;
    w = w > cols ? cols : w;
    return rect((rows - h) / 2, (cols - w) / 2, h, w);
}

Layout layout_compute(int rows, int cols, const LayoutOptions *o)
{
    Layout l = {0};
    l.rows = rows;
    l.cols = cols;
    l.too_small = rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS;
    if (l.too_small)
        return l;
    int body_y = STATUS_ROWS, body_h = rows - STATUS_ROWS - FOOTER_ROWS;
    int right_w = clampi(cols * 3 / 10, 34, 48);
    int left_w = cols - right_w;
    /* loss gets ~45% of the left column, the sample the rest */
    int loss_h = clampi(body_h * 45 / 100, 7, body_h - 7);
    int bars_h = body_h - SLIDERS_ROWS;
    l.panel[PANEL_STATUS] = rect(0, 0, STATUS_ROWS, cols);
    l.panel[PANEL_LOSS] = rect(body_y, 0, loss_h, left_w);
    l.panel[PANEL_SAMPLE] = rect(body_y + loss_h, 0, body_h - loss_h, left_w);
    l.panel[PANEL_BARS] = rect(body_y, left_w, bars_h, right_w);
    l.panel[PANEL_SLIDERS] = rect(body_y + bars_h, left_w, body_h - bars_h, right_w);
    l.left = rect(body_y, 0, body_h, left_w);
    l.body = rect(body_y, 0, body_h, cols);
    l.footer = rect(rows - FOOTER_ROWS, 0, FOOTER_ROWS, cols);
    int help_h = o && o->help_rows > 0 ? o->help_rows + 2 : rows;
    int help_w = o && o->help_cols > 0 ? o->help_cols + 4 : cols;
    l.help = centred(rows, cols, help_h, help_w);
    l.prompt = centred(rows, cols, 5, 56);
    return l;
}

void layout_columns(Rect r, int n, Rect *out)
{
    int x = r.x;
    for (int i = 0; i < n; i++) {
        int w = r.w / n + (i < r.w % n);
        out[i] = rect(r.y, x, r.h, w);
        x += w;
    }
}

int rect_overlap(Rect a, Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

int rect_inside(Rect r, int rows, int cols)
{
    return r.h > 0 && r.w > 0 && r.y >= 0 && r.x >= 0 && r.y + r.h <= rows && r.x + r.w <= cols;
}

const char *layout_panel_name(PanelId p)
{
    static const char *names[PANEL_COUNT] = {"Status", "Loss", "Sample", "Next symbol",
                                             "Sampling"};
    return p >= 0 && p < PANEL_COUNT ? names[p] : "?";
}
