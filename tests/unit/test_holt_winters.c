/*
 * tests/unit/test_holt_winters.c: additive Holt-Winters, damped or not
 * (lib/model/holt_winters.c).
 *
 * Reference numbers are in tests/fixtures/model/holt_winters, written by
 * scripts/model-fixtures/holt_winters.py with statsmodels (ExponentialSmoothing
 * and ETSModel; for NaN holes, which statsmodels refuses, a numpy
 * transcription of its recursions checked against it on the series without
 * holes).  Real series are read from tests/fixtures/series.
 *
 *   recursions, states, forecasts   1e-9 of the data's magnitude (max |y|)
 *   forecast variances              1e-8 of themselves
 *   fitted SSE                      no more than statsmodels' best * (1 + 1e-6)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "fixture.h"
#include "model/forecast.h"
#include "model/holt_winters.h"
#include "suites.h"
#include "util/error.h"

/* the real series, in tests/fixtures/series */
#define RETAIL "prophet_retail_sales"
#define TAXI "nab_nyc_taxi"
#define EC2_CPU "nab_aws_ec2_cpu_utilization_24ae8d"
#define PEDS "prophet_pedestrians_location_41"

#define TOL 1e-9
#define VAR_TOL 1e-8
#define SSE_SLACK 1e-6
#define HOUR INT64_C(3600000)
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

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

static double
magnitude(const double *y, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(y[i]) && fabs(y[i]) > s)
			s = fabs(y[i]);
	return s;
}

/* Entries of got[0..n) not close to want[0..nwant) (fixture_close); all of them if n != nwant. */
static size_t
mismatches(const double *got, const double *want, size_t n, size_t nwant, double rel,
           double abs_tol)
{
	size_t bad = 0;

	if (!want || n != nwant)
		return n ? n : 1;
	for (size_t i = 0; i < n; i++)
		if (!fixture_close(got[i], want[i], rel, abs_tol))
			bad++;
	return bad;
}

/* The fixture array NAME against got[0..n), to rel and abs_tol. */
#define CHECK_ARRAY(fx, name, got, n, rel, abs_tol)                                       \
	do {                                                                               \
		size_t nw_;                                                                \
		const double *w_ = fixture_get((fx), (name), &nw_);                        \
		CU_ASSERT_EQUAL(mismatches((got), w_, (n), nw_, (rel), (abs_tol)), 0);     \
	} while (0)

#define CHECK_SCALAR(fx, name, got, rel, abs_tol) \
	CU_ASSERT(fixture_close((got), fixture_scalar((fx), (name)), (rel), (abs_tol)))

static double
param(const struct capplan_fit_info *info, const char *name)
{
	for (size_t i = 0; i < info->nparams; i++)
		if (strcmp(info->param_names[i], name) == 0)
			return info->params[i];
	return NAN;
}

/* Parameters and initial states of a fixture; season is allocated (caller frees). */
static int
fixture_model(const struct fixture *fx, struct capplan_hw_params *p, struct capplan_hw_states *st)
{
	size_t m;
	const double *s0 = fixture_get(fx, "s0", &m);

	p->alpha = fixture_scalar(fx, "alpha");
	p->beta = fixture_scalar(fx, "beta");
	p->gamma = fixture_scalar(fx, "gamma");
	p->phi = fixture_scalar(fx, "phi");
	st->level = fixture_scalar(fx, "l0");
	st->trend = fixture_scalar(fx, "b0");
	st->m = m;
	st->season = malloc((m ? m : 1) * sizeof(double));
	if (!s0 || m != (size_t)fixture_scalar(fx, "period") || !st->season)
		return -1;
	memcpy(st->season, s0, m * sizeof(double));
	return 0;
}

/* --- the recursions for given parameters ------------------------------------------------ */

/*
 * Run the recursions of fixture NAME with its parameters and initial states
 * and compare fitted values, SSE, final states, forecasts, variances and
 * bounds with statsmodels'.
 */
