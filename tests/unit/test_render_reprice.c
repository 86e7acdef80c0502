/*
 * tests/unit/test_render_reprice.c: a run's costs at a later plan's prices
 * (lib/render/reprice.c), on the render fixture's node counts, worked by hand.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "render/reprice.h"
#include "render_fixture.h"
#include "suites.h"

/* A plan of just the names and prices: all that repricing reads. */
struct priced_plan {
	struct capplan_plan plan;
	struct capplan_resource res[5];
};

static void
priced_plan(struct priced_plan *p, const struct capplan_review_data *d, const double *unit_cost,
            size_t n)
{
	static char path[] = "prices.yml";

	memset(p, 0, sizeof(*p));
	p->plan.path = path;
	memcpy(p->plan.currency, "EUR", 4);
	p->plan.resources = p->res;
	p->plan.nresources = n;
	for (size_t i = 0; i < n; i++) {
		p->res[i].name = d->items[i].resource;
		p->res[i].unit_cost = unit_cost[i];
	}
}

static void
test_reprice(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct priced_plan p;
	const double cost[5] = { 50, 300, 280, 400, 99 };

	render_fixture_build(&d);
	priced_plan(&p, &d, cost, 5);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_review_data_reprice(&d, &p.plan, &err), 0);
	CU_ASSERT_STRING_EQUAL(d.currency, "EUR");
	CU_ASSERT_STRING_EQUAL(d.prices_from, "prices.yml");
	/* 3 nodes now, 5 and 6 needed, at 50 a node-month: 3 months of each */
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].unit_cost, 50, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].cost_quarter_current, 450, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].cost_quarter1, 750, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].cost_quarter2, 900, 0);
	/* 10 nodes at 300: 9,000 a quarter; 14 and 16 needed */
	CU_ASSERT_DOUBLE_EQUAL(d.items[1].cost_quarter_current, 9000, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[1].cost_quarter1, 12600, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[1].cost_quarter2, 14400, 0);
	/* right-sized from 10 to 6 nodes at 400: 1,600 a month saved */
	CU_ASSERT_DOUBLE_EQUAL(d.items[3].cost_quarter_current, 12000, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[3].rightsize_saving_monthly, 1600, 0);
	CU_ASSERT_EQUAL(d.items[3].rightsize_nodes, 6);
	/* no node capacity: the costs the run left out stay out */
	CU_ASSERT_DOUBLE_EQUAL(d.items[4].unit_cost, 99, 0);
	CU_ASSERT_TRUE(isnan(d.items[4].cost_quarter_current));
	CU_ASSERT_TRUE(isnan(d.items[4].cost_quarter1));
	CU_ASSERT_TRUE(isnan(d.items[2].rightsize_saving_monthly));
	/* sizes and levels are the run's */
	CU_ASSERT_EQUAL(d.items[0].nodes, 3);
	CU_ASSERT_EQUAL(d.items[0].nodes_quarter1, 5);
	capplan_review_data_release(&d);
}

/* A resource of the run missing from the plan: an error naming it, and nothing repriced. */
static void
test_missing_resource(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct priced_plan p;
	const double cost[5] = { 50, 300, 280, 400, 99 };
	static char other[] = "api-requests-v2";

	render_fixture_build(&d);
	priced_plan(&p, &d, cost, 5);
	p.res[2].name = other;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_review_data_reprice(&d, &p.plan, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "prices.yml: resources: no resource \"api-requests\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "run 7"));
	CU_ASSERT_STRING_EQUAL(d.currency, "USD");
	CU_ASSERT_PTR_NULL(d.prices_from);
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].unit_cost, 40, 0);
	CU_ASSERT_DOUBLE_EQUAL(d.items[0].cost_quarter_current, 360, 0);
	capplan_review_data_release(&d);
}

int
register_render_reprice_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "the plan's prices", test_reprice },
		{ "a resource the plan lacks", test_missing_resource },
	};
	CU_pSuite suite = CU_add_suite("render_reprice", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
