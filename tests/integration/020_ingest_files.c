/*
 * tests/integration/020_ingest_files.c: good files load exactly.
 *
 * Fixtures (tests/integration/fixtures):
 *   good_range.json  a query_range answer: the series disk_free_bytes with
 *                    awkward label values (a comma, a double quote, a
 *                    backslash, a newline, SQL text, a leading "=", UTF-8)
 *                    and 6 samples (1, NaN, +Inf, -Inf, -0, 1e+30; one at
 *                    ...17.250), and disk_free_bytes{instance="plain"} with 2
 *                    (2.5 and 5e-324, the smallest subnormal)
 *   good_long.csv    timestamp,value: the same 6 values, RFC 3339 and unix times
 *   good_wide.csv    a Grafana export: Time + 6 columns probe_ok{target="..."}
 *                    with the awkward values in Prometheus notation; 3 rows,
 *                    one empty cell
 *   unsorted.csv     6 hourly samples out of order, value = hour
 * Expected values are written out here by hand, never read back from the
 * program under test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "helpers.h"

#define T0 1704067200000LL   /* 2024-01-01T00:00:00Z in ms */

struct sample {
	long long ts;            /* ms */
	double v;
};

static const struct sample six_values[] = {
	{ T0, 1 },
	{ T0 + 17250, NAN },
	{ T0 + 60000, INFINITY },
	{ T0 + 120000, -INFINITY },
	{ T0 + 180000, -0.0 },
	{ T0 + 240000, 1e30 },
};

/* The awkward label values, as C strings. */
#define V_COMMA "a,b"
#define V_QUOTE "say \"hi\""
#define V_BACKSLASH "C:\\temp"
#define V_NEWLINE "line1\nline2"
#define V_SQL "'; DROP TABLE x; --"
#define V_FORMULA "=cmd|' /C calc'!A0"
#define V_UTF8 "Z\xc3\xbcrich \xe2\x9c\x93"

static const char *const awkward_names[] = { "instance", "job", "path", "note", "team", "formula", "site" };
static const char *const awkward_values[] = { V_COMMA, V_QUOTE, V_BACKSLASH, V_NEWLINE, V_SQL, V_FORMULA,
                                              V_UTF8 };
#define NAWKWARD 7

static int
same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && !signbit(a) == !signbit(b);
}

/*
 * The samples of metric{names[i]=values[i]...}, by time.  The series is found
 * by jsonb equality with an object the query builds from the parameters, so
 * label values travel as plain parameters, never as JSON text we wrote.
 * Returns the number of samples, or -1 when there is no such series.
 */
static int
fetch_series(PGconn *c, const char *metric, int nlabels, const char *const *names,
             const char *const *values, struct sample *out, int max)
{
	char sql[2048];
	const char *params[1 + 2 * 16];
	PGresult *res;
	int n, len;

	len = snprintf(sql, sizeof(sql),
	               "SELECT (extract(epoch FROM x.ts) * 1000)::bigint, x.value::text"
	               " FROM capplan.series s JOIN capplan.samples x ON x.series_id = s.id"
	               " WHERE s.metric = $1 AND s.labels = %s", nlabels ? "jsonb_build_object(" : "'{}'::jsonb");
	params[0] = metric;
	for (int i = 0; i < nlabels && i < 16; i++) {
		len += snprintf(sql + len, sizeof(sql) - (size_t)len, "%s$%d::text, $%d::text", i ? ", " : "",
		                2 + 2 * i, 3 + 2 * i);
		params[1 + 2 * i] = names[i];
		params[2 + 2 * i] = values[i];
	}
	snprintf(sql + len, sizeof(sql) - (size_t)len, "%s ORDER BY x.ts", nlabels ? ")" : "");
	res = it_query(c, sql, 1 + 2 * nlabels, params);
	if (!res)
		return -1;
	n = PQntuples(res);
	for (int i = 0; i < n && i < max; i++) {
		out[i].ts = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		/* PostgreSQL writes the shortest text that reads back as the same double. */
		out[i].v = strtod(PQgetvalue(res, i, 1), NULL);
	}
	PQclear(res);
	return n;
}

