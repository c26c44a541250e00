/* SPDX-License-Identifier: MIT */
/*
 * loyalty_duckdb.h - libloyalty's aggregates for DuckDB, registered through
 * DuckDB's C API on a connection of the host program.
 *
 *     duckdb_connection con;  ... duckdb_connect(db, &con);
 *     if (loyalty_duckdb_register(con) != 0) ... (a function failed to
 *     register; the message says which)
 *
 * States travel as BLOBs whose bytes are libloyalty's serialize format,
 * the same bytes the PostgreSQL extension stores, so a tally can be
 * stored, rolled up with the one-argument form of its aggregate, or moved
 * between engines. Update callbacks feed whole vectors to the library.
 */
#ifndef LOYALTY_DUCKDB_H
#define LOYALTY_DUCKDB_H

#include <duckdb.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Register every function on `con`. Returns 0, or -1 with a message in
 * `err` (at least 256 bytes, may be NULL) naming the function that failed.
 */
int loyalty_duckdb_register(duckdb_connection con, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* LOYALTY_DUCKDB_H */
