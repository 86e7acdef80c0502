/*
 * tests/unit/test_seasonal.c: classical decomposition and the seasonal method
 * (lib/model/seasonal.c).
 *
 * Reference numbers are in tests/fixtures/model/seasonal, written by
 * scripts/model-fixtures/seasonal.py with statsmodels' seasonal_decompose
 * (and, for series with NaN holes, which statsmodels refuses, a numpy
 * transcription of it checked against statsmodels on the filled series).
 * Real series are read from tests/fixtures/series.  Decompositions and
 * forecasts must agree to 1e-9 of the data's magnitude (max |y|).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "fixture.h"
#include "model/forecast.h"
#include "model/seasonal.h"
#include "suites.h"
#include "util/error.h"

#define TOL 1e-9
#define MINUTE INT64_C(60000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

/* The largest |y| over the defined points: the data's magnitude for tolerances. */
static double
magnitude(const double *y, size_t n)
{
	double m = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(y[i]) && fabs(y[i]) > m)
			m = fabs(y[i]);
	return m;
}

/*
 * How many of got[0..n) differ from want[0..n) by more than tol (NaN only
 * equal to NaN); a missing or short reference counts as n mismatches.
 */
static size_t
mismatches(const double *got, const double *want, size_t want_n, size_t n, double tol)
{
	size_t bad = 0;

	if (!want || want_n != n)
		return n ? n : 1;
	for (size_t i = 0; i < n; i++)
		if (!fixture_close(got[i], want[i], 0.0, tol))
			bad++;
	return bad;
}

/* Compare got[0..n) with the fixture's array called name. */
#define CHECK_ARRAY(fx, name, got, n, tol)                                         \
	do {                                                                       \
		size_t want_n_;                                                    \
		const double *want_ = fixture_get((fx), (name), &want_n_);         \
		CU_ASSERT_EQUAL(mismatches((got), want_, want_n_, (n), (tol)), 0); \
	} while (0)

/* Compare a number with the fixture's scalar called name, within rel (relative) + abs_tol. */
#define CHECK_SCALAR(fx, name, got, rel, abs_tol) \
	CU_ASSERT(fixture_close((got), fixture_scalar((fx), (name)), (rel), (abs_tol)))

/* The named parameter of info; NAN when it is not there. */
static double
param(const struct capplan_fit_info *info, const char *name)
{
	for (size_t i = 0; i < info->nparams; i++)
		if (strcmp(info->param_names[i], name) == 0)
			return info->params[i];
	return NAN;
}

/*
 * The series of a fixture: its "y" array, or else the first "n" points of
 * fixtures/series/CSV; NaN at the indices in "nan_at".  Caller frees.
 */
static double *
fixture_series(const struct fixture *fx, const char *csv, size_t *n)
{
	size_t ny, nholes, total;
	const double *y = fixture_get(fx, "y", &ny);
	const double *holes = fixture_get(fx, "nan_at", &nholes);
	double want_n = fixture_scalar(fx, "n");
	double *v;

	*n = 0;
	if (y) {
		v = malloc(ny * sizeof(*v));
		if (!v)
			return NULL;
		memcpy(v, y, ny * sizeof(*v));
		total = ny;
	} else {
		if (!csv || !(v = fixture_read_series(csv, &total)))
			return NULL;
		if (isnan(want_n) || (size_t)want_n > total) {
			free(v);
			return NULL;
		}
		total = (size_t)want_n;
	}
	for (size_t k = 0; k < nholes; k++)
		if ((size_t)holes[k] < total)
			v[(size_t)holes[k]] = NAN;
	*n = total;
	return v;
}

/*
 * The intervals' half-widths (t quantile times sd) to 1e-12 of themselves,
 * up to the rounding of yhat: a quantile off by 1e-9 (scipy's t.ppf alone
 * is, for some degrees of freedom) shows here though it hides in the
 * 1e-9-of-the-data tolerance of the bounds.
 */
