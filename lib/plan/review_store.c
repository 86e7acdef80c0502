/*
 * lib/plan/review_store.c: the capacity plan of a model run, in PostgreSQL.
 */
#include "plan/review_store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "plan/review.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define WINDOW_MS (30 * DAY_MS)
#define MAX_COLUMNS 72
#define VALUE_BUFSZ 40

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* ---- one row of parameters: column names are constants, values are parameters ---- */

struct row {
	const char *table;
	const char *names[MAX_COLUMNS];
	const char *values[MAX_COLUMNS];
	char buf[MAX_COLUMNS][VALUE_BUFSZ];
	int n;
};

static void
row_init(struct row *r, const char *table)
{
	r->table = table;
	r->n = 0;
}

static void
put_text(struct row *r, const char *name, const char *value)
{
	r->names[r->n] = name;
	r->values[r->n++] = value;
}

/* A double; NULL for NaN and the infinities ("never", "unknown"). */
static void
put_double(struct row *r, const char *name, double v)
{
	if (!isfinite(v)) {
		put_text(r, name, NULL);
		return;
	}
	snprintf(r->buf[r->n], VALUE_BUFSZ, "%.17g", v);
	put_text(r, name, r->buf[r->n]);
}

static void
put_int(struct row *r, const char *name, long long v)
{
	snprintf(r->buf[r->n], VALUE_BUFSZ, "%lld", v);
	put_text(r, name, r->buf[r->n]);
}

/* A node count; NULL when the inputs gave none (-1). */
static void
put_count(struct row *r, const char *name, long v)
{
	if (v < 0)
		put_text(r, name, NULL);
	else
		put_int(r, name, v);
}

static void
put_bool(struct row *r, const char *name, bool v)
{
	put_text(r, name, v ? "true" : "false");
}

static void
put_time(struct row *r, const char *name, bool have, int64_t ms)
{
	if (!have)
		put_text(r, name, NULL);
	else
		put_text(r, name, capplan_time_format(ms, r->buf[r->n]));
}

