/* SPDX-License-Identifier: MIT */
/*
 * bgnbd_batch.c - the BG/NBD conditional expectation CET(t) (and P(alive))
 * of a batch of customers, on up to the caller's threads: the per-x
 * tables of the series, the Taylor buckets built from them, and the
 * rows. MBG/NBD's CET goes through here too (loy__bgnbd_enew_rows).
 *
 * A customer's CET is P(alive) E_new(t; r+x, alpha+T, a, b+x), and
 * E_new = C B(z) (bgnbd.c's file comment). The series coefficients of B
 * depend on the customer only through x, and z = t/(alpha + T + t) on T:
 * a batch has few x and, for each, a range of z. So B is expanded once
 * per batch about the centres of buckets covering each x's range, and a
 * customer costs one polynomial of ten terms.
 */
#include "clv/bgnbd_internal.h"
#include "clv/bgnbd_taylor.h"

#include <stdlib.h>
#include <string.h>

#include "numeric/parallel.h"

#define BG_SERIES_TOL LOY__BG_SERIES_TOL
#define BG_SERIES_COND LOY__BG_SERIES_COND

/*
 * Batch CET. The coefficients G_k depend on the customer only through x,
 * so for large batches they are tabulated for x = 0..xmax, k = 1..K once,
 * and each customer costs one multiply-add per term instead of a division
 * chain. k0[x] is the first k from which A + j > 0 and G_(j+1)/G_j <= 1 for
 * every tabulated j >= k, where the tail bound of bgnbd.c's bg_series_h
 * holds.
 */
#define BG_CTAB_K 512u
#define BG_CTAB_XMAX (LOY__BG_KEYS - 1)
#define BG_CTAB_MIN_N 2048u

#define BG_TAY_M LOY__BG_TAY_M /* Taylor terms, by Estrin's scheme */
#define BG_TAY_NB 512u /* most Taylor buckets per x */
#define BG_TAY_NC 24u /* Taylor terms of H carried from bucket to bucket */
#define BG_TAY_ANCHOR 32u /* buckets between direct sums of H */

typedef struct bg_ctab {
    double G[(BG_CTAB_XMAX + 1) * (BG_CTAB_K + 1)];
    size_t k0[BG_CTAB_XMAX + 1];
    size_t xmax;
    /* the buckets (bgnbd_taylor.h): in x's bucket j, B(z) = sum_i c_i
     * (z - z0_j)^i when it is used; one all-zero row (BG_DUMMY) last */
    double row[((BG_CTAB_XMAX + 1) * BG_TAY_NB + 1) * LOY__BG_ROW_W];
    /* per x: the z of its rows, [zlo, zhi] */
    double zlo[BG_CTAB_XMAX + 1], zhi[BG_CTAB_XMAX + 1];
    /* x's buckets: nb of them from index glo, 2^sh per octave of 1 - z
     * (bg_tay_index) */
    int64_t glo[BG_CTAB_XMAX + 1];
    unsigned sh[BG_CTAB_XMAX + 1];
    size_t nb[BG_CTAB_XMAX + 1];
    /* after the build, x's buckets are packed one x after the other (the
     * rows' lookups stay within a few hundred kB instead of x BG_TAY_NB
     * apart), and each x's key says where (bgnbd_taylor.h); from xmax + 1
     * on, keys with no buckets (the last for every larger x) */
    uint64_t key[LOY__BG_KEYS + 1];
    double zstar; /* the power series at 0 serves buckets up to here */
    /* (k + 1)/(k + 1 - i), the step of C(k, i) in k, for the
     * re-expansions: a division less in their multiply chain */
    double step[BG_CTAB_K + 1][BG_TAY_M];
} bg_ctab;

#define BG_DUMMY ((BG_CTAB_XMAX + 1) * BG_TAY_NB)
#define BG_ROW(t, at) ((t)->row + (size_t)(at) * LOY__BG_ROW_W)

/* The series coefficients G_k of one x and the first k0 past which the
 * terms keep one sign and shrink. */
static void
bg_ctab_fill_x(bg_ctab *t, const double *p, size_t x)
{
    double A = p[2] + p[3] - 1.0 - p[0], a = p[2];
    double C = p[2] + p[3] + (double)x - 1.0, *G = t->G + x * (BG_CTAB_K + 1);
    size_t k, k0 = BG_CTAB_K + 1;
    G[0] = 0.0;
    G[1] = A / C;
    for (k = 1; k < BG_CTAB_K; k++) {
        double kk = (double)k;
        double rho = (A + kk) * (a + kk - 1.0) / ((C + kk) * (kk + 1.0));
        G[k + 1] = G[k] * rho;
    }
    for (k = BG_CTAB_K - 1; k >= 1; k--) {
        double kk = (double)k;
        double rho = (A + kk) * (a + kk - 1.0) / ((C + kk) * (kk + 1.0));
        if (!(A + kk > 0.0 && fabs(rho) <= 1.0))
            break;
        k0 = k;
    }
    t->k0[x] = k0;
}

/*
 * H from the table; LOY_ENOCONV when the table ends first. Two terms per
 * step with powers z^k and z^(k+1) advanced by z^2, which halves the
 * multiply chain that bounds the speed; the stopping test looks at the
 * second (last added) term.
 */
static int
bg_ctab_h(const bg_ctab *t, size_t x, double z, double scale, double *out)
{
    const double *G = t->G + x * (BG_CTAB_K + 1);
    double z2 = z * z, za = z, zb = z2, sum = 0.0;
    double tol = BG_SERIES_TOL * (1.0 - z);
    size_t k, k0 = t->k0[x];
    for (k = 1; k + 1 <= BG_CTAB_K; k += 2, za *= z2, zb *= z2) {
        double gb = G[k + 1] * zb;
        sum += G[k] * za + gb;
        if (k + 1 >= k0 && fabs(gb) <= tol * (fabs(sum) + scale)) {
            *out = sum;
            return LOY_OK;
        }
    }
    return LOY_ENOCONV;
}

