/*
 * tests/integration/030_bad_input.c: bad input gets a clear error naming its
 * place, the right exit status, and nothing of it is committed.
 *
 * Every case runs in a database that already holds a good load (so "nothing
 * committed" is measured against tables that are not empty) and checks:
 *   1. the exit status (64 usage, 65 data, 66 input missing, 69 unavailable);
 *   2. the first line of stderr: "capplan-ingest: " + the input's name + the
 *      place, computed by hand for the fixture below; the hint line where
 *      there is one; and no more than those two lines (DESIGN.md);
 *   3. nothing on stdout (no summary), and the row counts of capplan.samples,
 *      capplan.series and capplan.ingest_runs unchanged.
 *
 * Places.  CSV: "NAME:LINE:FIELD" or "NAME:LINE" (1-based).  JSON syntax and
 * content errors: "NAME:LINE:COLUMN" where COLUMN (1-based) is the byte where
 * the parser stood when it stopped, just after the token that was wrong (the
 * convention lib/sources/prom_json.c and tests/unit/test_prom_json.c use).
 * A duplicate in JSON: "NAME: byte offset N", N the 0-based offset just after
 * the sample's value string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "helpers.h"

struct bad_case {
	const char *db;          /* --db for the bad run; NULL: the test's own database */
	int status;
	const char *prefix;      /* the first line of stderr starts with this */
	const char *contains;    /* and contains this (or NULL) */
	const char *hint;        /* the second line starts with this; "" for no second line; NULL: any */
};

static void
check_unchanged_at(struct it_db *db, const struct it_counts *before, const char *file, unsigned line)
{
	struct it_counts after;

	it_get_counts(db, &after);
	it_check_at(after.samples == before->samples && after.series == before->series &&
	            after.runs == before->runs, 0, file, line, "nothing committed",
	            "samples %lld -> %lld, series %lld -> %lld, ingest_runs %lld -> %lld", before->samples,
	            after.samples, before->series, after.series, before->runs, after.runs);
}

/* The database of a case, with a good load in it; fills *before. */
static struct it_db *
prepared_db(struct it_counts *before)
{
	struct it_db *db = it_db_new();
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, it_fixture("good_range.json"));
	IT_REQUIRE(r.status == 0, "the good load before the bad one failed: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_get_counts(db, before);
	IT_REQUIRE(before->samples == 8 && before->series == 2 && before->runs == 1,
	           "the good load left %lld samples, %lld series, %lld runs", before->samples,
	           before->series, before->runs);
	return db;
}

/* Check a finished bad run against c. */
static void
check_bad_run_at(const struct it_run *r, const struct bad_case *c, const char *file, unsigned line)
{
	char first[8192], second[8192];

	it_line(r->err, 0, first, sizeof(first));
	it_line(r->err, 1, second, sizeof(second));
	it_check_at(r->status == c->status, 0, file, line, "exit status",
	            "exit status %d, want %d\n  stderr:\n%s", r->status, c->status, r->err);
	it_check_at(it_starts_with(first, c->prefix), 0, file, line, "first line of stderr",
	            "\n  want: %s...\n  got:  %s", c->prefix, first);
	if (c->contains)
		it_check_at(strstr(first, c->contains) != NULL, 0, file, line, "first line of stderr",
		            "\n  want it to contain: %s\n  got: %s", c->contains, first);
	if (c->hint && !c->hint[0])
		it_check_at(second[0] == '\0', 0, file, line, "no hint line", "second line: %s", second);
	else if (c->hint)
		it_check_at(it_starts_with(second, c->hint), 0, file, line, "hint line",
		            "\n  want: %s...\n  got:  %s", c->hint, second);
	it_check_at(it_count_lines(r->err) <= 2, 0, file, line, "at most two lines on stderr",
	            "stderr:\n%s", r->err);
	it_check_at(r->out[0] == '\0', 0, file, line, "nothing on stdout", "stdout:\n%s", r->out);
}

