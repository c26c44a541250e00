/* SPDX-License-Identifier: MIT */
/*
 * parse.h - locale-free parsing of numbers and dates from CSV fields.
 *
 * The tool never calls setlocale, and these parsers do not consult the
 * locale at all: the decimal separator is always '.', there are no
 * thousands separators, and dates are ISO 8601 (YYYY-MM-DD, optionally
 * followed by a time) or YYYYMMDD.
 */
#ifndef LOYCLI_PARSE_H
#define LOYCLI_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parse a finite decimal number (leading/trailing blanks allowed). Returns 0
 * on success, -1 if the text is not a number, is empty or not finite. */
int parse_double(const char *s, size_t len, double *out);

/* Parse an integer in [lo, hi] written without a fraction ("7", " 10 ").
 * Returns 0 on success, -1 otherwise. */
int parse_int_range(const char *s, size_t len, long long lo, long long hi,
                    long long *out);

/* Parse a date (YYYY-MM-DD or YYYYMMDD, optionally followed by 'T' or ' '
 * and HH:MM[:SS[.frac]] and an optional 'Z' or +HH:MM offset, which is
 * ignored: the local calendar date counts). Writes the days since
 * 1970-01-01 to *days and the time of day as a fraction of a day (0 when
 * absent) to *frac. Returns 0 on success, -1 otherwise. */
int parse_date(const char *s, size_t len, int64_t *days, double *frac);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* Inverse of days_from_civil. */
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Format days since 1970-01-01 as YYYY-MM-DD into buf (at least 16 bytes). */
void format_date(int64_t days, char *buf, size_t size);

/* True when the field is empty or only blanks. */
int field_blank(const char *s, size_t len);

#endif
