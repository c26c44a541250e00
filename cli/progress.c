/* SPDX-License-Identifier: MIT */
/*
 * progress.c - progress lines on a terminal (see progress.h).
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void
progress_init(progress *p, const char *cmd)
{
    p->on = isatty(STDERR_FILENO);
    p->dirty = 0;
    p->cmd = cmd;
    p->start = p->last = p->on ? now_seconds() : 0.0;
}

void
progress_rows(progress *p, const char *what, uint64_t rows)
{
    double t;
    if (!p->on)
        return;
    t = now_seconds();
    if (t - p->last < 0.25)
        return;
    p->last = t;
    fprintf(stderr, "\r\033[Kloyalty %s: reading %s: %.1fM rows (%.0f s)", p->cmd,
            what, (double)rows / 1e6, t - p->start);
    fflush(stderr);
    p->dirty = 1;
}

void
progress_step(progress *p, const char *fmt, ...)
{
    va_list ap;
    if (!p->on)
        return;
    fprintf(stderr, "\r\033[Kloyalty %s: ", p->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (%.0f s)", now_seconds() - p->start);
    fflush(stderr);
    p->dirty = 1;
}

void
progress_clear(progress *p)
{
    if (!p->on || !p->dirty)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->dirty = 0;
}