/* Prepare a database, run capplan-ingest with args (--db first unless c->db), check. */
static void
bad_case_at(const struct bad_case *c, const char *const *args, const char *file, unsigned line)
{
	struct it_counts before;
	struct it_db *db = prepared_db(&before);
	const char *argv[32];
	size_t n = 0;
	struct it_run r;

	argv[n++] = "--db";
	argv[n++] = c->db ? c->db : db->conninfo;
	for (size_t i = 0; args[i] && n + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	it_ingest_argv(&r, NULL, 0, argv);
	check_bad_run_at(&r, c, file, line);
	it_run_free(&r);
	check_unchanged_at(db, &before, file, line);
}

#define BAD(c, ...) bad_case_at(c, (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)

/* "capplan-ingest: " + path + rest */
static const char *
msg(const char *path, const char *rest)
{
	static char buf[8][IT_PATH_MAX + 512];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, IT_PATH_MAX + 512, "capplan-ingest: %s%s", path, rest);
	return b;
}

/* ---- JSON ---- */

static void
test_malformed_json(void)
{
	/*
	 * Line 2 is {"metric":{...},"values":[[1704067200,"1"] [1704067260,"2"]]}:
	 * the first pair's ']' is column 64, then a space, then '[' at column 66
	 * where ',' or ']' belongs; the parser stands just after it, column 67.
	 */
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("bad_malformed.json");

	c.prefix = msg(path, ":2:67: invalid JSON: after array element, I expect ',' or ']'");
	BAD(&c, path);
}

static long long
inserted_into(PGconn *conn, const char *relname)
{
	PGresult *res = PQexec(conn, "SELECT pg_stat_clear_snapshot()");

	PQclear(res);
	return it_count(conn, "SELECT n_tup_ins FROM pg_stat_user_tables"
	                " WHERE schemaname = 'capplan' AND relname = $1", 1, &relname);
}

/*
 * Rows reach capplan.samples by COPY as the input is read; a failure later
 * must roll them back.  This shows that they did reach the server, from the
 * table statistics (which count inserted rows whether or not their
 * transaction commits; a backend reports them when it ends, so wait a bit).
 */
static void
check_rows_reached_server_at(PGconn *conn, const char *relname, long long before, long long atleast,
                             const char *file, unsigned line)
{
	long long now = before;

	for (int i = 0; i < 150; i++) {
		struct timespec pause = { 0, 100 * 1000 * 1000 };

		now = inserted_into(conn, relname);
		if (now - before >= atleast)
			break;
		nanosleep(&pause, NULL);
	}
	it_check_at(now - before >= atleast, 0, file, line, "rows were sent before the failure",
	            "%s counted %lld rows inserted during the failed run, want at least %lld (the test"
	            " no longer shows that sent rows are rolled back)", relname, now - before, atleast);
}

/*
 * Series 1 holds 270,000 samples, more than the sink holds back before the
 * first batch goes to the server (256 Ki samples), so most of them are
 * already in capplan.samples by COPY when the input breaks off in the middle
 * of series 2's values.  All of it lies in January 2024, whose partition the
 * good load created (so its statistics survive the rollback).
 */
#define TRUNC_SAMPLES 270000

static void
test_truncated_json(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_tmp_path(".json");
	char *buf = malloc((size_t)TRUNC_SAMPLES * 32 + 4096);
	const char *line3 = "{\"metric\":{\"__name__\":\"truncated\",\"part\":\"2\"},\"values\":"
	                    "[[1704067200,\"1\"],[1704067260,\"2\"],[17040";
	char rest[64];
	struct it_counts before;
	struct it_db *db;
	struct it_run r;
	long long ins;
	size_t n = 0;

	IT_REQUIRE(buf != NULL, "out of memory");
	n += (size_t)sprintf(buf + n, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n");
	n += (size_t)sprintf(buf + n, "{\"metric\":{\"__name__\":\"truncated\",\"part\":\"1\"},\"values\":[");
	for (long i = 0; i < TRUNC_SAMPLES; i++)
		n += (size_t)sprintf(buf + n, "%s[%ld,\"%ld\"]", i ? "," : "", 1704067200L + 9 * i, i);
	n += (size_t)sprintf(buf + n, "]},\n%s", line3);
	it_write_file(path, buf, n);
	free(buf);

	/* The answer ends on line 3 after its last byte: the place is one column further. */
	snprintf(rest, sizeof(rest), ":3:%zu: invalid JSON: the answer ends early", strlen(line3) + 1);
	c.prefix = msg(path, rest);

	db = prepared_db(&before);
	ins = inserted_into(db->conn, "samples_2024m01");
	IT_REQUIRE(ins >= 0, "no statistics for capplan.samples_2024m01");
	it_ingest(&r, "--db", db->conninfo, path);
	check_bad_run_at(&r, &c, __FILE__, __LINE__);
	it_run_free(&r);
	check_unchanged_at(db, &before, __FILE__, __LINE__);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series WHERE metric = 'truncated'", 0,
	                  NULL) == 0, "no series of the truncated input");
	check_rows_reached_server_at(db->conn, "samples_2024m01", ins, 200000, __FILE__, __LINE__);
}