static void
check_fixed(const char *name, const char *csv)
{
	char path[256];
	struct fixture *fx;
	struct capplan_error err;
	struct capplan_hw_params p;
	struct capplan_hw_states init = { 0 }, final = { 0 };
	double *y, *fitted, *block, *fc, *var, *lo80, *hi80, *lo95, *hi95, sse, scale, tol, mse;
	size_t n, m, h, nobs, nw, bad;
	const double *fc_es;

	snprintf(path, sizeof(path), "model/holt_winters/%s.txt", name);
	fx = fixture_load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_series(fx, csv, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_EQUAL_FATAL(n, (size_t)fixture_scalar(fx, "n"));
	CU_ASSERT_EQUAL_FATAL(fixture_model(fx, &p, &init), 0);
	m = init.m;
	h = (size_t)fixture_scalar(fx, "h");
	scale = magnitude(y, n);
	tol = TOL * scale;
	block = malloc((n + m + 6 * h) * sizeof(double));
	CU_ASSERT_PTR_NOT_NULL_FATAL(block);
	fitted = block;
	final.season = block + n;
	final.m = m;
	fc = final.season + m;
	var = fc + h;
	lo80 = var + h;
	hi80 = lo80 + h;
	lo95 = hi80 + h;
	hi95 = lo95 + h;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, n, &p, &init, &final, fitted, &sse, &nobs,
	                                        &err), 0);
	CHECK_ARRAY(fx, "fitted", fitted, n, 0.0, tol);
	CHECK_ARRAY(fx, "fitted_ets", fitted, n, 0.0, tol);
	CHECK_SCALAR(fx, "sse", sse, TOL, 0.0);
	CU_ASSERT_EQUAL(nobs, n);
	CHECK_SCALAR(fx, "level_final", final.level, 0.0, tol);
	CHECK_SCALAR(fx, "trend_final", final.trend, 0.0, tol);
	CHECK_ARRAY(fx, "season_final", final.season, m, 0.0, tol);

	capplan_hw_predict(&p, &final, h, fc);
	CHECK_ARRAY(fx, "fc", fc, h, 0.0, tol);
	/* ExponentialSmoothing's own forecast, except where statsmodels #9538 hits */
	fc_es = fixture_get(fx, "fc_es", &nw);
	CU_ASSERT_EQUAL_FATAL(nw, h);
	bad = 0;
	for (size_t k = 0; k < h; k++)
		if ((k + 1) % m != 0 && !fixture_close(fc[k], fc_es[k], 0.0, tol))
			bad++;
	CU_ASSERT_EQUAL(bad, 0);

	mse = fixture_scalar(fx, "mse");
	CU_ASSERT(fixture_close(mse, sse / (double)n, 1e-12, 0.0));
	capplan_hw_variance(&p, m, mse, 0, h, var);
	CHECK_ARRAY(fx, "var", var, h, VAR_TOL, 0.0);
	for (size_t k = 0; k < h; k++) {
		double sd = sqrt(var[k]);

		lo80[k] = fc[k] - CAPPLAN_Z80 * sd;
		hi80[k] = fc[k] + CAPPLAN_Z80 * sd;
		lo95[k] = fc[k] - CAPPLAN_Z95 * sd;
		hi95[k] = fc[k] + CAPPLAN_Z95 * sd;
	}
	CHECK_ARRAY(fx, "lo80", lo80, h, 0.0, tol);
	CHECK_ARRAY(fx, "hi80", hi80, h, 0.0, tol);
	CHECK_ARRAY(fx, "lo95", lo95, h, 0.0, tol);
	CHECK_ARRAY(fx, "hi95", hi95, h, 0.0, tol);

	/* in place: the initial states' array receives the final ones */
	CU_ASSERT_EQUAL(capplan_hw_filter(y, n, &p, &init, &init, NULL, NULL, NULL, &err), 0);
	CHECK_ARRAY(fx, "season_final", init.season, m, 0.0, tol);
	CHECK_SCALAR(fx, "level_final", init.level, 0.0, tol);

	free(block);
	free(init.season);
	free(y);
	fixture_free(fx);
}

static void test_fixed_retail_m12(void) { check_fixed("retail_m12_fixed", RETAIL); }
static void test_fixed_retail_m12_damped(void) { check_fixed("retail_m12_damped_fixed", RETAIL); }
static void test_fixed_nyc_taxi_m48(void) { check_fixed("nyc_taxi_m48_fixed", TAXI); }
static void test_fixed_nyc_taxi_m48_damped(void) { check_fixed("nyc_taxi_m48_damped_fixed", TAXI); }
static void test_fixed_synth_m4_damped(void) { check_fixed("synth_m4_damped_fixed", NULL); }
static void test_fixed_synth_m7(void) { check_fixed("synth_m7_fixed", NULL); }

