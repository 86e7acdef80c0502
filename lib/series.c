/*
 * lib/series.c: a series on a regular grid, ready for the forecasting methods.
 */
#include "series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

#define DEFAULT_MAX_GAP 3
#define DEFAULT_MIN_POINTS 10
/* A grid longer than this is a mistake (a step far too small for the range). */
#define MAX_GRID_POINTS ((size_t)50 * 1000 * 1000)

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t
capplan_grid_time(int64_t start_ms, int64_t step_ms, int months, int64_t i)
{
	if (months > 0)
		return capplan_time_add_months(start_ms, i * months);
	return start_ms + i * step_ms;
}

/*
 * Months per step when the samples are calendar-monthly or -quarterly (same
 * day of the month, at most the 28th, and same time of day throughout, at a
 * median spacing of a month or a quarter); 0 otherwise.
 */
static int
calendar_months(const int64_t *ts, size_t n, int64_t median)
{
	const int64_t day = 86400000;
	int64_t first_day = ts[0] - capplan_time_month_start(ts[0]);
	int months;

	if (median >= 28 * day && median <= 31 * day)
		months = 1;
	else if (median >= 89 * day && median <= 92 * day)
		months = 3;
	else
		return 0;
	if (first_day >= 28 * day)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (ts[i] - capplan_time_month_start(ts[i]) != first_day)
			return 0;
	return months;
}

int64_t
capplan_series_median_step(const int64_t *ts, size_t n)
{
	int64_t *d, median;
	size_t m = 0;

	if (n < 2)
		return 0;
	d = malloc((n - 1) * sizeof(*d));
	if (!d)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (ts[i] > ts[i - 1])
			d[m++] = ts[i] - ts[i - 1];
	if (m == 0) {
		free(d);
		return 0;
	}
	qsort(d, m, sizeof(*d), cmp_i64);
	/* The lower middle for an even count: a spacing that really occurs. */
	median = d[(m - 1) / 2];
	free(d);
	return median;
}

/* Fill runs of at most max_gap NaN between two finite values by linear interpolation. */
static size_t
fill_gaps(double *y, size_t n, size_t max_gap)
{
	size_t filled = 0, i = 0;

	while (i < n) {
		size_t j;

		if (!isnan(y[i])) {
			i++;
			continue;
		}
		j = i;
		while (j < n && isnan(y[j]))
			j++;
		/* y[i..j) is a gap; it needs a finite neighbour on both sides */
		if (i > 0 && j < n && j - i <= max_gap) {
			double a = y[i - 1], b = y[j];
			double span = (double)(j - i + 1);

			for (size_t k = i; k < j; k++)
				y[k] = a + (b - a) * (double)(k - i + 1) / span;
			filled += j - i;
		}
		i = j;
	}
	return filled;
}

int
capplan_series_prepare(const int64_t *ts, const double *values, size_t n,
                       const struct capplan_prepare_options *options, struct capplan_series *out,
                       struct capplan_error *err)
{
	struct capplan_prepare_options o = { 0, DEFAULT_MAX_GAP, DEFAULT_MIN_POINTS };
	double first = NAN;
	int constant = 1;
	size_t finite = 0;
	int64_t step;
	uint64_t span;

	memset(out, 0, sizeof(*out));
	if (options) {
		o = *options;
		if (o.min_points == 0)
			o.min_points = DEFAULT_MIN_POINTS;
	}
	if (n == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no samples");
	for (size_t i = 1; i < n; i++)
		if (ts[i] < ts[i - 1])
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "samples are not in time order");
	step = o.step_ms > 0 ? o.step_ms : capplan_series_median_step(ts, n);
	if (o.step_ms <= 0 && step > 0)
		out->months = calendar_months(ts, n, step);
	if (out->months > 0)
		step = out->months * CAPPLAN_MS_PER_MONTH;
	if (step <= 0)
		step = 1;   /* one sample, or all at one time: a grid of one point */
	span = (uint64_t)(ts[n - 1] - ts[0]);
	if (span / (uint64_t)step + 1 > MAX_GRID_POINTS)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%llu grid points at a step of %lld ms: too many",
		                         (unsigned long long)(span / (uint64_t)step + 1), (long long)step);
	out->start_ms = ts[0];
	out->step_ms = step;
	if (out->months > 0)
		out->n = (size_t)(capplan_time_months_between(ts[0], ts[n - 1]) / out->months) + 1;
	else
		out->n = (size_t)(span / (uint64_t)step) + 1;
	out->y = malloc(out->n * sizeof(double));
	if (!out->y)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < out->n; i++)
		out->y[i] = NAN;
	for (size_t i = 0; i < n; i++) {
		/* the nearest grid point; samples a little off the grid (scrape jitter) land on it */
		size_t k = out->months > 0 ?
		           (size_t)(capplan_time_months_between(ts[0], ts[i]) / out->months) :
		           (size_t)(((uint64_t)(ts[i] - ts[0]) + (uint64_t)step / 2) / (uint64_t)step);

		if (k >= out->n)
			k = out->n - 1;
		if (!isnan(out->y[k]))
			out->merged++;
		out->y[k] = isfinite(values[i]) ? values[i] : NAN;
	}
	for (size_t i = 0; i < out->n; i++)
		if (!isnan(out->y[i]))
			out->observed++;
	out->filled = fill_gaps(out->y, out->n, o.max_gap);
	for (size_t i = 0; i < out->n; i++) {
		if (isnan(out->y[i])) {
			out->missing++;
			continue;
		}
		if (finite++ == 0)
			first = out->y[i];
		else if (out->y[i] != first)
			constant = 0;
	}
	if (out->observed < o.min_points)
		out->status = CAPPLAN_SERIES_TOO_SHORT;
	else if (constant)
		out->status = CAPPLAN_SERIES_CONSTANT;
	return 0;
}

void
capplan_series_release(struct capplan_series *s)
{
	free(s->y);
	memset(s, 0, sizeof(*s));
}

const char *
capplan_series_status_name(enum capplan_series_status status)
{
	switch (status) {
	case CAPPLAN_SERIES_OK: return "ok";
	case CAPPLAN_SERIES_TOO_SHORT: return "too short";
	case CAPPLAN_SERIES_CONSTANT: return "constant";
	}
	return "unknown";
}