static int
row_insert(struct capplan_db *db, const struct row *r, struct capplan_error *err)
{
	struct capplan_strbuf sql = CAPPLAN_STRBUF_INIT;
	PGresult *res;
	int bad;

	bad = capplan_strbuf_appendf(&sql, "INSERT INTO %s (", r->table) < 0;
	for (int i = 0; i < r->n && !bad; i++)
		bad = capplan_strbuf_appendf(&sql, "%s%s", i ? ", " : "", r->names[i]) < 0;
	bad = bad || capplan_strbuf_append_str(&sql, ") VALUES (") < 0;
	for (int i = 0; i < r->n && !bad; i++)
		bad = capplan_strbuf_appendf(&sql, "%s$%d", i ? ", " : "", i + 1) < 0;
	if (bad || capplan_strbuf_append_str(&sql, ")") < 0) {
		capplan_strbuf_release(&sql);
		return oom(err);
	}
	res = capplan_db_query(db, "store the assessment", sql.data, r->n, r->values, PGRES_COMMAND_OK, err);
	capplan_strbuf_release(&sql);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* ---- reading the inputs ---- */

/* Times (ms) and values of a query's first two columns. */
struct points {
	int64_t *ts;
	double *v[5];
	size_t n;
};

static void
points_release(struct points *p)
{
	free(p->ts);
	for (int k = 0; k < 5; k++)
		free(p->v[k]);
	memset(p, 0, sizeof(*p));
}

static double
parse_double(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NAN : strtod(PQgetvalue(res, row, col), NULL);
}

/* Rows of (ms, v0 [, v1 ...]) into p: ncols values per row. */
static int
read_points(struct capplan_db *db, const char *purpose, const char *sql, int nparams,
            const char *const *params, int ncols, struct points *p, struct capplan_error *err)
{
	PGresult *res = capplan_db_query(db, purpose, sql, nparams, params, PGRES_TUPLES_OK, err);
	size_t n;
	int missing;

	memset(p, 0, sizeof(*p));
	if (!res)
		return -1;
	n = (size_t)PQntuples(res);
	p->ts = malloc((n ? n : 1) * sizeof(int64_t));
	missing = !p->ts;
	for (int k = 0; k < ncols; k++) {
		p->v[k] = malloc((n ? n : 1) * sizeof(double));
		missing |= !p->v[k];
	}
	if (missing) {
		PQclear(res);
		points_release(p);
		return oom(err);
	}
	for (size_t i = 0; i < n; i++) {
		p->ts[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		for (int k = 0; k < ncols; k++)
			p->v[k][i] = parse_double(res, (int)i, k + 1);
	}
	p->n = n;
	PQclear(res);
	return 0;
}

#define MS_OF(col) "(extract(epoch FROM " col ") * 1000)::bigint"

static int
read_samples(struct capplan_db *db, const char *series_id, int64_t as_of_ms, struct points *p,
             struct capplan_error *err)
{
	char from[CAPPLAN_TIME_BUFSZ], to[CAPPLAN_TIME_BUFSZ];
	const char *params[3] = { series_id, capplan_time_format(as_of_ms - WINDOW_MS, from),
	                          capplan_time_format(as_of_ms, to) };

	return read_points(db, "read the last 30 days",
	                   "SELECT " MS_OF("ts") ", value::text FROM capplan.samples"
	                   " WHERE series_id = $1 AND ts > $2 AND ts <= $3 ORDER BY ts",
	                   3, params, 1, p, err);
}

static int
read_forecast(struct capplan_db *db, const char *run_id, const char *series_id, const char *method,
              struct points *p, struct capplan_error *err)
{
	const char *params[3] = { run_id, series_id, method };

	return read_points(db, "read the chosen forecast",
	                   "SELECT " MS_OF("ts") ", yhat::text, lo80::text, hi80::text, lo95::text,"
	                   " hi95::text FROM capplan.forecast_points"
	                   " WHERE run_id = $1 AND series_id = $2 AND method = $3 ORDER BY ts",
	                   3, params, 5, p, err);
}

/*
 * The capacity of a usage series whose labels are labels_json: the plan's
 * number, or the latest value at as_of of the capacity series with the same
 * labels, or of the only capacity series.  NaN, with why in note, when none.
 */
static int
read_capacity(struct capplan_db *db, const struct capplan_resource *res, const char *labels_json,
              int64_t as_of_ms, double *capacity, char *note, size_t notesz,
              struct capplan_error *err)
{
	char to[CAPPLAN_TIME_BUFSZ];
	const char *params[3] = { res->capacity_metric, labels_json, capplan_time_format(as_of_ms, to) };
	PGresult *q;
	int rows;

	*capacity = res->capacity;
	if (!res->capacity_metric)
		return 0;
	q = capplan_db_query(db, "read the capacity",
	                     "SELECT c.labels = $2::jsonb,"
	                     " (SELECT x.value::text FROM capplan.samples x WHERE x.series_id = c.id"
	                     "  AND x.ts <= $3 AND x.value = x.value ORDER BY x.ts DESC LIMIT 1)"
	                     " FROM capplan.series c WHERE c.metric = $1 ORDER BY 1 DESC",
	                     3, params, PGRES_TUPLES_OK, err);
	if (!q)
		return -1;
	rows = PQntuples(q);
	*capacity = NAN;
	if (rows > 0 && (strcmp(PQgetvalue(q, 0, 0), "t") == 0 || rows == 1))
		*capacity = parse_double(q, 0, 1);
	if (rows == 0)
		snprintf(note, notesz, "no capacity series %s", res->capacity_metric);
	else if (isnan(*capacity))
		snprintf(note, notesz, "no capacity series %s with these labels and a value", res->capacity_metric);
	PQclear(q);
	return 0;
}

/* ---- writing ---- */

/* The common columns of a row. */
static void
put_head(struct row *r, const char *run_id, const struct capplan_plan *plan,
         const struct capplan_resource *res, const char *series_id, int64_t as_of_ms)
{
	row_init(r, "capplan.assessments");
	put_text(r, "run_id", run_id);
	put_text(r, "resource", res->name);
	put_text(r, "series_id", series_id);
	put_text(r, "service", res->service);
	put_text(r, "kind", capplan_kind_name(res->kind));
	put_text(r, "unit", capplan_unit_name(res->unit));
	put_time(r, "as_of", true, as_of_ms);
	put_int(r, "lead_time_ms", res->lead_time_ms);
	put_int(r, "redundancy", res->redundancy);
	put_double(r, "headroom_target", res->headroom);
	put_text(r, "currency", plan->currency);
	put_double(r, "unit_cost", res->unit_cost);
	put_int(r, "nodes", res->nodes);
	put_double(r, "threshold_warning", res->thresholds.warning);
	put_double(r, "threshold_critical", res->thresholds.critical);
	put_double(r, "threshold_emergency", res->thresholds.emergency);
}

static int
store_unknown(struct capplan_db *db, const char *run_id, const struct capplan_plan *plan,
              const struct capplan_resource *res, const char *series_id, const char *method,
              int64_t as_of_ms, double capacity, const char *note, struct capplan_error *err)
{
	struct row r;

	put_head(&r, run_id, plan, res, series_id, as_of_ms);
	put_text(&r, "method", method);
	put_double(&r, "capacity", capacity);
	put_text(&r, "level_utilisation", "unknown");
	put_text(&r, "level_exhaustion", "unknown");
	put_text(&r, "level", "unknown");
	put_bool(&r, "order_by_passed", false);
	put_bool(&r, "rightsize", false);
	put_text(&r, "note", note);
	return row_insert(db, &r, err);
}

/* The earliest order-by date of a review that has one. */
static bool
earliest_order_by(const struct capplan_review *v, int64_t *at)
{
	const struct capplan_eta *e[3] = { &v->a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_WARNING],
	                                   &v->a.eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_CRITICAL],
	                                   &v->a.eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_FULL] };
	bool any = false;

	for (int i = 0; i < 3; i++)
		if (e[i]->cross.found && (!any || e[i]->order_by_ms < *at)) {
			*at = e[i]->order_by_ms;
			any = true;
		}
	return any;
}

