/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cli_csv.c - the CLI's CSV reader, its number, integer and date
 * parsers and the customer-id map.
 *
 * The reader runs on the input written to a file, with a 64-byte window
 * (CSV_CHUNK, set by fuzz/CMakeLists.txt) so that records straddle the
 * refills and the buffer grows; it must produce the records, fields and
 * line numbers of a direct RFC 4180 split of the whole input, and on a
 * malformed record stop with a message and the line where that record
 * starts. Every field goes through the parsers, checked against strtod,
 * strtoll and an independent calendar, and into the id map, checked
 * against a linear list of the ids seen.
 */
#include "fuzz_util.h"

#include <errno.h>
#include <unistd.h>

#include "csv.h"
#include "idmap.h"
#include "parse.h"

#define MAX_INPUT 32768
#define MAX_FIELDS (MAX_INPUT + 8) /* a field needs a byte, bar the first */
#define MAX_IDS 2048

/* ------------------------------------------------------------------ */
/* the direct split                                                    */
/* ------------------------------------------------------------------ */

typedef struct ref_record {
    size_t first, nfields; /* into the field arrays */
    uint64_t line;
} ref_record;

typedef struct ref_csv {
    char *text;                  /* unescaped field bytes */
    size_t off[MAX_FIELDS], len[MAX_FIELDS], nf;
    ref_record rec[MAX_FIELDS];
    size_t nrec;
    int error;                   /* ends in a malformed record */
    uint64_t error_line;
    char delim;
} ref_csv;

static void
push(ref_csv *r, const char *s, size_t len, size_t *used)
{
    memmove(r->text + *used, s, len); /* s is often that very place */
    r->off[r->nf] = *used;
    r->len[r->nf] = len;
    *used += len;
    r->nf++;
}

