/* SPDX-License-Identifier: MIT */
/*
 * test_cli_csv.c - unit tests of the tool's CSV reader, number and date
 * parsers, output escaping and id table (cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"
#include "fmt.h"
#include "idmap.h"
#include "out.h"
#include "parse.h"

static double
num(const char *s)
{
    double v = -12345.0;
    assert_int_equal(parse_double(s, strlen(s), &v), 0);
    return v;
}

static int
bad_num(const char *s)
{
    double v;
    return parse_double(s, strlen(s), &v) != 0;
}

static void
test_numbers(void **state)
{
    (void)state;
    /* Exact values: the fast path must round like strtod. */
    assert_true(num("0.1") == 0.1);
    assert_true(num("12.50") == 12.5);
    assert_true(num(" -3 ") == -3.0);
    assert_true(num("+7") == 7.0);
    assert_true(num("1e3") == 1000.0);
    assert_true(num("2.5E-3") == 2.5e-3);
    assert_true(num(".5") == 0.5);
    assert_true(num("5.") == 5.0);
    assert_true(num("123456789.123456789") == 123456789.123456789);
    assert_true(num("0.30000000000000004") == 0.30000000000000004);
    assert_true(num("9007199254740993") == 9007199254740993.0);
    assert_true(num("1.7976931348623157e308") == 1.7976931348623157e308);
    assert_true(num("4.9e-324") == 4.9e-324);
    assert_true(num("0.000") == 0.0);
    assert_true(bad_num(""));
    assert_true(bad_num("  "));
    assert_true(bad_num("abc"));
    assert_true(bad_num("3,5"));       /* decimal comma: never silently 3 */
    assert_true(bad_num("1 000"));
    assert_true(bad_num("1e"));
    assert_true(bad_num("nan"));
    assert_true(bad_num("inf"));
    assert_true(bad_num("1e999"));
    assert_true(bad_num("0x10"));
    assert_true(bad_num("."));
    assert_true(bad_num("-"));
    assert_true(bad_num("12.5.1"));
}

static void
test_fast_path_matches_strtod(void **state)
{
    /* Random decimals: the locale-free parser equals strtod in "C". */
    uint64_t s = 88172645463325252ull;
    int i;
    (void)state;
    for (i = 0; i < 20000; i++) {
        char buf[64];
        double v;
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        snprintf(buf, sizeof buf, "%llu.%0*llu", (unsigned long long)(s % 1000000),
                 (int)(s >> 60) % 9 + 1, (unsigned long long)((s >> 20) % 100000000));
        assert_int_equal(parse_double(buf, strlen(buf), &v), 0);
        assert_true(v == strtod(buf, NULL));
    }
}

static int64_t
day(const char *s)
{
    int64_t d = -999999;
    double frac;
    assert_int_equal(parse_date(s, strlen(s), &d, &frac), 0);
    return d;
}

static int
bad_date(const char *s)
{
    int64_t d;
    double frac;
    return parse_date(s, strlen(s), &d, &frac) != 0;
}

static void
test_dates(void **state)
{
    char buf[32];
    int64_t d;
    double frac = -1.0;
    (void)state;
    assert_int_equal(day("1970-01-01"), 0);
    assert_int_equal(day("19700102"), 1);
    assert_int_equal(day("1969-12-31"), -1);
    assert_int_equal(day("2000-02-29"), 10957 + 59);
    assert_int_equal(day("2024-03-01") - day("2024-02-28"), 2);
    assert_int_equal(day("2023-03-01") - day("2023-02-28"), 1);
    assert_int_equal(day("1997-01-01"), 9862);
    assert_int_equal(day("2025-12-31T23:59:59Z"), day("2025-12-31"));
    assert_int_equal(day("2025-12-31 08:00"), day("20251231"));
    assert_int_equal(parse_date("2024-01-01T12:00:00+02:00", 25, &d, &frac), 0);
    assert_true(frac == 0.5);
    assert_true(bad_date("2023-02-29"));
    assert_true(bad_date("1900-02-29"));
    assert_true(bad_date("2024-13-01"));
    assert_true(bad_date("2024-00-10"));
    assert_true(bad_date("2024-04-31"));
    assert_true(bad_date("2024/01/01"));
    assert_true(bad_date("01.02.2024"));
    assert_true(bad_date("2024-01-01x"));
    assert_true(bad_date("2024-01-01T25:00"));
    assert_true(bad_date("2024011"));
    assert_true(bad_date(""));
    format_date(day("1999-12-31"), buf, sizeof buf);
    assert_string_equal(buf, "1999-12-31");
    format_date(-719468, buf, sizeof buf);
    assert_string_equal(buf, "0000-03-01");
}