static void
put_eta(struct row *r, const char *days, const char *at, const struct capplan_eta *e)
{
	put_double(r, days, e->cross.found ? e->cross.days : NAN);
	if (at)
		put_time(r, at, e->cross.found, e->cross.at_ms);
}

static int
store_review(struct capplan_db *db, const char *run_id, const struct capplan_plan *plan,
             const struct capplan_resource *res, const char *series_id, const char *method,
             int64_t as_of_ms, const struct capplan_review *v, struct capplan_error *err)
{
	const struct capplan_assessment *a = &v->a;
	const struct capplan_eta (*eta)[CAPPLAN_MARKS] = a->eta;
	int64_t first = 0;
	bool any = earliest_order_by(v, &first);
	struct row r;

	put_head(&r, run_id, plan, res, series_id, as_of_ms);
	put_text(&r, "method", method);
	put_double(&r, "current_value", a->current);
	put_double(&r, "capacity", a->capacity);
	put_double(&r, "utilisation", a->utilisation);
	put_double(&r, "peak_30d", a->peak30);
	put_double(&r, "p95_30d", a->p95_30);
	put_double(&r, "headroom", a->headroom);
	put_text(&r, "level_utilisation", capplan_level_name(a->level_util));
	put_text(&r, "level_exhaustion", capplan_level_name(a->level_tte));
	put_text(&r, "level", capplan_level_name(a->level));
	put_eta(&r, "days_to_warning", "warning_at", &eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_WARNING]);
	put_eta(&r, "days_to_critical", "critical_at", &eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_CRITICAL]);
	put_eta(&r, "days_to_full", "full_at", &eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL]);
	put_eta(&r, "days_to_warning_pessimistic", NULL, &eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_WARNING]);
	put_eta(&r, "days_to_critical_pessimistic", NULL, &eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_CRITICAL]);
	put_eta(&r, "days_to_full_pessimistic", "full_at_pessimistic",
	        &eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_FULL]);
	put_eta(&r, "days_to_full_optimistic", "full_at_optimistic",
	        &eta[CAPPLAN_PATH_LOWER95][CAPPLAN_MARK_FULL]);
	put_time(&r, "order_by_warning", eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_WARNING].cross.found,
	         eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_WARNING].order_by_ms);
	put_time(&r, "order_by_critical", eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_CRITICAL].cross.found,
	         eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_CRITICAL].order_by_ms);
	put_time(&r, "order_by_full", eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_FULL].cross.found,
	         eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_FULL].order_by_ms);
	put_bool(&r, "order_by_passed", any && first <= as_of_ms);
	put_double(&r, "growth_per_day", a->growth_per_day);
	put_double(&r, "growth_per_month", a->growth_per_month);
	put_double(&r, "growth_rate_monthly", a->growth_rate);
	put_double(&r, "days_to_full_by_trend", a->days_full_by_trend);
	put_double(&r, "months_to_exhaustion", v->months_to_exhaustion);
	put_double(&r, "node_capacity", v->sizing.node_capacity > 0 ? v->sizing.node_capacity : NAN);
	put_double(&r, "forecast_peak", v->forecast_peak);
	put_count(&r, "nodes_needed", v->provisioned ? v->provision.nodes_needed : -1);
	put_count(&r, "nodes_to_add", v->provisioned ? v->provision.nodes_to_add : -1);
	put_time(&r, "nodes_order_by", v->provisioned && v->provision.exceed.found, v->provision.order_by_ms);
	put_bool(&r, "rightsize", v->rightsize.recommended);
	put_double(&r, "rightsize_capacity", v->rightsize.recommended ? v->rightsize.capacity : NAN);
	put_count(&r, "rightsize_nodes", v->rightsize.recommended && v->rightsize.nodes > 0 ?
	                                 v->rightsize.nodes : -1);
	put_double(&r, "rightsize_saving_monthly", v->rightsize.recommended ? v->rightsize.monthly_saving : NAN);
	put_double(&r, "cost_quarter_current", v->sizing.node_capacity > 0 ? v->cost.current_quarterly : NAN);
	put_count(&r, "nodes_quarter1", v->cost.nodes[0]);
	put_double(&r, "cost_quarter1", v->cost.quarterly[0]);
	put_count(&r, "nodes_quarter2", v->cost.nodes[1]);
	put_double(&r, "cost_quarter2", v->cost.quarterly[1]);
	return row_insert(db, &r, err);
}