/*
 * Power-series coefficients beta_k of the whole bracket
 *   B(z) = [1 - (1-z)^e F]/e = phi(z) - (1-z)^e H(z),  e = a - 1,
 * phi_k = (1-e)_(k-1)/k!, (1-z)^e = sum psi_m z^m, psi_m = (-e)_m/m!:
 * beta_k = phi_k - sum_{m<k} psi_m G_(k-m). Exact for every a (no
 * division by e), so the Taylor form below needs no log1p/expm1 per
 * customer. The terms from k0 + 1 to kmax, after those up to k0: psi
 * and *phi (phi_(k0+1)) carry on from them, and each beta_k comes out
 * as if all were computed at once. (The buckets of one x ask for more
 * terms as z grows; starting over each time made the convolution, the
 * tables' largest cost, several times longer.)
 */
#define BG_CONV_K 8u /* convolutions summed side by side */

/*
 * conv_j = sum_{m<k} psi_m G_(k-m) and size_j = |phi_k| + the sum of the
 * terms' sizes, for the nk <= BG_CONV_K orders k = k1 + j. Each sum is a
 * chain of additions, slow alone; side by side they overlap, and each
 * still adds its terms in the order m = 0, 1, ... (the same bits).
 */
static void
bg_conv_block(const double *psi, const double *G, const double *phi,
              size_t k1, size_t nk, double *conv, double *size)
{
    /* in locals: the outputs could alias psi and G for all the compiler
     * knows, and it stored them at every step */
    double cv[BG_CONV_K], sz[BG_CONV_K];
    size_t m, j;
    for (j = 0; j < BG_CONV_K; j++) {
        cv[j] = 0.0;
        sz[j] = j < nk ? fabs(phi[j]) : 0.0;
    }
    if (nk == BG_CONV_K)
        for (m = 0; m < k1; m++)
            for (j = 0; j < BG_CONV_K; j++) {
                double g = psi[m] * G[k1 + j - m];
                cv[j] += g;
                sz[j] += fabs(g);
            }
    else
        for (m = 0; m < k1; m++)
            for (j = 0; j < nk; j++) {
                double g = psi[m] * G[k1 + j - m];
                cv[j] += g;
                sz[j] += fabs(g);
            }
    /* the last terms of the higher orders: m = k1 .. k - 1 */
    for (j = 1; j < nk; j++)
        for (m = k1; m < k1 + j; m++) {
            double g = psi[m] * G[k1 + j - m];
            cv[j] += g;
            sz[j] += fabs(g);
        }
    for (j = 0; j < nk; j++) {
        conv[j] = cv[j];
        size[j] = sz[j];
    }
}

static void
bg_bracket_coef(const double *G, double e, size_t k0, size_t kmax,
                double *psi, double *phi, double *beta, double *mag)
{
    double ph[BG_CONV_K], conv[BG_CONV_K], size[BG_CONV_K];
    size_t k, m, j, nk;
    if (k0 == 0) {
        psi[0] = 1.0;
        *phi = 1.0;
        beta[0] = 0.0;
        mag[0] = 0.0;
    }
    for (m = k0 + 1; m <= kmax; m++)
        psi[m] = psi[m - 1] * ((double)m - 1.0 - e) / (double)m;
    for (k = k0 + 1; k <= kmax; k += nk) {
        nk = kmax + 1 - k < BG_CONV_K ? kmax + 1 - k : BG_CONV_K;
        for (j = 0; j < nk; j++) {
            ph[j] = *phi;
            *phi *= ((double)(k + j) - e) / (double)(k + j + 1);
        }
        bg_conv_block(psi, G, ph, k, nk, conv, size);
        for (j = 0; j < nk; j++) {
            beta[k + j] = ph[j] - conv[j];
            /* what the subtraction's rounding is relative to */
            mag[k + j] = size[j];
        }
    }
}

/*
 * Last power-series term the re-expansions need for z <= zhi: past the
 * peak of C(k, M-1) zhi^(k-M+1), the largest weight a coefficient gets,
 * once it is below 1e-22; 0 when K terms do not get there.
 */
static size_t
bg_taylor_kmax(double zhi)
{
    const size_t j = BG_TAY_M - 1;
    double v = 1.0; /* C(k, j) zhi^(k - j) */
    size_t k;
    for (k = j; k < BG_CTAB_K; k++) {
        if (k > 2 * j + 8 && (double)k * (1.0 - zhi) > (double)j
            && v < 1e-22)
            return k;
        v *= (double)(k + 1) / (double)(k + 1 - j) * zhi;
    }
    return 0;
}

/*
 * c_i = sum_k beta_k C(k, i) z0^(k-i) for i < M, k <= kmax (kmax >= M)
 * and a bound on their rounding: returns sum_i e_i rho^i, e_i = sum_k
 * mag_k C(k, i) z0^(k-i), times the unit roundoff a bound. The M sums
 * and their products b_i = C(k, i) z0^(k-i) run side by side, each in
 * its own order k = i, i + 1, ...: M short dependency chains at a time
 * instead of one long one (the same bits).
 */
static double
bg_taylor_coef(const bg_ctab *t, const double *beta, const double *mag,
               size_t kmax, double z0, double rho, double *c)
{
    double b[BG_TAY_M], sum[BG_TAY_M], size[BG_TAY_M], err = 0.0, rp = 1.0;
    size_t i, k;
    for (i = 0; i < BG_TAY_M; i++) {
        b[i] = 1.0;
        sum[i] = 0.0;
        size[i] = 0.0;
    }
    for (k = 0; k < BG_TAY_M; k++) /* c_i starts at k = i */
        for (i = 0; i <= k; i++) {
            sum[i] += beta[k] * b[i];
            size[i] += mag[k] * b[i];
            b[i] *= t->step[k][i] * z0;
        }
    for (; k <= kmax; k++)
        for (i = 0; i < BG_TAY_M; i++) {
            sum[i] += beta[k] * b[i];
            size[i] += mag[k] * b[i];
            b[i] *= t->step[k][i] * z0;
        }
    for (i = 0; i < BG_TAY_M; i++, rp *= rho) {
        c[i] = sum[i];
        err += size[i] * rp;
    }
    return err;
}

