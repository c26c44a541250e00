/* SPDX-License-Identifier: MIT */
/*
 * csv.c - streaming RFC 4180 reader (see csv.h).
 *
 * The buffer holds a window of the file. A record is first located (its end
 * is the first line break outside quotes) and, if it runs past the window,
 * the unread tail is moved to the front and more is read, growing the
 * buffer only for records longer than it. Then the record is split in place:
 * unquoted fields are NUL-terminated where they stand and quoted fields are
 * unescaped in place (never longer than their raw text), so the common path
 * copies nothing and allocates nothing.
 */
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CSV_CHUNK /* the fuzz harness sets a tiny window */
#define CSV_CHUNK ((size_t)1 << 20)
#endif

struct csv_reader {
    FILE *fp;
    int owns_fp;
    char *path;
    char *buf;          /* window of the file, size cap (+1 for a NUL) */
    size_t cap, beg, end;
    int eof;
    char delim;
    csv_dialect dialect;
    int pending;        /* no header: the first record is not yet returned */
    uint64_t line;      /* line on which the next record starts */
    uint64_t rec_line;  /* line of the current record */
    const char **fields;
    size_t *lens;
    size_t nfields, fcap;
    char **header;
    size_t ncols;
    char err[160];
};

static int
fill(csv_reader *r)
{
    size_t n;
    if (r->eof)
        return 0;
    if (r->beg > 0) {
        memmove(r->buf, r->buf + r->beg, r->end - r->beg);
        r->end -= r->beg;
        r->beg = 0;
    }
    if (r->end == r->cap) {
        char *nb = realloc(r->buf, 2 * r->cap + 1);
        if (nb == NULL) {
            snprintf(r->err, sizeof r->err, "out of memory (record too long)");
            return -1;
        }
        r->buf = nb;
        r->cap *= 2;
    }
    n = fread(r->buf + r->end, 1, r->cap - r->end, r->fp);
    if (n == 0) {
        if (ferror(r->fp)) {
            snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
            return -1;
        }
        r->eof = 1;
        return 0;
    }
    r->end += n;
    return 1;
}

/* Quote state machine of find_record_end: a quote opens a quoted field
 * only at the start of a field, as RFC 4180 has it; elsewhere it is a
 * stray quote that split_quoted reports. */
enum { ST_START, ST_PLAIN, ST_QUOTED, ST_QUOTE_SEEN };

static int
next_state(int st, char ch, char delim)
{
    switch (st) {
    case ST_START:
        return ch == '"' ? ST_QUOTED : ch == delim ? ST_START : ST_PLAIN;
    case ST_QUOTED:
        return ch == '"' ? ST_QUOTE_SEEN : ST_QUOTED;
    case ST_QUOTE_SEEN:
        return ch == '"' ? ST_QUOTED : ch == delim ? ST_START : ST_PLAIN;
    default:
        return ch == delim ? ST_START : ST_PLAIN;
    }
}

/* Find the end of the record starting at r->beg: sets *rec_end to the index
 * of its terminating '\n' (or r->end at EOF). Returns 1 when found, 0 when
 * more data is needed, -1 on an unterminated quote at EOF. */
static int
find_record_end(const csv_reader *r, size_t *rec_end, int *quoted)
{
    const char *b = r->buf;
    const char *nl = memchr(b + r->beg, '\n', r->end - r->beg);
    size_t stop = nl ? (size_t)(nl - b) : r->end;
    size_t i;
    int st = ST_START;
    *quoted = r->delim != CSV_WHITESPACE
              && memchr(b + r->beg, '"', stop - r->beg) != NULL;
    if (!*quoted) {
        *rec_end = stop;
        return nl != NULL || r->eof;
    }
    for (i = r->beg; i < r->end; i++) {
        if (b[i] == '\n' && st != ST_QUOTED) {
            *rec_end = i;
            return 1;
        }
        st = next_state(st, b[i], r->delim);
    }
    *rec_end = r->end;
    if (!r->eof)
        return 0;
    return st == ST_QUOTED ? -1 : 1;
}

static int
push_field(csv_reader *r, const char *p, size_t len)
{
    if (r->nfields == r->fcap) {
        size_t nc = r->fcap ? 2 * r->fcap : 16;
        const char **nf = realloc(r->fields, nc * sizeof *nf);
        size_t *nl;
        if (nf == NULL)
            return -1;
        r->fields = nf;
        nl = realloc(r->lens, nc * sizeof *nl);
        if (nl == NULL)
            return -1;
        r->lens = nl;
        r->fcap = nc;
    }
    r->fields[r->nfields] = p;
    r->lens[r->nfields] = len;
    r->nfields++;
    return 0;
}

/* Split an unquoted record [s, e) in place. */
static int
split_plain(csv_reader *r, char *s, char *e)
{
    for (;;) {
        char *d = memchr(s, r->delim, (size_t)(e - s));
        char *fe = d ? d : e;
        *fe = '\0';
        if (push_field(r, s, (size_t)(fe - s)) != 0)
            return -1;
        if (d == NULL)
            return 0;
        s = d + 1;
    }
}

