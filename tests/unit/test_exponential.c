/*
 * tests/unit/test_exponential.c: the "exponential" method (lib/model/exponential.c).
 *
 * Reference numbers are in tests/fixtures/model/exponential, written by
 * scripts/model-fixtures/linear_exponential.py: the exact least-squares
 * optimum (variable projection in 50-digit arithmetic; for the two series of
 * shared/data/reference also that folder's own exp_exact_optimum), scipy's
 * curve_fit with ftol = xtol = gtol = 1e-15, and delta-method intervals
 * computed with numpy and scipy.stats.t.  The issue asks for the parameters
 * to 1e-6 relative; sigma, forecasts and interval bounds are held to the
 * same (bounds relative to the larger of the value and the series' largest
 * |y|).  curve_fit with its default tolerances is not a reference: it stops
 * up to ~5e-6 away from the optimum.  The small cases below are checked by
 * hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "fixture.h"
#include "model/exponential.h"
#include "model/forecast.h"
#include "suites.h"
#include "util/error.h"

#define REL 1e-6
#define LN2 0.69314718055994530942

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
	memset(out, 0, sizeof(*out));
	capplan_error_clear(err);
	capplan_fit_info_init(info);
	return capplan_exponential_forecast(&in, h, out, info, err);
}

/* The value of the parameter called name in info, NaN when there is none. */
static double
param(const struct capplan_fit_info *info, const char *name)
{
	for (size_t i = 0; i < info->nparams; i++)
		if (strcmp(info->param_names[i], name) == 0)
			return info->params[i];
	return NAN;
}

/* Fit fixtures/model/exponential/NAME.txt and compare everything it holds. */
static void
check_fixture(const char *name)
{
	char path[256];
	struct fixture *fx;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	const double *y, *want;
	double scale = 0.0, a, b;
	size_t n, h, nw;
	int rc;

	snprintf(path, sizeof(path), "model/exponential/%s.txt", name);
	fx = fixture_load(path);
	if (!fx) {
		CU_FAIL("fixture missing or unreadable");
		fprintf(stderr, "\n  cannot read %s/%s\n", capplan_test_fixtures, path);
		return;
	}
	h = (size_t)fixture_scalar(fx, "h");
	y = fixture_get(fx, "y", &n);
	CU_ASSERT_PTR_NOT_NULL(y);
	CU_ASSERT_EQUAL(n, (size_t)fixture_scalar(fx, "n"));
	for (size_t i = 0; i < n; i++)
		if (!isnan(y[i]))
			scale = fmax(scale, fabs(y[i]));

	rc = fit_method(y, n, h, &out, &info, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "\n  %s: %s\n", name, err.msg);
		fixture_free(fx);
		return;
	}
	a = param(&info, "a");
	b = param(&info, "b");
	CU_ASSERT_STRING_EQUAL(info.param_names[0], "a");
	CU_ASSERT_STRING_EQUAL(info.param_names[1], "b");
	/* the exact optimum */
	FIXTURE_CHECK_CLOSE(name, "a", a, fixture_scalar(fx, "a"), REL, 0);
	FIXTURE_CHECK_CLOSE(name, "b", b, fixture_scalar(fx, "b"), REL, 0);
	FIXTURE_CHECK_CLOSE(name, "sigma", info.sigma, fixture_scalar(fx, "sigma"), REL, 0);
	FIXTURE_CHECK_CLOSE(name, "sse", info.sse, fixture_scalar(fx, "sse"), REL, 0);
	CU_ASSERT_EQUAL(info.nobs, (size_t)fixture_scalar(fx, "nobs"));
	/* scipy's curve_fit with tight tolerances */
	FIXTURE_CHECK_CLOSE(name, "a (curve_fit)", a, fixture_scalar(fx, "cf_a"), REL, 0);
	FIXTURE_CHECK_CLOSE(name, "b (curve_fit)", b, fixture_scalar(fx, "cf_b"), REL, 0);
	if (b > 0.0)
		FIXTURE_CHECK_CLOSE(name, "doubling_steps", param(&info, "doubling_steps"),
		            LN2 / fixture_scalar(fx, "b"), REL, 0);
	else
		CU_ASSERT_EQUAL(info.nparams, 2);
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
	/* shared/data/reference's own exact optimum, where the series comes from there */
	if (fixture_get(fx, "exact_a", &nw)) {
		FIXTURE_CHECK_CLOSE(name, "a (reference JSON)", a, fixture_scalar(fx, "exact_a"), REL, 0);
		FIXTURE_CHECK_CLOSE(name, "b (reference JSON)", b, fixture_scalar(fx, "exact_b"), REL, 0);
		/* the JSON's b is per unit of x = i / (n - 1) */
		FIXTURE_CHECK_CLOSE(name, "b * (n - 1) (reference JSON)", b * (double)(n - 1),
		            fixture_scalar(fx, "exact_b_x"), REL, 0);
		FIXTURE_CHECK_CLOSE(name, "sse (reference JSON)", info.sse, fixture_scalar(fx, "exact_sse"),
		            REL, 0);
		FIXTURE_CHECK_CLOSE(name, "sigma (reference JSON)", info.sigma,
		            fixture_scalar(fx, "exact_sigma"), REL, 0);
		want = fixture_get(fx, "exact_yhat", &nw);
		FIXTURE_CHECK_ARRAY(name, "yhat (reference JSON)", out.yhat, out.h, want, nw, REL, REL * scale);
	}
	capplan_forecast_release(&out);
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
	check_fixture("disk_used_c0d644");     /* 1.5e12 + running total */
	check_fixture("elb_requests_8c0756");
}

