/* SPDX-License-Identifier: MIT */
/*
 * csv.h - a streaming CSV reader (RFC 4180).
 *
 * Reads the file in chunks (never the whole file at once), so memory stays
 * bounded by the longest record. Handles a UTF-8 byte-order mark, CRLF or LF
 * line ends, quoted fields with doubled quotes and embedded delimiters or
 * line breaks, and detects the delimiter (',', ';' or tab) from the header
 * line unless one is given. Blank lines are skipped. Every record knows the
 * physical line it starts on, for FILE:LINE messages.
 */
#ifndef LOYCLI_CSV_H
#define LOYCLI_CSV_H

#include <stddef.h>
#include <stdint.h>

typedef struct csv_reader csv_reader;

/* Open `path` ("-" is standard input) and read its header line. delim is
 * ',', ';', '\t' or 0 to detect. On failure returns NULL and writes a
 * message (without the file name) to err. */
csv_reader *csv_open(const char *path, char delim, char *err, size_t errlen);

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
