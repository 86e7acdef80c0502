/*
 * tests/unit/test_run.c: the parts of a model run that need no database:
 * the --methods list, the choice of the seasonal period, the seeds, one
 * series from samples to stored results, and the params JSON.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "model/baselines.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/store.h"
#include "suites.h"
#include "util/strbuf.h"

#define HOUR INT64_C(3600000)
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

/* ---- --methods ---- */

static void
test_methods_all(void)
{
	struct capplan_method_desc out[CAPPLAN_MODEL_MAX_METHODS];
	struct capplan_error err;
	size_t count, nall;
	const struct capplan_method_desc *all = capplan_methods(&nall);

	CU_ASSERT_EQUAL_FATAL(capplan_model_methods(NULL, out, CAPPLAN_MODEL_MAX_METHODS, &count, &err), 0);
	CU_ASSERT_EQUAL_FATAL(count, nall);
	for (size_t i = 0; i < count; i++)
		CU_ASSERT_STRING_EQUAL(out[i].name, all[i].name);
}

static void
test_methods_baselines_always(void)
{
	struct capplan_method_desc out[CAPPLAN_MODEL_MAX_METHODS];
	struct capplan_error err;
	size_t count;

	/* named once, twice, or in another order: each once, in the registry's order */
	CU_ASSERT_EQUAL_FATAL(capplan_model_methods("seasonal-naive,naive,naive", out,
	                                            CAPPLAN_MODEL_MAX_METHODS, &count, &err), 0);
	CU_ASSERT_EQUAL_FATAL(count, 2);
	CU_ASSERT_STRING_EQUAL(out[0].name, "naive");
	CU_ASSERT_STRING_EQUAL(out[1].name, "seasonal-naive");
	CU_ASSERT_EQUAL_FATAL(capplan_model_methods("naive", out, CAPPLAN_MODEL_MAX_METHODS, &count, &err), 0);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT(out[0].baseline && out[1].baseline);
}

