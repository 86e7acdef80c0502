/*
 * lib/model/forecast.h: what every forecasting method takes and gives.
 *
 * A method sees one series on a regular grid (lib/series.h prepares it):
 * y[0..n) at times start_ms + i * step_ms (or i calendar months for monthly
 * data: capplan_grid_time), NaN where a point is missing.
 * NaN points are kept out of every fit.  It returns h point forecasts for
 * the steps after the last one, each with 80% and 95% prediction intervals,
 * and a few numbers describing the fit.  Methods never print and never exit;
 * a series a method cannot fit (too short, non-positive data for the
 * exponential, no convergence) is a per-series failure: the method returns
 * -1 with err set (status CAPPLAN_EX_DATAERR) and the caller stores it.
 */
#ifndef CAPPLAN_MODEL_FORECAST_H
#define CAPPLAN_MODEL_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* The series as a method sees it. */
struct capplan_fit_input {
	const double *y;          /* n values, NaN where missing */
	size_t n;
	int64_t start_ms;         /* time of y[0] */
	int64_t step_ms;          /* grid spacing */
	size_t period;            /* seasonal period in steps, 0: none (methods that need one fail) */
	uint64_t seed;            /* for methods that draw random numbers (forest) */
	/*
	 * Other series on the same grid, for the forest: drivers[k][i] for
	 * i in [0, n + h), the future part taken from the drivers' own forecasts.
	 */
	const double *const *drivers;
	size_t ndrivers;
	int months;               /* calendar grid of this many months (lib/series.h), 0: fixed step */
};

/* h forecasts after the last point, with their intervals. */
struct capplan_forecast {
	size_t h;
	double *yhat;
	double *lo80, *hi80;
	double *lo95, *hi95;
};

/* What a fit says about itself; unused fields are NaN. */
#define CAPPLAN_FIT_MAX_PARAMS 8
struct capplan_fit_info {
	const char *param_names[CAPPLAN_FIT_MAX_PARAMS];
	double params[CAPPLAN_FIT_MAX_PARAMS];
	size_t nparams;
	double sigma;             /* residual standard deviation (in-sample, one step) */
	double sse;               /* sum of squared in-sample residuals */
	size_t nobs;              /* points used (not NaN) */
};

/* Allocate the five arrays of h points (NaN-filled).  0, or -1 with err set. */
int capplan_forecast_init(struct capplan_forecast *f, size_t h, struct capplan_error *err);
void capplan_forecast_release(struct capplan_forecast *f);

/* Reset info to no parameters and NaN statistics. */
void capplan_fit_info_init(struct capplan_fit_info *info);
/* Record a named parameter (the name is a string literal). */
void capplan_fit_info_param(struct capplan_fit_info *info, const char *name, double value);

/* The standard normal quantiles used for 80% and 95% intervals. */
#define CAPPLAN_Z80 1.2815515655446004
#define CAPPLAN_Z95 1.9599639845400540

/*
 * A forecasting method: fit in, forecast h steps out.  0, or -1 with err set
 * (CAPPLAN_EX_DATAERR for a series the method cannot fit).
 */
typedef int (*capplan_method_fn)(const struct capplan_fit_input *in, size_t h,
                                 struct capplan_forecast *out, struct capplan_fit_info *info,
                                 struct capplan_error *err);

#endif
