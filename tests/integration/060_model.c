/*
 * tests/integration/060_model.c: capplan-model fits the history that
 * capplan-ingest stored and writes runs, fits and forecasts.
 *
 * The history is the last 40 days of the real Prometheus's (scripts/gen-history:
 * disks falling linearly, their constant sizes, memory decaying exponentially,
 * API traffic with daily and weekly cycles, deployments in steps; hourly),
 * plus one series of 5 samples loaded from CSV (too short to fit).  The runs
 * use a 30-day window and a 7-day horizon, so every full series has 720
 * hourly points and every forecast 168.  Runs whose point is not the
 * methods (the killed run, the bad input) fit the baselines only: the forest
 * is slow under valgrind.
 *
 * The expectations come from the samples themselves (SQL over capplan.samples)
 * and from the method registry as linked into this program, never from
 * capplan-model's own output: the series of the window, which are constant
 * or too short, the last sample of each (the forecasts start one step
 * after it; the naive forecast is its value).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "helpers.h"
#include "model/registry.h"
#include "util/strbuf.h"

#define HISTORY "30d"
#define HORIZON "7d"
#define HORIZON_POINTS 168
#define WINDOW_POINTS 720
#define SHORT_METRIC "model_short_series"

/* ---- the data ---- */

/* END (the last sample of the history) minus seconds, as text. */
static const char *
end_minus(long long seconds, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%lld", it_env.history_end - seconds);
	return buf;
}

/* A database holding 40 days of the Prometheus history and one short series. */
static struct it_db *
model_db(void)
{
	struct it_db *db = it_db_new();
	char start[32], end[32], csv[512];
	const char *path = it_tmp_path(".csv");
	size_t len = 0;
	struct it_run r;

	end_minus(40 * 86400, start, sizeof(start));
	end_minus(0, end, sizeof(end));
	it_ingest(&r, "--db", db->conninfo, "--prometheus", it_env.prom, "--query", "{__name__=~\".+\"}",
	          "--start", start, "--end", end, "--step", "1h", "--quiet");
	IT_REQUIRE(r.status == 0, "ingest from Prometheus: %d\n%s", r.status, r.err);
	it_run_free(&r);
	/* 5 hourly samples ending an hour before END */
	for (int i = 5; i >= 1; i--)
		len += (size_t)snprintf(csv + len, sizeof(csv) - len, "%lld,%d\n",
		                        it_env.history_end - i * 3600LL, 40 + i * i);
	it_write_file(path, csv, len);
	it_ingest(&r, "--db", db->conninfo, "--metric", SHORT_METRIC, "--label", "instance=short-1",
	          "--quiet", path);
	IT_REQUIRE(r.status == 0, "ingest of the short series: %d\n%s", r.status, r.err);
	it_run_free(&r);
	return db;
}

/* The registry's methods as a text[] literal, and how many. */
static size_t
registry_methods(char *buf, size_t bufsz)
{
	size_t count, len = 0;
	const struct capplan_method_desc *all = capplan_methods(&count);

	len += (size_t)snprintf(buf, bufsz, "{");
	for (size_t i = 0; i < count && len < bufsz; i++)
		len += (size_t)snprintf(buf + len, bufsz - len, "%s\"%s\"", i ? "," : "", all[i].name);
	if (len < bufsz)
		snprintf(buf + len, bufsz - len, "}");
	return count;
}

/* A count with the run id and the window's end (as-of, unix seconds) as $1 and $2. */
static long long
run_count(struct it_db *db, long long run, const char *as_of, const char *sql)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", run);
	return it_count(db->conn, sql, 2, (const char *const[]){ id, as_of });
}

/* The samples of the window ending at $2 (unix seconds). */
#define WINDOW "ts > to_timestamp($2::bigint) - interval '" HISTORY "' AND ts <= to_timestamp($2::bigint)"

/* ---- checks ---- */

/* stdout is one summary line: "run ID: N series, F fitted, S skipped; chosen: ...; T s". */
static void
check_summary_at(const struct it_run *r, long long run, long long series, long long fitted,
                 long long skipped, const char *file, unsigned line)
{
	char want[256], got[4096];

	snprintf(want, sizeof(want), "run %lld: %lld series, %lld fitted, %lld skipped; chosen: ", run,
	         series, fitted, skipped);
	it_line(r->out, 0, got, sizeof(got));
	it_check_at(it_starts_with(got, want) && strlen(got) > 2 && strcmp(got + strlen(got) - 2, " s") == 0 &&
	            it_count_lines(r->out) == 1, 0, file, line, "summary line",
	            "\n  want: %s... s\n  got:  %s\n  stderr:\n%s", want, got, r->err);
}
#define CHECK_SUMMARY(r, run, series, fitted, skipped) \
	check_summary_at(r, run, series, fitted, skipped, __FILE__, __LINE__)

/*
 * Everything a succeeded run over the window ending at as_of must hold; returns
 * the number of series.  with_short: the short series is in the window.
 */
