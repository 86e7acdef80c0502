/*
 * lib/render/review_data.c: everything the review packet shows, read once.
 *
 * One run's assessments, with the daily history and forecast of each series,
 * its scenarios and the scoring of the earlier forecasts of the same series.
 * Numbers are read as text (float8 out of PostgreSQL is the shortest text
 * that reads back to the same double); NULL becomes NaN, 0 or -1 as
 * review_data.h says.
 */
#include "render/review_data.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/review_store.h"
#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define HISTORY_DAYS 365

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

const char *
capplan_render_level_name(enum capplan_render_level level)
{
	switch (level) {
	case CAPPLAN_RENDER_HEALTHY: return "healthy";
	case CAPPLAN_RENDER_WARNING: return "warning";
	case CAPPLAN_RENDER_CRITICAL: return "critical";
	case CAPPLAN_RENDER_EMERGENCY: return "emergency";
	case CAPPLAN_RENDER_UNKNOWN: return "unknown";
	}
	return "unknown";
}

static enum capplan_render_level
level_of(const char *s)
{
	static const char *const names[] = { "healthy", "warning", "critical", "emergency" };

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum capplan_render_level)i;
	return CAPPLAN_RENDER_UNKNOWN;
}

/* ---- reading a result ---- */

struct cursor {
	PGresult *res;
	int row;
	int col;
};

static const char *
next_text(struct cursor *c)
{
	int col = c->col++;

	return PQgetisnull(c->res, c->row, col) ? NULL : PQgetvalue(c->res, c->row, col);
}

static double
next_double(struct cursor *c)
{
	const char *s = next_text(c);

	return s ? strtod(s, NULL) : NAN;
}

static long
next_count(struct cursor *c)
{
	const char *s = next_text(c);

	return s ? strtol(s, NULL, 10) : -1;
}

static int64_t
next_ms(struct cursor *c)
{
	const char *s = next_text(c);

	return s ? strtoll(s, NULL, 10) : 0;
}

static bool
next_bool(struct cursor *c)
{
	const char *s = next_text(c);

	return s && s[0] == 't';
}

/* A string, "" for NULL; NULL only when memory runs out. */
static char *
next_string(struct cursor *c)
{
	const char *s = next_text(c);

	return strdup(s ? s : "");
}

#define MS(col) "(extract(epoch FROM " col ") * 1000)::bigint"

/* ---- the run ---- */

static int
find_run(struct capplan_db *db, int64_t run_id, struct capplan_review_data *d, struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	res = capplan_db_query(db, "find the model run",
	                       "SELECT r.id, " MS("r.as_of") ", r.version FROM capplan.model_runs r"
	                       " WHERE r.status = 'succeeded' AND ($1::bigint = 0 OR r.id = $1::bigint)"
	                       " AND EXISTS (SELECT 1 FROM capplan.assessments a WHERE a.run_id = r.id)"
	                       " ORDER BY r.id DESC LIMIT 1", 1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		if (run_id)
			capplan_error_set(err, CAPPLAN_EX_NOINPUT,
			                  "--run %" PRId64 ": no succeeded model run with assessments", run_id);
		else
			capplan_error_set(err, CAPPLAN_EX_NOINPUT, "database: no model run with assessments");
		return capplan_error_hint(err, "run capplan-model --config plan.yml first");
	}
	d->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	d->as_of_ms = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	d->version = strdup(PQgetvalue(res, 0, 2));
	PQclear(res);
	return d->version ? 0 : oom(err);
}

static void
quarter_of(struct capplan_review_data *d)
{
	int64_t q0 = capplan_time_quarter_start(d->as_of_ms);
	int64_t since = capplan_time_months_between(INT64_C(0), q0);

	d->year = (int)(1970 + since / 12);
	d->quarter = (int)(since % 12) / 3 + 1;
	d->quarter_start_ms[0] = q0;
	d->quarter_start_ms[1] = capplan_time_add_months(q0, 3);
}

/* ---- the items ---- */

