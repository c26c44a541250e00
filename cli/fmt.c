/* SPDX-License-Identifier: MIT */
/*
 * fmt.c - numbers for people (see fmt.h).
 */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *
fmt_grouped(char *buf, size_t size, double v, int decimals)
{
    char digits[64];
    size_t len, i, o = 0, intlen, start;
    const char *dot;
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    snprintf(digits, sizeof digits, "%.*f", decimals, v);
    if (strcmp(digits, "-0") == 0 || (digits[0] == '-' && strspn(digits + 1, "0.") == strlen(digits + 1)))
        memmove(digits, digits + 1, strlen(digits));   /* no "-0.00" */
    len = strlen(digits);
    start = digits[0] == '-';
    dot = strchr(digits, '.');
    intlen = (dot ? (size_t)(dot - digits) : len) - start;
    if (size < len + intlen / 3 + 2 || len >= sizeof digits) {
        snprintf(buf, size, "%s", digits);
        return buf;
    }
    if (start)
        buf[o++] = '-';
    for (i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[start + i];
    }
    for (i = start + intlen; i < len; i++)
        buf[o++] = digits[i];
    buf[o] = '\0';
    return buf;
}

/* A currency written before the number: a symbol, not a word or code. */
static int
prefix_currency(const char *c)
{
    const unsigned char *p = (const unsigned char *)c;
    for (; *p; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            return 0;
    return 1;
}

static const char *
with_currency(char *buf, size_t size, const char *num, const char *currency)
{
    if (currency == NULL || currency[0] == '\0')
        snprintf(buf, size, "%s", num);
    else if (!prefix_currency(currency))
        snprintf(buf, size, "%s %s", num, currency);
    else if (num[0] == '-')
        snprintf(buf, size, "-%s%s", currency, num + 1);
    else
        snprintf(buf, size, "%s%s", currency, num);
    return buf;
}

const char *
fmt_money(char *buf, size_t size, double v, const char *currency, int decimals)
{
    char num[80];
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    fmt_grouped(num, sizeof num, v, decimals);
    return with_currency(buf, size, num, currency);
}

const char *
fmt_money_short(char *buf, size_t size, double v, const char *currency)
{
    char num[40];
    double a = fabs(v);
    if (a >= 1e6)
        snprintf(num, sizeof num, "%.*fM", a >= 1e7 || fmod(a, 1e6) == 0 ? 0 : 1, v / 1e6);
    else if (a >= 1e4)
        snprintf(num, sizeof num, "%.*fk", fmod(a, 1e3) == 0 ? 0 : 1, v / 1e3);
    else
        fmt_grouped(num, sizeof num, v, a != floor(a) ? (a < 10 ? 2 : 1) : 0);
    return with_currency(buf, size, num, currency);
}

double
nice_step(double max, int ticks, double *top)
{
    static const double mult[4] = {1.0, 2.0, 2.5, 5.0};
    double raw, mag, step = 1.0;
    int k;
    if (!(max > 0) || !isfinite(max))
        max = 1.0;
    raw = max / (ticks > 0 ? ticks : 5);
    mag = pow(10.0, floor(log10(raw)));
    for (k = 0; k < 4; k++) {
        step = mult[k] * mag;
        if (step >= raw * (1 - 1e-12))
            break;
    }
    if (k == 4)
        step = 10.0 * mag;
    *top = ceil(max / step - 1e-9) * step;
    return step;
}

double
text_width(const char *s, double px)
{
    double w = 0.0;
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;               /* UTF-8 continuation byte */
        if (strchr("il.,:;|'!() ", *p) != NULL)
            w += 0.32;
        else if (strchr("mwMW%@", *p) != NULL)
            w += 0.9;
        else if (*p >= 'A' && *p <= 'Z')
            w += 0.68;
        else
            w += 0.58;
    }
    return w * px;
}