static void
test_methods_unknown(void)
{
	struct capplan_method_desc out[CAPPLAN_MODEL_MAX_METHODS];
	struct capplan_error err;
	size_t count;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_model_methods("naive,prophet", out, CAPPLAN_MODEL_MAX_METHODS, &count, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CU_ASSERT_STRING_EQUAL(err.msg, "--methods: unknown method \"prophet\"");
	CU_ASSERT_NSTRING_EQUAL(err.hint, "known methods: ", 15);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "naive, seasonal-naive"));
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_model_methods("naive,", out, CAPPLAN_MODEL_MAX_METHODS, &count, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CU_ASSERT_STRING_EQUAL(err.msg, "--methods: empty method name in \"naive,\"");
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_model_methods("", out, CAPPLAN_MODEL_MAX_METHODS, &count, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
}

/* ---- the seasonal period ---- */

static void
test_period_daily(void)
{
	/*
	 * A daily cycle, 14 days hourly: candidates 24 and 168.  The differences
	 * are a cycle of 24 too; their autocorrelation is about 1 at both lags,
	 * times the share of the series each lag spans: (335 - 24) / 335 = 0.93
	 * against (335 - 168) / 335 = 0.50.
	 */
	size_t n = 24 * 14;
	double *y = malloc(n * sizeof(*y));

	for (size_t i = 0; i < n; i++)
		y[i] = 10 + 3 * sin(2 * M_PI * (double)i / 24) + 0.01 * (double)i;
	CU_ASSERT_EQUAL(capplan_model_period(y, n, HOUR), 24);
	free(y);
}

static void
test_period_weekly(void)
{
	/*
	 * A weekly cycle, 4 weeks hourly: at lag 24 the differences correlate by
	 * cos(2 pi 24 / 168) = 0.62 (times 0.96), at lag 168 fully (times 0.75).
	 */
	size_t n = 168 * 4;
	double *y = malloc(n * sizeof(*y));

	for (size_t i = 0; i < n; i++)
		y[i] = 100 + 20 * sin(2 * M_PI * (double)i / 168);
	CU_ASSERT_EQUAL(capplan_model_period(y, n, HOUR), 168);
	free(y);
}

static void
test_period_none_or_shortest(void)
{
	double y[60];

	/* 47 hourly points hold no two full days */
	for (size_t i = 0; i < 60; i++)
		y[i] = (double)(i % 5);
	CU_ASSERT_EQUAL(capplan_model_period(y, 47, HOUR), 0);
	/* a straight line: the differences do not vary, the shortest candidate it is */
	for (size_t i = 0; i < 60; i++)
		y[i] = 2.0 * (double)i;
	CU_ASSERT_EQUAL(capplan_model_period(y, 60, HOUR), 24);
	/* daily data: a week of 7 days is the only candidate in 60 days */
	CU_ASSERT_EQUAL(capplan_model_period(y, 60, 24 * HOUR), 7);
}

static void
test_seed(void)
{
	CU_ASSERT_EQUAL(capplan_model_seed(42), capplan_model_seed(42));
	CU_ASSERT_NOT_EQUAL(capplan_model_seed(42), capplan_model_seed(43));
	/* splitmix64's first output for state 0 + golden gamma, a published value */
	CU_ASSERT_EQUAL(capplan_model_seed(0), UINT64_C(0xe220a8397b1dcdaf));
}

/* ---- one series ---- */

/* The seasonal naive, except that on the whole history (n = 336) its forecast has a NaN. */
static int
nan_on_full_history(const struct capplan_fit_input *in, size_t h, struct capplan_forecast *out,
                    struct capplan_fit_info *info, struct capplan_error *err)
{
	if (capplan_snaive_forecast(in, h, out, info, err) < 0)
		return -1;
	if (in->n == 336 && h > 5)
		out->yhat[5] = NAN;
	return 0;
}

static const struct capplan_method_desc test_methods[] = {
	{ "nan-at-6", nan_on_full_history, 1, 0 },
	{ "naive", capplan_naive_forecast, 0, 1 },
	{ "seasonal-naive", capplan_snaive_forecast, 1, 1 },
};
static const struct capplan_model_config test_config = {
	.methods = test_methods, .nmethods = 3, .horizon_ms = 24 * HOUR
};

/* n hourly samples from t0: f(i). */
static void
samples(size_t n, int64_t *ts, double *v, double (*f)(size_t))
{
	for (size_t i = 0; i < n; i++) {
		ts[i] = INT64_C(1735689600000) + (int64_t)i * HOUR;
		v[i] = f(i);
	}
}

static double
cycle(size_t i)
{
	return 10 + 3 * sin(2 * M_PI * (double)i / 24) + 0.01 * (double)i;
}

static double
seven(size_t i)
{
	(void)i;
	return 7;
}

static double
ramp(size_t i)
{
	return (double)(i * i % 7);
}

static void
test_fit_cycle(void)
{
	int64_t ts[336];
	double v[336];
	struct capplan_series_fit fit;
	struct capplan_error err;

	samples(336, ts, v, cycle);
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&test_config, 5, ts, v, 336, &fit, &err), 0);
	CU_ASSERT_EQUAL(fit.series_id, 5);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "");
	CU_ASSERT(fit.prepared);
	CU_ASSERT_EQUAL(fit.step_ms, HOUR);
	CU_ASSERT_EQUAL(fit.points, 336);
	CU_ASSERT_EQUAL(fit.filled, 0);
	CU_ASSERT_EQUAL(fit.missing, 0);
	CU_ASSERT_EQUAL(fit.last_ms, ts[335]);
	CU_ASSERT_EQUAL(fit.period, 24);
	CU_ASSERT_EQUAL(fit.h, 24);
	CU_ASSERT_EQUAL_FATAL(fit.nresults, 3);
	/*
	 * The first method scored as well as the seasonal naive (it is one in
	 * the backtest) and came first, but its forecast of the whole history has
	 * a NaN: it failed, and the seasonal naive is chosen.
	 */
	CU_ASSERT_FALSE(fit.results[0].ok);
	CU_ASSERT_STRING_EQUAL(fit.results[0].error, "forecast is not finite at step 6");
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 0), "failed");
	CU_ASSERT_DOUBLE_EQUAL(fit.results[0].mase, fit.results[2].mase, 0);
	CU_ASSERT_EQUAL(fit.chosen, 2);
	CU_ASSERT(fit.results[1].ok && fit.results[2].ok);
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 2), "ok");
	CU_ASSERT_EQUAL(fit.results[1].forecast.h, 24);
	CU_ASSERT_DOUBLE_EQUAL(fit.results[1].forecast.yhat[23], v[335], 0);
	CU_ASSERT_DOUBLE_EQUAL(fit.results[2].forecast.yhat[0], v[312], 0);
	CU_ASSERT(fit.results[1].mase > fit.results[2].mase);
	CU_ASSERT_EQUAL(fit.results[2].origins_scored, 5);
	capplan_series_fit_release(&fit);
	CU_ASSERT_PTR_NULL(fit.results);
}