static void
test_prometheus_error_body(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("bad_prom_error.json");

	c.prefix = msg(path, ": Prometheus answered with an error: bad_data: invalid parameter \"query\":"
	               " 1:6: parse error: unexpected end of input");
	BAD(&c, path);
}

static void
test_json_without_name(void)
{
	/*
	 * {"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},...
	 * The metric object {"job":"a"} is columns 71-81; it ends without
	 * __name__, and the parser stands just after its '}': column 82.
	 */
	struct bad_case c = { NULL, 65, NULL, NULL, "name it with --metric" };
	const char *path = it_fixture("no_name.json");

	c.prefix = msg(path, ":1:82: series {job=\"a\"} has no __name__");
	BAD(&c, path);
}

static void
test_json_label_with_nul(void)
{
	/* "job":"a\u0000b": the value string is columns 94-103; the place is just after it. */
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("nul_label.json");

	c.prefix = msg(path, ":1:104: value of label \"job\" contains a NUL byte");
	BAD(&c, path);
}

static void
test_json_duplicate_timestamp(void)
{
	/*
	 * "values":[[1704067200,"1"],[1704067200,"2"]]: the first pair is bytes
	 * 98-113 (0-based), its value's closing quote at 112; the second pair
	 * 115-130, its closing quote at 129.  Offsets just after the values.
	 */
	struct bad_case c = { NULL, 65, NULL, NULL, "the same series and time also at byte offset 113" };
	const char *path = it_fixture("dup_adjacent.json");

	c.prefix = msg(path, ": byte offset 130: duplicate timestamp 2024-01-01T00:00:00Z in series up");
	BAD(&c, path);
}

static void
test_empty_json(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("empty.json");

	c.prefix = msg(path, ": empty input");
	BAD(&c, path);
}

/* ---- CSV ---- */

static void
test_csv_bad_number(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("bad_number.csv");

	c.prefix = msg(path, ":4:2: invalid value \"1.2.3\"");
	BAD(&c, "--metric", "m", path);
}

static void
test_csv_bad_timestamp(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("bad_timestamp.csv");

	c.prefix = msg(path, ":4:1: invalid timestamp \"2024-01-01T25:00:00Z\"");
	BAD(&c, "--metric", "m", path);
}

static void
test_csv_wrong_column_count(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("bad_columns.csv");

	c.prefix = msg(path, ":3: expected 2 fields, got 3");
	BAD(&c, "--metric", "m", path);
}

static void
test_csv_duplicate_adjacent(void)
{
	/* Lines 3 and 4 both hold 2024-01-01T00:01:00Z: found while reading. */
	struct bad_case c = { NULL, 65, NULL, NULL, "the same series and time also at line 3" };
	const char *path = it_fixture("dup_adjacent.csv");

	c.prefix = msg(path, ":4: duplicate timestamp 2024-01-01T00:01:00Z in series m{host=\"a\"}");
	BAD(&c, "--metric", "m", "--label", "host=a", path);
}

static void
test_csv_duplicate_far_apart(void)
{
	/*
	 * Times 00, 03, 01, 05, 03, 02 h on lines 2-7: the input goes back in time,
	 * so the database checks for repeats before commit; 03:00 is on lines 3
	 * and 6.
	 */
	struct bad_case c = { NULL, 65, NULL, NULL, "the same series and time also at line 3" };
	const char *path = it_fixture("dup_far.csv");

	c.prefix = msg(path, ":6: duplicate timestamp 2024-01-01T03:00:00Z in series m{host=\"a\"}");
	BAD(&c, "--metric", "m", "--label", "host=a", path);
}

