/*
 * tests/unit/test_linear.c: the "linear" method (lib/model/linear.c).
 *
 * Reference numbers are in tests/fixtures/model/linear, written by
 * scripts/model-fixtures/linear_exponential.py: coefficients from
 * scikit-learn's LinearRegression, intervals from scipy.stats.t (checked
 * there against statsmodels), on the two series of shared/data/reference,
 * real series (tests/fixtures/series) and synthetic ones.  The issue asks
 * for the coefficients to 1e-9 relative; forecasts and interval bounds are
 * held to the same, relative to the larger of the value and the series'
 * largest |y| (a bound near 0 has no relative precision of its own).
 * The small cases below are checked by hand.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "fixture.h"
#include "model/forecast.h"
#include "model/linear.h"
#include "suites.h"
#include "util/error.h"

#define REL 1e-9
#define PI 3.14159265358979323846

/*
 * The long synthetic series, made here exactly as lcg_series() in the
 * generator: y[i] = c0 + c1*i + amp*(u - 0.5), u the top 53 bits of a 64-bit
 * LCG, NaN where i % hole_mod == hole_rem.  p: seed n c0 c1 amp hole_mod hole_rem.
 */
static double *
lcg_series(const double *p, size_t *n)
{
	uint64_t s = (uint64_t)p[0], mod = (uint64_t)p[5], rem = (uint64_t)p[6];
	double c0 = p[2], c1 = p[3], amp = p[4];
	double *y;

	*n = (size_t)p[1];
	y = malloc(*n * sizeof(*y));
	if (!y)
		return NULL;
	for (size_t i = 0; i < *n; i++) {
		double u;

		s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		u = (double)(s >> 11) * 0x1p-53;
		y[i] = c0 + c1 * (double)i + amp * (u - 0.5);
		if (mod && (uint64_t)i % mod == rem)
			y[i] = NAN;
	}
	return y;
}

/* The generated series must be the generator's: count, first, last, sum. */
static void
check_lcg(const char *name, const struct fixture *fx, const double *y, size_t n)
{
	double first = NAN, last = NAN, sum = 0.0, c = 0.0;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		double t;

		if (isnan(y[i]))
			continue;
		if (count++ == 0)
			first = y[i];
		last = y[i];
		t = sum + y[i];
		c += fabs(sum) >= fabs(y[i]) ? (sum - t) + y[i] : (y[i] - t) + sum;
		sum = t;
	}
	CU_ASSERT_EQUAL(count, (size_t)fixture_scalar(fx, "check_count"));
	FIXTURE_CHECK_CLOSE(name, "first generated value", first, fixture_scalar(fx, "check_first"), 0, 0);
	FIXTURE_CHECK_CLOSE(name, "last generated value", last, fixture_scalar(fx, "check_last"), 0, 0);
	FIXTURE_CHECK_CLOSE(name, "sum of the generated values", sum + c, fixture_scalar(fx, "check_fsum"),
	            1e-15, 0);
}