static void
test_fit_constant(void)
{
	int64_t ts[50];
	double v[50];
	struct capplan_series_fit fit;
	struct capplan_error err;

	samples(50, ts, v, seven);
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&test_config, 6, ts, v, 50, &fit, &err), 0);
	CU_ASSERT_EQUAL(fit.status, CAPPLAN_SERIES_CONSTANT);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "constant: every value is 7");
	/* the naive forecast: the constant with intervals of zero width, chosen */
	CU_ASSERT_EQUAL(fit.chosen, 1);
	CU_ASSERT_FATAL(fit.results[1].ok);
	CU_ASSERT_EQUAL(fit.results[1].forecast.h, 24);
	for (size_t k = 0; k < 24; k++) {
		CU_ASSERT_DOUBLE_EQUAL(fit.results[1].forecast.yhat[k], 7, 0);
		CU_ASSERT_DOUBLE_EQUAL(fit.results[1].forecast.lo95[k], 7, 0);
		CU_ASSERT_DOUBLE_EQUAL(fit.results[1].forecast.hi95[k], 7, 0);
	}
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 1), "ok");
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 0), "skipped");
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 2), "skipped");
	capplan_series_fit_release(&fit);
}

static void
test_fit_skipped(void)
{
	int64_t ts[30];
	double v[30];
	struct capplan_series_fit fit;
	struct capplan_model_config half_hour = test_config;
	struct capplan_error err;

	/* 5 points: too short */
	samples(5, ts, v, ramp);
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&test_config, 1, ts, v, 5, &fit, &err), 0);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "too short: 5 points with a value");
	CU_ASSERT_EQUAL(fit.chosen, -1);
	for (size_t i = 0; i < 3; i++) {
		CU_ASSERT_FALSE(fit.results[i].ok);
		CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, i), "skipped");
	}
	capplan_series_fit_release(&fit);

	/* a horizon shorter than the step */
	samples(30, ts, v, ramp);
	half_hour.horizon_ms = HOUR / 2;
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&half_hour, 1, ts, v, 30, &fit, &err), 0);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "the horizon is shorter than the series' step (1h)");
	CU_ASSERT_EQUAL(fit.chosen, -1);
	capplan_series_fit_release(&fit);

	/* no samples */
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&test_config, 1, ts, v, 0, &fit, &err), 0);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "no samples in the window");
	CU_ASSERT_FALSE(fit.prepared);
	capplan_series_fit_release(&fit);
}

/*
 * A series that is three times its driver.  The driver (users, say) wanders
 * between 50 and 150 through the history, unrelated to the time of day; its
 * own forecast says 140 for the last 12 hours of the horizon.  The forest
 * that gets the driver's path follows it (trees predict within the range
 * they saw, and 140 is inside it); the one without it cannot know.
 */
static double
driver_value(size_t i)
{
	return 50 + (double)((i * 2654435761u) % 1000) / 10;
}

static void
test_fit_with_driver(void)
{
	enum { N = 24 * 21, H = 24 };
	static int64_t ts[N];
	static double v[N], dy[N], yhat[H];
	struct capplan_method_desc methods[CAPPLAN_MODEL_MAX_METHODS];
	struct capplan_series s = { 0 };
	struct capplan_driver_path path;
	struct capplan_series_fit with, without;
	struct capplan_error err;
	const size_t which[1] = { 0 };
	const struct capplan_series_drivers uses[1] = { { 7, which, 1 } };
	struct capplan_model_config cfg = { .horizon_ms = H * HOUR };
	size_t nmethods, forest = 0;
	double mae_with = 0, mae_without = 0;

	for (size_t i = 0; i < N; i++) {
		ts[i] = T0 + (int64_t)i * HOUR;
		dy[i] = driver_value(i);
		v[i] = 3 * dy[i];
	}
	for (size_t k = 0; k < H; k++)
		yhat[k] = k < 12 ? driver_value(N + k) : 140;
	s = (struct capplan_series){ T0, HOUR, 0, N, dy, N, 0, 0, 0, CAPPLAN_SERIES_OK };
	CU_ASSERT_EQUAL_FATAL(capplan_driver_path_init(&path, &s, yhat, H, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_model_methods("forest", methods, CAPPLAN_MODEL_MAX_METHODS,
	                                            &nmethods, &err), 0);
	while (strcmp(methods[forest].name, "forest") != 0)
		forest++;
	cfg.methods = methods;
	cfg.nmethods = nmethods;
	cfg.drivers = &path;
	cfg.ndrivers = 1;
	cfg.uses = uses;
	cfg.nuses = 1;

	/* series 7 uses the driver, series 8 does not */
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&cfg, 7, ts, v, N, &with, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&cfg, 8, ts, v, N, &without, &err), 0);
	CU_ASSERT_FATAL(with.results[forest].ok && without.results[forest].ok);
	/* the last 12 hours: 3 x 140 with the driver; without it, anything from 150 to 450 */
	for (size_t k = 12; k < H; k++) {
		CU_ASSERT(fabs(with.results[forest].forecast.yhat[k] - 420) < 20);
		mae_with += fabs(with.results[forest].forecast.yhat[k] - 420) / 12;
		mae_without += fabs(without.results[forest].forecast.yhat[k] - 420) / 12;
	}
	CU_ASSERT(mae_without > 40 && mae_without > 4 * mae_with);
	capplan_series_fit_release(&with);
	capplan_series_fit_release(&without);
	capplan_driver_path_release(&path);
}