#define ITEM_COLUMNS \
	"a.resource, a.service, a.kind, a.unit, s.metric, s.labels::text, coalesce(a.method, ''), " \
	"coalesce(a.note, ''), a.level, a.level_utilisation, a.level_exhaustion, " \
	"a.current_value, a.capacity, a.utilisation, a.peak_30d, a.p95_30d, a.headroom, " \
	"a.threshold_warning, a.threshold_critical, a.threshold_emergency, " \
	"a.days_to_warning, a.days_to_critical, a.days_to_full, a.days_to_full_pessimistic, " \
	"a.days_to_full_optimistic, " MS("a.warning_at") ", " MS("a.critical_at") ", " \
	MS("a.full_at") ", " MS("a.full_at_pessimistic") ", " MS("a.full_at_optimistic") ", " \
	MS("a.order_by_warning") ", " MS("a.order_by_critical") ", " MS("a.order_by_full") ", " \
	MS("a.nodes_order_by") ", a.order_by_passed, a.lead_time_ms, a.growth_per_day, " \
	"a.growth_per_month, a.growth_rate_monthly, a.months_to_exhaustion, a.nodes, a.redundancy, " \
	"a.nodes_needed, a.nodes_to_add, a.node_capacity, a.headroom_target, a.forecast_peak, " \
	"a.rightsize, a.rightsize_capacity, a.rightsize_saving_monthly, a.rightsize_nodes, " \
	"a.unit_cost, a.cost_quarter_current, a.cost_quarter1, a.cost_quarter2, a.nodes_quarter1, " \
	"a.nodes_quarter2, a.series_id, a.currency, " LABELS_TEXT

/*
 * Labels for people: name="value", ... with value escaped as Prometheus
 * writes it (\\, \", \n), so that one line stays one line.  From the JSON of
 * the series by PostgreSQL: jsonb_each_text gives the values unescaped.
 */
#define LABELS_TEXT \
	"(SELECT coalesce(string_agg(format('%s=\"%s\"', key, replace(replace(replace(value," \
	" '\\', '\\\\'), '\"', '\\\"'), E'\\n', '\\n')), ', ' ORDER BY key), '')" \
	" FROM jsonb_each_text(s.labels))"

static int
read_item(struct cursor *c, struct capplan_render_item *it)
{
	it->resource = next_string(c);
	it->service = next_string(c);
	it->kind = next_string(c);
	it->unit = next_string(c);
	it->metric = next_string(c);
	it->labels_json = next_string(c);
	it->method = next_string(c);
	it->note = next_string(c);
	it->level = level_of(next_text(c));
	it->level_utilisation = level_of(next_text(c));
	it->level_exhaustion = level_of(next_text(c));
	it->current = next_double(c);
	it->capacity = next_double(c);
	it->utilisation = next_double(c);
	it->peak_30d = next_double(c);
	it->p95_30d = next_double(c);
	it->headroom = next_double(c);
	it->threshold_warning = next_double(c);
	it->threshold_critical = next_double(c);
	it->threshold_emergency = next_double(c);
	it->days_to_warning = next_double(c);
	it->days_to_critical = next_double(c);
	it->days_to_full = next_double(c);
	it->days_to_full_pessimistic = next_double(c);
	it->days_to_full_optimistic = next_double(c);
	it->warning_at = next_ms(c);
	it->critical_at = next_ms(c);
	it->full_at = next_ms(c);
	it->full_at_pessimistic = next_ms(c);
	it->full_at_optimistic = next_ms(c);
	it->order_by_warning = next_ms(c);
	it->order_by_critical = next_ms(c);
	it->order_by_full = next_ms(c);
	it->nodes_order_by = next_ms(c);
	it->order_by_passed = next_bool(c);
	it->lead_time_ms = next_ms(c);
	it->growth_per_day = next_double(c);
	it->growth_per_month = next_double(c);
	it->growth_rate_monthly = next_double(c);
	it->months_to_exhaustion = next_double(c);
	it->nodes = next_count(c);
	it->redundancy = next_count(c);
	it->nodes_needed = next_count(c);
	it->nodes_to_add = next_count(c);
	it->node_capacity = next_double(c);
	it->headroom_target = next_double(c);
	it->forecast_peak = next_double(c);
	it->rightsize = next_bool(c);
	it->rightsize_capacity = next_double(c);
	it->rightsize_saving_monthly = next_double(c);
	it->rightsize_nodes = next_count(c);
	it->unit_cost = next_double(c);
	it->cost_quarter_current = next_double(c);
	it->cost_quarter1 = next_double(c);
	it->cost_quarter2 = next_double(c);
	it->nodes_quarter1 = next_count(c);
	it->nodes_quarter2 = next_count(c);
	return it->resource && it->service && it->kind && it->unit && it->metric && it->labels_json &&
	       it->method && it->note ? 0 : -1;
}