static void
bg_taylor_steps(bg_ctab *t)
{
    size_t i, k;
    for (k = 0; k <= BG_CTAB_K; k++)
        for (i = 0; i < BG_TAY_M && i <= k; i++)
            t->step[k][i] = (double)(k + 1) / (double)(k + 1 - i);
}

/* What the buckets of one x are built from. */
typedef struct bg_tay_in {
    const double *p;
    double *beta;   /* B's power series at 0, to kmax (0: none yet) */
    double *mag;    /* the size of what each beta_k is the difference of */
    double *psi;    /* (1-z)^e's series to kmax, and phi_(kmax+1): where */
    double phi;     /* bg_bracket_coef carries on from */
    size_t kmax;
    double tol;     /* the last term's bound by that series */
} bg_tay_in;

static inline double bg_taylor_eval(const double *c, double d);

/*
 * A bucket's polynomial where its customers are: the rounding of its
 * coefficients (err, in units of the roundoff), of the sum of its terms,
 * and of z itself (a customer's z is a rounded t/(alpha + T + t): an ulp
 * of z moves B by B' z ulp) must stay below 1e-13 of B at the bucket's
 * lowest z that has customers, where B (increasing in z) is smallest.
 * This turns away the power series at 0 where it is the small difference
 * of large terms (a = 42 and b = 222: 1e-3 off), buckets whose
 * customers' z is far below their centre (z near 0), and z so near 1
 * that 1 - z has lost its digits (the per-customer form works with
 * t/(alpha + T) instead).
 */
static int
bg_bucket_cond(const double *c, double z0, double rho, double zlo,
               double err)
{
    double zb = z0 - rho > zlo ? z0 - rho : zlo, rp = 1.0, size = err;
    double slope = 0.0;
    size_t i;
    for (i = 0; i < BG_TAY_M; i++, rp *= rho) {
        size += fabs(c[i]) * rp;
        if (i + 1 < BG_TAY_M)
            slope += (double)(i + 1) * fabs(c[i + 1]) * rp;
    }
    size += slope * (z0 + rho);
    return DBL_EPSILON * size <= 1e-13 * fabs(bg_taylor_eval(c, zb - z0));
}

/* H and H' at z0 from the Taylor coefficients hc about zp. */
static void
bg_h_step(const double *hc, double h, double *H, double *dH)
{
    double v = 0.0, dv = 0.0;
    size_t n;
    for (n = BG_TAY_NC; n-- > 0;) {
        v = v * h + hc[n];
        if (n > 0)
            dv = dv * h + (double)n * hc[n];
    }
    *H = v;
    *dH = dv;
}

/*
 * The terms binom(c + m - 1, m) r^m of (1 - r)^-c, m = 1..n: the largest
 * into *top, the last returned. They bound how a solution with the
 * exponent -c at the ODE's singular point (z = 0 with c = |C - 1|, z = 1
 * with c = |C - A - a|) grows over a step r of the distance to it.
 */
static double
bg_binom_terms(double c, double r, size_t n, double *top)
{
    double term = 1.0, mx = 1.0;
    size_t m;
    for (m = 1; m <= n; m++) {
        term *= (c + (double)m - 1.0) / (double)m * r;
        mx = term > mx ? term : mx;
    }
    *top = mx;
    return term;
}

/*
 * A bucket from H's ODE (bgnbd_hode.c): B's coefficients about z0. H and
 * H' at z0 are carried from the last bucket by its series of BG_TAY_NC
 * terms when both solutions' last terms over the step are below 1e-17
 * (and BG_TAY_ANCHOR buckets have not passed), else summed directly. The
 * bucket is used when the subtraction in B magnifies H's rounding by 16
 * or less, when the recurrence's rounding, which excites the solution
 * z^(1-C), can grow tenfold at most over the bucket, and when the last
 * term is below 1e-16 of B. *st: 0 until the first direct sum, 1 after,
 * -1 once one failed (z beyond reach: every later bucket too).
 */
static int
bg_bucket_ode(bg_ctab *t, const bg_tay_in *in, size_t x, size_t j,
              double rho, double *hc, double *zp, int *st, size_t *anchor,
              double *err)
{
    const double *p = in->p;
    double A = p[2] + p[3] - 1.0 - p[0], a = p[2];
    double C = p[2] + p[3] + (double)x - 1.0, H, dH, cond, top;
    size_t at = x * BG_TAY_NB + j;
    double z0 = BG_ROW(t, at)[LOY__BG_ROW_Z0], *c = BG_ROW(t, at);
    double h = z0 - *zp;
    if (*st < 0)
        return 0;
    if (*st == 0 || j - *anchor >= BG_TAY_ANCHOR
        || bg_binom_terms(fabs(C - 1.0), h / *zp, BG_TAY_NC, &top) > 1e-17
        || bg_binom_terms(fabs(C - A - a), h / (1.0 - *zp), BG_TAY_NC, &top)
               > 1e-17) {
        if (loy__bg_h_direct(A, a, C, z0, t->G + x * (BG_CTAB_K + 1),
                             BG_CTAB_K, &H, &dH)
            != LOY_OK) {
            *st = -1;
            return 0;
        }
        *st = 1;
        *anchor = j;
    } else {
        bg_h_step(hc, h, &H, &dH);
    }
    loy__bg_h_taylor(A, a, C, z0, H, dH, BG_TAY_NC, hc);
    *zp = z0;
    cond = loy__bg_bracket_at(a, z0, hc, BG_TAY_M, c);
    *err = cond * fabs(c[0]);
    (void)bg_binom_terms(fabs(C - 1.0), rho / z0, BG_TAY_M - 1, &top);
    return cond <= 16.0 && top <= 10.0
           && fabs(c[BG_TAY_M - 1]) * pow(rho, (double)(BG_TAY_M - 1))
                  <= 10.0 * BG_SERIES_TOL * fabs(c[0]);
}

