/* SPDX-License-Identifier: MIT */
/*
 * btyd.h - input validation shared by the continuous-time lifetime models
 * (BG/NBD, MBG/NBD, Pareto/NBD and the CLV built on them). Internal.
 */
#ifndef LOY_BTYD_H
#define LOY_BTYD_H

#include "core/internal.h"

/*
 * Validate `k` parameters: each finite (else LOY_ENONFINITE) and > 0 (else
 * LOY_EDOMAIN); err_index gets the position of the bad one, or
 * LOY_NO_INDEX.
 */
int loy__btyd_check_params(const double *params, size_t k, size_t *err_index);

/*
 * Validate customer rows (x, t_x, T) and optional weights w: x a finite
 * whole number >= 0, 0 <= t_x <= T, T > 0, x = 0 implies t_x = 0, weights
 * finite and >= 0. NaN/Inf -> LOY_ENONFINITE, out of range or non-integer
 * -> LOY_ESCALE, t_x > T or (x = 0, t_x > 0) -> LOY_EINCONSISTENT, with the
 * row in err_index (LOY_NO_INDEX on success).
 */
int loy__btyd_check_rows(const double *x, const double *t_x, const double *T,
                         const double *w, size_t n, size_t *err_index);

/*
 * The block test of loy__btyd_check_rows on one vector path
 * (core/internal.h's LOY__VPATH_*: two lanes on the baseline, four with
 * AVX2): *ok 1 when every row of the n passes, 0 when one may not (the
 * caller then checks row by row). Returns 1, or 0 when the build or the
 * CPU lacks the path (for tests, which compare the paths).
 */
int loy__btyd_rows_ok_lanes(int path, const double *x, const double *t_x,
                            const double *T, const double *w, size_t n,
                            int *ok);

/*
 * loy__btyd_check_rows() on up to `threads` threads (numeric/parallel.h):
 * the same status and err_index for every thread count. Scoring a
 * customer base checks every row before it scores any; on one thread
 * that check was about a tenth of a BG/NBD scoring's time in a profile,
 * with the other threads waiting.
 */
int loy__btyd_check_rows_par(const double *x, const double *t_x,
                             const double *T, const double *w, size_t n,
                             uint32_t threads, size_t *err_index);

/*
 * The whole argument check of a per-customer function: n > 0 (else
 * LOY_EEMPTY), x, t_x, T not NULL (else LOY_EINVAL), then the k
 * parameters (skipped when params is NULL) and the rows.
 */
int loy__btyd_check(const double *params, size_t k, const double *x,
                    const double *t_x, const double *T, const double *w,
                    size_t n, size_t *err_index);

/* loy__btyd_check() with the rows on up to `threads` threads. */
int loy__btyd_check_par(const double *params, size_t k, const double *x,
                        const double *t_x, const double *T, const double *w,
                        size_t n, uint32_t threads, size_t *err_index);

/*
 * Check a caller's prediction options (NULL: defaults) and read their
 * thread count. LOY_EINVAL for a struct_size below the first layout or
 * unknown flags.
 */
int loy__predict_threads(const loy_predict_options *opts, uint32_t *threads);

#endif /* LOY_BTYD_H */
