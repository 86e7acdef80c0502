/*
 * lib/plan/review_store.h: the capacity plan of a model run, in PostgreSQL.
 *
 * Inside the run's transaction, after its forecasts are written: for every
 * resource of the plan and every usage series of it that the run modelled
 * (the resource's metric, restricted to the plan's labels), read the samples
 * of the 30 days up to as_of, the chosen forecast of the run and the
 * capacity (the plan's number, or the capacity series with the same labels,
 * or the only one, at as_of), review it (lib/plan/review.h) and write
 * capplan.assessments and capplan.scenario_results (sql/004_assessments.sql).
 * A series without a sample in those 30 days, or without a capacity, is
 * stored with level 'unknown' and a note saying why: a review must show a
 * resource it cannot judge, not leave it out.  Then the days the packet
 * charts, per assessed series: capplan.history_days and capplan.forecast_days
 * (sql/006_review_days.sql).
 */
#ifndef CAPPLAN_PLAN_REVIEW_STORE_H
#define CAPPLAN_PLAN_REVIEW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "plan/config.h"
#include "util/error.h"

/*
 * The days a packet charts are whole days.  Of the per-day rows of the query
 * `days` (columns day and n, the day's count of samples or points, among
 * others), partitioned by `by`, a first or last day with fewer than nine
 * tenths of its partition's fullest day is left out: the day that as_of or
 * the window cuts, or that a series began in.  The mean of part of a daily
 * cycle is no day's mean, and would chart as a dip or a peak.  Selects `cols`
 * of the rows kept (alias e).  The run stores its days with it, and render
 * aggregates runs made before those tables with it too.
 */
#define CAPPLAN_WHOLE_DAYS_SQL(cols, days, by) \
	"SELECT " cols " FROM (SELECT d.*, min(d.day) OVER s AS first, max(d.day) OVER s AS last," \
	" max(d.n) OVER s AS whole FROM (" days ") d WINDOW s AS (PARTITION BY " by ")) e" \
	" WHERE (e.day <> e.first AND e.day <> e.last) OR e.n >= 0.9 * e.whole"

struct capplan_review_summary {
	size_t assessed;                   /* rows written */
	size_t unknown;                    /* of them with level 'unknown' */
	size_t level[4];                   /* by enum capplan_level, the known ones */
	size_t no_series;                  /* resources with no modelled series at all */
};

/*
 * Review every resource of plan for run run_id (as of as_of_ms) and store it.
 * 0, or -1 with err set (a database error, out of memory).
 */
int capplan_review_run(struct capplan_db *db, int64_t run_id, int64_t as_of_ms,
                       const struct capplan_plan *plan, struct capplan_review_summary *sum,
                       struct capplan_error *err);

#endif
