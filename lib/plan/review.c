/*
 * lib/plan/review.c: everything the plan says about one resource.
 */
#include "plan/review.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define MONTH_WINDOW_MS (30 * DAY_MS)

static void
thresholds_of(const struct capplan_resource *res, struct capplan_level_thresholds *t)
{
	t->warning = res->thresholds.warning;
	t->critical = res->thresholds.critical;
	t->emergency = res->thresholds.emergency;
	t->tte_warning_days = (double)res->exhaustion.warning_ms / (double)DAY_MS;
	t->tte_critical_days = (double)res->exhaustion.critical_ms / (double)DAY_MS;
	t->tte_emergency_days = (double)res->exhaustion.emergency_ms / (double)DAY_MS;
}

/*
 * The resource as nodes: the plan's node capacity, else the capacity shared
 * by the plan's node count when it names several (a capacity series with
 * nodes given); 0, not made of nodes, when neither tells: one volume or
 * one database without a node count gets no N+2 sizing, which would only
 * say that one node cannot survive losing two.
 */
static void
sizing_of(const struct capplan_plan *plan, const struct capplan_resource *res, double capacity,
          struct capplan_sizing *s)
{
	s->node_capacity = isfinite(res->node_capacity) && res->node_capacity > 0 ? res->node_capacity :
	                   res->nodes > 1 && isfinite(capacity) ? capacity / res->nodes : 0;
	s->nodes = res->nodes;
	s->redundancy = res->redundancy;
	s->headroom = res->headroom;
	s->unit_cost = res->unit_cost;
	s->rightsize_floor = plan->defaults.rightsize_floor;
}

static bool
names_driver(const struct capplan_resource *res, size_t driver, double *elasticity)
{
	for (size_t i = 0; i < res->ndrivers; i++)
		if (res->drivers[i] == driver) {
			*elasticity = res->elasticity ? res->elasticity[i] : 1.0;
			return true;
		}
	return false;
}

double
capplan_review_scenario_factor(const struct capplan_plan *plan, const struct capplan_resource *res,
                               const struct capplan_scenario *sc)
{
	double factor = 1.0, e;

	(void)plan;
	switch (sc->type) {
	case CAPPLAN_SCENARIO_MULTIPLIER:
		for (size_t i = 0; i < sc->nmultipliers; i++)
			if (names_driver(res, sc->multipliers[i].driver, &e))
				factor *= pow(sc->multipliers[i].factor, e);
		return factor;
	case CAPPLAN_SCENARIO_SPIKE:
	case CAPPLAN_SCENARIO_GROWTH:
		if (res->ndrivers == 0)
			return sc->type == CAPPLAN_SCENARIO_GROWTH ? 1.0 + sc->monthly : 1.0;
		for (size_t i = 0; i < sc->ndrivers; i++)
			if (names_driver(res, sc->drivers[i], &e))
				return sc->type == CAPPLAN_SCENARIO_SPIKE ? sc->factor : 1.0 + sc->monthly;
		return 1.0;
	}
	return 1.0;
}

/* The largest of current and the forecast points in (from, to]; NaN when none. */
static double
peak_between(const int64_t *ts, const double *y, size_t n, int64_t from_ms, int64_t to_ms)
{
	double peak = NAN;

	for (size_t i = 0; i < n; i++)
		if (ts[i] > from_ms && ts[i] <= to_ms && !isnan(y[i]) && (isnan(peak) || y[i] > peak))
			peak = y[i];
	return peak;
}

/* A multiplier from the scenario's start: the forecast scaled, and when it first reaches capacity. */
static int
scale_path(const struct capplan_review_input *in, const struct capplan_review *r,
           const struct capplan_scenario *sc, double factor, struct capplan_scenario_outcome *o,
           struct capplan_error *err)
{
	const struct capplan_forecast *fc = in->fc;
	int64_t start = sc->has_start ? sc->start_ms : in->as_of_ms;
	double current = r->a.current * (start <= in->as_of_ms ? factor : 1.0);
	double *y, peak = current;

	if (!fc || fc->h == 0) {
		capplan_scenario_size(current, &r->sizing, &o->need);
		capplan_first_crossing(NULL, NULL, 0, in->as_of_ms, current, in->capacity, &o->exhausts);
		return 0;
	}
	y = malloc(fc->h * sizeof(double));
	if (!y)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < fc->h; i++) {
		y[i] = fc->yhat[i] * (in->fc_ts[i] >= start ? factor : 1.0);
		if (!isnan(y[i]) && y[i] > peak)
			peak = y[i];
	}
	capplan_scenario_size(peak, &r->sizing, &o->need);
	capplan_first_crossing(in->fc_ts, y, fc->h, in->as_of_ms, current, in->capacity, &o->exhausts);
	free(y);
	return 0;
}

static int
review_scenario(const struct capplan_review_input *in, const struct capplan_review *r,
                const struct capplan_scenario *sc, struct capplan_scenario_outcome *o,
                struct capplan_error *err)
{
	const struct capplan_forecast *fc = in->fc;
	size_t h = fc ? fc->h : 0;
	double demand;