static void
check_series_at(PGconn *c, const char *metric, int nlabels, const char *const *names,
                const char *const *values, const struct sample *want, int nwant, const char *file,
                unsigned line)
{
	struct sample got[64];
	int n = fetch_series(c, metric, nlabels, names, values, got, 64);

	it_check_at(n == nwant, 0, file, line, "samples of the series",
	            "%s with %d labels: %d samples stored, want %d", metric, nlabels, n, nwant);
	for (int i = 0; i < n && i < nwant; i++) {
		it_check_at(got[i].ts == want[i].ts, 0, file, line, "timestamp",
		            "%s sample %d: ts %lld ms, want %lld", metric, i, got[i].ts, want[i].ts);
		it_check_at(same_double(got[i].v, want[i].v), 0, file, line, "value",
		            "%s sample %d: value %.17g, want %.17g", metric, i, got[i].v, want[i].v);
	}
}

#define CHECK_SERIES(c, metric, nlabels, names, values, want, nwant) \
	check_series_at(c, metric, nlabels, names, values, want, nwant, __FILE__, __LINE__)

/* Read each label of the awkward series back as text and compare in C. */
static void
check_awkward_labels_read_back(PGconn *c, const char *metric)
{
	const char *params[1] = { metric };
	PGresult *res = it_query(c,
	                         "SELECT labels->>'instance', labels->>'job', labels->>'path', labels->>'note',"
	                         " labels->>'team', labels->>'formula', labels->>'site',"
	                         " (SELECT count(*) FROM jsonb_object_keys(labels))"
	                         " FROM capplan.series WHERE metric = $1 AND labels ? 'formula'", 1, params);

	IT_REQUIRE(res != NULL, "read labels");
	IT_REQUIRE(PQntuples(res) == 1, "one series with label formula, got %d", PQntuples(res));
	for (int i = 0; i < NAWKWARD; i++)
		IT_CHECK(strcmp(PQgetvalue(res, 0, i), awkward_values[i]) == 0,
		         "label %s reads back as [%s], want [%s]", awkward_names[i], PQgetvalue(res, 0, i),
		         awkward_values[i]);
	IT_CHECK(strcmp(PQgetvalue(res, 0, NAWKWARD), "7") == 0, "7 labels, got %s",
	         PQgetvalue(res, 0, NAWKWARD));
	PQclear(res);
}

static void
check_counts_at(struct it_db *db, long long samples, long long series, long long runs,
                const char *file, unsigned line)
{
	struct it_counts c;

	it_get_counts(db, &c);
	it_check_at(c.samples == samples && c.series == series && c.runs == runs, 0, file, line, "row counts",
	            "samples %lld (want %lld), series %lld (want %lld), ingest_runs %lld (want %lld)",
	            c.samples, samples, c.series, series, c.runs, runs);
}

#define CHECK_COUNTS(db, samples, series, runs) check_counts_at(db, samples, series, runs, __FILE__, __LINE__)

static void
check_range_json_content(struct it_db *db)
{
	static const char *const plain_names[] = { "instance" };
	static const char *const plain_values[] = { "plain" };
	struct sample plain[2] = { { T0, 2.5 }, { T0 + 3600000, 0 } };

	plain[1].v = strtod("5e-324", NULL);
	CHECK_SERIES(db->conn, "disk_free_bytes", NAWKWARD, awkward_names, awkward_values, six_values, 6);
	CHECK_SERIES(db->conn, "disk_free_bytes", 1, plain_names, plain_values, plain, 2);
	check_awkward_labels_read_back(db->conn, "disk_free_bytes");
}

static void
test_range_json(void)
{
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_range.json");
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 2, 8, 0, 0);
	IT_CHECK(it_count_lines(r.out) == 1, "one summary line, got:\n%s", r.out);
	it_run_free(&r);
	CHECK_COUNTS(db, 8, 2, 1);
	check_range_json_content(db);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series_samples WHERE value = 'NaN'", 0,
	                  NULL) == 1, "the NaN is stored as NaN (a value, not NULL or a gap)");
}