/* NaN holes in nab_nyc_taxi: fitted values, SSE over the rest, states, forecast. */
static void
test_holes_nyc_taxi(void)
{
	struct fixture *fx;
	struct capplan_error err;
	struct capplan_hw_params p;
	struct capplan_hw_states init = { 0 }, final = { 0 };
	double *y, *fitted, *fc, sse, tol;
	size_t n, m, h, nobs;

	fx = fixture_load("model/holt_winters/nyc_taxi_m48_holes.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_series(fx, TAXI, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	CU_ASSERT_FATAL(isnan(y[0]) && isnan(y[n - 1]) && !isnan(y[2]));
	CU_ASSERT_EQUAL_FATAL(fixture_model(fx, &p, &init), 0);
	m = init.m;
	h = (size_t)fixture_scalar(fx, "h");
	tol = TOL * magnitude(y, n);
	fitted = malloc((n + m + h) * sizeof(double));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fitted);
	final.season = fitted + n;
	final.m = m;
	fc = final.season + m;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, n, &p, &init, &final, fitted, &sse, &nobs,
	                                        &err), 0);
	CHECK_ARRAY(fx, "fitted", fitted, n, 0.0, tol);
	CHECK_SCALAR(fx, "sse", sse, TOL, 0.0);
	CHECK_SCALAR(fx, "nobs", (double)nobs, 0.0, 0.0);
	CHECK_SCALAR(fx, "level_final", final.level, 0.0, tol);
	CHECK_SCALAR(fx, "trend_final", final.trend, 0.0, tol);
	CHECK_ARRAY(fx, "season_final", final.season, m, 0.0, tol);
	capplan_hw_predict(&p, &final, h, fc);
	CHECK_ARRAY(fx, "fc", fc, h, 0.0, tol);
	free(fitted);
	free(init.season);
	free(y);
	fixture_free(fx);
}

/*
 * By hand, period 2, alpha 1/2, beta 1/2, gamma 1/4, phi 1, l0 10, b0 1,
 * s0 (1, -1), y = 12, NaN, 14, 13:
 *   t0: yhat 10 + 1 + 1 = 12, e 0: l 11, b 1, s[0] 1
 *   t1: yhat 11 + 1 - 1 = 11, NaN: l 12, b 1, s[1] -1 (kept)
 *   t2: yhat 12 + 1 + 1 = 14, e 0: l 13, b 1
 *   t3: yhat 13 + 1 - 1 = 13, e 0: l 14, b 1
 * then a NaN-free check with y3 = 17: e 4: l 14 + 2 = 16, b 1 + 1 = 2,
 * s[1] -1 + 1 = 0; forecasts 16 + 2 + 1 = 19, 16 + 4 + 0 = 20.
 */
