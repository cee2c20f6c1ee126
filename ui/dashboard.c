/* dashboard: `rnntop` with no subcommand. Loads the corpus, starts the
 * training session, and runs the curses loop on this thread: keys, signal
 * flags, collection of the session's statistics, histories and snapshots,
 * incremental sampling, and one drawn frame per change. Drawing lives in
 * dashboard_draw.c; the sample in dashboard_gen.c. */
#include <autoconfig.h>

#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "commands.h"
#include "stopsig.h"
#include "activations.h"
#include "checkpoint.h"
#include "dashboard.h"
#include "ngram.h"
#include "theme.h"
#include "utf8.h"

#define SYMBOLS_PER_FRAME 24
#define COLUMN_SYMBOLS_PER_FRAME 8  /* per column of the temperature view */
#define BASELINE_ORDER_CHAR 5         /* the n-gram baseline: 5 characters */
#define BASELINE_ORDER_WORD 3         /* or 3 words */
#define AUTO_REFRESH_S 10.0   /* a followed, finished sample renews this often */

const char *const dash_help[] = {
    "space        pause / resume training",
    "r            new sample (new seed) from the newest weights",
    "Left Right   move the cursor over the sample (also h l)",
    "Up Down      a line up / down; on Sampling: choose a slider",
    "Home End     first / last symbol (End: follow the newest)",
    "[ ]  - +     temperature -/+ 0.05       { }  -/+ 0.25",
    "k K          top-k smaller / larger (off = all symbols)",
    "p P          top-p -/+ 0.05",
    ", .          loss smoothing weight down / up",
    "L            log scale for the loss plot",
    "z            loss plot: all steps / the most recent ones",
    "e            edit the prime (Enter accept, Esc cancel)",
    "s            save a checkpoint now (last.ckpt)",
    "Tab          focus the next panel (S-Tab: previous)",
    "a            activations view (u U unit, n N layer, c h/c, j jump)",
    "t            temperature view: T = 0.2 0.5 1.0 1.5 (r: new seed)",
    "?            this help",
    "q  Esc       quit (asks to save unsaved progress)",
    "Sample colours: each symbol's probability (red unlikely, green likely).",
    "Bars: the candidates under the cursor now; the mark: p at T = 1.",
    "A followed sample renews itself from the newest weights every 10 s.",
    "copied: the share of the sample's n-grams found in the training text.",
    NULL,
};

static const int64_t windows[] = {0, 5000, 1000, 200};
static const double smoothings[] = {0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999};

int64_t dash_window_steps(int w)
{
    return w >= 0 && w < dash_window_count() ? windows[w] : 0;
}

int dash_window_count(void)
{
    return (int)(sizeof windows / sizeof windows[0]);
}

/* ---- terminal state and signals ----------------------------------------- */

static int curses_on;

/* The layout options: the help overlay sized to its text. */
static LayoutOptions layout_options(void)
{
    LayoutOptions o = {0, 0};
    for (int i = 0; dash_help[i]; i++) {
        int w = (int)strlen(dash_help[i]);
        o.help_rows++;
        o.help_cols = w > o.help_cols ? w : o.help_cols;
    }
    return o;
}

static void relayout(Dash *d)
{
    LayoutOptions o = layout_options();
    d->layout = layout_compute(LINES, COLS, &o);
}


/* Runs on every exit path, fatal ones included. */
static void restore_terminal(void)
{
    if (curses_on && !isendwin())
        endwin();
    curses_on = 0;
}

static int is_utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static GraphStyle pick_graph_style(GraphStyle want, int utf8)
{
    if (!utf8)
        return GRAPH_ASCII;
    return want == GRAPH_AUTO ? GRAPH_BRAILLE : want;
}