/*
 * The same, with the earlier time among rows already copied into
 * capplan.samples: 270,000 rows in order (line 2 on), then line 270,002 goes
 * back to the time of line 7.  The database finds it before commit, and the
 * copied rows are rolled back.  (Only the later line can be named here: the
 * copied rows do not keep their lines.)
 */
static void
test_csv_duplicate_after_copy(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "the same series and time " };
	const char *path = it_tmp_path(".csv");
	char *buf = malloc((size_t)TRUNC_SAMPLES * 24 + 4096);
	struct it_counts before;
	struct it_db *db;
	struct it_run r;
	long long ins;
	size_t n = 0;

	IT_REQUIRE(buf != NULL, "out of memory");
	n += (size_t)sprintf(buf + n, "timestamp,value\n");
	for (long i = 0; i < TRUNC_SAMPLES; i++)
		n += (size_t)sprintf(buf + n, "%ld,%ld\n", 1704067200L + 9 * i, i);
	/* line 7 is i = 5: 1704067245, 2024-01-01T00:00:45Z */
	n += (size_t)sprintf(buf + n, "1704067245,5\n");
	it_write_file(path, buf, n);
	free(buf);
	c.prefix = msg(path, ":270002: duplicate timestamp 2024-01-01T00:00:45Z in series m{host=\"a\"}");

	db = prepared_db(&before);
	ins = inserted_into(db->conn, "samples_2024m01");
	IT_REQUIRE(ins >= 0, "no statistics for capplan.samples_2024m01");
	it_ingest(&r, "--db", db->conninfo, "--metric", "m", "--label", "host=a", path);
	check_bad_run_at(&r, &c, __FILE__, __LINE__);
	it_run_free(&r);
	check_unchanged_at(db, &before, __FILE__, __LINE__);
	check_rows_reached_server_at(db->conn, "samples_2024m01", ins, 200000, __FILE__, __LINE__);
}

static void
test_empty_csv(void)
{
	struct bad_case c = { NULL, 65, NULL, NULL, "" };
	const char *path = it_fixture("empty.csv");

	c.prefix = msg(path, ": empty input, no samples");
	BAD(&c, path);
}

/* ---- files that are not there ---- */

static void
test_missing_file(void)
{
	struct bad_case c = { NULL, 66, NULL, NULL, "" };
	const char *path = it_fixture("does-not-exist.json");

	c.prefix = msg(path, ": cannot open: No such file or directory");
	BAD(&c, path);
}

static void
test_directory_as_input(void)
{
	struct bad_case c = { NULL, 66, NULL, "directory", NULL };
	const char *path = it_tmp_path(".json");

	IT_REQUIRE(mkdir(path, 0755) == 0, "mkdir %s", path);
	c.prefix = msg(path, ": ");
	BAD(&c, path);
}

/* ---- services ---- */

static void
test_unreachable_database(void)
{
	struct bad_case c = { "host=/nonexistent", 69, "capplan-ingest: database: cannot connect: ", NULL,
	                      "check --db" };

	BAD(&c, it_fixture("good_wide.csv"));
}

static void
test_unreachable_prometheus(void)
{
	struct bad_case c = { NULL, 69, "capplan-ingest: http://127.0.0.1:1 [", "(after 1 attempts)",
	                      "is Prometheus up and reachable at http://127.0.0.1:1?" };

	BAD(&c, "--prometheus", "http://127.0.0.1:1", "--retries", "0", "--query", "up", "--start",
	    "2025-01-01T00:00:00Z", "--end", "2025-01-02T00:00:00Z");
}