/* Split a whitespace-separated record [s, e) in place. */
static int
split_blanks(csv_reader *r, char *s, char *e)
{
    for (;;) {
        char *fe;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s == e)
            return r->nfields == 0 ? push_field(r, s, 0) : 0;
        for (fe = s; fe < e && *fe != ' ' && *fe != '\t'; fe++)
            ;
        if (push_field(r, s, (size_t)(fe - s)) != 0)
            return -1;
        if (fe == e) {
            *fe = '\0';
            return 0;
        }
        *fe = '\0';
        s = fe + 1;
    }
}

/* Unescape the quoted field starting at s (on the opening quote) in place;
 * returns a pointer just past the closing quote or NULL if text follows
 * the closing quote before the delimiter. */
static char *
unquote(csv_reader *r, char *s, char *e, size_t *len, uint64_t *newlines)
{
    char *w = s, *p = s + 1;
    while (p < e) {
        if (*p == '"') {
            if (p + 1 < e && p[1] == '"') {
                *w++ = '"';
                p += 2;
                continue;
            }
            p++;
            *len = (size_t)(w - s);
            *w = '\0';
            return (p == e || *p == r->delim) ? p : NULL;
        }
        if (*p == '\n')
            (*newlines)++;
        *w++ = *p++;
    }
    return NULL;
}

/* Split a record containing quotes [s, e) in place. */
static int
split_quoted(csv_reader *r, char *s, char *e, uint64_t *newlines)
{
    for (;;) {
        char *fe;
        size_t len;
        if (s < e && *s == '"') {
            char *start = s;
            fe = unquote(r, s, e, &len, newlines);
            if (fe == NULL) {
                snprintf(r->err, sizeof r->err,
                         "malformed quoted field (text after the closing quote)");
                return -1;
            }
            if (push_field(r, start, len) != 0)
                return -1;
        } else {
            char *d = memchr(s, r->delim, (size_t)(e - s));
            fe = d ? d : e;
            if (memchr(s, '"', (size_t)(fe - s)) != NULL) {
                snprintf(r->err, sizeof r->err,
                         "stray quote inside an unquoted field");
                return -1;
            }
            if (push_field(r, s, (size_t)(fe - s)) != 0)
                return -1;
        }
        if (fe == e) {
            *fe = '\0';
            return 0;
        }
        *fe = '\0';
        s = fe + 1;
    }
}

static int
locate_record(csv_reader *r, size_t *rec_end, int *quoted)
{
    for (;;) {
        int f = find_record_end(r, rec_end, quoted);
        if (f == 1)
            return 1;
        if (f < 0) {
            snprintf(r->err, sizeof r->err, "unterminated quoted field");
            return -1;
        }
        f = fill(r);
        if (f < 0)
            return -1;
        if (f == 0 && r->end == r->beg)
            return 0;
    }
}

static int
is_blank_record(const char *s, const char *e)
{
    return e == s || (e == s + 1 && *s == '\r');
}

