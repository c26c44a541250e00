/* SPDX-License-Identifier: MIT */
/* A program that uses libloyalty only through its installed header. */
#include <loyalty.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (loy_version_number() != LOY_VERSION_NUMBER) {
        fprintf(stderr, "header %d and library %u differ\n",
                LOY_VERSION_NUMBER, (unsigned)loy_version_number());
        return 1;
    }
    if (strcmp(loy_strerror(LOY_EINVAL), "invalid argument") != 0)
        return 1;
    printf("libloyalty %s (ABI %u): %s\n", loy_version_string(),
           (unsigned)loy_abi_version(), loy_strerror(LOY_OK));
    return 0;
}
