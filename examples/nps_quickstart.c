/* SPDX-License-Identifier: MIT */
/* nps_quickstart.c - the README's C example: NPS with an interval. */
#include <loyalty.h>
#include <stdio.h>

int main(void)
{
    const uint8_t scores[] = {10, 9, 9, 8, 7, 10, 3, 6, 9, 10, 5, 9, 8};
    loy_nps_tally tally = LOY_NPS_TALLY_INIT;
    loy_nps_result est;
    size_t bad;
    int rc;

    est.struct_size = sizeof est;  /* see "Growable structs" */

    /* Standard 0-10 breaks (NULL); strict mode: any invalid score fails. */
    rc = loy_nps_tally_u8(&tally, scores, sizeof scores, NULL, 0u, &bad);
    if (rc == LOY_OK)
        rc = loy_nps_estimate(&est, &tally, LOY_NPS_ADJUSTED_WALD, 0.95, NULL);
    if (rc != LOY_OK) {
        fprintf(stderr, "error: %s (%s)\n", loy_strerror(rc), loy_error_name(rc));
        return 1;
    }
    printf("NPS %+.1f points, 95%% interval [%+.1f, %+.1f], n = %llu%s\n",
           100 * est.nps, 100 * est.lower, 100 * est.upper,
           (unsigned long long)est.n,
           (est.flags & LOY_NPS_SMALL_SAMPLE) ? " (small sample)" : "");
    return 0;
}