static void
check_half_widths(const struct fixture *fx, const struct capplan_forecast *f, double scale)
{
	static const char *const names[] = { "lo80", "hi80", "lo95", "hi95" };
	const double *const got[] = { f->lo80, f->hi80, f->lo95, f->hi95 };
	size_t nyhat, nb, bad = 0;
	const double *yhat = fixture_get(fx, "yhat", &nyhat);

	for (size_t b = 0; b < 4; b++) {
		const double *want = fixture_get(fx, names[b], &nb);

		if (!yhat || !want || nb != f->h || nyhat != f->h) {
			bad++;
			continue;
		}
		for (size_t k = 0; k < f->h; k++)
			if (!fixture_close(got[b][k] - f->yhat[k], want[k] - yhat[k], 1e-12,
			                   8 * DBL_EPSILON * scale))
				bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * Decompose and forecast the series of fixture NAME (reading CSV when the
 * fixture has no "y") and compare everything with the fixture.
 */
static void
check_fixture(const char *name, const char *csv)
{
	char path[256];
	struct fixture *fx;
	struct capplan_error err;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_fit_input in;
	double *y, *block, *trend, *seasonal, *resid, *figure, scale, tol;
	size_t n, p, h, nref;
	const double *figure_ref;

	snprintf(path, sizeof(path), "model/seasonal/%s.txt", name);
	fx = fixture_load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_series(fx, csv, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_EQUAL(n, (size_t)fixture_scalar(fx, "n"));
	p = (size_t)fixture_scalar(fx, "period");
	h = (size_t)fixture_scalar(fx, "h");
	CU_ASSERT_FATAL(p >= 2 && h >= 1);
	scale = magnitude(y, n);
	CU_ASSERT_FATAL(scale > 0);
	tol = TOL * scale;

	block = malloc((3 * n + p) * sizeof(double));
	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	trend = block;
	seasonal = block + n;
	resid = block + 2 * n;
	figure = block + 3 * n;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, n, p, trend, seasonal, resid, figure, &err), 0);
	CHECK_ARRAY(fx, "trend", trend, n, tol);
	CHECK_ARRAY(fx, "resid", resid, n, tol);
	CHECK_ARRAY(fx, "figure", figure, p, tol);
	if (fixture_get(fx, "seasonal", &nref)) {
		CHECK_ARRAY(fx, "seasonal", seasonal, n, tol);
	} else {
		/* seasonal is the reference figure tiled from phase 0 */
		size_t bad = 0;

		figure_ref = fixture_get(fx, "figure", &nref);
		CU_ASSERT_EQUAL_FATAL(nref, p);
		for (size_t i = 0; i < n; i++)
			if (!fixture_close(seasonal[i], figure_ref[i % p], 0.0, tol))
				bad++;
		CU_ASSERT_EQUAL(bad, 0);
	}

	in = (struct capplan_fit_input){ .y = y, .n = n, .start_ms = T0, .step_ms = HOUR,
	                                 .period = p };
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, h, &f, &info, &err), 0);
	if (f.yhat) {
		CU_ASSERT_EQUAL(f.h, h);
		CHECK_ARRAY(fx, "yhat", f.yhat, h, tol);
		CHECK_ARRAY(fx, "lo80", f.lo80, h, tol);
		CHECK_ARRAY(fx, "hi80", f.hi80, h, tol);
		CHECK_ARRAY(fx, "lo95", f.lo95, h, tol);
		CHECK_ARRAY(fx, "hi95", f.hi95, h, tol);
		check_half_widths(fx, &f, scale);
		/* a slope per step times the history's length is on the data's scale */
		CHECK_SCALAR(fx, "trend_slope", param(&info, "trend_slope"), 0.0, tol / (double)n);
		CHECK_SCALAR(fx, "trend_intercept", param(&info, "trend_intercept"), 0.0, tol);
		CHECK_SCALAR(fx, "trend_sigma", param(&info, "trend_sigma"), 0.0, tol);
		CHECK_SCALAR(fx, "period", param(&info, "period"), 0.0, 0.0);
		CHECK_SCALAR(fx, "sigma", info.sigma, 0.0, tol);
		/* resid is known to tol, so sqrt(sse) to about tol * sqrt(n) */
		CU_ASSERT(fixture_close(sqrt(info.sse), sqrt(fixture_scalar(fx, "sse")), 0.0,
		                        tol * sqrt((double)n)));
		CHECK_SCALAR(fx, "nobs", (double)info.nobs, 0.0, 0.0);
		if (!isnan(fixture_scalar(fx, "trend_line_intercept"))) {
			/* the reference JSON's line, at index 0 */
			double slope = param(&info, "trend_slope");
			double at0 = param(&info, "trend_intercept") - slope * (double)(n - 1);

			CHECK_SCALAR(fx, "trend_line_slope", slope, 0.0, tol / (double)n);
			CHECK_SCALAR(fx, "trend_line_intercept", at0, 0.0, tol);
		}
	} else {
		CU_FAIL(err.msg);
	}
	capplan_forecast_release(&f);
	free(block);
	free(y);
	fixture_free(fx);
}

