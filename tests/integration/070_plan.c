/*
 * tests/integration/070_plan.c: the plan drives ingest and model.
 *
 * capplan-ingest --config loads every query of a plan from the real
 * Prometheus, each stored under the plan's name for it: aggregations (which
 * have no __name__) and raw selectors (whose __name__ is replaced) alike.
 * The stored values are compared with sums computed from the expected CSV.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "helpers.h"

static const char plan_text[] =
	"version: 1\n"
	"prometheus:\n"
	"  url: %s\n"
	"  step: 1h\n"
	"history: 30d\n"
	"horizon: 180d\n"
	"drivers:\n"
	"  - name: deployments\n"
	"    query: 'sum(deployments_active)'\n"
	"    metric: deployments_total\n"
	"resources:\n"
	"  - name: api-requests\n"
	"    service: api\n"
	"    kind: api_requests\n"
	"    unit: requests_per_second\n"
	"    usage: 'sum(http_requests_per_second)'\n"
	"    metric: api_requests_per_second\n"
	"    capacity: 10000\n"
	"    drivers: [deployments]\n"
	"  - name: data-disks\n"
	"    service: validator\n"
	"    kind: disk\n"
	"    unit: bytes\n"
	"    usage: 'node_filesystem_size_bytes - node_filesystem_avail_bytes'\n"
	"    metric: disk_used_bytes\n"
	"    capacity: 'node_filesystem_size_bytes'\n";

static const char *
write_plan(void)
{
	const char *path = it_tmp_path(".yml");
	char text[4096];
	int len = snprintf(text, sizeof(text), plan_text, it_env.prom);

	IT_REQUIRE(len > 0 && (size_t)len < sizeof(text), "plan text");
	it_write_file(path, text, (size_t)len);
	return path;
}

static void
test_ingest_plan(void)
{
	struct it_db *db = it_db_new();
	struct it_expected info;
	const char *plan = write_plan();
	char end[32], line[1024];
	long long hours = 30 * 24 + 1;
	struct it_run r;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	it_ingest(&r, "--db", db->conninfo, "--config", plan, "--end", end);
	IT_CHECK_OK(&r);
	/* one summary line per query, named by its place in the plan */
	snprintf(line, sizeof(line), "%s: drivers[0] (deployments): 1 series, %lld samples new", plan, hours);
	IT_CHECK(it_starts_with(r.out, line), "first summary line\n  want: %s\n  got: %s", line, r.out);
	IT_CHECK(it_count_lines(r.out) == 4, "four queries, four lines:\n%s", r.out);
	it_run_free(&r);

	/* the names: the plan's, __name__ gone; the capacity series named after the usage */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series WHERE metric = 'deployments_total'"
	                  " AND labels = '{}'", 0, NULL) == 1, "the driver: one series, no labels");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series WHERE metric = 'disk_used_bytes'"
	                  " AND NOT labels ? '__name__'", 0, NULL) == 10, "ten disks under the plan's name");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series"
	                  " WHERE metric = 'disk_used_bytes:capacity'", 0, NULL) == 10,
	         "their capacity series");
	IT_CHECK(it_count(db->conn, "SELECT count(DISTINCT metric) FROM capplan.series", 0, NULL) == 4,
	         "nothing else stored");
	/* 30 days + 1 hourly points, start = end - the plan's history */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series_samples"
	                  " WHERE metric = 'api_requests_per_second'", 0, NULL) == hours,
	         "the plan's history and step");

	/* the values: sums over the expected CSV, to the last bits of a double sum */
	it_load_expected(db->conn, it_env.history_end - 30 * 86400LL, it_env.history_end, &info);
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM (SELECT ts, sum(value) AS v FROM expected"
	                  " WHERE metric = 'http_requests_per_second' GROUP BY ts) e"
	                  " JOIN capplan.series_samples s ON s.ts = e.ts AND s.metric = 'api_requests_per_second'"
	                  " WHERE abs(s.value - e.v) <= 1e-9 * abs(e.v)", 0, NULL) == hours,
	         "api_requests_per_second = sum(http_requests_per_second) at every hour");
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM (SELECT a.labels, a.ts, s.value - a.value AS used FROM expected a"
	                  "   JOIN expected s ON s.ts = a.ts AND s.labels = a.labels"
	                  "   WHERE a.metric = 'node_filesystem_avail_bytes'"
	                  "     AND s.metric = 'node_filesystem_size_bytes') e"
	                  " JOIN capplan.series_samples x ON x.ts = e.ts AND x.metric = 'disk_used_bytes'"
	                  "  AND x.labels = e.labels::jsonb"
	                  " WHERE x.value = e.used", 0, NULL) == 10 * hours,
	         "disk_used_bytes = size - available for every disk and hour");

	/* a rerun loads nothing new */
	it_ingest(&r, "--db", db->conninfo, "--config", plan, "--end", end, "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == (2 + 20) * hours,
	         "a rerun adds nothing");

	/* and the model stage takes the same plan */
	it_model(&r, "--db", db->conninfo, "--config", plan, "--as-of", end, "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(DISTINCT f.series_id) FROM capplan.model_fits f"
	                  " JOIN capplan.series s ON s.id = f.series_id"
	                  " WHERE s.metric IN ('api_requests_per_second', 'disk_used_bytes', 'deployments_total')",
	                  0, NULL) == 12, "the usage and driver series modelled");

	/* the assessments: one per usage series, capacity from the plan or the capacity series */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment", 0, NULL) == 11,
	         "11 assessments (1 api, 10 disks)");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
	                  " WHERE resource = 'api-requests' AND capacity = 10000 AND service = 'api'"
	                  " AND kind = 'api_requests' AND metric = 'api_requests_per_second'"
	                  " AND abs(utilisation - current_value / 10000) < 1e-15", 0, NULL) == 1,
	         "api: the plan's capacity, utilisation = current / capacity");
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM capplan.latest_assessment a"
	                  " JOIN capplan.series c ON c.metric = 'disk_used_bytes:capacity' AND c.labels = a.labels"
	                  " WHERE a.resource = 'data-disks' AND a.capacity = (SELECT value FROM capplan.samples x"
	                  "   WHERE x.series_id = c.id AND x.ts <= to_timestamp($1::bigint)"
	                  "   ORDER BY x.ts DESC LIMIT 1)"
	                  " AND a.current_value = (SELECT value FROM capplan.series_samples y"
	                  "   WHERE y.metric = 'disk_used_bytes' AND y.labels = a.labels"
	                  "   AND y.ts <= to_timestamp($1::bigint) ORDER BY y.ts DESC LIMIT 1)",
	                  1, (const char *const[]){ end }) == 10,
	         "disks: each its own capacity series, its latest value current");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment WHERE level = 'unknown'"
	                  " OR method IS NULL OR days_to_full < 0", 0, NULL) == 0,
	         "every series judged, with a chosen forecast");

	/*
	 * The levels, by construction of scripts/gen-history: validator-I's disk
	 * ends with 4% + 5% x (I - 1) free, so 96% used (emergency), 91% and 86%
	 * (critical), 81%, 76%, 71% (warning), then 66% .. 51% (healthy).
	 */
	{
		static const char *const want[] = { "emergency", "critical", "critical", "warning", "warning",
		                                    "warning", "healthy", "healthy", "healthy", "healthy" };

		for (int i = 0; i < 10; i++) {
			char inst[32];

			snprintf(inst, sizeof(inst), "validator-%d:9100", i + 1);
			IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
			                  " WHERE resource = 'data-disks' AND labels->>'instance' = $1"
			                  " AND level_utilisation = $2 AND level = $2", 2,
			                  (const char *const[]){ inst, want[i] }) == 1, "%s: %s", inst, want[i]);
		}
	}
	/*
	 * validator-1 loses 18% of its disk a year and has 4% left: full in
	 * 0.04 / 0.18 x 365.25 = 81.17 days (warning: 60-90); by a forecast from 30
	 * noisy days, within 3%.  Its order-by date for full is the pessimistic
	 * crossing minus the default lead time (30 days); the warning level was
	 * crossed long ago, so its order-by date has passed.
	 */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
	                  " WHERE labels->>'instance' = 'validator-1:9100' AND resource = 'data-disks'"
	                  " AND abs(days_to_full - 81.17) < 0.03 * 81.17 AND level_exhaustion = 'warning'"
	                  " AND full_at = as_of + days_to_full * interval '1 day'"
	                  " AND order_by_full = full_at_pessimistic - interval '30 days'"
	                  " AND full_at_pessimistic <= full_at AND full_at <= full_at_optimistic"
	                  " AND order_by_passed", 0, NULL) == 1,
	         "validator-1: full in 81 days, ordered 30 days before the pessimistic date");
	/* validator-2: 0.09 / 0.21 x 365.25 = 156.5 days by the point forecast, inside the horizon */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
	                  " WHERE labels->>'instance' = 'validator-2:9100' AND resource = 'data-disks'"
	                  " AND abs(days_to_full - 156.5) < 0.05 * 156.5 AND level_exhaustion = 'healthy'",
	                  0, NULL) == 1, "validator-2: full in 156 days");

	/* the weekly check: the disks made to cross the levels need attention */
	{
		long long hot = it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
		                         " WHERE level IN ('critical', 'emergency')", 0, NULL);
		char want[128];

		IT_CHECK(hot > 0, "the generated history crosses critical");
		it_model(&r, "--db", db->conninfo, "--check");
		IT_CHECK(r.status == 1, "--check: exit %d, want 1\n%s%s", r.status, r.out, r.err);
		snprintf(want, sizeof(want), "\ncritical or emergency: %lld\n", hot);
		IT_CHECK(strstr(r.out, want) != NULL, "--check output\n  want: %s\n  got:\n%s", want, r.out);
		IT_CHECK(strstr(r.out, "  emergency data-disks {\"") != NULL, "an emergency line:\n%s", r.out);
		it_run_free(&r);
	}
}

