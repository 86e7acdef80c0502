/*
 * lib/db/db.c: the one place that talks to PostgreSQL (libpq).
 */
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/migrations.h"

struct capplan_db {
	PGconn *conn;
	int in_copy;
};

/* Any key will do as long as every capplan program uses the same one. */
#define CAPPLAN_MIGRATION_LOCK "7405310270417240001"

/* libpq messages end in a newline (sometimes several lines); keep the first line. */
static void
first_line(const char *msg, char *out, size_t outsz)
{
	size_t n = strcspn(msg ? msg : "", "\n");

	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, msg ? msg : "", n);
	out[n] = '\0';
}

/*
 * Which exit status a failure deserves: a server that is gone or unreachable
 * is "unavailable" (SQLSTATE class 08, 57P0x, or a broken connection), and so
 * is a transaction the server rolled back to resolve a conflict with another
 * one (class 40: deadlock, serialization failure; running again helps); data the
 * server refused is "bad input" (class 22 data exception, 23 integrity),
 * anything else is ours.
 */
static int
status_of(PGconn *conn, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	if (!conn || PQstatus(conn) != CONNECTION_OK)
		return CAPPLAN_EX_UNAVAILABLE;
	if (!state)
		return CAPPLAN_EX_UNAVAILABLE;   /* no SQLSTATE: the client lost the server */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0 ||
	    strncmp(state, "53", 2) == 0 || strncmp(state, "40", 2) == 0)
		return CAPPLAN_EX_UNAVAILABLE;
	if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0)
		return CAPPLAN_EX_DATAERR;
	return CAPPLAN_EX_SOFTWARE;
}

int
capplan_db_error(struct capplan_db *db, const PGresult *res, const char *purpose,
                 struct capplan_error *err)
{
	char line[CAPPLAN_ERROR_MAX];
	const char *msg = res ? PQresultErrorMessage(res) : NULL;

	if (!msg || !*msg)
		msg = db && db->conn ? PQerrorMessage(db->conn) : "no connection";
	first_line(msg, line, sizeof(line));
	/* libpq prefixes "ERROR:  "; the status already says it is one. */
	if (strncmp(line, "ERROR:  ", 8) == 0)
		memmove(line, line + 8, strlen(line + 8) + 1);
	capplan_error_set(err, status_of(db ? db->conn : NULL, res), "database: %s: %s", purpose, line);
	if (res && PQresultErrorField(res, PG_DIAG_SQLSTATE) &&
	    strncmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "40", 2) == 0)
		capplan_error_hint(err, "another transaction got in the way; run again");
	return -1;
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

struct capplan_db *
capplan_db_connect(const char *conninfo, const char *application, struct capplan_error *err)
{
	/*
	 * The connection string goes in as dbname with expand_dbname, so both
	 * "host=... dbname=..." and "postgresql://..." work; client_encoding comes
	 * after it so that labels always travel as UTF-8.
	 */
	const char *keys[] = { "dbname", "fallback_application_name", "client_encoding", NULL };
	const char *vals[] = { conninfo && *conninfo ? conninfo : NULL, application, "UTF8", NULL };
	struct capplan_db *db;
	char line[CAPPLAN_ERROR_MAX];

	db = calloc(1, sizeof(*db));
	if (!db) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		return NULL;
	}
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		first_line(db->conn ? PQerrorMessage(db->conn) : "out of memory", line, sizeof(line));
		capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE, "database: cannot connect: %s", line);
		capplan_error_hint(err, "check --db or the PGHOST/PGPORT/PGDATABASE/PGUSER environment");
		goto fail;
	}
	/* libpq prints NOTICEs to stderr by default; a library must not print. */
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	if (capplan_db_exec(db, "set session time zone", "SET TimeZone = 'UTC'", err) < 0)
		goto fail;
	if (capplan_db_migrate(db, err) < 0)
		goto fail;
	return db;

fail:
	capplan_db_close(db);
	return NULL;
}

void
capplan_db_close(struct capplan_db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	free(db);
}

PGconn *
capplan_db_conn(struct capplan_db *db)
{
	return db->conn;
}

int
capplan_db_exec(struct capplan_db *db, const char *purpose, const char *sql,
                struct capplan_error *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = capplan_db_error(db, res, purpose, err);
	PQclear(res);
	return rc;
}

