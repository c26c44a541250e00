/* SPDX-License-Identifier: MIT */
/*
 * parallel.c - optional POSIX threads with results independent of the
 * thread count (see parallel.h). Threads are created per call: a call
 * worth threading runs for milliseconds, thread creation costs tens of
 * microseconds, and no pool means no global state and nothing to shut
 * down.
 */
#include "numeric/parallel.h"

#include "loyalty/btyd.h"

#include <pthread.h>
#include <stdlib.h>

#define PAR_MAX_WIDTH 8u
#define PAR_STACK_BLOCKS 64u

/* Threads worth starting for n items of which each thread needs `min`
 * (at least 1, at most LOY_MAX_THREADS). */
static size_t
par_threads(uint32_t threads, size_t n, size_t min)
{
    size_t t = threads > 1u ? (size_t)threads : 1u;
    size_t most = n / min;
    if (t > most)
        t = most > 1u ? most : 1u;
    return t < LOY_MAX_THREADS ? t : LOY_MAX_THREADS;
}

/*
 * Run nt jobs (an array of `size`-byte jobs that run() takes one of): job
 * 0 on the calling thread, the others on threads of their own; a thread
 * that cannot start runs its job on the calling thread, with the same
 * result.
 */
static void
par_run_jobs(void *(*run)(void *), void *jobs, size_t size, size_t nt)
{
    pthread_t th[LOY_MAX_THREADS];
    int started[LOY_MAX_THREADS];
    char *j = jobs;
    size_t t;
    for (t = 1; t < nt; t++)
        started[t] = pthread_create(&th[t], NULL, run, j + t * size) == 0;
    run(j);
    for (t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(th[t], NULL);
        else
            run(j + t * size);
    }
}

/* ------------------------------------------------------------------ */
/* Per-row work                                                        */
/* ------------------------------------------------------------------ */

typedef struct par_rows_job {
    loy__rows_fn fn;
    void *ctx;
    size_t i0, i1, bad;
    int rc;
} par_rows_job;

static void *
par_rows_run(void *arg)
{
    par_rows_job *j = arg;
    j->rc = j->fn(j->ctx, j->i0, j->i1, &j->bad);
    return NULL;
}

int
loy__par_rows(uint32_t threads, size_t n, loy__rows_fn fn, void *ctx,
              size_t *err_index)
{
    par_rows_job jobs[LOY_MAX_THREADS];
    size_t t, nt = par_threads(threads, n, LOY__PAR_MIN_ROWS);
    if (nt <= 1u) {
        size_t bad = 0;
        int rc = fn(ctx, 0, n, &bad);
        if (rc != LOY_OK)
            loy__set_index(err_index, bad);
        return rc;
    }
    for (t = 0; t < nt; t++) {
        jobs[t].fn = fn;
        jobs[t].ctx = ctx;
        jobs[t].i0 = n / nt * t;
        jobs[t].i1 = t + 1 == nt ? n : n / nt * (t + 1);
        jobs[t].bad = 0;
        jobs[t].rc = LOY_OK;
    }
    par_run_jobs(par_rows_run, jobs, sizeof jobs[0], nt);
    for (t = 0; t < nt; t++)
        if (jobs[t].rc != LOY_OK) {
            loy__set_index(err_index, jobs[t].bad);
            return jobs[t].rc;
        }
    return LOY_OK;
}

/* ------------------------------------------------------------------ */
/* Independent tasks                                                   */
/* ------------------------------------------------------------------ */

typedef struct par_task_job {
    loy__task_fn fn;
    void *ctx;
    size_t first, step, n;
} par_task_job;

static void *
par_task_run(void *arg)
{
    par_task_job *j = arg;
    size_t k;
    for (k = j->first; k < j->n; k += j->step)
        j->fn(j->ctx, k);
    return NULL;
}

