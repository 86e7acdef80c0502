/*
 * tests/unit/test_baselines.c: naive and seasonal-naive forecasts, MASE and
 * interval coverage, against hand-computed numbers.
 */
#include <math.h>

#include <CUnit/CUnit.h>

#include "model/baselines.h"
#include "model/score.h"
#include "suites.h"

static struct capplan_fit_input
input(const double *y, size_t n, size_t period)
{
	struct capplan_fit_input in = { y, n, 0, 3600000, period, 1, NULL, 0, 0 };

	return in;
}

static void
test_naive(void)
{
	/* differences 2, -1, 3, 0: sigma = sqrt((4 + 1 + 9 + 0) / 4) = sqrt(3.5) */
	const double y[] = { 1, 3, 2, 5, 5 };
	struct capplan_fit_input in = input(y, 5, 0);
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	double s = sqrt(3.5);

	CU_ASSERT_EQUAL_FATAL(capplan_naive_forecast(&in, 4, &f, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, s, 1e-15);
	for (size_t i = 0; i < 4; i++) {
		double sd = s * sqrt((double)(i + 1));

		CU_ASSERT_DOUBLE_EQUAL(f.yhat[i], 5.0, 0);
		CU_ASSERT_DOUBLE_EQUAL(f.hi80[i], 5.0 + 1.2815515655446004 * sd, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(f.lo95[i], 5.0 - 1.959963984540054 * sd, 1e-12);
	}
	capplan_forecast_release(&f);
}

static void
test_naive_trailing_nan(void)
{
	/* the last value is missing: carry 4 forward, one step further out */
	const double y[] = { 2, 4, NAN };
	struct capplan_fit_input in = input(y, 3, 0);
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	const double all_nan[] = { NAN, NAN };

	CU_ASSERT_EQUAL_FATAL(capplan_naive_forecast(&in, 1, &f, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(f.yhat[0], 4.0, 0);
	/* sigma from the one difference 2; two steps ahead of the last value */
	CU_ASSERT_DOUBLE_EQUAL(f.hi95[0], 4.0 + 1.959963984540054 * 2.0 * sqrt(2.0), 1e-12);
	capplan_forecast_release(&f);

	in = input(all_nan, 2, 0);
	CU_ASSERT_EQUAL(capplan_naive_forecast(&in, 1, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
}

static void
test_snaive(void)
{
	/* period 3; lag-3 differences 1, 1, 1, 1, -2, 1: sigma = sqrt(9 / 6) */
	const double y[] = { 1, 2, 3, 2, 3, 4, 3, 1, 5 };
	struct capplan_fit_input in = input(y, 9, 3);
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	const double want[] = { 3, 1, 5, 3, 1, 5, 3 };
	double s = sqrt(1.5);

	CU_ASSERT_EQUAL_FATAL(capplan_snaive_forecast(&in, 7, &f, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, s, 1e-15);
	for (size_t i = 0; i < 7; i++) {
		double sd = s * sqrt((double)(i / 3 + 1));

		CU_ASSERT_DOUBLE_EQUAL(f.yhat[i], want[i], 0);
		CU_ASSERT_DOUBLE_EQUAL(f.lo80[i], want[i] - 1.2815515655446004 * sd, 1e-12);
	}
	capplan_forecast_release(&f);

	/* no period, or less than one: failures */
	in = input(y, 9, 0);
	CU_ASSERT_EQUAL(capplan_snaive_forecast(&in, 1, &f, &info, &err), -1);
	in = input(y, 2, 3);
	CU_ASSERT_EQUAL(capplan_snaive_forecast(&in, 1, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
}

static void
test_snaive_missing_phase(void)
{
	/* the last cycle's first phase is missing: take it from the cycle before */
	const double y[] = { 10, 20, 11, 21, NAN, 22 };
	struct capplan_fit_input in = input(y, 6, 2);
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_snaive_forecast(&in, 2, &f, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(f.yhat[0], 11.0, 0);
	CU_ASSERT_DOUBLE_EQUAL(f.yhat[1], 22.0, 0);
	capplan_forecast_release(&f);
}

static void
test_mase_and_coverage(void)
{
	/* lag-1 |differences| 2, 1, 3, 0: scale 1.5; lag-2: |1|, |2|, |3|: scale 2 */
	const double train[] = { 1, 3, 2, 5, 5 };
	const double actual[] = { 6, NAN, 8, 4 };
	const double forecast[] = { 5, 5, 5, 5 };
	const double lo[] = { 4, 0, 7, 4.5 };
	const double hi[] = { 6, 0, 9, 9 };
	const double flat[] = { 2, 2, 2 };

	CU_ASSERT_DOUBLE_EQUAL(capplan_mase_scale(train, 5, 1), 1.5, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(capplan_mase_scale(train, 5, 2), 2.0, 1e-15);
	CU_ASSERT(isnan(capplan_mase_scale(flat, 3, 1)));
	/* errors 1, 3, 1 (the NaN left out): mean 5/3, over 1.5 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_mase(actual, forecast, 4, 1.5), (5.0 / 3.0) / 1.5, 1e-15);
	CU_ASSERT(isnan(capplan_mase(actual, forecast, 4, 0)));
	/* 6 in [4,6], 8 in [7,9], 4 not in [4.5,9]: 2 of 3 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_coverage(actual, lo, hi, 4), 2.0 / 3.0, 1e-15);
	CU_ASSERT(isnan(capplan_coverage(actual + 1, lo, hi, 1)));
}

int
register_baselines_suite(void)
{
	CU_pSuite s = CU_add_suite("baselines", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "naive", test_naive) ||
	    !CU_add_test(s, "naive with a missing last value", test_naive_trailing_nan) ||
	    !CU_add_test(s, "seasonal naive", test_snaive) ||
	    !CU_add_test(s, "seasonal naive, missing phase", test_snaive_missing_phase) ||
	    !CU_add_test(s, "MASE and coverage", test_mase_and_coverage))
		return -1;
	return 0;
}
