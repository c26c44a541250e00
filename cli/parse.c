/* SPDX-License-Identifier: MIT */
/*
 * parse.c - locale-free number and date parsing (see parse.h).
 *
 * Numbers: the common case (at most 19 significant digits, small exponent)
 * is converted exactly with one correctly rounded multiplication or division
 * by an exact power of ten (Clinger's fast path). Anything longer is checked
 * here for its syntax and handed to strtod, which runs in the "C" locale
 * because this program never calls setlocale.
 */
#include "parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void
trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

int
field_blank(const char *s, size_t len)
{
    trim(&s, &len);
    return len == 0;
}

/* Digits of a decimal number, as scanned by scan_number. */
typedef struct number_scan {
    uint64_t mantissa;  /* first 19 significant digits */
    int sig_digits;     /* all significant digits seen */
    int exp10;          /* value = mantissa * 10^exp10 (if sig_digits <= 19) */
    int negative;
} number_scan;

static size_t
scan_digits(const char *s, size_t i, size_t len, number_scan *ns,
            int fraction)
{
    for (; i < len && is_digit(s[i]); i++) {
        if (ns->sig_digits == 0 && s[i] == '0') {
            if (fraction)
                ns->exp10--;
            continue;
        }
        if (ns->sig_digits < 19) {
            ns->mantissa = ns->mantissa * 10u + (uint64_t)(s[i] - '0');
            if (fraction)
                ns->exp10--;
        } else if (!fraction) {
            ns->exp10++;
        }
        ns->sig_digits++;
    }
    return i;
}

/* Parse an optional exponent "e[+-]ddd" at s[i]; returns the new index or
 * 0 on a malformed exponent. */
static size_t
scan_exponent(const char *s, size_t i, size_t len, int *exp10)
{
    int sign = 1;
    int e = 0;
    size_t start;
    if (i >= len || (s[i] != 'e' && s[i] != 'E'))
        return i;
    i++;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        sign = s[i++] == '-' ? -1 : 1;
    start = i;
    for (; i < len && is_digit(s[i]); i++)
        if (e < 100000)
            e = e * 10 + (s[i] - '0');
    if (i == start)
        return 0;
    *exp10 += sign * e;
    return i;
}

/* Syntax check and scan of [+-]digits[.digits][e[+-]digits]. */
static int
scan_number(const char *s, size_t len, number_scan *ns)
{
    size_t i = 0, int_start, frac_digits = 0, int_digits;
    memset(ns, 0, sizeof *ns);
    if (i < len && (s[i] == '+' || s[i] == '-'))
        ns->negative = s[i++] == '-';
    int_start = i;
    i = scan_digits(s, i, len, ns, 0);
    int_digits = i - int_start;
    if (i < len && s[i] == '.') {
        size_t fs = ++i;
        i = scan_digits(s, i, len, ns, 1);
        frac_digits = i - fs;
    }
    if (int_digits == 0 && frac_digits == 0)
        return -1;
    i = scan_exponent(s, i, len, &ns->exp10);
    return (i == 0 || i != len) ? -1 : 0;
}

static int
slow_strtod(const char *s, size_t len, double *out)
{
    char buf[512];
    char *end;
    double v;
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* The common field "123" or "123.45": at most 15 digits, no sign, no
 * exponent. Returns 1 when it applied. */
static int
plain_decimal(const char *s, size_t len, double *out)
{
    uint64_t m = 0;
    size_t i = 0, dot = len;
    if (len == 0 || len > 16)
        return 0;
    for (; i < len; i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (dgt < 10)
            m = m * 10u + dgt;
        else if (s[i] == '.' && dot == len)
            dot = i;
        else
            return 0;
    }
    if (dot == 0 && len == 1)
        return 0;
    if (dot == len) {
        *out = (double)m;
        return 1;
    }
    if (len == 16 && dot == 0)
        return 0;
    *out = (double)m / pow10_exact[len - 1 - dot];
    return 1;
}

int
parse_double(const char *s, size_t len, double *out)
{
    number_scan ns;
    double v;
    if (plain_decimal(s, len, out))
        return 0;
    trim(&s, &len);
    if (len == 0 || scan_number(s, len, &ns) != 0)
        return -1;
    if (ns.sig_digits == 0) {
        *out = ns.negative ? -0.0 : 0.0;
        return 0;
    }
    if (ns.sig_digits > 19 || ns.mantissa > (1ull << 53) || ns.exp10 < -22
        || ns.exp10 > 22)
        return slow_strtod(s, len, out);
    v = (double)ns.mantissa;
    v = ns.exp10 < 0 ? v / pow10_exact[-ns.exp10] : v * pow10_exact[ns.exp10];
    *out = ns.negative ? -v : v;
    return 0;
}

int
parse_int_range(const char *s, size_t len, long long lo, long long hi,
                long long *out)
{
    size_t i = 0;
    int neg = 0;
    long long v = 0;
    trim(&s, &len);
    if (len > 0 && (s[0] == '+' || s[0] == '-'))
        neg = s[i++] == '-';
    if (i == len || len - i > 18)
        return -1;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    v = neg ? -v : v;
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Shift the year to start in March so that the leap day is last. */
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void
format_date(int64_t days, char *buf, size_t size)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
}

static unsigned
digits_value(const char *s, size_t n)
{
    unsigned v = 0;
    size_t i;
    for (i = 0; i < n; i++)
        v = v * 10u + (unsigned)(s[i] - '0');
    return v;
}

static int
all_digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static int
valid_ymd(unsigned y, unsigned m, unsigned d)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !leap);
}

