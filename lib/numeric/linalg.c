/* SPDX-License-Identifier: MIT */
/*
 * linalg.c - Cholesky, triangular solves, symmetric eigen-decomposition
 * (cyclic Jacobi), t and F tail probabilities.
 *
 * Jacobi rather than Householder + QL: the matrices are small correlation
 * matrices, and Jacobi gives eigenvalues with small relative error and
 * orthogonal eigenvectors to rounding level, which the relative weights
 * (a symmetric square root) rely on.
 */
#include "numeric/linalg.h"

#include "numeric/specfun.h"

int
loy__chol(double *A, size_t n, double rel_tol, size_t *fail)
{
    size_t i, j, m;
    for (j = 0; j < n; j++) {
        double orig = A[j * n + j], d = orig;
        for (m = 0; m < j; m++)
            d -= A[j * n + m] * A[j * n + m];
        if (!(orig > 0.0) || !(d > rel_tol * orig)) {
            if (fail != NULL)
                *fail = j;
            return LOY_EDEGENERATE;
        }
        d = sqrt(d);
        A[j * n + j] = d;
        for (i = j + 1; i < n; i++) {
            double s = A[i * n + j];
            for (m = 0; m < j; m++)
                s -= A[i * n + m] * A[j * n + m];
            A[i * n + j] = s / d;
        }
    }
    return LOY_OK;
}

void
loy__chol_forward(const double *L, size_t n, double *b)
{
    size_t i, m;
    for (i = 0; i < n; i++) {
        double s = b[i];
        for (m = 0; m < i; m++)
            s -= L[i * n + m] * b[m];
        b[i] = s / L[i * n + i];
    }
}

void
loy__chol_solve(const double *L, size_t n, double *b)
{
    size_t i, m;
    loy__chol_forward(L, n, b);
    for (i = n; i-- > 0;) {
        double s = b[i];
        for (m = i + 1; m < n; m++)
            s -= L[m * n + i] * b[m];
        b[i] = s / L[i * n + i];
    }
}

void
loy__chol_inverse(const double *L, size_t n, double *Ainv)
{
    size_t i, j, m;
    /* Column j of A^-1 solves A x = e_j; only the lower part is computed
     * by solving, the matrix is then mirrored. */
    for (j = 0; j < n; j++) {
        double *x = Ainv + j * n; /* row j used as scratch for column j */
        for (i = 0; i < n; i++)
            x[i] = (i == j) ? 1.0 : 0.0;
        /* forward: entries above j stay 0 */
        for (i = j; i < n; i++) {
            double s = x[i];
            for (m = j; m < i; m++)
                s -= L[i * n + m] * x[m];
            x[i] = s / L[i * n + i];
        }
        for (i = n; i-- > 0;) {
            double s = x[i];
            for (m = i + 1; m < n; m++)
                s -= L[m * n + i] * x[m];
            x[i] = s / L[i * n + i];
        }
    }
    /* A^-1 is symmetric; symmetrise away the rounding differences. */
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++) {
            double v = 0.5 * (Ainv[i * n + j] + Ainv[j * n + i]);
            Ainv[i * n + j] = Ainv[j * n + i] = v;
        }
}

/* One Jacobi rotation annihilating B[p][q] (B symmetric, full storage). */
static void
jacobi_rotate(double *B, double *V, size_t n, size_t p, size_t q)
{
    double app = B[p * n + p], aqq = B[q * n + q], apq = B[p * n + q];
    double theta = (aqq - app) / (2.0 * apq);
    double t = (theta >= 0.0 ? 1.0 : -1.0)
               / (fabs(theta) + sqrt(theta * theta + 1.0));
    double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
    size_t r;
    for (r = 0; r < n; r++) {
        double brp = B[r * n + p], brq = B[r * n + q];
        B[r * n + p] = c * brp - s * brq;
        B[r * n + q] = s * brp + c * brq;
    }
    for (r = 0; r < n; r++) {
        double bpr = B[p * n + r], bqr = B[q * n + r];
        B[p * n + r] = c * bpr - s * bqr;
        B[q * n + r] = s * bpr + c * bqr;
    }
    B[p * n + q] = B[q * n + p] = 0.0;
    for (r = 0; r < n; r++) {
        double vrp = V[r * n + p], vrq = V[r * n + q];
        V[r * n + p] = c * vrp - s * vrq;
        V[r * n + q] = s * vrp + c * vrq;
    }
}

/* Sort eigenvalues descending, permuting the columns of V alike. */
static void
eigen_sort(double *lambda, double *V, size_t n)
{
    size_t i, j, r;
    for (i = 0; i + 1 < n; i++) {
        size_t best = i;
        for (j = i + 1; j < n; j++)
            if (lambda[j] > lambda[best])
                best = j;
        if (best != i) {
            double t = lambda[i];
            lambda[i] = lambda[best];
            lambda[best] = t;
            for (r = 0; r < n; r++) {
                t = V[r * n + i];
                V[r * n + i] = V[r * n + best];
                V[r * n + best] = t;
            }
        }
    }
}

int
loy__sym_eigen(const double *A, size_t n, double *lambda, double *V,
               double *work)
{
    double *B = work;
    double scale = 0.0;
    size_t i, j;
    int sweep;
    memcpy(B, A, n * n * sizeof *B);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++) {
            V[i * n + j] = (i == j) ? 1.0 : 0.0;
            scale += B[i * n + j] * B[i * n + j];
        }
    for (sweep = 0; sweep < 100; sweep++) {
        double off = 0.0;
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                off += B[i * n + j] * B[i * n + j];
        if (off <= 1e-34 * scale || off == 0.0) {
            for (i = 0; i < n; i++)
                lambda[i] = B[i * n + i];
            eigen_sort(lambda, V, n);
            return LOY_OK;
        }
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                if (B[i * n + j] != 0.0)
                    jacobi_rotate(B, V, n, i, j);
    }
    for (i = 0; i < n; i++)
        lambda[i] = B[i * n + i];
    eigen_sort(lambda, V, n);
    return LOY_ENOCONV;
}

double
loy__t_two_sided(double t, double df)
{
    double p = 1.0;
    if (!(df > 0.0) || !loy__finite(t))
        return loy__finite(t) ? 1.0 : 0.0;
    if (loy__betainc(0.5 * df, 0.5, df / (df + t * t), &p) != LOY_OK)
        p = 1.0;
    return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

double
loy__f_upper(double f, double d1, double d2)
{
    double p = 1.0;
    if (!(f > 0.0))
        return 1.0;
    if (!loy__finite(f))
        return 0.0;
    if (loy__betainc(0.5 * d2, 0.5 * d1, d2 / (d2 + d1 * f), &p) != LOY_OK)
        p = 1.0;
    return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}
