/* SPDX-License-Identifier: MIT */
/* hello.c - the smallest libloyalty program: versions and error strings. */
#include <loyalty.h>
#include <stdio.h>

int main(void)
{
    printf("libloyalty %s (ABI %u)\n", loy_version_string(),
           (unsigned)loy_abi_version());
    printf("status %d means \"%s\"\n", LOY_EDOMAIN, loy_strerror(LOY_EDOMAIN));
    return 0;
}