static int
store_scenarios(struct capplan_db *db, const char *run_id, const struct capplan_plan *plan,
                const struct capplan_resource *res, const char *series_id,
                const struct capplan_review *v, struct capplan_error *err)
{
	for (size_t i = 0; i < v->nscenarios; i++) {
		const struct capplan_scenario_outcome *o = &v->scenarios[i];
		struct row r;

		row_init(&r, "capplan.scenario_results");
		put_text(&r, "run_id", run_id);
		put_text(&r, "scenario", o->scenario->name);
		put_text(&r, "resource", res->name);
		put_text(&r, "series_id", series_id);
		put_text(&r, "type", capplan_scenario_type_name(o->scenario->type));
		put_int(&r, "ordinal", (long long)(o->scenario - plan->scenarios));
		put_double(&r, "factor", o->factor);
		put_double(&r, "demand", o->need.demand);
		put_double(&r, "capacity_needed", o->need.capacity_needed);
		put_count(&r, "nodes_full_load", o->need.nodes_full_load);
		put_count(&r, "nodes_needed", o->need.nodes_needed);
		put_count(&r, "nodes_to_add", o->need.nodes_to_add);
		put_time(&r, "exhausts_at", o->exhausts.found, o->exhausts.at_ms);
		if (row_insert(db, &r, err) < 0)
			return -1;
	}
	return 0;
}

