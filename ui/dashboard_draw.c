/* dashboard_draw: draws one frame of the dashboard from a Dash: status,
 * loss plot, sample, probability bars, sliders, footer and the overlays
 * (help, prime editor, quit prompt, too-small screen). Reads the Dash,
 * changes nothing but the plot canvas; all output goes through pane.c. */
#include <autoconfig.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bars.h"
#include "dashboard.h"
#include "glyph.h"
#include "pane.h"
#include "utf8.h"

static Style style_of(Role r)
{
    return theme_style(r);
}

static Style with(Style s, attr_t a)
{
    s.attr |= a;
    return s;
}

/* wc as a NUL-terminated UTF-8 string in buf. */
static const char *wc_str(wchar_t wc, char buf[8])
{
    int k = utf8_encode((uint32_t)wc, buf);
    buf[k > 0 ? k : 0] = '\0';
    return buf;
}

static Pane panel(const Dash *d, PanelId id)
{
    return pane_make(stdscr, d->layout.panel[id], 1, d->utf8);
}

static void format_duration(double s, char *buf, size_t cap)
{
    long t = (long)s;
    snprintf(buf, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* ---- status ------------------------------------------------------------- */

static const char *state_name(SessionState s, Role *role)
{
    static const char *names[] = {"starting", "training", "paused", "finished", "stopped",
                                  "stopped on error"};
    static const Role roles[] = {ROLE_WARN, ROLE_GOOD, ROLE_WARN, ROLE_FOCUS, ROLE_WARN,
                                 ROLE_BAD};
    int i = s >= SESSION_STARTING && s <= SESSION_FAILED ? (int)s : 0;
    *role = roles[i];
    return names[i];
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static double smoothed_loss(const Dash *d)
{
    for (int i = d->train.n - 1; i >= 0; i--)
        if (isfinite(d->train.smooth[i]))
            return d->train.smooth[i];
    return d->stats.train_loss;
}

static void draw_status(const Dash *d)
{
    Pane p = panel(d, PANEL_STATUS);
    const SessionStats *st = &d->stats;
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    pane_frame(&p, "rnntop", d->focus == PANEL_STATUS);
    int x = pane_text(&p, 0, 1, "corpus ", lab);
    x = pane_printf(&p, 0, x, txt, "%s (%lld symbols, V=%d)   ", base_name(d->corpus->path),
                    (long long)d->corpus->n, d->corpus->vocab.size);
    x = pane_text(&p, 0, x, "model ", lab);
    pane_text(&p, 0, x, d->model_desc, txt);

    x = pane_text(&p, 1, 1, "step ", lab);
    x = pane_printf(&p, 1, x, with(txt, A_BOLD), "%lld", (long long)st->step);
    x = pane_text(&p, 1, x, "  epoch ", lab);
    x = pane_printf(&p, 1, x, txt, "%.3f", st->epoch);
    x = pane_text(&p, 1, x, "  loss ", lab);
    double loss = smoothed_loss(d);
    if (isfinite(loss))
        x = pane_printf(&p, 1, x, style_of(ROLE_SMOOTH), "%.4f", loss);
    else
        x = pane_text(&p, 1, x, "-", lab);  /* no step yet */
    x = pane_text(&p, 1, x, "  val ", lab);
    if (isfinite(st->val_loss))
        x = pane_printf(&p, 1, x, style_of(ROLE_VAL), "%.4f = %.3f bits/sym @%lld",
                        st->val_loss, st->val_loss / log(2.0), (long long)st->val_step);
    else
        x = pane_text(&p, 1, x, "-", txt);
    x = pane_text(&p, 1, x, "  lr ", lab);
    pane_printf(&p, 1, x, txt, "%.3g", st->lr);

    char el[32];
    format_duration(st->elapsed, el, sizeof el);
    x = pane_printf(&p, 2, 1, txt, "%.0f", st->chars_per_sec);
    x = pane_text(&p, 2, x, " chars/s  elapsed ", lab);
    x = pane_printf(&p, 2, x, txt, "%s  ", el);
    Role role;
    const char *state = state_name(st->state, &role);
    x = pane_printf(&p, 2, x, style_of(role), "[%s]", state);
    const char *msg = d->note[0] ? d->note : st->message;
    if (msg[0])
        pane_printf(&p, 2, x + 2, style_of(st->state == SESSION_FAILED ? ROLE_BAD : ROLE_TEXT),
                    "%s", msg);
}

/* ---- loss plot ---------------------------------------------------------- */

#define AXIS_W 8

static void loss_view(const Dash *d, GraphView *v)
{
    double first = INFINITY, last = 0;
    if (d->train.n) {
        first = (double)d->train.steps[0];
        last = (double)d->train.steps[d->train.n - 1];
    }
    if (d->val.n) {
        first = fmin(first, (double)d->val.steps[0]);
        last = fmax(last, (double)d->val.steps[d->val.n - 1]);
    }
    if (!isfinite(first))
        first = 0;
    int64_t w = dash_window_steps(d->window);
    v->x1 = last > first ? last : first + 1;
    v->x0 = w > 0 && v->x1 - w > first ? v->x1 - w : first;
    v->log_y = d->log_y;
    double lo = INFINITY, hi = -INFINITY;
    graph_extend_range(d->train.steps, d->train.values, d->train.n, v->x0, v->x1, v->log_y,
                       &lo, &hi);
    graph_extend_range(d->val.steps, d->val.values, d->val.n, v->x0, v->x1, v->log_y, &lo, &hi);
    graph_autoscale(lo, hi, &v->y0, &v->y1);
    if (!v->log_y && lo >= 0 && v->y0 < 0)
        v->y0 = 0; /* a loss is never negative: the axis stops at 0 */
}

static void loss_title(const Dash *d, char *buf, size_t cap)
{
    int64_t w = dash_window_steps(d->window);
    char win[32] = "all steps";
    if (w > 0)
        snprintf(win, sizeof win, "last %lld steps", (long long)w);
    snprintf(buf, cap, "Loss (nats/symbol) %s%s", win, d->log_y ? ", log" : "");
}

static void loss_legend(const Dash *d, const Pane *p)
{
    char s[64];
    int x = p->r.w - 40;
    wchar_t dot = d->utf8 ? 0x25CF : '*';
    Role roles[3] = {ROLE_RAW, ROLE_SMOOTH, ROLE_VAL};
    snprintf(s, sizeof s, "smoothed %.3g", d->smoothing);
    const char *names[3] = {"raw", s, "val"};
    char mb[8];
    for (int i = 0; i < 3 && x > 30; i++) {
        x = pane_border_text(p, x, " ", style_of(ROLE_BORDER));
        x = pane_border_text(p, x, wc_str(dot, mb), style_of(roles[i]));
        x = pane_border_text(p, x, names[i], style_of(ROLE_LABEL));
    }
}

static void draw_axis(const Dash *d, const Pane *p, const GraphView *v, int rows)
{
    Style lab = style_of(ROLE_LABEL);
    int marks[3] = {0, (rows - 1) / 2, rows - 1};
    for (int i = 0; i < 3; i++) {
        char t[16];
        graph_format_tick(graph_row_value(v, rows, marks[i]), t, sizeof t);
        pane_printf(p, marks[i], 0, lab, "%*s", AXIS_W - 1, t);
    }
    for (int r = 0; r < rows; r++)
        pane_char(p, r, AXIS_W - 1, d->utf8 ? 0x2502 : '|', 1, lab);
    char a[32], b[32];
    snprintf(a, sizeof a, "step %.0f", v->x0);
    snprintf(b, sizeof b, "%.0f", v->x1);
    pane_text(p, rows, AXIS_W, a, lab);
    pane_text(p, rows, pane_cols(p) - (int)strlen(b), b, lab);
}

static void draw_loss(Dash *d)
{
    Pane p = panel(d, PANEL_LOSS);
    char title[96];
    loss_title(d, title, sizeof title);
    pane_frame(&p, title, d->focus == PANEL_LOSS);
    loss_legend(d, &p);
    int rows = pane_rows(&p) - 1, cols = pane_cols(&p) - AXIS_W;
    if (rows < 1 || cols < 1 || graph_canvas_init(&d->canvas, cols, rows, d->graph_style))
        return;
    GraphView v;
    loss_view(d, &v);
    graph_plot(&d->canvas, &v, d->train.steps, d->train.values, d->train.n, 0);
    graph_plot(&d->canvas, &v, d->train.steps, d->train.smooth, d->train.n, 1);
    graph_plot(&d->canvas, &v, d->val.steps, d->val.values, d->val.n, 2);
    const Role roles[3] = {ROLE_RAW, ROLE_SMOOTH, ROLE_VAL};
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            int owner = graph_cell_owner(&d->canvas, r, c);
            if (owner >= 0)
                pane_char(&p, r, AXIS_W + c, graph_cell_char(&d->canvas, r, c), 1,
                          style_of(roles[owner]));
        }
    draw_axis(d, &p, &v, rows);
    if (!d->train.n)
        pane_text(&p, rows / 2, AXIS_W + 2, "waiting for the first training step...",
                  style_of(ROLE_LABEL));
}

/* ---- sample ------------------------------------------------------------- */

#define SAMPLE_MAX (EDITOR_MAX + GEN_MAX)

typedef struct TextView {
    uint32_t cps[SAMPLE_MAX];
    int row[SAMPLE_MAX], col[SAMPLE_MAX];
    int n, n_prime;
} TextView;

/* Decode the prime and the generated ids into tv, and wrap them into
 * rows of width cols. */
static void text_build(const Dash *d, TextView *tv, int cols)
{
    const Gen *g = &d->gen;
    tv->n = 0;
    const unsigned char *s = (const unsigned char *)g->prime;
    size_t len = strlen(g->prime), i = 0;
    while (i < len && tv->n < EDITOR_MAX) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        tv->cps[tv->n++] = k ? cp : 0xFFFD;
        i += k ? (size_t)k : 1;
    }
    tv->n_prime = tv->n;
    for (int j = 0; j < g->n; j++)
        tv->cps[tv->n++] = g->vocab->codepoints[g->steps[j].id];
    int r = 0, c = 0, flags = d->utf8 ? GLYPH_UTF8 : 0;
    for (int j = 0; j < tv->n; j++) {
        int f = flags | (glyph_in_space_run(tv->cps, tv->n, j) ? GLYPH_SPACE_RUN : 0);
        Glyph gl = glyph_of(tv->cps[j], f);
        if (c + gl.width > cols)
            r++, c = 0;
        tv->row[j] = r;
        tv->col[j] = c;
        c += gl.width;
        if (gl.newline)
            r++, c = 0;
    }
}

static void draw_text(const Dash *d, const Pane *p, const TextView *tv)
{
    int rows = pane_rows(p), cur = tv->n_prime + d->cursor;
    int cur_row = cur < tv->n ? tv->row[cur] : (tv->n ? tv->row[tv->n - 1] : 0);
    int first = cur_row >= rows ? cur_row - rows + 1 : 0;
    int flags = d->utf8 ? GLYPH_UTF8 : 0;
    for (int j = 0; j < tv->n; j++) {
        if (tv->row[j] < first || tv->row[j] >= first + rows)
            continue;
        int f = flags | (glyph_in_space_run(tv->cps, tv->n, j) ? GLYPH_SPACE_RUN : 0);
        Glyph gl = glyph_of(tv->cps[j], f);
        Style st = j < tv->n_prime
                       ? style_of(ROLE_PRIME)
                       : style_of(theme_heat(d->gen.steps[j - tv->n_prime].p));
        if (j == cur && d->gen.n > 0)
            st.attr |= A_REVERSE;
        else if (gl.special)
            st.attr |= A_DIM;
        pane_char(p, tv->row[j] - first, tv->col[j], gl.wc, gl.width, st);
    }
}

static void draw_sample(const Dash *d)
{
    static TextView tv;
    Pane p = panel(d, PANEL_SAMPLE);
    const Gen *g = &d->gen;
    char title[160];
    snprintf(title, sizeof title, "Sample  weights of step %lld  seed %llu  %d/%d",
             (long long)g->snap_step, (unsigned long long)g->params.seed, g->n, g->length);
    pane_frame(&p, title, d->focus == PANEL_SAMPLE);
    text_build(d, &tv, pane_cols(&p));
    draw_text(d, &p, &tv);
    if (g->error[0])
        pane_text(&p, pane_rows(&p) - 1, 0, g->error,
                  style_of(g->ready ? ROLE_BAD : ROLE_LABEL));
}

/* ---- bars --------------------------------------------------------------- */

static void symbol_text(const Dash *d, int32_t id, char *buf, size_t cap)
{
    Glyph g = glyph_of(d->gen.vocab->codepoints[id],
                       (d->utf8 ? GLYPH_UTF8 : 0) | GLYPH_SHOW_SPACE);
    char mb[8];
    snprintf(buf, cap, "%s%s", wc_str(g.wc, mb), g.width == 1 ? " " : "");
}

static void draw_bar_row(const Dash *d, const Pane *p, int y, const GenStep *st, int i)
{
    int w = pane_cols(p), barw = w - 11;
    int chosen = st->top[i] == st->id;
    char sym[16];
    symbol_text(d, st->top[i], sym, sizeof sym);
    Style bar = style_of(chosen ? ROLE_CHOSEN : ROLE_BAR);
    pane_char(p, y, 0, chosen ? (d->utf8 ? 0x25B6 : '>') : ' ', 1, style_of(ROLE_CHOSEN));
    pane_text(p, y, 1, sym, chosen ? with(style_of(ROLE_CHOSEN), A_REVERSE) : style_of(ROLE_TEXT));
    wchar_t cells[512];
    if (barw > 512)
        barw = 512;
    bars_fill(st->top_p[i], barw, d->utf8, cells);
    for (int c = 0; c < barw; c++)
        pane_char(p, y, 4 + c, cells[c], 1, bar);
    int mark = bars_mark_col(st->top_p1[i], barw);
    if (mark >= 0)
        pane_char(p, y, 4 + mark, d->utf8 ? 0x2502 : '|', 1, style_of(ROLE_MARK));
    pane_printf(p, y, w - 6, chosen ? style_of(ROLE_CHOSEN) : style_of(ROLE_TEXT), "%5.1f%%",
                100.0 * st->top_p[i]);
}

static void draw_bars(const Dash *d)
{
    Pane p = panel(d, PANEL_BARS);
    const Gen *g = &d->gen;
    char title[96];
    snprintf(title, sizeof title, "Next symbol  step %d", g->n ? d->cursor + 1 : 0);
    pane_frame(&p, title, d->focus == PANEL_BARS);
    if (d->cursor >= g->n) {
        pane_text(&p, 0, 1, "no sample yet", style_of(ROLE_LABEL));
        return;
    }
    const GenStep *st = &g->steps[d->cursor];
    int x = pane_printf(&p, 0, 0, style_of(ROLE_LABEL), "p at T=%.2f  ", g->params.temperature);
    x = pane_text(&p, 0, x, d->utf8 ? "\xe2\x94\x82" : "|", style_of(ROLE_MARK));
    pane_text(&p, 0, x, " p at T=1", style_of(ROLE_LABEL));
    int rows = pane_rows(&p) - 1;
    for (int i = 0; i < st->n_top && i < rows; i++)
        draw_bar_row(d, &p, 1 + i, st, i);
}

/* ---- sliders ------------------------------------------------------------ */

static void draw_slider(const Dash *d, const Pane *p, int y, SliderId id, const char *label,
                        const char *value, double frac)
{
    int sel = d->focus == PANEL_SLIDERS && d->slider == id;
    Style lab = sel ? with(style_of(ROLE_FOCUS), A_REVERSE) : style_of(ROLE_LABEL);
    pane_printf(p, y, 0, lab, "%-5s", label);
    pane_printf(p, y, 6, style_of(ROLE_TEXT), "%5s", value);
    int x0 = 12, w = pane_cols(p) - x0;
    if (w < 3)
        return;
    int knob = (int)lround(fmin(fmax(frac, 0), 1) * (w - 1));
    for (int c = 0; c < w; c++) {
        wchar_t wc = c == knob ? (d->utf8 ? 0x25CF : 'O')
                     : c < knob ? (d->utf8 ? 0x2501 : '=')
                                : (d->utf8 ? 0x2500 : '-');
        pane_char(p, y, x0 + c, wc, 1, style_of(c <= knob ? ROLE_SMOOTH : ROLE_BORDER));
    }
}

static void draw_sliders(const Dash *d)
{
    Pane p = panel(d, PANEL_SLIDERS);
    const SampleParams *sp = &d->gen.params;
    pane_frame(&p, "Sampling", d->focus == PANEL_SLIDERS);
    char v[16];
    snprintf(v, sizeof v, "%.2f", sp->temperature);
    draw_slider(d, &p, 0, SLIDER_TEMP, "temp", v, sp->temperature / 2);
    int V = d->gen.vocab->size;
    if (sp->top_k > 0)
        snprintf(v, sizeof v, "%d", sp->top_k);
    else
        snprintf(v, sizeof v, "off");
    draw_slider(d, &p, 1, SLIDER_TOPK, "top-k", v, sp->top_k > 0 ? (double)sp->top_k / V : 1);
    snprintf(v, sizeof v, "%.2f", sp->top_p);
    draw_slider(d, &p, 2, SLIDER_TOPP, "top-p", v, sp->top_p);
}

/* ---- footer and overlays ------------------------------------------------ */

static void draw_footer(const Dash *d)
{
    Pane p = pane_make(stdscr, d->layout.footer, 0, d->utf8);
    static const char *keys[][2] = {{"?", "help"},   {"space", "pause"}, {"r", "resample"},
                                    {"[ ]", "temp"}, {"e", "prime"},     {"s", "save"},
                                    {"Tab", "focus"}, {"q", "quit"}};
    int x = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        x = pane_text(&p, 0, x, keys[i][0], style_of(ROLE_KEY));
        x = pane_printf(&p, 0, x + 1, style_of(ROLE_LABEL), "%s  ", keys[i][1]);
    }
}

