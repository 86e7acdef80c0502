/*
 * tests/integration/040_prometheus.c: 13 months of hourly history from a real
 * Prometheus land in PostgreSQL exactly as scripts/gen-history wrote them.
 *
 * The reference is CAPPLAN_TEST_EXPECTED, compared with the public view
 * capplan.series_samples by expected.c (SQL EXCEPT both ways, NaN = NaN).
 *
 * The server runs with --query.lookback-delta=1h, so every hourly step of a
 * query_range answer shows the sample stored at that hour.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <curl/curl.h>

#include "helpers.h"

/* query_range requests Prometheus has answered so far (from its own /metrics). */
static long long
query_range_requests(void)
{
	const char *path = it_tmp_path(".metrics");
	char *text, *line, *save = NULL;
	long long total = 0;

	IT_REQUIRE(it_http_get("/metrics", path) == 200, "GET /metrics");
	text = it_read_file(path, NULL);
	IT_REQUIRE(text != NULL, "read %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (it_starts_with(line, "prometheus_http_requests_total{") &&
		    strstr(line, "handler=\"/api/v1/query_range\"")) {
			const char *sp = strrchr(line, ' ');

			if (sp)
				total += (long long)strtod(sp + 1, NULL);
		}
	free(text);
	return total;
}

/* ---- the tests ---- */

#define MAX_SAMPLES "200000"

static void
ingest_history(struct it_db *db, struct it_run *r)
{
	char start[32], end[32];

	snprintf(start, sizeof(start), "%lld", it_env.history_start);
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	it_ingest(r, "--db", db->conninfo, "--prometheus", it_env.prom, "--query", "{__name__=~\".+\"}",
	          "--start", start, "--end", end, "--step", "1h", "--max-samples", MAX_SAMPLES);
}

static void
test_history_matches_expected(void)
{
	struct it_db *db = it_db_new();
	struct it_expected info;
	char source[IT_PATH_MAX];
	long long requests_before, requests, min_requests, hours;
	struct it_run r;

	it_load_expected(db->conn, LLONG_MIN, LLONG_MAX, &info);
	hours = (it_env.history_end - it_env.history_start) / 3600 + 1;
	IT_REQUIRE(info.rows == hours * info.series, "the CSV holds %lld rows: %lld series x %lld hours"
	           " expected", info.rows, info.series, hours);

	requests_before = query_range_requests();
	ingest_history(db, &r);
	IT_CHECK_OK(&r);
	snprintf(source, sizeof(source), "%s {__name__=~\".+\"}", it_env.prom);
	IT_CHECK_SUMMARY(&r, 0, source, info.series, info.rows, 0, 0);
	it_run_free(&r);

	/* --max-samples forced several requests: series x points / max-samples at least. */
	requests = query_range_requests() - requests_before;
	min_requests = (info.rows + atoll(MAX_SAMPLES) - 1) / atoll(MAX_SAMPLES);
	IT_CHECK(requests >= min_requests && min_requests >= 2,
	         "%lld query_range requests for %lld samples at --max-samples " MAX_SAMPLES
	         ", want at least %lld", requests, info.rows, min_requests);

	IT_COMPARE_WITH_EXPECTED(db, &info, "");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs", 0, NULL) == 1,
	         "one ingest_runs row for the whole query");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs"
	                  " WHERE extract(epoch FROM first_ts) = $1::bigint"
	                  " AND extract(epoch FROM last_ts) = $2::bigint",
	                  2, (const char *const[]){ getenv("CAPPLAN_TEST_HISTORY_START"),
	                                            getenv("CAPPLAN_TEST_HISTORY_END") }) == 1,
	         "ingest_runs first_ts and last_ts are the history's ends");
}

static void
test_history_again_adds_nothing(void)
{
	struct it_db *db = it_db_new();
	char source[IT_PATH_MAX];
	long long rows, series;
	struct it_run r;

	ingest_history(db, &r);
	IT_CHECK_OK(&r);
	it_run_free(&r);
	rows = it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL);
	series = it_count(db->conn, "SELECT count(*) FROM capplan.series", 0, NULL);
	IT_REQUIRE(rows > 0, "the first load stored nothing");

	ingest_history(db, &r);
	IT_CHECK_OK(&r);
	snprintf(source, sizeof(source), "%s {__name__=~\".+\"}", it_env.prom);
	IT_CHECK_SUMMARY(&r, 0, source, series, 0, rows, 0);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == rows,
	         "row count unchanged");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series", 0, NULL) == series,
	         "series unchanged");
}

/* An instant query at the last hour, saved by the test and ingested as a file. */
static void
test_vector_answer_from_file(void)
{
	struct it_db *db = it_db_new();
	const char *path = it_tmp_path(".json");
	struct it_expected info;
	char query[512], where[128];
	CURL *curl = curl_easy_init();
	char *escaped;
	struct it_run r;
	long code;

	IT_REQUIRE(curl != NULL, "curl");
	escaped = curl_easy_escape(curl, "{__name__=~\".+\"}", 0);
	snprintf(query, sizeof(query), "/api/v1/query?query=%s&time=%lld", escaped, it_env.history_end);
	curl_free(escaped);
	curl_easy_cleanup(curl);
	code = it_http_get(query, path);
	IT_REQUIRE(code == 200, "GET %s: HTTP %ld", query, code);
	{
		char *body = it_read_file(path, NULL);

		IT_CHECK(body && strstr(body, "\"resultType\":\"vector\""), "a vector answer: %.200s",
		         body ? body : "(none)");
		free(body);
	}

	it_load_expected(db->conn, it_env.history_end, it_env.history_end, &info);
	it_ingest(&r, "--db", db->conninfo, path);
	IT_CHECK_OK(&r);
	IT_CHECK_SUMMARY(&r, 0, path, info.series, info.rows, 0, 0);
	it_run_free(&r);
	snprintf(where, sizeof(where), "WHERE ts = to_timestamp(%lld)", it_env.history_end);
	IT_COMPARE_WITH_EXPECTED(db, &info, where);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == info.rows,
	         "only the samples at the last hour");
}

int
it_register_prometheus(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("040 prometheus", NULL, NULL, NULL, it_teardown);

	if (!s ||
	    !CU_add_test(s, "13 months of history equal the expected CSV", test_history_matches_expected) ||
	    !CU_add_test(s, "the same range again adds nothing", test_history_again_adds_nothing) ||
	    !CU_add_test(s, "vector answer saved from the server", test_vector_answer_from_file))
		return -1;
	return 0;
}
