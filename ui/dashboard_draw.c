/* dashboard_draw: draws one frame of the dashboard from a Dash: status,
 * loss plot, sample, probability bars, sliders, footer, the activations
 * and temperature views and the overlays (help, prime editor, quit prompt,
 * too-small screen). Reads the Dash,
 * changes nothing but the plot canvas; all output goes through pane.c. */
#include <autoconfig.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bars.h"
#include "blas.h"
#include "dashboard.h"
#include "glyph.h"
#include "pane.h"
#include "utf8.h"
#include "wordtok.h"

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

/* Word-level models count tokens, not characters, in every label. */
static int words(const Dash *d)
{
    return d->corpus->vocab.kind == TOKENIZE_WORD;
}

static void draw_status_model(const Dash *d, const Pane *p)
{
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    int x = pane_text(p, 0, 1, "corpus ", lab);
    double n = (double)d->corpus->n;
    const char *unit = d->corpus->vocab.kind == TOKENIZE_WORD ? "tokens" : "symbols";
    if (n >= 1e6)
        x = pane_printf(p, 0, x, txt, "%s %.2fM %s  ", base_name(d->corpus->path), n / 1e6, unit);
    else
        x = pane_printf(p, 0, x, txt, "%s %.0f %s  ", base_name(d->corpus->path), n, unit);
    pane_text(p, 0, x, d->model_desc, txt);
}

static void draw_status_losses(const Dash *d, const Pane *p)
{
    const SessionStats *st = &d->stats;
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    int x = pane_text(p, 1, 1, "step ", lab);
    x = pane_printf(p, 1, x, with(txt, A_BOLD), "%lld", (long long)st->step);
    x = pane_text(p, 1, x, "  epoch ", lab);
    x = pane_printf(p, 1, x, txt, "%.3f", st->epoch);
    x = pane_text(p, 1, x, "  loss ", lab);
    double loss = smoothed_loss(d);
    if (isfinite(loss))
        x = pane_printf(p, 1, x, style_of(ROLE_SMOOTH), "%.4f", loss);
    else
        x = pane_text(p, 1, x, "-", lab);  /* no step yet */
    x = pane_text(p, 1, x, "  val ", lab);
    if (isfinite(st->val_loss))
        pane_printf(p, 1, x, style_of(ROLE_VAL), "%.4f = %.3f bits/%s @%lld", st->val_loss,
                    st->val_loss / log(2.0), words(d) ? "token" : "sym", (long long)st->val_step);
    else
        pane_text(p, 1, x, "-", txt);
}

/* Speed, time, lr and state; returns the column after them. */
static int draw_status_run(const Dash *d, const Pane *p)
{
    const SessionStats *st = &d->stats;
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    char el[32];
    format_duration(st->elapsed, el, sizeof el);
    int x = pane_printf(p, 2, 1, txt, "%.0f", st->chars_per_sec);
    x = pane_text(p, 2, x, words(d) ? " tokens/s  elapsed " : " chars/s  elapsed ", lab);
    x = pane_printf(p, 2, x, txt, "%s", el);
    x = pane_text(p, 2, x, "  lr ", lab);
    x = pane_printf(p, 2, x, txt, "%.3g  ", st->lr);
    Role role;
    const char *state = state_name(st->state, &role);
    return pane_printf(p, 2, x, style_of(role), "[%s]", state);
}

#define STATUS_MESSAGE_TOP_SECONDS 10.0

/* Seconds since msg was first drawn (the UI thread alone draws). */
static double message_age(const char *msg)
{
    static char shown[1100];
    static double since;
    double now = clock_seconds();
    if (strcmp(shown, msg) != 0) {
        snprintf(shown, sizeof shown, "%s", msg);
        since = now;
    }
    return now - since;
}

/* The message goes after the state. One too long for the rest of that row
 * takes the corpus and model row, which never change, for its first ten
 * seconds (a failure's for good), so it can be read whole; then it goes
 * back, cut at the edge. */