static void
test_nan_by_hand(void)
{
	double y[] = { 12, NAN, 14, 13 };
	const double fitted_want[] = { 12, 11, 14, 13 };
	struct capplan_hw_params p = { 0.5, 0.5, 0.25, 1.0 };
	double s0[2] = { 1, -1 }, s1[2], fitted[4], fc[2], sse;
	struct capplan_hw_states init = { 10, 1, s0, 2 }, final = { 0, 0, s1, 2 };
	struct capplan_error err;
	size_t nobs;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, 4, &p, &init, &final, fitted, &sse, &nobs,
	                                        &err), 0);
	CU_ASSERT_EQUAL(mismatches(fitted, fitted_want, 4, 4, 0.0, 1e-12), 0);
	CU_ASSERT_DOUBLE_EQUAL(sse, 0.0, 1e-20);
	CU_ASSERT_EQUAL(nobs, 3);
	CU_ASSERT_DOUBLE_EQUAL(final.level, 14.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(final.trend, 1.0, 1e-12);
	/* the next point (t4) is phase 0 */
	CU_ASSERT_DOUBLE_EQUAL(final.season[0], 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(final.season[1], -1.0, 1e-12);

	y[3] = 17;
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, 4, &p, &init, &final, fitted, &sse, &nobs,
	                                        &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(sse, 16.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(final.level, 16.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(final.trend, 2.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(final.season[1], 0.0, 1e-12);
	capplan_hw_predict(&p, &final, 2, fc);
	CU_ASSERT_DOUBLE_EQUAL(fc[0], 19.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(fc[1], 20.0, 1e-12);
}

/*
 * A NaN point is the same as an observation equal to its own prediction:
 * put NaN at a few places of a series, then the predictions there back as
 * values, and everything must agree (the SSE too: those points add 0).
 */
static void
test_nan_is_own_prediction(void)
{
	enum { N = 200, M = 5 };
	static const size_t holes[] = { 0, 7, 8, 9, 63, 150, 199 };
	double y[N], fitted[N], fitted2[N], s0[M], sa[M], sb[M], sse, sse2;
	struct capplan_hw_params p = { 0.4, 0.2, 0.3, 0.9 };
	struct capplan_hw_states init = { 5, 0.3, s0, M }, a = { 0, 0, sa, M }, b = { 0, 0, sb, M };
	struct capplan_error err;
	size_t nobs, nobs2;

	for (size_t i = 0; i < N; i++)
		y[i] = 5 + 0.3 * (double)i + 2 * sin((double)i) + (double)((i * 7919) % 13) / 4.0;
	for (size_t j = 0; j < M; j++)
		s0[j] = (double)j - 2.0;
	for (size_t k = 0; k < sizeof(holes) / sizeof(holes[0]); k++)
		y[holes[k]] = NAN;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, N, &p, &init, &a, fitted, &sse, &nobs, &err), 0);
	CU_ASSERT_EQUAL(nobs, N - sizeof(holes) / sizeof(holes[0]));
	for (size_t k = 0; k < sizeof(holes) / sizeof(holes[0]); k++)
		y[holes[k]] = fitted[holes[k]];
	CU_ASSERT_EQUAL_FATAL(capplan_hw_filter(y, N, &p, &init, &b, fitted2, &sse2, &nobs2,
	                                        &err), 0);
	CU_ASSERT_EQUAL(nobs2, N);
	CU_ASSERT_EQUAL(mismatches(fitted2, fitted, N, N, 1e-13, 1e-13), 0);
	CU_ASSERT(fixture_close(sse2, sse, 1e-13, 0.0));
	CU_ASSERT(fixture_close(b.level, a.level, 1e-13, 1e-13));
	CU_ASSERT(fixture_close(b.trend, a.trend, 1e-13, 1e-13));
	CU_ASSERT_EQUAL(mismatches(sb, sa, M, M, 1e-13, 1e-13), 0);
}

/*
 * The variance by hand, period 3, alpha 0.5, beta 0.2, gamma 0.3, phi 0.5,
 * sigma^2 2: phi_1 = 0.5, phi_2 = 0.75, phi_3 = 0.875;
 * c_1 = 0.5 + 0.1 * 0.5 = 0.55, c_2 = 0.5 + 0.1 * 0.75 = 0.575,
 * c_3 = 0.5 + 0.1 * 0.875 + 0.3 = 0.8875;
 * var = 2, 2 (1 + c1^2), 2 (1 + c1^2 + c2^2), 2 (1 + c1^2 + c2^2 + c3^2).
 * With a gap of 2 trailing missing points the first is the third of these.
 */
static void
test_variance_by_hand(void)
{
	struct capplan_hw_params p = { 0.5, 0.2, 0.3, 0.5 };
	double c1 = 0.55, c2 = 0.575, c3 = 0.8875, var[4], gap[2];
	const double want[] = { 2, 2 * (1 + c1 * c1), 2 * (1 + c1 * c1 + c2 * c2),
	                        2 * (1 + c1 * c1 + c2 * c2 + c3 * c3) };

	capplan_hw_variance(&p, 3, 2.0, 0, 4, var);
	CU_ASSERT_EQUAL(mismatches(var, want, 4, 4, 1e-14, 0.0), 0);
	capplan_hw_variance(&p, 3, 2.0, 2, 2, gap);
	CU_ASSERT_EQUAL(mismatches(gap, want + 2, 2, 2, 1e-14, 0.0), 0);
	/* undamped, phi_j = j: c_1 = 0.5 + 0.1 = 0.6, c_2 = 0.5 + 0.2 = 0.7 */
	p.phi = 1.0;
	capplan_hw_variance(&p, 3, 1.0, 0, 3, var);
	CU_ASSERT_DOUBLE_EQUAL(var[2], 1 + 0.36 + 0.49, 1e-14);
}

static void
test_filter_errors(void)
{
	double y[4] = { 1, 2, 3, 4 }, s0[2] = { 0, 0 }, s1[3];
	struct capplan_hw_params p = { 0.5, 0.5, 0.25, 1.0 };
	struct capplan_hw_states init = { 0, 0, s0, 2 }, final = { 0, 0, s1, 3 };
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_filter(y, 4, &p, &init, &final, NULL, NULL, NULL, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
	init.m = 0;
	final.m = 0;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_filter(y, 4, &p, &init, &final, NULL, NULL, NULL, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
}

/* --- fitting ----------------------------------------------------------------------------- */

/*
 * Fit fixture NAME's series with its period and variant: the SSE no higher
 * than statsmodels' best (relative slack SSE_SLACK), the parameters in their
 * ranges, the fit consistent with the recursions, the AICc by its formula,
 * and the forecast within fc_tol (of the data's magnitude) of statsmodels'
 * fitted model's: two optima of nearly the same SSE need not forecast alike
 * to 1e-9.
 */
static void
check_fit(const char *name, const char *csv, double fc_tol)
{
	char path[256];
	struct fixture *fx;
	struct capplan_error err;
	struct capplan_hw_fit fit;
	struct capplan_hw_states final = { 0 };
	double *y, *fc, *s, sm_sse, scale, sse, K, nn, aicc;
	size_t n, m, h, nobs;
	int damped;

	snprintf(path, sizeof(path), "model/holt_winters/%s.txt", name);
	fx = fixture_load(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx);
	y = fixture_series(fx, csv, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	m = (size_t)fixture_scalar(fx, "period");
	h = (size_t)fixture_scalar(fx, "h");
	damped = fixture_scalar(fx, "damped") != 0;
	sm_sse = fixture_scalar(fx, "sm_sse");
	CU_ASSERT_FATAL(sm_sse > 0);
	scale = magnitude(y, n);
	fc = malloc((h + m) * sizeof(double));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fc);
	s = fc + h;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_fit(y, n, m, damped, &fit, &err), 0);
	CU_ASSERT(fit.sse <= sm_sse * (1.0 + SSE_SLACK));
	CU_ASSERT_EQUAL(fit.damped, damped);
	CU_ASSERT_EQUAL(fit.nobs, n);
	CU_ASSERT_EQUAL(fit.nparams, (damped ? 4u : 3u) + 2 + m - 1);
	CU_ASSERT(fit.params.alpha > 0 && fit.params.alpha <= 1);
	CU_ASSERT(fit.params.beta > 0 && fit.params.beta <= 1);
	CU_ASSERT(fit.params.gamma >= 0 && fit.params.gamma <= 1 - fit.params.alpha);
	if (damped) {
		CU_ASSERT(fit.params.phi >= 0.8 && fit.params.phi <= 0.98);
	} else {
		CU_ASSERT_EQUAL(fit.params.phi, 1.0);
	}
	/* the initial seasonal states sum to zero */
	{
		double sum = 0, mag = 0;

		for (size_t j = 0; j < m; j++) {
			sum += fit.init.season[j];
			mag = fmax(mag, fabs(fit.init.season[j]));
		}
		CU_ASSERT(fabs(sum) <= 1e-9 * fmax(mag, 1.0));
	}
	/* the recursions from the fitted initial states give the fit's SSE and final states */
	final.season = s;
	final.m = m;
	CU_ASSERT_EQUAL(capplan_hw_filter(y, n, &fit.params, &fit.init, &final, NULL, &sse, &nobs,
	                                  &err), 0);
	CU_ASSERT(fixture_close(sse, fit.sse, 1e-12, 0.0));
	CU_ASSERT_EQUAL(mismatches(s, fit.final.season, m, m, 1e-12, 0.0), 0);
	/* AICc, K = nparams + 1 */
	K = (double)(fit.nparams + 1);
	nn = (double)fit.nobs;
	aicc = nn * log(2 * 3.14159265358979323846 * fit.sse / nn) + nn + 2 * K +
	       2 * K * (K + 1) / (nn - K - 1);
	CU_ASSERT(fixture_close(fit.aicc, aicc, 1e-12, 0.0));

	capplan_hw_predict(&fit.params, &fit.final, h, fc);
	CHECK_ARRAY(fx, "fc", fc, h, 0.0, fc_tol * scale);

	capplan_hw_fit_release(&fit);
	CU_ASSERT_PTR_NULL(fit.init.season);
	free(fc);
	free(y);
	fixture_free(fx);
}

static void test_fit_retail_m12(void) { check_fit("retail_m12_fit", RETAIL, 1e-5); }
static void test_fit_retail_m12_damped(void) { check_fit("retail_m12_damped_fit", RETAIL, 1e-5); }
static void test_fit_nyc_taxi_m48(void) { check_fit("nyc_taxi_m48_fit", TAXI, 1e-4); }
static void test_fit_nyc_taxi_m48_damped(void) { check_fit("nyc_taxi_m48_damped_fit", TAXI, 3e-4); }
static void test_fit_peds_m24(void) { check_fit("pedestrians_41_m24_fit", PEDS, 3e-5); }
static void
test_fit_peds_m24_damped(void)
{
	check_fit("pedestrians_41_m24_damped_fit", PEDS, 3e-6);
}
static void test_fit_ec2_cpu_m288(void) { check_fit("ec2_cpu_m288_fit", EC2_CPU, 1e-7); }
static void test_fit_synth_m24(void) { check_fit("synth_m24_fit", NULL, 1e-5); }
static void test_fit_synth_m24_damped(void) { check_fit("synth_m24_damped_fit", NULL, 1e-5); }
static void test_fit_synth_m12_damped(void) { check_fit("synth_m12_damped_fit", NULL, 1e-5); }

/* Per-series failures of the fit: period, length, missing and infinite values. */
static void
test_fit_failures(void)
{
	double y[40];
	struct capplan_hw_fit fit;
	struct capplan_error err;

	for (size_t i = 0; i < 40; i++)
		y[i] = (double)(i % 4) + 0.1 * (double)i;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 40, 1, 0, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 39, 20, 0, &fit, &err), -1);   /* 39 < 2 * 20 */
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "fewer than two periods"));
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 40, 20, 0, &fit, &err), 0);     /* exactly two */
	capplan_hw_fit_release(&fit);
	/* m = 2: two periods are 4 points, but 3 + 2 + 1 parameters need 9 */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 8, 2, 0, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "too few"));
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 9, 2, 0, &fit, &err), 0);
	capplan_hw_fit_release(&fit);
	/* holes take the points with values below two periods */
	y[3] = NAN;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 40, 20, 0, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	y[3] = INFINITY;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_hw_fit(y, 40, 4, 1, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "infinite"));
}

