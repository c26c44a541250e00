/* SPDX-License-Identifier: MIT */
/*
 * r_common.c - argument checks, status values, version and status texts.
 */
#include "loyr.h"

SEXP
loyr_status(int status, size_t err_index)
{
    SEXP out = PROTECT(Rf_allocVector(INTSXP, 2));
    SEXP cls = PROTECT(Rf_mkString("loyalty_status"));
    INTEGER(out)[0] = status;
    /* Rows beyond INT_MAX cannot be named as an R integer: NA then. */
    INTEGER(out)[1] = (err_index == LOY_NO_INDEX || err_index >= (size_t)INT32_MAX)
                          ? NA_INTEGER
                          : (int)err_index + 1;
    Rf_setAttrib(out, R_ClassSymbol, cls);
    UNPROTECT(2);
    return out;
}

SEXP
loyr_einval(void)
{
    return loyr_status(LOY_EINVAL, LOY_NO_INDEX);
}

int
loyr_is_real(SEXP x, R_xlen_t n)
{
    return TYPEOF(x) == REALSXP && (n < 0 || XLENGTH(x) == n);
}

int
loyr_is_int(SEXP x, R_xlen_t n)
{
    return TYPEOF(x) == INTSXP && (n < 0 || XLENGTH(x) == n);
}

int
loyr_real1(SEXP x, double *out)
{
    if (!loyr_is_real(x, 1))
        return 0;
    *out = REAL(x)[0];
    return 1;
}

int
loyr_int1(SEXP x, int *out)
{
    if (!loyr_is_int(x, 1) || INTEGER(x)[0] == NA_INTEGER)
        return 0;
    *out = INTEGER(x)[0];
    return 1;
}

const double *
loyr_opt_real(SEXP x, R_xlen_t n, int *ok)
{
    if (Rf_isNull(x))
        return NULL;
    if (!loyr_is_real(x, n)) {
        *ok = 0;
        return NULL;
    }
    return REAL(x);
}

size_t
loyr_len(SEXP x)
{
    return (size_t)XLENGTH(x);
}

SEXP
loyr_named_real(const char *const *names, int n)
{
    SEXP out = PROTECT(Rf_allocVector(REALSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++) {
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
        REAL(out)[i] = NA_REAL;
    }
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

SEXP
loyr_named_list(const char *const *names, int n)
{
    SEXP out = PROTECT(Rf_allocVector(VECSXP, n));
    SEXP nm = PROTECT(Rf_allocVector(STRSXP, n));
    for (int i = 0; i < n; i++)
        SET_STRING_ELT(nm, i, Rf_mkChar(names[i]));
    Rf_setAttrib(out, R_NamesSymbol, nm);
    UNPROTECT(2);
    return out;
}

/* .Call: c(name, description) of a status code. */
SEXP
loyr_status_text(SEXP code)
{
    int c;
    if (!loyr_int1(code, &c))
        return loyr_einval();
    SEXP out = PROTECT(Rf_allocVector(STRSXP, 2));
    SET_STRING_ELT(out, 0, Rf_mkChar(loy_error_name(c)));
    SET_STRING_ELT(out, 1, Rf_mkChar(loy_strerror(c)));
    UNPROTECT(1);
    return out;
}

/* .Call: the loaded library's version, ABI and where it came from. */
SEXP
loyr_version(void)
{
    static const char *const names[] = {"version", "number", "abi", "source",
                                        "header_version", "fit_limits"};
    SEXP out = PROTECT(loyr_named_list(names, 6));
    SET_VECTOR_ELT(out, 0, Rf_mkString(loy_version_string()));
    SET_VECTOR_ELT(out, 1, Rf_ScalarInteger((int)loy_version_number()));
    SET_VECTOR_ELT(out, 2, Rf_ScalarInteger((int)loy_abi_version()));
    SET_VECTOR_ELT(out, 3, Rf_mkString(LOYR_BUNDLED ? "bundled" : "system"));
    SET_VECTOR_ELT(out, 4, Rf_mkString(LOY_VERSION_STRING));
#ifdef LOY_FIT_REPORT_LIMIT
    SET_VECTOR_ELT(out, 5, Rf_ScalarLogical(TRUE));
#else
    SET_VECTOR_ELT(out, 5, Rf_ScalarLogical(FALSE));
#endif
    UNPROTECT(1);
    return out;
}
