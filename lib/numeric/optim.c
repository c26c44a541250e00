/* SPDX-License-Identifier: MIT */
/*
 * optim.c - BFGS with a Wolfe line search, a Nelder-Mead fallback, finite
 * difference Hessians and SPD inversion for the maximum-likelihood fits.
 *
 * Design notes.
 * - Convergence is judged on the gradient (max |g| <= gtol), never on a
 *   small change of f alone: the fits must reach gradients of ~1e-9 on an
 *   objective of size ~1-10, where f itself changes by less than its
 *   rounding error. The line search therefore also accepts steps by the
 *   "approximate Wolfe" conditions of Hager and Zhang (f no worse than
 *   rounding noise and the slope reduced), which rely on the gradient and
 *   keep making progress when f comparisons have become meaningless.
 * - Points where the objective fails or is not finite are treated as
 *   "too far": the line search shrinks the step towards the last good
 *   point. The objective is never evaluated at the start point's
 *   neighbourhood only through f: every trial also computes the gradient.
 * - When the line search fails twice in a row (even after resetting the
 *   inverse Hessian to a scaled identity), a Nelder-Mead run restarts from
 *   the best point, and BFGS resumes from its result.
 */
#include "numeric/optim.h"

#include <float.h>

#define OPT_INF ((double)INFINITY)

#define LS_C1 1e-4
#define LS_C2 0.9
#define LS_MAX_EVALS 60
#define MAX_STEP 5.0 /* largest first trial move of any coordinate */
#define NM_MAX_RESTARTS 3

typedef struct opt_state {
    loy__objective fn;
    void *ctx;
    size_t k;
    uint32_t evals;
    uint32_t max_evals;
} opt_state;

/* One evaluation; an error or a non-finite value counts as unusable (0). */
static int
eval_point(opt_state *st, const double *x, double *f, double *g)
{
    int rc;
    size_t i;
    st->evals++;
    rc = st->fn(st->ctx, x, st->k, f, g);
    if (rc != LOY_OK || !loy__finite(*f))
        return 0;
    for (i = 0; g != NULL && i < st->k; i++)
        if (!loy__finite(g[i]))
            return 0;
    return 1;
}