static void draw_status(const Dash *d)
{
    Pane p = panel(d, PANEL_STATUS);
    const SessionStats *st = &d->stats;
    pane_frame(&p, "rnntop", d->focus == PANEL_STATUS);
    draw_status_losses(d, &p);
    int x = draw_status_run(d, &p) + 2;
    const char *msg = d->note[0] ? d->note : st->message;
    int failed = st->state == SESSION_FAILED;  /* why it stopped stays readable */
    Style ms = style_of(failed ? ROLE_BAD : ROLE_TEXT);
    int fits = x + pane_text_width(&p, msg) <= pane_cols(&p);
    if (!msg[0] || fits || (!failed && message_age(msg) > STATUS_MESSAGE_TOP_SECONDS)) {
        draw_status_model(d, &p);
        if (msg[0])
            pane_text(&p, 2, x, msg, ms);
    } else {
        pane_text(&p, 0, 1, msg, ms);
    }
}

/* ---- loss plot ---------------------------------------------------------- */

#define AXIS_W 8

/* The n-gram baseline's validation loss, NAN until it is built. */
static double baseline_value(const Dash *d)
{
    return atomic_load(&d->baseline.state) == 1 ? d->baseline.val : NAN;
}

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
    double base = graph_transform(baseline_value(d), v->log_y);
    if (isfinite(base) && lo <= hi) {  /* keep the baseline in view once there is data */
        lo = fmin(lo, base);
        hi = fmax(hi, base);
    }
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
    snprintf(buf, cap, "Loss (nats/%s) %s%s", words(d) ? "token" : "symbol", win,
             d->log_y ? ", log" : "");
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

/* The baseline as a dashed line behind the curves, labelled at its right
 * end ("5-gram 2.07"); "baseline: building..." until it is ready. */
static void draw_baseline(const Dash *d, const Pane *p, const GraphView *v, int rows, int cols)
{
    Style st = style_of(ROLE_MARK);
    int state = atomic_load(&d->baseline.state);
    if (state == 0) {
        const char *msg = d->utf8 ? "baseline: building\xe2\x80\xa6" : "baseline: building...";
        pane_text(p, 0, AXIS_W + cols - 20, msg, style_of(ROLE_LABEL));
        return;
    }
    double y = graph_transform(d->baseline.val, v->log_y);
    if (state < 0 || !isfinite(y) || y < v->y0 || y > v->y1 || v->y1 <= v->y0)
        return;
    int r = (int)lround((v->y1 - y) / (v->y1 - v->y0) * (rows - 1));  /* as the ticks */
    r = r < 0 ? 0 : r >= rows ? rows - 1 : r;
    char label[32];
    snprintf(label, sizeof label, " %d-gram %.2f ", d->baseline.order, d->baseline.val);
    int lx = cols - (int)strlen(label);
    for (int c = 0; c < cols; c++)
        if (graph_cell_owner(&d->canvas, r, c) < 0 && c % 2 == 0 && c < lx)
            pane_char(p, r, AXIS_W + c, d->utf8 ? 0x2500 : '-', 1, st);
    pane_text(p, r, AXIS_W + (lx > 0 ? lx : 0), label, st);
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
    draw_baseline(d, &p, &v, rows, cols);
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
    int step[SAMPLE_MAX];   /* generated step a code point belongs to; -1 in the prime */
    int first[GEN_MAX];     /* first code point of each generated step */
    int n, n_prime;
} TextView;

/* Append the code points of symbol id (a word has several) as step s. */
static void text_add(TextView *tv, const Vocab *v, int32_t id, int s)
{
    uint32_t cps[4 * WORDTOK_MAX];
    int k = vocab_symbol_codepoints(v, id, cps, 4 * WORDTOK_MAX);
    if (s < GEN_MAX)
        tv->first[s] = tv->n;
    for (int i = 0; i < k && i < 4 * WORDTOK_MAX && tv->n < SAMPLE_MAX; i++) {
        tv->step[tv->n] = s;
        tv->cps[tv->n++] = cps[i];
    }
}

