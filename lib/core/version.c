/* SPDX-License-Identifier: MIT */
/*
 * version.c - run-time version queries.
 *
 * They return the macros of the header the library was built with, so a
 * caller can compare them with the header it was compiled against.
 */
#include "core/internal.h"

uint32_t
loy_version_number(void)
{
    return (uint32_t)LOY_VERSION_NUMBER;
}

const char *
loy_version_string(void)
{
    return LOY_VERSION_STRING;
}

uint32_t
loy_abi_version(void)
{
    return (uint32_t)LOY_ABI_VERSION;
}