static void draw_help(const Dash *d)
{
    Pane p = pane_make(stdscr, d->layout.help, 1, d->utf8);
    pane_frame(&p, "Keys (any key closes)", 1);
    for (int i = 0; dash_help[i]; i++)
        pane_text(&p, i, 1, dash_help[i], style_of(ROLE_TEXT));
}

static void draw_editor(const Dash *d)
{
    Pane p = pane_make(stdscr, d->layout.prompt, 1, d->utf8);
    pane_frame(&p, "Prime (Enter accept, Esc cancel)", 1);
    static uint32_t cps[EDITOR_MAX];
    int cur, n = editor_codepoints(&d->editor, cps, EDITOR_MAX, &cur);
    int cols = pane_cols(&p) - 2, flags = d->utf8 ? GLYPH_UTF8 : 0;
    int start = 0;  /* scroll so the cursor stays visible */
    while (glyph_text_width(cps + start, cur - start, flags) >= cols && start < cur)
        start++;
    int x = 1;
    for (int i = start; i <= n; i++) {
        Glyph g = i < n ? glyph_of(cps[i], flags) : glyph_of(' ', flags);
        Style st = style_of(ROLE_TEXT);
        if (i == cur)
            st.attr |= A_REVERSE;
        if (!pane_char(&p, 1, x, g.wc, g.width, st))
            break;
        x += g.width;
    }
}

