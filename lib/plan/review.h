/*
 * lib/plan/review.h: everything the plan says about one resource.
 *
 * One usage series of one resource, its chosen forecast and its capacity go
 * in; out come the assessment (lib/plan/assess.h: levels, crossings,
 * order-by dates, growth), the framework's months until exhaustion, the N+2
 * sizing at the forecast peak, a right-sizing recommendation, the cost of
 * the quarter under way and the next, and the outcome of every scenario of the
 * plan.  Numbers in, numbers out: lib/plan/review_store.c reads the inputs
 * from PostgreSQL and writes the results.
 *
 * Which scenarios reach which resource (by the drivers the resource names):
 *   multiplier  factor = the product over the resource's drivers of the
 *               scenario's multiplier for that driver (1 when it names none)
 *               raised to the resource's elasticity for the driver
 *   spike       the scenario's factor, on resources that name one of its
 *               drivers; others factor 1
 *   growth      compound growth of monthly per month, on resources that name
 *               one of its drivers, and on those that name none (organic
 *               growth of everything); others factor 1
 * A resource that names no driver is left alone by multipliers and spikes: a
 * disk does not fill 100 times faster in a day of viral traffic.
 * The demand of a scenario is its peak over the horizon: the chosen forecast
 * scaled from the scenario's start (multiplier), the spike's peak
 * (spike), or the current value compounded to the horizon's end (growth).
 * Its exhaustion date is when that demand first reaches the capacity.
 */
#ifndef CAPPLAN_PLAN_REVIEW_H
#define CAPPLAN_PLAN_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/forecast.h"
#include "plan/assess.h"
#include "plan/config.h"
#include "plan/scenario.h"
#include "plan/sizing.h"
#include "util/error.h"

struct capplan_review_input {
	const struct capplan_plan *plan;
	const struct capplan_resource *resource;
	const int64_t *ts;                 /* usage samples, at least the last 30 days */
	const double *value;
	size_t n;
	const int64_t *fc_ts;              /* forecast times; NULL with fc */
	const struct capplan_forecast *fc; /* the chosen forecast; NULL: none */
	double capacity;                   /* > 0 */
	int64_t as_of_ms;
};

struct capplan_scenario_outcome {
	const struct capplan_scenario *scenario;
	double factor;                     /* on this resource's demand */
	struct capplan_scenario_need need; /* demand, capacity and nodes */
	struct capplan_crossing exhausts;  /* demand reaches capacity */
};

struct capplan_review {
	struct capplan_assessment a;
	double months_to_exhaustion;       /* lib/plan/assess.h, from the 30-day growth rate */
	struct capplan_sizing sizing;      /* node_capacity 0 when the resource is not made of nodes */
	double forecast_peak;              /* largest of current and the forecast points */
	bool provisioned;                  /* provision below holds a result */
	struct capplan_provision provision;
	struct capplan_rightsize rightsize;
	double quarter_peak[CAPPLAN_COST_QUARTERS];   /* forecast peak: the rest of the quarter
	                                                 under way at as_of, then the next */
	int64_t quarter_start_ms[CAPPLAN_COST_QUARTERS];
	struct capplan_cost_outlook cost;
	struct capplan_scenario_outcome *scenarios;   /* plan->nscenarios (malloc'd) */
	size_t nscenarios;
};

/*
 * Review one resource.  0, or -1 with err set: the assessment's errors
 * (CAPPLAN_EX_DATAERR: no sample in the last 30 days, a capacity that is not
 * positive), or out of memory.  out is released again on failure.
 */
int capplan_review(const struct capplan_review_input *in, struct capplan_review *out,
                   struct capplan_error *err);

void capplan_review_release(struct capplan_review *r);

/* The factor a scenario puts on a resource's demand (see above). */
double capplan_review_scenario_factor(const struct capplan_plan *plan,
                                      const struct capplan_resource *res,
                                      const struct capplan_scenario *sc);

#endif
