/* test_gradcheck: every parameter's analytic gradient against central
 * finite differences, in double precision, for rnn, gru and lstm cells with
 * 1 and 2 layers, one-hot and embedded input, with and without dropout
 * (between layers and on the top layer's output), the loss through the
 * softmax and clipping off. Then the float build of the same code against
 * the double one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "net.h"
#include "netd.h"

enum { B = 3, T = 4, V = 7, H = 5 };

typedef struct Case {
    CellType cell;
    int L, E;
    double dropout, out_dropout;
} Case;

typedef struct Problem {
    ModelShape s;
    ModelOffsets off;
    int32_t x[T * B], y[T * B];
    double *h0, *c0;   /* initial state [L x B x H] */
    int dropout;       /* any dropout: forward passes draw one fixed mask */
} Problem;

static double loss_of(const Problem *pb, netd_Work *w, double *params)
{
    netd_Tensors p;
    netd_bind(&pb->s, params, &p);
    size_t n = (size_t)pb->s.L * B * H;
    double *sh = malloc(sizeof(double) * n), *sc = malloc(sizeof(double) * n);
    memcpy(sh, pb->h0, sizeof(double) * n);
    memcpy(sc, pb->c0, sizeof(double) * n);
    Rng r;
    rng_seed(&r, 99);  /* the same dropout mask on every call */
    double loss = netd_forward(&p, w, T, pb->x, pb->y, sh, sc, pb->dropout ? &r : NULL);
    free(sh);
    free(sc);
    return loss / (T * B);
}

static const char *tensor_of(const ModelOffsets *off, const ModelShape *s, size_t i,
                             char *buf)
{
    if (i >= off->by) return "by";
    if (i >= off->Wy) return "Wy";
    for (int l = s->L - 1; l >= 0; l--) {
        const LayerOffsets *lo = &off->layer[l];
        const char *name = i >= lo->bh ? "bh" : i >= lo->bx ? "bx" : i >= lo->Wh ? "Wh" : "Wx";
        if (i >= lo->Wx) {
            int G = model_gates(s->cell), GH = G * s->H;
            size_t base = i >= lo->bh ? lo->bh : i >= lo->bx ? lo->bx : i >= lo->Wh ? lo->Wh : lo->Wx;
            int gate = (int)(((i - base) % GH) / s->H);
            sprintf(buf, "layer %d %s gate %d", l, name, gate);
            return buf;
        }
    }
    return "emb";
}

