/*
 * lib/model/seasonal.c: classical additive decomposition (statsmodels'
 * seasonal_decompose) and the seasonal forecasting method.
 */
#include "model/seasonal.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#define DAY_MS INT64_C(86400000)

/*
 * The centred moving average of y into trend, NaN where the window does not
 * fit or holds a NaN.  The inner part of the window (all of it for odd p,
 * all but the two half-weighted ends for even p) is kept as a running sum of
 * its finite values and a count of its NaNs; the sum is taken afresh at the
 * start of every cycle, so rounding drift never runs longer than p steps.
 */
static void
moving_average(const double *y, size_t n, size_t p, double *trend)
{
	size_t half = p / 2;
	size_t even = p % 2 == 0;
	size_t width = even ? p - 1 : p;
	double sum = 0;
	size_t nans = 0, fresh = 0;   /* steps until the next fresh sum */

	for (size_t i = 0; i < half && i < n; i++) {
		trend[i] = NAN;
		trend[n - 1 - i] = NAN;
	}
	for (size_t i = half; i + half < n; i++) {
		size_t lo = i - half + even;   /* first point of the inner window */

		if (fresh-- == 0) {
			fresh = p - 1;
			sum = 0;
			nans = 0;
			for (size_t j = lo; j < lo + width; j++) {
				if (isnan(y[j]))
					nans++;
				else
					sum += y[j];
			}
		} else {
			double leaving = y[lo - 1], entering = y[lo + width - 1];

			if (isnan(leaving))
				nans--;
			else
				sum -= leaving;
			if (isnan(entering))
				nans++;
			else
				sum += entering;
		}
		if (nans > 0)
			trend[i] = NAN;
		else if (even)
			trend[i] = (sum + 0.5 * (y[i - half] + y[i + half])) / (double)p;
		else
			trend[i] = sum / (double)p;
	}
}

int
capplan_seasonal_decompose(const double *y, size_t n, size_t period, double *trend,
                           double *seasonal, double *resid, double *figure,
                           struct capplan_error *err)
{
	size_t finite = 0;
	double mean = 0;

	if (period < 2)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "seasonal period must be at least 2 steps, got %zu", period);
	if (n / 2 < period)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%zu points hold fewer than two cycles of period %zu "
		                         "(need at least %zu)", n, period, 2 * period);
	for (size_t i = 0; i < n; i++) {
		if (isinf(y[i]))
			return capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                         "point %zu is infinite", i);
		if (!isnan(y[i]))
			finite++;
	}
	if (finite == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no finite value");

	moving_average(y, n, period, trend);

	/* The phase means of y - trend where both are defined. */
	for (size_t k = 0; k < period; k++) {
		double sum = 0;
		size_t count = 0;

		for (size_t i = k; i < n; i += period) {
			double d = y[i] - trend[i];

			if (!isnan(d)) {
				sum += d;
				count++;
			}
		}
		if (count == 0)
			return capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                         "no point of phase %zu of period %zu has both a value "
			                         "and a moving average: too many missing points",
			                         k, period);
		figure[k] = sum / (double)count;
		mean += figure[k];
	}
	mean /= (double)period;
	for (size_t k = 0; k < period; k++)
		figure[k] -= mean;

	for (size_t i = 0, k = 0; i < n; i++) {
		seasonal[i] = figure[k];
		resid[i] = (y[i] - trend[i]) - seasonal[i];
		if (++k == period)
			k = 0;
	}
	return 0;
}

size_t
capplan_seasonal_periods(int64_t step_ms, size_t n, size_t *out, size_t max)
{
	static const int64_t cycles_ms[] = { DAY_MS, 7 * DAY_MS, 365 * DAY_MS };
	size_t count = 0;

	if (step_ms <= 0)
		return 0;
	for (size_t c = 0; c < sizeof(cycles_ms) / sizeof(cycles_ms[0]); c++) {
		int64_t steps;

		if (cycles_ms[c] % step_ms != 0)
			continue;
		steps = cycles_ms[c] / step_ms;
		if (steps >= 2 && (uint64_t)steps <= n / 2 && count < max)
			out[count++] = (size_t)steps;
	}
	if (step_ms >= 28 * DAY_MS && step_ms <= 31 * DAY_MS && n / 2 >= 12 && count < max)
		out[count++] = 12;
	if (step_ms >= 89 * DAY_MS && step_ms <= 92 * DAY_MS && n / 2 >= 4 && count < max)
		out[count++] = 4;
	return count;
}

/* Least-squares line through the defined trend values: centred sums. */
struct trend_line {
	size_t m;            /* trend values fitted */
	double xbar, ybar;   /* their mean index and mean value */
	double sxx;          /* sum of (x - xbar)^2 */
	double slope;
	double s2;           /* residual variance about the line, m - 2 degrees of freedom */
};

