/*
 * lib/plan/sizing.c: nodes for a demand (N+2 redundancy, headroom),
 * right-sizing, and what the nodes cost.
 */
#include "plan/sizing.h"

#include <math.h>

double
capplan_ceil_guarded(double x)
{
	double r = nearbyint(x);

	if (fabs(x - r) <= CAPPLAN_SIZING_REL_EPS * fmax(1.0, fabs(x)))
		return r;
	return ceil(x);
}

/* A count from a quotient, or -1 when there is none. */
static long
count_of(double quotient)
{
	double c;

	if (isnan(quotient) || quotient < 0)
		return -1;
	c = capplan_ceil_guarded(quotient);
	if (!(c <= (double)CAPPLAN_SIZING_MAX_NODES))
		return -1;
	return c > 0 ? (long)c : 0;   /* -0.0 and tiny negatives rounded to 0 */
}

static bool
headroom_ok(double headroom)
{
	return headroom >= 0 && headroom < 1;
}

long
capplan_nodes_at_full_load(double demand, double node_capacity)
{
	if (!(node_capacity > 0) || isinf(node_capacity))
		return -1;
	return count_of(demand / node_capacity);
}

long
capplan_nodes_needed(double demand, double node_capacity, double headroom, long redundancy)
{
	long n;

	if (!(node_capacity > 0) || isinf(node_capacity) || !headroom_ok(headroom) ||
	    redundancy < 0 || redundancy > CAPPLAN_SIZING_MAX_NODES)
		return -1;
	n = count_of(demand / (node_capacity * (1 - headroom)));
	return n < 0 ? -1 : n + redundancy;
}

long
capplan_nodes_to_add(long needed, long current)
{
	if (needed < 0)
		return -1;
	return needed > current ? needed - current : 0;
}

double
capplan_served_demand(long nodes, double node_capacity, double headroom, long redundancy)
{
	if (!(node_capacity > 0) || isinf(node_capacity) || !headroom_ok(headroom) ||
	    nodes < 0 || redundancy < 0)
		return NAN;
	if (nodes <= redundancy)
		return 0;
	return (double)(nodes - redundancy) * node_capacity * (1 - headroom);
}

/* The largest of current and the usable forecast points; NaN when there is none. */
static double
path_peak(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms, double current)
{
	double peak = current;

	for (size_t i = 0; i < n; i++) {
		if (ts[i] <= as_of_ms || isnan(y[i]))
			continue;
		if (isnan(peak) || y[i] > peak)
			peak = y[i];
	}
	return peak;
}

int
capplan_provision(const int64_t *ts, const double *demand, size_t n, int64_t as_of_ms,
                  double current, const struct capplan_sizing *s, int64_t lead_ms,
                  struct capplan_provision *out, struct capplan_error *err)
{
	out->peak_demand = path_peak(ts, demand, n, as_of_ms, current);
	if (isnan(out->peak_demand))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "no demand to size for: no current value and no forecast");
	out->nodes_needed = capplan_nodes_needed(out->peak_demand, s->node_capacity, s->headroom,
	                                         s->redundancy);
	out->served = capplan_served_demand(s->nodes, s->node_capacity, s->headroom, s->redundancy);
	if (out->nodes_needed < 0 || isnan(out->served))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "cannot size %g for nodes of %g with %g headroom, %ld nodes "
		                         "and %ld redundant", out->peak_demand, s->node_capacity,
		                         s->headroom, s->nodes, s->redundancy);
	out->nodes_to_add = capplan_nodes_to_add(out->nodes_needed, s->nodes);

	capplan_first_exceeding(ts, demand, n, as_of_ms, current, out->served, &out->exceed);
	out->order_by_ms = 0;
	out->passed = false;
	if (out->exceed.found) {
		out->order_by_ms = capplan_order_by(out->exceed.at_ms, lead_ms);
		out->passed = out->order_by_ms <= as_of_ms;
	}
	return 0;
}

static void
rightsize_none(struct capplan_rightsize *out)
{
	out->recommended = false;
	out->capacity = NAN;
	out->nodes = 0;
	out->monthly_saving = NAN;
}

void
capplan_rightsize(double p95, double peak, double capacity, const struct capplan_sizing *s,
                  struct capplan_rightsize *out)
{
	rightsize_none(out);
	out->p95_utilisation = capplan_utilisation(p95, capacity);
	/* !(a < b) is also true for a NaN */
	if (isnan(peak) || !(out->p95_utilisation < s->rightsize_floor))
		return;

	if (s->node_capacity > 0) {
		/*
		 * The N+2 rule of capplan_nodes_needed, so that right-sizing never
		 * recommends fewer nodes than the provisioning plan then asks back.
		 */
		long nodes = capplan_nodes_needed(peak, s->node_capacity, s->headroom, s->redundancy);

		if (nodes < 0)
			return;
		if (nodes < s->redundancy + 1)
			nodes = s->redundancy + 1;
		out->nodes = nodes;
		out->capacity = (double)nodes * s->node_capacity;
		out->monthly_saving = (double)(s->nodes - nodes) * s->unit_cost;
		out->recommended = out->monthly_saving > 0;
		return;
	}
	if (!headroom_ok(s->headroom))
		return;
	out->capacity = peak / (1 - s->headroom);
	out->recommended = out->capacity < capacity;
}

double
capplan_cost_monthly(long nodes, double unit_cost)
{
	if (nodes < 0)
		return NAN;
	return (double)nodes * unit_cost;
}

double
capplan_cost_quarterly(long nodes, double unit_cost)
{
	return 3 * capplan_cost_monthly(nodes, unit_cost);
}

void
capplan_cost_outlook(const struct capplan_sizing *s,
                     const double peak_demand[CAPPLAN_COST_QUARTERS],
                     struct capplan_cost_outlook *out)
{
	out->current_quarterly = capplan_cost_quarterly(s->nodes, s->unit_cost);
	for (int q = 0; q < CAPPLAN_COST_QUARTERS; q++) {
		out->nodes[q] = capplan_nodes_needed(peak_demand[q], s->node_capacity, s->headroom,
		                                     s->redundancy);
		out->quarterly[q] = capplan_cost_quarterly(out->nodes[q], s->unit_cost);
		out->delta[q] = out->quarterly[q] - out->current_quarterly;
	}
}
