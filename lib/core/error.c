/* SPDX-License-Identifier: MIT */
/*
 * error.c - names and descriptions of status codes.
 *
 * One X-macro table drives both functions so that a new code cannot get a
 * name without a description or the reverse.
 */
#include "core/internal.h"

#define LOY__ERRORS(X)                                                      \
    X(LOY_OK, "success")                                                    \
    X(LOY_EINVAL, "invalid argument")                                       \
    X(LOY_ESCALE, "value outside the allowed scale")                        \
    X(LOY_ENONFINITE, "NaN or infinite input")                              \
    X(LOY_EEMPTY, "empty input")                                            \
    X(LOY_EDOMAIN, "parameter outside its domain")                          \
    X(LOY_ENOCONV, "did not converge")                                      \
    X(LOY_ENOMEM, "out of memory")                                          \
    X(LOY_EBUFSIZE, "buffer too small")                                     \
    X(LOY_EORDER, "records out of order or duplicated")                     \
    X(LOY_EDEGENERATE, "statistic undefined for degenerate data")          \
    X(LOY_EINCONSISTENT, "inconsistent records")                            \
    X(LOY_EOVERFLOW, "sum or count would overflow")                         \
    X(LOY_EFORMAT, "malformed serialized data")

const char *
loy_strerror(int code)
{
#define LOY__MSG(c, msg)                                                    \
    if (code == (c))                                                        \
        return msg;
    LOY__ERRORS(LOY__MSG)
#undef LOY__MSG
    return "unknown error";
}

const char *
loy_error_name(int code)
{
#define LOY__NAME(c, msg)                                                   \
    if (code == (c))                                                        \
        return #c;
    LOY__ERRORS(LOY__NAME)
#undef LOY__NAME
    return "LOY_EUNKNOWN";
}