static const char *
write_tmp(const char *name, const char *content, size_t len)
{
    static char path[256];
    FILE *fp;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/loycli_%ld_%s", dir ? dir : "/tmp",
             (long)getpid(), name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(content, 1, len, fp), len);
    fclose(fp);
    return path;
}

static void
expect_field(csv_reader *r, size_t i, const char *want)
{
    size_t len;
    const char *f = csv_field(r, i, &len);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(f, want, len);
}

static void
test_csv_bom_crlf_quotes(void **state)
{
    static const char text[] =
        "\xEF\xBB\xBF" "id;Score ;comment\r\n"
        "a;7;\"plain\"\r\n"
        "\r\n"
        "b;10;\"with ; and \"\"quotes\"\"\r\nover two lines\"\r\n"
        "c;;\r\n"
        "d;5";
    char err[128];
    const char *path = write_tmp("bom.csv", text, sizeof text - 1);
    csv_reader *r = csv_open(path, 0, err, sizeof err);
    (void)state;
    assert_non_null(r);
    assert_int_equal(csv_delimiter(r), ';');
    assert_int_equal(csv_ncolumns(r), 3);
    assert_string_equal(csv_column_name(r, 0), "id");
    assert_int_equal(csv_column(r, "score"), 1);   /* trimmed, any case */
    assert_int_equal(csv_column(r, "missing"), -1);
    assert_int_equal(csv_next(r), 1);
    assert_int_equal(csv_line(r), 2);
    expect_field(r, 2, "plain");
    assert_int_equal(csv_next(r), 1);               /* line 3 is blank */
    assert_int_equal(csv_line(r), 4);
    expect_field(r, 2, "with ; and \"quotes\"\r\nover two lines");
    assert_int_equal(csv_next(r), 1);
    assert_int_equal(csv_line(r), 6);               /* after the 2-line record */
    assert_int_equal(csv_nfields(r), 3);
    expect_field(r, 1, "");
    assert_int_equal(csv_next(r), 1);               /* no final newline */
    assert_int_equal(csv_line(r), 7);
    assert_int_equal(csv_nfields(r), 2);
    expect_field(r, 1, "5");
    assert_int_equal(csv_next(r), 0);
    assert_int_equal(csv_next(r), 0);
    csv_close(r);
    unlink(path);
}

static void
test_csv_detect_and_force_delimiter(void **state)
{
    static const char tab[] = "a\tb,c\tc\n1\t2,5\t3\n";
    char err[128];
    const char *path = write_tmp("tab.csv", tab, sizeof tab - 1);
    csv_reader *r = csv_open(path, 0, err, sizeof err);
    (void)state;
    assert_non_null(r);
    assert_int_equal(csv_delimiter(r), '\t');
    assert_int_equal(csv_next(r), 1);
    expect_field(r, 1, "2,5");
    csv_close(r);
    r = csv_open(path, ',', err, sizeof err);
    assert_non_null(r);
    assert_int_equal(csv_ncolumns(r), 2);
    csv_close(r);
    unlink(path);
}