	memset(o, 0, sizeof(*o));
	o->scenario = sc;
	o->factor = capplan_review_scenario_factor(in->plan, in->resource, sc);
	switch (sc->type) {
	case CAPPLAN_SCENARIO_MULTIPLIER:
		return scale_path(in, r, sc, o->factor, o, err);
	case CAPPLAN_SCENARIO_SPIKE:
		demand = capplan_scenario_spike_peak(in->fc_ts, fc ? fc->yhat : NULL, h, in->as_of_ms,
		                                     r->a.current, sc->has_start ? sc->start_ms : in->as_of_ms,
		                                     sc->duration_ms, o->factor);
		capplan_scenario_size(demand, &r->sizing, &o->need);
		o->exhausts.found = !isnan(demand) && demand >= in->capacity;
		o->exhausts.at_ms = o->exhausts.found ?
		                    (sc->has_start && sc->start_ms > in->as_of_ms ? sc->start_ms : in->as_of_ms) : 0;
		o->exhausts.days = o->exhausts.found ?
		                   (double)(o->exhausts.at_ms - in->as_of_ms) / (double)DAY_MS : INFINITY;
		return 0;
	case CAPPLAN_SCENARIO_GROWTH: {
		int64_t horizon = in->plan->horizon_ms;

		demand = capplan_compound_demand(r->a.current, o->factor - 1.0,
		                                 (double)horizon / (double)DAY_MS);
		capplan_scenario_size(demand, &r->sizing, &o->need);
		capplan_compound_exhaustion(r->a.current, o->factor - 1.0, in->capacity, in->as_of_ms,
		                            &o->exhausts);
		return 0;
	}
	}
	return 0;
}

int
capplan_review(const struct capplan_review_input *in, struct capplan_review *out,
               struct capplan_error *err)
{
	const struct capplan_resource *res = in->resource;
	struct capplan_level_thresholds t;
	struct capplan_assess_input ai;
	size_t h = in->fc ? in->fc->h : 0;
	int64_t q0;

	memset(out, 0, sizeof(*out));
	thresholds_of(res, &t);
	ai = (struct capplan_assess_input){ in->ts, in->value, in->n, in->fc_ts, in->fc, in->capacity, &t,
	                                    res->lead_time_ms, in->as_of_ms };
	if (capplan_assess(&ai, &out->a, err) < 0)
		return -1;
	out->months_to_exhaustion = capplan_months_until_exhaustion(in->capacity, out->a.current,
	                                                            out->a.growth_rate);
	sizing_of(in->plan, res, in->capacity, &out->sizing);

	/* N+2 at the forecast peak, and when the nodes there are now stop serving it */
	out->forecast_peak = out->a.current;
	for (size_t i = 0; i < h; i++)
		if (!isnan(in->fc->yhat[i]) && in->fc->yhat[i] > out->forecast_peak)
			out->forecast_peak = in->fc->yhat[i];
	if (out->sizing.node_capacity > 0) {
		struct capplan_error perr;

		out->provisioned = capplan_provision(in->fc_ts, in->fc ? in->fc->yhat : NULL, h,
		                                     in->as_of_ms, out->a.current, &out->sizing,
		                                     res->lead_time_ms, &out->provision, &perr) == 0;
	}
	capplan_rightsize(out->a.p95_30, out->a.peak30, in->capacity, &out->sizing, &out->rightsize);

	/*
	 * The quarter under way at as_of (its rest: a review at a quarter's
	 * start plans that quarter) and the next one; their forecast peaks.
	 */
	q0 = capplan_time_quarter_start(in->as_of_ms);
	for (int q = 0; q < CAPPLAN_COST_QUARTERS; q++) {
		int64_t from = capplan_time_add_months(q0, 3 * q), to = capplan_time_add_months(from, 3);

		out->quarter_start_ms[q] = from;
		out->quarter_peak[q] = h ? peak_between(in->fc_ts, in->fc->yhat, h,
		                                        from > in->as_of_ms ? from - 1 : in->as_of_ms,
		                                        to - 1) : NAN;
	}
	capplan_cost_outlook(&out->sizing, out->quarter_peak, &out->cost);

	if (in->plan->nscenarios > 0) {
		out->scenarios = calloc(in->plan->nscenarios, sizeof(*out->scenarios));
		if (!out->scenarios) {
			capplan_review_release(out);
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		}
		out->nscenarios = in->plan->nscenarios;
		for (size_t i = 0; i < in->plan->nscenarios; i++)
			if (review_scenario(in, out, &in->plan->scenarios[i], &out->scenarios[i], err) < 0) {
				capplan_review_release(out);
				return -1;
			}
	}
	return 0;
}

void
capplan_review_release(struct capplan_review *r)
{
	free(r->scenarios);
	r->scenarios = NULL;
	r->nscenarios = 0;
}