/* --- the method -------------------------------------------------------------------------- */

static struct capplan_fit_input
input(const double *y, size_t n, size_t period)
{
	return (struct capplan_fit_input){ .y = y, .n = n, .start_ms = T0, .step_ms = HOUR,
	                                   .period = period };
}

/*
 * A cycle on a straight line is fitted exactly (the initial states carry
 * it whatever the smoothing), so the forecast continues it and sigma is 0
 * up to rounding; the undamped model, which can follow a line, wins.  With
 * holes the same.
 */
static void
check_cycle_line(const size_t *holes, size_t nholes)
{
	enum { N = 84, M = 7, H = 30 };
	static const double cycle[M] = { 3, -1, 4, -1, -5, 9, -9 };
	double y[N], want[H], scale = 0;
	struct capplan_fit_input in;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < N + H; i++) {
		double v = 250.0 + 1.5 * (double)i + cycle[i % M];

		if (i < N)
			y[i] = v;
		else
			want[i - N] = v;
		scale = fmax(scale, fabs(v));
	}
	for (size_t k = 0; k < nholes; k++)
		y[holes[k]] = NAN;
	in = input(y, N, M);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, H, &f, &info, &err), 0);
	CU_ASSERT_EQUAL(f.h, H);
	CU_ASSERT_EQUAL(mismatches(f.yhat, want, H, H, 0.0, 1e-9 * scale), 0);
	CU_ASSERT_EQUAL(mismatches(f.lo95, want, H, H, 0.0, 1e-8 * scale), 0);
	CU_ASSERT_EQUAL(mismatches(f.hi80, want, H, H, 0.0, 1e-8 * scale), 0);
	CU_ASSERT(info.sigma <= 1e-9 * scale);
	CU_ASSERT_EQUAL(param(&info, "phi"), 1.0);
	CU_ASSERT_EQUAL(param(&info, "period"), (double)M);
	CU_ASSERT_EQUAL(info.nobs, N - nholes);
	capplan_forecast_release(&f);
}

