/*
 * lib/plan/assess.c: how one resource stands, in pure numbers.
 */
#include "plan/assess.h"

#include <math.h>
#include <stdlib.h>

#include "util/ksum.h"

const char *
capplan_level_name(enum capplan_level level)
{
	switch (level) {
	case CAPPLAN_LEVEL_HEALTHY:
		return "healthy";
	case CAPPLAN_LEVEL_WARNING:
		return "warning";
	case CAPPLAN_LEVEL_CRITICAL:
		return "critical";
	case CAPPLAN_LEVEL_EMERGENCY:
		return "emergency";
	}
	return "unknown";
}

void
capplan_level_thresholds_default(struct capplan_level_thresholds *t)
{
	t->warning = 0.70;
	t->critical = 0.85;
	t->emergency = 0.95;
	t->tte_warning_days = 90;
	t->tte_critical_days = 60;
	t->tte_emergency_days = 30;
}

static bool
positive(double v)
{
	return v > 0 && isfinite(v);   /* false for NaN too */
}

int
capplan_level_thresholds_check(const struct capplan_level_thresholds *t,
                               struct capplan_error *err)
{
	if (!positive(t->warning) || !positive(t->critical) || !positive(t->emergency))
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "thresholds must be positive fractions of capacity, got "
		                         "warning %g, critical %g, emergency %g", t->warning,
		                         t->critical, t->emergency);
	if (t->warning > t->critical)
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "warning threshold (%g) above critical (%g)", t->warning,
		                         t->critical);
	if (t->critical > t->emergency)
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "critical threshold (%g) above emergency (%g)", t->critical,
		                         t->emergency);
	if (!(t->tte_emergency_days >= 0) || !isfinite(t->tte_warning_days) ||
	    isnan(t->tte_critical_days))
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "times to exhaustion must be finite days >= 0, got "
		                         "warning %g, critical %g, emergency %g", t->tte_warning_days,
		                         t->tte_critical_days, t->tte_emergency_days);
	if (t->tte_critical_days < t->tte_emergency_days)
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "critical time to exhaustion (%g days) shorter than emergency "
		                         "(%g days)", t->tte_critical_days, t->tte_emergency_days);
	if (t->tte_warning_days < t->tte_critical_days)
		return capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                         "warning time to exhaustion (%g days) shorter than critical "
		                         "(%g days)", t->tte_warning_days, t->tte_critical_days);
	return 0;
}

enum capplan_level
capplan_level_of_utilisation(double utilisation, const struct capplan_level_thresholds *t)
{
	if (utilisation >= t->emergency)
		return CAPPLAN_LEVEL_EMERGENCY;
	if (utilisation >= t->critical)
		return CAPPLAN_LEVEL_CRITICAL;
	if (utilisation >= t->warning)
		return CAPPLAN_LEVEL_WARNING;
	return CAPPLAN_LEVEL_HEALTHY;   /* NaN too: every comparison is false */
}

enum capplan_level
capplan_level_of_days(double days, const struct capplan_level_thresholds *t)
{
	/* strict below 30 and 60 (the alert is "< 30"), inclusive at 90 ("healthy > 90") */
	if (days < t->tte_emergency_days)
		return CAPPLAN_LEVEL_EMERGENCY;
	if (days < t->tte_critical_days)
		return CAPPLAN_LEVEL_CRITICAL;
	if (days <= t->tte_warning_days)
		return CAPPLAN_LEVEL_WARNING;
	return CAPPLAN_LEVEL_HEALTHY;
}

enum capplan_level
capplan_level_worse(enum capplan_level a, enum capplan_level b)
{
	return a > b ? a : b;
}

double
capplan_quantile_sorted(const double *sorted, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (n == 0 || isnan(q))
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	if (lo + 1 >= n || frac == 0)
		return sorted[lo];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static bool
in_window(int64_t ts, int64_t as_of_ms, int64_t window_ms)
{
	return ts <= as_of_ms && ts > as_of_ms - window_ms;
}

int
capplan_usage_window(const int64_t *ts, const double *value, size_t n, int64_t as_of_ms,
                     int64_t window_ms, struct capplan_usage *out, struct capplan_error *err)
{
	double *copy;
	size_t k = 0;

	out->n = 0;
	out->current = out->peak = out->p95 = NAN;
	out->current_ms = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(value[i]) || !in_window(ts[i], as_of_ms, window_ms))
			continue;
		if (out->n == 0 || ts[i] >= out->current_ms) {
			out->current = value[i];
			out->current_ms = ts[i];
		}
		if (out->n == 0 || value[i] > out->peak)
			out->peak = value[i];
		out->n++;
	}
	if (out->n == 0)
		return 0;

	copy = malloc(out->n * sizeof(*copy));
	if (!copy)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!isnan(value[i]) && in_window(ts[i], as_of_ms, window_ms))
			copy[k++] = value[i];
	qsort(copy, k, sizeof(*copy), cmp_double);
	out->p95 = capplan_quantile_sorted(copy, k, 0.95);
	free(copy);
	return 0;
}

