/* SPDX-License-Identifier: MIT */
/*
 * csv.h - a streaming CSV reader (RFC 4180).
 *
 * Reads the file in chunks (never the whole file at once), so memory stays
 * bounded by the longest record. Handles a UTF-8 byte-order mark, CRLF or LF
 * line ends, quoted fields with doubled quotes and embedded delimiters or
 * line breaks, and detects the delimiter (',', ';', tab or blanks) from the
 * header line unless one is given. Blank lines are skipped. Every record knows the
 * physical line it starts on, for FILE:LINE messages.
 */
#ifndef LOYCLI_CSV_H
#define LOYCLI_CSV_H

#include <stddef.h>
#include <stdint.h>

typedef struct csv_reader csv_reader;

/* Delimiter value for whitespace-separated files: fields are separated by
 * runs of blanks (spaces, tabs), leading and trailing blanks are ignored
 * and quotes are ordinary characters. */
#define CSV_WHITESPACE ' '

/* Decimal separator of ';' files unless one is given: a number with a
 * comma has a decimal comma ("12,50", "1.234,50"), any other a decimal
 * point ("12.50"). */
#define CSV_DECIMAL_AUTO 'a'

/* How a file is written. Zero-initialised means: detect the delimiter,
 * the first line is the header, decimal point unless the delimiter is ';'. */
typedef struct csv_dialect {
    char delim;           /* ',', ';', '\t', CSV_WHITESPACE or 0: detect */
    int no_header;        /* 1: no header line; columns are named 1, 2, ... */
    char decimal;         /* '.', ',' or 0: CSV_DECIMAL_AUTO for ';' files,
                             else '.' */
    const char *date_fmt; /* NULL: ISO 8601 or YYYYMMDD (see parse.h) */
} csv_dialect;

/* Open `path` ("-" is standard input) and read its header line (or, with
 * no_header, the first record, which csv_next then returns first). delim
 * is ',', ';', '\t' or 0 to detect. On failure returns NULL and writes a
 * message (without the file name) to err. */
csv_reader *csv_open(const char *path, char delim, char *err, size_t errlen);
csv_reader *csv_open_dialect(const char *path, const csv_dialect *d, char *err,
                             size_t errlen);

/* The dialect in use (delimiter and decimal separator resolved). */
const csv_dialect *csv_get_dialect(const csv_reader *r);

/* Release the reader (NULL is fine). */
void csv_close(csv_reader *r);

/* Read the next record. Returns 1 for a record, 0 at the end of the file,
 * -1 on a malformed record or read error (message via csv_error; the
 * reader cannot continue after an error). */
int csv_next(csv_reader *r);

/* Fields of the current record (NUL-terminated, quotes removed). */
size_t csv_nfields(const csv_reader *r);
const char *csv_field(const csv_reader *r, size_t i, size_t *len);

/* Line number (1-based) where the current record starts. */
uint64_t csv_line(const csv_reader *r);

/* Header columns. csv_column returns the index of the column called name
 * (case-insensitive, surrounding blanks ignored) or -1. */
size_t csv_ncolumns(const csv_reader *r);
const char *csv_column_name(const csv_reader *r, size_t i);
long csv_column(const csv_reader *r, const char *name);

/* The delimiter in use, the file name given to csv_open, the last error. */
char csv_delimiter(const csv_reader *r);
const char *csv_path(const csv_reader *r);
const char *csv_error(const csv_reader *r);

#endif