static void test_reference_retail_p12(void) { check_fixture("retail_sales_p12", NULL); }
static void test_reference_covid_p7(void) { check_fixture("pedestrians_covid_p7", NULL); }
static void test_nyc_taxi_p48(void) { check_fixture("nyc_taxi_p48", "nab_nyc_taxi"); }
static void test_nyc_taxi_p336(void) { check_fixture("nyc_taxi_p336", "nab_nyc_taxi"); }
static void test_ec2_p288(void) { check_fixture("ec2_cpu_24ae8d_p288", "nab_aws_ec2_cpu_utilization_24ae8d"); }
static void test_ec2_p2016(void) { check_fixture("ec2_cpu_24ae8d_p2016", "nab_aws_ec2_cpu_utilization_24ae8d"); }
static void test_synth_p5_n23(void) { check_fixture("synth_p5_n23", NULL); }
static void test_synth_p4_n8(void) { check_fixture("synth_p4_n8", NULL); }
static void test_synth_p2_n5(void) { check_fixture("synth_p2_n5", NULL); }
static void test_synth_p2_n7(void) { check_fixture("synth_p2_n7", NULL); }
static void test_synth_p13_n1000(void) { check_fixture("synth_p13_n1000", NULL); }
static void test_synth_offset_p24(void) { check_fixture("synth_offset_p24", NULL); }
static void test_holes_p7(void) { check_fixture("holes_p7", NULL); }
static void test_holes_p6(void) { check_fixture("holes_p6", NULL); }
static void test_nyc_taxi_holes_p48(void) { check_fixture("nyc_taxi_holes_p48", "nab_nyc_taxi"); }

/*
 * NaN by hand, period 3: y = i + (1, -2, 1)[i mod 3], y[4] missing and 3
 * added to y[7]:  1 -1 3 4 NaN 6 7 8 9.
 * trend (3-point means): NaN 1 2 NaN NaN NaN 7 8 NaN (every window with y[4] is NaN)
 * y - trend: phase 0 {y6 - 7 = 0}, phase 1 {y1 - 1 = -2, y7 - 8 = 0}, phase 2 {y2 - 2 = 1}
 * figure: 0, -1, 1 (mean 0); resid: y - trend - seasonal: -1 at 1, 0 at 2 and 6, 1 at 7.
 */
static void
test_nan_by_hand(void)
{
	const double y[] = { 1, -1, 3, 4, NAN, 6, 7, 8, 9 };
	const double trend_want[] = { NAN, 1, 2, NAN, NAN, NAN, 7, 8, NAN };
	const double figure_want[] = { 0, -1, 1 };
	const double resid_want[] = { NAN, -1, 0, NAN, NAN, NAN, 0, 1, NAN };
	double trend[9], seasonal[9], resid[9], figure[3];
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_seasonal_decompose(y, 9, 3, trend, seasonal, resid, figure,
	                                                 &err), 0);
	CU_ASSERT_EQUAL(mismatches(trend, trend_want, 9, 9, 1e-15), 0);
	CU_ASSERT_EQUAL(mismatches(figure, figure_want, 3, 3, 1e-15), 0);
	CU_ASSERT_EQUAL(mismatches(resid, resid_want, 9, 9, 1e-15), 0);
	for (size_t i = 0; i < 9; i++)
		CU_ASSERT_DOUBLE_EQUAL(seasonal[i], figure_want[i % 3], 1e-15);
}

/*
 * Period 2, a NaN at y[2] reaches the half-weighted ends of the windows at
 * 1 and 3 and the middle of 2: only trend[4] = (4/2 + 5 + 6/2) / 2 = 5 is
 * left, at phase 0, so phase 1 has nothing: a per-series failure.
 */
static void
test_nan_empty_phase(void)
{
	const double y[] = { 1, 2, NAN, 4, 5, 6 };
	double trend[6], seasonal[6], resid[6], figure[2];
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, 6, 2, trend, seasonal, resid, figure, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "phase 1 of period 2"));
	CU_ASSERT(isnan(trend[1]) && isnan(trend[2]) && isnan(trend[3]));
	CU_ASSERT_DOUBLE_EQUAL(trend[4], 5.0, 1e-15);
}