static int
blank_only(const char *s, const char *e)
{
    for (; s < e; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

int
csv_next(csv_reader *r)
{
    if (r->pending) {
        r->pending = 0;
        return 1;
    }
    for (;;) {
        size_t rec_end;
        int quoted, rc;
        uint64_t newlines = 0;
        char *s, *e;
        if (r->beg >= r->end && (rc = fill(r)) <= 0)
            return rc;
        /* An error while locating the record (an unterminated quote) is
         * reported on the line where the record starts. */
        r->rec_line = r->line;
        rc = locate_record(r, &rec_end, &quoted);
        if (rc <= 0)
            return rc;
        s = r->buf + r->beg;
        e = r->buf + rec_end;
        r->beg = rec_end < r->end ? rec_end + 1 : rec_end;
        if (e > s && e[-1] == '\r')
            e--;
        r->nfields = 0;
        if (is_blank_record(s, e)
            || (r->delim == CSV_WHITESPACE && blank_only(s, e))) {
            r->line++;
            continue;
        }
        rc = quoted ? split_quoted(r, s, e, &newlines)
             : r->delim == CSV_WHITESPACE ? split_blanks(r, s, e)
             : split_plain(r, s, e);
        r->line += 1 + newlines;
        if (rc != 0) {
            if (r->err[0] == '\0')
                snprintf(r->err, sizeof r->err, "out of memory");
            return -1;
        }
        return 1;
    }
}

/* Count candidate delimiters outside quotes in the header line. A line
 * with none of them but blanks between words is whitespace-separated. */
static char
detect_delimiter(const csv_reader *r)
{
    static const char cands[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0}, i, k, best = 0, inner_blanks = 0;
    int inq = 0, seen_word = 0, after_blank = 0;
    for (i = r->beg; i < r->end && (inq || r->buf[i] != '\n'); i++) {
        char ch = r->buf[i];
        if (ch == '"')
            inq = !inq;
        for (k = 0; k < 3 && !inq; k++)
            count[k] += ch == cands[k];
        if (ch == ' ') {
            after_blank = seen_word;
        } else if (ch != '\r') {
            inner_blanks += (size_t)after_blank;
            after_blank = 0;
            seen_word = 1;
        }
    }
    for (k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    if (count[best] == 0 && inner_blanks > 0)
        return CSV_WHITESPACE;
    return cands[best];
}

static void
skip_bom(csv_reader *r)
{
    if (r->end - r->beg >= 3 && memcmp(r->buf + r->beg, "\xEF\xBB\xBF", 3) == 0)
        r->beg += 3;
}

static char *
trimmed_copy(const char *s, size_t len)
{
    char *c;
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    c = malloc(len + 1);
    if (c != NULL) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

/* Without a header line the columns are called 1, 2, ... */
static char *
number_name(size_t i)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", i + 1);
    return trimmed_copy(buf, strlen(buf));
}

static int
read_header(csv_reader *r)
{
    size_t i;
    int rc = csv_next(r);
    if (rc <= 0) {
        if (rc == 0)
            snprintf(r->err, sizeof r->err, r->dialect.no_header
                     ? "empty file" : "empty file (no header line)");
        return -1;
    }
    r->header = calloc(r->nfields, sizeof *r->header);
    if (r->header == NULL)
        return -1;
    r->ncols = r->nfields;
    for (i = 0; i < r->nfields; i++) {
        r->header[i] = r->dialect.no_header ? number_name(i)
                       : trimmed_copy(r->fields[i], r->lens[i]);
        if (r->header[i] == NULL)
            return -1;
    }
    r->pending = r->dialect.no_header;
    return 0;
}

static int
open_stream(csv_reader *r, const char *path, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0) {
        r->fp = stdin;
        return 0;
    }
    r->fp = fopen(path, "rb");
    if (r->fp == NULL) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    r->owns_fp = 1;
    return 0;
}

static csv_reader *
fail_open(csv_reader *r, char *err, size_t errlen)
{
    if (r->err[0] != '\0')
        snprintf(err, errlen, "%s", r->err);
    else if (err[0] == '\0')
        snprintf(err, errlen, "out of memory");
    csv_close(r);
    return NULL;
}

csv_reader *
csv_open(const char *path, char delim, char *err, size_t errlen)
{
    csv_dialect d = {0, 0, 0, NULL};
    d.delim = delim;
    return csv_open_dialect(path, &d, err, errlen);
}

csv_reader *
csv_open_dialect(const char *path, const csv_dialect *dialect, char *err,
                 size_t errlen)
{
    csv_reader *r = calloc(1, sizeof *r);
    err[0] = '\0';
    if (r == NULL)
        return NULL;
    r->dialect = *dialect;
    r->line = 1;
    r->cap = CSV_CHUNK;
    r->buf = malloc(r->cap + 1);
    r->path = malloc(strlen(path) + 1);
    if (r->buf == NULL || r->path == NULL)
        return fail_open(r, err, errlen);
    strcpy(r->path, path);
    if (open_stream(r, path, err, errlen) != 0 || fill(r) < 0)
        return fail_open(r, err, errlen);
    skip_bom(r);
    r->delim = dialect->delim ? dialect->delim : detect_delimiter(r);
    r->dialect.delim = r->delim;
    if (r->dialect.decimal == 0)
        r->dialect.decimal = r->delim == ';' ? CSV_DECIMAL_AUTO : '.';
    if (read_header(r) != 0)
        return fail_open(r, err, errlen);
    return r;
}

void
csv_close(csv_reader *r)
{
    size_t i;
    if (r == NULL)
        return;
    if (r->owns_fp && r->fp != NULL)
        fclose(r->fp);
    for (i = 0; r->header != NULL && i < r->ncols; i++)
        free(r->header[i]);
    free(r->header);
    free(r->fields);
    free(r->lens);
    free(r->buf);
    free(r->path);
    free(r);
}

size_t
csv_nfields(const csv_reader *r)
{
    return r->nfields;
}

const char *
csv_field(const csv_reader *r, size_t i, size_t *len)
{
    if (i >= r->nfields) {
        if (len != NULL)
            *len = 0;
        return "";
    }
    if (len != NULL)
        *len = r->lens[i];
    return r->fields[i];
}

uint64_t
csv_line(const csv_reader *r)
{
    return r->rec_line;
}

size_t
csv_ncolumns(const csv_reader *r)
{
    return r->ncols;
}

const char *
csv_column_name(const csv_reader *r, size_t i)
{
    return i < r->ncols ? r->header[i] : "";
}

static int
same_name(const char *a, const char *b)
{
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
    return *a == *b;
}

long
csv_column(const csv_reader *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->ncols; i++)
        if (same_name(r->header[i], name))
            return (long)i;
    return -1;
}

const csv_dialect *
csv_get_dialect(const csv_reader *r)
{
    return &r->dialect;
}

char
csv_delimiter(const csv_reader *r)
{
    return r->delim;
}

const char *
csv_path(const csv_reader *r)
{
    return r->path;
}

const char *
csv_error(const csv_reader *r)
{
    return r->err;
}