static void
test_bad_query(void)
{
	char prefix[IT_PATH_MAX], start[32], end[32];
	struct bad_case c = { NULL, 64, prefix, "Prometheus rejected the query: bad_data: ", "check --query" };
	struct it_counts before;
	struct it_db *db = prepared_db(&before);
	struct it_run r;

	snprintf(prefix, sizeof(prefix), "capplan-ingest: %s [", it_env.prom);
	snprintf(start, sizeof(start), "%lld", it_env.history_start);
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	it_ingest(&r, "--db", db->conninfo, "--prometheus", it_env.prom, "--query", "rate((", "--start", start,
	          "--end", end);
	check_bad_run_at(&r, &c, __FILE__, __LINE__);
	/* Prometheus's own words: "1:7: parse error: unclosed left parenthesis". */
	IT_CHECK(strstr(r.err, "parse error") != NULL, "Prometheus's parse error text in:\n%s", r.err);
	it_run_free(&r);
	check_unchanged_at(db, &before, __FILE__, __LINE__);
}

static void
test_bad_option_values(void)
{
	struct bad_case step = { NULL, 64, "capplan-ingest: --step: invalid duration \"5x\"", NULL, NULL };
	struct bad_case start = { NULL, 64, "capplan-ingest: --start: invalid timestamp \"garbage\"", NULL,
	                          NULL };
	struct bad_case end = { NULL, 64, "capplan-ingest: --end: invalid timestamp \"2025-02-30\"", NULL,
	                        NULL };
	struct bad_case timeout = { NULL, 64, "capplan-ingest: --timeout: invalid duration \"soon\"", NULL,
	                            NULL };
	struct bad_case samples = { NULL, 64, "capplan-ingest: --max-samples 0: ", NULL, NULL };
	struct bad_case format = { NULL, 64, "capplan-ingest: --format: ", NULL, NULL };

	BAD(&step, "--prometheus", it_env.prom, "--query", "up", "--start", "2025-01-01T00:00:00Z", "--step",
	    "5x");
	BAD(&start, "--prometheus", it_env.prom, "--query", "up", "--start", "garbage");
	BAD(&end, "--prometheus", it_env.prom, "--query", "up", "--start", "2025-01-01T00:00:00Z", "--end",
	    "2025-02-30");
	BAD(&timeout, "--timeout", "soon", "--prometheus", it_env.prom, "--query", "up", "--start",
	    "2025-01-01T00:00:00Z");
	BAD(&samples, "--max-samples", "0", "--prometheus", it_env.prom, "--query", "up", "--start",
	    "2025-01-01T00:00:00Z");
	BAD(&format, "--format", "xml", it_fixture("good_wide.csv"));
}

int
it_register_bad_input(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("030 bad input", NULL, NULL, NULL, it_teardown);

	if (!s ||
	    !CU_add_test(s, "malformed JSON", test_malformed_json) ||
	    !CU_add_test(s, "truncated JSON after rows were copied", test_truncated_json) ||
	    !CU_add_test(s, "Prometheus error body", test_prometheus_error_body) ||
	    !CU_add_test(s, "JSON result without __name__", test_json_without_name) ||
	    !CU_add_test(s, "JSON label value with NUL", test_json_label_with_nul) ||
	    !CU_add_test(s, "JSON duplicate timestamp", test_json_duplicate_timestamp) ||
	    !CU_add_test(s, "empty JSON file", test_empty_json) ||
	    !CU_add_test(s, "CSV bad number", test_csv_bad_number) ||
	    !CU_add_test(s, "CSV bad timestamp", test_csv_bad_timestamp) ||
	    !CU_add_test(s, "CSV wrong column count", test_csv_wrong_column_count) ||
	    !CU_add_test(s, "CSV duplicate timestamp, adjacent", test_csv_duplicate_adjacent) ||
	    !CU_add_test(s, "CSV duplicate timestamp, far apart (unsorted)", test_csv_duplicate_far_apart) ||
	    !CU_add_test(s, "CSV duplicate of a row already copied", test_csv_duplicate_after_copy) ||
	    !CU_add_test(s, "empty CSV file", test_empty_csv) ||
	    !CU_add_test(s, "missing file", test_missing_file) ||
	    !CU_add_test(s, "directory as input", test_directory_as_input) ||
	    !CU_add_test(s, "unreachable database", test_unreachable_database) ||
	    !CU_add_test(s, "unreachable Prometheus", test_unreachable_prometheus) ||
	    !CU_add_test(s, "query Prometheus rejects", test_bad_query) ||
	    !CU_add_test(s, "bad option values", test_bad_option_values))
		return -1;
	return 0;
}