static long long
check_run(struct it_db *db, long long run, const char *as_of, int with_short)
{
	char methods[1024], id[32];
	size_t nmethods = registry_methods(methods, sizeof(methods));
	long long series, skipped, fitted, chosen, ok_fits;
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", run);
	series = it_count(db->conn, "SELECT count(DISTINCT series_id) FROM capplan.samples WHERE " WINDOW
	                  " AND $1::bigint > 0", 2, (const char *const[]){ id, as_of });
	IT_REQUIRE(series > 10, "%lld series in the window", series);
	/* skipped: constant in the window, or too short (fewer than 10 values) */
	skipped = run_count(db, run, as_of,
	                    "SELECT count(*) FROM (SELECT series_id FROM capplan.samples WHERE " WINDOW
	                    " AND $1::bigint > 0 GROUP BY series_id"
	                    " HAVING count(*) < 10 OR min(value) = max(value)) x");
	IT_CHECK(skipped >= 11 - !with_short, "%lld skipped: want the 10 disk sizes%s at least", skipped,
	         with_short ? " and the short series" : "");
	fitted = series - skipped;

	/* the run row */
	res = it_query(db->conn,
	               "SELECT status, series_total, series_fitted, series_skipped, finished_at IS NOT NULL,"
	               " extract(epoch FROM as_of)::bigint, history_ms, horizon_ms, methods::text, version,"
	               " message IS NULL FROM capplan.model_runs WHERE id = $1",
	               1, (const char *const[]){ id });
	IT_REQUIRE(res && PQntuples(res) == 1, "model_runs row %lld", run);
	IT_CHECK(strcmp(PQgetvalue(res, 0, 0), "succeeded") == 0, "status %s", PQgetvalue(res, 0, 0));
	IT_CHECK(atoll(PQgetvalue(res, 0, 1)) == series && atoll(PQgetvalue(res, 0, 2)) == fitted &&
	         atoll(PQgetvalue(res, 0, 3)) == skipped,
	         "series total/fitted/skipped %s/%s/%s, want %lld/%lld/%lld", PQgetvalue(res, 0, 1),
	         PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), series, fitted, skipped);
	IT_CHECK(strcmp(PQgetvalue(res, 0, 4), "t") == 0, "finished_at set");
	IT_CHECK(strcmp(PQgetvalue(res, 0, 5), as_of) == 0, "as_of %s, want %s", PQgetvalue(res, 0, 5), as_of);
	IT_CHECK(atoll(PQgetvalue(res, 0, 6)) == 30LL * 86400000 && atoll(PQgetvalue(res, 0, 7)) == 7LL * 86400000,
	         "history_ms %s, horizon_ms %s", PQgetvalue(res, 0, 6), PQgetvalue(res, 0, 7));
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = $1"
	                  " AND methods @> $2::text[] AND methods <@ $2::text[]",
	                  2, (const char *const[]){ id, methods }) == 1,
	         "methods %s, want the registry's %s", PQgetvalue(res, 0, 8), methods);
	IT_CHECK(PQgetvalue(res, 0, 9)[0] != '\0', "version recorded");
	IT_CHECK(strcmp(PQgetvalue(res, 0, 10), "t") == 0, "no message");
	PQclear(res);

	/* a fit row for every series x method of the registry, the baselines among them */
	IT_CHECK(run_count(db, run, as_of, "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1"
	                   " AND $2::bigint > 0") == series * (long long)nmethods,
	         "model_fits rows: want %lld series x %zu methods", series, nmethods);
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM (SELECT DISTINCT series_id FROM capplan.samples WHERE "
	                  "ts > to_timestamp($2::bigint) - interval '" HISTORY "' AND ts <= to_timestamp($2::bigint)) s"
	                  " CROSS JOIN unnest($3::text[]) m(method)"
	                  " LEFT JOIN capplan.model_fits f ON f.run_id = $1 AND f.series_id = s.series_id"
	                  " AND f.method = m.method WHERE f.run_id IS NULL",
	                  3, (const char *const[]){ id, as_of, methods }) == 0,
	         "a model_fits row for every series and method");
	IT_CHECK(run_count(db, run, as_of, "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1"
	                   " AND method IN ('naive', 'seasonal-naive') AND $2::bigint > 0") == 2 * series,
	         "both baselines for every series");
	/* one chosen per series that has a forecast, always an ok one */
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM (SELECT series_id, count(*) FILTER (WHERE chosen) AS c,"
	                   " bool_or(status = 'ok') AS any_ok FROM capplan.model_fits WHERE run_id = $1"
	                   " AND $2::bigint > 0 GROUP BY series_id) x"
	                   " WHERE c <> CASE WHEN any_ok THEN 1 ELSE 0 END") == 0,
	         "exactly one chosen method per series with a forecast");
	IT_CHECK(run_count(db, run, as_of, "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1"
	                   " AND chosen AND status <> 'ok' AND $2::bigint > 0") == 0, "chosen fits are ok");
	chosen = run_count(db, run, as_of, "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1"
	                   " AND chosen AND $2::bigint > 0");
	IT_CHECK(chosen == series - with_short, "%lld series with a chosen method, want %lld (all but"
	         " the short one; constant series get the naive forecast)", chosen, series - with_short);
	/*
	 * The choice: the lowest mean MASE among the ok methods; the naive when
	 * none could be scored (a constant series, or a step series flat before
	 * every origin: MASE's scale is 0 there).
	 */
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.model_fits c WHERE c.run_id = $1 AND c.chosen"
	                   " AND $2::bigint > 0 AND NOT ("
	                   "  c.mase = (SELECT min(o.mase) FROM capplan.model_fits o WHERE o.run_id = $1"
	                   "            AND o.series_id = c.series_id AND o.status = 'ok')"
	                   "  OR (c.method = 'naive' AND NOT EXISTS (SELECT 1 FROM capplan.model_fits o"
	                   "      WHERE o.run_id = $1 AND o.series_id = c.series_id AND o.status = 'ok'"
	                   "      AND o.mase IS NOT NULL)))") == 0,
	         "the chosen method has the lowest MASE of its series (or none has one, and it is the naive)");
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1 AND status = 'ok'"
	                   " AND mase IS NOT NULL AND (origins < 1 OR origins > 5 OR coverage80 IS NULL"
	                   " OR coverage95 < coverage80 - 1e-12) AND $2::bigint > 0") == 0,
	         "scores come from 1 to 5 origins, with coverages");
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.model_fits WHERE run_id = $1 AND step_ms = 3600000"
	                   " AND (points = " "720" " OR (points < 10 AND status = 'skipped'"
	                   " AND error LIKE 'too short%')) AND $2::bigint > 0") == series * (long long)nmethods,
	         "hourly steps, %d points per full series", WINDOW_POINTS);

	/* the short series: every method skipped, no forecast */
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.model_fits f JOIN capplan.series s ON s.id = f.series_id"
	                   " WHERE f.run_id = $1 AND s.metric = '" SHORT_METRIC "' AND f.status = 'skipped'"
	                   " AND f.error LIKE 'too short%' AND NOT f.chosen AND $2::bigint > 0")
	         == (with_short ? (long long)nmethods : 0), "the short series skipped as too short");
	/* the disk sizes: constant, the naive forecast is the constant, chosen; the rest skipped */
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.model_fits f JOIN capplan.series s ON s.id = f.series_id"
	                   " WHERE f.run_id = $1 AND s.metric = 'node_filesystem_size_bytes' AND $2::bigint > 0"
	                   " AND CASE WHEN f.method = 'naive' THEN f.status = 'ok' AND f.chosen"
	                   " ELSE f.status = 'skipped' AND f.error LIKE 'constant%' AND NOT f.chosen END")
	         == 10 * (long long)nmethods, "constant series: naive chosen, the others skipped");

	/*
	 * forecast points: 168 per ok fit (--forecasts=all) or per chosen fit (the
	 * default), starting one step after the last sample
	 */
	ok_fits = run_count(db, run, as_of, "SELECT count(*) FROM capplan.model_fits f"
	                    " JOIN capplan.model_runs r ON r.id = f.run_id WHERE f.run_id = $1"
	                    " AND f.status = 'ok' AND (r.forecasts = 'all' OR f.chosen) AND $2::bigint > 0");
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM (SELECT series_id, method FROM capplan.forecast_points"
	                   " WHERE run_id = $1 AND $2::bigint > 0 GROUP BY 1, 2) g") == ok_fits,
	         "forecast points for every stored fit (%lld) and no other", ok_fits);
	IT_CHECK(run_count(db, run, as_of,
	                   "WITH last AS (SELECT series_id, max(ts) AS last_ts FROM capplan.samples WHERE "
	                   WINDOW " GROUP BY series_id),"
	                   " g AS (SELECT series_id, method, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_fc"
	                   " FROM capplan.forecast_points WHERE run_id = $1 GROUP BY 1, 2)"
	                   " SELECT count(*) FROM g JOIN last USING (series_id)"
	                   " WHERE n <> 168 OR first_ts <> last_ts + interval '1 hour'"
	                   " OR last_fc <> last_ts + interval '168 hours'") == 0,
	         "%d points per forecast, the first one hour after the last sample", HORIZON_POINTS);
	/* the naive forecast is the last value, exactly */
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.forecast_points p JOIN"
	                   " (SELECT DISTINCT ON (series_id) series_id, value FROM capplan.samples WHERE "
	                   WINDOW " ORDER BY series_id, ts DESC) l USING (series_id)"
	                   " WHERE p.run_id = $1 AND p.method = 'naive' AND p.yhat <> l.value") == 0,
	         "the naive forecast is the last sample's value");
	IT_CHECK(run_count(db, run, as_of,
	                   "SELECT count(*) FROM capplan.forecast_points WHERE run_id = $1 AND $2::bigint > 0"
	                   " AND (NOT (lo95 <= lo80 AND lo80 <= hi80 AND hi80 <= hi95)"
	                   " OR (method IN ('naive', 'seasonal-naive') AND NOT (lo80 <= yhat AND yhat <= hi80)))")
	         == 0, "intervals nested (and around the baselines' forecasts)");
	return series;
}