/*
 * The running sum of the moving average is taken afresh every cycle, so a
 * spike leaves no rounding behind: period 4, a cycle 0.1 0.2 0.3 0.4 (its
 * 2x4 average is 0.25) with 1e12 added at index 10.  The windows of 8..12
 * hold the spike; from 14 on (a fresh sum every 4 steps from 2) it is 0.25
 * to rounding of the small values, where a sum carried on would keep an
 * error of about ulp(1e12) / 4 = 3e-5.
 */
static void
test_spike_leaves_no_rounding(void)
{
	double y[200], trend[200], seasonal[200], resid[200], figure[4];
	struct capplan_error err;
	size_t bad = 0;

	for (size_t i = 0; i < 200; i++)
		y[i] = 0.1 * (double)(i % 4 + 1);
	y[10] += 1e12;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_seasonal_decompose(y, 200, 4, trend, seasonal, resid, figure,
	                                                 &err), 0);
	for (size_t i = 2; i < 198; i++) {
		if (i >= 8 && i <= 12)
			continue;
		/* before the spike, and from the next fresh sum on */
		if ((i < 8 || i >= 14) && fabs(trend[i] - 0.25) > 1e-15)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_DOUBLE_EQUAL(trend[10], 0.25 + 1e12 / 4, 1e-3);
}

/* y = 3 + 0.25 i + 2 sin(2 pi i / p) for i < n. */
static double
sine_line(size_t i, size_t p)
{
	return 3.0 + 0.25 * (double)i + 2.0 * sin(2.0 * M_PI * (double)i / (double)p);
}

/*
 * A pure cycle on a straight line: the moving average is the line, the
 * figure the cycle and resid zero, so the forecast is the truth (the phase
 * running on from the end) and the intervals have no width.
 */
static void
check_sine_line(size_t p, size_t n, size_t h)
{
	double y[200];
	struct capplan_fit_input in = { .y = y, .n = n, .start_ms = T0, .step_ms = HOUR, .period = p };
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	size_t bad = 0, wide = 0;

	CU_ASSERT_FATAL(n <= 200);
	for (size_t i = 0; i < n; i++)
		y[i] = sine_line(i, p);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_seasonal_forecast(&in, h, &f, &info, &err), 0);
	for (size_t k = 0; k < h; k++) {
		if (fabs(f.yhat[k] - sine_line(n + k, p)) > 1e-9)
			bad++;
		if (f.hi95[k] - f.lo95[k] > 1e-9 || f.hi80[k] - f.lo80[k] > 1e-9 ||
		    !(f.lo95[k] <= f.lo80[k] && f.lo80[k] <= f.yhat[k] &&
		      f.yhat[k] <= f.hi80[k] && f.hi80[k] <= f.hi95[k]))
			wide++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(wide, 0);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "period"), (double)p, 0.0);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_slope"), 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_intercept"), 3.0 + 0.25 * (double)(n - 1), 1e-10);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_sigma"), 0.0, 1e-10);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, 0.0, 1e-10);
	CU_ASSERT_DOUBLE_EQUAL(info.sse, 0.0, 1e-18);
	CU_ASSERT_EQUAL(info.nobs, n);
	capplan_forecast_release(&f);
}

static void test_sine_line_even(void) { check_sine_line(12, 60, 30); }
static void test_sine_line_odd(void) { check_sine_line(7, 60, 30); }
static void test_sine_line_two_cycles(void) { check_sine_line(24, 48, 24); }

/* A constant: trend the constant, figure zero, the forecast the constant with no width. */
static void
test_constant(void)
{
	double y[30];
	struct capplan_fit_input in = { .y = y, .n = 30, .start_ms = T0, .step_ms = DAY, .period = 6 };
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 30; i++)
		y[i] = 5.0;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_seasonal_forecast(&in, 10, &f, &info, &err), 0);
	for (size_t k = 0; k < 10; k++) {
		CU_ASSERT_DOUBLE_EQUAL(f.yhat[k], 5.0, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(f.lo95[k], 5.0, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(f.hi95[k], 5.0, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(f.lo80[k], 5.0, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(f.hi80[k], 5.0, 1e-12);
	}
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_slope"), 0.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_intercept"), 5.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, 0.0, 1e-15);
	capplan_forecast_release(&f);
}

/* Fewer than two cycles fails, exactly two works, for the decomposition and the method. */
static void
test_too_short(void)
{
	double y[14], trend[14], seasonal[14], resid[14], figure[7];
	struct capplan_fit_input in = { .y = y, .n = 13, .start_ms = T0, .step_ms = DAY, .period = 7 };
	struct capplan_forecast f = { 0 };
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 14; i++)
		y[i] = (double)(i % 7) + 0.1 * (double)i;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, 13, 7, trend, seasonal, resid, figure, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "13 points hold fewer than two cycles of period 7 "
	                                "(need at least 14)");
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "fewer than two cycles"));
	CU_ASSERT_PTR_NULL(f.yhat);

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, 14, 7, trend, seasonal, resid, figure, &err), 0);
	in.n = 14;
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), 0);
	capplan_forecast_release(&f);
}