void
loy__par_tasks(uint32_t threads, size_t ntasks, loy__task_fn fn, void *ctx)
{
    par_task_job jobs[LOY_MAX_THREADS];
    size_t t, nt = par_threads(threads, ntasks, 1u);
    for (t = 0; t < nt; t++) {
        jobs[t].fn = fn;
        jobs[t].ctx = ctx;
        jobs[t].first = t;
        jobs[t].step = nt;
        jobs[t].n = ntasks;
    }
    par_run_jobs(par_task_run, jobs, sizeof jobs[0], nt);
}

/* ------------------------------------------------------------------ */
/* Sums                                                                */
/* ------------------------------------------------------------------ */

/*
 * Blocks are dealt to the jobs in turn (job t takes blocks t, t + nt, ...)
 * rather than in contiguous shares: callers often group rows of unequal
 * cost (the BG/NBD fit puts its cheap x = 0 rows first), and contiguous
 * shares left one thread with the cheap rows and the other waiting on
 * the dear ones.
 */
typedef struct par_sum_job {
    loy__sum_fn fn;
    void *ctx;
    size_t n, nb, block, width;
    size_t first, step; /* blocks first, first + step, ... of this job */
    double *part;  /* width per block, all blocks */
    int *rc;       /* status per block */
} par_sum_job;

static void *
par_sum_run(void *arg)
{
    par_sum_job *j = arg;
    size_t b, k;
    for (b = j->first; b < j->nb; b += j->step) {
        size_t i0 = b * j->block, i1 = i0 + j->block;
        double *acc = j->part + b * j->width;
        for (k = 0; k < j->width; k++)
            acc[k] = 0.0;
        j->rc[b] = j->fn(j->ctx, i0, i1 < j->n ? i1 : j->n, acc);
        if (j->rc[b] != LOY_OK)
            break; /* the sum stops at the first failing block: this job's
                    * later blocks come after it */
    }
    return NULL;
}

int
loy__par_sum(uint32_t threads, size_t n, size_t block, size_t width,
             loy__sum_fn fn, void *ctx, double *out)
{
    double part_s[PAR_STACK_BLOCKS * PAR_MAX_WIDTH], *part = part_s;
    int rc_s[PAR_STACK_BLOCKS], *rcs = rc_s;
    par_sum_job jobs[LOY_MAX_THREADS];
    int rc = LOY_OK;
    size_t nb = n == 0 ? 0 : (n - 1) / block + 1, nt, t, b, k;
    loy__ksum acc[PAR_MAX_WIDTH];
    if (width > PAR_MAX_WIDTH || block == 0)
        return LOY_EINVAL;
    if (nb > PAR_STACK_BLOCKS) {
        part = malloc(nb * width * sizeof *part);
        rcs = malloc(nb * sizeof *rcs);
        if (part == NULL || rcs == NULL) {
            free(part);
            free(rcs);
            return LOY_ENOMEM;
        }
    }
    nt = par_threads(threads, nb, (LOY__PAR_MIN_ROWS + block - 1) / block);
    for (b = 0; b < nb; b++)
        rcs[b] = LOY_OK;
    for (t = 0; t < nt; t++) {
        jobs[t].fn = fn;
        jobs[t].ctx = ctx;
        jobs[t].n = n;
        jobs[t].block = block;
        jobs[t].width = width;
        jobs[t].nb = nb;
        jobs[t].first = t;
        jobs[t].step = nt;
        jobs[t].part = part;
        jobs[t].rc = rcs;
    }
    par_run_jobs(par_sum_run, jobs, sizeof jobs[0], nt);
    /* combine in block order: the same sequence for any thread count */
    for (k = 0; k < width; k++)
        acc[k].sum = acc[k].c = 0.0;
    for (b = 0; b < nb && rc == LOY_OK; b++) {
        if (rcs[b] != LOY_OK) {
            rc = rcs[b];
            break;
        }
        for (k = 0; k < width; k++)
            loy__ksum_add(&acc[k], part[b * width + k]);
    }
    if (rc == LOY_OK)
        for (k = 0; k < width; k++)
            out[k] = loy__ksum_value(&acc[k]);
    if (part != part_s) {
        free(part);
        free(rcs);
    }
    return rc;
}