/* capplan.latest_forecast shows run `run`, exactly. */
static void
check_latest_at(struct it_db *db, long long run, const char *file, unsigned line)
{
	char id[32];
	const char *params[1] = { id };
	long long latest, points, diff;

	snprintf(id, sizeof(id), "%lld", run);
	latest = it_count(db->conn, "SELECT count(*) FROM capplan.latest_forecast", 0, NULL);
	points = it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points WHERE run_id = $1", 1, params);
	diff = it_count(db->conn,
	                "SELECT count(*) FROM ((SELECT metric, labels, method, chosen, ts, yhat, lo80, hi80, lo95, hi95"
	                " FROM capplan.latest_forecast"
	                " EXCEPT ALL SELECT s.metric, s.labels, p.method, f.chosen, p.ts, p.yhat, p.lo80, p.hi80,"
	                " p.lo95, p.hi95 FROM capplan.forecast_points p"
	                " JOIN capplan.model_fits f USING (run_id, series_id, method)"
	                " JOIN capplan.series s ON s.id = p.series_id WHERE p.run_id = $1)) x",
	                1, params);
	it_check_at(latest == points && points > 0 && diff == 0, 0, file, line, "latest_forecast",
	            "latest_forecast holds %lld rows (%lld not of run %lld), run %lld has %lld points",
	            latest, diff, run, run, points);
}
#define CHECK_LATEST(db, run) check_latest_at(db, run, __FILE__, __LINE__)