static void
fit_line(const double *trend, size_t from, size_t n, struct trend_line *line)
{
	double sx = 0, sy = 0, sxy = 0, sse = 0;
	size_t m = 0;

	for (size_t i = from; i < n; i++) {
		if (isnan(trend[i]))
			continue;
		sx += (double)i;
		sy += trend[i];
		m++;
	}
	line->m = m;
	if (m == 0)
		return;
	line->xbar = sx / (double)m;
	line->ybar = sy / (double)m;
	line->sxx = 0;
	for (size_t i = from; i < n; i++) {
		double dx;

		if (isnan(trend[i]))
			continue;
		dx = (double)i - line->xbar;
		line->sxx += dx * dx;
		sxy += dx * (trend[i] - line->ybar);
	}
	line->slope = line->sxx > 0 ? sxy / line->sxx : 0.0;
	for (size_t i = from; i < n; i++) {
		double e;

		if (isnan(trend[i]))
			continue;
		e = trend[i] - line->ybar - line->slope * ((double)i - line->xbar);
		sse += e * e;
	}
	line->s2 = m > 2 ? sse / (double)(m - 2) : NAN;
}

int
capplan_seasonal_forecast(const struct capplan_fit_input *in, size_t h,
                          struct capplan_forecast *out, struct capplan_fit_info *info,
                          struct capplan_error *err)
{
	size_t n = in->n, p = in->period, k = 0, finite = 0;
	double *block = NULL, *trend, *seasonal, *resid, *figure;
	double rsum = 0, rss = 0, sse = 0, sigma, last, t80, t95;
	struct trend_line line;
	int rc = -1;

	if (p == 0) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "no seasonal period");
		capplan_error_hint(err, "seasonal decomposition needs a period of a day, a week or a "
		                   "year in steps of the series");
		return -1;
	}
	if (n / 2 < p)   /* before allocating: the decomposition says the same */
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%zu points hold fewer than two cycles of period %zu "
		                         "(need at least %zu)", n, p, 2 * p);
	block = malloc((3 * n + p) * sizeof(double));
	if (!block)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	trend = block;
	seasonal = block + n;
	resid = block + 2 * n;
	figure = block + 3 * n;
	if (capplan_seasonal_decompose(in->y, n, p, trend, seasonal, resid, figure, err) < 0)
		goto out;

	fit_line(trend, 0, n, &line);
	if (line.m < 3) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "%zu moving-average values are too few to extrapolate the trend "
		                  "(need 3)", line.m);
		goto out;
	}

	for (size_t i = 0; i < n; i++) {
		if (!isnan(in->y[i]))
			finite++;
		if (isnan(resid[i]))
			continue;
		rsum += resid[i];
		sse += resid[i] * resid[i];
		k++;
	}
	/* k >= period >= 2: every phase has a defined resid */
	for (size_t i = 0; i < n; i++) {
		if (!isnan(resid[i])) {
			double d = resid[i] - rsum / (double)k;

			rss += d * d;
		}
	}
	sigma = sqrt(rss / (double)(k - 1));

	if (capplan_forecast_init(out, h, err) < 0)
		goto out;
	last = line.ybar + line.slope * ((double)(n - 1) - line.xbar);
	/* gsl_cdf_tdist_Pinv: within 2e-15 (relative) of Newton-polished values for nu <= 1e5 */
	t80 = gsl_cdf_tdist_Pinv(0.90, (double)(line.m - 2));
	t95 = gsl_cdf_tdist_Pinv(0.975, (double)(line.m - 2));
	for (size_t j = 0; j < h; j++) {
		double x = (double)(n + j), dx = x - line.xbar;
		double var = sigma * sigma
		           + line.s2 * (1.0 + 1.0 / (double)line.m + dx * dx / line.sxx);
		double sd = sqrt(var);

		out->yhat[j] = last + line.slope * (double)(j + 1) + figure[(n + j) % p];
		out->lo80[j] = out->yhat[j] - t80 * sd;
		out->hi80[j] = out->yhat[j] + t80 * sd;
		out->lo95[j] = out->yhat[j] - t95 * sd;
		out->hi95[j] = out->yhat[j] + t95 * sd;
	}

	capplan_fit_info_init(info);
	capplan_fit_info_param(info, "period", (double)p);
	capplan_fit_info_param(info, "trend_slope", line.slope);
	capplan_fit_info_param(info, "trend_intercept", last);
	capplan_fit_info_param(info, "trend_sigma", sqrt(line.s2));
	info->sigma = sigma;
	info->sse = sse;
	info->nobs = finite;
	rc = 0;
out:
	free(block);
	return rc;
}
