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

/*
 * Numbers as people write them in exports: parse_number accepts what
 * parse_double accepts and also
 *   - the decimal separator `decimal` ('.' or ','); the other one, a blank,
 *     an apostrophe, a no-break or thin space may group thousands, but only
 *     in groups of exactly three digits ("1,234.50", "1.234,50",
 *     "1 234,50"), so "3,5" in point mode is an error, never 35 or 3;
 *   - a currency symbol ($ EUR-sign GBP-sign ...) or a three-letter ISO 4217
 *     code before or after the number ("$12.50", "12,50 EUR", "-$3");
 *   - an accounting negative in parentheses ("(12.50)").
 * Returns 0 on success, -1 otherwise.
 */
int parse_number(const char *s, size_t len, char decimal, double *out);

/*
 * Dates in a given layout: fmt holds %Y (4-digit year), %y (2-digit year,
 * 69-99 -> 19xx, 00-68 -> 20xx), %m (month, 1 or 2 digits), %b (English
 * month name or its first three letters, any case), %d (day, 1 or 2
 * digits), %% and literal characters; a time of day may follow as for
 * parse_date. Returns 0 on success, -1 otherwise.
 */
int parse_date_fmt(const char *s, size_t len, const char *fmt, int64_t *days,
                   double *frac);

/* 0 when fmt is a usable --date-format (a year, a month and a day, each
 * once, and nothing unknown), -1 otherwise. */
int date_fmt_check(const char *fmt);

/* Customer-id normalisation (--id-normalize). */
#define IDN_TRIM 0x1u       /* surrounding blanks */
#define IDN_CASE 0x2u       /* letter case (ASCII) */
#define IDN_ZEROS 0x4u      /* leading zeros of every digit run */

/* Normalise id (len bytes) with the IDN_* flags. Returns the new length
 * and points *out at the result: id itself when nothing changes, else buf
 * (cap bytes; ids longer than cap are left as they are). */
size_t idnorm_apply(unsigned flags, const char *id, size_t len, char *buf,
                    size_t cap, const char **out);

#endif
