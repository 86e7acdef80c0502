/*
 * lib/model/linear.h: the "linear" method, ordinary least squares on time.
 *
 * y = intercept + slope * x by least squares, x the step index 0..n-1 of the
 * grid (so slope is per step and intercept is the value at the first grid
 * point); NaN points are left out.  The sums are taken about the means of x
 * and y (never the raw normal equations), which keeps full precision for
 * series of 10^12-sized values and for long series; the coefficients agree
 * with scikit-learn's LinearRegression to a few ulps (1e-14 relative or
 * better on the test fixtures).
 *
 * Intervals are the textbook OLS prediction intervals for a new observation:
 *   yhat(x0) +- t_{(1+level)/2, n-2} * s * sqrt(1 + 1/n + (x0 - xbar)^2 / Sxx)
 * with s = sqrt(SSE / (n - 2)) and Sxx = sum (x - xbar)^2.
 */
#ifndef CAPPLAN_MODEL_LINEAR_H
#define CAPPLAN_MODEL_LINEAR_H

#include <stddef.h>

#include "model/forecast.h"
#include "util/error.h"

/* A least-squares line and what its intervals need. */
struct capplan_ols {
	double intercept;   /* value at x = 0 */
	double slope;       /* per unit of x (per step for the method) */
	double sigma;       /* s = sqrt(sse / (n - 2)) */
	double sse;         /* sum of squared residuals */
	double xbar;        /* mean of the x used */
	double ybar;        /* mean of the y used */
	double sxx;         /* sum (x - xbar)^2, > 0 */
	size_t n;           /* points used (pairs with neither x nor y NaN), >= 3 */
};

/*
 * Fit y = intercept + slope * x to the n pairs (x[i], y[i]); x NULL means
 * x[i] = i.  Pairs where x or y is NaN are left out.  0, or -1 with err set
 * (CAPPLAN_EX_DATAERR) when fewer than 3 pairs remain, when all the x are
 * equal, or when a value is infinite.
 */
int capplan_ols_fit(const double *x, const double *y, size_t n, struct capplan_ols *fit,
                     struct capplan_error *err);

/* The fitted value intercept + slope * x0. */
double capplan_ols_predict(const struct capplan_ols *fit, double x0);

/*
 * The prediction interval for a new observation at x0 with coverage level
 * (0.80, 0.95, ...): Student t with n - 2 degrees of freedom.  With sigma 0
 * (an exact line) both bounds are the fitted value.
 */
void capplan_ols_interval(const struct capplan_ols *fit, double x0, double level, double *lo,
                          double *hi);

/*
 * The method (a capplan_method_fn): fit on in->y over x = 0..n-1, forecast
 * x = n..n+h-1 with 80% and 95% intervals into out, parameters "intercept"
 * and "slope" (per step) plus sigma, sse and nobs in info.  out is allocated
 * here (capplan_forecast_init; the caller releases it) and left released on
 * failure.  Fails (CAPPLAN_EX_DATAERR) for every reason capplan_ols_fit does.
 */
int capplan_linear_forecast(const struct capplan_fit_input *in, size_t h,
                            struct capplan_forecast *out, struct capplan_fit_info *info,
                            struct capplan_error *err);

#endif
