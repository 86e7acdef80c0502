/*
 * tests/unit/test_plan_sizing.c: N+2 sizing, provisioning dates,
 * right-sizing, cost, and scenarios (lib/plan/sizing.h, lib/plan/scenario.h),
 * against hand-computed numbers and the capacity planning framework's
 * worked example (mainnet launch: 10x transactions, 5x users).
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "plan/scenario.h"
#include "plan/sizing.h"
#include "suites.h"
#include "util/timeutil.h"

#define DAY CAPPLAN_MS_PER_DAY

static int64_t
t0(void)
{
	return capplan_time_from_civil(2024, 3, 1, 0, 0, 0, 0);
}

/* nodes of node_capacity, now, N+2, 25% headroom, per node per month */
static struct capplan_sizing
sizing(double node_capacity, long nodes, double unit_cost)
{
	struct capplan_sizing s = {
		node_capacity, nodes, CAPPLAN_REDUNDANCY_DEFAULT, 0.25, unit_cost,
		CAPPLAN_RIGHTSIZE_FLOOR_DEFAULT
	};

	return s;
}

static void
test_ceil_guarded(void)
{
	/* 2.1 / 0.7 = 3.0000000000000004 in doubles: ceil would say 4 */
	CU_ASSERT_DOUBLE_EQUAL(ceil(2.1 / 0.7), 4, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(2.1 / 0.7), 3, 0);
	/* 0.3 / 0.1 = 2.9999999999999996 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(0.3 / 0.1), 3, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(3), 3, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(3.01), 4, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(3.000001), 4, 0);   /* 3e-7 relative: real */
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(3 + 1e-11), 4, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(0), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(0.2), 1, 0);
	/* half a node of a million is a real node more */
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(1e6 + 0.5), 1e6 + 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_ceil_guarded(1e-13), 0, 0);
}

static void
test_nodes(void)
{
	/* 300 TPS on nodes of 100 TPS: 3, not 4 */
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(300, 100), 3);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(301, 100), 4);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(0, 100), 0);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(2.1, 0.7), 3);
	/* no count for nonsense */
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(300, 0), -1);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(300, NAN), -1);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(NAN, 100), -1);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(-1, 100), -1);
	CU_ASSERT_EQUAL(capplan_nodes_at_full_load(1e300, 1), -1);

	/* 300 / (100 * (1 - 0.25)) = 300 / 75 = 4, + 2 = 6 */
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 100, 0.25, 2), 6);
	/* 301 / 75 = 4.01: 5, + 2 = 7 */
	CU_ASSERT_EQUAL(capplan_nodes_needed(301, 100, 0.25, 2), 7);
	/* 2.1 / (1 * (1 - 0.3)) = 2.1 / 0.7 = 3.0000000000000004: 3, + 2 = 5 */
	CU_ASSERT_EQUAL(capplan_nodes_needed(2.1, 1, 0.3, 2), 5);
	/* no headroom, no redundancy: the full-load count */
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 100, 0, 0), 3);
	/* no demand still needs the spares */
	CU_ASSERT_EQUAL(capplan_nodes_needed(0, 100, 0.25, 2), 2);
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 100, 1, 2), -1);
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 100, -0.1, 2), -1);
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 100, 0.25, -1), -1);
	CU_ASSERT_EQUAL(capplan_nodes_needed(300, 0, 0.25, 2), -1);

	CU_ASSERT_EQUAL(capplan_nodes_to_add(6, 3), 3);
	CU_ASSERT_EQUAL(capplan_nodes_to_add(2, 5), 0);
	CU_ASSERT_EQUAL(capplan_nodes_to_add(5, 5), 0);
	CU_ASSERT_EQUAL(capplan_nodes_to_add(-1, 5), -1);

	/* 5 nodes, 2 lost, 75 usable each: 225 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_served_demand(5, 100, 0.25, 2), 225, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_served_demand(2, 100, 0.25, 2), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_served_demand(1, 100, 0.25, 2), 0, 0);
	CU_ASSERT(isnan(capplan_served_demand(5, 0, 0.25, 2)));
	/* what n nodes serve needs exactly n nodes: the two rules agree */
	CU_ASSERT_EQUAL(capplan_nodes_needed(capplan_served_demand(7, 100, 0.3, 2), 100, 0.3, 2), 7);
}

