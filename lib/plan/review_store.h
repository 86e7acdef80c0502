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
