/*
 * lib/plan/sizing.h: nodes for a demand (N+2 redundancy, headroom),
 * right-sizing, and what the nodes cost.
 *
 * Numbers in, numbers out.  Demand and node capacity are in the resource's
 * unit (TPS, GB, deployments); headroom is the share of capacity kept free
 * at the peak, (capacity - peak) / capacity, so serving a peak P with
 * headroom h takes capacity P / (1 - h).  Redundancy is the number of nodes
 * the service must be able to lose (2 for N+2) and still serve that.  Hence
 *
 *   nodes needed = ceil(P / (node_capacity * (1 - h))) + redundancy
 *
 * and what n nodes serve is (n - redundancy) * node_capacity * (1 - h).
 *
 * Counts are long; a function returns -1 instead of a count for inputs that
 * give none (NaN or negative demand, node_capacity <= 0, headroom outside
 * [0, 1), negative redundancy, or a count beyond 10^15).  lib/plan/config.c
 * validates the plan, so -1 means a caller passed unchecked numbers.
 *
 * Divisions that should land on a whole number often miss it by an ulp
 * (2.1 / 0.7 = 3.0000000000000004); a quotient within a relative 1e-12 of
 * an integer counts as that integer before rounding up, so 300 TPS on nodes
 * of 100 is 3 nodes, never 4.  1e-12 is a thousand times the few ulps the
 * formula can lose, and still a millionth of a node at a million nodes.
 */
#ifndef CAPPLAN_PLAN_SIZING_H
#define CAPPLAN_PLAN_SIZING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/assess.h"

#define CAPPLAN_REDUNDANCY_DEFAULT 2          /* N+2 */
#define CAPPLAN_RIGHTSIZE_FLOOR_DEFAULT 0.30  /* p95 utilisation below this: too big */
#define CAPPLAN_SIZING_REL_EPS 1e-12
#define CAPPLAN_SIZING_MAX_NODES 1000000000000000L

/* How a resource is built and priced. */
struct capplan_sizing {
	double node_capacity;     /* per node, > 0; 0 or NaN: not made of nodes (a volume) */
	long nodes;               /* nodes now */
	long redundancy;          /* nodes that may fail: 2 for N+2 */
	double headroom;          /* target share kept free at the peak, [0, 1): 0.25 */
	double unit_cost;         /* per node per month */
	double rightsize_floor;   /* CAPPLAN_RIGHTSIZE_FLOOR_DEFAULT */
};

/*
 * ceil(x), except that x within CAPPLAN_SIZING_REL_EPS (relative, at least
 * absolute for |x| < 1) of an integer is that integer.
 */
double capplan_ceil_guarded(double x);

/* ceil(demand / node_capacity): nodes that carry the demand at 100%, nothing spare. */
long capplan_nodes_at_full_load(double demand, double node_capacity);

/* ceil(demand / (node_capacity * (1 - headroom))) + redundancy. */
long capplan_nodes_needed(double demand, double node_capacity, double headroom, long redundancy);

/* max(0, needed - current); -1 when needed is -1. */
long capplan_nodes_to_add(long needed, long current);

/*
 * The demand n nodes serve with the headroom kept and redundancy nodes lost:
 * max(0, n - redundancy) * node_capacity * (1 - headroom).  NaN for inputs
 * that give none (as for the counts).
 */
double capplan_served_demand(long nodes, double node_capacity, double headroom, long redundancy);

/* When the nodes of today stop being enough, along a demand forecast. */
struct capplan_provision {
	double peak_demand;              /* the largest of current and the forecast points */
	long nodes_needed;               /* for peak_demand */
	long nodes_to_add;               /* max(0, needed - s->nodes) */
	double served;                   /* capplan_served_demand of s->nodes */
	struct capplan_crossing exceed;  /* first time demand > served */
	int64_t order_by_ms;             /* exceed.at_ms - lead; 0 when !exceed.found */
	bool passed;                     /* order_by_ms <= as_of */
};

/*
 * Size for the demand path from (as_of, current) through (ts[i], demand[i])
 * (as lib/plan/assess.h: points after as_of, NaN skipped, straight lines).
 * The date is when demand first exceeds (>) what the current nodes serve:
 * demand exactly equal to it still keeps the headroom, and needs no new node
 * (nodes_to_add is 0 then, consistently).  Forecast points at or before
 * as_of are left out of the peak too.  0, or -1 with err set
 * (CAPPLAN_EX_DATAERR) for inputs that give no count, or when there is no
 * demand at all (current NaN and no forecast point).
 */
int capplan_provision(const int64_t *ts, const double *demand, size_t n, int64_t as_of_ms,
                      double current, const struct capplan_sizing *s, int64_t lead_ms,
                      struct capplan_provision *out, struct capplan_error *err);

/* A right-sizing recommendation for an over-provisioned resource. */
struct capplan_rightsize {
	bool recommended;         /* false: keep what there is */
	double p95_utilisation;   /* p95 of the last 30 days / capacity */
	double capacity;          /* recommended capacity */
	long nodes;               /* recommended nodes; 0 when not made of nodes */
	double monthly_saving;    /* (s->nodes - nodes) * unit_cost; NaN when not made of nodes */
};

/*
 * Recommend a smaller size when p95 / capacity < s->rightsize_floor (p95
 * and peak over the last 30 days).  Made of nodes (node_capacity > 0): the
 * nodes the 30-day peak needs by the N+2 rule above,
 * capplan_nodes_needed(peak, ...), at least redundancy + 1, and the capacity
 * they give; recommended when that saves money (> 0).  Not made of nodes:
 * the capacity peak / (1 - headroom), recommended when smaller than now;
 * the saving is NaN (unit_cost is per node).  Nothing recommended when an
 * input is NaN, capacity <= 0, or the inputs give no count.
 */
void capplan_rightsize(double p95, double peak, double capacity, const struct capplan_sizing *s,
                       struct capplan_rightsize *out);

/* nodes * unit_cost per month; NaN for a negative count. */
double capplan_cost_monthly(long nodes, double unit_cost);
/* 3 months of it. */
double capplan_cost_quarterly(long nodes, double unit_cost);

/* The budget of the next two quarters. */
#define CAPPLAN_COST_QUARTERS 2
struct capplan_cost_outlook {
	double current_quarterly;                    /* s->nodes for a quarter */
	long nodes[CAPPLAN_COST_QUARTERS];           /* needed at each quarter's peak demand */
	double quarterly[CAPPLAN_COST_QUARTERS];     /* their cost for that quarter */
	double delta[CAPPLAN_COST_QUARTERS];         /* quarterly - current_quarterly */
};

/*
 * For the current nodes and for the nodes each of the next two quarters
 * needs (capplan_nodes_needed at that quarter's forecast peak demand,
 * peak_demand[q]), the cost of a quarter.  The need may be fewer nodes than
 * now: the budget then shows the saving a right-sizing would make.  A
 * quarter whose demand gives no count has nodes -1 and NaN costs.
 */
void capplan_cost_outlook(const struct capplan_sizing *s,
                          const double peak_demand[CAPPLAN_COST_QUARTERS],
                          struct capplan_cost_outlook *out);

#endif
