/* SPDX-License-Identifier: MIT */
/*
 * optim.h - unconstrained minimisation for maximum-likelihood fits
 * (internal). Models minimise over log-parameters.
 */
#ifndef LOY_OPTIM_H
#define LOY_OPTIM_H

#include "core/internal.h"

/*
 * Objective: value at theta (length k) into *f and, when grad is not NULL,
 * the gradient into grad[0..k-1]. Returns LOY_OK, or an error code when
 * the point is unusable (the optimiser then backtracks; a non-finite *f is
 * treated the same way).
 */
/* Largest number of variables loy__minimize accepts. */
#define LOY__OPTIM_MAX_K 16

typedef int (*loy__objective)(void *ctx, const double *theta, size_t k,
                              double *f, double *grad);

typedef struct loy__optim_options {
    uint32_t max_iter;  /* 0: 500 */
    double gtol;        /* max |grad| at convergence; 0: 1e-9 */
    uint32_t max_evals; /* objective evaluations; 0: LOY__OPTIM_MAX_EVALS */
    /* Boundary stop: when > 0, stop (LOY_ENOCONV, cap LOY__OPTIM_CAP_MOVE)
     * once a coordinate is farther than max_move from ref[] and a step
     * takes it farther still or a line search fails, or farther than
     * 2 max_move at all: a walk towards infinity, which the caller
     * handles (limits of a model family; an interior maximum that far out
     * is found by a second run without the stop). */
    double max_move;
    const double *ref;
} loy__optim_options;

/* Default cap on objective evaluations of one minimisation. */
#define LOY__OPTIM_MAX_EVALS 5000u

/* Why loy__minimize stopped without convergence (loy__optim_report.cap). */
enum {
    LOY__OPTIM_CAP_NONE,
    LOY__OPTIM_CAP_ITER,
    LOY__OPTIM_CAP_EVALS,
    LOY__OPTIM_CAP_MOVE
};

typedef struct loy__optim_report {
    double f;          /* objective at theta */
    double grad_norm;  /* max |grad| at theta */
    uint32_t iterations;
    uint32_t evaluations;
    int cap;           /* LOY__OPTIM_CAP_* */
} loy__optim_report;

/*
 * Minimise by BFGS with a line search (Wolfe conditions), falling back to
 * Nelder-Mead restarts if BFGS stalls. Bounded work: at most max_iter
 * iterations (a Nelder-Mead restart counts its steps as iterations) and
 * about max_evals evaluations of fn (one line search, at most 60, may
 * finish past the cap). theta holds the start and receives
 * the best point found. Returns LOY_OK on convergence, LOY_ENOCONV
 * otherwise (theta is still the best point), or the objective's error if
 * the start point itself is unusable (LOY_EDOMAIN if it returned LOY_OK
 * with a non-finite value or gradient). k <= LOY__OPTIM_MAX_K.
 *
 * Convergence means max |grad| <= gtol; the one exception: when no step
 * along the steepest descent direction lowers f beyond rounding noise and
 * max |grad| <= 100 gtol, the point is accepted (f is then flat to working
 * precision). rep->grad_norm always reports the true value.
 */
int loy__minimize(loy__objective fn, void *ctx, double *theta, size_t k,
                  const loy__optim_options *opts, loy__optim_report *rep);

/*
 * Hessian of fn at theta by central differences of the analytic gradient,
 * symmetrised, row-major k*k into H.
 */
int loy__hessian(loy__objective fn, void *ctx, const double *theta,
                 size_t k, double *H);

/*
 * Invert a symmetric positive-definite k*k matrix (Cholesky). Returns
 * LOY_EDEGENERATE if it is not positive definite.
 */
int loy__spd_inverse(const double *A, size_t k, double *Ainv);

#endif /* LOY_OPTIM_H */
