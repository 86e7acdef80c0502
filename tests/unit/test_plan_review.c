/*
 * tests/unit/test_plan_review.c: one resource reviewed as the plan says (lib/plan/review.c).
 *
 * Hand-computed cases: a disk filling at a constant rate, and the
 * framework's worked example of a launch from reports/plan.example.yml.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "plan/config.h"
#include "plan/review.h"
#include "suites.h"
#include "util/timeutil.h"

#define HOUR INT64_C(3600000)
#define DAY (24 * HOUR)
#define AS_OF INT64_C(1798761600000)   /* 2027-01-01T00:00:00Z */
#define NSAMPLES (30 * 24)
#define H 180

/* Samples of the last 30 days (hourly, the last at as_of) and a daily forecast, both lines. */
struct series {
	int64_t ts[NSAMPLES], fc_ts[H];
	double v[NSAMPLES], yhat[H], lo80[H], hi80[H], lo95[H], hi95[H];
	struct capplan_forecast fc;
};

static void
make_line(struct series *s, double current, double per_day, double band)
{
	for (int i = 0; i < NSAMPLES; i++) {
		int64_t back = (int64_t)(NSAMPLES - 1 - i) * HOUR;

		s->ts[i] = AS_OF - back;
		s->v[i] = current - per_day * (double)back / (double)DAY;
	}
	for (int k = 0; k < H; k++) {
		s->fc_ts[k] = AS_OF + (int64_t)(k + 1) * DAY;
		s->yhat[k] = current + per_day * (k + 1);
		s->lo80[k] = s->yhat[k] - band / 2;
		s->hi80[k] = s->yhat[k] + band / 2;
		s->lo95[k] = s->yhat[k] - band;
		s->hi95[k] = s->yhat[k] + band;
	}
	s->fc = (struct capplan_forecast){ H, s->yhat, s->lo80, s->hi80, s->lo95, s->hi95 };
}

static struct capplan_plan *
load(const char *text)
{
	struct capplan_error err;
	struct capplan_plan *plan = capplan_plan_load_string("plan.yml", text, strlen(text), &err);

	if (!plan)
		fprintf(stderr, "%s\n", err.msg);
	return plan;
}

static const char disk_plan[] =
	"version: 1\n"
	"horizon: 180d\n"
	"resources:\n"
	"  - name: data-disk\n"
	"    service: validator\n"
	"    kind: disk\n"
	"    unit: bytes\n"
	"    capacity: 1000\n"
	"    nodes: 4\n"
	"    node_capacity: 250\n"
	"    lead_time: 30d\n"
	"    unit_cost: 100\n"
	"scenarios:\n"
	"  - name: organic\n"
	"    type: growth\n"
	"    monthly: 10%\n"
	"  - name: viral\n"
	"    type: spike\n"
	"    start: 2027-02-01\n"
	"    factor: 100\n"
	"    duration: 24h\n";

/*
 * 1000 of capacity, 700 used, growing 5 a day; the forecast's 95% band is
 * +-50.  Every number below by hand.
 */