static void
test_cycle_line(void)
{
	check_cycle_line(NULL, 0);
}

static void
test_cycle_line_holes(void)
{
	static const size_t holes[] = { 0, 1, 20, 21, 22, 23, 24, 25, 26, 27, 50, 82 };

	check_cycle_line(holes, sizeof(holes) / sizeof(holes[0]));
}

/*
 * A long period on little more than two cycles (85 points, 40 + 1 initial
 * states among 4 and 5 smoothing parameters): a cycle on a line is still
 * continued exactly.
 */
static void
test_two_cycles(void)
{
	enum { N = 85, M = 40, H = 90 };
	double y[N + H], cycle[M], mean = 0;
	struct capplan_fit_input in;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t j = 0; j < M; j++) {
		cycle[j] = 20 * sin(0.37 * (double)(j * j % 101)) + (double)(j % 17);
		mean += cycle[j] / M;
	}
	for (size_t i = 0; i < N + H; i++)
		y[i] = 1000 - 0.25 * (double)i + cycle[i % M] - mean;
	in = input(y, N, M);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, H, &f, &info, &err), 0);
	CU_ASSERT_EQUAL(mismatches(f.yhat, y + N, H, H, 0.0, 1e-9 * 1000), 0);
	CU_ASSERT(info.sigma <= 1e-9 * 1000);
	CU_ASSERT_EQUAL(param(&info, "phi"), 1.0);
	capplan_forecast_release(&f);
}

/* A constant: forecast the constant, intervals of zero width. */
static void
test_constant(void)
{
	enum { N = 50, M = 5, H = 12 };
	double y[N];
	struct capplan_fit_input in;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	size_t bad = 0;

	for (size_t i = 0; i < N; i++)
		y[i] = 42.0;
	in = input(y, N, M);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, H, &f, &info, &err), 0);
	for (size_t k = 0; k < H; k++) {
		if (fabs(f.yhat[k] - 42.0) > 1e-10 || fabs(f.lo95[k] - 42.0) > 1e-9 ||
		    fabs(f.hi95[k] - 42.0) > 1e-9 || fabs(f.lo80[k] - 42.0) > 1e-9 ||
		    fabs(f.hi80[k] - 42.0) > 1e-9)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(info.sigma <= 1e-10);
	CU_ASSERT(info.sse <= 1e-18);
	capplan_forecast_release(&f);
}

