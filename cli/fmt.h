/* SPDX-License-Identifier: MIT */
/*
 * fmt.h - numbers for people: thousands separators, currency, nice-number
 * axis ticks (the HTML report).
 */
#ifndef LOYCLI_FMT_H
#define LOYCLI_FMT_H

#include <stddef.h>

/* v with `decimals` digits and thousands separated by ',' ("1,234.5");
 * "n/a" for NaN or infinity. Returns buf. */
const char *fmt_grouped(char *buf, size_t size, double v, int decimals);

/* Money: fmt_grouped with the currency: a symbol goes before the number
 * ("$1,234", "-EUR-sign 5"), a code or word after it ("1,234 CHF"); no
 * currency (NULL or "") gives the bare number. Returns buf. */
const char *fmt_money(char *buf, size_t size, double v, const char *currency,
                      int decimals);

/* Short money for axis ticks: 950, 1.5k, 12k, 2.5M (with the currency). */
const char *fmt_money_short(char *buf, size_t size, double v,
                            const char *currency);

/* Nice axis: a step of 1, 2, 2.5 or 5 times a power of ten giving about
 * `ticks` intervals on [0, max] (max > 0); *top is the first multiple of
 * the step >= max. Returns the step. */
double nice_step(double max, int ticks, double *top);

/* Approximate width in pixels of text at font size px (for layout: no
 * script measures text in the page; the overlap test checks the result). */
double text_width(const char *s, double px);

#endif