/* Fit fixtures/model/linear/NAME.txt and compare everything it holds. */
static void
check_fixture(const char *name)
{
	char path[256];
	struct fixture *fx;
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	const double *y, *want, *lcg;
	double *made = NULL, scale = 0.0;
	size_t n, h, nw;
	int rc;

	snprintf(path, sizeof(path), "model/linear/%s.txt", name);
	fx = fixture_load(path);
	if (!fx) {
		CU_FAIL("fixture missing or unreadable");
		fprintf(stderr, "\n  cannot read %s/%s\n", capplan_test_fixtures, path);
		return;
	}
	h = (size_t)fixture_scalar(fx, "h");
	y = fixture_get(fx, "y", &n);
	lcg = fixture_get(fx, "lcg", &nw);
	if (!y && lcg && nw == 7) {
		made = lcg_series(lcg, &n);
		y = made;
		if (y)
			check_lcg(name, fx, y, n);
	}
	CU_ASSERT_PTR_NOT_NULL(y);
	if (!y) {
		fixture_free(fx);
		return;
	}
	CU_ASSERT_EQUAL(n, (size_t)fixture_scalar(fx, "n"));
	for (size_t i = 0; i < n; i++)
		if (!isnan(y[i]))
			scale = fmax(scale, fabs(y[i]));

	memset(&in, 0, sizeof(in));
	in.y = y;
	in.n = n;
	in.step_ms = 300000;
	capplan_error_clear(&err);
	rc = capplan_linear_forecast(&in, h, &out, &info, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0) {
		CU_ASSERT_EQUAL(info.nparams, 2);
		CU_ASSERT_STRING_EQUAL(info.param_names[0], "intercept");
		CU_ASSERT_STRING_EQUAL(info.param_names[1], "slope");
		FIXTURE_CHECK_CLOSE(name, "intercept", info.params[0], fixture_scalar(fx, "intercept"), REL, 0);
		FIXTURE_CHECK_CLOSE(name, "slope", info.params[1], fixture_scalar(fx, "slope"), REL, 0);
		FIXTURE_CHECK_CLOSE(name, "sigma", info.sigma, fixture_scalar(fx, "sigma"), REL, 0);
		FIXTURE_CHECK_CLOSE(name, "sse", info.sse, fixture_scalar(fx, "sse"), REL, 0);
		CU_ASSERT_EQUAL(info.nobs, (size_t)fixture_scalar(fx, "nobs"));
		want = fixture_get(fx, "yhat", &nw);
		FIXTURE_CHECK_ARRAY(name, "yhat", out.yhat, out.h, want, nw, REL, REL * scale);
		want = fixture_get(fx, "lo80", &nw);
		FIXTURE_CHECK_ARRAY(name, "lo80", out.lo80, out.h, want, nw, REL, REL * scale);
		want = fixture_get(fx, "hi80", &nw);
		FIXTURE_CHECK_ARRAY(name, "hi80", out.hi80, out.h, want, nw, REL, REL * scale);
		want = fixture_get(fx, "lo95", &nw);
		FIXTURE_CHECK_ARRAY(name, "lo95", out.lo95, out.h, want, nw, REL, REL * scale);
		want = fixture_get(fx, "hi95", &nw);
		FIXTURE_CHECK_ARRAY(name, "hi95", out.hi95, out.h, want, nw, REL, REL * scale);
		/* the reference JSON's own numbers, where the series comes from there */
		if (fixture_get(fx, "json_slope", &nw)) {
			FIXTURE_CHECK_CLOSE(name, "intercept (JSON)", info.params[0],
			            fixture_scalar(fx, "json_intercept"), REL, 0);
			FIXTURE_CHECK_CLOSE(name, "slope (JSON)", info.params[1], fixture_scalar(fx, "json_slope"),
			            REL, 0);
			FIXTURE_CHECK_CLOSE(name, "sigma (JSON)", info.sigma, fixture_scalar(fx, "json_sigma"),
			            REL, 0);
			want = fixture_get(fx, "json_yhat", &nw);
			FIXTURE_CHECK_ARRAY(name, "yhat (JSON)", out.yhat, out.h, want, nw, REL, REL * scale);
		}
		capplan_forecast_release(&out);
	} else {
		fprintf(stderr, "\n  %s: %s\n", name, err.msg);
	}
	free(made);
	fixture_free(fx);
}

static void
test_reference_series(void)
{
	check_fixture("retail_sales");
	check_fixture("pedestrians_covid");
}

static void
test_real_series(void)
{
	check_fixture("nyc_taxi");
	check_fixture("disk_write_1ef3de");    /* 11 NaN from a gap */
	check_fixture("disk_used_c0d644");     /* 1.5e12 + running total */
	check_fixture("elb_requests_8c0756");
}

static void
test_synthetic_series(void)
{
	check_fixture("synth_noise");
	check_fixture("synth_holes");          /* 80 NaN, leading and trailing too */
}

static void
test_long_series(void)
{
	check_fixture("lcg_long");             /* 10^5 points */
	check_fixture("lcg_1e12");             /* 10^5 points of ~1.7e12, NaN holes */
	check_fixture("lcg_flat_1e12");        /* slope 20 on a level of 2.5e12 */
}