static void
test_disk(void)
{
	static struct series s;
	struct capplan_plan *plan = load(disk_plan);
	struct capplan_review_input in;
	struct capplan_review v;
	struct capplan_error err;
	const struct capplan_assessment *a = &v.a;

	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	make_line(&s, 700, 5, 50);
	in = (struct capplan_review_input){ plan, &plan->resources[0], s.ts, s.v, NSAMPLES, s.fc_ts, &s.fc,
	                                    1000, AS_OF };
	CU_ASSERT_EQUAL_FATAL(capplan_review(&in, &v, &err), 0);

	/* utilisation 700/1000 = 70%: warning; headroom (1000 - 700)/1000 */
	CU_ASSERT_DOUBLE_EQUAL(a->utilisation, 0.70, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a->headroom, 0.30, 1e-12);
	CU_ASSERT_EQUAL(a->level_util, CAPPLAN_LEVEL_WARNING);
	/* full: 700 + 5k = 1000 at k = 60 days: warning (60 is warning, under 60 critical) */
	CU_ASSERT_DOUBLE_EQUAL(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].cross.days, 60, 1e-9);
	CU_ASSERT_EQUAL(a->level_tte, CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(a->level, CAPPLAN_LEVEL_WARNING);
	/* pessimistic 750 + 5k = 1000: 50 days; optimistic 650 + 5k: 70 */
	CU_ASSERT_DOUBLE_EQUAL(a->eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_FULL].cross.days, 50, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(a->eta[CAPPLAN_PATH_LOWER95][CAPPLAN_MARK_FULL].cross.days, 70, 1e-9);
	/* critical 850: point 30 days, order by = 30 - 30 days lead = as_of: passed */
	CU_ASSERT_DOUBLE_EQUAL(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_CRITICAL].cross.days, 30, 1e-9);
	CU_ASSERT_EQUAL(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_CRITICAL].order_by_ms, AS_OF);
	CU_ASSERT_TRUE(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_CRITICAL].passed);
	/* full by the point forecast: ordered by day 60 - 30 = 30, not passed */
	CU_ASSERT_EQUAL(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].order_by_ms, AS_OF + 30 * DAY);
	CU_ASSERT_FALSE(a->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].passed);
	/* growth 5 a day, 5 x 30.4375 = 152.1875 a month, g = 152.1875 / 700 = 0.21741 */
	CU_ASSERT_DOUBLE_EQUAL(a->growth_per_day, 5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(a->growth_per_month, 152.1875, 1e-7);
	CU_ASSERT_DOUBLE_EQUAL(a->days_full_by_trend, 60, 1e-7);
	/* months to exhaustion ln(1000/700) / ln(1.2174107) = 1.8130522 */
	CU_ASSERT_DOUBLE_EQUAL(v.months_to_exhaustion, 1.8130522271516867, 1e-7);

	/* N+2: peak 700 + 5 x 180 = 1600; ceil(1600 / (250 x 0.75)) + 2 = 9 + 2 = 11; 7 to add */
	CU_ASSERT_DOUBLE_EQUAL(v.forecast_peak, 1600, 1e-9);
	CU_ASSERT_TRUE_FATAL(v.provisioned);
	CU_ASSERT_EQUAL(v.provision.nodes_needed, 11);
	CU_ASSERT_EQUAL(v.provision.nodes_to_add, 7);
	/* 4 nodes serve (4 - 2) x 250 x 0.75 = 375 < 700: exceeded already, order now (passed) */
	CU_ASSERT_TRUE(v.provision.passed);
	/* no right-sizing at 68% p95; cost: 4 x 100 x 3 = 1200 a quarter */
	CU_ASSERT_FALSE(v.rightsize.recommended);
	CU_ASSERT_DOUBLE_EQUAL(v.cost.current_quarterly, 1200, 1e-9);
	/*
	 * the quarter under way (Jan-Mar 2027: peak on Mar 31, day 89: 700 + 445 =
	 * 1145 -> ceil(1145 / 187.5) + 2 = 7 + 2 = 9 nodes, 2700) and the next
	 * (Apr-Jun: day 180 is Jun 30: 1600 -> 11 nodes, 3300)
	 */
	CU_ASSERT_DOUBLE_EQUAL(v.quarter_peak[0], 1145, 1e-9);
	CU_ASSERT_EQUAL(v.cost.nodes[0], 9);
	CU_ASSERT_DOUBLE_EQUAL(v.cost.quarterly[0], 2700, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(v.quarter_peak[1], 1600, 1e-9);
	CU_ASSERT_EQUAL(v.cost.nodes[1], 11);

	/* scenarios: a disk names no driver */
	CU_ASSERT_EQUAL_FATAL(v.nscenarios, 2);
	/* organic 10%: 700 x 1.1^(180 / 30.4375) = 1229.9412; full after 3.7422544 months = 113.905 days */
	CU_ASSERT_DOUBLE_EQUAL(v.scenarios[0].factor, 1.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(v.scenarios[0].need.demand, 1229.9412029807156, 1e-6);
	CU_ASSERT_TRUE(v.scenarios[0].exhausts.found);
	CU_ASSERT_DOUBLE_EQUAL(v.scenarios[0].exhausts.days, 113.90486964166378, 1e-6);
	/* a viral spike of traffic leaves the disk alone */
	CU_ASSERT_DOUBLE_EQUAL(v.scenarios[1].factor, 1.0, 0);
	capplan_review_release(&v);

	/* no sample in the last 30 days: an error for the caller to store as unknown */
	in.n = 0;
	CU_ASSERT_EQUAL(capplan_review(&in, &v, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	capplan_plan_free(plan);
}

/*
 * The framework's worked example from the example plan: 3 validators at 100
 * TPS each, 10 providers with 10 deployments each, 2 API servers at 1000 RPS
 * each, all flat; the mainnet launch (10x transactions, 5x users from
 * 2027-01-15) needs 30 validators, 50 providers and 10 API servers at full
 * load.
 */
static void
test_worked_example(void)
{
	static struct series s;
	static const struct {
		const char *resource;
		double load;
		long full_load;
	} cases[] = {
		{ "validator-throughput", 300, 30 },
		{ "provider-deployments", 100, 50 },
		{ "api-requests", 2000, 10 },
	};
	char path[4096];
	struct capplan_error err;
	struct capplan_plan *plan;

	snprintf(path, sizeof(path), "%s/../../reports/plan.example.yml", capplan_test_fixtures);
	plan = capplan_plan_load(path, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct capplan_resource *res = capplan_plan_find_resource(plan, cases[i].resource);
		struct capplan_review_input in;
		struct capplan_review v;
		const struct capplan_scenario_outcome *launch = NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(res);
		make_line(&s, cases[i].load, 0, 10);
		in = (struct capplan_review_input){ plan, res, s.ts, s.v, NSAMPLES, s.fc_ts, &s.fc,
		                                    res->capacity, AS_OF };
		CU_ASSERT_EQUAL_FATAL(capplan_review(&in, &v, &err), 0);
		for (size_t k = 0; k < v.nscenarios; k++)
			if (strcmp(v.scenarios[k].scenario->name, "mainnet launch") == 0)
				launch = &v.scenarios[k];
		CU_ASSERT_PTR_NOT_NULL_FATAL(launch);
		CU_ASSERT_DOUBLE_EQUAL(launch->need.demand, cases[i].load * (i == 0 ? 10 : 5), 1e-9);
		CU_ASSERT_EQUAL(launch->need.nodes_full_load, cases[i].full_load);
		/* at full load now, the launch exhausts it the day it starts */
		CU_ASSERT_TRUE(launch->exhausts.found);
		CU_ASSERT_TRUE(launch->exhausts.at_ms <= AS_OF + 15 * DAY);
		capplan_review_release(&v);
	}
	capplan_plan_free(plan);
}

int
register_plan_review_suite(void)
{
	CU_pSuite s = CU_add_suite("plan_review", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "a disk filling at 5 a day, by hand", test_disk) ||
	    !CU_add_test(s, "the framework's worked example: a launch", test_worked_example))
		return -1;
	return 0;
}