/*
 * The days of many series in one query: rows of (series id, day ms, mean,
 * max, lo80, hi80, lo95, hi95) ordered by series and day, each series' rows
 * going to every destination with its id (an id can be the usage of two
 * resources).  One statement per kind of day rather than one per series: the
 * server reads each table once, and a packet of 200 series costs a handful
 * of round trips instead of a thousand.  Ordered by series, the days a run
 * stored come straight off their primary key, with no sort.
 */
struct day_dest {
	int32_t series;
	struct capplan_day **days;
	size_t *n;
};

static int
cmp_dest(const void *a, const void *b)
{
	const struct day_dest *x = a, *y = b;

	return (x->series > y->series) - (x->series < y->series);
}

/* The columns' types, as read in binary: bigint key and day, then six double precision. */
static bool
days_typed(const PGresult *res)
{
	if (PQnfields(res) != 8 || PQftype(res, 0) != CAPPLAN_PG_INT8_OID ||
	    PQftype(res, 1) != CAPPLAN_PG_INT8_OID)
		return false;
	for (int c = 2; c < 8; c++)
		if (PQftype(res, c) != CAPPLAN_PG_FLOAT8_OID)
			return false;
	return true;
}

/* Rows [row, end) of res as days, into one new array. */
static struct capplan_day *
days_of(const PGresult *res, int row, int end)
{
	struct capplan_day *days = calloc((size_t)(end - row), sizeof(*days));

	for (int i = 0; days && row < end; row++, i++) {
		days[i].ts = capplan_db_int8(res, row, 1);
		days[i].mean = capplan_db_float8(res, row, 2);
		days[i].max = capplan_db_float8(res, row, 3);
		days[i].lo80 = capplan_db_float8(res, row, 4);
		days[i].hi80 = capplan_db_float8(res, row, 5);
		days[i].lo95 = capplan_db_float8(res, row, 6);
		days[i].hi95 = capplan_db_float8(res, row, 7);
	}
	return days;
}

/* Each group of rows to the destinations of its series (dest sorted by series). */
static int
distribute_days(const PGresult *res, const struct day_dest *dest, size_t ndest, const char *purpose,
                struct capplan_error *err)
{
	int rows = PQntuples(res), row = 0;

	while (row < rows) {
		int64_t series = capplan_db_int8(res, row, 0);
		int end = row;
		size_t lo = 0, hi = ndest;

		while (end < rows && capplan_db_int8(res, end, 0) == series)
			end++;
		while (lo < hi) {   /* the first destination of this series */
			size_t mid = lo + (hi - lo) / 2;

			if (dest[mid].series < series)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == ndest || dest[lo].series != series || *dest[lo].days)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: unexpected series %" PRId64,
			                         purpose, series);
		for (; lo < ndest && dest[lo].series == series; lo++) {
			*dest[lo].days = days_of(res, row, end);
			if (!*dest[lo].days)
				return oom(err);
			*dest[lo].n = (size_t)(end - row);
		}
		row = end;
	}
	return 0;
}