static double
max_abs(const double *v, size_t k)
{
    double m = 0.0;
    size_t i;
    for (i = 0; i < k; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

static double
dot(const double *u, const double *v, size_t k)
{
    double s = 0.0;
    size_t i;
    for (i = 0; i < k; i++)
        s += u[i] * v[i];
    return s;
}

/* ------------------------------------------------------------------ */
/* Line search                                                         */
/* ------------------------------------------------------------------ */

/* A trial point along x0 + alpha d, with its value and slope. */
typedef struct ls_point {
    double alpha, f, dphi;
    int ok;
} ls_point;

typedef struct ls_ctx {
    opt_state *st;
    const double *x0, *d;
    double f0, dphi0, noise;
    double *x, *g; /* work: the last trial point and its gradient */
    double *xbest, *gbest;
    ls_point best;  /* best point with sufficient decrease, if best.ok */
    uint32_t evals_cap;
} ls_ctx;

static ls_point
ls_eval(ls_ctx *c, double alpha)
{
    ls_point p;
    size_t i;
    for (i = 0; i < c->st->k; i++)
        c->x[i] = c->x0[i] + alpha * c->d[i];
    p.alpha = alpha;
    p.ok = eval_point(c->st, c->x, &p.f, c->g);
    p.dphi = p.ok ? dot(c->g, c->d, c->st->k) : 0.0;
    if (!p.ok)
        p.f = OPT_INF;
    return p;
}

static int
armijo(const ls_ctx *c, const ls_point *p)
{
    return p->ok && p->f <= c->f0 + LS_C1 * p->alpha * c->dphi0;
}

/*
 * Acceptance: strong Wolfe, or approximate Wolfe (f within rounding noise
 * of f0, slope between c2 dphi0 and (1 - 2 c1) |dphi0|).
 */
static int
ls_accept(const ls_ctx *c, const ls_point *p)
{
    if (!p->ok)
        return 0;
    if (armijo(c, p) && fabs(p->dphi) <= -LS_C2 * c->dphi0)
        return 1;
    return p->f <= c->f0 + c->noise && p->dphi >= LS_C2 * c->dphi0
           && p->dphi <= (2.0 * LS_C1 - 1.0) * c->dphi0;
}

/* Remember the trial point (it becomes the new iterate). */
static void
ls_keep(ls_ctx *c, const ls_point *p)
{
    memcpy(c->xbest, c->x, c->st->k * sizeof *c->x);
    memcpy(c->gbest, c->g, c->st->k * sizeof *c->g);
    c->best = *p;
}

/*
 * Minimiser of the cubic through (lo, hi) with values and slopes, kept
 * inside the middle 80% of the interval; bisection when the cubic is not
 * usable (an unusable end, no real minimiser).
 */
static double
interpolate(const ls_point *lo, const ls_point *hi)
{
    double a = lo->alpha, b = hi->alpha, t, lim = 0.1 * fabs(b - a);
    double d1, d2sq, d2, x;
    if (!hi->ok)
        return 0.5 * (a + b);
    d1 = lo->dphi + hi->dphi - 3.0 * (lo->f - hi->f) / (a - b);
    d2sq = d1 * d1 - lo->dphi * hi->dphi;
    if (!(d2sq >= 0.0))
        return 0.5 * (a + b);
    d2 = (b > a ? 1.0 : -1.0) * sqrt(d2sq);
    t = hi->dphi - lo->dphi + 2.0 * d2;
    if (t == 0.0)
        return 0.5 * (a + b);
    x = b - (b - a) * (hi->dphi + d2 - d1) / t;
    if (!loy__finite(x) || fabs(x - a) < lim || fabs(x - b) < lim
        || (x - a) * (x - b) > 0.0)
        return 0.5 * (a + b);
    return x;
}

/* Zoom stage of the strong Wolfe search (Nocedal & Wright, alg. 3.6). */
static int
ls_zoom(ls_ctx *c, ls_point lo, ls_point hi)
{
    while (c->st->evals < c->evals_cap) {
        ls_point p = ls_eval(c, interpolate(&lo, &hi));
        if (ls_accept(c, &p)) {
            ls_keep(c, &p);
            return 1;
        }
        if (!armijo(c, &p) || p.f >= lo.f) {
            hi = p;
        } else {
            if (p.dphi * (hi.alpha - lo.alpha) >= 0.0)
                hi = lo;
            lo = p;
            ls_keep(c, &p); /* sufficient decrease and below lo: best */
        }
        if (fabs(hi.alpha - lo.alpha) <= 1e-14 * fabs(lo.alpha))
            break;
    }
    return 0;
}

/*
 * Search along d from x0 (value f0, slope dphi0 < 0), first trial alpha0,
 * expanding by 4 while the slope stays negative. Returns 1 for a Wolfe
 * point, 2 for a point with sufficient decrease only, 0 for failure; the
 * point found is in c->xbest / c->gbest / c->best.
 */
static int
line_search(ls_ctx *c, double alpha0)
{
    ls_point prev = {0.0, c->f0, c->dphi0, 1}, p;
    double alpha = alpha0;
    c->best.ok = 0;
    c->evals_cap = c->st->evals + LS_MAX_EVALS;
    for (;;) {
        p = ls_eval(c, alpha);
        if (ls_accept(c, &p)) {
            ls_keep(c, &p);
            return 1;
        }
        if (!armijo(c, &p) || (prev.alpha > 0.0 && p.f >= prev.f))
            return ls_zoom(c, prev, p) ? 1 : 2 * c->best.ok;
        ls_keep(c, &p);
        if (p.dphi >= 0.0)
            return ls_zoom(c, p, prev) ? 1 : 2 * c->best.ok;
        if (c->st->evals >= c->evals_cap)
            return 2;
        prev = p;
        alpha *= 4.0;
    }
}

/* ------------------------------------------------------------------ */
/* Nelder-Mead                                                         */
/* ------------------------------------------------------------------ */

typedef struct nm_simplex {
    double v[LOY__OPTIM_MAX_K + 1][LOY__OPTIM_MAX_K];
    double f[LOY__OPTIM_MAX_K + 1];
    size_t n; /* vertices = k + 1 */
} nm_simplex;

static double
nm_value(opt_state *st, const double *x)
{
    double f;
    return eval_point(st, x, &f, NULL) ? f : OPT_INF;
}

/* Sort the vertices by value (insertion sort; k + 1 is small). */
static void
nm_sort(nm_simplex *s, size_t k)
{
    size_t i, j;
    for (i = 1; i < s->n; i++) {
        double fv = s->f[i], v[LOY__OPTIM_MAX_K];
        memcpy(v, s->v[i], k * sizeof v[0]);
        for (j = i; j > 0 && s->f[j - 1] > fv; j--) {
            s->f[j] = s->f[j - 1];
            memcpy(s->v[j], s->v[j - 1], k * sizeof v[0]);
        }
        s->f[j] = fv;
        memcpy(s->v[j], v, k * sizeof v[0]);
    }
}

/* out = cen + t (cen - worst) */
static void
nm_line(const nm_simplex *s, const double *cen, double t, size_t k,
        double *out)
{
    size_t i;
    for (i = 0; i < k; i++)
        out[i] = cen[i] + t * (cen[i] - s->v[s->n - 1][i]);
}

static void
nm_replace_worst(nm_simplex *s, const double *x, double f, size_t k)
{
    memcpy(s->v[s->n - 1], x, k * sizeof *x);
    s->f[s->n - 1] = f;
}

static void
nm_shrink(opt_state *st, nm_simplex *s, size_t k)
{
    size_t i, j;
    for (i = 1; i < s->n; i++) {
        for (j = 0; j < k; j++)
            s->v[i][j] = s->v[0][j] + 0.5 * (s->v[i][j] - s->v[0][j]);
        s->f[i] = nm_value(st, s->v[i]);
    }
}

/* One Nelder-Mead step (reflect, expand, contract or shrink). */
static void
nm_step(opt_state *st, nm_simplex *s, size_t k)
{
    double cen[LOY__OPTIM_MAX_K], xr[LOY__OPTIM_MAX_K], xe[LOY__OPTIM_MAX_K];
    double fr, fe, fc;
    size_t i, j;
    for (j = 0; j < k; j++) {
        cen[j] = 0.0;
        for (i = 0; i + 1 < s->n; i++)
            cen[j] += s->v[i][j] / (double)k;
    }
    nm_line(s, cen, 1.0, k, xr);
    fr = nm_value(st, xr);
    if (fr < s->f[0]) {
        nm_line(s, cen, 2.0, k, xe);
        fe = nm_value(st, xe);
        if (fe < fr)
            nm_replace_worst(s, xe, fe, k);
        else
            nm_replace_worst(s, xr, fr, k);
    } else if (fr < s->f[s->n - 2]) {
        nm_replace_worst(s, xr, fr, k);
    } else {
        int outside = fr < s->f[s->n - 1];
        nm_line(s, cen, outside ? 0.5 : -0.5, k, xe);
        fc = nm_value(st, xe);
        if (fc < (outside ? fr : s->f[s->n - 1]))
            nm_replace_worst(s, xe, fc, k);
        else
            nm_shrink(st, s, k);
    }
    nm_sort(s, k);
}

/*
 * Nelder-Mead from x (value *f) with initial steps of 10% (at least 0.1)
 * per coordinate, for at most max_evals evaluations or until the simplex
 * values agree to rounding. x and *f receive the best vertex.
 */
static uint32_t
nelder_mead(opt_state *st, double *x, double *f, uint32_t max_evals)
{
    nm_simplex s;
    size_t k = st->k, i;
    uint32_t start = st->evals, iters = 0;
    s.n = k + 1;
    memcpy(s.v[0], x, k * sizeof *x);
    s.f[0] = *f;
    for (i = 0; i < k; i++) {
        memcpy(s.v[i + 1], x, k * sizeof *x);
        s.v[i + 1][i] += fmax(0.1, 0.1 * fabs(x[i]));
        s.f[i + 1] = nm_value(st, s.v[i + 1]);
    }
    nm_sort(&s, k);
    while (st->evals - start < max_evals && st->evals < st->max_evals
           && !(s.f[k] - s.f[0] <= 1e-15 * fabs(s.f[0]))) {
        nm_step(st, &s, k);
        iters++;
    }
    memcpy(x, s.v[0], k * sizeof *x);
    *f = s.f[0];
    return iters;
}

/* ------------------------------------------------------------------ */
/* BFGS                                                                */
/* ------------------------------------------------------------------ */

typedef struct bfgs {
    opt_state st;
    size_t k;
    double x[LOY__OPTIM_MAX_K], g[LOY__OPTIM_MAX_K], f;
    double H[LOY__OPTIM_MAX_K * LOY__OPTIM_MAX_K]; /* inverse Hessian */
    int fresh; /* H is an unscaled identity */
    uint32_t iters;
} bfgs;

static void
bfgs_reset(bfgs *b)
{
    size_t i;
    memset(b->H, 0, sizeof b->H);
    for (i = 0; i < b->k; i++)
        b->H[i * b->k + i] = 1.0;
    b->fresh = 1;
}

/*
 * Inverse update H+ = H - rho (Hy s' + s y'H) + (rho^2 y'Hy + rho) s s',
 * skipped unless y's > 0 (keeps H positive definite). A fresh identity is
 * first scaled by y's / y'y (Nocedal & Wright 6.20).
 */
static void
bfgs_update(bfgs *b, const double *s, const double *y)
{
    double Hy[LOY__OPTIM_MAX_K], ys = dot(y, s, b->k), rho, yHy, c;
    size_t i, j, k = b->k;
    if (!(ys > 1e-12 * sqrt(dot(s, s, k) * dot(y, y, k))))
        return;
    if (b->fresh) {
        double scale = ys / dot(y, y, k);
        for (i = 0; i < k; i++)
            b->H[i * k + i] = scale;
        b->fresh = 0;
    }
    for (i = 0; i < k; i++) {
        Hy[i] = 0.0;
        for (j = 0; j < k; j++)
            Hy[i] += b->H[i * k + j] * y[j];
    }
    rho = 1.0 / ys;
    yHy = dot(y, Hy, k);
    c = rho * rho * yHy + rho;
    for (i = 0; i < k; i++)
        for (j = 0; j < k; j++)
            b->H[i * k + j] += c * s[i] * s[j]
                               - rho * (Hy[i] * s[j] + s[i] * Hy[j]);
}

/* Search direction -H g; steepest descent (and H reset) if not downhill. */
static double
bfgs_direction(bfgs *b, double *d)
{
    size_t i, j, k = b->k;
    double slope;
    for (i = 0; i < k; i++) {
        d[i] = 0.0;
        for (j = 0; j < k; j++)
            d[i] -= b->H[i * k + j] * b->g[j];
    }
    slope = dot(d, b->g, k);
    if (!(slope < 0.0)) {
        bfgs_reset(b);
        for (i = 0; i < k; i++)
            d[i] = -b->g[i];
        slope = -dot(b->g, b->g, k);
    }
    return slope;
}

/* One BFGS iteration. Returns 1 on progress, 0 if the line search failed. */
static int
bfgs_iterate(bfgs *b)
{
    double d[LOY__OPTIM_MAX_K], xn[LOY__OPTIM_MAX_K], gn[LOY__OPTIM_MAX_K];
    double x[LOY__OPTIM_MAX_K], g[LOY__OPTIM_MAX_K], s[LOY__OPTIM_MAX_K];
    double y[LOY__OPTIM_MAX_K], alpha0;
    ls_ctx c;
    size_t i, k = b->k;
    c.dphi0 = bfgs_direction(b, d);
    c.st = &b->st;
    c.x0 = b->x;
    c.d = d;
    c.f0 = b->f;
    c.noise = 1e-12 * (1.0 + fabs(b->f));
    c.x = x;
    c.g = g;
    c.xbest = xn;
    c.gbest = gn;
    alpha0 = fmin(1.0, MAX_STEP / max_abs(d, k));
    if (line_search(&c, alpha0) == 0)
        return 0;
    for (i = 0; i < k; i++) {
        s[i] = xn[i] - b->x[i];
        y[i] = gn[i] - b->g[i];
    }
    memcpy(b->x, xn, k * sizeof *xn);
    memcpy(b->g, gn, k * sizeof *gn);
    b->f = c.best.f;
    bfgs_update(b, s, y);
    return 1;
}

/*
 * After two failed line searches in a row: a Nelder-Mead restart from the
 * current point. Returns 1 if it found a usable better point.
 */
static int
bfgs_nm_restart(bfgs *b)
{
    double x[LOY__OPTIM_MAX_K], f = b->f, g[LOY__OPTIM_MAX_K];
    memcpy(x, b->x, b->k * sizeof *x);
    b->iters += nelder_mead(&b->st, x, &f, (uint32_t)(200 * b->k + 100));
    if (!(f < b->f) || !eval_point(&b->st, x, &f, g))
        return 0;
    memcpy(b->x, x, b->k * sizeof *x);
    memcpy(b->g, g, b->k * sizeof *g);
    b->f = f;
    bfgs_reset(b);
    return 1;
}

/* Largest |x - ref| (0 without a reference). */
static double
moved(const bfgs *b, const loy__optim_options *o)
{
    double m = 0.0;
    size_t i;
    for (i = 0; o != NULL && o->ref != NULL && i < b->k; i++)
        m = fmax(m, fabs(b->x[i] - o->ref[i]));
    return m;
}

static int
bfgs_run(bfgs *b, uint32_t max_iter, double gtol,
         const loy__optim_options *o, int *cap)
{
    int restarts = 0;
    double mm = o != NULL && o->ref != NULL ? o->max_move : 0.0, m0;
    while (max_abs(b->g, b->k) > gtol) {
        if (b->iters >= max_iter || b->st.evals >= b->st.max_evals) {
            *cap = b->iters >= max_iter ? LOY__OPTIM_CAP_ITER
                                        : LOY__OPTIM_CAP_EVALS;
            return LOY_ENOCONV;
        }
        m0 = moved(b, o);
        if (mm > 0.0 && m0 > 2.0 * mm) {
            *cap = LOY__OPTIM_CAP_MOVE;
            return LOY_ENOCONV;
        }
        b->iters++;
        if (bfgs_iterate(b)) {
            /* still heading out beyond max_move: on a likelihood that
             * flattens towards a limit, the walk would otherwise crawl
             * on for hundreds of evaluations of rounding-level gains */
            if (mm > 0.0 && moved(b, o) > mm && moved(b, o) > m0) {
                *cap = LOY__OPTIM_CAP_MOVE;
                return LOY_ENOCONV;
            }
            continue;
        }
        if (mm > 0.0 && moved(b, o) > mm) {
            *cap = LOY__OPTIM_CAP_MOVE; /* stalled far out: a limit */
            return LOY_ENOCONV;
        }
        if (!b->fresh) {
            bfgs_reset(b); /* retry along steepest descent */
            continue;
        }
        /* no progress even downhill: f is at rounding level */
        if (max_abs(b->g, b->k) <= 100.0 * gtol)
            return LOY_OK;
        if (restarts++ >= NM_MAX_RESTARTS || !bfgs_nm_restart(b))
            return LOY_ENOCONV;
    }
    return LOY_OK;
}

int
loy__minimize(loy__objective fn, void *ctx, double *theta, size_t k,
              const loy__optim_options *opts, loy__optim_report *rep)
{
    bfgs b;
    uint32_t max_iter = opts != NULL && opts->max_iter > 0 ? opts->max_iter
                                                           : 500u;
    double gtol = opts != NULL && opts->gtol > 0.0 ? opts->gtol : 1e-9;
    int rc, cap = LOY__OPTIM_CAP_NONE;
    LOY__REQUIRE(fn != NULL && theta != NULL, LOY_EINVAL);
    LOY__REQUIRE(k >= 1 && k <= LOY__OPTIM_MAX_K, LOY_EINVAL);
    memset(&b, 0, sizeof b);
    b.st.fn = fn;
    b.st.ctx = ctx;
    b.st.k = b.k = k;
    memcpy(b.x, theta, k * sizeof *theta);
    b.st.evals = 1;
    b.st.max_evals = opts != NULL && opts->max_evals > 0 ? opts->max_evals
                                                         : LOY__OPTIM_MAX_EVALS;
    rc = fn(ctx, b.x, k, &b.f, b.g);
    LOY__TRY(rc);
    LOY__REQUIRE(loy__finite(b.f) && loy__finite(max_abs(b.g, k)),
                 LOY_EDOMAIN);
    bfgs_reset(&b);
    rc = bfgs_run(&b, max_iter, gtol, opts, &cap);
    memcpy(theta, b.x, k * sizeof *theta);
    if (rep != NULL) {
        rep->cap = cap;
        rep->f = b.f;
        rep->grad_norm = max_abs(b.g, k);
        rep->iterations = b.iters;
        rep->evaluations = b.st.evals;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Hessian and SPD inverse                                             */
/* ------------------------------------------------------------------ */

/*
 * Column j of the Hessian is (g(x + h e_j) - g(x - h e_j)) / (2h) with
 * h = eps^(1/3) max(1, |x_j|) ~ 6e-6, balancing the O(h^2) truncation
 * against the O(eps/h) rounding of the gradient (both ~1e-11 relative).
 */
int
loy__hessian(loy__objective fn, void *ctx, const double *theta, size_t k,
             double *H)
{
    double x[LOY__OPTIM_MAX_K], gp[LOY__OPTIM_MAX_K], gm[LOY__OPTIM_MAX_K];
    double f;
    size_t i, j;
    LOY__REQUIRE(fn != NULL && theta != NULL && H != NULL, LOY_EINVAL);
    LOY__REQUIRE(k >= 1 && k <= LOY__OPTIM_MAX_K, LOY_EINVAL);
    memcpy(x, theta, k * sizeof *x);
    for (j = 0; j < k; j++) {
        double h = 6.0554544523933395e-06 * fmax(1.0, fabs(theta[j]));
        volatile double xp = theta[j] + h, xm = theta[j] - h;
        x[j] = xp;
        LOY__TRY(fn(ctx, x, k, &f, gp));
        x[j] = xm;
        LOY__TRY(fn(ctx, x, k, &f, gm));
        x[j] = theta[j];
        for (i = 0; i < k; i++) {
            H[i * k + j] = (gp[i] - gm[i]) / (xp - xm);
            if (!loy__finite(H[i * k + j]))
                return LOY_ENONFINITE;
        }
    }
    for (i = 0; i < k; i++)
        for (j = i + 1; j < k; j++)
            H[i * k + j] = H[j * k + i] = 0.5 * (H[i * k + j] + H[j * k + i]);
    return LOY_OK;
}

/* Cholesky factor A = L L' (lower, row-major); 0 if not positive definite. */
static int
cholesky(const double *A, size_t k, double *L)
{
    size_t i, j, m;
    memset(L, 0, k * k * sizeof *L);
    for (j = 0; j < k; j++) {
        double s = A[j * k + j];
        for (m = 0; m < j; m++)
            s -= L[j * k + m] * L[j * k + m];
        /* relative pivot test: rounding cannot make a singular matrix pass */
        if (!(s > 1e-14 * fabs(A[j * k + j])) || !loy__finite(s))
            return 0;
        L[j * k + j] = sqrt(s);
        for (i = j + 1; i < k; i++) {
            double t = A[i * k + j];
            for (m = 0; m < j; m++)
                t -= L[i * k + m] * L[j * k + m];
            L[i * k + j] = t / L[j * k + j];
        }
    }
    return 1;
}

int
loy__spd_inverse(const double *A, size_t k, double *Ainv)
{
    double L[LOY__OPTIM_MAX_K * LOY__OPTIM_MAX_K];
    double Li[LOY__OPTIM_MAX_K * LOY__OPTIM_MAX_K];
    size_t i, j, m;
    LOY__REQUIRE(A != NULL && Ainv != NULL, LOY_EINVAL);
    LOY__REQUIRE(k >= 1 && k <= LOY__OPTIM_MAX_K, LOY_EINVAL);
    for (i = 0; i < k; i++)
        for (j = 0; j < i; j++)
            LOY__REQUIRE(A[i * k + j] == A[j * k + i], LOY_EDEGENERATE);
    LOY__REQUIRE(cholesky(A, k, L), LOY_EDEGENERATE);
    /* Li = L^-1 (lower triangular), then A^-1 = Li' Li */
    memset(Li, 0, sizeof Li);
    for (j = 0; j < k; j++) {
        Li[j * k + j] = 1.0 / L[j * k + j];
        for (i = j + 1; i < k; i++) {
            double s = 0.0;
            for (m = j; m < i; m++)
                s -= L[i * k + m] * Li[m * k + j];
            Li[i * k + j] = s / L[i * k + i];
        }
    }
    for (i = 0; i < k; i++)
        for (j = 0; j <= i; j++) {
            double s = 0.0;
            for (m = i; m < k; m++)
                s += Li[m * k + i] * Li[m * k + j];
            Ainv[i * k + j] = Ainv[j * k + i] = s;
        }
    return LOY_OK;
}
