/*
 * lib/plan/check.c: the weekly checklist, answered from the database.
 */
#include "plan/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each question is one query (over the newest assessed run, $1, but for the
 * forecasts, which are scored per series whatever the run) whose rows
 * are the findings, already worded: the resource, its series (labels as
 * JSON, one line whatever they hold) and what is wrong.
 */
static const char *const questions[CAPPLAN_CHECK_QUESTIONS] = {
	[CAPPLAN_CHECK_LEVELS] =
		"SELECT format('  %s %s %s: %s%% of capacity, full in %s', a.level, a.resource, s.labels,"
		"  to_char(100 * a.utilisation, 'FM990.0'),"
		"  coalesce(to_char(a.days_to_full, 'FM999990') || ' days', 'more than the horizon'))"
		" FROM capplan.assessments a JOIN capplan.series s ON s.id = a.series_id"
		" WHERE a.run_id = $1 AND a.level IN ('critical', 'emergency')"
		" ORDER BY a.level = 'emergency' DESC, a.days_to_full NULLS LAST, a.resource, s.labels",
	[CAPPLAN_CHECK_FORECASTS] =
		"WITH newest AS (SELECT DISTINCT ON (c.series_id) c.* FROM capplan.accuracy c"
		"  JOIN capplan.model_runs e ON e.id = c.evaluated_in AND e.status = 'succeeded'"
		"  WHERE c.points >= $1 ORDER BY c.series_id, c.run_id DESC, c.evaluated_in DESC)"
		" SELECT format('  %s %s: %s%% of %s actuals outside the 95%% interval (run %s, bias %s)',"
		"  s.metric, s.labels, to_char(100 * (1 - n.coverage95), 'FM990'), n.points, n.run_id,"
		"  to_char(n.bias, 'FMS999999999990.00'))"
		" FROM newest n JOIN capplan.series s ON s.id = n.series_id"
		" WHERE n.coverage95 < $2 ORDER BY n.coverage95, s.metric, s.labels",
	[CAPPLAN_CHECK_GROWTH] =
		"WITH prev AS (SELECT max(run_id) AS id FROM capplan.assessments WHERE run_id < $1)"
		" SELECT format('  %s %s: growing %s a day, %s times the %s of run %s', a.resource, s.labels,"
		"  to_char(a.growth_per_day, 'FM999999999999990.00'),"
		"  to_char(a.growth_per_day / p.growth_per_day, 'FM99990.0'),"
		"  to_char(p.growth_per_day, 'FM999999999999990.00'), p.run_id)"
		" FROM capplan.assessments a JOIN capplan.series s ON s.id = a.series_id"
		" JOIN capplan.assessments p ON p.run_id = (SELECT id FROM prev)"
		"  AND p.resource = a.resource AND p.series_id = a.series_id"
		" WHERE a.run_id = $1 AND a.growth_per_day > 0 AND p.growth_per_day > 0"
		"  AND a.growth_per_day > $2 * p.growth_per_day"
		" ORDER BY a.growth_per_day / p.growth_per_day DESC, a.resource, s.labels",
	[CAPPLAN_CHECK_ORDERS] =
		"SELECT format('  %s %s: order by %s (%s)%s', a.resource, s.labels, to_char(o.at, 'YYYY-MM-DD'),"
		"  o.what, CASE WHEN o.at <= a.as_of THEN ', already passed' ELSE '' END)"
		" FROM capplan.assessments a JOIN capplan.series s ON s.id = a.series_id"
		" CROSS JOIN LATERAL (SELECT at, what FROM (VALUES (a.order_by_warning, 'warning'),"
		"  (a.order_by_critical, 'critical'), (a.order_by_full, 'full'),"
		"  (a.nodes_order_by, 'nodes for N+2')) v (at, what)"
		"  WHERE at IS NOT NULL ORDER BY at LIMIT 1) o"
		" WHERE a.run_id = $1 AND o.at <= a.as_of + make_interval(days => $2)"
		" ORDER BY o.at, a.resource, s.labels",
};