static void
test_synthetic_series(void)
{
	check_fixture("synth_growth");
	check_fixture("synth_decay");
	check_fixture("synth_holes");          /* 49 NaN, leading and trailing too */
	check_fixture("synth_1e12");
	check_fixture("synth_alternating");    /* a trial step that overflows exp */
}

/* A pure exponential c * exp(r i) on n points, NaN where i % holes == 1 (holes > 0). */
static double *
pure(double c, double r, size_t n, size_t holes)
{
	double *y = malloc(n * sizeof(*y));

	if (!y)
		return NULL;
	for (size_t i = 0; i < n; i++)
		y[i] = (holes && i % holes == 1) ? NAN : c * exp(r * (double)i);
	return y;
}

/* A pure exponential comes back exactly: a, b, sigma ~ 0, the curve ahead. */
static void
check_pure(const char *name, double c, double r, size_t n, size_t holes, size_t lead)
{
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	double *y = pure(c, r, n, holes);
	size_t used = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	for (size_t i = 0; i < lead && i < n; i++)
		y[i] = NAN;
	for (size_t i = 0; i < n; i++)
		used += !isnan(y[i]);
	CU_ASSERT_EQUAL(fit_method(y, n, 10, &out, &info, &err), 0);
	if (out.yhat) {
		FIXTURE_CHECK_CLOSE(name, "a", param(&info, "a"), c, 1e-12, 0);
		FIXTURE_CHECK_CLOSE(name, "b", param(&info, "b"), r, 1e-12, 0);
		CU_ASSERT(info.sigma <= 1e-12 * c * fmax(1.0, exp(r * (double)n)));
		CU_ASSERT_EQUAL(info.nobs, used);
		if (r > 0.0)
			FIXTURE_CHECK_CLOSE(name, "doubling_steps", param(&info, "doubling_steps"), LN2 / r,
			            1e-12, 0);
		else
			CU_ASSERT_EQUAL(info.nparams, 2);
		for (size_t k = 0; k < 10; k++) {
			double want = c * exp(r * (double)(n + k));

			FIXTURE_CHECK_CLOSE(name, "yhat", out.yhat[k], want, 1e-11, 0);
			/* no noise: the interval all but collapses onto the curve */
			FIXTURE_CHECK_CLOSE(name, "lo95", out.lo95[k], want, 1e-9, 0);
			FIXTURE_CHECK_CLOSE(name, "hi95", out.hi95[k], want, 1e-9, 0);
		}
		capplan_forecast_release(&out);
	} else {
		fprintf(stderr, "\n  %s: %s\n", name, err.msg);
	}
	free(y);
}

