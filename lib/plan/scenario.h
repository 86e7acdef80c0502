/*
 * lib/plan/scenario.h: what-if demand, and the nodes it takes.
 *
 * A scenario changes the demand of the resources that scale with its
 * drivers; a resource that scales with none keeps factor 1.  Three kinds:
 *   multiplier  demand * factor from a date on (a launch: 10x transactions)
 *   spike       demand * factor for a while; what counts is the spike's peak
 *   growth      compound month over month: demand0 * (1 + g)^months,
 *               months = days / CAPPLAN_DAYS_PER_MONTH (30.4375)
 * and for the demand that results, the sizing of lib/plan/sizing.h: nodes at
 * full load, nodes with the headroom target and N+2, nodes to add.
 *
 * Which factor applies to which resource (its drivers in plan.yml) is the
 * caller's: these functions take the factor.  Numbers in, numbers out.
 */
#ifndef CAPPLAN_PLAN_SCENARIO_H
#define CAPPLAN_PLAN_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/assess.h"
#include "plan/sizing.h"

/* demand * factor; NaN unless factor >= 0. */
double capplan_scenario_multiply(double demand, double factor);

/*
 * The peak demand of a spike of factor over [start, start + duration] on the
 * demand path from (as_of, current) through (ts[i], y[i]) (lib/plan/assess.h):
 * factor times the largest path value in the window, counting the values
 * interpolated at its two ends and the points inside.  For a spike short
 * against the forecast's step this is the demand at the start times factor.
 * The window is clipped to the path (no extrapolation past its last point);
 * NaN when nothing of it is left, or factor < 0.
 */
double capplan_scenario_spike_peak(const int64_t *ts, const double *y, size_t n,
                                   int64_t as_of_ms, double current, int64_t start_ms,
                                   int64_t duration_ms, double factor);

/*
 * demand0 * (1 + g)^(days / 30.4375): compound growth of g per month
 * (0.10 for 10%) after days.  NaN when g <= -1.
 */
double capplan_compound_demand(double demand0, double g, double days);

/*
 * When compound growth of g per month from demand0 at from_ms first reaches
 * capacity: ln(capacity / demand0) / ln(1 + g) months later
 * (capplan_months_until_exhaustion), as a date.  Already there: from_ms,
 * 0 days.  Never (g <= 0, demand0 <= 0, a NaN, or past the year 9999):
 * found false.  out->days count from from_ms.  Returns out->found.
 */
bool capplan_compound_exhaustion(double demand0, double g, double capacity, int64_t from_ms,
                                 struct capplan_crossing *out);

/* What a demand takes. */
struct capplan_scenario_need {
	double demand;
	double capacity_needed;   /* demand / (1 - headroom): the headroom target kept */
	long nodes_full_load;     /* ceil(demand / node_capacity) */
	long nodes_needed;        /* ceil(demand / (node_capacity (1 - headroom))) + redundancy */
	long nodes_to_add;        /* max(0, nodes_needed - s->nodes) */
};

/*
 * Size demand with s (lib/plan/sizing.h; quotients guarded against ulps).
 * For a resource not made of nodes (node_capacity 0 or NaN) the counts are
 * -1 and only capacity_needed is filled; NaN for headroom outside [0, 1).
 */
void capplan_scenario_size(double demand, const struct capplan_sizing *s,
                           struct capplan_scenario_need *out);

#endif