/* ---- the tests ---- */

static void
test_run_stores_fits_and_forecasts(void)
{
	struct it_db *db = model_db();
	char as_of[32];
	long long series, fitted, skipped;
	struct it_run r;

	end_minus(0, as_of, sizeof(as_of));
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", HORIZON);
	IT_CHECK_OK(&r);
	series = check_run(db, 1, as_of, 1);
	fitted = it_count(db->conn, "SELECT series_fitted FROM capplan.model_runs WHERE id = 1", 0, NULL);
	skipped = it_count(db->conn, "SELECT series_skipped FROM capplan.model_runs WHERE id = 1", 0, NULL);
	CHECK_SUMMARY(&r, 1, series, fitted, skipped);
	it_run_free(&r);
	CHECK_LATEST(db, 1);
	/* the labels, awkward ones included, come back through the view as they were stored */
	IT_CHECK(it_count(db->conn, "SELECT count(DISTINCT (metric, labels)) FROM capplan.latest_forecast"
	                  " WHERE labels->>'note' = E'line one\\nline two'", 0, NULL) == 1,
	         "the series with awkward labels in latest_forecast");
}

static void
test_as_of_ignores_later_samples(void)
{
	struct it_db *db = model_db();
	char as_of[32], first[32], line[128];
	long long chosen;
	struct it_run r;

	/* 10 days before the end: the short series (the last 5 hours) is not in the window */
	end_minus(10 * 86400, as_of, sizeof(as_of));
	end_minus(10 * 86400 - 3600, first, sizeof(first));
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", HORIZON,
	         "--quiet", "--forecasts=all");
	IT_CHECK_OK(&r);
	IT_CHECK(r.out[0] == '\0', "--quiet prints nothing: %s", r.out);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE forecasts = 'all'", 0,
	                  NULL) == 1, "--forecasts=all recorded with the run");
	it_run_free(&r);
	check_run(db, 1, as_of, 0);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points"
	                  " WHERE ts <= to_timestamp($1::bigint)", 1, (const char *const[]){ as_of }) == 0,
	         "no forecast at or before --as-of");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points"
	                  " WHERE ts = to_timestamp($1::bigint)", 1, (const char *const[]){ first }) ==
	         it_count(db->conn, "SELECT count(*) FROM capplan.model_fits WHERE status = 'ok'", 0, NULL),
	         "every forecast starts one hour after --as-of");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_fits f JOIN capplan.series s"
	                  " ON s.id = f.series_id WHERE s.metric = '" SHORT_METRIC "'", 0, NULL) == 0,
	         "the series with samples only after --as-of is not modelled");
	CHECK_LATEST(db, 1);

	/*
	 * Ten days later the first run's 7-day forecasts have met their actuals:
	 * the second run scores them (capplan.forecast_accuracy)
	 */
	end_minus(0, first, sizeof(first));
	it_model(&r, "--db", db->conninfo, "--as-of", first, "--history", HISTORY, "--horizon", HORIZON,
	         "--methods", "naive");
	IT_CHECK_OK(&r);
	chosen = it_count(db->conn, "SELECT count(*) FROM capplan.model_fits WHERE run_id = 1 AND chosen",
	                  0, NULL);
	snprintf(line, sizeof(line), "; %lld earlier forecasts scored against actuals", chosen);
	IT_CHECK(strstr(r.out, line) != NULL, "summary: %s\n  want: %s", r.out, line);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_accuracy WHERE run_id = 1"
	                  " AND evaluated_in = 2 AND points = 168 AND coverage80 BETWEEN 0 AND 1"
	                  " AND coverage95 >= coverage80 AND mae >= 0", 0, NULL) == chosen,
	         "every chosen forecast of run 1 scored on its 168 points");
	/* the disk sizes are constant: the naive forecast was exact */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_accuracy WHERE run_id = 1"
	                  " AND metric = 'node_filesystem_size_bytes' AND mae = 0 AND mape = 0 AND bias = 0"
	                  " AND coverage95 = 1", 0, NULL) == 10, "exact forecasts score 0 error");
	/* and a mean absolute error that can be checked by hand: |actual - forecast| of one series */
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM capplan.forecast_accuracy a WHERE a.run_id = 1 AND"
	                  " abs(a.mae - (SELECT avg(abs(x.value - p.yhat)) FROM capplan.forecast_points p"
	                  "   JOIN capplan.model_fits f USING (run_id, series_id, method)"
	                  "   JOIN capplan.series s ON s.id = p.series_id"
	                  "   JOIN capplan.samples x ON x.series_id = p.series_id AND x.ts = p.ts"
	                  "   WHERE p.run_id = 1 AND f.chosen AND s.metric = a.metric AND s.labels = a.labels))"
	                  " <= 1e-9 * (1 + a.mae)", 0, NULL) == chosen, "MAE of every series");
}