/* B's power series at 0 to the terms z <= zb needs (0: it does not
 * reach there); in->beta grows as needed (its terms do not depend on
 * how many are computed), to a multiple of BG_CONV_K terms so that
 * bg_conv_block always has a full block (BG_CTAB_K is one too). */
static size_t
bg_tay_beta(bg_ctab *t, bg_tay_in *in, size_t x, double zb)
{
    size_t k = bg_taylor_kmax(zb);
    if (k > in->kmax) {
        size_t to = (k + BG_CONV_K - 1) / BG_CONV_K * BG_CONV_K;
        bg_bracket_coef(t->G + x * (BG_CTAB_K + 1), in->p[2] - 1.0,
                        in->kmax, to, in->psi, &in->phi, in->beta, in->mag);
        in->kmax = to;
    }
    return k;
}

/*
 * Buckets by the distance to z = 1: v = 1 - z in octave k (v in
 * [2^-(k+1), 2^-k)) is cut into S = 2^sh equal parts, and part s is
 * bucket k S + (S - 1 - s), so that the index grows with z. A bucket's
 * half-width is then at most 1/(2S) of its distance to 1, wherever it
 * lies: a batch whose z reach from 0.3 to 0.99 needs a few octaves, not
 * (as equal buckets would) a hundred times more buckets than one whose z
 * stay below 0.6. The index comes from v's bits: no log, no division.
 * v = 1 (z below 1e-16) gives -1 and a v of 0 a huge index: no bucket.
 */
static int64_t
bg_tay_index(double z, unsigned sh)
{
    double v = 1.0 - z;
    uint64_t b;
    int64_t k, s, S = (int64_t)1 << sh;
    memcpy(&b, &v, sizeof b);
    k = 1022 - (int64_t)(b >> 52); /* v in [0, 1]: no sign bit */
    s = (int64_t)((b & 0x000fffffffffffffu) >> (52 - sh));
    return k * S + (S - 1 - s);
}

/* Centre and half-width of bucket g (2^sh per octave). */
static void
bg_tay_bucket(int64_t g, unsigned sh, double *z0, double *rho)
{
    int64_t S = (int64_t)1 << sh, k = g >> sh, s = S - 1 - (g & (S - 1));
    double w = ldexp(1.0 / (double)S, -(int)(k + 1));
    double v0 = ldexp(1.0 + (double)s / (double)S, -(int)(k + 1)) + 0.5 * w;
    *z0 = 1.0 - v0;
    *rho = 0.5 * w;
}

/*
 * The nb buckets of x from index glo (2^sh per octave): centres,
 * coefficients and whether each is used. Buckets below z = 1/2 take B's
 * power series at 0 (their last term below in->tol), where it is short;
 * the others H's ODE, or, where that is not used, the power series as far
 * as it reaches (t->zstar). Returns the number of buckets not used.
 */
static size_t
bg_taylor_buckets(bg_ctab *t, bg_tay_in *in, size_t x, int64_t glo,
                  unsigned sh, size_t nb)
{
    double hc[BG_TAY_NC], zp = 0.0;
    size_t j, unused = 0, anchor = 0;
    int st = 0;
    for (j = 0; j < nb; j++) {
        size_t at = x * BG_TAY_NB + j, k = 0;
        double *c = BG_ROW(t, at), *z0 = c + LOY__BG_ROW_Z0;
        double rho, zb, err = 0.0;
        int ok = 0;
        bg_tay_bucket(glo + (int64_t)j, sh, z0, &rho);
        zb = *z0 + rho;
        if (zb > 0.5)
            ok = bg_bucket_ode(t, in, x, j, rho, hc, &zp, &st, &anchor, &err)
                 && bg_bucket_cond(c, *z0, rho, t->zlo[x], err);
        if (!ok && zb <= t->zstar)
            k = bg_tay_beta(t, in, x, zb > t->zhi[x] ? t->zhi[x] : zb);
        if (k > 0) {
            err = bg_taylor_coef(t, in->beta, in->mag, k, *z0, rho, c);
            ok = fabs(c[BG_TAY_M - 1]) * pow(rho, (double)(BG_TAY_M - 1))
                     <= in->tol
                 && bg_bucket_cond(c, *z0, rho, t->zlo[x], err);
        }
        /* an unused bucket's coefficients may be unset (or half-built):
         * zeros, for the lanes that load it with the others */
        if (!ok)
            memset(c, 0, BG_TAY_M * sizeof *c);
        c[LOY__BG_ROW_OK] = ok ? 1.0 : 0.0;
        unused += !ok;
    }
    return unused;
}

#define BG_TAY_SH0 5u /* 32 buckets per octave: rho <= (1 - z)/64 */
#define BG_TAY_SHMAX 12u

/* Buckets of x's rows at 2^sh per octave: 0 when over BG_TAY_NB. */
static size_t
bg_tay_count(const bg_ctab *t, size_t x, unsigned sh)
{
    int64_t glo = bg_tay_index(t->zlo[x], sh);
    int64_t ghi = bg_tay_index(t->zhi[x], sh);
    if (glo < 0 || ghi < glo || ghi - glo >= (int64_t)BG_TAY_NB)
        return 0;
    return (size_t)(ghi - glo + 1);
}

/*
 * Taylor re-expansions of B over the z values a batch has for one x:
 * the buckets that cover [zlo, zhi] (bg_tay_index) have half-width rho
 * <= (1 - z0)/64, and B is re-expanded about each centre z0. B is
 * analytic in |z| < 1, so |c_i| <= M/(1-z0)^i and the terms c_i
 * (z-z0)^i fall at least like (rho/(1-z0))^i <= 1/64: the tail after the
 * last kept term is below a 63rd of it. A bucket is used only when its
 * last (10th) term is below the series tolerance; when one is not, the
 * buckets are halved (the last term falls by 2^9) while BG_TAY_NB
 * allows, and the customers of a bucket still not used keep the
 * per-customer series. x whose range needs more than BG_TAY_NB buckets
 * keeps it too. (Ten terms in four times the buckets of sixteen cost
 * less per customer; the values agree within a few ulp, and both within
 * 5e-15 of 40-digit references.)
 */