/* Review one usage series of a resource and store it. */
static int
review_series(struct capplan_db *db, const char *run_id, int64_t as_of_ms,
              const struct capplan_plan *plan, const struct capplan_resource *res,
              const char *series_id, const char *labels_json, const char *method,
              struct capplan_review_summary *sum, struct capplan_error *err)
{
	struct points samples = { 0 }, fc = { 0 };
	struct capplan_forecast f = { 0 };
	struct capplan_review_input in;
	struct capplan_review v;
	struct capplan_error rerr;
	char note[512] = "";
	double capacity;
	int rc = -1;

	if (read_capacity(db, res, labels_json, as_of_ms, &capacity, note, sizeof(note), err) < 0 ||
	    read_samples(db, series_id, as_of_ms, &samples, err) < 0 ||
	    (method && read_forecast(db, run_id, series_id, method, &fc, err) < 0))
		goto done;
	if (isnan(capacity)) {
		rc = store_unknown(db, run_id, plan, res, series_id, method, as_of_ms, capacity, note, err);
		sum->unknown++;
		goto done;
	}
	f = (struct capplan_forecast){ fc.n, fc.v[0], fc.v[1], fc.v[2], fc.v[3], fc.v[4] };
	in = (struct capplan_review_input){ plan, res, samples.ts, samples.v[0], samples.n,
	                                    method ? fc.ts : NULL, method ? &f : NULL, capacity, as_of_ms };
	capplan_error_clear(&rerr);
	if (capplan_review(&in, &v, &rerr) < 0) {
		if (rerr.status != CAPPLAN_EX_DATAERR) {
			*err = rerr;
			goto done;
		}
		rc = store_unknown(db, run_id, plan, res, series_id, method, as_of_ms, capacity, rerr.msg, err);
		sum->unknown++;
		goto done;
	}
	rc = store_review(db, run_id, plan, res, series_id, method, as_of_ms, &v, err);
	if (rc == 0)
		rc = store_scenarios(db, run_id, plan, res, series_id, &v, err);
	if (rc == 0)
		sum->level[v.a.level]++;
	capplan_review_release(&v);
done:
	if (rc == 0)
		sum->assessed++;
	points_release(&samples);
	points_release(&fc);
	return rc;
}

static int
review_resource(struct capplan_db *db, const char *run_id, int64_t as_of_ms,
                const struct capplan_plan *plan, const struct capplan_resource *res,
                struct capplan_review_summary *sum, struct capplan_error *err)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	struct capplan_strbuf json = CAPPLAN_STRBUF_INIT;
	PGresult *q = NULL;
	int rc = -1;

	if (capplan_labels_copy(&labels, &res->labels, err) < 0 ||
	    capplan_labels_to_json(&labels, &json, err) < 0)
		goto done;
	{
		const char *params[3] = { run_id, res->metric, json.data };

		/* the series of the resource that this run modelled, with their chosen method */
		q = capplan_db_query(db, "list the resource's series",
		                     "SELECT s.id::text, s.labels::text,"
		                     " (SELECT f.method FROM capplan.model_fits f WHERE f.run_id = $1"
		                     "  AND f.series_id = s.id AND f.chosen)"
		                     " FROM capplan.series s WHERE s.metric = $2 AND s.labels @> $3::jsonb"
		                     " AND EXISTS (SELECT 1 FROM capplan.model_fits g WHERE g.run_id = $1"
		                     "  AND g.series_id = s.id) ORDER BY s.id",
		                     3, params, PGRES_TUPLES_OK, err);
	}
	if (!q)
		goto done;
	if (PQntuples(q) == 0)
		sum->no_series++;
	for (int i = 0; i < PQntuples(q); i++) {
		const char *method = PQgetisnull(q, i, 2) ? NULL : PQgetvalue(q, i, 2);

		if (review_series(db, run_id, as_of_ms, plan, res, PQgetvalue(q, i, 0), PQgetvalue(q, i, 1),
		                  method, sum, err) < 0) {
			capplan_error_prefix(err, "resource \"%s\"", res->name);
			goto done;
		}
	}
	rc = 0;