/* Decode the prime into tv (the start of the text). */
static void text_prime(TextView *tv, const char *prime)
{
    tv->n = 0;
    const unsigned char *s = (const unsigned char *)prime;
    size_t len = strlen(prime), i = 0;
    while (i < len && tv->n < EDITOR_MAX) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        tv->step[tv->n] = -1;
        tv->cps[tv->n++] = k ? cp : 0xFFFD;
        i += k ? (size_t)k : 1;
    }
    tv->n_prime = tv->n;
}

/* Wrap the code points of tv into rows of width cols. */
static void text_wrap(const Dash *d, TextView *tv, int cols)
{
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

/* Decode the prime and the generated ids into tv, and wrap them into
 * rows of width cols. */
static void text_build(const Dash *d, TextView *tv, int cols)
{
    const Gen *g = &d->gen;
    text_prime(tv, g->prime);
    for (int j = 0; j < g->n; j++)
        text_add(tv, g->vocab, g->steps[j].id, j);
    text_wrap(d, tv, cols);
}

/* The activation of the shown unit after reading text symbol j (j counts
 * the prime too); NAN when there is no state for it (yet). c is shown as
 * tanh(c), so both kinds lie in [-1, 1]. */
static double unit_value(const Dash *d, const TextView *tv, int j)
{
    /* a generated step, < 0 in the prime; past the text (only the prime
     * decoded) j counts steps after it */
    int s = j < tv->n && tv->step[j] >= 0 ? tv->step[j] : j - tv->n_prime;
    const float *st = gen_state(&d->gen, s + 1, d->act_kind, d->act_layer);
    if (!st)
        return NAN;
    double v = st[d->act_unit];
    return d->act_kind ? tanh(v) : v;
}

/* The style of text symbol j: the prime's; else the heat of its
 * probability or, in the activations view, the shown unit's value. */
static Style symbol_style(const Dash *d, const TextView *tv, int j)
{
    if (d->view == VIEW_ACTS) {
        double v = unit_value(d, tv, j);
        return isnan(v) ? style_of(j < tv->n_prime ? ROLE_PRIME : ROLE_LABEL)
                        : theme_diverge(v);
    }
    return j < tv->n_prime ? style_of(ROLE_PRIME)
                           : style_of(theme_heat(d->gen.steps[tv->step[j]].p));
}

static void draw_text(const Dash *d, const Pane *p, const TextView *tv)
{
    int rows = pane_rows(p), cur = d->cursor < d->gen.n ? tv->first[d->cursor] : tv->n;
    int cur_row = cur < tv->n ? tv->row[cur] : (tv->n ? tv->row[tv->n - 1] : 0);
    int first = cur_row >= rows ? cur_row - rows + 1 : 0;
    int flags = d->utf8 ? GLYPH_UTF8 : 0;
    for (int j = 0; j < tv->n; j++) {
        if (tv->row[j] < first || tv->row[j] >= first + rows)
            continue;
        int f = flags | (glyph_in_space_run(tv->cps, tv->n, j) ? GLYPH_SPACE_RUN : 0);
        Glyph gl = glyph_of(tv->cps[j], f);
        Style st = symbol_style(d, tv, j);
        if (j >= tv->n_prime && tv->step[j] == d->cursor && d->gen.n > 0)
            st.attr |= A_REVERSE;  /* the whole symbol: a word in word mode */
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
    /* least needed last: a narrow frame drops whole fields from the end */
    snprintf(title, sizeof title, "Sample  seed %llu  %d/%d  weights of step %lld",
             (unsigned long long)g->params.seed, g->n, g->length, (long long)g->snap_step);
    pane_frame(&p, title, d->focus == PANEL_SAMPLE);
    text_build(d, &tv, pane_cols(&p));
    draw_text(d, &p, &tv);
    if (g->error[0])
        pane_text(&p, pane_rows(&p) - 1, 0, g->error,
                  style_of(g->ready ? ROLE_BAD : ROLE_LABEL));
}

/* ---- bars --------------------------------------------------------------- */

/* Columns of a symbol's label in the bars: a character and a space, or
 * the start of a word. */
#define WORD_LABEL_COLS 9

static int label_cols(const Dash *d)
{
    return d->gen.vocab->kind == TOKENIZE_WORD ? WORD_LABEL_COLS : 2;
}

/* A symbol as visible glyphs, padded with spaces to label_cols columns (a
 * longer word is cut, ending in an ellipsis); buf holds >= 64 bytes. */
static void symbol_text(const Dash *d, int32_t id, char *buf, size_t cap)
{
    uint32_t cps[4 * WORDTOK_MAX];
    int n = vocab_symbol_codepoints(d->gen.vocab, id, cps, 4 * WORDTOK_MAX), cols = 0;
    int room = label_cols(d) - (d->gen.vocab->kind == TOKENIZE_WORD), flags =
        (d->utf8 ? GLYPH_UTF8 : 0) | GLYPH_SHOW_SPACE;
    size_t at = 0;
    char mb[8];
    buf[0] = '\0';
    for (int i = 0; i < n && i < 4 * WORDTOK_MAX; i++) {
        Glyph g = glyph_of(cps[i], flags);
        int last = i + 1 == n;
        if (cols + g.width > room - (last ? 0 : 1) && !(n == 1)) {
            at += (size_t)snprintf(buf + at, cap - at, "%s", d->utf8 ? "\xe2\x80\xa6" : "~");
            cols++;
            break;
        }
        at += (size_t)snprintf(buf + at, cap - at, "%s", wc_str(g.wc, mb));
        cols += g.width;
        if (at >= cap)
            break;
    }
    while (cols < label_cols(d) && at + 1 < cap) {
        buf[at++] = ' ';
        buf[at] = '\0';
        cols++;
    }
}

static void draw_bar_row(const Dash *d, const Pane *p, int y, const GenStep *st, int i)
{
    int lw = label_cols(d), w = pane_cols(p), barw = w - 9 - lw, x0 = 2 + lw;
    int chosen = st->top[i] == st->id;
    char sym[64];
    symbol_text(d, st->top[i], sym, sizeof sym);
    Style bar = style_of(chosen ? ROLE_CHOSEN : ROLE_BAR);
    pane_char(p, y, 0, chosen ? (d->utf8 ? 0x25B6 : '>') : ' ', 1, style_of(ROLE_CHOSEN));
    pane_text(p, y, 1, sym, chosen ? with(style_of(ROLE_CHOSEN), A_REVERSE) : style_of(ROLE_TEXT));
    wchar_t cells[512];
    if (barw > 512)
        barw = 512;
    bars_fill(st->top_p[i], barw, d->utf8, cells);
    for (int c = 0; c < barw; c++)
        pane_char(p, y, x0 + c, cells[c], 1, bar);
    int mark = bars_mark_col(st->top_p1[i], barw);
    if (mark >= 0)
        pane_char(p, y, x0 + mark, d->utf8 ? 0x2502 : '|', 1, style_of(ROLE_MARK));
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
    int x = pane_printf(&p, 0, 0, style_of(ROLE_LABEL), "bars, %% at T=%.2f  ",
                        g->params.temperature);
    x = pane_text(&p, 0, x, d->utf8 ? "\xe2\x94\x82" : "|", style_of(ROLE_MARK));
    pane_text(&p, 0, x, " at T=1", style_of(ROLE_LABEL));
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

/* "copied 8-grams 34% 16-grams 3%": the share of the sample's n-grams
 * found verbatim in the training text. */
static void draw_novelty(const Dash *d, const Pane *p, int y)
{
    const DashNovelty *nv = &d->novelty;
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    int x = pane_text(p, y, 0, "copied", lab);
    int state = atomic_load(&nv->state);
    if (state == 0) {
        pane_text(p, y, x + 1, d->utf8 ? "building index\xe2\x80\xa6" : "building index...",
                  lab);
        return;
    }
    if (state < 0) {
        pane_text(p, y, x + 1, nv->error, style_of(ROLE_BAD));
        return;
    }
    for (int i = 0; i < nv->n_lens; i++) {
        x = pane_printf(p, y, x + 1, lab, "%d-grams", nv->lens[i]);
        if (nv->n < 0 || nv->share[i] < 0)
            x = pane_text(p, y, x + 1, "-", txt);
        else
            x = pane_printf(p, y, x + 1, txt, "%.0f%%", 100 * nv->share[i]);
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
    draw_novelty(d, &p, 3);
}

/* ---- the activations view ------------------------------------------------ */

static const char *kind_name(const Dash *d)
{
    return d->act_kind ? "c (cell, as tanh c)" : (d->gen.lstm ? "h (output)" : "h");
}

/* The sample over loss and sample panels, coloured by one unit. */
static void draw_acts_text(Dash *d)
{
    static TextView tv;
    Pane p = pane_make(stdscr, d->layout.left, 1, d->utf8);
    const Gen *g = &d->gen;
    char title[160];
    snprintf(title, sizeof title, "Activations  layer %d/%d  unit %d/%d  %s", d->act_layer + 1,
             g->L, d->act_unit + 1, g->H, kind_name(d));
    pane_frame(&p, title, 1);
    if (!g->acts) {
        pane_text(&p, 0, 1, "the hidden states of this model are too large to keep",
                  style_of(ROLE_LABEL));
        return;
    }
    text_build(d, &tv, pane_cols(&p));
    draw_text(d, &p, &tv);
    if (g->error[0])
        pane_text(&p, pane_rows(&p) - 1, 0, g->error, style_of(g->ready ? ROLE_BAD : ROLE_LABEL));
}

/* "2:137 +0.81" (layer:unit), or "u137 +0.81" for one layer. */
static void hit_text(const Dash *d, const ActHit *h, char *buf, size_t cap)
{
    int H = d->gen.H;
    if (d->gen.L > 1)
        snprintf(buf, cap, "%d:%d %+.2f", h->unit / H + 1, h->unit % H + 1, (double)h->r);
    else
        snprintf(buf, cap, "u%d %+.2f", h->unit + 1, (double)h->r);
}

/* Per feature, the units that follow it most closely (Pearson r over the
 * sample); the unit shown is highlighted. */
static void draw_units(Dash *d)
{
    Pane p = panel(d, PANEL_BARS);
    pane_frame(&p, "Units by feature (r)", 0);
    ActHit hits[ACT_FEATURES][DASH_HITS];
    int k = dash_unit_hits(d, d->act_kind, hits);
    if (k == 0) {
        pane_text(&p, 0, 1, "waiting for a sample...", style_of(ROLE_LABEL));
        return;
    }
    int rows = pane_rows(&p), cols = pane_cols(&p);
    int per = rows >= 2 * ACT_FEATURES ? 2 : 1;
    int shown = d->act_layer * d->gen.H + d->act_unit;
    for (int f = 0; f < ACT_FEATURES && f * per < rows; f++) {
        int y = f * per, x = pane_printf(&p, y, 0, style_of(ROLE_LABEL), "%-8s",
                                         act_feature_name((ActFeature)f));
        if (hits[f][0].r == 0) {  /* a feature constant over the sample */
            pane_text(&p, y, x + 1, "not in this sample", style_of(ROLE_LABEL));
            continue;
        }
        for (int i = 0; i < k; i++) {
            char t[32];
            hit_text(d, &hits[f][i], t, sizeof t);
            int w = (int)strlen(t);
            if (x + 1 + w > cols) {
                if (y + 1 >= (f + 1) * per)
                    break;
                y++, x = 8;
            }
            Style st = theme_diverge(hits[f][i].r);
            if (hits[f][i].unit == shown)
                st = with(style_of(ROLE_FOCUS), A_REVERSE);
            x = pane_text(&p, y, x + 1, t, st);
        }
    }
}

/* The unit shown, its value under the cursor, the colour scale, the keys. */
static void draw_unit(Dash *d)
{
    Pane p = panel(d, PANEL_SLIDERS);
    pane_frame(&p, "Unit", 0);
    Style lab = style_of(ROLE_LABEL), txt = style_of(ROLE_TEXT);
    int x = pane_text(&p, 0, 0, "layer ", lab);
    x = pane_printf(&p, 0, x, with(txt, A_BOLD), "%d", d->act_layer + 1);
    x = pane_text(&p, 0, x, "  unit ", lab);
    x = pane_printf(&p, 0, x, with(txt, A_BOLD), "%d", d->act_unit + 1);
    pane_printf(&p, 0, x + 2, txt, "%s", d->act_kind ? "tanh(c)" : "h");
    static TextView tv;
    text_prime(&tv, d->gen.prime);
    /* the newest symbol has no state after it yet: show the one before */
    int at = d->cursor < d->gen.n - 1 ? d->cursor : d->gen.n - 2;
    double v = at >= 0 ? unit_value(d, &tv, tv.n_prime + at) : NAN;
    x = pane_text(&p, 1, 0, "after ", lab);
    if (isnan(v)) {
        pane_text(&p, 1, x, "-", txt);
    } else {
        char sym[64];
        symbol_text(d, d->gen.steps[at].id, sym, sizeof sym);
        x = pane_printf(&p, 1, x, txt, "%s (step %d) ", sym, at + 1);
        pane_printf(&p, 1, x, theme_diverge(v), " %+.3f ", v);
    }
    x = pane_text(&p, 2, 0, "scale", lab);
    static const char *marks[] = {"-1", "-.5", "0", "+.5", "+1"};
    for (int i = 0; i < 5; i++)
        x = pane_printf(&p, 2, x + 1, theme_diverge(-1 + 0.5 * i), " %s ", marks[i]);
    pane_text(&p, 3, 0, "u/U unit n/N layer c h/c j jump", lab);
}

/* ---- the temperature view ------------------------------------------------ */

static void draw_column(Dash *d, Rect r, int i)
{
    static TextView tv;
    const Gen *g = &d->gen;
    const GenColumn *c = &g->col[i];
    Pane p = pane_make(stdscr, r, 1, d->utf8);
    char title[64];
    snprintf(title, sizeof title, "T=%.1f", gen_temps[i]);
    pane_frame(&p, title, fabs(gen_temps[i] - g->params.temperature) < 1e-9);
    text_prime(&tv, g->prime);
    for (int j = 0; j < c->n && tv.n < SAMPLE_MAX; j++)
        text_add(&tv, g->vocab, c->ids[j], j);
    text_wrap(d, &tv, pane_cols(&p));
    int rows = pane_rows(&p), flags = d->utf8 ? GLYPH_UTF8 : 0;
    for (int j = 0; j < tv.n && tv.row[j] < rows; j++) {
        int f = flags | (glyph_in_space_run(tv.cps, tv.n, j) ? GLYPH_SPACE_RUN : 0);
        Glyph gl = glyph_of(tv.cps[j], f);
        Style st = style_of(j < tv.n_prime ? ROLE_PRIME : ROLE_TEXT);
        if (gl.special)
            st.attr |= A_DIM;
        pane_char(&p, tv.row[j], tv.col[j], gl.wc, gl.width, st);
    }
    const char *err = g->col_error[0] ? g->col_error : g->error;
    if (err[0])
        pane_text(&p, rows - 1, 0, err, style_of(ROLE_BAD));
}

static void draw_temps(Dash *d)
{
    Rect cols[GEN_TEMPS];
    layout_columns(d->layout.body, GEN_TEMPS, cols);
    for (int i = 0; i < GEN_TEMPS; i++)
        draw_column(d, cols[i], i);
    char title[96];
    snprintf(title, sizeof title, " seed %llu  weights of step %lld ",
             (unsigned long long)d->gen.params.seed, (long long)d->gen.snap_step);
    Pane p = pane_make(stdscr, cols[GEN_TEMPS - 1], 1, d->utf8);
    int w = (int)strlen(title);
    if (cols[GEN_TEMPS - 1].w - w - 2 > 8)
        pane_border_text(&p, cols[GEN_TEMPS - 1].w - w - 2, title, style_of(ROLE_LABEL));
}

/* ---- footer and overlays ------------------------------------------------ */

static void draw_footer(const Dash *d)
{
    Pane p = pane_make(stdscr, d->layout.footer, 0, d->utf8);
    static const char *keys[][2] = {{"?", "help"},   {"space", "pause"}, {"r", "resample"},
                                    {"[ ]", "temp"}, {"e", "prime"},     {"s", "save"},
                                    {"Tab", "focus"}, {"q", "quit"},     {"a", "activations"},
                                    {"t", "temperatures"}, {NULL, NULL}};
    static const char *acts[][2] = {{"?", "help"}, {"a", "back"},    {"u U", "unit"},
                                    {"n N", "layer"}, {"c", "h/c"},  {"j", "jump"},
                                    {"h l", "cursor"}, {"q", "quit"}, {NULL, NULL}};
    static const char *temps[][2] = {{"?", "help"}, {"t", "back"},   {"r", "new seed"},
                                     {"e", "prime"}, {"k K p P", "top-k/p"}, {"q", "quit"},
                                     {NULL, NULL}};
    const char *(*k)[2] = d->view == VIEW_ACTS ? acts : d->view == VIEW_TEMPS ? temps : keys;
    int x = 0;
    for (size_t i = 0; k[i][0]; i++) {
        int w = (int)(strlen(k[i][0]) + strlen(k[i][1])) + 1;
        if (x + w > pane_cols(&p))
            break;  /* whole hints only */
        x = pane_text(&p, 0, x, k[i][0], style_of(ROLE_KEY));
        x = pane_printf(&p, 0, x + 1, style_of(ROLE_LABEL), "%s  ", k[i][1]);
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
    char msg[96], need[64];
    snprintf(need, sizeof need, "need %dx%d, have %dx%d", LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS,
             d->layout.cols, d->layout.rows);
    snprintf(msg, sizeof msg, "terminal too small (%s)", need);
    const char *last = d->mode == MODE_QUIT ? "save before quitting? (y/n/c)" : "q quits";
    const char *lines[3] = {msg, last, NULL};
    if ((int)strlen(msg) > r.w)  /* narrow: one short line each */
        lines[0] = "terminal too small", lines[1] = need, lines[2] = last;
    int n = lines[2] ? 3 : 2, y = (r.h - n) / 2;
    for (int i = 0; i < n; i++) {
        int x = (r.w - (int)strlen(lines[i])) / 2;
        pane_text(&p, y + i, x > 0 ? x : 0, lines[i],
                  style_of(i == n - 1 ? ROLE_LABEL : ROLE_WARN));
    }
}

void dash_draw(Dash *d)
{
    werase(stdscr);
    if (d->layout.too_small) {
        draw_too_small(d);
        return;
    }
    draw_status(d);
    if (d->view == VIEW_ACTS) {
        draw_acts_text(d);
        draw_units(d);
        draw_unit(d);
    } else if (d->view == VIEW_TEMPS) {
        draw_temps(d);
    } else {
        draw_loss(d);
        draw_sample(d);
        draw_bars(d);
        draw_sliders(d);
    }
    draw_footer(d);
    if (d->mode == MODE_HELP)
        draw_help(d);
    else if (d->mode == MODE_EDIT)
        draw_editor(d);
    else if (d->mode == MODE_QUIT)
        draw_quit(d);
}