static void
test_provision(void)
{
	/* 5 nodes of 100, N+2, 25% headroom serve 225 */
	struct capplan_sizing s = sizing(100, 5, 500);
	int64_t as_of = t0();
	const int64_t ts[] = { as_of + DAY, as_of + 2 * DAY, as_of + 3 * DAY, as_of + 4 * DAY };
	const double demand[] = { 210, 220, 230, 240 };
	const double flat[] = { 225, 225, 225, 225 };
	struct capplan_provision p;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_provision(ts, demand, 4, as_of, 200, &s, 7 * DAY, &p, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(p.served, 225, 0);
	/* peak 240: 240 / 75 = 3.2: 4, + 2 = 6 nodes, 1 to add */
	CU_ASSERT_DOUBLE_EQUAL(p.peak_demand, 240, 0);
	CU_ASSERT_EQUAL(p.nodes_needed, 6);
	CU_ASSERT_EQUAL(p.nodes_to_add, 1);
	/* above 225 between (2d, 220) and (3d, 230): 2 + 5 / 10 = 2.5 days */
	CU_ASSERT_TRUE(p.exceed.found);
	CU_ASSERT_DOUBLE_EQUAL(p.exceed.days, 2.5, 0);
	/* a week's lead: order by day 2.5 - 7 = -4.5, passed */
	CU_ASSERT_EQUAL(p.order_by_ms, as_of + 2 * DAY + DAY / 2 - 7 * DAY);
	CU_ASSERT_TRUE(p.passed);

	/* exactly what the nodes serve, flat: nothing to add, never exceeded */
	CU_ASSERT_EQUAL_FATAL(capplan_provision(ts, flat, 4, as_of, 225, &s, 7 * DAY, &p, &err), 0);
	CU_ASSERT_EQUAL(p.nodes_needed, 5);
	CU_ASSERT_EQUAL(p.nodes_to_add, 0);
	CU_ASSERT_FALSE(p.exceed.found);
	CU_ASSERT_EQUAL(p.order_by_ms, 0);
	CU_ASSERT_FALSE(p.passed);

	/* a lead shorter than the time left: not passed (2.5 - 1 = day 1.5) */
	CU_ASSERT_EQUAL_FATAL(capplan_provision(ts, demand, 4, as_of, 200, &s, DAY, &p, &err), 0);
	CU_ASSERT_EQUAL(p.order_by_ms, as_of + DAY + DAY / 2);
	CU_ASSERT_FALSE(p.passed);

	/* no current value: the forecast alone */
	CU_ASSERT_EQUAL_FATAL(capplan_provision(ts, demand, 4, as_of, NAN, &s, DAY, &p, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(p.peak_demand, 240, 0);

	/* failures: no demand at all, no nodes to count */
	CU_ASSERT_EQUAL(capplan_provision(ts, demand, 0, as_of, NAN, &s, DAY, &p, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	s.node_capacity = 0;
	CU_ASSERT_EQUAL(capplan_provision(ts, demand, 4, as_of, 200, &s, DAY, &p, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
}

static void
test_rightsize(void)
{
	/* 10 nodes of 100 (capacity 1000) at 500 a node a month */
	struct capplan_sizing s = sizing(100, 10, 500);
	struct capplan_rightsize r;

	/*
	 * p95 200 of 1000 = 20% < 30%.  Peak 250: 250 / 75 = 3.33: 4, + 2 = 6
	 * nodes (capacity 600); saves (10 - 6) * 500 = 2000 a month.
	 */
	capplan_rightsize(200, 250, 1000, &s, &r);
	CU_ASSERT_TRUE(r.recommended);
	CU_ASSERT_DOUBLE_EQUAL(r.p95_utilisation, 0.2, 0);
	CU_ASSERT_EQUAL(r.nodes, 6);
	CU_ASSERT_DOUBLE_EQUAL(r.capacity, 600, 0);
	CU_ASSERT_DOUBLE_EQUAL(r.monthly_saving, 2000, 0);
	/* at the floor exactly (300 / 1000 = 0.3): not below it, keep */
	capplan_rightsize(300, 350, 1000, &s, &r);
	CU_ASSERT_FALSE(r.recommended);
	CU_ASSERT_DOUBLE_EQUAL(r.p95_utilisation, 0.3, 0);
	/* a tiny peak: 10 / 75: 1, + 2 = 3 = redundancy + 1 */
	capplan_rightsize(5, 10, 1000, &s, &r);
	CU_ASSERT_EQUAL(r.nodes, 3);
	CU_ASSERT_DOUBLE_EQUAL(r.monthly_saving, 3500, 0);   /* (10 - 3) * 500 */
	/* nothing at all: still never fewer than redundancy + 1 */
	capplan_rightsize(0, 0, 1000, &s, &r);
	CU_ASSERT_EQUAL(r.nodes, 3);
	/* nothing to save: 6 nodes and the peak needs 6 */
	s.nodes = 6;
	capplan_rightsize(150, 250, 600, &s, &r);
	CU_ASSERT_FALSE(r.recommended);
	CU_ASSERT_DOUBLE_EQUAL(r.monthly_saving, 0, 0);
	/* unknown, or no capacity */
	capplan_rightsize(NAN, 250, 600, &s, &r);
	CU_ASSERT_FALSE(r.recommended);
	capplan_rightsize(100, NAN, 600, &s, &r);
	CU_ASSERT_FALSE(r.recommended);
	capplan_rightsize(100, 250, 0, &s, &r);
	CU_ASSERT_FALSE(r.recommended);

	/* not made of nodes (a volume of 1000): peak 150 / 0.75 = 200, saving unknown */
	s = sizing(0, 1, 500);
	capplan_rightsize(100, 150, 1000, &s, &r);
	CU_ASSERT_TRUE(r.recommended);
	CU_ASSERT_DOUBLE_EQUAL(r.capacity, 200, 0);
	CU_ASSERT_EQUAL(r.nodes, 0);
	CU_ASSERT(isnan(r.monthly_saving));
	s.node_capacity = NAN;
	capplan_rightsize(100, 150, 1000, &s, &r);
	CU_ASSERT_TRUE(r.recommended);
}

static void
test_cost(void)
{
	struct capplan_sizing s = sizing(100, 10, 500);
	/* q1 peak 300: 300 / 75 = 4, + 2 = 6; q2 peak 600: 600 / 75 = 8, + 2 = 10 */
	const double peaks[CAPPLAN_COST_QUARTERS] = { 300, 600 };
	const double bad[CAPPLAN_COST_QUARTERS] = { NAN, 601 };
	struct capplan_cost_outlook o;

	CU_ASSERT_DOUBLE_EQUAL(capplan_cost_monthly(6, 500), 3000, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_cost_quarterly(6, 500), 9000, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_cost_monthly(0, 500), 0, 0);
	CU_ASSERT(isnan(capplan_cost_monthly(-1, 500)));

	capplan_cost_outlook(&s, peaks, &o);
	/* now: 10 * 500 * 3 = 15000 a quarter */
	CU_ASSERT_DOUBLE_EQUAL(o.current_quarterly, 15000, 0);
	CU_ASSERT_EQUAL(o.nodes[0], 6);
	CU_ASSERT_DOUBLE_EQUAL(o.quarterly[0], 9000, 0);
	CU_ASSERT_DOUBLE_EQUAL(o.delta[0], -6000, 0);
	CU_ASSERT_EQUAL(o.nodes[1], 10);
	CU_ASSERT_DOUBLE_EQUAL(o.quarterly[1], 15000, 0);
	CU_ASSERT_DOUBLE_EQUAL(o.delta[1], 0, 0);

	/* 601 / 75 = 8.01: 9, + 2 = 11 nodes, 16500 */
	capplan_cost_outlook(&s, bad, &o);
	CU_ASSERT_EQUAL(o.nodes[0], -1);
	CU_ASSERT(isnan(o.quarterly[0]) && isnan(o.delta[0]));
	CU_ASSERT_EQUAL(o.nodes[1], 11);
	CU_ASSERT_DOUBLE_EQUAL(o.quarterly[1], 16500, 0);
}

/*
 * The framework's worked example.  Now: 3 validators at 100 TPS each (300
 * TPS), 10 providers with 10 deployments each (100), 2 API servers at 1000
 * RPS each (2000).  Mainnet launch: 10x transactions, 5x users.  Validators
 * scale with transactions, providers and API servers with users.
 */
static void
test_scenario_mainnet_launch(void)
{
	static const struct {
		const char *name;
		double demand, node_capacity, factor;
		long nodes;
		long full_load_now, full_load;  /* ceil(demand / node capacity), before, after */
		double capacity_needed;         /* after / 0.75 */
		long needed, to_add;            /* ceil(after / (node capacity 0.75)) + 2; - nodes */
	} rows[] = {
		/* 3000 / 100 = 30; 3000 / 75 = 40, + 2 = 42, 39 more */
		{ "validators", 300, 100, 10, 3, 3, 30, 4000, 42, 39 },
		/* 500 / 10 = 50; 500 / 7.5 = 66.7: 67, + 2 = 69, 59 more */
		{ "providers", 100, 10, 5, 10, 10, 50, 500 / 0.75, 69, 59 },
		/* 10000 / 1000 = 10; 10000 / 750 = 13.3: 14, + 2 = 16, 14 more */
		{ "api servers", 2000, 1000, 5, 2, 2, 10, 10000 / 0.75, 16, 14 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct capplan_sizing s = sizing(rows[i].node_capacity, rows[i].nodes, 0);
		struct capplan_scenario_need now, after;

		capplan_scenario_size(rows[i].demand, &s, &now);
		capplan_scenario_size(capplan_scenario_multiply(rows[i].demand, rows[i].factor), &s,
		                      &after);
		CU_ASSERT_EQUAL(now.nodes_full_load, rows[i].full_load_now);
		CU_ASSERT_DOUBLE_EQUAL(after.demand, rows[i].demand * rows[i].factor, 0);
		CU_ASSERT_EQUAL(after.nodes_full_load, rows[i].full_load);
		CU_ASSERT_DOUBLE_EQUAL(after.capacity_needed, rows[i].capacity_needed, 1e-9);
		CU_ASSERT_EQUAL(after.nodes_needed, rows[i].needed);
		CU_ASSERT_EQUAL(after.nodes_to_add, rows[i].to_add);
	}
}

static void
test_scenario_size_edges(void)
{
	struct capplan_sizing s = sizing(0, 1, 0);
	struct capplan_scenario_need need;

	/* a volume: capacity only, 300 / 0.75 = 400 */
	capplan_scenario_size(300, &s, &need);
	CU_ASSERT_DOUBLE_EQUAL(need.capacity_needed, 400, 0);
	CU_ASSERT_EQUAL(need.nodes_full_load, -1);
	CU_ASSERT_EQUAL(need.nodes_needed, -1);
	CU_ASSERT_EQUAL(need.nodes_to_add, -1);
	s.headroom = 1;
	capplan_scenario_size(300, &s, &need);
	CU_ASSERT(isnan(need.capacity_needed));
	/* a factor of 1 (a resource that scales with none of the drivers) */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_multiply(300, 1), 300, 0);
	CU_ASSERT(isnan(capplan_scenario_multiply(300, -2)));
	CU_ASSERT(isnan(capplan_scenario_multiply(300, NAN)));
}

static void
test_scenario_spike(void)
{
	int64_t as_of = t0();
	/* 100 now, then 110 120 130 at days 1 2 3 */
	const int64_t ts[] = { as_of + DAY, as_of + 2 * DAY, as_of + 3 * DAY };
	const double y[] = { 110, 120, 130 };
	const double flat[] = { 300, 300, 300 };
	int64_t half = DAY / 2;

	/* 3x for a day from 1.5d: ends 115 and 125, the point at 2d 120: 125 * 3 = 375 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_spike_peak(ts, y, 3, as_of, 100, as_of + DAY + half,
	                                                   DAY, 3), 375, 1e-12);
	/* an hour from 1.5d: 115 + 10 / 24 = 115.41667, * 3 = 346.25 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_spike_peak(ts, y, 3, as_of, 100, as_of + DAY + half,
	                                                   3600000, 3), 346.25, 1e-9);
	/* on a flat forecast it is the demand at the start times the factor: 300 * 100 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_spike_peak(ts, flat, 3, as_of, 300, as_of + DAY,
	                                                   DAY, 100), 30000, 0);
	/* a spike that started a day ago and ends now: the current value, 100 * 2 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_spike_peak(ts, y, 3, as_of, 100, as_of - DAY, DAY,
	                                                   2), 200, 0);
	/* running past the forecast: clipped, 2.5d gives 125, the point at 3d 130: 130 * 3 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_scenario_spike_peak(ts, y, 3, as_of, 100,
	                                                   as_of + 2 * DAY + half, 10 * DAY, 3),
	                       390, 1e-12);
	/* starting after it: unknown */
	CU_ASSERT(isnan(capplan_scenario_spike_peak(ts, y, 3, as_of, 100, as_of + 4 * DAY, DAY, 3)));
	CU_ASSERT(isnan(capplan_scenario_spike_peak(ts, y, 3, as_of, 100, as_of + DAY, DAY, -1)));
}

static void
test_scenario_growth(void)
{
	int64_t as_of = t0();
	struct capplan_crossing c;

	/* 64 * 1.1 after one month (30.4375 days) = 70.4; two: 64 * 1.21 = 77.44 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_compound_demand(64, 0.10, 30.4375), 70.4, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_compound_demand(64, 0.10, 2 * 30.4375), 77.44, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_compound_demand(64, 0.10, 0), 64, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_compound_demand(64, 0, 1000), 64, 0);
	CU_ASSERT(isnan(capplan_compound_demand(64, -1, 10)));

	/*
	 * 64 to 128 at 10% a month: ln 2 / ln 1.1 = 7.2725409 months
	 * = 7.2725409 * 30.4375 = 221.35796 days.
	 */
	CU_ASSERT_TRUE(capplan_compound_exhaustion(64, 0.10, 128, as_of, &c));
	CU_ASSERT_DOUBLE_EQUAL(c.days, 221.35796, 1e-5);
	CU_ASSERT_EQUAL(c.at_ms, as_of + (int64_t)llround(c.days * 86400000.0));
	/* and the demand there is the capacity */
	CU_ASSERT_DOUBLE_EQUAL(capplan_compound_demand(64, 0.10, c.days), 128, 1e-6);
	/* already there; never */
	capplan_compound_exhaustion(128, 0.10, 128, as_of, &c);
	CU_ASSERT_TRUE(c.found);
	CU_ASSERT_EQUAL(c.at_ms, as_of);
	CU_ASSERT_FALSE(capplan_compound_exhaustion(64, 0, 128, as_of, &c));
	CU_ASSERT(isinf(c.days));
	CU_ASSERT_FALSE(capplan_compound_exhaustion(64, -0.1, 128, as_of, &c));
	CU_ASSERT_FALSE(capplan_compound_exhaustion(0, 0.1, 128, as_of, &c));
	/* past the year 9999: 1e-9 % a month from 1 to 1e300 */
	CU_ASSERT_FALSE(capplan_compound_exhaustion(1, 1e-11, 1e300, as_of, &c));
}

int
register_plan_sizing_suite(void)
{
	CU_pSuite s = CU_add_suite("plan_sizing", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "ceil guarded against ulps", test_ceil_guarded) ||
	    !CU_add_test(s, "nodes", test_nodes) ||
	    !CU_add_test(s, "provisioning date", test_provision) ||
	    !CU_add_test(s, "right-sizing", test_rightsize) ||
	    !CU_add_test(s, "cost", test_cost) ||
	    !CU_add_test(s, "scenario: mainnet launch", test_scenario_mainnet_launch) ||
	    !CU_add_test(s, "scenario sizing, edges", test_scenario_size_edges) ||
	    !CU_add_test(s, "scenario: spike", test_scenario_spike) ||
	    !CU_add_test(s, "scenario: compound growth", test_scenario_growth))
		return -1;
	return 0;
}
