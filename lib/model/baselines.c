/*
 * lib/model/baselines.c: the naive and seasonal-naive forecasts.
 */
#include "model/baselines.h"

#include <math.h>

/*
 * The standard deviation of the lag-m differences y[i] - y[i-m] (both
 * finite), about zero mean as the random-walk model has it; NaN when there
 * are none.
 */
static double
difference_sigma(const double *y, size_t n, size_t m, size_t *count)
{
	double ss = 0;
	size_t k = 0;

	for (size_t i = m; i < n; i++) {
		if (isnan(y[i]) || isnan(y[i - m]))
			continue;
		ss += (y[i] - y[i - m]) * (y[i] - y[i - m]);
		k++;
	}
	*count = k;
	return k ? sqrt(ss / (double)k) : NAN;
}

static void
set_interval(struct capplan_forecast *out, size_t i, double sd)
{
	out->lo80[i] = out->yhat[i] - CAPPLAN_Z80 * sd;
	out->hi80[i] = out->yhat[i] + CAPPLAN_Z80 * sd;
	out->lo95[i] = out->yhat[i] - CAPPLAN_Z95 * sd;
	out->hi95[i] = out->yhat[i] + CAPPLAN_Z95 * sd;
}

int
capplan_naive_forecast(const struct capplan_fit_input *in, size_t h, struct capplan_forecast *out,
                       struct capplan_fit_info *info, struct capplan_error *err)
{
	size_t last = in->n, count;
	double sigma;

	while (last > 0 && isnan(in->y[last - 1]))
		last--;
	if (last == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no finite value to carry forward");
	sigma = difference_sigma(in->y, in->n, 1, &count);
	if (capplan_forecast_init(out, h, err) < 0)
		return -1;
	for (size_t i = 0; i < h; i++) {
		/* steps ahead of the last finite value, gaps at the end included */
		double ahead = (double)(in->n - last + i + 1);

		out->yhat[i] = in->y[last - 1];
		set_interval(out, i, count ? sigma * sqrt(ahead) : 0.0);
	}
	capplan_fit_info_init(info);
	info->sigma = count ? sigma : NAN;
	info->sse = count ? sigma * sigma * (double)count : NAN;
	info->nobs = count + 1;
	return 0;
}

int
capplan_snaive_forecast(const struct capplan_fit_input *in, size_t h,
                        struct capplan_forecast *out, struct capplan_fit_info *info,
                        struct capplan_error *err)
{
	size_t m = in->period, count;
	double sigma;

	if (m == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no seasonal period");
	if (in->n < m)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%zu points are less than one period of %zu", in->n, m);
	sigma = difference_sigma(in->y, in->n, m, &count);
	if (capplan_forecast_init(out, h, err) < 0)
		return -1;
	for (size_t i = 0; i < h; i++) {
		/* the same phase in the last cycle; if missing there, in earlier cycles */
		size_t k = in->n - m + i % m;
		size_t cycles = i / m + 1;

		while (isnan(in->y[k]) && k >= m) {
			k -= m;
			cycles++;
		}
		out->yhat[i] = in->y[k];
		set_interval(out, i, count ? sigma * sqrt((double)cycles) : 0.0);
	}
	capplan_fit_info_init(info);
	capplan_fit_info_param(info, "period", (double)m);
	info->sigma = count ? sigma : NAN;
	info->sse = count ? sigma * sigma * (double)count : NAN;
	info->nobs = count + m;
	return 0;
}