/* Runs a and b computed the same numbers. */
static void
check_same_numbers(struct it_db *db, long long a, long long b)
{
	char ia[32], ib[32];
	const char *params[2] = { ia, ib };

	snprintf(ia, sizeof(ia), "%lld", a);
	snprintf(ib, sizeof(ib), "%lld", b);
	IT_CHECK(it_count(db->conn,
	                  "WITH f AS (SELECT run_id, series_id, method, chosen, status, error, params, sigma,"
	                  " sse, nobs, mase, coverage80, coverage95, origins, step_ms, period, points,"
	                  " points_filled, points_missing FROM capplan.model_fits)"
	                  " SELECT count(*) FROM ("
	                  " (SELECT series_id, method, chosen, status, error, params::text, sigma, sse, nobs, mase,"
	                  "  coverage80, coverage95, origins, step_ms, period, points, points_filled, points_missing"
	                  "  FROM f WHERE run_id = $1 EXCEPT ALL"
	                  "  SELECT series_id, method, chosen, status, error, params::text, sigma, sse, nobs, mase,"
	                  "  coverage80, coverage95, origins, step_ms, period, points, points_filled, points_missing"
	                  "  FROM f WHERE run_id = $2) UNION ALL"
	                  " (SELECT series_id, method, chosen, status, error, params::text, sigma, sse, nobs, mase,"
	                  "  coverage80, coverage95, origins, step_ms, period, points, points_filled, points_missing"
	                  "  FROM f WHERE run_id = $2 EXCEPT ALL"
	                  "  SELECT series_id, method, chosen, status, error, params::text, sigma, sse, nobs, mase,"
	                  "  coverage80, coverage95, origins, step_ms, period, points, points_filled, points_missing"
	                  "  FROM f WHERE run_id = $1)) x", 2, params) == 0,
	         "model_fits of runs %lld and %lld are the same", a, b);
	IT_CHECK(it_count(db->conn,
	                  "SELECT count(*) FROM ("
	                  " (SELECT series_id, method, ts, yhat, lo80, hi80, lo95, hi95 FROM capplan.forecast_points"
	                  "  WHERE run_id = $1 EXCEPT ALL"
	                  "  SELECT series_id, method, ts, yhat, lo80, hi80, lo95, hi95 FROM capplan.forecast_points"
	                  "  WHERE run_id = $2) UNION ALL"
	                  " (SELECT series_id, method, ts, yhat, lo80, hi80, lo95, hi95 FROM capplan.forecast_points"
	                  "  WHERE run_id = $2 EXCEPT ALL"
	                  "  SELECT series_id, method, ts, yhat, lo80, hi80, lo95, hi95 FROM capplan.forecast_points"
	                  "  WHERE run_id = $1)) x", 2, params) == 0,
	         "forecast points of runs %lld and %lld are the same", a, b);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points WHERE run_id = $1", 1, params)
	         > 0, "run %lld has forecast points", a);
}

static void
test_jobs_give_the_same_numbers(void)
{
	struct it_db *db = model_db();
	char as_of[32];
	struct it_run r;
	long long ok_fits;

	end_minus(0, as_of, sizeof(as_of));
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", HORIZON,
	         "--jobs", "1");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", HORIZON,
	         "--jobs", "2");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	check_run(db, 2, as_of, 1);
	check_same_numbers(db, 1, 2);
	CHECK_LATEST(db, 2);

	/* a third run, with a shorter horizon, becomes the latest */
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", "3d",
	         "--jobs", "3", "--methods", "naive");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	CHECK_LATEST(db, 3);
	ok_fits = it_count(db->conn, "SELECT count(*) FROM capplan.model_fits WHERE run_id = 3 AND chosen",
	                   0, NULL);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_forecast", 0, NULL) == ok_fits * 72,
	         "latest_forecast: 72 points per chosen fit of run 3");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE status = 'succeeded'", 0,
	                  NULL) == 3, "three succeeded runs");
}