static void draw_quit(const Dash *d)
{
    Pane p = pane_make(stdscr, d->layout.prompt, 1, d->utf8);
    pane_frame(&p, "Quit", 1);
    pane_printf(&p, 1, 2, style_of(ROLE_WARN), "save before quitting? (y/n/c)");
}

static void draw_too_small(const Dash *d)
{
    Rect r = {0, 0, d->layout.rows, d->layout.cols};
    Pane p = pane_make(stdscr, r, 0, d->utf8);
    char msg[96];
    snprintf(msg, sizeof msg, "terminal too small (need %dx%d, have %dx%d)", LAYOUT_MIN_COLS,
             LAYOUT_MIN_ROWS, d->layout.cols, d->layout.rows);
    int y = r.h / 2, x = (r.w - (int)strlen(msg)) / 2;
    pane_text(&p, y, x > 0 ? x : 0, msg, style_of(ROLE_WARN));
    pane_text(&p, y + 1, x > 0 ? x : 0, "q quits", style_of(ROLE_LABEL));
}

void dash_draw(Dash *d)
{
    werase(stdscr);
    if (d->layout.too_small) {
        draw_too_small(d);
        return;
    }
    draw_status(d);
    draw_loss(d);
    draw_sample(d);
    draw_bars(d);
    draw_sliders(d);
    draw_footer(d);
    if (d->mode == MODE_HELP)
        draw_help(d);
    else if (d->mode == MODE_EDIT)
        draw_editor(d);
    else if (d->mode == MODE_QUIT)
        draw_quit(d);
}
