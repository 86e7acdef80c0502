/*
 * tests/integration/010_migrations.c: the schema capplan-ingest brings into a database.
 *
 * The migrations are the files sql/NNN_name.sql (compiled into the program);
 * each applied one is a row (NNN, "NNN_name") of capplan.schema_migrations.
 * The expectations here are read from sql/ itself, so a new migration needs no
 * change to these tests.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "helpers.h"

#define MAX_MIGRATIONS 256

struct migration_file {
	int version;
	char name[256];   /* the file name without ".sql" */
};

static int
by_version(const void *a, const void *b)
{
	const struct migration_file *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* The sql/NNN_*.sql files, by version. */
static size_t
migration_files(struct migration_file *out, size_t max)
{
	char dir[IT_PATH_MAX + 8];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/sql", it_env.root);
	d = opendir(dir);
	IT_REQUIRE(d != NULL, "cannot read %s", dir);
	while ((de = readdir(d)) != NULL && n < max) {
		const char *s = de->d_name;
		size_t len = strlen(s);

		if (s[0] < '0' || s[0] > '9' || len < 5 || strcmp(s + len - 4, ".sql") != 0)
			continue;
		out[n].version = atoi(s);
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)(len - 4), s);
		n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_version);
	IT_REQUIRE(n > 0, "no migrations in %s", dir);
	return n;
}

/* schema_migrations as one text: "version name applied_at;..." */
static char *
migrations_text(struct it_db *db)
{
	return it_scalar(db->conn,
	                 "SELECT string_agg(version || ' ' || name || ' ' || applied_at, ';' ORDER BY version)"
	                 " FROM capplan.schema_migrations", 0, NULL);
}

static void
load_small_file(struct it_db *db)
{
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, it_fixture("good_range.json"));
	IT_CHECK_OK(&r);
	it_run_free(&r);
}

static void
test_fresh_database_gets_schema(void)
{
	struct migration_file files[MAX_MIGRATIONS];
	size_t nfiles = migration_files(files, MAX_MIGRATIONS);
	struct it_db *db = it_db_new();
	PGresult *res;

	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'capplan'", 0,
	                  NULL) == 0, "a new database has no schema capplan yet");
	load_small_file(db);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM pg_namespace WHERE nspname = 'capplan'", 0,
	                  NULL) == 1, "schema capplan after the first run");
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM unnest(ARRAY['capplan.series', 'capplan.samples',"
	                  " 'capplan.ingest_runs', 'capplan.series_samples', 'capplan.schema_migrations']) t"
	                  " WHERE to_regclass(t) IS NOT NULL", 0, NULL) == 5,
	         "series, samples, ingest_runs, series_samples and schema_migrations exist");

	res = it_query(db->conn, "SELECT version, name, applied_at IS NOT NULL"
	               " FROM capplan.schema_migrations ORDER BY version", 0, NULL);
	IT_REQUIRE(res != NULL, "read schema_migrations");
	IT_CHECK((size_t)PQntuples(res) == nfiles, "one row per sql/NNN file: %zu files, %d rows", nfiles,
	         PQntuples(res));
	for (size_t i = 0; i < nfiles && i < (size_t)PQntuples(res); i++) {
		IT_CHECK(atoi(PQgetvalue(res, (int)i, 0)) == files[i].version,
		         "row %zu: version %s, file %s.sql", i, PQgetvalue(res, (int)i, 0), files[i].name);
		IT_CHECK(strcmp(PQgetvalue(res, (int)i, 1), files[i].name) == 0, "row %zu: name \"%s\", want \"%s\"",
		         i, PQgetvalue(res, (int)i, 1), files[i].name);
		IT_CHECK(strcmp(PQgetvalue(res, (int)i, 2), "t") == 0, "row %zu has applied_at", i);
	}
	PQclear(res);
}

static void
test_second_run_leaves_migrations_unchanged(void)
{
	struct it_db *db = it_db_new();
	char *before, *after;
	struct it_run r;

	load_small_file(db);
	before = migrations_text(db);
	IT_REQUIRE(before != NULL, "schema_migrations has rows after the first run");
	/* A re-run of the same file: no error, no migration applied again (same applied_at). */
	it_ingest(&r, "--db", db->conninfo, it_fixture("good_range.json"));
	IT_CHECK_OK(&r);
	it_run_free(&r);
	after = migrations_text(db);
	IT_CHECK(after && strcmp(before, after) == 0, "schema_migrations changed:\n  before: %s\n  after:  %s",
	         before, after ? after : "(none)");
	free(before);
	free(after);
}