static void
bg_taylor_build(bg_ctab *t, const double *p, size_t x)
{
    double beta[BG_CTAB_K + 1], mag[BG_CTAB_K + 1], psi[BG_CTAB_K + 1];
    double zlo = t->zlo[x], zhi = t->zhi[x];
    bg_tay_in in;
    unsigned sh = BG_TAY_SH0;
    size_t nb;
    t->nb[x] = 0; /* until the buckets are built: none */
    t->sh[x] = sh;
    t->glo[x] = 0;
    if (!(zhi >= zlo) || t->k0[x] > BG_CTAB_K)
        return;
    nb = bg_tay_count(t, x, sh);
    if (nb == 0)
        return;
    in.p = p;
    in.beta = beta;
    in.mag = mag;
    in.psi = psi;
    in.phi = 1.0;
    in.kmax = 0;
    /* the last term must be negligible next to B >= z (1-z)^max(e,0) */
    in.tol = BG_SERIES_TOL * 10.0 * zlo * (1.0 - zhi);
    while (bg_taylor_buckets(t, &in, x, bg_tay_index(zlo, sh), sh, nb) > 0
           && sh < BG_TAY_SHMAX && bg_tay_count(t, x, sh + 1) > 0)
        nb = bg_tay_count(t, x, ++sh);
    t->sh[x] = sh;
    t->glo[x] = bg_tay_index(zlo, sh);
    t->nb[x] = nb;
}

/* The largest z (to 1e-6) the power series at 0 serves (bg_taylor_kmax
 * > 0 there; it is for every smaller z). */