static void
test_fit_no_period(void)
{
	int64_t ts[30];
	double v[30];
	struct capplan_series_fit fit;
	struct capplan_error err;

	/* 30 hourly points: no calendar period fits twice, so the seasonal methods are skipped */
	samples(30, ts, v, ramp);
	CU_ASSERT_EQUAL_FATAL(capplan_model_fit_series(&test_config, 1, ts, v, 30, &fit, &err), 0);
	CU_ASSERT_EQUAL(fit.period, 0);
	CU_ASSERT_STRING_EQUAL(fit.skip_reason, "");
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 2), "skipped");
	CU_ASSERT_STRING_EQUAL(fit.results[2].error, "no seasonal period");
	CU_ASSERT_EQUAL(fit.chosen, 1);
	CU_ASSERT_STRING_EQUAL(capplan_series_fit_status(&fit, 1), "ok");
	capplan_series_fit_release(&fit);
}

static void
test_fit_unsorted_is_a_bug(void)
{
	const int64_t ts[3] = { 0, 2 * HOUR, HOUR };
	const double v[3] = { 1, 2, 3 };
	struct capplan_series_fit fit;
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_model_fit_series(&test_config, 1, ts, v, 3, &fit, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
	capplan_series_fit_release(&fit);
}

/* ---- params ---- */

static void
test_params_json(void)
{
	struct capplan_fit_info info;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	capplan_fit_info_init(&info);
	CU_ASSERT_EQUAL(capplan_store_params_json(&info, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{}");
	capplan_strbuf_reset(&sb);
	capplan_fit_info_param(&info, "period", 24);
	capplan_fit_info_param(&info, "slope", 0.1);
	capplan_fit_info_param(&info, "alpha", NAN);
	capplan_fit_info_param(&info, "beta", -INFINITY);
	capplan_fit_info_param(&info, "odd \"name\"\\", 1e300);
	CU_ASSERT_EQUAL(capplan_store_params_json(&info, &sb), 0);
	/* %.17g reads back to the very double: 0.1 is 0.10000000000000001 */
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb),
	                       "{\"period\":24,\"slope\":0.10000000000000001,\"alpha\":null,\"beta\":null,"
	                       "\"odd \\\"name\\\"\\\\\":1.0000000000000001e+300}");
	CU_ASSERT_DOUBLE_EQUAL(strtod(strstr(capplan_strbuf_str(&sb), "0.1"), NULL), 0.1, 0);
	capplan_strbuf_release(&sb);
}

int
register_run_suite(void)
{
	CU_pSuite s = CU_add_suite("run", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "--methods: all", test_methods_all) ||
	    !CU_add_test(s, "--methods: the baselines always", test_methods_baselines_always) ||
	    !CU_add_test(s, "--methods: unknown and empty names", test_methods_unknown) ||
	    !CU_add_test(s, "period: a daily cycle", test_period_daily) ||
	    !CU_add_test(s, "period: a weekly cycle", test_period_weekly) ||
	    !CU_add_test(s, "period: none, or the shortest", test_period_none_or_shortest) ||
	    !CU_add_test(s, "seeds", test_seed) ||
	    !CU_add_test(s, "a cycle: scored, chosen, a NaN forecast failed", test_fit_cycle) ||
	    !CU_add_test(s, "a constant: the naive forecast", test_fit_constant) ||
	    !CU_add_test(s, "too short, horizon below the step, no samples", test_fit_skipped) ||
	    !CU_add_test(s, "no period: the seasonal methods skipped", test_fit_no_period) ||
	    !CU_add_test(s, "a driver's forecast reaches the forest", test_fit_with_driver) ||
	    !CU_add_test(s, "unsorted samples are a bug", test_fit_unsorted_is_a_bug) ||
	    !CU_add_test(s, "params as JSON", test_params_json))
		return -1;
	return 0;
}
