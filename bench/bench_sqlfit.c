/* SPDX-License-Identifier: MIT */
/*
 * bench_sqlfit.c - the C side of the SQL fit benchmark
 * (bench/bench_postgresql.sh): reads customers (x,t_x,T per line, CSV
 * without header) exported from the database and times loy_bgnbd_fit() on
 * them, best of N runs. Prints "c_fit_ms <best> <params>".
 *
 *     bench_sqlfit FILE [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "loyalty.h"

static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
    FILE *f;
    size_t cap = 1u << 20, n = 0;
    double *x, *tx, *T, p[4], best = 1e300;
    int runs = argc > 2 ? atoi(argv[2]) : 5, r;
    if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: bench_sqlfit FILE [RUNS]\n");
        return 2;
    }
    x = malloc(cap * sizeof *x);
    tx = malloc(cap * sizeof *tx);
    T = malloc(cap * sizeof *T);
    while (x != NULL && tx != NULL && T != NULL
           && fscanf(f, "%lf,%lf,%lf", &x[n], &tx[n], &T[n]) == 3) {
        if (++n == cap) {
            cap *= 2;
            x = realloc(x, cap * sizeof *x);
            tx = realloc(tx, cap * sizeof *tx);
            T = realloc(T, cap * sizeof *T);
        }
    }
    fclose(f);
    if (x == NULL || tx == NULL || T == NULL || n == 0) {
        fprintf(stderr, "no customers read\n");
        return 1;
    }
    for (r = 0; r < runs; r++) {
        double t0 = now_ms(), dt;
        int rc = loy_bgnbd_fit(p, x, tx, T, NULL, n, NULL, NULL, NULL);
        dt = now_ms() - t0;
        if (rc != LOY_OK && rc != LOY_ENOCONV) {
            fprintf(stderr, "fit failed: %s\n", loy_strerror(rc));
            return 1;
        }
        if (dt < best)
            best = dt;
    }
    printf("c_fit_ms %.1f customers %zu params %.4f %.4f %.4f %.4f\n", best, n,
           p[0], p[1], p[2], p[3]);
    free(x);
    free(tx);
    free(T);
    return 0;
}
