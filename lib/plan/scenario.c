/*
 * lib/plan/scenario.c: what-if demand, and the nodes it takes.
 */
#include "plan/scenario.h"

#include <math.h>

double
capplan_scenario_multiply(double demand, double factor)
{
	if (!(factor >= 0))
		return NAN;
	return demand * factor;
}

/* The larger of two values, a NaN counting as nothing. */
static double
max_finite(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return a > b ? a : b;
}

double
capplan_scenario_spike_peak(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                            double current, int64_t start_ms, int64_t duration_ms, double factor)
{
	int64_t end_ms = start_ms + (duration_ms > 0 ? duration_ms : 0);
	double peak;

	if (!(factor >= 0))
		return NAN;
	/*
	 * The ends, interpolated (current before as_of, NaN past the path's
	 * end), then the points between.
	 */
	peak = max_finite(capplan_path_value_at(ts, y, n, as_of_ms, current, start_ms),
	                  capplan_path_value_at(ts, y, n, as_of_ms, current, end_ms));
	for (size_t i = 0; i < n; i++)
		if (ts[i] > as_of_ms && ts[i] > start_ms && ts[i] < end_ms)
			peak = max_finite(peak, y[i]);
	return peak * factor;
}

double
capplan_compound_demand(double demand0, double g, double days)
{
	if (!(g > -1))
		return NAN;
	/* exp(log1p(g) m) = (1 + g)^m, without losing a small g to 1 + g */
	return demand0 * exp(log1p(g) * (days / CAPPLAN_DAYS_PER_MONTH));
}

bool
capplan_compound_exhaustion(double demand0, double g, double capacity, int64_t from_ms,
                            struct capplan_crossing *out)
{
	double months = capplan_months_until_exhaustion(capacity, demand0, g);
	double offset = months * CAPPLAN_DAYS_PER_MONTH * (double)CAPPLAN_MS_PER_DAY;

	out->found = false;
	out->at_ms = 0;
	out->days = INFINITY;
	if (!isfinite(offset) || offset > (double)(CAPPLAN_TIME_MAX_MS - from_ms))
		return false;
	out->found = true;
	out->at_ms = from_ms + (int64_t)llround(offset);
	out->days = (double)(out->at_ms - from_ms) / (double)CAPPLAN_MS_PER_DAY;
	return true;
}

void
capplan_scenario_size(double demand, const struct capplan_sizing *s,
                      struct capplan_scenario_need *out)
{
	bool headroom_ok = s->headroom >= 0 && s->headroom < 1;

	out->demand = demand;
	out->capacity_needed = headroom_ok ? demand / (1 - s->headroom) : NAN;
	out->nodes_full_load = capplan_nodes_at_full_load(demand, s->node_capacity);
	out->nodes_needed = capplan_nodes_needed(demand, s->node_capacity, s->headroom,
	                                         s->redundancy);
	out->nodes_to_add = capplan_nodes_to_add(out->nodes_needed, s->nodes);
}