/* Parse "HH:MM[:SS[.fff]]" then an optional zone; fraction of a day. */
static int
parse_time(const char *s, size_t len, double *frac)
{
    unsigned hh, mm, ss = 0;
    size_t i = 5;
    double sub = 0.0, scale = 0.1;
    if (len < 5 || !all_digits(s, 2) || s[2] != ':' || !all_digits(s + 3, 2))
        return -1;
    hh = digits_value(s, 2);
    mm = digits_value(s + 3, 2);
    if (len >= 8 && s[5] == ':' && all_digits(s + 6, 2)) {
        ss = digits_value(s + 6, 2);
        i = 8;
        if (i < len && s[i] == '.')
            for (i++; i < len && is_digit(s[i]); i++, scale /= 10.0)
                sub += scale * (s[i] - '0');
    }
    if (hh > 23 || mm > 59 || ss > 60)
        return -1;
    if (i < len && s[i] == 'Z')
        i++;
    else if (i + 6 == len && (s[i] == '+' || s[i] == '-')
             && all_digits(s + i + 1, 2) && s[i + 3] == ':'
             && all_digits(s + i + 4, 2))
        i = len;
    if (i != len)
        return -1;
    *frac = ((double)(hh * 3600u + mm * 60u + (ss > 59 ? 59 : ss)) + sub)
            / 86400.0;
    /* "23:59:59.999..." rounds up to a whole day: keep it within the day */
    if (*frac >= 1.0)
        *frac = 0x1.fffffffffffffp-1;
    return 0;
}

int
parse_date(const char *s, size_t len, int64_t *days, double *frac)
{
    unsigned y, m, d;
    size_t n;
    trim(&s, &len);
    if (len >= 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 4)
        && all_digits(s + 5, 2) && all_digits(s + 8, 2)) {
        y = digits_value(s, 4);
        m = digits_value(s + 5, 2);
        d = digits_value(s + 8, 2);
        n = 10;
    } else if (len >= 8 && all_digits(s, 8)) {
        y = digits_value(s, 4);
        m = digits_value(s + 4, 2);
        d = digits_value(s + 6, 2);
        n = 8;
    } else {
        return -1;
    }
    if (!valid_ymd(y, m, d))
        return -1;
    *frac = 0.0;
    if (n < len) {
        if (s[n] != 'T' && s[n] != ' ')
            return -1;
        if (parse_time(s + n + 1, len - n - 1, frac) != 0)
            return -1;
    }
    *days = days_from_civil(y, m, d);
    return 0;
}

/* ---- numbers with separators and currencies --------------------------- */

/* Currency symbols (UTF-8) and words accepted around an amount. */
static const char *const currency_words[] = {
    "$", "\xE2\x82\xAC" /* EUR sign */, "\xC2\xA3" /* pound */,
    "\xC2\xA5" /* yen */, "\xE2\x82\xB9" /* rupee */, "\xE2\x82\xA9" /* won */,
    "\xE2\x82\xBD" /* rouble */, "\xE2\x82\xBA" /* lira */,
    "\xE2\x82\xAA" /* shekel */, "\xE2\x82\xAB" /* dong */,
    "\xE0\xB8\xBF" /* baht */, "\xC2\xA2" /* cent */, "kr", "z\xC5\x82", "Fr."};

/* Blanks between a number and its currency: space, tab, no-break space
 * (U+00A0) and narrow no-break space (U+202F). Returns the byte length of
 * the blank at s, or 0. */