static void
test_long_csv_with_metric_and_labels(void)
{
	static const char *const names[] = { "host", "note", "team", "formula" };
	static const char *const values[] = { "a,\"b\"\\c", V_NEWLINE, V_SQL, "=SUM(A1)" };
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_long.csv");
	struct it_run r;

	/* Label values with a quote, a backslash, a newline, SQL and a leading "=", through argv. */
	it_ingest(&r, "--db", db->conninfo, "--metric", "cpu_seconds", "--label", "host=a,\"b\"\\c",
	          "--label", "note=" V_NEWLINE, "-l", "team=" V_SQL, "--label", "formula==SUM(A1)", path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 1, 6, 0, 0);
	it_run_free(&r);
	CHECK_COUNTS(db, 6, 1, 1);
	CHECK_SERIES(db->conn, "cpu_seconds", 4, names, values, six_values, 6);
}

static void
test_grafana_wide_csv(void)
{
	static const char *const target[] = { "target" };
	static const char *const targets[6] = { V_COMMA, V_QUOTE, V_BACKSLASH, V_NEWLINE, V_SQL, V_FORMULA };
	/* Rows at 00:00:00, 00:00:17.250 and 00:02:00; the first column's last cell is empty. */
	const struct sample want[6][3] = {
		{ { T0, 1 }, { T0 + 17250, NAN } },
		{ { T0, 2 }, { T0 + 17250, INFINITY }, { T0 + 120000, 8 } },
		{ { T0, 3 }, { T0 + 17250, -INFINITY }, { T0 + 120000, 9 } },
		{ { T0, 4 }, { T0 + 17250, -0.0 }, { T0 + 120000, 10 } },
		{ { T0, 5 }, { T0 + 17250, 1e30 }, { T0 + 120000, 11 } },
		{ { T0, 6 }, { T0 + 17250, 7 }, { T0 + 120000, 12 } },
	};
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_wide.csv");
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	/* 18 cells, one empty: 17 samples, 1 skipped. */
	IT_CHECK_SUMMARY(&r, 0, path, 6, 17, 0, 1);
	it_run_free(&r);
	CHECK_COUNTS(db, 17, 6, 1);
	for (int i = 0; i < 6; i++)
		CHECK_SERIES(db->conn, "probe_ok", 1, target, &targets[i], want[i], i == 0 ? 2 : 3);
}

static void
test_reload_adds_nothing(void)
{
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_range.json");
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	it_run_free(&r);
	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 2, 0, 8, 0);
	it_run_free(&r);
	CHECK_COUNTS(db, 8, 2, 2);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs"
	                  " WHERE samples_new = 0 AND samples_dup = 8 AND series = 2", 0, NULL) == 1,
	         "the second run is recorded with 0 new, 8 duplicate");
	check_range_json_content(db);
}

/* A query_range answer for overlap_test{job="o"}: hours first..last, value base + hour. */
static const char *
write_hours_json(int first, int last, double base)
{
	const char *path = it_tmp_path(".json");
	char *buf = malloc(64 * 1024);
	size_t n = 0;

	IT_REQUIRE(buf != NULL, "out of memory");
	n += (size_t)sprintf(buf + n, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
	                     "{\"metric\":{\"__name__\":\"overlap_test\",\"job\":\"o\"},\"values\":[");
	for (int h = first; h <= last; h++)
		n += (size_t)sprintf(buf + n, "%s[%lld,\"%g\"]", h > first ? "," : "", T0 / 1000 + 3600LL * h,
		                     base + h);
	n += (size_t)sprintf(buf + n, "]}]}}\n");
	it_write_file(path, buf, n);
	free(buf);
	return path;
}

/*
 * File A holds hours 0..9; file B 5..14 (later half new), file C -5..4
 * (earlier half new, in the month before).  The overlapping hours of B and C
 * carry other values: what was stored first stays (ON CONFLICT DO NOTHING).
 */