static void
test_methods_option(void)
{
	struct it_db *db = model_db();
	char as_of[32];
	struct it_run r;

	end_minus(0, as_of, sizeof(as_of));
	/* only the baselines, named once, and once more through the list: they are always there */
	it_model(&r, "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon", HORIZON,
	         "--methods", "naive", "-m", "http_requests_per_second", "--metric", SHORT_METRIC);
	IT_CHECK_OK(&r);
	CHECK_SUMMARY(&r, 1, 11, 10, 1);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = 1"
	                  " AND methods::text = '{naive,seasonal-naive}'", 0, NULL) == 1,
	         "the run's methods are the baselines");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_fits", 0, NULL) == 22,
	         "11 series x the two baselines");
	/* API traffic has daily and weekly cycles: the seasonal naive gets a calendar period */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_fits f JOIN capplan.series s"
	                  " ON s.id = f.series_id WHERE s.metric = 'http_requests_per_second'"
	                  " AND f.method = 'seasonal-naive' AND f.status = 'ok' AND f.period IN (24, 168)"
	                  " AND (f.params->>'period')::int = f.period", 0, NULL) == 10,
	         "seasonal naive with a daily or weekly period on every API series");
}

/* Poll sql (a count) until it gives want; 1 when it did within seconds. */
static int
wait_for(PGconn *conn, const char *sql, const char *const *params, int nparams, long long want,
         int seconds)
{
	for (int i = 0; i < seconds * 50; i++) {
		struct timespec pause = { 0, 20 * 1000 * 1000 };

		if (it_count(conn, sql, nparams, params) == want)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

static void
test_killed_run_stays_invisible(void)
{
	struct it_db *db = model_db();
	char as_of[32], name[64];
	const char *args[] = { "--db", db->conninfo, "--as-of", as_of, "--history", HISTORY, "--horizon",
	                       HORIZON, "--methods", "naive", NULL };
	const char *dbname[1] = { name };
	PGconn *locker;
	PGresult *res;
	struct it_run r;
	int ws = 0;

	end_minus(0, as_of, sizeof(as_of));
	snprintf(name, sizeof(name), "%s", db->name);
	it_model_argv(&r, args);
	IT_CHECK_OK(&r);
	it_run_free(&r);
	CHECK_LATEST(db, 1);

	/*
	 * Another session holds capplan.model_fits so that run 2 stops at its
	 * first write, after it has read and fitted its first batch.
	 */
	locker = PQconnectdb(db->conninfo);
	IT_REQUIRE(PQstatus(locker) == CONNECTION_OK, "second connection: %s", PQerrorMessage(locker));
	res = PQexec(locker, "BEGIN; LOCK TABLE capplan.model_fits IN SHARE MODE");
	IT_REQUIRE(PQresultStatus(res) == PGRES_COMMAND_OK, "lock: %s", PQerrorMessage(locker));
	PQclear(res);
	it_model_start(&r, args);
	IT_CHECK(wait_for(db->conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
	                  " AND application_name = 'capplan-model' AND wait_event_type = 'Lock'",
	                  dbname, 1, 1, 120), "capplan-model never waited for the lock");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = 2 AND status = 'running'",
	                  0, NULL) == 1, "run 2 is recorded as running");
	kill(r.pid, SIGKILL);
	IT_CHECK(waitpid(r.pid, &ws, 0) == r.pid && WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL,
	         "capplan-model killed");
	unlink(r.out_path);
	unlink(r.err_path);
	CHECK_LATEST(db, 1);

	/* its server session ends once it finds the client gone; then its lock is free */
	res = PQexec(locker, "ROLLBACK");
	PQclear(res);
	PQfinish(locker);
	IT_CHECK(wait_for(db->conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
	                  " AND application_name = 'capplan-model'", dbname, 1, 0, 120),
	         "the killed run's session never ended");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = 2 AND status = 'running'",
	                  0, NULL) == 1, "run 2 still running: nobody has looked yet");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_fits WHERE run_id = 2", 0, NULL) == 0 &&
	         it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points WHERE run_id = 2", 0, NULL) == 0,
	         "nothing of run 2 stored");
	CHECK_LATEST(db, 1);

	/* the next run marks it failed and becomes the latest */
	it_model_argv(&r, args);
	IT_CHECK_OK(&r);
	IT_CHECK(strstr(r.out, "; 1 interrupted run marked failed; ") != NULL, "summary: %s", r.out);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = 2 AND status = 'failed'"
	                  " AND message = 'interrupted' AND finished_at IS NOT NULL", 0, NULL) == 1,
	         "run 2 marked failed: interrupted");
	CHECK_LATEST(db, 3);
}

struct bad_case {
	const char *args[12];
	int status;
	const char *prefix;      /* the first line of stderr starts with this */
	const char *hint;        /* and the second with this; "" for no second line */
};