static const char *const headings[CAPPLAN_CHECK_QUESTIONS] = {
	[CAPPLAN_CHECK_LEVELS] = "critical or emergency",
	[CAPPLAN_CHECK_FORECASTS] = "forecasts off their intervals",
	[CAPPLAN_CHECK_GROWTH] = "surprise growth",
	[CAPPLAN_CHECK_ORDERS] = "order-by dates within 30 days",
};

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* The newest succeeded run with assessments. */
static int
newest_run(struct capplan_db *db, struct capplan_check *c, struct capplan_error *err)
{
	PGresult *res = capplan_db_query(db, "find the newest assessed run",
	                                 "SELECT r.id, to_char(r.as_of AT TIME ZONE 'UTC',"
	                                 " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM capplan.model_runs r"
	                                 " WHERE r.status = 'succeeded' AND EXISTS (SELECT 1 FROM"
	                                 " capplan.assessments a WHERE a.run_id = r.id)"
	                                 " ORDER BY r.id DESC LIMIT 1", 0, NULL, PGRES_TUPLES_OK, err);

	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "database: no model run with assessments");
		return capplan_error_hint(err, "run capplan-model --config plan.yml first");
	}
	c->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(c->as_of, sizeof(c->as_of), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

static int
ask(struct capplan_db *db, struct capplan_check *c, enum capplan_check_question q,
    const char *const *params, int nparams, struct capplan_strbuf *lines, struct capplan_error *err)
{
	PGresult *res = capplan_db_query(db, headings[q], questions[q], nparams, params, PGRES_TUPLES_OK,
	                                 err);

	if (!res)
		return -1;
	c->found[q] = (size_t)PQntuples(res);
	for (int i = 0; i < PQntuples(res); i++)
		if (capplan_strbuf_appendf(lines, "%s\n", PQgetvalue(res, i, 0)) < 0) {
			PQclear(res);
			return oom(err);
		}
	PQclear(res);
	return 0;
}

int
capplan_check_run(struct capplan_db *db, double growth_factor, struct capplan_check *c,
                  struct capplan_error *err)
{
	struct capplan_strbuf lines[CAPPLAN_CHECK_QUESTIONS];
	char id[24], points[24], coverage[32], factor[32], days[24];
	int rc = -1;

	memset(c, 0, sizeof(*c));
	for (int q = 0; q < CAPPLAN_CHECK_QUESTIONS; q++)
		capplan_strbuf_init(&lines[q]);
	if (newest_run(db, c, err) < 0)
		goto done;
	snprintf(id, sizeof(id), "%" PRId64, c->run_id);
	snprintf(points, sizeof(points), "%d", CAPPLAN_CHECK_MIN_POINTS);
	snprintf(coverage, sizeof(coverage), "%.17g", CAPPLAN_CHECK_MIN_COVERAGE);
	snprintf(factor, sizeof(factor), "%.17g", growth_factor > 0 ? growth_factor : CAPPLAN_CHECK_GROWTH_FACTOR);
	snprintf(days, sizeof(days), "%d", CAPPLAN_CHECK_ORDER_DAYS);
	if (ask(db, c, CAPPLAN_CHECK_LEVELS, (const char *const[]){ id }, 1, &lines[0], err) < 0 ||
	    ask(db, c, CAPPLAN_CHECK_FORECASTS, (const char *const[]){ points, coverage }, 2,
	        &lines[1], err) < 0 ||
	    ask(db, c, CAPPLAN_CHECK_GROWTH, (const char *const[]){ id, factor }, 2, &lines[2], err) < 0 ||
	    ask(db, c, CAPPLAN_CHECK_ORDERS, (const char *const[]){ id, days }, 2, &lines[3], err) < 0)
		goto done;

	if (capplan_check_total(c) == 0) {
		if (capplan_strbuf_appendf(&c->report, "capplan weekly check, run %" PRId64 " as of %s: all calm:"
		                           " nothing critical or emergency, no forecast off its intervals,"
		                           " no surprise growth, no order-by date within 30 days\n",
		                           c->run_id, c->as_of) < 0)
			goto nomem;
	} else {
		if (capplan_strbuf_appendf(&c->report, "capplan weekly check, run %" PRId64 " as of %s: %zu"
		                           " thing%s need%s attention\n", c->run_id, c->as_of,
		                           capplan_check_total(c), capplan_check_total(c) == 1 ? "" : "s",
		                           capplan_check_total(c) == 1 ? "s" : "") < 0)
			goto nomem;
		for (int q = 0; q < CAPPLAN_CHECK_QUESTIONS; q++)
			if (capplan_strbuf_appendf(&c->report, "%s: %zu\n", headings[q], c->found[q]) < 0 ||
			    capplan_strbuf_append(&c->report, lines[q].data ? lines[q].data : "", lines[q].len) < 0)
				goto nomem;
	}
	rc = 0;
	goto done;
nomem:
	oom(err);
done:
	for (int q = 0; q < CAPPLAN_CHECK_QUESTIONS; q++)
		capplan_strbuf_release(&lines[q]);
	return rc;
}

void
capplan_check_release(struct capplan_check *c)
{
	capplan_strbuf_release(&c->report);
}

size_t
capplan_check_total(const struct capplan_check *c)
{
	size_t total = 0;

	for (int q = 0; q < CAPPLAN_CHECK_QUESTIONS; q++)
		total += c->found[q];
	return total;
}