static int
read_days(struct capplan_db *db, const char *purpose, const char *sql, int nparams,
          const char *const *params, struct day_dest *dest, size_t ndest, struct capplan_error *err)
{
	/* binary: these are most of the numbers read, and text would cost formatting and parsing */
	PGresult *res = capplan_db_query_binary(db, purpose, sql, nparams, params, PGRES_TUPLES_OK, err);
	int rc;

	if (!res)
		return -1;
	qsort(dest, ndest, sizeof(*dest), cmp_dest);
	if (!days_typed(res))
		rc = capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: unexpected column types", purpose);
	else
		rc = distribute_days(res, dest, ndest, purpose, err);
	PQclear(res);
	return rc;
}

/* History days have no interval: four typed NULLs in its place. */
#define NO_BOUNDS "NULL::float8, NULL::float8, NULL::float8, NULL::float8"
/* The UTC day of ts as ms: plain arithmetic on the epoch, cheaper than date_trunc in a zone. */
#define DAY(col) "(floor(date_part('epoch', " col ") / 86400) * 86400000)::bigint"
/* A date as ms. */
#define DATE_MS(col) "(" col " - date '1970-01-01')::bigint * 86400000"
/* A time passed as ms since the epoch. */
#define AT_MS(ms) "(timestamptz 'epoch' + " ms " * interval '1 millisecond')"
/*
 * Real samples only: the infinities and NaN left out.  PostgreSQL holds NaN
 * equal to itself and above every other value (so "value = value" would let
 * it in), hence two comparisons suffice.
 */
#define REAL(col) col " < 'Infinity' AND " col " > '-Infinity'"
/* The mean of a day: the same number as avg(), without avg's sum of squares. */
#define MEAN(col) "sum(" col ") / count(*)"

/* The days a run stored (sql/006_review_days.sql), $1 the run: straight off the primary keys. */
#define STORED_HISTORY_DAYS_SQL \
	"SELECT h.series_id::bigint, " DATE_MS("h.day") ", h.mean, h.max, " NO_BOUNDS \
	" FROM capplan.history_days h WHERE h.run_id = $1::bigint ORDER BY h.series_id, h.day"
#define STORED_FORECAST_DAYS_SQL \
	"SELECT f.series_id::bigint, " DATE_MS("f.day") ", f.yhat_mean, f.yhat_max, f.lo80, f.hi80," \
	" f.lo95, f.hi95 FROM capplan.forecast_days f WHERE f.run_id = $1::bigint" \
	" ORDER BY f.series_id, f.method, f.day"

/*
 * For a run that stored none, aggregated here as the run would have stored
 * them (review_store.c): $1 series ids, $2 as of (ms): the year of history
 * from its first whole day, partial days at either end left out.
 */
#define HISTORY_DAYS_SQL \
	CAPPLAN_WHOLE_DAYS_SQL("e.series_id, e.day, e.mean, e.max, " NO_BOUNDS, \
	"SELECT x.series_id::bigint AS series_id, " DAY("x.ts") " AS day, " MEAN("x.value") " AS mean," \
	" max(x.value) AS max, count(*) AS n" \
	" FROM capplan.samples x WHERE x.series_id = ANY ($1::integer[])" \
	" AND x.ts >= date_trunc('day', " AT_MS("$2::bigint") " - interval '365 days', 'UTC')" \
	" + interval '1 day' AND x.ts <= " AT_MS("$2::bigint") \
	" AND " REAL("x.value") " GROUP BY 1, 2", "d.series_id") " ORDER BY 1, 2"

/* $1 run, $2 series ids, $3 their methods: each series' chosen forecast. */
#define FORECAST_DAYS_SQL \
	CAPPLAN_WHOLE_DAYS_SQL("e.series_id, e.day, e.mean, e.max, e.lo80, e.hi80, e.lo95, e.hi95", \
	"SELECT f.series_id::bigint AS series_id, " DAY("f.ts") " AS day, " MEAN("f.yhat") " AS mean," \
	" max(f.yhat) AS max, min(f.lo80) AS lo80, max(f.hi80) AS hi80, min(f.lo95) AS lo95," \
	" max(f.hi95) AS hi95, count(*) AS n FROM capplan.forecast_points f" \
	" WHERE f.run_id = $1::bigint AND (f.series_id, f.method) IN" \
	" (SELECT * FROM unnest($2::integer[], $3::text[])) GROUP BY 1, 2", "d.series_id") " ORDER BY 1, 2"