static void
test_ingest_plan_errors(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(), *bad = it_tmp_path(".yml");
	static const char bad_query[] =
		"version: 1\n"
		"prometheus: {url: %s}\n"
		"resources:\n"
		"  - name: broken\n"
		"    service: api\n"
		"    kind: cpu\n"
		"    unit: cores\n"
		"    usage: 'sum(rate(x[5m])'\n"
		"    capacity: 8\n";
	char text[1024], want[1024];
	struct it_run r;
	int len = snprintf(text, sizeof(text), bad_query, it_env.prom);

	it_write_file(bad, text, (size_t)len);
	/* PromQL Prometheus refuses: the plan's place, then Prometheus's words; nothing stored */
	it_ingest(&r, "--db", db->conninfo, "--config", bad);
	snprintf(want, sizeof(want), "capplan-ingest: %s: resources[0] (broken) usage: ", bad);
	IT_CHECK(r.status == 78, "exit status %d, want 78\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "\nfix the query in the plan\n") != NULL, "the hint: %s", r.err);
	IT_CHECK(it_starts_with(r.err, want), "\n  want: %s...\n  got:  %s", want, r.err);
	IT_CHECK(strstr(r.err, "parse error") != NULL, "Prometheus's message: %s", r.err);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == 0, "nothing stored");

	/* --config with a FILE or --query beside it is a usage error */
	it_ingest(&r, "--db", db->conninfo, "--config", plan, "--query", "up");
	IT_CHECK(r.status == 64, "--config with --query: %d", r.status);
	it_run_free(&r);
	/* a plan that is not there */
	it_ingest(&r, "--db", db->conninfo, "--config", "/nonexistent/plan.yml");
	IT_CHECK(r.status == 66, "missing plan: %d\n%s", r.status, r.err);
	it_run_free(&r);
}