/* Too short, no period, a period of 1, all NaN: per-series failures, nothing allocated. */
static void
test_method_failures(void)
{
	double y[23];
	struct capplan_fit_input in;
	struct capplan_forecast f = { 0 };
	struct capplan_fit_info info;
	struct capplan_error err;

	for (size_t i = 0; i < 23; i++)
		y[i] = (double)i;
	in = input(y, 23, 12);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_holt_winters_forecast(&in, 5, &f, &info, &err), -1);   /* 23 < 24 */
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NULL(f.yhat);
	in.period = 0;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_holt_winters_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "no seasonal period");
	in.period = 1;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_holt_winters_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	for (size_t i = 0; i < 23; i++)
		y[i] = NAN;
	in.period = 3;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_holt_winters_forecast(&in, 5, &f, &info, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NULL(f.yhat);
}

/*
 * The method on prophet_retail_sales: both variants fitted, the one with
 * the lower AICc kept; its parameters reported; sigma^2 = sse / (nobs -
 * nparams); the first interval is yhat -/+ z sigma and the second
 * yhat -/+ z sigma sqrt(1 + c_1^2), c_1 = alpha + alpha beta phi (+ gamma
 * only when m = 1, never).
 */
static void
test_method_retail(void)
{
	struct capplan_hw_fit f0, f1, *best;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	struct capplan_fit_input in;
	double *y, fc[24], sigma, c1, sd2, scale;
	size_t n, m = 12, h = 24;

	y = fixture_read_series(RETAIL, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	scale = magnitude(y, n);
	in = input(y, n, m);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_fit(y, n, m, 0, &f0, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_fit(y, n, m, 1, &f1, &err), 0);
	best = f1.aicc < f0.aicc ? &f1 : &f0;
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, h, &f, &info, &err), 0);
	CU_ASSERT_EQUAL(info.nparams, 5);
	CU_ASSERT_STRING_EQUAL(info.param_names[0], "alpha");
	CU_ASSERT_STRING_EQUAL(info.param_names[1], "beta");
	CU_ASSERT_STRING_EQUAL(info.param_names[2], "gamma");
	CU_ASSERT_STRING_EQUAL(info.param_names[3], "phi");
	CU_ASSERT_STRING_EQUAL(info.param_names[4], "period");
	CU_ASSERT_EQUAL(param(&info, "alpha"), best->params.alpha);
	CU_ASSERT_EQUAL(param(&info, "beta"), best->params.beta);
	CU_ASSERT_EQUAL(param(&info, "gamma"), best->params.gamma);
	CU_ASSERT_EQUAL(param(&info, "phi"), best->params.phi);
	CU_ASSERT_EQUAL(param(&info, "period"), 12.0);
	CU_ASSERT_EQUAL(info.sse, best->sse);
	CU_ASSERT_EQUAL(info.nobs, n);
	sigma = sqrt(best->sse / (double)(n - (best->damped ? 4 : 3) - 2 - (m - 1)));
	CU_ASSERT(fixture_close(info.sigma, sigma, 1e-14, 0.0));
	capplan_hw_predict(&best->params, &best->final, h, fc);
	CU_ASSERT_EQUAL(mismatches(f.yhat, fc, h, h, 0.0, 1e-12 * scale), 0);
	CU_ASSERT(fixture_close(f.hi95[0] - f.yhat[0], CAPPLAN_Z95 * sigma, 1e-12, 0.0));
	CU_ASSERT(fixture_close(f.yhat[0] - f.lo80[0], CAPPLAN_Z80 * sigma, 1e-12, 0.0));
	c1 = best->params.alpha + best->params.alpha * best->params.beta * best->params.phi;
	sd2 = sigma * sqrt(1 + c1 * c1);
	CU_ASSERT(fixture_close(f.hi80[1] - f.yhat[1], CAPPLAN_Z80 * sd2, 1e-12, 0.0));
	CU_ASSERT(fixture_close(f.yhat[1] - f.lo95[1], CAPPLAN_Z95 * sd2, 1e-12, 0.0));
	capplan_forecast_release(&f);
	capplan_hw_fit_release(&f0);
	capplan_hw_fit_release(&f1);
	free(y);
}

/*
 * A trend that levels off, y = 100 + 40 (1 - 0.85^t) + cycle + a little
 * noise: the damped model must win the AICc, and its phi be below 1.
 */
static void
test_method_picks_damped(void)
{
	enum { N = 96, M = 12, H = 12 };
	static const double cycle[M] = { 5, 3, 0, -2, -4, -6, -5, -3, 0, 2, 4, 6 };
	double y[N];
	struct capplan_fit_input in;
	struct capplan_forecast f;
	struct capplan_fit_info info;
	struct capplan_error err;
	struct capplan_hw_fit f0, f1;

	for (size_t i = 0; i < N; i++)
		y[i] = 100 + 40 * (1 - pow(0.85, (double)i)) + cycle[i % M] +
		       0.3 * sin(1.7 * (double)i * (double)i);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_fit(y, N, M, 0, &f0, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_hw_fit(y, N, M, 1, &f1, &err), 0);
	CU_ASSERT(f1.aicc < f0.aicc);
	in = input(y, N, M);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, H, &f, &info, &err), 0);
	CU_ASSERT(param(&info, "phi") < 1.0);
	CU_ASSERT_EQUAL(param(&info, "phi"), f1.params.phi);
	CU_ASSERT_EQUAL(info.sse, f1.sse);
	capplan_forecast_release(&f);
	capplan_hw_fit_release(&f0);
	capplan_hw_fit_release(&f1);
}