/*
 * Whether the run stored its days (runs made since sql/006_review_days.sql):
 * 1, 0, or -1 with err set.
 */
static int
run_stored_days(struct capplan_db *db, int64_t run_id, struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	PGresult *res;
	int stored;

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	res = capplan_db_query(db, "look for the run's days",
	                       "SELECT EXISTS (SELECT 1 FROM capplan.history_days WHERE run_id = $1::bigint)"
	                       " OR EXISTS (SELECT 1 FROM capplan.forecast_days WHERE run_id = $1::bigint)",
	                       1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	stored = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return stored;
}

/*
 * The daily history and chosen forecast of every item, two queries in all:
 * the days the run stored, or for runs made before it stored them, the
 * same aggregated from the samples and forecast points.
 */
static int
read_item_days(struct capplan_db *db, struct capplan_review_data *d, const int32_t *series_ids,
               struct capplan_error *err)
{
	int stored = run_stored_days(db, d->run_id, err);
	struct capplan_strbuf ids = CAPPLAN_STRBUF_INIT, fids = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf methods = CAPPLAN_STRBUF_INIT;
	struct day_dest *history = calloc(d->nitems + 1, sizeof(*history));
	struct day_dest *forecast = calloc(d->nitems + 1, sizeof(*forecast));
	char run[24], as_of[24];
	size_t nforecast = 0;
	int bad = !history || !forecast, rc = -1;

	if (stored < 0)
		goto done;
	for (size_t i = 0; i < d->nitems && !bad; i++) {
		struct capplan_render_item *it = &d->items[i];

		history[i] = (struct day_dest){ series_ids[i], &it->history, &it->nhistory };
		bad = capplan_db_array_add_int(&ids, series_ids[i]) < 0;
		if (!it->method[0] || bad)
			continue;
		forecast[nforecast++] = (struct day_dest){ series_ids[i], &it->forecast, &it->nforecast };
		bad = capplan_db_array_add_int(&fids, series_ids[i]) < 0 ||
		      capplan_db_array_add_text(&methods, it->method) < 0;
	}
	if (bad || capplan_db_array_end(&ids) < 0 || capplan_db_array_end(&fids) < 0 ||
	    capplan_db_array_end(&methods) < 0) {
		oom(err);
		goto done;
	}
	snprintf(run, sizeof(run), "%" PRId64, d->run_id);
	snprintf(as_of, sizeof(as_of), "%" PRId64, d->as_of_ms);
	if (stored)
		rc = read_days(db, "read the history", STORED_HISTORY_DAYS_SQL, 1,
		               (const char *const[]){ run }, history, d->nitems, err) < 0 ||
		     read_days(db, "read the forecasts", STORED_FORECAST_DAYS_SQL, 1,
		               (const char *const[]){ run }, forecast, nforecast, err) < 0 ? -1 : 0;
	else
		rc = read_days(db, "read the history", HISTORY_DAYS_SQL, 2,
		               (const char *const[]){ ids.data, as_of }, history, d->nitems, err) < 0 ||
		     read_days(db, "read the forecasts", FORECAST_DAYS_SQL, 3,
		               (const char *const[]){ run, fids.data, methods.data }, forecast, nforecast,
		               err) < 0 ? -1 : 0;
done:
	capplan_strbuf_release(&ids);
	capplan_strbuf_release(&fids);
	capplan_strbuf_release(&methods);
	free(history);
	free(forecast);
	return rc;
}

static int
read_items(struct capplan_db *db, struct capplan_review_data *d, int32_t **series_ids,
           struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	PGresult *res;
	int rc = -1;

	snprintf(id, sizeof(id), "%" PRId64, d->run_id);
	res = capplan_db_query(db, "read the assessments",
	                       "SELECT " ITEM_COLUMNS " FROM capplan.assessments a"
	                       " JOIN capplan.series s ON s.id = a.series_id WHERE a.run_id = $1"
	                       " ORDER BY CASE a.level WHEN 'emergency' THEN 0 WHEN 'critical' THEN 1"
	                       " WHEN 'unknown' THEN 2 WHEN 'warning' THEN 3 ELSE 4 END,"
	                       " a.days_to_full NULLS LAST, a.resource, s.labels",
	                       1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	d->nitems = (size_t)PQntuples(res);
	d->items = calloc(d->nitems + 1, sizeof(*d->items));
	*series_ids = calloc(d->nitems + 1, sizeof(**series_ids));
	if (!d->items || !*series_ids) {
		d->nitems = 0;
		oom(err);
		goto done;
	}
	for (size_t i = 0; i < d->nitems; i++) {
		struct capplan_render_item *it = &d->items[i];
		struct cursor c = { res, (int)i, 0 };
		const char *cur;

		if (read_item(&c, it) < 0) {
			oom(err);
			goto done;
		}
		(*series_ids)[i] = (int32_t)strtol(next_text(&c), NULL, 10);
		cur = next_text(&c);
		if (i == 0)
			snprintf(d->currency, sizeof(d->currency), "%s", cur ? cur : "USD");
		it->labels_text = next_string(&c);
		if (!it->labels_text) {
			oom(err);
			goto done;
		}
	}
	rc = 0;
done:
	PQclear(res);
	return rc;
}

/* ---- scenarios and accuracy ---- */

static long
item_of(const int32_t *series_ids, size_t n, const struct capplan_render_item *items, int32_t series,
        const char *resource)
{
	for (size_t i = 0; i < n; i++)
		if (series_ids[i] == series && (!resource || strcmp(items[i].resource, resource) == 0))
			return (long)i;
	return -1;
}

static int
read_scenarios(struct capplan_db *db, struct capplan_review_data *d, const int32_t *series_ids,
               struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, d->run_id);
	res = capplan_db_query(db, "read the scenarios",
	                       "SELECT r.scenario, r.type, r.resource, r.series_id, r.factor, r.demand,"
	                       " r.capacity_needed, r.nodes_full_load, r.nodes_needed, r.nodes_to_add, "
	                       MS("r.exhausts_at") " FROM capplan.scenario_results r WHERE r.run_id = $1"
	                       " ORDER BY r.ordinal, r.resource, r.series_id",
	                       1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	d->scenarios = calloc((size_t)PQntuples(res) + 1, sizeof(*d->scenarios));
	if (!d->scenarios) {
		PQclear(res);
		return oom(err);
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct cursor c = { res, i, 0 };
		struct capplan_render_scenario *s = &d->scenarios[d->nscenarios];
		const char *resource;
		long item;

		s->scenario = next_string(&c);
		s->type = next_string(&c);
		d->nscenarios++;
		if (!s->scenario || !s->type) {
			PQclear(res);
			return oom(err);
		}
		resource = next_text(&c);
		item = item_of(series_ids, d->nitems, d->items, (int32_t)strtol(next_text(&c), NULL, 10),
		               resource);
		s->item = item < 0 ? 0 : (size_t)item;
		s->factor = next_double(&c);
		s->demand = next_double(&c);
		s->capacity_needed = next_double(&c);
		s->nodes_full_load = next_count(&c);
		s->nodes_needed = next_count(&c);
		s->nodes_to_add = next_count(&c);
		s->exhausts_at = next_ms(&c);
		if (item < 0)
			d->nscenarios--;   /* cannot happen: a run's scenarios are of its items */
	}
	PQclear(res);
	return 0;
}

/* $1 runs, $2 series ids, $3 methods, $4 last (ms): an earlier forecast up to its last scored point. */
#define ACCURACY_FORECAST_SQL \
	"SELECT k.series_id::bigint, " DAY("f.ts") ", " MEAN("f.yhat") ", max(f.yhat), min(f.lo80), max(f.hi80)," \
	" min(f.lo95), max(f.hi95)" \
	" FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::bigint[])" \
	" AS k(run_id, series_id, method, last_ms)" \
	" JOIN capplan.forecast_points f ON f.run_id = k.run_id AND f.series_id = k.series_id" \
	" AND f.method = k.method AND f.ts <= " AT_MS("k.last_ms") " GROUP BY 1, 2 ORDER BY 1, 2"

/* $1 series ids, $2 first (ms), $3 last (ms): what actually happened over the scored span. */
#define ACCURACY_ACTUAL_SQL \
	"SELECT k.series_id::bigint, " DAY("x.ts") ", " MEAN("x.value") ", max(x.value), " NO_BOUNDS \
	" FROM unnest($1::integer[], $2::bigint[], $3::bigint[]) AS k(series_id, first_ms, last_ms)" \
	" JOIN capplan.samples x ON x.series_id = k.series_id" \
	" AND x.ts >= " AT_MS("k.first_ms") " AND x.ts <= " AT_MS("k.last_ms") \
	" WHERE " REAL("x.value") " GROUP BY 1, 2 ORDER BY 1, 2"

/* The earlier forecasts and the actuals of every scoring read (one per series): two queries in all. */
static int
read_accuracy_days(struct capplan_db *db, struct capplan_review_data *d, const int32_t *series,
                   struct capplan_error *err)
{
	struct capplan_strbuf runs = CAPPLAN_STRBUF_INIT, ids = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf methods = CAPPLAN_STRBUF_INIT, firsts = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf lasts = CAPPLAN_STRBUF_INIT;
	struct day_dest *forecast = calloc(d->naccuracy + 1, sizeof(*forecast));
	struct day_dest *actual = calloc(d->naccuracy + 1, sizeof(*actual));
	int bad = !forecast || !actual, rc = -1;

	for (size_t i = 0; i < d->naccuracy && !bad; i++) {
		struct capplan_render_accuracy *a = &d->accuracy[i];

		forecast[i] = (struct day_dest){ series[i], &a->forecast, &a->nforecast };
		actual[i] = (struct day_dest){ series[i], &a->actual, &a->nactual };
		bad = capplan_db_array_add_int(&runs, a->run_id) < 0 ||
		      capplan_db_array_add_int(&ids, series[i]) < 0 ||
		      capplan_db_array_add_text(&methods, a->method) < 0 ||
		      capplan_db_array_add_int(&firsts, a->first_ts) < 0 ||
		      capplan_db_array_add_int(&lasts, a->last_ts) < 0;
	}
	if (bad || capplan_db_array_end(&runs) < 0 || capplan_db_array_end(&ids) < 0 ||
	    capplan_db_array_end(&methods) < 0 || capplan_db_array_end(&firsts) < 0 ||
	    capplan_db_array_end(&lasts) < 0) {
		oom(err);
		goto done;
	}
	if (read_days(db, "read the earlier forecasts", ACCURACY_FORECAST_SQL, 4,
	              (const char *const[]){ runs.data, ids.data, methods.data, lasts.data }, forecast,
	              d->naccuracy, err) < 0 ||
	    read_days(db, "read the actuals", ACCURACY_ACTUAL_SQL, 3,
	              (const char *const[]){ ids.data, firsts.data, lasts.data }, actual, d->naccuracy,
	              err) < 0)
		goto done;
	rc = 0;
done:
	capplan_strbuf_release(&runs);
	capplan_strbuf_release(&ids);
	capplan_strbuf_release(&methods);
	capplan_strbuf_release(&firsts);
	capplan_strbuf_release(&lasts);
	free(forecast);
	free(actual);
	return rc;
}

/* The newest scoring of the newest earlier run, per series of the run's items. */
static int
read_accuracy(struct capplan_db *db, struct capplan_review_data *d, const int32_t *series_ids,
              struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	int32_t *series = NULL;
	PGresult *res;
	int rc = -1;

	snprintf(id, sizeof(id), "%" PRId64, d->run_id);
	res = capplan_db_query(db, "read the forecast accuracy",
	                       "SELECT DISTINCT ON (c.series_id) c.series_id, c.run_id, " MS("r.as_of") ", "
	                       MS("c.first_ts") ", " MS("c.last_ts") ", c.method, c.points, c.mae, c.mape,"
	                       " c.bias, c.coverage80, c.coverage95"
	                       " FROM capplan.accuracy c JOIN capplan.model_runs r ON r.id = c.run_id"
	                       " WHERE c.evaluated_in <= $1 AND c.run_id < $1 AND c.series_id IN"
	                       " (SELECT series_id FROM capplan.assessments WHERE run_id = $1)"
	                       " ORDER BY c.series_id, c.run_id DESC, c.evaluated_in DESC",
	                       1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	d->accuracy = calloc((size_t)PQntuples(res) + 1, sizeof(*d->accuracy));
	series = calloc((size_t)PQntuples(res) + 1, sizeof(*series));
	if (!d->accuracy || !series) {
		oom(err);
		goto done;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		struct cursor c = { res, i, 0 };
		struct capplan_render_accuracy *a = &d->accuracy[d->naccuracy];
		int32_t sid = (int32_t)strtol(next_text(&c), NULL, 10);
		long item = item_of(series_ids, d->nitems, d->items, sid, NULL);

		if (item < 0)
			continue;
		series[d->naccuracy++] = sid;
		a->item = (size_t)item;
		a->run_id = next_ms(&c);
		a->forecast_as_of = next_ms(&c);
		a->first_ts = next_ms(&c);
		a->last_ts = next_ms(&c);
		a->method = next_string(&c);
		a->points = next_count(&c);
		a->mae = next_double(&c);
		a->mape = next_double(&c);
		a->bias = next_double(&c);
		a->coverage80 = next_double(&c);
		a->coverage95 = next_double(&c);
		if (!a->method) {
			oom(err);
			goto done;
		}
	}
	rc = read_accuracy_days(db, d, series, err);
done:
	PQclear(res);
	free(series);
	return rc;
}

int
capplan_review_data_load(struct capplan_db *db, int64_t run_id, struct capplan_review_data *d,
                         struct capplan_error *err)
{
	int32_t *series_ids = NULL;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	memcpy(d->currency, "USD", 4);
	/* one snapshot: a model run finishing meanwhile does not mix in */
	if (capplan_db_exec(db, "begin reading", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) < 0)
		return -1;
	if (find_run(db, run_id, d, err) < 0 || read_items(db, d, &series_ids, err) < 0 ||
	    read_item_days(db, d, series_ids, err) < 0 || read_scenarios(db, d, series_ids, err) < 0 ||
	    read_accuracy(db, d, series_ids, err) < 0)
		goto done;
	quarter_of(d);
	rc = capplan_db_commit(db, err);
done:
	if (rc < 0) {
		capplan_db_rollback(db);
		capplan_review_data_release(d);
	}
	free(series_ids);
	return rc;
}

static void
item_release(struct capplan_render_item *it)
{
	free(it->resource);
	free(it->service);
	free(it->kind);
	free(it->unit);
	free(it->metric);
	free(it->labels_json);
	free(it->labels_text);
	free(it->method);
	free(it->note);
	free(it->history);
	free(it->forecast);
}

void
capplan_review_data_release(struct capplan_review_data *d)
{
	for (size_t i = 0; i < d->nitems; i++)
		item_release(&d->items[i]);
	free(d->items);
	for (size_t i = 0; i < d->nscenarios; i++) {
		free(d->scenarios[i].scenario);
		free(d->scenarios[i].type);
	}
	free(d->scenarios);
	for (size_t i = 0; i < d->naccuracy; i++) {
		free(d->accuracy[i].method);
		free(d->accuracy[i].forecast);
		free(d->accuracy[i].actual);
	}
	free(d->accuracy);
	free(d->version);
	free(d->prices_from);
	memset(d, 0, sizeof(*d));
}