static size_t
blank_len(const char *s, size_t len)
{
    if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80
        && ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89))
        return 3;   /* narrow no-break space, thin space */
    return 0;
}

static void
trim_blanks(const char **s, size_t *len)
{
    size_t k;
    while (*len > 0 && (k = blank_len(*s, *len)) > 0) {
        *s += k;
        *len -= k;
    }
    for (;;) {
        size_t n = *len;
        if (n >= 1 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
            *len -= 1;
        else if (n >= 2 && (unsigned char)(*s)[n - 2] == 0xC2
                 && (unsigned char)(*s)[n - 1] == 0xA0)
            *len -= 2;
        else if (n >= 3 && (unsigned char)(*s)[n - 3] == 0xE2
                 && (unsigned char)(*s)[n - 2] == 0x80
                 && ((unsigned char)(*s)[n - 1] == 0xAF
                     || (unsigned char)(*s)[n - 1] == 0x89))
            *len -= 3;
        else
            return;
    }
}

static int
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* Length of a currency symbol or ISO code at the start (front) or the end
 * (!front) of [s, s+len), or 0. */
static size_t
currency_len(const char *s, size_t len, int front)
{
    size_t i;
    for (i = 0; i < sizeof currency_words / sizeof *currency_words; i++) {
        size_t n = strlen(currency_words[i]);
        if (n <= len && memcmp(front ? s : s + len - n, currency_words[i], n) == 0)
            return n;
    }
    if (len >= 3) {
        const char *c = front ? s : s + len - 3;
        if (is_upper(c[0]) && is_upper(c[1]) && is_upper(c[2])
            && (len == 3 || (front ? !is_upper(c[3]) : !is_upper(c[-1]))))
            return 3;
    }
    return 0;
}

/* Strip a currency before or after the number (once), with blanks. */
static void
strip_currency(const char **s, size_t *len)
{
    size_t n = currency_len(*s, *len, 1);
    if (n > 0) {
        *s += n;
        *len -= n;
    } else if ((n = currency_len(*s, *len, 0)) > 0) {
        *len -= n;
    }
    trim_blanks(s, len);
}

/* Length of a thousands separator at s (other than the decimal one). */
static size_t
group_sep_len(const char *s, size_t len, char decimal)
{
    size_t k = blank_len(s, len);
    if (k > 0)
        return k;
    if (len >= 1 && (s[0] == '\'' || (s[0] == ',' && decimal == '.')
                     || (s[0] == '.' && decimal == ',')))
        return 1;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80
        && (unsigned char)s[2] == 0x99)
        return 3;   /* right single quotation mark, Swiss style */
    return 0;
}

/* Copy the digits of [s, s+len) with the thousands separators removed
 * (groups of exactly three) and the decimal separator as '.' into buf.
 * Returns the length written, or 0 if the text is malformed. */
static size_t
clean_digits(const char *s, size_t len, char decimal, char *buf, size_t cap)
{
    size_t i = 0, n = 0, run = 0, groups = 0, sep_len = 0;
    const char *sep = NULL;
    while (i < len) {
        size_t k;
        if (is_digit(s[i])) {
            if (n + 1 >= cap)
                return 0;
            buf[n++] = s[i++];
            run++;
            continue;
        }
        k = group_sep_len(s + i, len - i, decimal);
        if (k == 0)
            break;
        /* the first group has 1-3 digits, later ones exactly 3, and one
         * kind of separator throughout */
        if (run == 0 || run > 3 || (groups > 0 && run != 3)
            || (sep != NULL && (k != sep_len || memcmp(sep, s + i, k) != 0)))
            return 0;
        sep = s + i;
        sep_len = k;
        groups++;
        run = 0;
        i += k;
    }
    if (groups > 0 && run != 3)
        return 0;
    if (i < len && s[i] == decimal) {
        if (n + 1 >= cap)
            return 0;
        buf[n++] = '.';
        i++;
        while (i < len && is_digit(s[i]) && n + 1 < cap)
            buf[n++] = s[i++];
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E') && groups == 0) {
        while (i < len && n + 1 < cap && (is_digit(s[i]) || s[i] == 'e'
                                          || s[i] == 'E' || s[i] == '+'
                                          || s[i] == '-'))
            buf[n++] = s[i++];
    }
    return i == len ? n : 0;
}

