/*
 * tests/unit/test_forest.c: the random forest (lib/model/forest.c), as a
 * regressor and as the "forest" forecasting method.
 *
 * A forest is random and ours draws other random numbers than scikit-learn,
 * so the references in tests/fixtures/model/forest (written by
 * scripts/model-fixtures/forest.py) are accuracies, not predictions: the
 * holdout mean absolute error of scikit-learn's RandomForestRegressor with
 * the same options on the same data (mean of 5 seeds), and ours must be no
 * more than 10% worse.  Everything else is checked by hand: a staircase a
 * single tree learns exactly, a constant, seeds, a cycle on a line, a driver
 * that determines the series, interval order, too few points, NaN holes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <gsl/gsl_rng.h>

#include "fixture.h"
#include "model/forecast.h"
#include "model/forest.h"
#include "suites.h"
#include "util/error.h"
#include "util/timeutil.h"

#define PI 3.14159265358979323846
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z, a Monday */
#define HOUR INT64_C(3600000)
/* Our holdout MAE may exceed scikit-learn's by this factor at most. */
#define MAE_FACTOR 1.10

/* One assertion with both numbers in its message. */
static void
check(int ok, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
check(int ok, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

static gsl_rng *
rng_new(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(r, seed);
	return r;
}

/* A fit input for y[0..n) on an hourly grid from T0. */
static struct capplan_fit_input
hourly(const double *y, size_t n, size_t period, uint64_t seed)
{
	struct capplan_fit_input in;

	memset(&in, 0, sizeof(in));
	in.y = y;
	in.n = n;
	in.start_ms = T0;
	in.step_ms = HOUR;
	in.period = period;
	in.seed = seed;
	return in;
}

static double
mae(const double *a, const double *b, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += fabs(a[i] - b[i]);
	return s / (double)n;
}

/* ---- the regressor ---- */

/* A staircase y = floor(x / 5) on x = 0..19, beside a feature of noise: one deep tree, 7 nodes, exact. */
static void
test_staircase_single_tree(void)
{
	struct capplan_forest_options o;
	struct capplan_forest *f;
	struct capplan_error err;
	double X[20 * 2], y[20];
	gsl_rng *r = rng_new(1);

	for (size_t i = 0; i < 20; i++) {
		X[i * 2] = gsl_rng_uniform(r);        /* noise */
		X[i * 2 + 1] = (double)((i * 7) % 20); /* x, shuffled */
		y[i] = floor(X[i * 2 + 1] / 5);
	}
	capplan_forest_options_init(&o);
	o.ntrees = 1;
	o.bootstrap = 0;
	o.min_samples_leaf = 1;
	f = capplan_forest_fit(X, 20, 2, y, &o, r, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	check(capplan_forest_nodes(f) == 7, __LINE__, "nodes %zu, want 7 (3 splits, 4 leaves)",
	      capplan_forest_nodes(f));
	for (size_t i = 0; i < 20; i++) {
		double p = capplan_forest_predict(f, &X[i * 2]);

		check(p == y[i], __LINE__, "x %g: %.17g, want %g", X[i * 2 + 1], p, y[i]);
	}
	/* Thresholds half-way between neighbours: 4.4 left of 4.5, 4.6 right of it. */
	{
		double below[2] = { 0.5, 4.4 }, above[2] = { 0.5, 4.6 }, far[2] = { 0.5, 100 };

		CU_ASSERT_EQUAL(capplan_forest_predict(f, below), 0);
		CU_ASSERT_EQUAL(capplan_forest_predict(f, above), 1);
		CU_ASSERT_EQUAL(capplan_forest_predict(f, far), 3);
	}
	capplan_forest_free(f);

	/* max_depth 1 stops at one split: 3 nodes. */
	o.max_depth = 1;
	f = capplan_forest_fit(X, 20, 2, y, &o, r, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(capplan_forest_nodes(f), 3);
	capplan_forest_free(f);

	/* min_samples_leaf 6: the leaves of 5 rows are not allowed; 3 leaves of >= 6 at most. */
	o.max_depth = 0;
	o.min_samples_leaf = 6;
	f = capplan_forest_fit(X, 20, 2, y, &o, r, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	check(capplan_forest_nodes(f) <= 5, __LINE__, "nodes %zu, want <= 5", capplan_forest_nodes(f));
	capplan_forest_free(f);

	/* The same 1e12 higher: a step of 1 on 1e12 is still found (sums taken about the node mean). */
	for (size_t i = 0; i < 20; i++)
		y[i] += 1e12;
	o.min_samples_leaf = 1;
	f = capplan_forest_fit(X, 20, 2, y, &o, r, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	check(capplan_forest_nodes(f) == 7, __LINE__, "1e12 +: nodes %zu, want 7",
	      capplan_forest_nodes(f));
	for (size_t i = 0; i < 20; i++) {
		double p = capplan_forest_predict(f, &X[i * 2]);

		check(p == y[i], __LINE__, "1e12 +: x %g: %.17g, want %.17g", X[i * 2 + 1], p, y[i]);
	}
	capplan_forest_free(f);
	gsl_rng_free(r);
}

/* The same generator seed gives the same forest; another seed another one. */
static void
test_regressor_seeds(void)
{
	double X[200 * 3], y[200], row[3] = { 0.3, 0.6, 0.2 }, p[3];
	gsl_rng *data = rng_new(5);
	struct capplan_error err;

	for (size_t i = 0; i < 200; i++) {
		for (size_t j = 0; j < 3; j++)
			X[i * 3 + j] = gsl_rng_uniform(data);
		y[i] = sin(6 * X[i * 3]) + X[i * 3 + 1] + 0.1 * gsl_rng_uniform(data);
	}
	for (int k = 0; k < 3; k++) {
		gsl_rng *r = rng_new(k < 2 ? 11 : 12);
		struct capplan_forest *f = capplan_forest_fit(X, 200, 3, y, NULL, r, &err);

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		p[k] = capplan_forest_predict(f, row);
		capplan_forest_free(f);
		gsl_rng_free(r);
	}
	check(p[0] == p[1], __LINE__, "same seed: %.17g and %.17g", p[0], p[1]);
	check(p[0] != p[2], __LINE__, "other seed: %.17g and %.17g", p[0], p[2]);
	gsl_rng_free(data);
}

/* Out-of-bag rows in blocks: with blocks of 10 rows, a row is out of bag exactly when its block is. */
static void
test_block_bootstrap(void)
{
	struct capplan_forest_options o;
	struct capplan_forest *f;
	struct capplan_error err;
	double X[100], y[100];
	const double *oob;
	size_t n, nout = 0;
	gsl_rng *r = rng_new(3);

	for (size_t i = 0; i < 100; i++) {
		X[i] = (double)i;
		y[i] = (double)(i % 7);
	}
	capplan_forest_options_init(&o);
	o.ntrees = 1;
	o.block = 10;
	f = capplan_forest_fit(X, 100, 1, y, &o, r, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	oob = capplan_forest_oob(f, &n);
	CU_ASSERT_EQUAL(n, 100);
	for (size_t i = 0; i < 100; i++) {
		nout += !isnan(oob[i]);
		check(isnan(oob[i]) == isnan(oob[i - i % 10]), __LINE__,
		      "row %zu out of bag %d, its block's first row %d", i, !isnan(oob[i]),
		      !isnan(oob[i - i % 10]));
	}
	/* One tree of 100 rows drawn with replacement leaves some blocks out, not all. */
	check(nout > 0 && nout < 100 && nout % 10 == 0, __LINE__, "%zu rows out of bag", nout);
	capplan_forest_free(f);
	gsl_rng_free(r);
}

static void
test_regressor_errors(void)
{
	struct capplan_forest_options o;
	struct capplan_error err;
	double X[4] = { 1, 2, 3, 4 }, y[4] = { 1, 2, 3, 4 };
	gsl_rng *r = rng_new(1);

	capplan_error_clear(&err);
	y[2] = NAN;
	CU_ASSERT_PTR_NULL(capplan_forest_fit(X, 4, 1, y, NULL, r, &err));
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	y[2] = 3;
	X[1] = INFINITY;
	CU_ASSERT_PTR_NULL(capplan_forest_fit(X, 4, 1, y, NULL, r, &err));
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	check(strstr(err.msg, "row 1") != NULL, __LINE__, "message \"%s\" names the row", err.msg);
	X[1] = 2;
	CU_ASSERT_PTR_NULL(capplan_forest_fit(X, 0, 1, y, NULL, r, &err));
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	capplan_forest_options_init(&o);
	o.max_features = 0;
	CU_ASSERT_PTR_NULL(capplan_forest_fit(X, 4, 1, y, &o, r, &err));
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	capplan_forest_options_init(&o);
	o.ntrees = 0;
	CU_ASSERT_PTR_NULL(capplan_forest_fit(X, 4, 1, y, &o, r, &err));
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	gsl_rng_free(r);
}

/* Friedman #1 against scikit-learn: test MAE for max_features 1 and 1/3, out-of-bag R^2. */
static void
test_friedman_vs_sklearn(void)
{
	struct fixture *fx = fixture_load("model/forest/friedman1.txt");
	const double *Xtr, *ytr, *Xte, *yte;
	size_t n1, n2, n3, n4, ncols;
	struct capplan_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	ncols = (size_t)fixture_scalar(fx, "ncols");
	Xtr = fixture_get(fx, "X_train", &n1);
	ytr = fixture_get(fx, "y_train", &n2);
	Xte = fixture_get(fx, "X_test", &n3);
	yte = fixture_get(fx, "y_test", &n4);
	CU_ASSERT_FATAL(Xtr && ytr && Xte && yte && ncols == 10 && n1 == n2 * ncols &&
	                n3 == n4 * ncols);
	for (int third = 0; third < 2; third++) {
		struct capplan_forest_options o;
		double want = fixture_scalar(fx, third ? "mae_third" : "mae_all"), got = 0, r2 = 0;
		double *pred = malloc(n4 * sizeof(*pred));
		const int seeds = 3;

		CU_ASSERT_PTR_NOT_NULL_FATAL(pred);
		capplan_forest_options_init(&o);
		o.max_features = third ? 1.0 / 3.0 : 1.0;
		for (int s = 0; s < seeds; s++) {
			gsl_rng *r = rng_new(100 + (unsigned long)s);
			struct capplan_forest *f = capplan_forest_fit(Xtr, n2, ncols, ytr, &o, r, &err);
			const double *oob;
			double sse = 0, sst = 0, mean = 0;
			size_t n;

			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			capplan_forest_predict_rows(f, Xte, n4, pred);
			got += mae(pred, yte, n4) / seeds;
			/* Out-of-bag R^2 as scikit-learn's oob_score_ computes it. */
			oob = capplan_forest_oob(f, &n);
			for (size_t i = 0; i < n; i++)
				mean += ytr[i] / (double)n;
			for (size_t i = 0; i < n; i++) {
				CU_ASSERT_FATAL(!isnan(oob[i]));
				sse += (ytr[i] - oob[i]) * (ytr[i] - oob[i]);
				sst += (ytr[i] - mean) * (ytr[i] - mean);
			}
			r2 += (1 - sse / sst) / seeds;
			/* predict_rows is predict, row by row. */
			CU_ASSERT_EQUAL(pred[7], capplan_forest_predict(f, Xte + 7 * ncols));
			capplan_forest_free(f);
			gsl_rng_free(r);
		}
		check(got <= MAE_FACTOR * want, __LINE__,
		      "friedman1, max_features %s: MAE %.4f, scikit-learn %.4f", third ? "1/3" : "1",
		      got, want);
		/* Not better than scikit-learn by more than chance could make it either. */
		check(got >= 0.8 * want, __LINE__, "friedman1: MAE %.4f far below scikit-learn's %.4f",
		      got, want);
		if (!third)
			check(fabs(r2 - fixture_scalar(fx, "oob_r2")) <= 0.03, __LINE__,
			      "friedman1: out-of-bag R^2 %.4f, scikit-learn %.4f", r2,
			      fixture_scalar(fx, "oob_r2"));
		free(pred);
	}
	fixture_free(fx);
}

/* ---- the forecasting method ---- */

static void
test_constant(void)
{
	double y[200];
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 200; i++)
		y[i] = 0.1;   /* not exact in binary: the mean must still be 0.1 exactly */
	in = hourly(y, 200, 24, 1);
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, 50, &out, &info, &err), 0);
	for (size_t k = 0; k < 50; k++) {
		check(out.yhat[k] == 0.1 && out.lo95[k] == 0.1 && out.lo80[k] == 0.1 &&
		      out.hi80[k] == 0.1 && out.hi95[k] == 0.1, __LINE__,
		      "step %zu: %.17g [%.17g %.17g] [%.17g %.17g]", k, out.yhat[k], out.lo80[k],
		      out.hi80[k], out.lo95[k], out.hi95[k]);
	}
	CU_ASSERT_EQUAL(info.sigma, 0);
	capplan_forecast_release(&out);
}

/* A noisy hourly series of n + h points: a daily cycle on a line, noise sd 1. */
static double *
noisy_cycle(size_t total, unsigned long seed)
{
	double *y = malloc(total * sizeof(*y));
	gsl_rng *r = rng_new(seed);

	for (size_t i = 0; y && i < total; i++)
		y[i] = 20 + 0.01 * (double)i + 5 * sin(2 * PI * (double)i / 24) +
		       (gsl_rng_uniform(r) + gsl_rng_uniform(r) + gsl_rng_uniform(r) - 1.5) * 2;
	gsl_rng_free(r);
	return y;
}

static void
test_seeds(void)
{
	size_t n = 24 * 21, h = 48;
	double *y = noisy_cycle(n, 9);
	struct capplan_forecast out[3];
	struct capplan_fit_info info;
	struct capplan_error err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	for (int k = 0; k < 3; k++) {
		struct capplan_fit_input in = hourly(y, n, 24, k < 2 ? 77 : 78);

		CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out[k], &info, &err), 0);
	}
	CU_ASSERT(memcmp(out[0].yhat, out[1].yhat, h * sizeof(double)) == 0);
	CU_ASSERT(memcmp(out[0].lo95, out[1].lo95, h * sizeof(double)) == 0);
	CU_ASSERT(memcmp(out[0].hi80, out[1].hi80, h * sizeof(double)) == 0);
	CU_ASSERT(memcmp(out[0].yhat, out[2].yhat, h * sizeof(double)) != 0);
	for (int k = 0; k < 3; k++)
		capplan_forecast_release(&out[k]);
	free(y);
}

/* A pure daily cycle on a line: the line is extrapolated, the cycle repeated (recursively, 3 days). */
static void
test_cycle_on_line(void)
{
	size_t n = 24 * 28, h = 72;
	double y[24 * 28 + 72], worst = 0;
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < n + h; i++)
		y[i] = 100 + 0.5 * (double)i + 10 * sin(2 * PI * (double)i / 24);
	in = hourly(y, n, 24, 3);
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	for (size_t k = 0; k < h; k++)
		worst = fmax(worst, fabs(out.yhat[k] - y[n + k]));
	/* The cycle's amplitude is 10, the line climbs 36 over the horizon. */
	check(worst < 0.5, __LINE__, "largest error %.4f", worst);
	/* The line: intercept and slope (the cycle over whole days is orthogonal to the index). */
	CU_ASSERT_STRING_EQUAL(info.param_names[1], "slope");
	check(fabs(info.params[1] - 0.5) < 0.01, __LINE__, "slope %.6f", info.params[1]);
	check(info.params[4] == 24, __LINE__, "lag %g", info.params[4]);
	CU_ASSERT_EQUAL(info.nobs, n - 24);
	capplan_forecast_release(&out);
}

/* y = 3 x the driver: the forecast follows the driver's future, and without it cannot. */
static void
test_driver(void)
{
	size_t n = 500, h = 100;
	double y[500], d[600], base[100];
	const double *drivers[1] = { d };
	gsl_rng *r = rng_new(21);
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	double with, without;

	for (size_t i = 0; i < n + h; i++) {
		d[i] = 10 * gsl_rng_uniform(r);
		if (i < n)
			y[i] = 3 * d[i] + 0.1 * gsl_rng_uniform(r);
	}
	for (size_t k = 0; k < h; k++)
		base[k] = 3 * d[n + k] + 0.05;
	in = hourly(y, n, 0, 5);
	in.drivers = drivers;
	in.ndrivers = 1;
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	with = mae(out.yhat, base, h);
	check(info.params[3] == 5, __LINE__, "features %g, want 5", info.params[3]);
	capplan_forecast_release(&out);
	in.ndrivers = 0;
	in.drivers = NULL;
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	without = mae(out.yhat, base, h);
	capplan_forecast_release(&out);
	/* 3 x uniform(0, 10) has a mean absolute deviation of 7.5. */
	check(with < 1.0, __LINE__, "MAE with the driver %.4f", with);
	check(without > 5.0, __LINE__, "MAE without the driver %.4f", without);

	/* A hole in the driver's future takes its last value: the same forecast as with that value. */
	in.drivers = drivers;
	in.ndrivers = 1;
	d[n + 10] = d[n + 9];
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	with = out.yhat[10];
	capplan_forecast_release(&out);
	d[n + 10] = NAN;
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	check(out.yhat[10] == with, __LINE__, "step 10 (driver NaN) %.17g, want %.17g", out.yhat[10],
	      with);
	capplan_forecast_release(&out);
	gsl_rng_free(r);
}

/* lo95 <= lo80 <= yhat <= hi80 <= hi95, non-degenerate, covering the holdout about as nominal. */
static void
test_interval_order(void)
{
	size_t n = 24 * 42, h = 24 * 7;
	double *y = noisy_cycle(n + h, 4);
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;
	size_t in80 = 0, in95 = 0, bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	in = hourly(y, n, 24, 8);
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	for (size_t k = 0; k < h; k++) {
		if (!(out.lo95[k] <= out.lo80[k] && out.lo80[k] < out.yhat[k] &&
		      out.yhat[k] < out.hi80[k] && out.hi80[k] <= out.hi95[k]))
			bad++;
		in80 += y[n + k] >= out.lo80[k] && y[n + k] <= out.hi80[k];
		in95 += y[n + k] >= out.lo95[k] && y[n + k] <= out.hi95[k];
	}
	check(bad == 0, __LINE__, "%zu of %zu steps out of order", bad, h);
	/* Widened with the horizon (the line's own uncertainty): never narrower further out. */
	CU_ASSERT(out.hi95[h - 1] - out.lo95[h - 1] > out.hi95[0] - out.lo95[0]);
	/* iid noise: the out-of-bag quantiles should cover about as they say. */
	check(in80 >= h * 65 / 100 && in80 <= h * 95 / 100, __LINE__, "80%%: %zu of %zu", in80, h);
	check(in95 >= h * 85 / 100, __LINE__, "95%%: %zu of %zu", in95, h);
	/*
	 * The 10/90% and 2.5/97.5% quantiles of near-normal residuals: the 80%
	 * half-widths are about z80 / z95 = 0.65 of the 95% ones, the 80% width
	 * about 2 x 1.28 sigma.
	 */
	{
		double lo = (out.yhat[0] - out.lo80[0]) / (out.yhat[0] - out.lo95[0]);
		double hi = (out.hi80[0] - out.yhat[0]) / (out.hi95[0] - out.yhat[0]);
		double w80 = (out.hi80[0] - out.lo80[0]) / info.sigma;

		check(lo > 0.55 && lo < 0.8 && hi > 0.55 && hi < 0.8, __LINE__,
		      "80%% / 95%% half-widths: below %.3f, above %.3f", lo, hi);
		check(w80 > 2.0 && w80 < 3.1, __LINE__, "80%% width / sigma %.3f", w80);
	}
	/* sigma is the out-of-bag RMSE: about the noise's sd (2 x sqrt(1/4) = 1). */
	check(info.sigma > 0.8 && info.sigma < 1.5, __LINE__, "sigma %.4f", info.sigma);
	capplan_forecast_release(&out);
	free(y);
}

static void
test_too_few(void)
{
	double y[100];
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 100; i++)
		y[i] = (double)(i % 5);
	/* 19 points: too few; 20: enough (without a period). */
	in = hourly(y, CAPPLAN_FOREST_MIN_POINTS - 1, 0, 1);
	CU_ASSERT_EQUAL(capplan_forest_forecast(&in, 5, &out, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	check(strstr(err.msg, "too few points") != NULL, __LINE__, "message \"%s\"", err.msg);
	in = hourly(y, CAPPLAN_FOREST_MIN_POINTS, 0, 1);
	CU_ASSERT_EQUAL(capplan_forest_forecast(&in, 5, &out, &info, &err), 0);
	capplan_forecast_release(&out);
	/* 100 points, 81 of them NaN. */
	for (size_t i = 0; i < 81; i++)
		y[i * 100 / 81] = NAN;
	in = hourly(y, 100, 0, 1);
	CU_ASSERT_EQUAL(capplan_forest_forecast(&in, 5, &out, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	/* All NaN. */
	for (size_t i = 0; i < 100; i++)
		y[i] = NAN;
	CU_ASSERT_EQUAL(capplan_forest_forecast(&in, 5, &out, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	/* Enough points, but the lag's first period leaves too few rows. */
	for (size_t i = 0; i < 30; i++)
		y[i] = (double)i;
	in = hourly(y, 30, 12, 1);
	CU_ASSERT_EQUAL(capplan_forest_forecast(&in, 5, &out, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
}

/* NaN holes are left out of training and the forecast is as good as without them. */
static void
test_nan_holes(void)
{
	size_t n = 24 * 28, h = 48, holes = 0;
	double y[24 * 28 + 48], worst = 0;
	struct capplan_fit_input in;
	struct capplan_forecast out;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < n + h; i++)
		y[i] = 50 + 0.1 * (double)i + 8 * sin(2 * PI * (double)i / 24);
	for (size_t i = 0; i < n; i++) {
		if (i % 7 == 3 || (i >= 300 && i < 340) || i >= n - 5) {
			y[i] = NAN;
			holes += i >= 24;
		}
	}
	in = hourly(y, n, 24, 6);
	CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
	CU_ASSERT_EQUAL(info.nobs, n - 24 - holes);
	for (size_t k = 0; k < h; k++) {
		double truth = 50 + 0.1 * (double)(n + k) + 8 * sin(2 * PI * (double)(n + k) / 24);

		CU_ASSERT_FATAL(isfinite(out.yhat[k]) && isfinite(out.lo95[k]) && isfinite(out.hi95[k]));
		worst = fmax(worst, fabs(out.yhat[k] - truth));
	}
	check(worst < 1.0, __LINE__, "largest error %.4f", worst);
	check(fabs(info.params[1] - 0.1) < 0.01, __LINE__, "slope %.6f", info.params[1]);
	capplan_forecast_release(&out);
}

/* The synthetic hourly series against scikit-learn, mean of 3 seeds. */
static void
test_synth_vs_sklearn(void)
{
	struct fixture *fx = fixture_load("model/forest/synth_hourly.txt");
	const double *y;
	size_t ny, n, h;
	double got = 0, want;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_get(fx, "y", &ny);
	n = (size_t)fixture_scalar(fx, "n");
	h = (size_t)fixture_scalar(fx, "h");
	want = fixture_scalar(fx, "mae");
	CU_ASSERT_FATAL(y && ny == n + h && fixture_scalar(fx, "period") == 24 &&
	                fixture_scalar(fx, "start_ms") == (double)T0);
	for (uint64_t s = 1; s <= 3; s++) {
		struct capplan_fit_input in = hourly(y, n, 24, s);
		struct capplan_forecast out;
		struct capplan_fit_info info;
		struct capplan_error err;

		CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
		got += mae(out.yhat, y + n, h) / 3;
		capplan_forecast_release(&out);
	}
	check(got <= MAE_FACTOR * want, __LINE__, "synthetic hourly: MAE %.4f, scikit-learn %.4f",
	      got, want);
	/* Far better than seasonal naive, as scikit-learn's is. */
	check(got < 0.5 * fixture_scalar(fx, "mae_snaive"), __LINE__, "MAE %.4f, seasonal naive %.4f",
	      got, fixture_scalar(fx, "mae_snaive"));
	fixture_free(fx);
}

/* fixtures/series/NAME.csv ("timestamp,value", a header), with its first time and step. */
static double *
read_series(const char *name, size_t *n, int64_t *start_ms, int64_t *step_ms)
{
	char path[4096], line[256];
	double *y = NULL;
	size_t cap = 0;
	int64_t t1 = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/series/%s.csv", capplan_test_fixtures, name);
	fp = fopen(path, "r");
	*n = 0;
	if (!fp || !fgets(line, sizeof(line), fp))
		goto fail;
	while (fgets(line, sizeof(line), fp)) {
		struct capplan_error err;
		char *comma = strchr(line, ',');
		int64_t ms;

		if (!comma)
			goto fail;
		*comma = '\0';
		if (capplan_time_parse(line, &ms, &err) < 0)
			goto fail;
		if (*n == 0)
			*start_ms = ms;
		else if (*n == 1)
			t1 = ms;
		if (*n == cap) {
			double *g;

			cap = cap ? 2 * cap : 4096;
			g = realloc(y, cap * sizeof(*y));
			if (!g)
				goto fail;
			y = g;
		}
		y[(*n)++] = strtod(comma + 1, NULL);
	}
	*step_ms = t1 - *start_ms;
	fclose(fp);
	return y;
fail:
	if (fp)
		fclose(fp);
	free(y);
	return NULL;
}

/* NYC taxi passengers, a week held out, against scikit-learn with a weekly and a daily lag. */
static void
test_taxi_vs_sklearn(void)
{
	struct fixture *fx = fixture_load("model/forest/nyc_taxi.txt");
	int64_t start_ms = 0, step_ms = 0;
	size_t ny = 0, n, h;
	double *y = read_series("nab_nyc_taxi", &ny, &start_ms, &step_ms);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	n = (size_t)fixture_scalar(fx, "n");
	h = (size_t)fixture_scalar(fx, "h");
	CU_ASSERT_FATAL(ny == n + h && (double)start_ms == fixture_scalar(fx, "start_ms") &&
	                (double)step_ms == fixture_scalar(fx, "step_ms"));
	for (int daily = 0; daily < 2; daily++) {
		struct capplan_fit_input in;
		struct capplan_forecast out;
		struct capplan_fit_info info;
		struct capplan_error err;
		double got, want = fixture_scalar(fx, daily ? "mae_p48" : "mae");

		memset(&in, 0, sizeof(in));
		in.y = y;
		in.n = n;
		in.start_ms = start_ms;
		in.step_ms = step_ms;
		in.period = daily ? 48 : 336;
		in.seed = 2024;
		CU_ASSERT_EQUAL_FATAL(capplan_forest_forecast(&in, h, &out, &info, &err), 0);
		got = mae(out.yhat, y + n, h);
		check(got <= MAE_FACTOR * want, __LINE__, "nyc taxi, period %zu: MAE %.1f, scikit-learn %.1f",
		      in.period, got, want);
		capplan_forecast_release(&out);
	}
	free(y);
	fixture_free(fx);
}

int
register_forest_suite(void)
{
	CU_pSuite s = CU_add_suite("forest", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "a staircase learned exactly by one tree", test_staircase_single_tree) ||
	    !CU_add_test(s, "regressor: seeds", test_regressor_seeds) ||
	    !CU_add_test(s, "regressor: block bootstrap", test_block_bootstrap) ||
	    !CU_add_test(s, "regressor: bad data and options", test_regressor_errors) ||
	    !CU_add_test(s, "regressor: friedman1 against scikit-learn", test_friedman_vs_sklearn) ||
	    !CU_add_test(s, "a constant: itself, zero-width intervals", test_constant) ||
	    !CU_add_test(s, "same seed same forecast, another seed another", test_seeds) ||
	    !CU_add_test(s, "a daily cycle on a line", test_cycle_on_line) ||
	    !CU_add_test(s, "a driver that determines the series", test_driver) ||
	    !CU_add_test(s, "intervals in order and covering", test_interval_order) ||
	    !CU_add_test(s, "too few points", test_too_few) ||
	    !CU_add_test(s, "NaN holes left out", test_nan_holes) ||
	    !CU_add_test(s, "synthetic hourly against scikit-learn", test_synth_vs_sklearn) ||
	    !CU_add_test(s, "nyc taxi against scikit-learn", test_taxi_vs_sklearn))
		return -1;
	return 0;
}