static void
check_bad(struct it_db *db, const struct bad_case *c)
{
	long long runs = it_count(db->conn, "SELECT count(*) FROM capplan.model_runs", 0, NULL);
	const char *args[16];
	char first[4096], second[4096];
	struct it_run r;
	size_t n = 0;

	args[n++] = "--db";
	args[n++] = db->conninfo;
	for (size_t i = 0; c->args[i]; i++) {
		/* a case of its own database replaces the test's */
		if (strcmp(c->args[i], "--db") == 0)
			n = 0;
		args[n++] = c->args[i];
	}
	args[n] = NULL;
	it_model_argv(&r, args);
	it_line(r.err, 0, first, sizeof(first));
	it_line(r.err, 1, second, sizeof(second));
	IT_CHECK(r.status == c->status, "%s...: exit status %d, want %d\n  stderr:\n%s", c->prefix, r.status,
	         c->status, r.err);
	IT_CHECK(it_starts_with(first, c->prefix), "\n  want: %s...\n  got:  %s", c->prefix, first);
	IT_CHECK(c->hint[0] ? it_starts_with(second, c->hint) : second[0] == '\0',
	         "second line\n  want: %s...\n  got:  %s", c->hint, second);
	IT_CHECK(it_count_lines(r.err) <= 2, "at most two lines:\n%s", r.err);
	IT_CHECK(r.out[0] == '\0', "nothing on stdout: %s", r.out);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs", 0, NULL) == runs,
	         "%s...: no run recorded", c->prefix);
	it_run_free(&r);
}