/* No period, a period of 1, all NaN, an infinite value: per-series failures. */
static void
test_failures(void)
{
	double y[20], trend[20], seasonal[20], resid[20], figure[10];
	struct capplan_fit_input in = { .y = y, .n = 20, .start_ms = T0, .step_ms = DAY, .period = 0 };
	struct capplan_forecast f = { 0 };
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 20; i++)
		y[i] = NAN;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "no seasonal period");
	CU_ASSERT_NOT_EQUAL(err.hint[0], '\0');

	capplan_error_clear(&err);
	in.period = 4;
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "no finite value");
	CU_ASSERT_PTR_NULL(f.yhat);

	for (size_t i = 0; i < 20; i++)
		y[i] = (double)i;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, 20, 1, trend, seasonal, resid, figure, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "at least 2"));

	y[11] = INFINITY;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_decompose(y, 20, 4, trend, seasonal, resid, figure, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "point 11 is infinite");
}

/*
 * Holes that leave no moving average at all, or fewer than 3 values for the
 * trend line: period 4, n = 8 (trend defined at 2..5 only) with y[3]
 * missing, which every window holds; period 2, n = 5 with the last point
 * missing: trend at 1 and 2 only.
 */
static void
test_too_few_trend_values(void)
{
	double y[8] = { 1, 2, 3, NAN, 5, 6, 7, 8 };
	double y2[5] = { 1, 2, 3, 4, NAN };
	struct capplan_fit_input in = { .y = y, .n = 8, .start_ms = T0, .step_ms = DAY, .period = 4 };
	struct capplan_forecast f = { 0 };
	struct capplan_fit_info info;
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "phase 0 of period 4"));
	CU_ASSERT_PTR_NULL(f.yhat);

	in.y = y2;
	in.n = 5;
	in.period = 2;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_seasonal_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "2 moving-average values are too few to extrapolate the "
	                                "trend (need 3)");
	CU_ASSERT_PTR_NULL(f.yhat);
}

/* h = 0 is a forecast of nothing, not an error; the fit numbers are still there. */
static void
test_no_horizon(void)
{
	double y[24];
	struct capplan_fit_input in = { .y = y, .n = 24, .start_ms = T0, .step_ms = HOUR, .period = 6 };
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 24; i++)
		y[i] = sine_line(i, 6);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_seasonal_forecast(&in, 0, &f, &info, &err), 0);
	CU_ASSERT_EQUAL(f.h, 0);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "trend_slope"), 0.25, 1e-12);
	capplan_forecast_release(&f);
}