double
capplan_headroom(double capacity, double peak)
{
	if (!(capacity > 0))
		return NAN;
	return (capacity - peak) / capacity;
}

double
capplan_utilisation(double current, double capacity)
{
	if (!(capacity > 0))
		return NAN;
	return current / capacity;
}

static void
crossing_never(struct capplan_crossing *out)
{
	out->found = false;
	out->at_ms = 0;
	out->days = INFINITY;
}

static void
crossing_at(struct capplan_crossing *out, int64_t as_of_ms, double offset_ms)
{
	out->found = true;
	out->at_ms = as_of_ms + (int64_t)llround(offset_ms);
	out->days = (double)(out->at_ms - as_of_ms) / (double)CAPPLAN_MS_PER_DAY;
}

static bool
reached(double y, double level, bool strict)
{
	return strict ? y > level : y >= level;
}

/*
 * Both crossings.  Times are kept as offsets from as_of in ms (doubles are
 * exact to 2^53 ms, 285 000 years), so the interpolation never subtracts two
 * large epoch values in floating point.
 */
static bool
crossing(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms, double current,
         double level, bool strict, struct capplan_crossing *out)
{
	bool have = false;
	double t0 = 0, y0 = 0;

	crossing_never(out);
	if (isnan(level))
		return false;
	if (!isnan(current)) {
		if (reached(current, level, strict)) {
			crossing_at(out, as_of_ms, 0);
			return true;
		}
		have = true;
		y0 = current;
	}
	for (size_t i = 0; i < n; i++) {
		double t1, y1;

		if (ts[i] <= as_of_ms || isnan(y[i]))
			continue;
		t1 = (double)(ts[i] - as_of_ms);
		y1 = y[i];
		if (reached(y1, level, strict)) {
			/* y0 is below (or, strictly, at most) the level and y1 above it: y1 > y0 */
			if (have && isfinite(y0) && isfinite(y1))
				t1 = t0 + (level - y0) / (y1 - y0) * (t1 - t0);
			crossing_at(out, as_of_ms, t1);
			return true;
		}
		have = true;
		t0 = t1;
		y0 = y1;
	}
	return false;
}

bool
capplan_first_crossing(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                       double current, double level, struct capplan_crossing *out)
{
	return crossing(ts, y, n, as_of_ms, current, level, false, out);
}

bool
capplan_first_exceeding(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                        double current, double level, struct capplan_crossing *out)
{
	return crossing(ts, y, n, as_of_ms, current, level, true, out);
}

double
capplan_path_value_at(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                      double current, int64_t t_ms)
{
	bool have = !isnan(current);
	double t0 = 0, y0 = current, t = (double)(t_ms - as_of_ms);

	if (t_ms <= as_of_ms)
		return current;
	for (size_t i = 0; i < n; i++) {
		double t1;

		if (ts[i] <= as_of_ms || isnan(y[i]))
			continue;
		t1 = (double)(ts[i] - as_of_ms);
		if (t1 >= t) {
			if (t1 == t)
				return y[i];
			if (!have)
				return NAN;
			return y0 + (y[i] - y0) * (t - t0) / (t1 - t0);
		}
		have = true;
		t0 = t1;
		y0 = y[i];
	}
	return NAN;
}

double
capplan_growth_per_day(const int64_t *ts, const double *value, size_t n, int64_t as_of_ms,
                       int64_t window_ms)
{
	struct capplan_ksum sx = CAPPLAN_KSUM_INIT, sy = CAPPLAN_KSUM_INIT;
	struct capplan_ksum sxx = CAPPLAN_KSUM_INIT, sxy = CAPPLAN_KSUM_INIT;
	double xbar, ybar;
	size_t k = 0;

	/* x in days before as_of: small numbers, and the slope comes out per day */
	for (size_t i = 0; i < n; i++) {
		if (isnan(value[i]) || !in_window(ts[i], as_of_ms, window_ms))
			continue;
		capplan_ksum_add(&sx, (double)(ts[i] - as_of_ms) / (double)CAPPLAN_MS_PER_DAY);
		capplan_ksum_add(&sy, value[i]);
		k++;
	}
	if (k < 2)
		return NAN;
	xbar = capplan_ksum_value(&sx) / (double)k;
	ybar = capplan_ksum_value(&sy) / (double)k;
	for (size_t i = 0; i < n; i++) {
		double dx;

		if (isnan(value[i]) || !in_window(ts[i], as_of_ms, window_ms))
			continue;
		dx = (double)(ts[i] - as_of_ms) / (double)CAPPLAN_MS_PER_DAY - xbar;
		capplan_ksum_add(&sxx, dx * dx);
		capplan_ksum_add(&sxy, dx * (value[i] - ybar));
	}
	if (!(capplan_ksum_value(&sxx) > 0))
		return NAN;   /* every sample at the same time */
	return capplan_ksum_value(&sxy) / capplan_ksum_value(&sxx);
}

double
capplan_growth_per_month(double growth_per_day)
{
	return growth_per_day * CAPPLAN_DAYS_PER_MONTH;
}

double
capplan_growth_rate(double growth_per_month, double current)
{
	if (!(current > 0))
		return NAN;
	return growth_per_month / current;
}