static void
test_csv_malformed(void **state)
{
    static const char unterminated[] = "a,b\n1,\"open\n2,3\n";
    static const char trailing[] = "a,b\n1,\"x\"y\n";
    static const char stray[] = "a,b\n1,x\"y\n";
    char err[128];
    const char *path = write_tmp("bad1.csv", unterminated, sizeof unterminated - 1);
    csv_reader *r = csv_open(path, 0, err, sizeof err);
    (void)state;
    assert_non_null(r);
    assert_int_equal(csv_next(r), -1);
    assert_non_null(strstr(csv_error(r), "unterminated"));
    assert_int_equal(csv_line(r), 2);  /* where the broken record starts */
    csv_close(r);
    path = write_tmp("bad2.csv", trailing, sizeof trailing - 1);
    r = csv_open(path, 0, err, sizeof err);
    assert_int_equal(csv_next(r), -1);
    assert_int_equal(csv_line(r), 2);
    assert_non_null(strstr(csv_error(r), "closing quote"));
    csv_close(r);
    path = write_tmp("bad3.csv", stray, sizeof stray - 1);
    r = csv_open(path, 0, err, sizeof err);
    assert_int_equal(csv_next(r), -1);
    assert_non_null(strstr(csv_error(r), "stray quote"));
    csv_close(r);
    unlink(path);
    path = write_tmp("empty.csv", "", 0);
    assert_null(csv_open(path, 0, err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    unlink(path);
    assert_null(csv_open("/nonexistent/dir/x.csv", 0, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
}

/* Records crossing the 1 MiB read window, and one longer than it. */
static void
test_csv_chunk_boundaries(void **state)
{
    size_t n = 3u << 20, pos = 0, rows = 0, big = (1u << 20) + 12345;
    char *text = malloc(n + big + 64), err[128];
    const char *path;
    csv_reader *r;
    uint64_t expect_line = 2;
    (void)state;
    assert_non_null(text);
    pos += (size_t)sprintf(text, "id,v\n");
    while (pos < n) {
        pos += (size_t)sprintf(text + pos, "c%zu,\"%zu\"\n", rows, rows * 7);
        rows++;
    }
    text[pos++] = 'L';
    text[pos++] = ',';
    memset(text + pos, 'x', big);
    pos += big;
    text[pos++] = '\n';
    path = write_tmp("big.csv", text, pos);
    r = csv_open(path, 0, err, sizeof err);
    assert_non_null(r);
    for (size_t i = 0; i < rows; i++) {
        char want[32];
        assert_int_equal(csv_next(r), 1);
        assert_int_equal(csv_line(r), expect_line++);
        snprintf(want, sizeof want, "%zu", i * 7);
        expect_field(r, 1, want);
    }
    assert_int_equal(csv_next(r), 1);
    assert_int_equal(csv_nfields(r), 2);
    assert_int_equal(strlen(csv_field(r, 1, NULL)), big);
    assert_int_equal(csv_next(r), 0);
    csv_close(r);
    unlink(path);
    free(text);
}

static void
test_escaping(void **state)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    (void)state;
    assert_non_null(fp);
    out_json_string(fp, "a\"b\\c\n\t\x01" "\xC3\xA9");
    fputc('|', fp);
    out_csv_field(fp, "plain");
    fputc('|', fp);
    out_csv_field(fp, "x,\"y\"");
    fclose(fp);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\xC3\xA9\"|plain|\"x,\"\"y\"\"\"");
    free(buf);
}

/* Numbers written by the csv/json writers read back exactly, and the fast
 * path gives the short forms. */
static void
test_number_output(void **state)
{
    static const out_col col[1] = {{"v", 0, -1, 0}};
    static const double fixed[] = {0.0, 1.0, -3.0, 12.5, 0.1, 1e14 + 0.5,
                                   123456.789, 1.0 / 7.0, 2.0 / 3.0, 1e-7,
                                   6.02214076e23, -0.30000000000000004,
                                   9007199254740993.0, 5e-324, 1e300};
    uint64_t s = 1234567;
    char *buf = NULL, *p;
    size_t size = 0, i;
    FILE *fp = open_memstream(&buf, &size);
    out_w o;
    (void)state;
    out_init(&o, fp, OUT_CSV);
    out_table(&o, "t", "t", 1, col, 1);
    for (i = 0; i < sizeof fixed / sizeof *fixed; i++)
        out_cell_num(&o, fixed[i]);
    for (i = 0; i < 20000; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        out_cell_num(&o, (double)(s % 100000000) / (double)(1 + s % 977));
    }
    out_table_end(&o);
    fclose(fp);
    p = strchr(buf, '\n') + 1;
    assert_memory_equal(p, "0\n1\n-3\n12.5\n0.1\n100000000000000.5\n123456.789\n", 45);
    s = 1234567;
    for (i = 0; i < sizeof fixed / sizeof *fixed + 20000; i++) {
        char *end;
        double want = i < sizeof fixed / sizeof *fixed ? fixed[i] : 0.0;
        if (i >= sizeof fixed / sizeof *fixed) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            want = (double)(s % 100000000) / (double)(1 + s % 977);
        }
        assert_true(strtod(p, &end) == want);
        assert_int_equal(*end, '\n');
        assert_true(end - p <= 24);
        p = end + 1;
    }
    free(buf);
}

static void
test_idmap(void **state)
{
    idmap *m = idmap_new();
    uint64_t idx, i;
    int is_new;
    char name[32];
    (void)state;
    assert_non_null(m);
    for (i = 0; i < 50000; i++) {
        snprintf(name, sizeof name, "C%05llu", (unsigned long long)i);
        assert_int_equal(idmap_intern(m, name, strlen(name), &idx, &is_new), 0);
        assert_int_equal(idx, i);
        assert_true(is_new);
    }
    assert_int_equal(idmap_intern(m, "C00042", 6, &idx, &is_new), 0);
    assert_int_equal(idx, 42);
    assert_false(is_new);
    assert_int_equal(idmap_find(m, "C49999", 6, &idx), 0);
    assert_int_equal(idx, 49999);
    assert_int_equal(idmap_find(m, "C0004", 5, &idx), -1);
    assert_string_equal(idmap_name(m, 7), "C00007");
    assert_int_equal(idmap_count(m), 50000);
    idmap_free(m);
}

/* The prefetching batch gives the same indices as one lookup at a time,
 * for short and long ids, repeats and ids that differ after 8 bytes. */
static void
test_idmap_batch(void **state)
{
    enum { N = 30000 };
    static char text[N][40];
    static const char *ids[N];
    static size_t lens[N];
    static uint64_t got[N];
    idmap *a = idmap_new(), *b = idmap_new();
    uint64_t s = 99, want;
    size_t i;
    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    for (i = 0; i < N; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        if (s % 3 == 0)
            snprintf(text[i], sizeof text[i], "customer-with-a-long-id-%04llu",
                     (unsigned long long)(s % 5000));
        else
            snprintf(text[i], sizeof text[i], "%llu", (unsigned long long)(s % 7000));
        ids[i] = text[i];
        lens[i] = strlen(text[i]);
    }
    assert_int_equal(idmap_intern_batch(a, ids, lens, N, got), 0);
    for (i = 0; i < N; i++) {
        assert_int_equal(idmap_intern(b, ids[i], lens[i], &want, NULL), 0);
        assert_int_equal(got[i], want);
        assert_string_equal(idmap_name(a, got[i]), text[i]);
    }
    assert_int_equal(idmap_count(a), idmap_count(b));
    idmap_free(a);
    idmap_free(b);
}


/* Amounts as exports write them: separators, currencies, decimal comma. */
static double
amount(const char *s, char decimal)
{
    double v = -12345.0;
    assert_int_equal(parse_number(s, strlen(s), decimal, &v), 0);
    return v;
}

static int
bad_amount(const char *s, char decimal)
{
    double v;
    return parse_number(s, strlen(s), decimal, &v) != 0;
}

static void
test_amounts(void **state)
{
    (void)state;
    assert_true(amount("12.50", '.') == 12.5);
    assert_true(amount("1,234.50", '.') == 1234.5);
    assert_true(amount("1,234,567", '.') == 1234567.0);
    assert_true(amount("$1,200.00", '.') == 1200.0);
    assert_true(amount("-$3", '.') == -3.0);
    assert_true(amount("$-3", '.') == -3.0);
    assert_true(amount("(12.50)", '.') == -12.5);
    assert_true(amount("12.50 USD", '.') == 12.5);
    assert_true(amount("EUR 7", '.') == 7.0);
    assert_true(amount("\xE2\x82\xAC" "7", '.') == 7.0);          /* euro sign */
    assert_true(amount("7\xC2\xA0\xE2\x82\xAC", '.') == 7.0);     /* nbsp euro */
    assert_true(amount("\xC2\xA3" "1'234.5", '.') == 1234.5);     /* pound, 1'234 */
    assert_true(amount("12,50", ',') == 12.5);
    assert_true(amount("1.234,50", ',') == 1234.5);
    assert_true(amount("1 234,50", ',') == 1234.5);
    assert_true(amount("1\xE2\x80\xAF" "234,5 \xE2\x82\xAC", ',') == 1234.5);
    assert_true(amount("1e3", '.') == 1000.0);
    /* never a silently wrong number */
    assert_true(bad_amount("3,5", '.'));
    assert_true(bad_amount("12.50", ','));      /* "." groups thousands here */
    assert_true(bad_amount("1,23,456", '.'));
    assert_true(bad_amount("1,234.5,6", '.'));
    assert_true(bad_amount("1,234 567", '.'));  /* two kinds of separator */
    assert_true(bad_amount("$", '.'));
    assert_true(bad_amount("USD", '.'));
    assert_true(bad_amount("-(5)", '.'));
    assert_true(bad_amount("12 apples", '.'));
    assert_true(amount(",5", ',') == 0.5);        /* as ".5" in point mode */
    assert_true(bad_amount("1.234,5e3", ','));
}

static int64_t
fday(const char *s, const char *fmt)
{
    int64_t d = -999999;
    double frac;
    assert_int_equal(parse_date_fmt(s, strlen(s), fmt, &d, &frac), 0);
    return d;
}

static int
bad_fdate(const char *s, const char *fmt)
{
    int64_t d;
    double frac;
    return parse_date_fmt(s, strlen(s), fmt, &d, &frac) != 0;
}

static void
test_date_formats(void **state)
{
    int64_t want = day("2024-01-31");
    (void)state;
    assert_int_equal(fday("31.01.2024", "%d.%m.%Y"), want);
    assert_int_equal(fday("1/31/2024", "%m/%d/%Y"), want);
    assert_int_equal(fday("31 Jan 2024", "%d %b %Y"), want);
    assert_int_equal(fday("31 january 2024", "%d %b %Y"), want);
    assert_int_equal(fday("31/01/24", "%d/%m/%y"), want);
    assert_int_equal(fday("31/01/70", "%d/%m/%y"), day("1970-01-31"));
    assert_int_equal(fday("31.01.2024 08:15", "%d.%m.%Y"), want);
    assert_int_equal(fday("20240131", "%Y%m%d"), want);
    assert_true(bad_fdate("2024-01-31", "%d.%m.%Y"));
    assert_true(bad_fdate("30.02.2024", "%d.%m.%Y"));
    assert_true(bad_fdate("31 Jax 2024", "%d %b %Y"));
    assert_true(bad_fdate("31.01.2024x", "%d.%m.%Y"));
    assert_int_equal(date_fmt_check("%d.%m.%Y"), 0);
    assert_int_equal(date_fmt_check("%d %b %y"), 0);
    assert_int_equal(date_fmt_check("%Y"), -1);
    assert_int_equal(date_fmt_check("%d.%m.%Y %H"), -1);
    assert_int_equal(date_fmt_check("%d.%d.%Y"), -1);
    assert_int_equal(date_fmt_check("%d.%m.%Y%"), -1);
}

static void
test_id_normalize(void **state)
{
    char buf[64];
    const char *out;
    size_t n;
    (void)state;
    n = idnorm_apply(IDN_ZEROS, "0042", 4, buf, sizeof buf, &out);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "42", 2);
    n = idnorm_apply(IDN_ZEROS, "C007-0", 6, buf, sizeof buf, &out);
    assert_memory_equal(out, "C7-0", n);
    n = idnorm_apply(IDN_ZEROS, "100", 3, buf, sizeof buf, &out);
    assert_memory_equal(out, "100", n);
    n = idnorm_apply(IDN_TRIM | IDN_CASE, "  AbC ", 6, buf, sizeof buf, &out);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "abc", 3);
    {
        static const char x[] = "X";
        n = idnorm_apply(0, x, 1, buf, sizeof buf, &out);
        assert_ptr_equal(out, x);         /* unchanged: no copy */
        assert_int_equal(n, 1);
    }
}