static void check_case(const Case *cs)
{
    Problem pb = {0};
    pb.s = (ModelShape){cs->cell, V, cs->E, H, cs->L};
    pb.dropout = cs->dropout > 0 || cs->out_dropout > 0;
    model_offsets(&pb.s, &pb.off);
    size_t n = pb.off.total, ns = (size_t)cs->L * B * H;
    Rng r;
    rng_seed(&r, 7 + cs->cell * 10 + cs->L + cs->E);
    double *params = malloc(sizeof(double) * n), *grads = calloc(n, sizeof(double));
    pb.h0 = malloc(sizeof(double) * ns);
    pb.c0 = malloc(sizeof(double) * ns);
    for (size_t i = 0; i < n; i++)
        params[i] = 0.6 * (rng_uniform(&r) * 2 - 1);
    for (size_t i = 0; i < ns; i++) {
        pb.h0[i] = 0.5 * (rng_uniform(&r) * 2 - 1);
        pb.c0[i] = rng_uniform(&r) * 2 - 1;
    }
    for (int i = 0; i < T * B; i++) {
        pb.x[i] = (int32_t)(rng_next(&r) % V);
        pb.y[i] = (int32_t)(rng_next(&r) % V);
    }
    netd_Work w;
    RnnError err;
    CHECK(netd_work_init(&w, &pb.s, B, T, cs->dropout, cs->out_dropout, &err) == 0, "%s", err.msg);
    /* analytic */
    netd_Tensors p, g;
    netd_bind(&pb.s, params, &p);
    netd_bind(&pb.s, grads, &g);
    loss_of(&pb, &w, params);
    netd_backward(&p, &g, &w, T, pb.x, pb.y, 1.0 / (T * B));
    /* numeric */
    double worst = 0;
    size_t worst_i = 0;
    for (size_t i = 0; i < n; i++) {
        double keep = params[i], eps = 1e-5;
        params[i] = keep + eps;
        double lp = loss_of(&pb, &w, params);
        params[i] = keep - eps;
        double lm = loss_of(&pb, &w, params);
        params[i] = keep;
        double num = (lp - lm) / (2 * eps);
        double rel = fabs(num - grads[i]) / fmax(1e-4, fabs(num) + fabs(grads[i]));
        if (rel > worst)
            worst = rel, worst_i = i;
    }
    char where[64] = "";
    const char *name = tensor_of(&pb.off, &pb.s, worst_i, where);
    fprintf(stderr,
            "  %s L=%d E=%d dropout=%.1f output_dropout=%.1f: %zu params, worst relative error "
            "%.2e (%s)\n",
            config_cell_name(cs->cell), cs->L, cs->E, cs->dropout, cs->out_dropout, n, worst,
            name);
    CHECK(worst < 1e-5, "%s L=%d E=%d: gradient of %s off by %.3g", config_cell_name(cs->cell),
          cs->L, cs->E, name, worst);

    /* float build of the same pass, from the same numbers */
    if (!pb.dropout) {
        float *pf = malloc(sizeof(float) * n), *gf = calloc(n, sizeof(float));
        float *shf = malloc(sizeof(float) * ns), *scf = malloc(sizeof(float) * ns);
        for (size_t i = 0; i < n; i++)
            pf[i] = (float)params[i];
        for (size_t i = 0; i < ns; i++)
            shf[i] = (float)pb.h0[i], scf[i] = (float)pb.c0[i];
        net_Work wf;
        net_Tensors tp, tg;
        net_bind(&pb.s, pf, &tp);
        net_bind(&pb.s, gf, &tg);
        CHECK(net_work_init(&wf, &pb.s, B, T, 0, 0, &err) == 0, "%s", err.msg);
        int GH = model_gates(cs->cell) * H;
        PackedMatrix whp[MODEL_MAX_LAYERS], whtp[MODEL_MAX_LAYERS];
        for (int l = 0; l < cs->L; l++) {  /* the trainer's packed-weights path */
            CHECK(pgemm_init(&whp[l], H, GH) == 0 && pgemm_init(&whtp[l], GH, H) == 0,
                  "pgemm_init");
            pgemm_pack(&whp[l], tp.layer[l].Wh, GH);
            pgemm_pack_transposed(&whtp[l], tp.layer[l].Wh, GH);
            tp.layer[l].Whp = &whp[l];
            tp.layer[l].WhTp = &whtp[l];
        }
        double lf = net_forward(&tp, &wf, T, pb.x, pb.y, shf, scf, NULL) / (T * B);
        net_backward(&tp, &tg, &wf, T, pb.x, pb.y, 1.0 / (T * B));
        CHECK_NEAR(lf, loss_of(&pb, &w, params), 1e-5, "float loss vs double loss");
        double maxdiff = 0;
        for (size_t i = 0; i < n; i++)
            maxdiff = fmax(maxdiff, fabs(gf[i] - grads[i]));
        CHECK(maxdiff < 1e-5, "float gradients differ from double by %.3g", maxdiff);
        net_work_free(&wf);
        free(pf), free(gf), free(shf), free(scf);
        for (int l = 0; l < cs->L; l++)
            pgemm_free(&whp[l]), pgemm_free(&whtp[l]);
    }
    netd_work_free(&w);
    free(params), free(grads), free(pb.h0), free(pb.c0);
}

int main(void)
{
    CellType cells[] = {CELL_RNN, CELL_GRU, CELL_LSTM};
    for (int c = 0; c < 3; c++)
        for (int L = 1; L <= 2; L++)
            for (int E = 0; E <= 4; E += 4) {
                Case cs = {cells[c], L, E, 0.0, 0.0};
                check_case(&cs);
            }
    for (int c = 0; c < 3; c++) {
        Case between = {cells[c], 2, 3, 0.4, 0.0}, both = {cells[c], 2, 0, 0.3, 0.5};
        Case top_only = {cells[c], 1, 0, 0.0, 0.5};
        check_case(&between);
        check_case(&both);
        check_case(&top_only);
    }
    return check_report("test_gradcheck");
}