static int start_curses(Dash *d, RnnError *err)
{
    setlocale(LC_CTYPE, "");
    if (!newterm(NULL, stdout, stdin))
        return err_set(err, RNN_ERR_RUNTIME, "cannot start the dashboard on this terminal "
                                             "(TERM=%s); `rnntop train` runs without one",
                       getenv("TERM") ? getenv("TERM") : "unset");
    curses_on = 1;
    atexit(restore_terminal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    int hz = d->opts->cfg.ui.refresh_hz > 0 ? d->opts->cfg.ui.refresh_hz : 15;
    timeout(1000 / hz);
    theme_init(d->opts->cfg.ui.theme);
    d->utf8 = is_utf8_locale();
    d->graph_style = pick_graph_style(d->opts->cfg.ui.graph, d->utf8);
    return 0;
}

/* ---- collection ----------------------------------------------------------- */

static void smooth(Dash *d)
{
    graph_ema(d->train.values, d->train.n, d->smoothing, d->train.smooth);
}

static void copy_histories(Dash *d)
{
    d->train.n = session_copy_history(d->session, 0, d->train.steps, d->train.values,
                                      DASH_HIST_CAP);
    d->val.n = session_copy_history(d->session, 1, d->val.steps, d->val.values, DASH_HIST_CAP);
    smooth(d);
    d->hist_step = d->stats.step;
}

/* The sample: first snapshot, streaming, automatic renewal. Returns 1 if
 * anything changed. */
static int collect_sample(Dash *d, double now, double *done_at)
{
    Gen *g = &d->gen;
    int changed = 0;
    if (!g->snap_gen)
        changed = gen_refresh(g, d->session, 0);
    else if (d->follow && g->n == g->length && d->mode == MODE_NORMAL) {
        if (*done_at == 0)
            *done_at = now;
        else if (now - *done_at > AUTO_REFRESH_S && gen_refresh(g, d->session, 1))
            changed = 1;
    }
    if (g->n < g->length)
        *done_at = 0;
    if (gen_advance(g, SYMBOLS_PER_FRAME) > 0)
        changed = 1;
    if (d->follow && g->n > 0)
        d->cursor = g->n - 1;
    return changed;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the novelty index ------------------------------------------------------ */

/* The baseline's loss on the validation split. */
static void build_baseline(Dash *d)
{
    DashBaseline *b = &d->baseline;
    const Corpus *c = d->corpus;
    static NGram g;
    RnnError err;
    err_clear(&err);
    double val = NAN;
    if (c->n_val >= 2 &&
        ngram_build(&g, c->ids, c->n_train, c->vocab.size, b->order, &err) == 0) {
        val = ngram_eval(&g, c->ids + c->n_train, c->n_val);
        ngram_free(&g);
    }
    b->val = val;
    atomic_store(&b->state, isfinite(val) ? 1 : -1);
}

/* The helper thread: the baseline, then the novelty index. */
static void *novelty_main(void *arg)
{
    Dash *d = arg;
    DashNovelty *nv = &d->novelty;
    RnnError err;
    err_clear(&err);
    build_baseline(d);
    int max_len = 1;
    for (int i = 0; i < nv->n_lens; i++)
        max_len = nv->lens[i] > max_len ? nv->lens[i] : max_len;
    int rc = novelty_build(&nv->index, d->corpus->ids, d->corpus->n_train,
                           d->corpus->vocab.size, max_len, &err);
    if (rc)
        snprintf(nv->error, sizeof nv->error, "%s", err.msg);
    atomic_store(&nv->state, rc ? -1 : 1);
    return NULL;
}

/* Start building the index on a helper thread (signals blocked there, as on
 * the trainer thread). Without a thread the panel says why. */
static void novelty_start(Dash *d, const Options *o)
{
    DashNovelty *nv = &d->novelty;
    nv->n_lens = o->n_novelty_lens;
    memcpy(nv->lens, o->novelty_lens, sizeof nv->lens);
    if (nv->n_lens == 0) {
        nv->lens[0] = 8;
        nv->lens[1] = 16;
        nv->n_lens = 2;
    }
    nv->n = -1;
    atomic_init(&nv->state, 0);
    d->baseline.order = d->corpus->vocab.kind == TOKENIZE_WORD ? BASELINE_ORDER_WORD
                                                                 : BASELINE_ORDER_CHAR;
    atomic_init(&d->baseline.state, 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGWINCH);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    nv->started = pthread_create(&nv->thread, NULL, novelty_main, d) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!nv->started) {
        snprintf(nv->error, sizeof nv->error, "no thread for the index");
        atomic_store(&nv->state, -1);
        atomic_store(&d->baseline.state, -1);
    }
}

static void novelty_stop(Dash *d)
{
    if (d->novelty.started)
        pthread_join(d->novelty.thread, NULL);
    d->novelty.started = 0;
    novelty_free(&d->novelty.index);
}

/* The shares of the sample's n-grams found in the training text, when the
 * sample or the index changed. Returns 1 if they changed. */
static int collect_novelty(Dash *d)
{
    static int32_t ids[GEN_MAX];
    DashNovelty *nv = &d->novelty;
    const Gen *g = &d->gen;
    if (atomic_load(&nv->state) != 1 || (nv->serial == g->serial && nv->n == g->n))
        return 0;
    for (int j = 0; j < g->n; j++)
        ids[j] = g->steps[j].id;
    for (int i = 0; i < nv->n_lens; i++) {
        int64_t copied, total;
        nv->share[i] = novelty_copied(&nv->index, ids, g->n, nv->lens[i], &copied, &total);
    }
    nv->serial = g->serial;
    nv->n = g->n;
    return 1;
}

/* ---- unit statistics for the activations view -------------------------------- */

#define SYM_BYTES 32

/* Features of the sample text (the prime included, so that a quote opened
 * in the prime counts), for the generated symbols 0..n-2 (the last one has
 * no state after it yet). Returns that count. */
static int sample_features(const Gen *g, float *feat)
{
    static char text[EDITOR_MAX + GEN_MAX][SYM_BYTES];
    static const char *syms[EDITOR_MAX + GEN_MAX];
    static float all[ACT_FEATURES * (EDITOR_MAX + GEN_MAX)];
    int n = 0;
    const unsigned char *p = (const unsigned char *)g->prime;
    size_t len = strlen(g->prime), i = 0;
    while (i < len && n < EDITOR_MAX) {
        uint32_t cp;
        int k = utf8_decode(p + i, len - i, &cp);
        k = k ? k : 1;
        memcpy(text[n], p + i, (size_t)k);
        text[n][k] = '\0';
        i += (size_t)k;
        n++;
    }
    int n_prime = n, m = g->n > 1 ? g->n - 1 : 0;
    for (int j = 0; j < m; j++, n++)
        if (vocab_symbol_utf8(g->vocab, g->steps[j].id, text[n], SYM_BYTES) < 0)
            text[n][0] = '\0';
    for (int j = 0; j < n; j++)
        syms[j] = text[j];
    act_features(syms, n, all);
    for (int f = 0; f < ACT_FEATURES; f++)
        memcpy(feat + (size_t)f * m, all + (size_t)f * n + n_prime, sizeof(float) * (size_t)m);
    return m;
}

int dash_unit_hits(Dash *d, int kind, ActHit hits[ACT_FEATURES][DASH_HITS])
{
    static float feat[ACT_FEATURES * GEN_MAX];
    static ActHit cache[ACT_FEATURES][DASH_HITS];
    static uint64_t serial;
    static int cached_n = -1, cached_kind = -1, cached_k;
    const Gen *g = &d->gen;
    if (!g->acts || g->n < 3)
        return 0;
    if (serial != g->serial || cached_n != g->n || cached_kind != kind) {
        int m = sample_features(g, feat);
        size_t lh = (size_t)g->L * g->H;
        const float *base = gen_state(g, 1, kind, 0);
        for (int f = 0; f < ACT_FEATURES; f++)
            cached_k = act_top_units(base, m, (int)(2 * lh), (int)lh, feat + (size_t)f * m,
                                     DASH_HITS, cache[f]);
        serial = g->serial;
        cached_n = g->n;
        cached_kind = kind;
    }
    memcpy(hits, cache, sizeof cache);
    return cached_k;
}

/* Read everything the frame shows. Returns 1 if anything changed. */
static int collect(Dash *d, char *last_msg, double *done_at)
{
    SessionStats old = d->stats;
    session_get_stats(d->session, &d->stats);
    int changed = old.step != d->stats.step || old.state != d->stats.state ||
                  strcmp(old.message, d->stats.message) != 0;
    if (strcmp(last_msg, d->stats.message) != 0) {
        snprintf(last_msg, sizeof d->stats.message, "%s", d->stats.message);
        d->note[0] = '\0';
    }
    if (d->stats.step != d->hist_step || d->train.n == 0)
        copy_histories(d);
    changed |= collect_sample(d, now_seconds(), done_at);
    if (d->view == VIEW_TEMPS && gen_columns_advance(&d->gen, COLUMN_SYMBOLS_PER_FRAME) > 0)
        changed = 1;
    return collect_novelty(d) | changed;
}

/* ---- keys ----------------------------------------------------------------- */

enum { KEEP_GOING = 0, QUIT_NO_SAVE, QUIT_SAVE };

/* Regenerate with the same seed after a parameter change, at once up to
 * where the sample was, so the bars under the cursor update this frame. */
static void params_changed(Dash *d)
{
    int had = d->gen.n;
    gen_restart(&d->gen);
    int want = had > d->cursor + 1 ? had : d->cursor + 1;
    gen_advance(&d->gen, want);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void change_temperature(Dash *d, double delta)
{
    double t = clampd(round((d->gen.params.temperature + delta) * 100) / 100, 0, 2);
    d->gen.params.temperature = t;
    params_changed(d);
}

/* top-k steps along 1, 2, 3, 5, ... with "off" (every symbol) at the top,
 * as the slider draws it: k makes the choice narrower, K wider. */
static void change_top_k(Dash *d, int dir)
{
    static const int rungs[] = {1, 2, 3, 5, 10, 20, 40, 100, 200, 500, 1000, 2000, 5000};
    int V = d->gen.vocab->size, ladder[16], n = 0;
    for (size_t r = 0; r < sizeof rungs / sizeof rungs[0]; r++)
        if (rungs[r] < V)
            ladder[n++] = rungs[r];
    ladder[n++] = 0;
    int k = d->gen.params.top_k, i = n - 1;
    if (k > 0 && k < V) {
        i = 0;
        while (i < n - 1 && ladder[i] != 0 && ladder[i] < k)
            i++; /* the first rung at or above k ("off" is above all) */
        if (ladder[i] != k && dir > 0)
            dir = 0; /* a value between rungs goes up to the rung above it */
    }
    i += dir;
    i = i < 0 ? 0 : i > n - 1 ? n - 1 : i;
    d->gen.params.top_k = ladder[i];
    params_changed(d);
}

static void change_top_p(Dash *d, double delta)
{
    d->gen.params.top_p = clampd(round((d->gen.params.top_p + delta) * 100) / 100, 0.05, 1);
    params_changed(d);
}

static void change_smoothing(Dash *d, int dir)
{
    int n = (int)(sizeof smoothings / sizeof smoothings[0]), i = 0;
    while (i + 1 < n && smoothings[i + 1] <= d->smoothing + 1e-9)
        i++;
    i = dir > 0 ? (i + 1 < n ? i + 1 : i) : (i > 0 ? i - 1 : 0);
    d->smoothing = smoothings[i];
    smooth(d);
}

static void move_cursor(Dash *d, int to)
{
    int n = d->gen.n;
    d->cursor = to < 0 ? 0 : to >= n ? (n > 0 ? n - 1 : 0) : to;
    d->follow = 0;
}

static void change_slider(Dash *d, int dir)
{
    if (d->slider == SLIDER_TEMP)
        change_temperature(d, 0.05 * dir);
    else if (d->slider == SLIDER_TOPK)
        change_top_k(d, dir);
    else
        change_top_p(d, 0.05 * dir);
}

static void regenerate(Dash *d)
{
    uint64_t s = d->gen.params.seed;
    d->gen.params.seed = s * 6364136223846793005ULL + 1442695040888963407ULL;
    session_request_snapshot(d->session);
    gen_refresh(&d->gen, d->session, 0);
    d->follow = 1;
}

static void cycle_focus(Dash *d, int dir)
{
    int f = (int)d->focus - PANEL_LOSS, n = PANEL_COUNT - PANEL_LOSS;
    f = d->focus == PANEL_STATUS ? 0 : ((f + dir) % n + n) % n;
    d->focus = (PanelId)(PANEL_LOSS + f);
}

static int wants_save_prompt(const Dash *d)
{
    return d->stats.step > d->stats.saved_step;
}

/* Keys that move the cursor or a slider, by focus. Returns 1 if handled. */
static int arrow_key(Dash *d, wint_t ch)
{
    int line = d->layout.panel[PANEL_SAMPLE].w - 2;
    int sliders = d->focus == PANEL_SLIDERS;
    switch (ch) {
    case KEY_LEFT: sliders ? change_slider(d, -1) : move_cursor(d, d->cursor - 1); return 1;
    case KEY_RIGHT: sliders ? change_slider(d, 1) : move_cursor(d, d->cursor + 1); return 1;
    case KEY_UP:
        if (sliders)
            d->slider = (SliderId)((d->slider + SLIDER_COUNT - 1) % SLIDER_COUNT);
        else
            move_cursor(d, d->cursor - line);
        return 1;
    case KEY_DOWN:
        if (sliders)
            d->slider = (SliderId)((d->slider + 1) % SLIDER_COUNT);
        else
            move_cursor(d, d->cursor + line);
        return 1;
    case KEY_HOME: move_cursor(d, 0); return 1;
    case KEY_END: move_cursor(d, d->gen.n - 1); d->follow = 1; return 1;
    case KEY_BTAB: cycle_focus(d, -1); return 1;
    default: return 0;
    }
}

static void save_now(Dash *d)
{
    session_request_save(d->session);
    snprintf(d->note, sizeof d->note, "saving a checkpoint...");
}

/* ---- the views ------------------------------------------------------------- */

static void toggle_view(Dash *d, DashView v)
{
    if (d->view == VIEW_ACTS)
        d->note[0] = '\0';  /* "unit ... follows ..." means nothing elsewhere */
    d->view = d->view == v ? VIEW_MAIN : v;
    if (d->view == VIEW_TEMPS && gen_columns_start(&d->gen) == 0)
        gen_columns_advance(&d->gen, COLUMN_SYMBOLS_PER_FRAME);
}

static void step_unit(Dash *d, int dir)
{
    int H = d->gen.H;
    d->act_unit = ((d->act_unit + dir) % H + H) % H;
}

static void step_layer(Dash *d, int dir)
{
    int L = d->gen.L;
    d->act_layer = ((d->act_layer + dir) % L + L) % L;
}

/* `j`: show the unit most tied to the next feature (in turn). */
static void jump_to_unit(Dash *d)
{
    ActHit hits[ACT_FEATURES][DASH_HITS];
    if (dash_unit_hits(d, d->act_kind, hits) == 0)
        return;
    int f = d->act_jump;
    for (int i = 0; i < ACT_FEATURES && hits[f][0].r == 0; i++)
        f = (f + 1) % ACT_FEATURES;  /* skip features the sample lacks */
    d->act_jump = (f + 1) % ACT_FEATURES;
    d->act_layer = hits[f][0].unit / d->gen.H;
    d->act_unit = hits[f][0].unit % d->gen.H;
    snprintf(d->note, sizeof d->note, "unit %d:%d follows %s (r %+.2f)", d->act_layer + 1,
             d->act_unit + 1, act_feature_name((ActFeature)f), (double)hits[f][0].r);
}

/* Keys of the activations view. Returns 1 if handled. */
static int act_key(Dash *d, wint_t ch)
{
    if (d->view != VIEW_ACTS)
        return 0;
    switch (ch) {
    case 'u': step_unit(d, 1); return 1;
    case 'U': step_unit(d, -1); return 1;
    case 'n': step_layer(d, 1); return 1;
    case 'N': step_layer(d, -1); return 1;
    case 'c': d->act_kind = d->gen.lstm ? !d->act_kind : 0; return 1;
    case 'j': jump_to_unit(d); return 1;
    default: return 0;
    }
}

/* The quit prompt holds training where q was pressed, so a save saves that
 * step; cancelling it lets training go on unless it was paused before. */
static int open_quit_prompt(Dash *d)
{
    d->mode = MODE_QUIT;
    d->quit_paused = d->stats.state == SESSION_TRAINING;
    if (d->quit_paused)
        session_pause(d->session);
    return KEEP_GOING;
}

static void close_quit_prompt(Dash *d)
{
    d->mode = MODE_NORMAL;
    if (d->quit_paused)
        session_resume(d->session);
    d->quit_paused = 0;
}

/* Plain character keys in normal mode. */
static int char_key(Dash *d, wint_t ch)
{
    if (act_key(d, ch))
        return KEEP_GOING;
    switch (ch) {
    case 'q': case 27: return wants_save_prompt(d) ? open_quit_prompt(d) : QUIT_NO_SAVE;
    case ' ':
        if (d->stats.state == SESSION_PAUSED)
            session_resume(d->session);
        else
            session_pause(d->session);
        break;
    case 'r': regenerate(d); break;
    case 'h': move_cursor(d, d->cursor - 1); break;
    case 'l': move_cursor(d, d->cursor + 1); break;
    case '[': case '-': change_temperature(d, -0.05); break;
    case ']': case '+': case '=': change_temperature(d, 0.05); break;
    case '{': change_temperature(d, -0.25); break;
    case '}': change_temperature(d, 0.25); break;
    case 'k': change_top_k(d, -1); break;
    case 'K': change_top_k(d, 1); break;
    case 'p': change_top_p(d, -0.05); break;
    case 'P': change_top_p(d, 0.05); break;
    case ',': case '<': change_smoothing(d, -1); break;
    case '.': case '>': change_smoothing(d, 1); break;
    case 'L': d->log_y = !d->log_y; break;
    case 'z': d->window = (d->window + 1) % dash_window_count(); break;
    case 'e': editor_init(&d->editor, d->gen.prime); d->mode = MODE_EDIT; break;
    case 's': save_now(d); break;
    case 'a': toggle_view(d, VIEW_ACTS); break;
    case 't': toggle_view(d, VIEW_TEMPS); break;
    case '\t': cycle_focus(d, 1); break;
    case '?': d->mode = MODE_HELP; break;
    default: break;
    }
    return KEEP_GOING;
}

static void edit_key(Dash *d, int code, wint_t ch)
{
    Editor *e = &d->editor;
    if (!code && (ch == '\r' || ch == '\n')) {
        if (gen_set_prime(&d->gen, e->buf, d->note, sizeof d->note) == 0) {
            d->note[0] = '\0';
            d->follow = 1;
        }
        d->mode = MODE_NORMAL;
    } else if (!code && ch == 27) {
        d->mode = MODE_NORMAL;
    } else if ((code && ch == KEY_BACKSPACE) || (!code && (ch == 127 || ch == 8))) {
        editor_backspace(e);
    } else if (code) {
        if (ch == KEY_DC) editor_delete(e);
        else if (ch == KEY_LEFT) editor_left(e);
        else if (ch == KEY_RIGHT) editor_right(e);
        else if (ch == KEY_HOME) editor_home(e);
        else if (ch == KEY_END) editor_end(e);
        else if (ch == KEY_ENTER) edit_key(d, 0, '\n');
    } else if (ch >= 0x20 || ch == '\t') {
        editor_insert(e, (uint32_t)ch);
    }
}

static int handle_key(Dash *d, int code, wint_t ch)
{
    if (code && ch == KEY_RESIZE) {
        relayout(d);
        return KEEP_GOING;
    }
    /* too small to draw: only quitting works (the save question is shown) */
    if (d->layout.too_small && d->mode != MODE_QUIT)
        return !code && (ch == 'q' || ch == 27) ? (d->mode = MODE_NORMAL, char_key(d, 'q'))
                                                : KEEP_GOING;
    switch (d->mode) {
    case MODE_HELP: d->mode = MODE_NORMAL; return KEEP_GOING;
    case MODE_EDIT: edit_key(d, code, ch); return KEEP_GOING;
    case MODE_QUIT:
        if (!code && (ch == 'y' || ch == 'Y')) return QUIT_SAVE;
        if (!code && (ch == 'n' || ch == 'N')) return QUIT_NO_SAVE;
        if (!code && (ch == 'c' || ch == 'C' || ch == 27))
            close_quit_prompt(d);
        return KEEP_GOING;
    default: break;
    }
    if (code)
        return arrow_key(d, ch), KEEP_GOING;
    return char_key(d, ch);
}

/* ---- setup and the loop --------------------------------------------------- */

static int dash_alloc(Dash *d, RnnError *err)
{
    d->train.steps = malloc(sizeof(int64_t) * DASH_HIST_CAP);
    d->train.values = malloc(sizeof(float) * DASH_HIST_CAP);
    d->train.smooth = malloc(sizeof(float) * DASH_HIST_CAP);
    d->val.steps = malloc(sizeof(int64_t) * DASH_HIST_CAP);
    d->val.values = malloc(sizeof(float) * DASH_HIST_CAP);
    if (!d->train.steps || !d->train.values || !d->train.smooth || !d->val.steps ||
        !d->val.values)
        return err_set(err, RNN_ERR_RUNTIME, "out of memory for the loss histories");
    return 0;
}

static void dash_free(Dash *d)
{
    free(d->train.steps);
    free(d->train.values);
    free(d->train.smooth);
    free(d->val.steps);
    free(d->val.values);
    graph_canvas_free(&d->canvas);
    novelty_stop(d);
    gen_free(&d->gen);
}

static int dash_setup(Dash *d, const Options *o, const Corpus *c, RnnError *err)
{
    memset(d, 0, sizeof *d);
    d->opts = o;
    d->corpus = c;
    d->smoothing = 0.9;
    d->focus = PANEL_SAMPLE;
    d->follow = 1;
    d->hist_step = -1;
    if (dash_alloc(d, err))
        return -1;
    d->session = session_start(&o->cfg, c, o->resume, o->steps, o->time_limit, err);
    if (!d->session)
        return -1;
    ModelShape shape = session_shape(d->session);
    ModelOffsets off;
    model_offsets(&shape, &off);
    char input[24] = "1-hot";
    if (shape.E > 0)
        snprintf(input, sizeof input, "emb %d", shape.E);
    snprintf(d->model_desc, sizeof d->model_desc, "%s %dx%d %s V=%d %.2fM params",
             config_cell_name(shape.cell), shape.L, shape.H, input, shape.V, off.total / 1e6);
    if (gen_init(&d->gen, d->session, &c->vocab, &o->cfg.sample, err))
        return -1;
    novelty_start(d, o);
    return 0;
}

static int run_loop(Dash *d)
{
    static char last_msg[256];
    double done_at = 0;
    int dirty = 1, action = KEEP_GOING;
    relayout(d);
    while (action == KEEP_GOING && !stopsig_caught()) {
        wint_t ch;
        int rc = wget_wch(stdscr, &ch);
        if (rc != ERR) {
            action = handle_key(d, rc == KEY_CODE_YES, ch);
            dirty = 1;
        }
        dirty |= collect(d, last_msg, &done_at);
        if (dirty && action == KEEP_GOING) {
            dash_draw(d);
            wnoutrefresh(stdscr);
            doupdate();
            dirty = 0;
        }
    }
    return action;
}

int cmd_dashboard(const Options *o)
{
    static Dash d;
    static Corpus corpus;
    RnnError err;
    err_clear(&err);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        err_set(&err, RNN_ERR_INPUT, "the dashboard needs a terminal on standard input and "
                "output; use `rnntop train` for training without one");
        return report_error(&err);
    }
    if (corpus_load(&corpus, &o->cfg.corpus, &err))
        return report_error(&err);
    if (dash_setup(&d, o, &corpus, &err) || start_curses(&d, &err)) {
        session_free(d.session);
        dash_free(&d);
        corpus_free(&corpus);
        return report_error(&err);
    }
    stopsig_catch();
    int action = run_loop(&d);
    restore_terminal();
    /* a signal saves like headless training does, so no progress is lost */
    int save = stopsig_caught() ? checkpoint_enabled(&o->cfg) : action == QUIT_SAVE;
    if (save)
        fprintf(stderr, "rnntop: saving a checkpoint...\n");
    else if (stopsig_caught())
        fprintf(stderr, "rnntop: stopped; checkpoints are off (train.checkpoint_every is 0), "
                        "nothing was saved\n");
    session_stop(d.session, save);
    SessionStats st;
    session_get_stats(d.session, &st);
    if (save && st.message[0])
        fprintf(stderr, "rnntop: %s\n", st.message);
    session_free(d.session);
    dash_free(&d);
    corpus_free(&corpus);
    int sig = stopsig_caught();
    return sig ? 128 + sig : 0;
}