int
parse_number(const char *s, size_t len, char decimal, double *out)
{
    char buf[400];
    size_t n = 0, m;
    int negative = 0, paren = 0;
    double v;
    if (decimal == '.' && parse_double(s, len, out) == 0)
        return 0;
    trim_blanks(&s, &len);
    if (len >= 2 && s[0] == '(' && s[len - 1] == ')') {
        paren = 1;
        s++;
        len -= 2;
        trim_blanks(&s, &len);
    }
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s++;
        len--;
    }
    strip_currency(&s, &len);
    if (len > 0 && (s[0] == '-' || s[0] == '+') && !negative) {
        negative = s[0] == '-';   /* "$-12" */
        s++;
        len--;
    }
    if (len == 0 || (paren && negative))
        return -1;
    if (negative || paren)
        buf[n++] = '-';
    m = clean_digits(s, len, decimal, buf + n, sizeof buf - n);
    if (m == 0)
        return -1;
    if (parse_double(buf, n + m, &v) != 0)
        return -1;
    *out = v;
    return 0;
}

/* ---- dates in a given layout -------------------------------------------- */

static const char *const month_names[12] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december"};

static int
lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Month name or three-letter abbreviation at s; returns its length. */
static size_t
month_name(const char *s, size_t len, unsigned *m)
{
    unsigned k;
    for (k = 0; k < 12; k++) {
        const char *name = month_names[k];
        size_t full = strlen(name), i = 0;
        while (i < len && i < full && lower_ascii(s[i]) == name[i])
            i++;
        if (i == full || (i == 3 && (i == len || !((s[i] >= 'a' && s[i] <= 'z')
                                                 || (s[i] >= 'A' && s[i] <= 'Z'))))) {
            *m = k + 1;
            return i;
        }
    }
    return 0;
}

/* Up to maxd digits at s (at least mind); returns the count read. */
static size_t
read_digits(const char *s, size_t len, size_t mind, size_t maxd, unsigned *v)
{
    size_t i = 0;
    *v = 0;
    while (i < len && i < maxd && is_digit(s[i]))
        *v = *v * 10u + (unsigned)(s[i++] - '0');
    return i >= mind ? i : 0;
}

int
parse_date_fmt(const char *s, size_t len, const char *fmt, int64_t *days,
               double *frac)
{
    unsigned y = 0, m = 0, d = 0, v;
    size_t i = 0, k;
    trim(&s, &len);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (i >= len || s[i] != *fmt)
                return -1;
            i++;
            continue;
        }
        switch (*++fmt) {
        case 'Y': k = read_digits(s + i, len - i, 4, 4, &y); break;
        case 'y':
            k = read_digits(s + i, len - i, 2, 2, &v);
            y = v < 69 ? 2000u + v : 1900u + v;
            break;
        case 'm': k = read_digits(s + i, len - i, 1, 2, &m); break;
        case 'd': k = read_digits(s + i, len - i, 1, 2, &d); break;
        case 'b': k = month_name(s + i, len - i, &m); break;
        case '%': k = i < len && s[i] == '%'; break;
        default: return -1;
        }
        if (k == 0)
            return -1;
        i += k;
    }
    if (!valid_ymd(y, m, d))
        return -1;
    *frac = 0.0;
    if (i < len) {
        if (s[i] != 'T' && s[i] != ' ')
            return -1;
        if (parse_time(s + i + 1, len - i - 1, frac) != 0)
            return -1;
    }
    *days = days_from_civil(y, m, d);
    return 0;
}

int
date_fmt_check(const char *fmt)
{
    int year = 0, month = 0, dayc = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%')
            continue;
        switch (*++fmt) {
        case 'Y': case 'y': year++; break;
        case 'm': case 'b': month++; break;
        case 'd': dayc++; break;
        case '%': break;
        default: return -1;
        }
    }
    return year == 1 && month == 1 && dayc == 1 ? 0 : -1;
}

/* ---- customer ids ---------------------------------------------------------- */

size_t
idnorm_apply(unsigned flags, const char *id, size_t len, char *buf, size_t cap,
             const char **out)
{
    size_t i, n = 0;
    int in_run = 0;
    *out = id;
    if (flags == 0)
        return len;
    if (flags & IDN_TRIM)
        trim(&id, &len);
    *out = id;
    if (!(flags & (IDN_CASE | IDN_ZEROS)) || len > cap)
        return len;
    for (i = 0; i < len; i++) {
        char c = id[i];
        if ((flags & IDN_ZEROS) && c == '0' && !in_run && i + 1 < len
            && is_digit(id[i + 1]))
            continue;       /* a leading zero of a digit run, not its last digit */
        in_run = is_digit(c);
        buf[n++] = (flags & IDN_CASE) ? (char)lower_ascii(c) : c;
    }
    *out = buf;
    return n;
}
