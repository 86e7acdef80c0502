/*
 * lib/plan/check.h: the weekly checklist, answered from the database.
 *
 * capplan-model --check reads the newest assessments and forecast
 * accuracies and answers, in a few lines, the four questions of the weekly
 * check:
 *   1. is any resource critical or emergency?
 *   2. is any forecast off its intervals?  (the newest scoring of a series'
 *      chosen forecast, on at least CAPPLAN_CHECK_MIN_POINTS actuals, has
 *      less than CAPPLAN_CHECK_MIN_COVERAGE of them inside its 95% interval)
 *   3. is any growth a surprise?  (growth per day up more than growth_factor
 *      times against the previous assessed run's, and positive)
 *   4. is any order-by date within the next 30 days (or already passed)?
 * Nothing found: all calm (exit 0); anything: attention (exit 1).
 */
#ifndef CAPPLAN_PLAN_CHECK_H
#define CAPPLAN_PLAN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/error.h"
#include "util/strbuf.h"

#define CAPPLAN_CHECK_MIN_POINTS 24
#define CAPPLAN_CHECK_MIN_COVERAGE 0.80
#define CAPPLAN_CHECK_ORDER_DAYS 30
#define CAPPLAN_CHECK_GROWTH_FACTOR 2.0

enum capplan_check_question {
	CAPPLAN_CHECK_LEVELS,
	CAPPLAN_CHECK_FORECASTS,
	CAPPLAN_CHECK_GROWTH,
	CAPPLAN_CHECK_ORDERS,
	CAPPLAN_CHECK_QUESTIONS
};

struct capplan_check {
	int64_t run_id;                    /* the newest assessed run; 0: none */
	char as_of[40];                    /* its as_of, RFC 3339 */
	size_t found[CAPPLAN_CHECK_QUESTIONS];
	struct capplan_strbuf report;      /* the lines to print, each ending in \n */
};

/*
 * Answer the checklist.  growth_factor <= 0: CAPPLAN_CHECK_GROWTH_FACTOR.
 * 0 (check->found says what needs attention), or -1 with err set: a
 * database error, or no assessed run at all (CAPPLAN_EX_NOINPUT: run
 * capplan-model --config first).  The caller releases check.
 */
int capplan_check_run(struct capplan_db *db, double growth_factor, struct capplan_check *check,
                      struct capplan_error *err);

void capplan_check_release(struct capplan_check *check);

/* Things found, over all questions. */
size_t capplan_check_total(const struct capplan_check *check);

#endif
