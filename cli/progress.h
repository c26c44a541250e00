/* SPDX-License-Identifier: MIT */
/*
 * progress.h - progress on standard error for long reads and fits, shown
 * only when standard error is a terminal (never in pipes, files or CI
 * logs), redrawn in place at most four times a second.
 */
#ifndef LOYCLI_PROGRESS_H
#define LOYCLI_PROGRESS_H

#include <stdint.h>

typedef struct progress {
    int on;                 /* standard error is a terminal */
    int dirty;              /* a progress line is on the screen */
    const char *cmd;
    double start, last;     /* seconds (monotonic clock) */
} progress;

/* Start; `on` follows isatty(2). */
void progress_init(progress *p, const char *cmd);

/* Rows read so far from `what` (redrawn at most every 0.25 s). */
void progress_rows(progress *p, const char *what, uint64_t rows);

/* A step that is about to start, e.g. "fitting Pareto/NBD (2 of 3)". */
void progress_step(progress *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Clear the progress line (before normal output or at the end). */
void progress_clear(progress *p);

#endif