/* The calendar periods, by hand. */
static void
test_periods(void)
{
	static const struct {
		int64_t step_ms;
		size_t n, max;
		size_t count;
		size_t want[3];
	} cases[] = {
		{ HOUR, 400, 3, 2, { 24, 168 } },              /* 400 >= 2 * 168 */
		{ HOUR, 336, 3, 2, { 24, 168 } },              /* exactly two weeks */
		{ HOUR, 335, 3, 1, { 24 } },
		{ HOUR, 47, 3, 0, { 0 } },                     /* not even two days */
		{ HOUR, 17520, 3, 3, { 24, 168, 8760 } },      /* two years of hours */
		{ HOUR, 17520, 2, 2, { 24, 168 } },            /* room for two */
		{ HOUR, 17520, 0, 0, { 0 } },
		{ 30 * MINUTE, 10320, 3, 2, { 48, 336 } },     /* nab_nyc_taxi */
		{ 5 * MINUTE, 4032, 3, 2, { 288, 2016 } },     /* 14 days of 5 minutes */
		{ 5 * MINUTE, 4031, 3, 1, { 288 } },
		{ MINUTE, 2880, 3, 1, { 1440 } },
		{ 12 * HOUR, 100, 3, 2, { 2, 14 } },           /* a day is two steps */
		{ 7 * HOUR, 48, 3, 1, { 24 } },                /* divides a week, not a day */
		{ DAY, 730, 3, 2, { 7, 365 } },                /* a day is one step: no period */
		{ DAY, 729, 3, 1, { 7 } },
		{ 2 * DAY, 1000, 3, 0, { 0 } },                /* divides none */
		{ 7 * DAY, 1000, 3, 0, { 0 } },                /* a year is not whole weeks */
		{ 31 * DAY, 24, 3, 1, { 12 } },
		{ 28 * DAY, 24, 3, 1, { 12 } },
		{ 30 * DAY, 23, 3, 0, { 0 } },
		{ 27 * DAY, 100, 3, 0, { 0 } },
		{ 32 * DAY, 100, 3, 0, { 0 } },
		{ 90 * DAY, 8, 3, 1, { 4 } },
		{ 89 * DAY, 8, 3, 1, { 4 } },
		{ 92 * DAY, 7, 3, 0, { 0 } },
		{ 88 * DAY, 100, 3, 0, { 0 } },
		{ 93 * DAY, 100, 3, 0, { 0 } },
		{ 0, 1000, 3, 0, { 0 } },
		{ -HOUR, 1000, 3, 0, { 0 } },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t out[4] = { 0, 0, 0, 0 };
		size_t got = capplan_seasonal_periods(cases[c].step_ms, cases[c].n, out, cases[c].max);

		CU_ASSERT_EQUAL(got, cases[c].count);
		for (size_t k = 0; k < cases[c].count && k < got; k++)
			CU_ASSERT_EQUAL(out[k], cases[c].want[k]);
		/* nothing past what it says it wrote */
		for (size_t k = got; k < 4; k++)
			CU_ASSERT_EQUAL(out[k], 0);
	}
}

int
register_seasonal_suite(void)
{
	CU_pSuite s = CU_add_suite("seasonal", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "statsmodels reference, retail sales, period 12", test_reference_retail_p12) ||
	    !CU_add_test(s, "statsmodels reference, pedestrians, period 7", test_reference_covid_p7) ||
	    !CU_add_test(s, "nyc taxi, period 48", test_nyc_taxi_p48) ||
	    !CU_add_test(s, "nyc taxi, period 336", test_nyc_taxi_p336) ||
	    !CU_add_test(s, "ec2 cpu 5-minute, period 288", test_ec2_p288) ||
	    !CU_add_test(s, "ec2 cpu 5-minute, period 2016 (two cycles)", test_ec2_p2016) ||
	    !CU_add_test(s, "synthetic, period 5, 23 points", test_synth_p5_n23) ||
	    !CU_add_test(s, "synthetic, period 4, 8 points", test_synth_p4_n8) ||
	    !CU_add_test(s, "synthetic, period 2, 5 points", test_synth_p2_n5) ||
	    !CU_add_test(s, "synthetic, period 2, 7 points (3 dof)", test_synth_p2_n7) ||
	    !CU_add_test(s, "synthetic, period 13, 1000 points", test_synth_p13_n1000) ||
	    !CU_add_test(s, "synthetic, large offset, period 24", test_synth_offset_p24) ||
	    !CU_add_test(s, "NaN holes, period 7", test_holes_p7) ||
	    !CU_add_test(s, "NaN holes, period 6", test_holes_p6) ||
	    !CU_add_test(s, "NaN holes in nyc taxi, period 48", test_nyc_taxi_holes_p48) ||
	    !CU_add_test(s, "NaN by hand", test_nan_by_hand) ||
	    !CU_add_test(s, "a spike leaves no rounding", test_spike_leaves_no_rounding) ||
	    !CU_add_test(s, "NaN leaves a phase empty", test_nan_empty_phase) ||
	    !CU_add_test(s, "sine on a line, even period", test_sine_line_even) ||
	    !CU_add_test(s, "sine on a line, odd period", test_sine_line_odd) ||
	    !CU_add_test(s, "sine on a line, two cycles", test_sine_line_two_cycles) ||
	    !CU_add_test(s, "constant", test_constant) ||
	    !CU_add_test(s, "too short", test_too_short) ||
	    !CU_add_test(s, "no period, period 1, all NaN, infinite", test_failures) ||
	    !CU_add_test(s, "too few trend values", test_too_few_trend_values) ||
	    !CU_add_test(s, "no horizon", test_no_horizon) ||
	    !CU_add_test(s, "calendar periods", test_periods))
		return -1;
	return 0;
}
