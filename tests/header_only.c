/* SPDX-License-Identifier: MIT */
/* Compiled as C99 and as C++ by CTest: the public header must stand alone. */
#include <loyalty.h>

#if LOY_VERSION_NUMBER < 10000 || !LOY_VERSION_CHECK(1, 0, 0)
#error "version macros are inconsistent"
#endif

int loy_header_only_probe(void);
int loy_header_only_probe(void)
{
    loy_fit_options o = LOY_FIT_OPTIONS_INIT;
    loy_fit_report r = LOY_FIT_REPORT_INIT;
    return (int)(o.struct_size + r.struct_size) + LOY_OK;
}