/* A plan with nothing near its limits: the weekly check is calm; no assessed run at all: 66. */
static void
test_check_calm(void)
{
	struct it_db *db = it_db_new();
	const char *plan = it_tmp_path(".yml");
	static const char text[] =
		"version: 1\n"
		"prometheus: {url: %s}\n"
		"history: 10d\n"
		"horizon: 3d\n"
		"resources:\n"
		"  - name: api-requests\n"
		"    service: api\n"
		"    kind: api_requests\n"
		"    unit: requests_per_second\n"
		"    usage: 'sum(http_requests_per_second)'\n"
		"    capacity: 100000\n";
	char buf[1024], end[32];
	struct it_run r;
	int len = snprintf(buf, sizeof(buf), text, it_env.prom);

	it_write_file(plan, buf, (size_t)len);
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	it_model(&r, "--db", db->conninfo, "--check");
	IT_CHECK(r.status == 66, "no assessed run: %d\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "run capplan-model --config plan.yml first") != NULL, "hint: %s", r.err);
	it_run_free(&r);
	it_ingest(&r, "--db", db->conninfo, "--config", plan, "--end", end, "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	it_model(&r, "--db", db->conninfo, "--config", plan, "--as-of", end, "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	it_model(&r, "--db", db->conninfo, "--check");
	IT_CHECK(r.status == 0, "--check: exit %d, want 0\n%s%s", r.status, r.out, r.err);
	IT_CHECK(strstr(r.out, ": all calm: ") != NULL && it_count_lines(r.out) == 1, "one calm line:\n%s",
	         r.out);
	it_run_free(&r);
	it_model(&r, "--db", db->conninfo, "--check", "--quiet");
	IT_CHECK(r.status == 0 && r.out[0] == '\0', "--quiet and calm: silent (%d)\n%s", r.status, r.out);
	it_run_free(&r);
}

int
it_register_plan(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("070 plan", NULL, NULL, NULL, it_teardown);

	if (!s ||
	    !CU_add_test(s, "ingest --config: every query under the plan's names", test_ingest_plan) ||
	    !CU_add_test(s, "ingest --config: a bad query named by its place", test_ingest_plan_errors) ||
	    !CU_add_test(s, "the weekly check: calm, and no run at all", test_check_calm))
		return -1;
	return 0;
}