static void
test_public_view_columns(void)
{
	static const char *const want[4][2] = {
		{ "metric", "text" },
		{ "labels", "jsonb" },
		{ "ts", "timestamp with time zone" },
		{ "value", "double precision" },
	};
	struct it_db *db = it_db_new();
	PGresult *res;

	load_small_file(db);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM information_schema.views"
	                  " WHERE table_schema = 'capplan' AND table_name = 'series_samples'", 0, NULL) == 1,
	         "capplan.series_samples is a view");
	res = it_query(db->conn, "SELECT column_name, data_type FROM information_schema.columns"
	               " WHERE table_schema = 'capplan' AND table_name = 'series_samples'"
	               " ORDER BY ordinal_position", 0, NULL);
	IT_REQUIRE(res != NULL, "read the view's columns");
	IT_CHECK(PQntuples(res) == 4, "the view has %d columns, want 4", PQntuples(res));
	for (int i = 0; i < 4 && i < PQntuples(res); i++) {
		IT_CHECK(strcmp(PQgetvalue(res, i, 0), want[i][0]) == 0, "column %d is \"%s\", want \"%s\"",
		         i + 1, PQgetvalue(res, i, 0), want[i][0]);
		IT_CHECK(strcmp(PQgetvalue(res, i, 1), want[i][1]) == 0, "column %s is %s, want %s",
		         PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), want[i][1]);
	}
	PQclear(res);
}

static void
test_newer_schema_is_refused(void)
{
	struct migration_file files[MAX_MIGRATIONS];
	size_t nfiles = migration_files(files, MAX_MIGRATIONS);
	struct it_db *db = it_db_new();
	struct it_counts before, after;
	char want[256], line[1024];
	PGresult *res;
	struct it_run r;

	load_small_file(db);
	/* A newer capplan has been here. */
	res = it_query(db->conn, "INSERT INTO capplan.schema_migrations (version, name)"
	               " VALUES (9999, '9999_from_the_future')", 0, NULL);
	IT_REQUIRE(res != NULL, "insert version 9999");
	PQclear(res);
	it_get_counts(db, &before);

	it_ingest(&r, "--db", db->conninfo, it_fixture("good_wide.csv"));
	IT_CHECK(r.status == 69, "exit status %d, want 69 (unavailable)\n  stderr:\n%s", r.status, r.err);
	snprintf(want, sizeof(want),
	         "capplan-ingest: database: schema version 9999 is newer than this capplan knows (%d)",
	         files[nfiles - 1].version);
	it_line(r.err, 0, line, sizeof(line));
	IT_CHECK(strcmp(line, want) == 0, "first line of stderr\n  want: %s\n  got:  %s", want, line);
	IT_CHECK(r.out[0] == '\0', "nothing on stdout, got:\n%s", r.out);
	it_run_free(&r);

	it_get_counts(db, &after);
	IT_CHECK(after.samples == before.samples && after.series == before.series &&
	         after.runs == before.runs, "nothing loaded: samples %lld -> %lld, series %lld -> %lld,"
	         " runs %lld -> %lld", before.samples, after.samples, before.series, after.series,
	         before.runs, after.runs);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.schema_migrations", 0, NULL) ==
	         (long long)nfiles + 1, "schema_migrations untouched");
}

/*
 * Two first runs at once on an empty database: the migration lock lets one
 * create the schema while the other waits, and the loads of the same file
 * merge (one adds every sample, the other finds them all present).
 */
static void
test_concurrent_first_runs(void)
{
	struct migration_file files[MAX_MIGRATIONS];
	size_t nfiles = migration_files(files, MAX_MIGRATIONS);
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_wide.csv");
	const char *args[] = { "--db", db->conninfo, path, NULL };
	struct it_run a, b;
	long long added = 0;

	it_ingest_start(&a, NULL, 0, args);
	it_ingest_start(&b, NULL, 0, args);
	it_ingest_wait(&a);
	it_ingest_wait(&b);
	IT_CHECK_OK(&a);
	IT_CHECK_OK(&b);
	for (int i = 0; i < 2; i++) {
		const char *out = i ? b.out : a.out;
		const char *p = strstr(out, "series, ");

		if (p)
			added += strtoll(p + 8, NULL, 10);
	}
	IT_CHECK(added == 17, "17 samples added between the two runs, got %lld\n  a: %s  b: %s", added,
	         a.out, b.out);
	it_run_free(&a);
	it_run_free(&b);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.schema_migrations", 0, NULL) ==
	         (long long)nfiles, "each migration recorded once");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == 17, "17 samples");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series", 0, NULL) == 6, "6 series");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs", 0, NULL) == 2, "2 runs");
}

int
it_register_migrations(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("010 migrations", NULL, NULL, NULL,
	                                                   it_teardown);

	if (!s ||
	    !CU_add_test(s, "fresh database gets schema capplan and one row per sql file",
	                 test_fresh_database_gets_schema) ||
	    !CU_add_test(s, "second run leaves schema_migrations unchanged",
	                 test_second_run_leaves_migrations_unchanged) ||
	    !CU_add_test(s, "view series_samples has the public columns", test_public_view_columns) ||
	    !CU_add_test(s, "schema version 9999 is refused with 69", test_newer_schema_is_refused) ||
	    !CU_add_test(s, "two first runs at once both succeed", test_concurrent_first_runs))
		return -1;
	return 0;
}