static void
test_bad_input(void)
{
	struct it_db *db = model_db(), *empty = it_db_new();
	char first_ts[64], end[32], later[32];
	char *earliest;
	struct it_run r;

	end_minus(0, end, sizeof(end));
	end_minus(-30 * 86400, later, sizeof(later));
	earliest = it_scalar(db->conn, "SELECT to_char(min(ts), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	                     " FROM capplan.samples", 0, NULL);
	IT_REQUIRE(earliest != NULL, "earliest sample");
	snprintf(first_ts, sizeof(first_ts), "the earliest sample is at %s", earliest);
	free(earliest);
	{
		const struct bad_case cases[] = {
			{ { "--methods", "naive,nosuch", NULL }, 64,
			  "capplan-model: --methods: unknown method \"nosuch\"", "known methods: " },
			{ { "--methods", "naive,,linear", NULL }, 64, "capplan-model: --methods: empty method name", "known methods: " },
			{ { "--horizon", "5x", NULL }, 64, "capplan-model: --horizon: invalid duration \"5x\"", "" },
			{ { "--history", "0s", NULL }, 64, "capplan-model: --history: invalid duration", "" },
			{ { "--as-of", "yesterday", NULL }, 64, "capplan-model: --as-of: invalid timestamp", "" },
			{ { "--jobs", "0", NULL }, 64, "capplan-model: --jobs 0: expected a whole number", "" },
			{ { "--forecasts", "some", NULL }, 64,
			  "capplan-model: --forecasts some: expected chosen or all", "" },
			{ { "--frobnicate", NULL }, 64, "capplan-model: --frobnicate: invalid option",
			  "Try \"capplan-model --help\"" },
			{ { "--as-of", "2000-01-01T00:00:00Z", NULL }, 65,
			  "capplan-model: --as-of: no samples at or before 2000-01-01T00:00:00Z", first_ts },
			{ { "--metric", "node_filesystem_avail_bytes", "--metric", "no_such_metric", NULL }, 65,
			  "capplan-model: --metric \"no_such_metric\": no series of this metric",
			  "metrics in the database: deployments_active, http_requests_per_second, " },
			{ { "--as-of", later, "--history", "7d", NULL }, 65,
			  "capplan-model: --history: no samples after ", "the latest sample is at " },
			{ { "--db", "host=/nonexistent/capplan port=1 dbname=x", NULL }, 69,
			  "capplan-model: database: cannot connect: ", "check --db or the PGHOST" },
			{ { "--db", empty->conninfo, NULL }, 66, "capplan-model: database: no samples",
			  "load history with capplan-ingest first" },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			check_bad(db, &cases[i]);
	}
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs", 0, NULL) == 0, "no run at all");
	/* and the good run after them all still works */
	it_model(&r, "--db", db->conninfo, "--as-of", end, "--history", HISTORY, "--horizon", HORIZON,
	         "--methods", "seasonal-naive", "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE status = 'succeeded'", 0,
	                  NULL) == 1, "one succeeded run");
}

/* The plan of the --config test: API traffic driven by a user count. */
static const char config_plan[] =
	"version: 1\n"
	"history: 20d\n"
	"horizon: 3d\n"
	"drivers:\n"
	"  - name: users\n"
	"    metric: api_active_users\n"
	"resources:\n"
	"  - name: api-requests\n"
	"    service: api\n"
	"    kind: api_requests\n"
	"    unit: requests_per_second\n"
	"    metric: http_requests_per_second\n"
	"    capacity: 5000\n"
	"    drivers: [users]\n";

static void
test_config_plan(void)
{
	struct it_db *db = model_db();
	const char *users = it_tmp_path(".csv"), *plan = it_tmp_path(".yml");
	const char *bad_plan = it_tmp_path(".yml"), *split_plan = it_tmp_path(".yml");
	struct capplan_strbuf csv = CAPPLAN_STRBUF_INIT;
	char end[32], line[64];
	struct it_run r;

	/* the driver: one hourly series over the window, with a daily cycle */
	for (long long t = it_env.history_end - 40LL * 86400; t <= it_env.history_end; t += 3600) {
		int len = snprintf(line, sizeof(line), "%lld,%lld\n", t, 1000 + (t / 3600 % 24) * 25);

		IT_REQUIRE(capplan_strbuf_append(&csv, line, (size_t)len) == 0, "csv");
	}
	it_write_file(users, csv.data, csv.len);
	capplan_strbuf_release(&csv);
	it_ingest(&r, "--db", db->conninfo, "--metric", "api_active_users", "--quiet", users);
	IT_REQUIRE(r.status == 0, "ingest of the driver: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_write_file(plan, config_plan, sizeof(config_plan) - 1);

	end_minus(0, end, sizeof(end));
	it_model(&r, "--db", db->conninfo, "--config", plan, "--as-of", end, "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	/* history and horizon from the plan; only the plan's series */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE history_ms = 20 * 86400000"
	                  " AND horizon_ms = 3 * 86400000 AND status = 'succeeded'", 0, NULL) == 1,
	         "history and horizon from the plan");
	IT_CHECK(it_count(db->conn, "SELECT count(DISTINCT s.metric) FROM capplan.model_fits f"
	                  " JOIN capplan.series s ON s.id = f.series_id"
	                  " WHERE s.metric NOT IN ('http_requests_per_second', 'api_active_users')", 0,
	                  NULL) == 0, "only the plan's metrics modelled");
	IT_CHECK(it_count(db->conn, "SELECT count(DISTINCT f.series_id) FROM capplan.model_fits f"
	                  " JOIN capplan.series s ON s.id = f.series_id"
	                  " WHERE s.metric = 'http_requests_per_second'", 0, NULL) == 10,
	         "every series of the resource's metric modelled");
	/*
	 * the forest of the resource's series has one feature more than the
	 * driver's own forest (hour, weekday, day of year, trend, lag, + users);
	 * both series are hourly with a daily period, so the rest is alike
	 */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_fits f"
	                  " JOIN capplan.series s ON s.id = f.series_id"
	                  " WHERE f.method = 'forest' AND f.status = 'ok' AND s.metric = 'http_requests_per_second'"
	                  " AND (f.params->>'features')::int = (SELECT (g.params->>'features')::int + 1"
	                  "   FROM capplan.model_fits g JOIN capplan.series d ON d.id = g.series_id"
	                  "   WHERE g.method = 'forest' AND d.metric = 'api_active_users')", 0, NULL) == 10,
	         "the driver is a feature of the resource's forest");

	/* a driver metric with several series, and a plan with an error */
	{
		static const char split[] =
			"version: 1\n"
			"drivers:\n"
			"  - name: deployments\n"
			"    metric: deployments_active\n"
			"resources:\n"
			"  - name: api-requests\n"
			"    service: api\n"
			"    kind: api_requests\n"
			"    unit: requests_per_second\n"
			"    metric: http_requests_per_second\n"
			"    capacity: 5000\n"
			"    drivers: [deployments]\n";
		static const char bad[] =
			"version: 1\n"
			"resources:\n"
			"  - name: api-requests\n"
			"    service: api\n"
			"    kind: api_requests\n"
			"    unit: requests_per_second\n"
			"    capacity: 5000\n"
			"    thresholds: {warning: 90%}\n";
		char prefix[2][1024];
		const struct bad_case cases[] = {
			{ { "--config", split_plan, "--as-of", end, NULL }, 65,
			  "capplan-model: driver metric \"deployments_active\": 10 series with samples in the window",
			  "a driver must be one series" },
			{ { "--config", bad_plan, NULL }, 78, prefix[0], "" },
			{ { "--config", "/nonexistent/plan.yml", NULL }, 66, prefix[1], "" },
		};

		it_write_file(split_plan, split, sizeof(split) - 1);
		it_write_file(bad_plan, bad, sizeof(bad) - 1);
		snprintf(prefix[0], sizeof(prefix[0]),
		         "capplan-model: %s:8:27: resources[0].thresholds.warning: 90%% is above critical", bad_plan);
		snprintf(prefix[1], sizeof(prefix[1]), "capplan-model: /nonexistent/plan.yml: ");
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			check_bad(db, &cases[i]);
	}
}

int
it_register_model(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("060 model", NULL, NULL, NULL, it_teardown);

	if (!s ||
	    !CU_add_test(s, "a run stores fits and forecasts", test_run_stores_fits_and_forecasts) ||
	    !CU_add_test(s, "--as-of ignores later samples", test_as_of_ignores_later_samples) ||
	    !CU_add_test(s, "--jobs gives the same numbers; the newest run is the latest",
	                 test_jobs_give_the_same_numbers) ||
	    !CU_add_test(s, "--methods and --metric", test_methods_option) ||
	    !CU_add_test(s, "a killed run stays invisible and is marked failed later",
	                 test_killed_run_stays_invisible) ||
	    !CU_add_test(s, "bad input: exit status and message, no run", test_bad_input) ||
	    !CU_add_test(s, "--config: the plan's series, drivers for the forest", test_config_plan))
		return -1;
	return 0;
}