static void
test_overlapping_files_merge(void)
{
	static const char *const names[] = { "job" };
	static const char *const values[] = { "o" };
	struct sample want[20];
	struct it_db *db = it_db_new();
	char a[IT_PATH_MAX], b[IT_PATH_MAX], c[IT_PATH_MAX];
	struct it_run r;

	snprintf(a, sizeof(a), "%s", write_hours_json(0, 9, 0));
	snprintf(b, sizeof(b), "%s", write_hours_json(5, 14, 100));
	snprintf(c, sizeof(c), "%s", write_hours_json(-5, 4, 100));
	it_ingest(&r, "--db", db->conninfo, a);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, a, 1, 10, 0, 0);
	it_run_free(&r);
	it_ingest(&r, "--db", db->conninfo, b);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, b, 1, 5, 5, 0);
	it_run_free(&r);
	CHECK_COUNTS(db, 15, 1, 2);
	it_ingest(&r, "--db", db->conninfo, c);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, c, 1, 5, 5, 0);
	it_run_free(&r);
	CHECK_COUNTS(db, 20, 1, 3);
	for (int h = -5; h <= 14; h++) {
		want[h + 5].ts = T0 + 3600000LL * h;
		want[h + 5].v = h >= 0 && h <= 9 ? h : 100 + h;
	}
	CHECK_SERIES(db->conn, "overlap_test", 1, names, values, want, 20);
}

static void
test_drop_nan(void)
{
	struct it_db *db = it_db_new();
	const char *path = it_fixture("good_range.json");
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, "--drop-nan", path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 2, 7, 0, 1);
	it_run_free(&r);
	CHECK_COUNTS(db, 7, 2, 1);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples WHERE value = 'NaN'", 0, NULL) == 0,
	         "no NaN stored");
	IT_CHECK(it_count(db->conn, "SELECT samples_skipped FROM capplan.ingest_runs", 0, NULL) == 1,
	         "ingest_runs records 1 skipped");
}

static void
test_stdin(void)
{
	static const char *const names[] = { "src" };
	static const char *const values[] = { "stdin" };
	struct it_db *db = it_db_new();
	size_t len;
	char *csv = it_read_file(it_fixture("good_long.csv"), &len);
	char *json;
	struct it_run r;

	IT_REQUIRE(csv != NULL, "read good_long.csv");
	/* CSV on stdin: no file name to go by, so the content decides. */
	it_ingest_list(&r, csv, len, "--db", db->conninfo, "--metric", "from_stdin", "--label", "src=stdin",
	               "-", (const char *)NULL);
	free(csv);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, "(stdin)", 1, 6, 0, 0);
	it_run_free(&r);
	CHECK_SERIES(db->conn, "from_stdin", 1, names, values, six_values, 6);

	json = it_read_file(it_fixture("good_range.json"), &len);
	IT_REQUIRE(json != NULL, "read good_range.json");
	it_ingest_list(&r, json, len, "--db", db->conninfo, "-", (const char *)NULL);
	free(json);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, "(stdin)", 2, 8, 0, 0);
	it_run_free(&r);
	check_range_json_content(db);
	CHECK_COUNTS(db, 14, 3, 2);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs WHERE source = '(stdin)'", 0,
	                  NULL) == 2, "both runs recorded with source (stdin)");
}

