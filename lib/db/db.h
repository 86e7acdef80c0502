/*
 * lib/db/db.h: the one place that talks to PostgreSQL (libpq).
 *
 * Every value goes as a parameter; SQL text holds no data.  Helpers check the
 * result status they expect, always PQclear, and turn failures into a
 * struct capplan_error whose message names the purpose of the statement and
 * PostgreSQL's own message.  The status tells a lost or unreachable server
 * (CAPPLAN_EX_UNAVAILABLE) from data the server refused (CAPPLAN_EX_DATAERR)
 * from everything else (CAPPLAN_EX_SOFTWARE).
 */
#ifndef CAPPLAN_DB_DB_H
#define CAPPLAN_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "util/error.h"
#include "util/strbuf.h"

struct capplan_db;

/*
 * Connect with a libpq connection string or URI (NULL or "": libpq's
 * environment, PGHOST, PGDATABASE, ...), set the session to UTC and UTF-8, and
 * bring the schema up to date (capplan_db_migrate).  application is the
 * fallback application_name.  Returns NULL with err set on failure.
 */
struct capplan_db *capplan_db_connect(const char *conninfo, const char *application,
                                      struct capplan_error *err);

/* Close the connection (rolling back whatever is open) and free db.  NULL is fine. */
void capplan_db_close(struct capplan_db *db);

/* The libpq connection, for the rare caller that needs it. */
PGconn *capplan_db_conn(struct capplan_db *db);

/*
 * Apply the migrations this build knows that the database has not seen, in
 * one transaction under an advisory lock, recording each in
 * capplan.schema_migrations.  A database newer than this build is an error.
 * Returns the schema version now in place, or -1 with err set.
 */
int capplan_db_migrate(struct capplan_db *db, struct capplan_error *err);

/* Run a statement without parameters that returns no rows (BEGIN, DDL). */
int capplan_db_exec(struct capplan_db *db, const char *purpose, const char *sql,
                    struct capplan_error *err);

/*
 * Run a statement with text parameters (values may be NULL for SQL NULL) and
 * expect status (PGRES_TUPLES_OK or PGRES_COMMAND_OK).  Returns the result
 * (the caller PQclears it) or NULL with err set.
 */
PGresult *capplan_db_query(struct capplan_db *db, const char *purpose, const char *sql,
                           int nparams, const char *const *values, ExecStatusType status,
                           struct capplan_error *err);

/*
 * The same with the result in binary: numbers as their bytes in network
 * order (capplan_db_int8, capplan_db_float8), no text to format or parse.
 */
PGresult *capplan_db_query_binary(struct capplan_db *db, const char *purpose, const char *sql,
                                  int nparams, const char *const *values, ExecStatusType status,
                                  struct capplan_error *err);
/* The built-in types' OIDs (fixed in PostgreSQL's catalog; the server headers are not needed for two). */
#define CAPPLAN_PG_INT8_OID 20
#define CAPPLAN_PG_FLOAT8_OID 701
/* A binary bigint or double precision field of res; NaN for a NULL float8. */
int64_t capplan_db_int8(const PGresult *res, int row, int col);
double capplan_db_float8(const PGresult *res, int row, int col);

int capplan_db_begin(struct capplan_db *db, struct capplan_error *err);
int capplan_db_commit(struct capplan_db *db, struct capplan_error *err);
/* Roll back if a transaction is open; never fails loudly (the connection may be gone). */
void capplan_db_rollback(struct capplan_db *db);

/* Start COPY ... FROM STDIN (sql is the COPY statement). */
int capplan_db_copy_begin(struct capplan_db *db, const char *purpose, const char *sql,
                          struct capplan_error *err);
/* Send bytes of the COPY stream. */
int capplan_db_copy_put(struct capplan_db *db, const void *data, size_t len,
                        struct capplan_error *err);
/* Finish the COPY and read its result; returns the number of rows copied or -1. */
long long capplan_db_copy_end(struct capplan_db *db, struct capplan_error *err);
/* Abandon a COPY in progress (the transaction is then failed: roll it back). */
void capplan_db_copy_abort(struct capplan_db *db, const char *why);

/*
 * Array parameters in PostgreSQL's text form, built in a buffer that holds
 * nothing else (it starts empty): each call adds an element ("{" before the
 * first, "," before the others), text in double quotes with \ and " escaped,
 * so any value is data; capplan_db_array_end closes it.  0 or -1 (out of
 * memory).
 */
int capplan_db_array_add_text(struct capplan_strbuf *sb, const char *s);
int capplan_db_array_add_int(struct capplan_strbuf *sb, long long v);
/* Close the literal ("{}" when nothing was added); 0 or -1. */
int capplan_db_array_end(struct capplan_strbuf *sb);

/* Fill err from a failed result or connection; returns -1. */
int capplan_db_error(struct capplan_db *db, const PGresult *res, const char *purpose,
                     struct capplan_error *err);

#endif