double
capplan_days_until_full(double capacity, double current, double growth_per_day)
{
	if (isnan(current) || isnan(growth_per_day) || !(capacity > 0))
		return NAN;
	if (current >= capacity)
		return 0;
	if (!(growth_per_day > 0))
		return INFINITY;
	return (capacity - current) / growth_per_day;
}

double
capplan_months_until_exhaustion(double capacity, double current, double g)
{
	if (isnan(current) || !(capacity > 0) || !(g > -1))
		return NAN;
	if (current >= capacity)
		return 0;
	if (g <= 0 || current <= 0)
		return INFINITY;
	/* log1p keeps the digits of ln(1 + g) for small monthly rates */
	return log(capacity / current) / log1p(g);
}

int64_t
capplan_order_by(int64_t crossing_ms, int64_t lead_ms)
{
	return crossing_ms - lead_ms;
}

/* The forecast array of a path, or NULL. */
static const double *
path_values(const struct capplan_forecast *fc, enum capplan_path path)
{
	switch (path) {
	case CAPPLAN_PATH_POINT:
		return fc->yhat;
	case CAPPLAN_PATH_UPPER95:
		return fc->hi95;
	case CAPPLAN_PATH_LOWER95:
		return fc->lo95;
	case CAPPLAN_PATHS:
		break;
	}
	return NULL;
}

static void
assess_eta(const struct capplan_assess_input *in, const double *y, double current,
           double level, struct capplan_eta *eta)
{
	if (!y) {
		crossing_never(&eta->cross);
		eta->cross.days = NAN;   /* no forecast: unknown, not "never" */
	} else {
		capplan_first_crossing(in->fc_ts, y, in->fc->h, in->as_of_ms, current, level,
		                       &eta->cross);
	}
	eta->order_by_ms = 0;
	eta->passed = false;
	if (eta->cross.found) {
		eta->order_by_ms = capplan_order_by(eta->cross.at_ms, in->lead_ms);
		eta->passed = eta->order_by_ms <= in->as_of_ms;
	}
}

static int
assess_check(const struct capplan_assess_input *in, const struct capplan_level_thresholds *t,
             struct capplan_error *err)
{
	if (!(in->capacity > 0) || isinf(in->capacity))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "capacity must be a positive number, got %g", in->capacity);
	if (in->lead_ms < 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "lead time must not be negative, got %lld ms",
		                         (long long)in->lead_ms);
	if (in->fc && in->fc->h > 0 && !in->fc_ts)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "forecast without its times");
	return capplan_level_thresholds_check(t, err);
}

int
capplan_assess(const struct capplan_assess_input *in, struct capplan_assessment *out,
               struct capplan_error *err)
{
	struct capplan_level_thresholds defaults;
	const struct capplan_level_thresholds *t = in->thresholds;
	double marks[CAPPLAN_MARKS];

	if (!t) {
		capplan_level_thresholds_default(&defaults);
		t = &defaults;
	}
	if (assess_check(in, t, err) < 0)
		return -1;
	if (capplan_usage_window(in->ts, in->value, in->n, in->as_of_ms, CAPPLAN_ASSESS_WINDOW_MS,
	                         &out->usage, err) < 0)
		return -1;
	if (out->usage.n == 0) {
		char when[CAPPLAN_TIME_BUFSZ];

		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no sample in the 30 days up to %s",
		                         capplan_time_format(in->as_of_ms, when));
	}

	out->as_of_ms = in->as_of_ms;
	out->capacity = in->capacity;
	out->current = out->usage.current;
	out->peak30 = out->usage.peak;
	out->p95_30 = out->usage.p95;
	out->utilisation = capplan_utilisation(out->current, in->capacity);
	out->headroom = capplan_headroom(in->capacity, out->peak30);

	marks[CAPPLAN_MARK_WARNING] = t->warning * in->capacity;
	marks[CAPPLAN_MARK_CRITICAL] = t->critical * in->capacity;
	marks[CAPPLAN_MARK_FULL] = in->capacity;
	for (int p = 0; p < CAPPLAN_PATHS; p++) {
		const double *y = in->fc && in->fc->h > 0 ? path_values(in->fc, p) : NULL;

		for (int m = 0; m < CAPPLAN_MARKS; m++)
			assess_eta(in, y, out->current, marks[m], &out->eta[p][m]);
	}

	out->level_util = capplan_level_of_utilisation(out->utilisation, t);
	/* the framework's alert: days until full along the expected path */
	out->level_tte = capplan_level_of_days(
		out->eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].cross.days, t);
	out->level = capplan_level_worse(out->level_util, out->level_tte);

	out->growth_per_day = capplan_growth_per_day(in->ts, in->value, in->n, in->as_of_ms,
	                                             CAPPLAN_ASSESS_WINDOW_MS);
	out->growth_per_month = capplan_growth_per_month(out->growth_per_day);
	out->growth_rate = capplan_growth_rate(out->growth_per_month, out->current);
	out->days_full_by_trend = capplan_days_until_full(in->capacity, out->current,
	                                                  out->growth_per_day);
	return 0;
}