static void
test_csv_whitespace_and_no_header(void **state)
{
    static const char text[] = " 00004 0001 19970101  2   29.33\n"
                               "\t00021  0002 19970101 3 63.34  \n\n";
    csv_dialect d = {0, 1, 0, NULL};
    char err[128];
    const char *path = write_tmp("ws.txt", text, sizeof text - 1);
    csv_reader *r = csv_open_dialect(path, &d, err, sizeof err);
    (void)state;
    assert_non_null(r);
    assert_int_equal(csv_delimiter(r), CSV_WHITESPACE);
    assert_int_equal(csv_ncolumns(r), 5);
    assert_string_equal(csv_column_name(r, 2), "3");
    assert_int_equal(csv_next(r), 1);               /* the first line is data */
    assert_int_equal(csv_line(r), 1);
    expect_field(r, 0, "00004");
    expect_field(r, 4, "29.33");
    assert_int_equal(csv_next(r), 1);
    assert_int_equal(csv_line(r), 2);
    assert_int_equal(csv_nfields(r), 5);
    expect_field(r, 1, "0002");
    expect_field(r, 4, "63.34");
    assert_int_equal(csv_next(r), 0);
    csv_close(r);
    unlink(path);
}

static void
test_csv_decimal_of_dialect(void **state)
{
    csv_dialect d = {0, 0, 0, NULL};
    char err[128];
    const char *path = write_tmp("semi.csv", "a;b\n1;2,5\n", 10);
    csv_reader *r = csv_open_dialect(path, &d, err, sizeof err);
    (void)state;
    assert_non_null(r);
    assert_int_equal(csv_get_dialect(r)->decimal, CSV_DECIMAL_AUTO);
    csv_close(r);
    d.decimal = '.';
    r = csv_open_dialect(path, &d, err, sizeof err);
    assert_int_equal(csv_get_dialect(r)->decimal, '.');
    csv_close(r);
    unlink(path);
    path = write_tmp("comma.csv", "a,b\n1,2\n", 8);
    d.decimal = 0;
    r = csv_open_dialect(path, &d, err, sizeof err);
    assert_int_equal(csv_get_dialect(r)->decimal, '.');
    csv_close(r);
    unlink(path);
}

