/*
 * lib/model/linear.c: the "linear" method, ordinary least squares on time.
 *
 * Three passes over the data: the means of x and y; Sxx and Sxy about those
 * means; the residuals.  Every sum is compensated (Neumaier), so that a
 * series of 10^12-sized values or of 10^5 points loses no more than a few
 * ulps in the means and the centred sums.  The raw normal equations
 * (n Sum xy - Sum x Sum y) would cancel away most digits for such series.
 */
#include "model/linear.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "util/ksum.h"

static double
xat(const double *x, size_t i)
{
	return x ? x[i] : (double)i;
}

int
capplan_ols_fit(const double *x, const double *y, size_t n, struct capplan_ols *fit,
                struct capplan_error *err)
{
	struct capplan_ksum sx = { 0, 0 }, sy = { 0, 0 }, sxx = { 0, 0 }, sxy = { 0, 0 }, sse = { 0, 0 };
	size_t used = 0;
	double xbar, ybar, slope;

	for (size_t i = 0; i < n; i++) {
		double xi = xat(x, i);

		if (isnan(xi) || isnan(y[i]))
			continue;
		if (isinf(xi) || isinf(y[i]))
			return capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                         "point %zu is infinite (x = %g, y = %g)", i, xi, y[i]);
		capplan_ksum_add(&sx, xi);
		capplan_ksum_add(&sy, y[i]);
		used++;
	}
	if (used == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "no points to fit a line to: all %zu values are NaN", n);
	if (used < 3)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "too few points to fit a line: %zu (need at least 3 for a "
		                         "line and its residual spread)", used);
	xbar = capplan_ksum_value(&sx) / (double)used;
	ybar = capplan_ksum_value(&sy) / (double)used;

	for (size_t i = 0; i < n; i++) {
		double xi = xat(x, i), dx;

		if (isnan(xi) || isnan(y[i]))
			continue;
		dx = xi - xbar;
		capplan_ksum_add(&sxx, dx * dx);
		capplan_ksum_add(&sxy, dx * (y[i] - ybar));
	}
	if (!(capplan_ksum_value(&sxx) > 0.0))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "cannot fit a line: all %zu points have the same x (%g)",
		                         used, xbar);
	slope = capplan_ksum_value(&sxy) / capplan_ksum_value(&sxx);

	for (size_t i = 0; i < n; i++) {
		double xi = xat(x, i), r;

		if (isnan(xi) || isnan(y[i]))
			continue;
		r = (y[i] - ybar) - slope * (xi - xbar);
		capplan_ksum_add(&sse, r * r);
	}

	fit->slope = slope;
	fit->intercept = ybar - slope * xbar;
	fit->xbar = xbar;
	fit->ybar = ybar;
	fit->sxx = capplan_ksum_value(&sxx);
	fit->sse = capplan_ksum_value(&sse);
	fit->n = used;
	fit->sigma = sqrt(fit->sse / (double)(used - 2));
	return 0;
}

double
capplan_ols_predict(const struct capplan_ols *fit, double x0)
{
	/* about the means: no cancellation between a large intercept and slope * x0 */
	return fit->ybar + fit->slope * (x0 - fit->xbar);
}

void
capplan_ols_interval(const struct capplan_ols *fit, double x0, double level, double *lo,
                     double *hi)
{
	double yhat = capplan_ols_predict(fit, x0);
	double t = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(fit->n - 2));
	double d = x0 - fit->xbar;
	double half = t * fit->sigma * sqrt(1.0 + 1.0 / (double)fit->n + d * d / fit->sxx);

	*lo = yhat - half;
	*hi = yhat + half;
}

int
capplan_linear_forecast(const struct capplan_fit_input *in, size_t h,
                        struct capplan_forecast *out, struct capplan_fit_info *info,
                        struct capplan_error *err)
{
	struct capplan_ols fit;

	if (capplan_ols_fit(NULL, in->y, in->n, &fit, err) < 0)
		return -1;
	if (capplan_forecast_init(out, h, err) < 0)
		return -1;
	for (size_t k = 0; k < h; k++) {
		double x0 = (double)(in->n + k);

		out->yhat[k] = capplan_ols_predict(&fit, x0);
		capplan_ols_interval(&fit, x0, 0.80, &out->lo80[k], &out->hi80[k]);
		capplan_ols_interval(&fit, x0, 0.95, &out->lo95[k], &out->hi95[k]);
	}
	capplan_fit_info_init(info);
	capplan_fit_info_param(info, "intercept", fit.intercept);
	capplan_fit_info_param(info, "slope", fit.slope);
	info->sigma = fit.sigma;
	info->sse = fit.sse;
	info->nobs = fit.n;
	return 0;
}