/*
 * Trailing missing points add nothing to the fit, so the fit is that of the
 * series without them; the forecast k steps after the end is the one
 * gap + k steps after the last value, with that variance.
 */
static void
test_method_trailing_gap(void)
{
	enum { N = 120, M = 6, GAP = 4, H = 10 };
	double y[N];
	struct capplan_fit_input in, cut;
	struct capplan_forecast f, g;
	struct capplan_fit_info info, info_cut;
	struct capplan_error err;
	double walk = 0;

	/* a random walk (deterministic steps) on a cycle, so that alpha is well above 0 */
	for (size_t i = 0; i < N; i++) {
		walk += sin(0.9 * (double)i * (double)i);
		y[i] = 30 + walk + 4 * cos(2 * 3.14159265358979 * (double)i / M) +
		       0.3 * sin(1.3 * (double)i * (double)i);
	}
	for (size_t i = N - GAP; i < N; i++)
		y[i] = NAN;
	in = input(y, N, M);
	cut = input(y, N - GAP, M);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&in, H, &f, &info, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_holt_winters_forecast(&cut, H + GAP, &g, &info_cut, &err), 0);
	CU_ASSERT_EQUAL(info.nobs, N - GAP);
	CU_ASSERT(fixture_close(info.sse, info_cut.sse, 1e-12, 0.0));
	CU_ASSERT(fixture_close(param(&info, "alpha"), param(&info_cut, "alpha"), 1e-9, 0.0));
	CU_ASSERT(param(&info, "alpha") > 0.1);
	CU_ASSERT_EQUAL(mismatches(f.yhat, g.yhat + GAP, H, H, 1e-10, 0.0), 0);
	CU_ASSERT_EQUAL(mismatches(f.lo95, g.lo95 + GAP, H, H, 1e-10, 0.0), 0);
	CU_ASSERT_EQUAL(mismatches(f.hi80, g.hi80 + GAP, H, H, 1e-10, 0.0), 0);
	capplan_forecast_release(&f);
	capplan_forecast_release(&g);
}

int
register_holt_winters_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "recursions: retail, period 12", test_fixed_retail_m12 },
		{ "recursions: retail, period 12, damped", test_fixed_retail_m12_damped },
		{ "recursions: nyc taxi, period 48", test_fixed_nyc_taxi_m48 },
		{ "recursions: nyc taxi, period 48, damped", test_fixed_nyc_taxi_m48_damped },
		{ "recursions: synthetic, period 4, damped", test_fixed_synth_m4_damped },
		{ "recursions: synthetic, period 7", test_fixed_synth_m7 },
		{ "recursions: nyc taxi with NaN holes", test_holes_nyc_taxi },
		{ "recursions: NaN by hand", test_nan_by_hand },
		{ "recursions: NaN is its own prediction", test_nan_is_own_prediction },
		{ "variance by hand", test_variance_by_hand },
		{ "filter: bad states", test_filter_errors },
		{ "fit: retail, period 12", test_fit_retail_m12 },
		{ "fit: retail, period 12, damped", test_fit_retail_m12_damped },
		{ "fit: nyc taxi, period 48", test_fit_nyc_taxi_m48 },
		{ "fit: nyc taxi, period 48, damped", test_fit_nyc_taxi_m48_damped },
		{ "fit: pedestrians, period 24 (alpha near 1)", test_fit_peds_m24 },
		{ "fit: pedestrians, period 24, damped", test_fit_peds_m24_damped },
		{ "fit: ec2 cpu, period 288 (nearly deterministic)", test_fit_ec2_cpu_m288 },
		{ "fit: synthetic, period 24", test_fit_synth_m24 },
		{ "fit: synthetic, period 24, damped", test_fit_synth_m24_damped },
		{ "fit: synthetic damped trend, period 12", test_fit_synth_m12_damped },
		{ "fit: failures", test_fit_failures },
		{ "method: cycle on a line", test_cycle_line },
		{ "method: cycle on a line with holes", test_cycle_line_holes },
		{ "method: constant", test_constant },
		{ "method: a long period, two cycles", test_two_cycles },
		{ "method: failures", test_method_failures },
		{ "method: retail, AICc choice and intervals", test_method_retail },
		{ "method: a levelling trend picks the damped model", test_method_picks_damped },
		{ "method: trailing missing points", test_method_trailing_gap },
	};
	CU_pSuite s = CU_add_suite("holt_winters", NULL, NULL);

	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