/* Fit y (n points) as the method does; 0 or -1. */
static int
fit_method(const double *y, size_t n, size_t h, struct capplan_forecast *out,
           struct capplan_fit_info *info, struct capplan_error *err)
{
	struct capplan_fit_input in;

	memset(&in, 0, sizeof(in));
	in.y = y;
	in.n = n;
	in.step_ms = 60000;
	capplan_error_clear(err);
	capplan_fit_info_init(info);
	return capplan_linear_forecast(&in, h, out, info, err);
}

static void
test_straight_line(void)
{
	double y[10];
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 10; i++)
		y[i] = 3.0 + 2.0 * (double)i;
	CU_ASSERT_EQUAL_FATAL(fit_method(y, 10, 5, &out, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(info.params[0], 3.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.params[1], 2.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, 0.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.sse, 0.0, 1e-30);
	CU_ASSERT_EQUAL(info.nobs, 10);
	for (size_t k = 0; k < 5; k++) {
		double want = 3.0 + 2.0 * (double)(10 + k);

		/* sigma 0: the intervals collapse onto the line */
		CU_ASSERT_DOUBLE_EQUAL(out.yhat[k], want, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(out.lo80[k], want, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(out.hi80[k], want, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(out.lo95[k], want, 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(out.hi95[k], want, 1e-12);
	}
	capplan_forecast_release(&out);
}

static void
test_constant(void)
{
	double y[20];
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 20; i++)
		y[i] = 7.25;
	CU_ASSERT_EQUAL_FATAL(fit_method(y, 20, 3, &out, &info, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(info.params[0], 7.25, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.params[1], 0.0, 1e-15);
	CU_ASSERT_DOUBLE_EQUAL(info.sigma, 0.0, 1e-15);
	for (size_t k = 0; k < 3; k++) {
		CU_ASSERT_DOUBLE_EQUAL(out.yhat[k], 7.25, 1e-15);
		CU_ASSERT_DOUBLE_EQUAL(out.hi95[k] - out.lo95[k], 0.0, 1e-15);
	}
	capplan_forecast_release(&out);
}

/* A failure: -1, status 65, a message holding part, out left released. */
static void
check_failure(const double *y, size_t n, const char *part)
{
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	int rc;

	memset(&out, 0, sizeof(out));
	rc = fit_method(y, n, 4, &out, &info, &err);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, part));
	if (!strstr(err.msg, part))
		fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n", err.msg, part);
	CU_ASSERT_PTR_NULL(out.yhat);
	if (rc == 0)
		capplan_forecast_release(&out);
}

static void
test_too_few_points(void)
{
	static const double two[] = { 1.0, 2.0 };
	static const double two_of_five[] = { NAN, 1.0, NAN, 2.0, NAN };
	static const double one[] = { 5.0 };

	check_failure(two, 2, "too few points to fit a line: 2 (need at least 3");
	check_failure(two_of_five, 5, "too few points to fit a line: 2 (need at least 3");
	check_failure(one, 1, "too few points to fit a line: 1 ");
}

static void
test_all_nan(void)
{
	static const double y[] = { NAN, NAN, NAN, NAN, NAN, NAN };

	check_failure(y, 6, "no points to fit a line to: all 6 values are NaN");
	check_failure(y, 0, "no points to fit a line to: all 0 values are NaN");
}

static void
test_infinite(void)
{
	static const double y[] = { 1.0, 2.0, INFINITY, 4.0 };

	check_failure(y, 4, "point 2 is infinite");
}

/*
 * Points (0, 0), (1, 1), (3, 2), the hole at 2 left out: xbar = 4/3,
 * Sxx = 42/9, Sxy = 3, slope = 9/14, intercept = 1/7; residuals -1/7, 3/14,
 * -1/14, SSE = 1/14, one degree of freedom so s = sqrt(1/14).  At x = 4:
 * yhat = 19/7 and s * sqrt(1 + 1/3 + (8/3)^2 / (42/9)) = sqrt(10) / 7; the
 * Student t quantile for 1 degree of freedom is tan(pi (p - 1/2)).
 */
static void
check_hand_fit(const char *name, const struct capplan_ols *fit)
{
	FIXTURE_CHECK_CLOSE(name, "slope", fit->slope, 9.0 / 14.0, 1e-15, 0);
	/* 1/7 = 1 - (9/14)(4/3): the subtraction leaves a few ulps */
	FIXTURE_CHECK_CLOSE(name, "intercept", fit->intercept, 1.0 / 7.0, 1e-14, 0);
	FIXTURE_CHECK_CLOSE(name, "sse", fit->sse, 1.0 / 14.0, 1e-15, 0);
	FIXTURE_CHECK_CLOSE(name, "sigma", fit->sigma, sqrt(1.0 / 14.0), 1e-15, 0);
	FIXTURE_CHECK_CLOSE(name, "xbar", fit->xbar, 4.0 / 3.0, 1e-15, 0);
	FIXTURE_CHECK_CLOSE(name, "sxx", fit->sxx, 42.0 / 9.0, 1e-15, 0);
	CU_ASSERT_EQUAL(fit->n, 3);
}

static void
test_holes_by_hand(void)
{
	static const double y[] = { 0.0, 1.0, NAN, 2.0 };
	static const double x[] = { 0.0, 1.0, 3.0 };
	static const double y3[] = { 0.0, 1.0, 2.0 };
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	struct capplan_ols fit;
	double half95 = tan(0.475 * PI) * sqrt(10.0) / 7.0;
	double half80 = tan(0.4 * PI) * sqrt(10.0) / 7.0;
	double lo, hi;

	/* the method on the grid, NaN skipped */
	CU_ASSERT_EQUAL_FATAL(fit_method(y, 4, 1, &out, &info, &err), 0);
	FIXTURE_CHECK_CLOSE("holes", "intercept", info.params[0], 1.0 / 7.0, 1e-14, 0);
	FIXTURE_CHECK_CLOSE("holes", "slope", info.params[1], 9.0 / 14.0, 1e-15, 0);
	FIXTURE_CHECK_CLOSE("holes", "sse", info.sse, 1.0 / 14.0, 1e-15, 0);
	CU_ASSERT_EQUAL(info.nobs, 3);
	FIXTURE_CHECK_CLOSE("holes", "yhat", out.yhat[0], 19.0 / 7.0, 1e-15, 0);
	FIXTURE_CHECK_CLOSE("holes", "hi95", out.hi95[0], 19.0 / 7.0 + half95, 1e-12, 0);
	FIXTURE_CHECK_CLOSE("holes", "lo95", out.lo95[0], 19.0 / 7.0 - half95, 1e-12, 0);
	FIXTURE_CHECK_CLOSE("holes", "hi80", out.hi80[0], 19.0 / 7.0 + half80, 1e-12, 0);
	FIXTURE_CHECK_CLOSE("holes", "lo80", out.lo80[0], 19.0 / 7.0 - half80, 1e-12, 0);
	capplan_forecast_release(&out);

	/* the same by the NaN-skipping fit and by explicit x */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_ols_fit(NULL, y, 4, &fit, &err), 0);
	check_hand_fit("holes, x NULL", &fit);
	CU_ASSERT_EQUAL_FATAL(capplan_ols_fit(x, y3, 3, &fit, &err), 0);
	check_hand_fit("explicit x", &fit);
	FIXTURE_CHECK_CLOSE("explicit x", "predict", capplan_ols_predict(&fit, 4.0), 19.0 / 7.0, 1e-15, 0);
	capplan_ols_interval(&fit, 4.0, 0.95, &lo, &hi);
	FIXTURE_CHECK_CLOSE("explicit x", "lo95", lo, 19.0 / 7.0 - half95, 1e-12, 0);
	FIXTURE_CHECK_CLOSE("explicit x", "hi95", hi, 19.0 / 7.0 + half95, 1e-12, 0);
	/* at x = xbar the interval is narrowest: s * sqrt(1 + 1/3) */
	capplan_ols_interval(&fit, 4.0 / 3.0, 0.80, &lo, &hi);
	FIXTURE_CHECK_CLOSE("explicit x", "hi80 at xbar", hi - capplan_ols_predict(&fit, 4.0 / 3.0),
	            tan(0.4 * PI) * sqrt(1.0 / 14.0) * sqrt(4.0 / 3.0), 1e-12, 0);
}

static void
test_x_all_equal(void)
{
	static const double x[] = { 2.0, 2.0, NAN, 2.0 };
	static const double y[] = { 1.0, 2.0, 3.0, 4.0 };
	struct capplan_ols fit;
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_ols_fit(x, y, 4, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "cannot fit a line: all 3 points have the same x (2)");
}

/*
 * 10^12-sized values on an exact line, 1e12 + 5e6 i: every centred product
 * is exact, so the fit is exact too (the normal equations would lose about
 * six digits of the slope here).
 */
static void
test_scale_1e12(void)
{
	enum { N = 1000 };
	double *y = malloc(N * sizeof(*y));
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	for (size_t i = 0; i < N; i++)
		y[i] = 1e12 + 5e6 * (double)i;
	y[17] = NAN;
	CU_ASSERT_EQUAL(fit_method(y, N, 2, &out, &info, &err), 0);
	if (out.yhat) {
		FIXTURE_CHECK_CLOSE("1e12", "intercept", info.params[0], 1e12, 1e-15, 0);
		FIXTURE_CHECK_CLOSE("1e12", "slope", info.params[1], 5e6, 1e-15, 0);
		CU_ASSERT_DOUBLE_EQUAL(info.sigma, 0.0, 1e-3);   /* bytes, on values of 1e12 */
		FIXTURE_CHECK_CLOSE("1e12", "yhat", out.yhat[1], 1e12 + 5e6 * 1001.0, 1e-15, 0);
		FIXTURE_CHECK_CLOSE("1e12", "hi95", out.hi95[1], 1e12 + 5e6 * 1001.0, 1e-15, 0);
		CU_ASSERT_EQUAL(info.nobs, N - 1);
		capplan_forecast_release(&out);
	}
	free(y);
}

/* Away from the data the interval widens, and 95% is wider than 80%. */
static void
test_interval_shape(void)
{
	double y[40];
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 40; i++)
		y[i] = 10.0 + 0.5 * (double)i + ((i * 7) % 5 == 0 ? 1.5 : -0.5);
	CU_ASSERT_EQUAL_FATAL(fit_method(y, 40, 30, &out, &info, &err), 0);
	CU_ASSERT(info.sigma > 0.0);
	for (size_t k = 0; k < 30; k++) {
		CU_ASSERT(out.lo95[k] < out.lo80[k]);
		CU_ASSERT(out.lo80[k] < out.yhat[k]);
		CU_ASSERT(out.yhat[k] < out.hi80[k]);
		CU_ASSERT(out.hi80[k] < out.hi95[k]);
		/* symmetric about the line */
		CU_ASSERT_DOUBLE_EQUAL(out.hi95[k] - out.yhat[k], out.yhat[k] - out.lo95[k], 1e-12);
		if (k > 0)
			CU_ASSERT(out.hi95[k] - out.lo95[k] > out.hi95[k - 1] - out.lo95[k - 1]);
	}
	capplan_forecast_release(&out);
}

int
register_linear_suite(void)
{
	CU_pSuite s = CU_add_suite("linear", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "sklearn on the reference series", test_reference_series) ||
	    !CU_add_test(s, "sklearn on real series", test_real_series) ||
	    !CU_add_test(s, "sklearn on synthetic series", test_synthetic_series) ||
	    !CU_add_test(s, "sklearn on 10^5-point series", test_long_series) ||
	    !CU_add_test(s, "straight line", test_straight_line) ||
	    !CU_add_test(s, "constant", test_constant) ||
	    !CU_add_test(s, "too few points", test_too_few_points) ||
	    !CU_add_test(s, "all NaN", test_all_nan) ||
	    !CU_add_test(s, "infinite value", test_infinite) ||
	    !CU_add_test(s, "NaN holes by hand", test_holes_by_hand) ||
	    !CU_add_test(s, "all x equal", test_x_all_equal) ||
	    !CU_add_test(s, "10^12-sized values", test_scale_1e12) ||
	    !CU_add_test(s, "interval shape", test_interval_shape))
		return -1;
	return 0;
}