/* One call, two inputs: one summary line and one capplan.ingest_runs row each. */
static void
test_ingest_runs_per_input(void)
{
	struct it_db *db = it_db_new();
	char a[IT_PATH_MAX], b[IT_PATH_MAX];
	const char *params[2];
	PGresult *res;
	struct it_run r;

	snprintf(a, sizeof(a), "%s", it_fixture("good_range.json"));
	snprintf(b, sizeof(b), "%s", it_fixture("good_wide.csv"));
	it_ingest(&r, "--db", db->conninfo, a, b);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, a, 2, 8, 0, 0);
	IT_CHECK_SUMMARY(&r, 1, b, 6, 17, 0, 1);
	it_run_free(&r);
	params[0] = a;
	params[1] = b;
	res = it_query(db->conn,
	               "SELECT source = $1, series, samples_new, samples_dup, samples_skipped,"
	               " extract(epoch FROM first_ts)::bigint, extract(epoch FROM last_ts)::bigint,"
	               " started_at <= finished_at"
	               " FROM capplan.ingest_runs WHERE source IN ($1, $2) ORDER BY id", 2, params);
	IT_REQUIRE(res != NULL, "read ingest_runs");
	IT_REQUIRE(PQntuples(res) == 2, "two ingest_runs rows, got %d", PQntuples(res));
	{
		static const char *const want[2][8] = {
			{ "t", "2", "8", "0", "0", "1704067200", "1704070800", "t" },
			{ "f", "6", "17", "0", "1", "1704067200", "1704067320", "t" },
		};
		static const char *const cols[8] = { "source", "series", "samples_new", "samples_dup",
		                                     "samples_skipped", "first_ts", "last_ts",
		                                     "started_at <= finished_at" };

		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 8; j++)
				IT_CHECK(strcmp(PQgetvalue(res, i, j), want[i][j]) == 0, "run %d: %s is %s, want %s",
				         i + 1, cols[j], PQgetvalue(res, i, j), want[i][j]);
	}
	PQclear(res);
	CHECK_COUNTS(db, 25, 8, 2);
}

static void
test_unsorted_csv(void)
{
	static const char *const names[] = { "order" };
	static const char *const values[] = { "shuffled" };
	struct sample want[6];
	struct it_db *db = it_db_new();
	const char *path = it_fixture("unsorted.csv");
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, "--metric", "unsorted", "--label", "order=shuffled", path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 1, 6, 0, 0);
	it_run_free(&r);
	for (int h = 0; h < 6; h++) {
		want[h].ts = T0 + 3600000LL * h;
		want[h].v = h;
	}
	CHECK_SERIES(db->conn, "unsorted", 1, names, values, want, 6);
	CHECK_COUNTS(db, 6, 1, 1);
}

/* 2,000 samples in falling time order, over three months, and a second series in order. */
static void
test_unsorted_json(void)
{
	const char *path = it_tmp_path(".json");
	struct it_db *db = it_db_new();
	char *buf = malloc(1 << 20);
	size_t n = 0;
	struct it_run r;
	char *sum;

	IT_REQUIRE(buf != NULL, "out of memory");
	n += (size_t)sprintf(buf + n, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n"
	                     "{\"metric\":{\"__name__\":\"backwards\"},\"values\":[");
	for (int i = 1999; i >= 0; i--)
		n += (size_t)sprintf(buf + n, "%s[%lld,\"%d\"]", i < 1999 ? "," : "", T0 / 1000 + 3600LL * i, i);
	n += (size_t)sprintf(buf + n, "]},\n{\"metric\":{\"__name__\":\"forwards\"},\"values\":[");
	for (int i = 0; i < 2000; i++)
		n += (size_t)sprintf(buf + n, "%s[%lld,\"%d\"]", i ? "," : "", T0 / 1000 + 3600LL * i, i);
	n += (size_t)sprintf(buf + n, "]}\n]}}\n");
	it_write_file(path, buf, n);
	free(buf);

	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, 2, 4000, 0, 0);
	it_run_free(&r);
	CHECK_COUNTS(db, 4000, 2, 1);
	/* Every sample at its own hour with its own value, in both series. */
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM capplan.series_samples WHERE metric IN ('backwards', 'forwards')"
	                  " AND value = (extract(epoch FROM ts) - 1704067200) / 3600", 0, NULL) == 4000,
	         "4000 samples with value = hours since T0");
	sum = it_scalar(db->conn, "SELECT count(DISTINCT ts) || ' ' || sum(value) FROM capplan.series_samples"
	                " WHERE metric = 'backwards'", 0, NULL);
	IT_CHECK(sum && strcmp(sum, "2000 1999000") == 0, "backwards: 2000 distinct times, values 0..1999,"
	         " got %s", sum ? sum : "(null)");
	free(sum);
}