static void
test_people_numbers(void **state)
{
    char buf[64];
    double top, step;
    (void)state;
    assert_string_equal(fmt_grouped(buf, sizeof buf, 1234567.891, 2), "1,234,567.89");
    assert_string_equal(fmt_grouped(buf, sizeof buf, -1234.5, 0), "-1,234");
    assert_string_equal(fmt_grouped(buf, sizeof buf, 999, 0), "999");
    assert_string_equal(fmt_grouped(buf, sizeof buf, -0.001, 2), "0.00");
    assert_string_equal(fmt_grouped(buf, sizeof buf, (double)NAN, 2), "n/a");
    assert_string_equal(fmt_money(buf, sizeof buf, 959465.33, "$", 0), "$959,465");
    assert_string_equal(fmt_money(buf, sizeof buf, -5, "$", 0), "-$5");
    assert_string_equal(fmt_money(buf, sizeof buf, 1234, "CHF", 0), "1,234 CHF");
    assert_string_equal(fmt_money(buf, sizeof buf, 1234, NULL, 1), "1,234.0");
    assert_string_equal(fmt_money_short(buf, sizeof buf, 25000, "$"), "$25k");
    assert_string_equal(fmt_money_short(buf, sizeof buf, 1500000, NULL), "1.5M");
    assert_string_equal(fmt_money_short(buf, sizeof buf, 250, "$"), "$250");
    step = nice_step(895.0, 5, &top);       /* not 298/597/895 */
    assert_true(step == 200.0 && top == 1000.0);
    step = nice_step(12.0, 5, &top);
    assert_true(step == 2.5 && top == 12.5);
    step = nice_step(1.0, 5, &top);
    assert_true(step == 0.2 && top == 1.0);
    step = nice_step(0.0, 5, &top);         /* degenerate: still an axis */
    assert_true(step > 0 && top > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_fast_path_matches_strtod),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_csv_bom_crlf_quotes),
        cmocka_unit_test(test_csv_detect_and_force_delimiter),
        cmocka_unit_test(test_csv_malformed),
        cmocka_unit_test(test_csv_chunk_boundaries),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_number_output),
        cmocka_unit_test(test_idmap),
        cmocka_unit_test(test_idmap_batch),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_date_formats),
        cmocka_unit_test(test_id_normalize),
        cmocka_unit_test(test_csv_whitespace_and_no_header),
        cmocka_unit_test(test_csv_decimal_of_dialect),
        cmocka_unit_test(test_people_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