/* A statement with text parameters, its result in text (0) or binary (1); NULL unless it has `status`. */
static PGresult *
query(struct capplan_db *db, const char *purpose, const char *sql, int nparams,
      const char *const *values, ExecStatusType status, int format, struct capplan_error *err)
{
	PGresult *res = PQexecParams(db->conn, sql, nparams, NULL, values, NULL, NULL, format);

	if (PQresultStatus(res) != status) {
		capplan_db_error(db, res, purpose, err);
		PQclear(res);
		return NULL;
	}
	return res;
}

PGresult *
capplan_db_query(struct capplan_db *db, const char *purpose, const char *sql, int nparams,
                 const char *const *values, ExecStatusType status, struct capplan_error *err)
{
	return query(db, purpose, sql, nparams, values, status, 0, err);
}

PGresult *
capplan_db_query_binary(struct capplan_db *db, const char *purpose, const char *sql, int nparams,
                        const char *const *values, ExecStatusType status, struct capplan_error *err)
{
	return query(db, purpose, sql, nparams, values, status, 1, err);
}

static uint64_t
get64(const PGresult *res, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(res, row, col);
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int64_t
capplan_db_int8(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : (int64_t)get64(res, row, col);
}

double
capplan_db_float8(const PGresult *res, int row, int col)
{
	uint64_t bits;
	double v;

	if (PQgetisnull(res, row, col))
		return NAN;
	bits = get64(res, row, col);
	memcpy(&v, &bits, sizeof(v));
	return v;
}

int
capplan_db_begin(struct capplan_db *db, struct capplan_error *err)
{
	return capplan_db_exec(db, "begin transaction", "BEGIN", err);
}

int
capplan_db_commit(struct capplan_db *db, struct capplan_error *err)
{
	return capplan_db_exec(db, "commit", "COMMIT", err);
}

void
capplan_db_rollback(struct capplan_db *db)
{
	PGresult *res;

	if (!db || !db->conn || PQstatus(db->conn) != CONNECTION_OK)
		return;
	if (db->in_copy)
		capplan_db_copy_abort(db, "rolled back");
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return;
	res = PQexec(db->conn, "ROLLBACK");
	PQclear(res);
}

int
capplan_db_copy_begin(struct capplan_db *db, const char *purpose, const char *sql,
                      struct capplan_error *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = capplan_db_error(db, res, purpose, err);
	else
		db->in_copy = 1;
	PQclear(res);
	return rc;
}

int
capplan_db_copy_put(struct capplan_db *db, const void *data, size_t len,
                    struct capplan_error *err)
{
	/* PQputCopyData takes an int length: send huge buffers in pieces. */
	const char *p = data;

	while (len > 0) {
		int n = len > (1u << 30) ? (1 << 30) : (int)len;

		if (PQputCopyData(db->conn, p, n) != 1)
			return capplan_db_error(db, NULL, "send COPY data", err);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read results until NULL, keeping the first failure; libpq must never be left mid-protocol. */
static int
drain(struct capplan_db *db, const char *purpose, long long *rows, struct capplan_error *err)
{
	PGresult *res;
	int rc = 0;

	while ((res = PQgetResult(db->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			if (rows)
				*rows = atoll(PQcmdTuples(res));
		} else if (rc == 0) {
			rc = capplan_db_error(db, res, purpose, err);
		}
		PQclear(res);
	}
	return rc;
}

long long
capplan_db_copy_end(struct capplan_db *db, struct capplan_error *err)
{
	long long rows = 0;

	db->in_copy = 0;
	if (PQputCopyEnd(db->conn, NULL) != 1)
		return capplan_db_error(db, NULL, "finish COPY", err);
	if (drain(db, "finish COPY", &rows, err) < 0)
		return -1;
	return rows;
}

void
capplan_db_copy_abort(struct capplan_db *db, const char *why)
{
	struct capplan_error ignored;

	if (!db->in_copy)
		return;
	db->in_copy = 0;
	PQputCopyEnd(db->conn, why);
	drain(db, "abort COPY", NULL, &ignored);
}

/* The version the database is at: 0 for a database capplan has never seen. */
static int
schema_version(struct capplan_db *db, struct capplan_error *err)
{
	PGresult *res;
	int exists, version;

	res = capplan_db_query(db, "look for capplan.schema_migrations",
	                       "SELECT to_regclass('capplan.schema_migrations') IS NOT NULL", 0, NULL,
	                       PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!exists)
		return 0;
	res = capplan_db_query(db, "read schema version",
	                       "SELECT coalesce(max(version), 0) FROM capplan.schema_migrations", 0, NULL,
	                       PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return version;
}

static int
apply_pending(struct capplan_db *db, int current, struct capplan_error *err)
{
	for (size_t i = 0; i < capplan_migration_count; i++) {
		const struct capplan_migration *m = &capplan_migrations[i];
		char version[16];
		const char *params[2];
		PGresult *res;

		if (m->version <= current)
			continue;
		if (capplan_db_exec(db, m->name, m->sql, err) < 0)
			return capplan_error_prefix(err, "migration %s", m->name);
		snprintf(version, sizeof(version), "%d", m->version);
		params[0] = version;
		params[1] = m->name;
		res = capplan_db_query(db, "record migration",
		                       "INSERT INTO capplan.schema_migrations (version, name) VALUES ($1, $2)",
		                       2, params, PGRES_COMMAND_OK, err);
		if (!res)
			return -1;
		PQclear(res);
		current = m->version;
	}
	return current;
}

int
capplan_db_migrate(struct capplan_db *db, struct capplan_error *err)
{
	int newest = capplan_migration_count ? capplan_migrations[capplan_migration_count - 1].version : 0;
	int current;

	/* The common case, an up-to-date schema, takes no lock. */
	current = schema_version(db, err);
	if (current < 0)
		return -1;
	if (current == newest)
		return current;
	if (current > newest)
		goto too_new;

	if (capplan_db_begin(db, err) < 0)
		return -1;
	if (capplan_db_exec(db, "lock for migrations",
	                    "SELECT pg_advisory_xact_lock(" CAPPLAN_MIGRATION_LOCK ")", err) < 0 ||
	    capplan_db_exec(db, "create schema capplan",
	                    "CREATE SCHEMA IF NOT EXISTS capplan;"
	                    "CREATE TABLE IF NOT EXISTS capplan.schema_migrations ("
	                    " version integer PRIMARY KEY,"
	                    " name text NOT NULL,"
	                    " applied_at timestamptz NOT NULL DEFAULT now())", err) < 0)
		goto fail;
	/* Another program may have migrated while we waited for the lock. */
	current = schema_version(db, err);
	if (current < 0)
		goto fail;
	if (current > newest) {
		capplan_db_rollback(db);
		goto too_new;
	}
	current = apply_pending(db, current, err);
	if (current < 0 || capplan_db_commit(db, err) < 0)
		goto fail;
	return current;

fail:
	capplan_db_rollback(db);
	return -1;

too_new:
	capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE,
	                  "database: schema version %d is newer than this capplan knows (%d)", current,
	                  newest);
	return capplan_error_hint(err, "upgrade capplan, or point --db at another database");
}

/* ---- array parameters ---- */

/* The separator before an element: "{" for the first, "," after it. */
static int
array_next(struct capplan_strbuf *sb)
{
	return capplan_strbuf_append_char(sb, sb->len ? ',' : '{');
}

int
capplan_db_array_add_text(struct capplan_strbuf *sb, const char *s)
{
	if (array_next(sb) < 0 || capplan_strbuf_append_char(sb, '"') < 0)
		return -1;
	for (; *s; s++) {
		if ((*s == '"' || *s == '\\') && capplan_strbuf_append_char(sb, '\\') < 0)
			return -1;
		if (capplan_strbuf_append_char(sb, *s) < 0)
			return -1;
	}
	return capplan_strbuf_append_char(sb, '"');
}

int
capplan_db_array_add_int(struct capplan_strbuf *sb, long long v)
{
	return array_next(sb) < 0 ? -1 : capplan_strbuf_appendf(sb, "%lld", v);
}

int
capplan_db_array_end(struct capplan_strbuf *sb)
{
	return capplan_strbuf_append_str(sb, sb->len ? "}" : "{}");
}