/* Each input is its own transaction: the first lands although the second is bad. */
static void
test_several_files_each_its_own_transaction(void)
{
	struct it_db *db = it_db_new();
	char good[IT_PATH_MAX], bad[IT_PATH_MAX], want[IT_PATH_MAX + 64], line[IT_PATH_MAX + 256];
	struct it_run r;

	snprintf(good, sizeof(good), "%s", it_fixture("good_range.json"));
	snprintf(bad, sizeof(bad), "%s", it_fixture("bad_number.csv"));
	it_ingest(&r, "--db", db->conninfo, "--metric", "m", good, bad);
	IT_CHECK(r.status == 65, "exit status %d, want 65 (the bad input's)\n  stderr:\n%s", r.status, r.err);
	IT_CHECK_SUMMARY(&r, 0, good, 2, 8, 0, 0);
	snprintf(want, sizeof(want), "capplan-ingest: %s:4:2: invalid value", bad);
	it_line(r.err, 0, line, sizeof(line));
	IT_CHECK(it_starts_with(line, want), "stderr names the bad input\n  want: %s...\n  got:  %s", want,
	         line);
	it_run_free(&r);
	CHECK_COUNTS(db, 8, 2, 1);
	check_range_json_content(db);
}

/* A saved answer with "warnings": each goes to stderr, the load succeeds; --quiet says nothing. */
static void
test_warnings_and_quiet(void)
{
	static const char answer[] =
		"{\"status\":\"success\",\"warnings\":[\"remote read failed\"],\"data\":{\"resultType\":\"vector\","
		"\"result\":[{\"metric\":{\"__name__\":\"up\",\"job\":\"w\"},\"value\":[1704067200,\"1\"]}]}}\n";
	struct it_db *db = it_db_new();
	const char *path = it_tmp_path(".json");
	char want[IT_PATH_MAX + 64], line[IT_PATH_MAX + 256];
	struct it_run r;

	it_write_file(path, answer, strlen(answer));
	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK(r.status == 0, "exit status %d\n%s", r.status, r.err);
	snprintf(want, sizeof(want), "capplan-ingest: %s: warning from Prometheus: remote read failed", path);
	IT_CHECK(strcmp(it_line(r.err, 0, line, sizeof(line)), want) == 0, "\n  want: %s\n  got:  %s", want,
	         line);
	IT_CHECK(it_count_lines(r.err) == 1, "one line on stderr:\n%s", r.err);
	IT_CHECK_SUMMARY(&r, 0, path, 1, 1, 0, 0);
	it_run_free(&r);

	it_ingest(&r, "--db", db->conninfo, "--quiet", path);
	IT_CHECK_OK(&r);
	IT_CHECK(r.out[0] == '\0', "--quiet: nothing on stdout, got:\n%s", r.out);
	it_run_free(&r);
	CHECK_COUNTS(db, 1, 1, 2);
}

int
it_register_ingest_files(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("020 ingest files", NULL, NULL, NULL,
	                                                   it_teardown);

	if (!s ||
	    !CU_add_test(s, "query_range JSON: values, ms timestamps, awkward labels", test_range_json) ||
	    !CU_add_test(s, "long CSV with --metric and --label", test_long_csv_with_metric_and_labels) ||
	    !CU_add_test(s, "Grafana wide CSV", test_grafana_wide_csv) ||
	    !CU_add_test(s, "re-ingesting a file adds nothing", test_reload_adds_nothing) ||
	    !CU_add_test(s, "overlapping files merge", test_overlapping_files_merge) ||
	    !CU_add_test(s, "--drop-nan skips NaN", test_drop_nan) ||
	    !CU_add_test(s, "standard input", test_stdin) ||
	    !CU_add_test(s, "one ingest_runs row per input", test_ingest_runs_per_input) ||
	    !CU_add_test(s, "unsorted CSV", test_unsorted_csv) ||
	    !CU_add_test(s, "unsorted JSON over three months", test_unsorted_json) ||
	    !CU_add_test(s, "several files: each its own transaction",
	                 test_several_files_each_its_own_transaction) ||
	    !CU_add_test(s, "warnings on stderr; --quiet", test_warnings_and_quiet))
		return -1;
	return 0;
}
