/* SPDX-License-Identifier: MIT */
/*
 * parallel.h - optional POSIX threads over rows, with results that do not
 * depend on the thread count (internal).
 *
 * The library is single-threaded unless a caller asks for threads
 * (loy_fit_options::threads, loy_predict_options::threads). Work is cut
 * into pieces that do not depend on the thread count, so one thread and
 * eight give the same bytes:
 * - per-row outputs (predictions): each row's value depends on that row
 *   (and on tables built before the split) only;
 * - sums (likelihoods and gradients of fits): fixed blocks of rows, a
 *   partial sum per block, and the partials combined in block order on
 *   the calling thread.
 * A thread that cannot be created is not an error: its share runs on the
 * calling thread, with the same result.
 */
#ifndef LOY_PARALLEL_H
#define LOY_PARALLEL_H

#include "core/internal.h"

/* Fewest rows worth a thread of their own. */
#define LOY__PAR_MIN_ROWS 4096u

/*
 * Rows [i0, i1) of a per-row computation. Returns LOY_OK, or a status and
 * the first failing row in *bad (rows after it untouched by this call).
 */
typedef int (*loy__rows_fn)(void *ctx, size_t i0, size_t i1, size_t *bad);

/*
 * Run fn over rows [0, n) on up to `threads` threads (0 and 1: the calling
 * thread only), in contiguous ranges. Returns LOY_OK or the status of the
 * lowest failing row, whose index goes to *err_index (rows before it are
 * done; with several threads rows after it may be done too).
 */
int loy__par_rows(uint32_t threads, size_t n, loy__rows_fn fn, void *ctx,
                  size_t *err_index);

/* Task `task` of a set of independent tasks; it cannot fail. */
typedef void (*loy__task_fn)(void *ctx, size_t task);

/*
 * Run tasks [0, ntasks) on up to `threads` threads (0 and 1: the calling
 * thread only), dealt in turn: thread t runs tasks t, t + nt, ... Each
 * task must write only its own outputs, so that the results do not depend
 * on the thread count. For work too small to split by rows (tables with
 * one entry per x, partial results per share of the rows).
 */
void loy__par_tasks(uint32_t threads, size_t ntasks, loy__task_fn fn,
                    void *ctx);

/*
 * Partial sums of rows [i0, i1) into acc[0..width-1] (zeroed by the
 * caller). Returns LOY_OK or an error status.
 */
typedef int (*loy__sum_fn)(void *ctx, size_t i0, size_t i1, double *acc);

/*
 * out[j] = sum over rows [0, n) of fn's partials, width <= 8: rows cut in
 * blocks of `block` rows, one partial per block, the partials added in
 * block order with compensation. The result is the same for every thread
 * count. Returns LOY_OK, fn's error (that of the lowest failing block), or
 * LOY_ENOMEM (no room for the partials).
 */
int loy__par_sum(uint32_t threads, size_t n, size_t block, size_t width,
                 loy__sum_fn fn, void *ctx, double *out);

#endif /* LOY_PARALLEL_H */