static void
test_pure_exponential(void)
{
	check_pure("doubling every 10 steps", 3.0, LN2 / 10.0, 50, 0, 0);
	check_pure("decay", 5e4, -0.02, 200, 0, 0);
	check_pure("holes and leading NaN", 3.0, LN2 / 10.0, 60, 7, 4);
	check_pure("10^12-sized", 1e12, 0.001, 2000, 0, 0);
	check_pure("slow growth, long", 250.0, 1e-5, 20000, 0, 0);
}

static void
test_constant(void)
{
	double y[30];
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 30; i++)
		y[i] = 5.0;
	CU_ASSERT_EQUAL_FATAL(fit_method(y, 30, 4, &out, &info, &err), 0);
	FIXTURE_CHECK_CLOSE("constant", "a", param(&info, "a"), 5.0, 1e-14, 0);
	CU_ASSERT_DOUBLE_EQUAL(param(&info, "b"), 0.0, 1e-14);
	CU_ASSERT(info.sigma <= 1e-13);
	for (size_t k = 0; k < 4; k++) {
		FIXTURE_CHECK_CLOSE("constant", "yhat", out.yhat[k], 5.0, 1e-13, 0);
		CU_ASSERT(out.hi95[k] - out.lo95[k] <= 1e-12);
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
	int rc = fit_method(y, n, 4, &out, &info, &err);

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
test_non_positive(void)
{
	static const double zero[] = { 4.0, 5.0, 6.0, 0.0, 8.0 };
	static const double negative[] = { NAN, 4.0, -1.5, 6.0 };
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	check_failure(zero, 5, "point 3 is 0: an exponential fit needs values above 0 (it starts "
	                       "from the log-linear fit, which takes log y)");
	check_failure(negative, 4, "point 2 is -1.5: an exponential fit needs values above 0");
	/* the hint says what to do */
	CU_ASSERT_EQUAL(fit_method(zero, 5, 1, &out, &info, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "use linear"));
}

/* Real disk write bytes: mostly 0, so a per-series failure, not a crash or a fit. */
static void
test_real_zeros(void)
{
	struct fixture *fx = fixture_load("model/linear/disk_write_1ef3de.txt");
	const double *y;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_get(fx, "y", &n);
	CU_ASSERT_EQUAL_FATAL(n, 4730);
	check_failure(y, n, "point 0 is 0: an exponential fit needs values above 0");
	fixture_free(fx);
}

static void
test_too_few_points(void)
{
	static const double two[] = { 1.0, 2.0 };
	static const double two_of_four[] = { NAN, 1.0, 2.0, NAN };

	check_failure(two, 2, "too few points to fit an exponential: 2 (need at least 3");
	check_failure(two_of_four, 4, "too few points to fit an exponential: 2 (need at least 3");
}

static void
test_all_nan(void)
{
	static const double y[] = { NAN, NAN, NAN, NAN, NAN };

	check_failure(y, 5, "no points to fit an exponential to: all 5 values are NaN");
}

static void
test_infinite(void)
{
	static const double y[] = { 1.0, INFINITY, 3.0, 4.0 };

	check_failure(y, 4, "point 1 is infinite");
}

/* An iteration budget too small to converge is a failure that says so. */
static void
test_no_convergence(void)
{
	struct fixture *fx = fixture_load("model/exponential/synth_growth.txt");
	struct capplan_exp fit;
	struct capplan_error err;
	const double *y;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_get(fx, "y", &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_exp_fit(NULL, y, n, 1, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "the exponential fit did not converge in 1 iterations");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "far from exponential"));
	/* and with the default budget it converges, in a handful */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_exp_fit(NULL, y, n, 0, &fit, &err), 0);
	CU_ASSERT(fit.iterations > 1 && fit.iterations < 50);
	fixture_free(fx);
}