/* The delimiter detected from the header line in the first window. */
static char
detect(const char *b, size_t n)
{
    static const char cands[3] = {',', ';', '\t'};
    size_t count[3] = {0, 0, 0}, i, k, best = 0;
    int inq = 0;
    for (i = 0; i < n && (inq || b[i] != '\n'); i++) {
        if (b[i] == '"')
            inq = !inq;
        for (k = 0; k < 3 && !inq; k++)
            count[k] += b[i] == cands[k];
    }
    for (k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return cands[best];
}

/*
 * Split one record starting at b[*pos]: 1 record, 0 blank line, -1
 * malformed (unterminated quote, text after a closing quote). Advances
 * *pos past its line break and counts its lines in *lines.
 */
static int
split_record(ref_csv *r, const char *b, size_t n, size_t *pos, size_t *used,
             uint64_t *lines)
{
    size_t i = *pos, start = r->nf;
    char *field; /* scratch for one unescaped field, where it is kept */
    int any_quote = 0;
    size_t j, end;
    /* a record ends at the first line break outside quotes; a quote
     * opens a quoted field only at the start of a field */
    for (j = i; j < n && b[j] != '\n'; j++)
        any_quote |= b[j] == '"';
    if (!any_quote) {
        end = j;
    } else {
        int st = 0; /* 0 start, 1 plain, 2 quoted, 3 quote seen */
        for (end = i; end < n; end++) {
            char c = b[end];
            if (c == '\n' && st != 2)
                break;
            if (st == 0)
                st = c == '"' ? 2 : c == r->delim ? 0 : 1;
            else if (st == 2)
                st = c == '"' ? 3 : 2;
            else if (st == 3)
                st = c == '"' ? 2 : c == r->delim ? 0 : 1;
            else
                st = c == r->delim ? 0 : 1;
        }
        if (end == n && st == 2)
            return -1;
    }
    *pos = end < n ? end + 1 : end;
    if (end > i && b[end - 1] == '\r')
        end--;
    *lines = 1;
    if (end == i || (end == i + 1 && b[i] == '\r'))
        return 0; /* blank ("\r\r\n" too) */
    /* fields */
    for (;;) {
        size_t k = 0;
        field = r->text + *used;
        if (i < end && b[i] == '"') {
            i++;
            for (;;) {
                if (i >= end)
                    return -1;
                if (b[i] == '"') {
                    if (i + 1 < end && b[i + 1] == '"') {
                        field[k++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (b[i] == '\n')
                    ++*lines;
                field[k++] = b[i++];
            }
            if (i < end && b[i] != r->delim)
                return -1;
        } else {
            while (i < end && b[i] != r->delim) {
                if (b[i] == '"')
                    return -1;
                field[k++] = b[i++];
            }
        }
        push(r, field, k, used);
        if (i >= end)
            break;
        i++; /* the delimiter */
    }
    r->rec[r->nrec].first = start;
    r->rec[r->nrec].nfields = r->nf - start;
    return 1;
}

static void
ref_split(ref_csv *r, const char *b, size_t n, char delim)
{
    size_t pos = 0, used = 0;
    uint64_t line = 1;
    r->nf = r->nrec = 0;
    r->error = 0;
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    r->delim = delim ? delim : detect(b + pos, (n < 64 ? n : 64) - pos);
    while (pos < n) {
        uint64_t lines = 1;
        int rc = split_record(r, b, n, &pos, &used, &lines);
        if (rc < 0) {
            r->error = 1;
            r->error_line = line;
            return;
        }
        if (rc > 0)
            r->rec[r->nrec++].line = line;
        line += lines;
    }
}

/* ------------------------------------------------------------------ */
/* parsers                                                             */
/* ------------------------------------------------------------------ */

static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/* [+-]digits[.digits][e[+-]digits], at least one mantissa digit. */
static int
number_syntax(const char *s, size_t n)
{
    size_t i = 0, d = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        d++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            d++;
    if (d == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            e++;
        if (e == 0)
            return 0;
    }
    return i == n;
}

static void
check_double(const char *s0, size_t n0)
{
    static char buf[8192];
    const char *s = s0;
    size_t n = n0;
    double v = 12345.0, want;
    int rc = parse_double(s0, n0, &v);
    trim(&s, &n);
    if (!number_syntax(s, n)) {
        FZ_CHECK(rc == -1 && v == 12345.0);
        return;
    }
    if (n >= sizeof buf)
        return;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    want = strtod(buf, NULL);
    if (!isfinite(want)) {
        FZ_CHECK(rc == -1);
        return;
    }
    if (rc == -1) {
        FZ_CHECK(n >= 512); /* the documented limit of the slow path */
        return;
    }
    /* correctly rounded: the same bits as strtod */
    FZ_CHECK(memcmp(&v, &want, sizeof v) == 0);
}

static void
check_int(const char *s0, size_t n0, fz *f)
{
    static char buf[64];
    const char *s = s0;
    size_t n = n0, i = 0, digits;
    long long lo = (long long)(int32_t)fz_u32(f), hi = lo + fz_u16(f);
    long long v = 777, want;
    int rc = parse_int_range(s0, n0, lo, hi, &v), ok;
    trim(&s, &n);
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    digits = n - i;
    ok = digits >= 1 && digits <= 18;
    for (; ok && i < n; i++)
        ok = s[i] >= '0' && s[i] <= '9';
    if (!ok) {
        FZ_CHECK(rc == -1 && v == 777);
        return;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    want = strtoll(buf, NULL, 10);
    if (want < lo || want > hi) {
        FZ_CHECK(rc == -1 && v == 777);
        return;
    }
    FZ_CHECK(rc == 0 && v == want);
}

/* Days since 1970-01-01 by the Fliegel-Van Flandern Julian day number. */
static int64_t
jdn_days(int64_t y, int64_t m, int64_t d)
{
    int64_t a = (m - 14) / 12;
    int64_t jdn = (1461 * (y + 4800 + a)) / 4 + (367 * (m - 2 - 12 * a)) / 12
                  - (3 * ((y + 4900 + a) / 100)) / 4 + d - 32075;
    return jdn - 2440588;
}

static void
check_date(const char *s, size_t n)
{
    int64_t days = 99;
    double frac = -1.0;
    int rc = parse_date(s, n, &days, &frac);
    int64_t y;
    unsigned m, d;
    char buf[32], back[32];
    if (rc != 0) {
        FZ_CHECK(rc == -1 && days == 99);
        return;
    }
    FZ_CHECK(frac >= 0.0 && frac < 1.0);
    civil_from_days(days, &y, &m, &d);
    FZ_CHECK(y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    FZ_CHECK(jdn_days(y, m, d) == days);
    FZ_CHECK(days_from_civil(y, m, d) == days);
    /* the text starts (after blanks) with the date it was read as */
    format_date(days, buf, sizeof buf);
    snprintf(back, sizeof back, "%04u%02u%02u", (unsigned)y, m, d);
    trim(&s, &n);
    FZ_CHECK((n >= 10 && memcmp(s, buf, 10) == 0)
             || (n >= 8 && memcmp(s, back, 8) == 0));
}

/* ------------------------------------------------------------------ */
/* the id map                                                          */
/* ------------------------------------------------------------------ */

typedef struct ids {
    const char *s[MAX_IDS];
    size_t len[MAX_IDS];
    size_t n;
} ids;

static size_t
ids_find(const ids *t, const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < t->n; i++)
        if (t->len[i] == len && memcmp(t->s[i], s, len) == 0)
            return i;
    return (size_t)-1;
}

static void
check_ids(const ref_csv *r, fz *f)
{
    static ids seen;
    static const char *ptr[MAX_FIELDS];
    static size_t lens[MAX_FIELDS];
    static uint64_t idx[MAX_FIELDS];
    idmap *m = idmap_new();
    size_t i, k = 0;
    int batch = fz_bool(f);
    FZ_CHECK(m != NULL);
    seen.n = 0;
    for (i = 0; i < r->nf && seen.n < MAX_IDS; i++) {
        const char *s = r->text + r->off[i];
        size_t want = ids_find(&seen, s, r->len[i]);
        int fresh = want == (size_t)-1;
        if (fresh) {
            want = seen.n;
            seen.s[seen.n] = s;
            seen.len[seen.n++] = r->len[i];
        }
        if (batch) {
            ptr[k] = s;
            lens[k++] = r->len[i];
        } else {
            uint64_t got;
            int is_new = -1;
            FZ_CHECK(idmap_intern(m, s, r->len[i], &got, &is_new) == 0);
            FZ_CHECK(got == want && is_new == fresh);
            FZ_CHECK(idmap_count(m) == seen.n);
        }
    }
    if (batch) {
        FZ_CHECK(idmap_intern_batch(m, ptr, lens, k, idx) == 0);
        for (i = 0; i < k; i++)
            FZ_CHECK(idx[i] == ids_find(&seen, ptr[i], lens[i]));
    }
    FZ_CHECK(idmap_count(m) == seen.n);
    for (i = 0; i < seen.n; i++) {
        uint64_t got = 0;
        FZ_CHECK(idmap_find(m, seen.s[i], seen.len[i], &got) == 0 && got == i);
        FZ_CHECK(memcmp(idmap_name(m, i), seen.s[i], seen.len[i]) == 0);
    }
    idmap_free(m);
}

/* ------------------------------------------------------------------ */
/* the reader                                                          */
/* ------------------------------------------------------------------ */

static char path[64];

static void
remove_file(void)
{
    if (path[0] != '\0')
        unlink(path);
}

/* The input as a file (the reader opens paths). */
static void
write_file(const uint8_t *b, size_t n)
{
    FILE *fp;
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/loy-fuzz-csv-%ld.csv",
                 (long)getpid());
        atexit(remove_file);
    }
    fp = fopen(path, "wb");
    FZ_CHECK(fp != NULL);
    FZ_CHECK(n == 0 || fwrite(b, 1, n, fp) == n);
    FZ_CHECK(fclose(fp) == 0);
}

static void
check_reader(const uint8_t *b, size_t n, char delim, const ref_csv *ref)
{
    char err[256];
    csv_reader *r;
    size_t k, i;
    int rc;
    write_file(b, n);
    r = csv_open(path, delim, err, sizeof err);
    /* A detected header of blank-separated words opens the
     * whitespace-separated dialect, which this reference does not model
     * (the CLI's tests cover it): compare only the delimited dialects. */
    if (r != NULL && delim == 0 && csv_delimiter(r) == CSV_WHITESPACE) {
        csv_close(r);
        return;
    }
    if (ref->nrec == 0) {
        FZ_CHECK(r == NULL && err[0] != '\0');
        return;
    }
    FZ_CHECK(r != NULL);
    FZ_CHECK(csv_delimiter(r) == ref->delim);
    FZ_CHECK(csv_ncolumns(r) == ref->rec[0].nfields);
    for (k = 1; k <= ref->nrec; k++) {
        rc = csv_next(r);
        if (k == ref->nrec) {
            if (ref->error) {
                FZ_CHECK(rc == -1 && csv_error(r)[0] != '\0');
                FZ_CHECK(csv_line(r) == ref->error_line);
            } else {
                FZ_CHECK(rc == 0);
            }
            break;
        }
        FZ_CHECK(rc == 1);
        FZ_CHECK(csv_line(r) == ref->rec[k].line);
        FZ_CHECK(csv_nfields(r) == ref->rec[k].nfields);
        for (i = 0; i < ref->rec[k].nfields; i++) {
            size_t len = 0, j = ref->rec[k].first + i;
            const char *fld = csv_field(r, i, &len);
            FZ_CHECK(len == ref->len[j] && fld[len] == '\0');
            FZ_CHECK(memcmp(fld, ref->text + ref->off[j], len) == 0);
        }
    }
    csv_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ref_csv ref;
    static char text[1 << 16];
    static const char delims[4] = {0, ',', ';', '\t'};
    fz f = fz_init(data, size > 4 ? 4 : size);
    const char *b = (const char *)data + (size > 4 ? 4 : size);
    size_t n = size > 4 ? size - 4 : 0, i;
    char delim = delims[fz_u8(&f) & 3];
    if (n > MAX_INPUT)
        return 0;
    ref.text = text;
    ref_split(&ref, b, n, delim);
    check_reader((const uint8_t *)b, n, delim, &ref);
    /* the parsers on every field, and the raw input as one field */
    for (i = 0; i < ref.nf; i++) {
        const char *s = text + ref.off[i];
        check_double(s, ref.len[i]);
        check_int(s, ref.len[i], &f);
        check_date(s, ref.len[i]);
    }
    check_double(b, n < 600 ? n : 600);
    check_date(b, n < 40 ? n : 40);
    check_ids(&ref, &f);
    return 0;
}
