/*
 * tests/unit/test_select.c: method choice by rolling-origin backtest.
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "model/baselines.h"
#include "model/select.h"
#include "suites.h"

/* A method that always fails, as a method does on data it cannot fit. */
static int
failing_fit(const struct capplan_fit_input *in, size_t h, struct capplan_forecast *out,
            struct capplan_fit_info *info, struct capplan_error *err)
{
	(void)in, (void)h, (void)out, (void)info;
	return capplan_error_set(err, CAPPLAN_EX_DATAERR, "cannot fit this");
}

static const struct capplan_method_desc methods[] = {
	{ "naive", capplan_naive_forecast, 0, 1 },
	{ "seasonal-naive", capplan_snaive_forecast, 1, 1 },
	{ "failing", failing_fit, 0, 0 },
};

static void
test_seasonal_series_chooses_snaive(void)
{
	/* a pure cycle of period 6 with a little steady growth: the seasonal naive is near exact */
	double y[120];
	struct capplan_fit_input in = { y, 120, 0, 3600000, 6, 1, NULL, 0, 0 };
	struct capplan_method_result r[3];
	struct capplan_backtest_options o = { 3, 0 };
	struct capplan_error err;
	int chosen;

	for (int i = 0; i < 120; i++)
		y[i] = 10 * sin(2 * M_PI * i / 6.0) + 0.001 * i;
	CU_ASSERT_EQUAL_FATAL(capplan_select(&in, 12, methods, 3, &o, r, &chosen, &err), 0);
	CU_ASSERT_EQUAL(chosen, 1);
	CU_ASSERT(r[0].ok && r[1].ok);
	CU_ASSERT_EQUAL(r[0].origins_scored, 3);
	CU_ASSERT_EQUAL(r[1].origins_scored, 3);
	/*
	 * MASE is scaled by the in-sample seasonal-naive error (the growth of one
	 * cycle, 0.006): the seasonal naive's own errors, one and two cycles of
	 * growth, score 1.5; the naive misses the cycle's swing of 20 by far.
	 */
	CU_ASSERT_DOUBLE_EQUAL(r[1].mase, 1.5, 1e-6);
	CU_ASSERT(r[0].mase > 100.0);
	/* the failing method: recorded, not fatal */
	CU_ASSERT_FALSE(r[2].ok);
	CU_ASSERT_STRING_EQUAL(r[2].error, "cannot fit this");
	CU_ASSERT(isnan(r[2].mase));
	/* the forecasts of the whole history: 12 points continuing the cycle */
	CU_ASSERT_EQUAL(r[1].forecast.h, 12);
	CU_ASSERT_DOUBLE_EQUAL(r[1].forecast.yhat[0], y[114], 0);
	capplan_select_release(r, 3);
}

static void
test_random_walk_chooses_naive(void)
{
	/* a deterministic walk with no cycle: carrying the last value forward wins */
	double y[200], v = 100;
	struct capplan_fit_input in = { y, 200, 0, 3600000, 7, 1, NULL, 0, 0 };
	struct capplan_method_result r[2];
	struct capplan_error err;
	unsigned x = 12345;
	int chosen;

	for (int i = 0; i < 200; i++) {
		x = x * 1103515245u + 12345u;
		v += ((double)((x >> 16) & 0x7fff) / 32767.0 - 0.5) * 2 + 0.5;
		y[i] = v;
	}
	CU_ASSERT_EQUAL_FATAL(capplan_select(&in, 10, methods, 2, NULL, r, &chosen, &err), 0);
	CU_ASSERT_EQUAL(chosen, 0);
	CU_ASSERT(r[0].mase < r[1].mase);
	capplan_select_release(r, 2);
}

static void
test_no_period(void)
{
	double y[50];
	struct capplan_fit_input in = { y, 50, 0, 3600000, 0, 1, NULL, 0, 0 };
	struct capplan_method_result r[2];
	struct capplan_error err;
	int chosen;

	for (int i = 0; i < 50; i++)
		y[i] = i % 3;
	CU_ASSERT_EQUAL_FATAL(capplan_select(&in, 5, methods, 2, NULL, r, &chosen, &err), 0);
	CU_ASSERT_EQUAL(chosen, 0);
	CU_ASSERT_FALSE(r[1].ok);
	CU_ASSERT_STRING_EQUAL(r[1].error, "no seasonal period");
	capplan_select_release(r, 2);
}

static void
test_backtest_horizon(void)
{
	CU_ASSERT_EQUAL(capplan_backtest_horizon(8760, 4320, 3), 1460);
	CU_ASSERT_EQUAL(capplan_backtest_horizon(8760, 168, 3), 168);
	CU_ASSERT_EQUAL(capplan_backtest_horizon(4, 10, 3), 1);
}

int
register_select_suite(void)
{
	CU_pSuite s = CU_add_suite("select", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "a seasonal series chooses the seasonal naive", test_seasonal_series_chooses_snaive) ||
	    !CU_add_test(s, "a random walk chooses the naive", test_random_walk_chooses_naive) ||
	    !CU_add_test(s, "a method needing a period, without one", test_no_period) ||
	    !CU_add_test(s, "backtest horizon", test_backtest_horizon))
		return -1;
	return 0;
}