done:
	PQclear(q);
	capplan_labels_release(&labels);
	capplan_strbuf_release(&json);
	return rc;
}

/*
 * The days the packet charts (sql/006_review_days.sql), for every series the
 * run assessed: aggregated here, once, in the run's transaction, so that
 * rendering reads a few rows per series rather than a year of samples.  The
 * year starts on a whole UTC day, and only whole days are kept at either end
 * of the history and of the forecast (CAPPLAN_WHOLE_DAYS_SQL).
 */
static int
store_days(struct capplan_db *db, const char *run_id, int64_t as_of_ms, struct capplan_error *err)
{
	char as_of[CAPPLAN_TIME_BUFSZ];
	const char *params[2] = { run_id, capplan_time_format(as_of_ms, as_of) };
	PGresult *res;

	/* PostgreSQL holds NaN above every number: the two comparisons leave it and the infinities out */
	res = capplan_db_query(db, "store the days of history",
	                       "INSERT INTO capplan.history_days (run_id, series_id, day, mean, max, samples) "
	                       CAPPLAN_WHOLE_DAYS_SQL("$1::bigint, e.series_id, e.day, e.mean, e.max, e.n",
	                       "SELECT x.series_id, (x.ts AT TIME ZONE 'UTC')::date AS day,"
	                       " sum(x.value) / count(*) AS mean, max(x.value) AS max, count(*) AS n"
	                       " FROM capplan.samples x"
	                       " WHERE x.series_id IN (SELECT series_id FROM capplan.assessments"
	                       " WHERE run_id = $1::bigint) AND x.ts >= date_trunc('day', $2::timestamptz"
	                       " - interval '365 days', 'UTC') + interval '1 day'"
	                       " AND x.ts <= $2::timestamptz AND x.value < 'Infinity' AND x.value > '-Infinity'"
	                       " GROUP BY 1, 2", "d.series_id"),
	                       2, params, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	res = capplan_db_query(db, "store the days of the forecasts",
	                       "INSERT INTO capplan.forecast_days (run_id, series_id, method, day, yhat_mean,"
	                       " yhat_max, lo80, hi80, lo95, hi95) "
	                       CAPPLAN_WHOLE_DAYS_SQL("e.run_id, e.series_id, e.method, e.day, e.mean, e.max,"
	                       " e.lo80, e.hi80, e.lo95, e.hi95",
	                       "SELECT f.run_id, f.series_id, f.method, (f.ts AT TIME ZONE 'UTC')::date AS day,"
	                       " sum(f.yhat) / count(*) AS mean, max(f.yhat) AS max, min(f.lo80) AS lo80,"
	                       " max(f.hi80) AS hi80, min(f.lo95) AS lo95, max(f.hi95) AS hi95,"
	                       " count(*) AS n FROM capplan.forecast_points f"
	                       " WHERE f.run_id = $1::bigint AND (f.series_id, f.method) IN"
	                       " (SELECT series_id, method FROM capplan.assessments WHERE run_id = $1::bigint)"
	                       " GROUP BY 1, 2, 3, 4", "d.series_id, d.method"),
	                       1, params, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int
capplan_review_run(struct capplan_db *db, int64_t run_id, int64_t as_of_ms,
                   const struct capplan_plan *plan, struct capplan_review_summary *sum,
                   struct capplan_error *err)
{
	char id[24];

	memset(sum, 0, sizeof(*sum));
	snprintf(id, sizeof(id), "%" PRId64, run_id);
	for (size_t i = 0; i < plan->nresources; i++)
		if (review_resource(db, id, as_of_ms, plan, &plan->resources[i], sum, err) < 0)
			return -1;
	return store_days(db, id, as_of_ms, err);
}