/*
 * Explicit x (not the grid index), x = 1000 + 3 i: the same curve as on the
 * grid, with b per unit of that x (a third of the grid's) and a at x = 0.
 */
static void
test_explicit_x(void)
{
	double x[25], y[25], lo, hi, glo, ghi;
	struct capplan_exp fit, grid;
	struct capplan_error err;

	for (size_t i = 0; i < 25; i++) {
		x[i] = 1000.0 + 3.0 * (double)i;
		y[i] = 2.0 * exp(0.01 * x[i]) * (i % 3 ? 1.01 : 0.98);   /* some noise */
	}
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_exp_fit(x, y, 25, 0, &fit, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_exp_fit(NULL, y, 25, 0, &grid, &err), 0);
	FIXTURE_CHECK_CLOSE("explicit x", "b", fit.b, grid.b / 3.0, 1e-10, 0);
	FIXTURE_CHECK_CLOSE("explicit x", "a", fit.a, grid.a * exp(-grid.b * 1000.0 / 3.0), 1e-10, 0);
	FIXTURE_CHECK_CLOSE("explicit x", "sigma", fit.sigma, grid.sigma, 1e-10, 0);
	CU_ASSERT(fit.sigma > 0.0);
	CU_ASSERT_EQUAL(fit.n, 25);
	FIXTURE_CHECK_CLOSE("explicit x", "predict", capplan_exp_predict(&fit, 1100.0),
	            fit.a * exp(fit.b * 1100.0), 1e-12, 0);
	/* x = 1120 is grid point 40 */
	FIXTURE_CHECK_CLOSE("explicit x", "predict", capplan_exp_predict(&fit, 1120.0),
	            capplan_exp_predict(&grid, 40.0), 1e-10, 0);
	capplan_exp_interval(&fit, 1120.0, 0.95, &lo, &hi);
	capplan_exp_interval(&grid, 40.0, 0.95, &glo, &ghi);
	FIXTURE_CHECK_CLOSE("explicit x", "lo95", lo, glo, 1e-10, 0);
	FIXTURE_CHECK_CLOSE("explicit x", "hi95", hi, ghi, 1e-10, 0);
	/* the interval widens ahead and 95% holds 80% */
	capplan_exp_interval(&fit, 1120.0, 0.80, &glo, &ghi);
	CU_ASSERT(lo < glo && glo < capplan_exp_predict(&fit, 1120.0) && ghi < hi);
	capplan_exp_interval(&fit, 1200.0, 0.95, &glo, &ghi);
	CU_ASSERT(ghi - glo > hi - lo);
}

int
register_exponential_suite(void)
{
	CU_pSuite s = CU_add_suite("exponential", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "exact optimum on the reference series", test_reference_series) ||
	    !CU_add_test(s, "exact optimum on real series", test_real_series) ||
	    !CU_add_test(s, "exact optimum on synthetic series", test_synthetic_series) ||
	    !CU_add_test(s, "pure exponential", test_pure_exponential) ||
	    !CU_add_test(s, "constant", test_constant) ||
	    !CU_add_test(s, "non-positive values", test_non_positive) ||
	    !CU_add_test(s, "real series with zeros", test_real_zeros) ||
	    !CU_add_test(s, "too few points", test_too_few_points) ||
	    !CU_add_test(s, "all NaN", test_all_nan) ||
	    !CU_add_test(s, "infinite value", test_infinite) ||
	    !CU_add_test(s, "no convergence", test_no_convergence) ||
	    !CU_add_test(s, "explicit x", test_explicit_x))
		return -1;
	return 0;
}