static double
bg_taylor_zstar(void)
{
    double lo = 0.5, hi = 1.0;
    while (hi - lo > 1e-6) {
        double mid = 0.5 * (lo + hi);
        if (bg_taylor_kmax(mid) > 0)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Estrin's scheme for the 10 Taylor terms: short dependency chains. */
static inline double
bg_taylor_eval(const double *c, double d)
{
    double d2 = d * d, d4 = d2 * d2, d8 = d4 * d4;
    double p01 = c[0] + c[1] * d, p23 = c[2] + c[3] * d;
    double p45 = c[4] + c[5] * d, p67 = c[6] + c[7] * d;
    double p89 = c[8] + c[9] * d;
    double q0 = p01 + d2 * p23, q1 = p45 + d2 * p67;
    return (q0 + d4 * q1) + d8 * p89;
}

/*
 * The z range of each x from the range of T (tlo, thi: inf and -inf for
 * an x no row has). z = t/(alpha + T + t) is computed by monotone
 * operations, so a row's z lies within the range's ends exactly.
 */
/* What the tables of a batch are built from (read-only to the tasks). */
typedef struct bg_tab_job {
    bg_ctab *t;
    const double *p, *tlo, *thi;
    double tt;
} bg_tab_job;

/* All tables of one x (a task of loy__par_tasks: the x are independent). */
static void
bg_tables_x(void *ctx, size_t x)
{
    const bg_tab_job *j = ctx;
    bg_ctab *t = j->t;
    const double *p = j->p;
    bg_ctab_fill_x(t, p, x);
    if (j->tlo[x] <= j->thi[x]) {
        t->zlo[x] = j->tt / (p[1] + j->thi[x] + j->tt);
        t->zhi[x] = j->tt / (p[1] + j->tlo[x] + j->tt);
    } else { /* no row with this x */
        t->zlo[x] = 1.0;
        t->zhi[x] = 0.0;
    }
    bg_taylor_build(t, p, x);
}

/*
 * Each x's buckets were built at x BG_TAY_NB (the x are built apart, on
 * any thread); move them down to follow one another, x by x (a move
 * never reaches a later x's buckets: off[x] + nb[x] <= (x + 1)
 * BG_TAY_NB), and key them. An x whose C = a + b + x - 1 is below 1 has
 * no buckets to the rows (bg_cet1's series needs C >= 1).
 */
static void
bg_tables_pack(bg_ctab *t, const double *p)
{
    size_t x, off = 0;
    for (x = 0; x <= t->xmax; x++) {
        size_t from = x * BG_TAY_NB, nb = t->nb[x];
        if (nb > 0 && off != from)
            memmove(BG_ROW(t, off), BG_ROW(t, from),
                    nb * LOY__BG_ROW_W * sizeof *t->row);
        if (p[2] + p[3] + (double)x - 1.0 < 1.0)
            nb = 0;
        t->key[x] = loy__bg_key(t->glo[x], off, nb, t->sh[x]);
        off += t->nb[x];
    }
    for (x = t->xmax + 1; x <= BG_CTAB_XMAX + 1; x++)
        t->key[x] = loy__bg_key(0, 0, 0, 0);
    memset(BG_ROW(t, BG_DUMMY), 0, LOY__BG_ROW_W * sizeof *t->row);
}

/* The tables of x = 0..xmax on up to `threads` threads. */
static void
bg_tables_fill(bg_ctab *t, const double *p, size_t xmax, const double *tlo,
               const double *thi, double tt, uint32_t threads)
{
    bg_tab_job j;
    t->xmax = xmax;
    t->zstar = bg_taylor_zstar();
    bg_taylor_steps(t);
    j.t = t;
    j.p = p;
    j.tlo = tlo;
    j.thi = thi;
    j.tt = tt;
    loy__par_tasks(threads, xmax + 1, bg_tables_x, &j);
    bg_tables_pack(t, p);
}

/*
 * One pass over the rows for the tables: the largest x (capped at
 * BG_CTAB_XMAX) and the range of T of each x up to the cap. Comparisons
 * only, no division per row. Every x above the cap shares one more bin,
 * BG_RANGE_BINS - 1, so that no row needs a branch. Four sets of ranges,
 * row i updating set i % 4: most rows share an x, and one set would
 * chain every row's update to the last through memory. Minima and maxima
 * are exact, so merging the sets changes nothing.
 */
#define BG_RANGE_SETS 4u
#define BG_RANGE_BINS (BG_CTAB_XMAX + 2)

static inline void
bg_range_row(double *lo, double *hi, double x, double T)
{
    size_t j = (size_t)(x < (double)(BG_RANGE_BINS - 1)
                            ? x
                            : (double)(BG_RANGE_BINS - 1));
    lo[j] = T < lo[j] ? T : lo[j];
    hi[j] = T > hi[j] ? T : hi[j];
}

static size_t
bg_row_ranges(const double *x, const double *T, size_t n, double *tlo,
              double *thi)
{
    double lo[BG_RANGE_SETS][BG_RANGE_BINS], hi[BG_RANGE_SETS][BG_RANGE_BINS];
    size_t i, j, s, xmax = 0;
    for (s = 0; s < BG_RANGE_SETS; s++)
        for (j = 0; j < BG_RANGE_BINS; j++) {
            lo[s][j] = (double)INFINITY;
            hi[s][j] = -(double)INFINITY;
        }
    for (i = 0; i + BG_RANGE_SETS <= n; i += BG_RANGE_SETS)
        for (s = 0; s < BG_RANGE_SETS; s++)
            bg_range_row(lo[s], hi[s], x[i + s], T[i + s]);
    for (; i < n; i++)
        bg_range_row(lo[0], hi[0], x[i], T[i]);
    for (j = 0; j < BG_RANGE_BINS; j++) {
        double l = lo[0][j], h = hi[0][j];
        for (s = 1; s < BG_RANGE_SETS; s++) {
            l = lo[s][j] < l ? lo[s][j] : l;
            h = hi[s][j] > h ? hi[s][j] : h;
        }
        if (l <= h) /* x = j has rows (j = BG_CTAB_XMAX + 1: above it) */
            xmax = j < BG_CTAB_XMAX ? j : BG_CTAB_XMAX;
        if (j <= BG_CTAB_XMAX) {
            tlo[j] = l;
            thi[j] = h;
        }
    }
    return xmax;
}

/* The ranges of shares of the rows, one share per task. */
typedef struct bg_range_job {
    const double *x, *T;
    size_t n, parts;
    double *lo, *hi; /* (BG_CTAB_XMAX + 1) per share */
    size_t *xmax;    /* per share */
} bg_range_job;

static void
bg_ranges_part(void *ctx, size_t k)
{
    const bg_range_job *j = ctx;
    size_t i0 = j->n / j->parts * k;
    size_t i1 = k + 1 == j->parts ? j->n : j->n / j->parts * (k + 1);
    j->xmax[k] = bg_row_ranges(j->x + i0, j->T + i0, i1 - i0,
                               j->lo + k * (BG_CTAB_XMAX + 1),
                               j->hi + k * (BG_CTAB_XMAX + 1));
}

/*
 * bg_row_ranges over shares of the rows on up to `threads` threads, then
 * merged (exact: the same ranges for every thread count). One share on
 * the calling thread when there is no room for the shares' ranges.
 */
static size_t
bg_row_ranges_par(const double *x, const double *T, size_t n,
                  uint32_t threads, double *tlo, double *thi)
{
    bg_range_job j;
    size_t parts = threads > 1u ? threads : 1u, k, m, xmax = 0;
    double *buf;
    parts = parts < n / LOY__PAR_MIN_ROWS ? parts : n / LOY__PAR_MIN_ROWS;
    parts = parts > LOY_MAX_THREADS ? LOY_MAX_THREADS : parts;
    buf = parts > 1u ? malloc(parts * (2 * (BG_CTAB_XMAX + 1) * sizeof *buf
                                       + sizeof *j.xmax))
                     : NULL;
    if (buf == NULL)
        return bg_row_ranges(x, T, n, tlo, thi);
    j.x = x;
    j.T = T;
    j.n = n;
    j.parts = parts;
    j.lo = buf;
    j.hi = buf + parts * (BG_CTAB_XMAX + 1);
    j.xmax = (size_t *)(buf + 2 * parts * (BG_CTAB_XMAX + 1));
    loy__par_tasks(threads, parts, bg_ranges_part, &j);
    for (m = 0; m <= BG_CTAB_XMAX; m++) {
        tlo[m] = j.lo[m];
        thi[m] = j.hi[m];
        for (k = 1; k < parts; k++) {
            const double *l = j.lo + k * (BG_CTAB_XMAX + 1);
            const double *h = j.hi + k * (BG_CTAB_XMAX + 1);
            tlo[m] = l[m] < tlo[m] ? l[m] : tlo[m];
            thi[m] = h[m] > thi[m] ? h[m] : thi[m];
        }
    }
    for (k = 0; k < parts; k++)
        xmax = j.xmax[k] > xmax ? j.xmax[k] : xmax;
    free(buf);
    return xmax;
}

/*
 * CET of one customer without a Taylor bucket (validated input, P(alive)
 * pa; bg_taylor_locate has looked): the table's power series where the
 * tables serve the row and the subtraction in B keeps its digits, else
 * bgnbd.c's per-customer form (its tiny-horizon form, series or
 * quadrature).
 */
static int
bg_cet1(const double *p, const bg_ctab *tab, double x, double T, double t,
        double pa, double *out)
{
    double C = p[2] + p[3] + x - 1.0, q, l, z, e, em, first, h, w;
    if (t == 0.0) {
        *out = 0.0;
        return LOY_OK;
    }
    q = t / (p[1] + T);
    /* the tables serve the well-conditioned series only (A > -1: terms of
     * one sign after the first; a moderate) */
    if (tab != NULL && x <= (double)tab->xmax && C >= 1.0
        && p[2] + p[3] - p[0] > 0.0 && p[2] <= 50.0
        && !(q * (p[0] + x + 1.0) < 1e-17)) {
        l = -log1p(q);
        z = q / (1.0 + q);
        e = p[2] - 1.0;
        em = expm1(e * l); /* (1-z)^(a-1) - 1 */
        first = e == 0.0 ? -l : -em / e;
        /* (1-z)^(a-1) by exp, not 1 + em: for a large it is small, and
         * 1 + em had lost its digits (a = 42: 2e-4 of it) */
        w = exp(e * l);
        /* the same conditioning test as bgnbd.c's series (the terms of H
         * have one sign here) */
        if (bg_ctab_h(tab, (size_t)x, z, fabs(first), &h) == LOY_OK
            && (fabs(first) + w * fabs(h)) * 2.3e-16
                   <= BG_SERIES_COND * fabs(first - w * h)) {
            *out = pa * C * (first - w * h);
            return LOY_OK;
        }
    }
    LOY__TRY(loy__bgnbd_enew(p[0] + x, p[1] + T, p[2], p[3] + x, t, &h));
    *out = pa * h;
    return LOY_OK;
}

/* One batch's shared inputs: rows are independent once the tables are
 * built, so any split of them gives the same values. tay: the Taylor
 * buckets when rows can use them (NULL: every row takes bg_cet1), and
 * lanes the vector path that reads them (LOY__VPATH_*). */
typedef struct bg_batch {
    double *out, *pa_out;
    const double *p, *x, *t_x, *T;
    const bg_ctab *tab;
    const loy__bg_taylor *tay;
    const double *lab;
    double t;
    int lanes;
} bg_batch;

/* Rows per P(alive) block: the vector kernel's batch, on the stack. */
#define BG_ROW_BLOCK 256u

/* No Taylor bucket for the row: bg_cet1 decides. */
#define BG_NO_BUCKET UINT32_MAX

/*
 * The Taylor bucket of each row of a block (BG_NO_BUCKET where bg_cet1
 * must decide) and the row's offset d = z - z0 from its centre: x's key
 * has buckets (x tabulated, C >= 1), z = t/(alpha + T + t) (as the
 * ranges of bg_tables_x) is in one of them, and that bucket is used.
 */
static void
bg_taylor_locate(const bg_batch *b, size_t i, size_t m, uint32_t *at,
                 double *d)
{
    const loy__bg_taylor *v = b->tay;
    double zb[BG_ROW_BLOCK];
    int64_t gf[BG_ROW_BLOCK];
    size_t j;
    /*
     * z and its index at the finest buckets first, in a loop of their own
     * (no loads but T: GCC -O3 runs it in vector lanes, division
     * included). x's index at its own sh is the fine one shifted right by
     * BG_TAY_SHMAX - sh: k 2^S' + (2^S' - 1 - s') with s' the top S' bits
     * of the mantissa; shifting by d drops the low d bits of the
     * complement 2^S' - 1 - s' (which is below 2^S'), leaving the
     * complement of s' >> d = s in sh bits, and k 2^S' becomes k 2^sh. A
     * negative index (z below 1e-16) stays negative, and has no bucket.
     */
    for (j = 0; j < m; j++) {
        zb[j] = v->t / (v->alpha + b->T[i + j] + v->t);
        gf[j] = bg_tay_index(zb[j], BG_TAY_SHMAX);
    }
    for (j = 0; j < m; j++) {
        double x = b->x[i + j];
        uint64_t key = v->key[x < (double)LOY__BG_KEYS ? (size_t)x
                                                        : LOY__BG_KEYS];
        size_t nb = LOY__BG_KEY_NB(key), k;
        const double *row;
        int64_t g;
        at[j] = BG_NO_BUCKET;
        if (nb == 0 || gf[j] < 0)
            continue;
        g = (int64_t)((uint64_t)gf[j] >> (BG_TAY_SHMAX - LOY__BG_KEY_SH(key)))
            - LOY__BG_KEY_GLO(key);
        if (g < 0 || (size_t)g >= nb)
            continue;
        k = LOY__BG_KEY_OFF(key) + (size_t)g;
        row = v->row + k * LOY__BG_ROW_W;
        if (row[LOY__BG_ROW_OK] != 0.0) {
            at[j] = (uint32_t)k;
            d[j] = zb[j] - row[LOY__BG_ROW_Z0];
        }
    }
}

/*
 * The Taylor rows of a block: out = pa C B(z) for each row with a used
 * bucket, at[j] = BG_NO_BUCKET for the others. Returns 1 when every row
 * was served with a finite value (only the AVX-512 kernel says so; here
 * the caller checks each row).
 */
static int
bg_taylor_rows(const bg_batch *b, size_t i, size_t m, const double *pa,
               uint32_t *at)
{
    const loy__bg_taylor *v = b->tay;
    double d[BG_ROW_BLOCK];
    size_t j;
    if (v == NULL) {
        for (j = 0; j < m; j++)
            at[j] = BG_NO_BUCKET;
        return 0;
    }
#ifdef LOY__PALIVE_AVX512
    if (b->lanes == LOY__VPATH_AVX512)
        return loy__bg_taylor_rows_avx512(v, b->x + i, b->T + i, pa, m,
                                          b->out + i, at);
#endif
#ifdef LOY__BG_TAYLOR_AVX2
    if (b->lanes == LOY__VPATH_AVX2)
        return loy__bg_taylor_rows_avx2(v, b->x + i, b->T + i, pa, m,
                                        b->out + i, at);
#endif
    bg_taylor_locate(b, i, m, at, d);
    /* no branches but the loop's: the polynomials of neighbouring rows
     * overlap */
    for (j = 0; j < m; j++)
        if (at[j] != BG_NO_BUCKET) {
            double C = v->ab + b->x[i + j] - 1.0;
            b->out[i + j] = pa[j] * C
                            * bg_taylor_eval(v->row + at[j] * LOY__BG_ROW_W,
                                             d[j]);
        }
    return 0;
}

/* CET of a block: the Taylor rows, then the others one by one in order
 * (the first row that fails is the one reported). */
static int
bg_cet_block(const bg_batch *b, size_t i, size_t m, const double *pa,
             size_t *bad)
{
    uint32_t at[BG_ROW_BLOCK];
    size_t j;
    if (bg_taylor_rows(b, i, m, pa, at))
        return LOY_OK;
    for (j = 0; j < m; j++) {
        int rc = LOY_OK;
        if (at[j] == BG_NO_BUCKET)
            rc = bg_cet1(b->p, b->tab, b->x[i + j], b->T[i + j], b->t, pa[j],
                         &b->out[i + j]);
        if (rc == LOY_OK && !loy__finite(b->out[i + j]))
            rc = LOY_ENOCONV;
        if (rc != LOY_OK) {
            *bad = i + j;
            return rc;
        }
    }
    return LOY_OK;
}

static int
bg_cet_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const bg_batch *b = ctx;
    double pa[BG_ROW_BLOCK];
    size_t i, j, m;
    for (i = i0; i < i1; i += m) {
        m = i1 - i < BG_ROW_BLOCK ? i1 - i : BG_ROW_BLOCK;
        if (b->t_x != NULL)
            loy__bgnbd_palive_rows(b->p, b->lab, b->x + i, b->t_x + i,
                                   b->T + i, m, pa);
        else /* E_new only (loy__bgnbd_enew_rows) */
            for (j = 0; j < m; j++)
                pa[j] = 1.0;
        if (b->pa_out != NULL)
            memcpy(b->pa_out + i, pa, m * sizeof *pa);
        LOY__TRY(bg_cet_block(b, i, m, pa, bad));
    }
    return LOY_OK;
}

static int
bg_palive_range(void *ctx, size_t i0, size_t i1, size_t *bad)
{
    const bg_batch *b = ctx;
    (void)bad;
    loy__bgnbd_palive_rows(b->p, b->lab, b->x + i0, b->t_x + i0, b->T + i0,
                           i1 - i0, b->pa_out + i0);
    return LOY_OK;
}

void
loy__bgnbd_palive_par(double *out, const double *p, const double *x,
                      const double *t_x, const double *T, size_t n,
                      uint32_t threads)
{
    double lab[LOY__BG_LAB_N];
    bg_batch b;
    loy__bgnbd_lab_fill(p, lab);
    memset(&b, 0, sizeof b);
    b.pa_out = out;
    b.p = p;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.lab = lab;
    (void)loy__par_rows(threads, n, bg_palive_range, &b, NULL);
}

/* What the row kernels read of the tables, or NULL when no row can use
 * them: no tables, a zero horizon, or parameters outside bg_cet1's
 * tabulated form (A + 1 = a + b - r > 0, a <= 50). */
static const loy__bg_taylor *
bg_taylor_view(const bg_ctab *tab, const double *p, double t,
               loy__bg_taylor *v)
{
    if (tab == NULL || t == 0.0 || !(p[2] + p[3] - p[0] > 0.0 && p[2] <= 50.0))
        return NULL;
    v->row = tab->row;
    v->key = tab->key;
    v->dummy = BG_DUMMY;
    v->ab = p[2] + p[3];
    v->alpha = p[1];
    v->t = t;
    return v;
}

/* loy__bgnbd_cet_run with the Taylor rows on the given path (AVX-512
 * lanes, or the scalar loop for the others). */
static int
bg_cet_run_path(int path, double *out, double *pa_out, const double *p,
                const double *x, const double *t_x, const double *T,
                size_t n, double t, uint32_t threads, size_t *err_index)
{
    bg_ctab *tab = NULL;
    bg_batch b;
    loy__bg_taylor view;
    double lab[LOY__BG_LAB_N];
    double tlo[BG_CTAB_XMAX + 1], thi[BG_CTAB_XMAX + 1];
    int rc;
    loy__bgnbd_lab_fill(p, lab);
    if (n >= BG_CTAB_MIN_N) {
        size_t xmax = bg_row_ranges_par(x, T, n, threads, tlo, thi);
        tab = malloc(sizeof *tab);
        if (tab != NULL)
            bg_tables_fill(tab, p, xmax, tlo, thi, t, threads);
    }
    b.out = out;
    b.pa_out = pa_out;
    b.p = p;
    b.x = x;
    b.t_x = t_x;
    b.T = T;
    b.tab = tab;
    b.tay = bg_taylor_view(tab, p, t, &view);
    b.lab = lab;
    b.t = t;
    b.lanes = path;
    rc = loy__par_rows(threads, n, bg_cet_range, &b, err_index);
    free(tab);
    return rc;
}

/* Whether the build has the Taylor rows of vector path `path`. */
static int
bg_taylor_built(int path)
{
#ifdef LOY__PALIVE_AVX512
    if (path == LOY__VPATH_AVX512)
        return 1;
#endif
#ifdef LOY__BG_TAYLOR_AVX2
    if (path == LOY__VPATH_AVX2)
        return 1;
#endif
    return path == LOY__VPATH_BASE;
}

int
loy__bgnbd_cet_lanes(int path, double *out, double *pa_out, const double *p,
                     const double *x, const double *t_x, const double *T,
                     size_t n, double t, size_t *err_index, int *rc)
{
    if (!bg_taylor_built(path) || !loy__vpath_cpu(path))
        return 0;
    *rc = bg_cet_run_path(path, out, pa_out, p, x, t_x, T, n, t, 1u,
                          err_index);
    return 1;
}

int
loy__bgnbd_cet_run(double *out, double *pa_out, const double *p,
                   const double *x, const double *t_x, const double *T,
                   size_t n, double t, uint32_t threads, size_t *err_index)
{
    int path = LOY__VPATH_AVX512;
    while (path > LOY__VPATH_BASE
           && !(bg_taylor_built(path) && loy__vpath_cpu(path)))
        path--;
    return bg_cet_run_path(path, out, pa_out, p, x, t_x, T, n, t, threads,
                           err_index);
}

int
loy__bgnbd_enew_rows(double *out, const double *p, const double *x,
                     const double *T, size_t n, double t, uint32_t threads,
                     size_t *err_index)
{
    return loy__bgnbd_cet_run(out, NULL, p, x, NULL, T, n, t, threads,
                              err_index);
}

int
loy__bgnbd_cet_batch(double *out, double *pa_out, const double *p,
                     const double *x, const double *t_x, const double *T,
                     size_t n, double t, size_t *err_index)
{
    return loy__bgnbd_cet_run(out, pa_out, p, x, t_x, T, n, t, 1u,
                              err_index);
}
