/*
 * lib/model/forest.h: a random forest regressor, and the forecasting method
 * built on it.
 *
 * The forest is Breiman's: each tree is a CART regression tree grown on a
 * bootstrap sample of the rows, and at each split only a random subset of the
 * features is searched.  A split is the feature and threshold that most
 * reduce the sum of squared errors; thresholds lie half-way between two
 * consecutive distinct values, and a row goes left when x <= threshold (as in
 * scikit-learn).  A prediction is the mean of the trees' leaf values.  Rows
 * that a tree did not draw are its out-of-bag rows; their predictions over
 * the trees that left them out give an honest error estimate for free.
 *
 * Random numbers come from the caller's gsl_rng, so a fit is reproducible
 * from the generator's seed.  Nothing here keeps global state: different
 * forests may be fitted in different threads, each with its own generator.
 */
#ifndef CAPPLAN_MODEL_FOREST_H
#define CAPPLAN_MODEL_FOREST_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "model/forecast.h"
#include "util/error.h"

/*
 * The defaults, and why.  min_samples_leaf 5 is R randomForest's nodesize for
 * regression; fully grown trees (leaf 1) forecast much worse on the real
 * series (mean MAE / seasonal-naive MAE 1.36 against 1.07).  max_features 1
 * (every feature at every split, randomness from the bootstrap alone) is
 * scikit-learn's RandomForestRegressor default (1.0 since 1.1, "auto" = all
 * features before); Breiman's p/3 (R's default) forecasts worse here: the
 * forecasting features are few (4 to 6) and one or two dominate (hour of
 * day, the lag), and a split forced onto day of year or the trend index fits
 * local levels that do not carry into the future (holdout MAE 2.6 against
 * 1.6 on an hourly daily+weekly cycle with noise sd 2; 1.09 against 1.07 of
 * seasonal-naive on the real series).
 */
struct capplan_forest_options {
	size_t ntrees;            /* number of trees (default 100) */
	size_t max_depth;         /* deepest split level; 0: no limit (default) */
	size_t min_samples_leaf;  /* distinct rows in each leaf, >= 1 (default 5) */
	double max_features;      /* fraction of the features searched at each split, in
	                           * (0, 1]: max(1, floor(fraction * ncols)) features
	                           * (default 1: all, scikit-learn's default; see above) */
	size_t max_samples;       /* rows drawn for each tree; 0: nrows (default) */
	size_t block;             /* rows drawn together, consecutive rows in blocks of this
	                           * many (a block bootstrap for series); 0 or 1: each
	                           * row on its own (default 1) */
	int bootstrap;            /* 1: draw with replacement (default); 0: draw without
	                           * replacement (every row when max_samples is 0) */
};

/* Fill o with the defaults above. */
void capplan_forest_options_init(struct capplan_forest_options *o);

struct capplan_forest;

/*
 * Grow a forest on X (nrows x ncols, row-major: X[i * ncols + j]) and y[nrows].
 * No value may be NaN or infinite (leave such rows out first).  o may be NULL
 * for the defaults.  rng is drawn from (bootstrap rows, feature subsets) and
 * not kept.  Returns the forest (free with capplan_forest_free), or NULL with
 * err set: CAPPLAN_EX_DATAERR for non-finite data or no rows, CAPPLAN_EX_USAGE
 * for bad options, CAPPLAN_EX_SOFTWARE when out of memory.
 */
struct capplan_forest *capplan_forest_fit(const double *X, size_t nrows, size_t ncols,
                                          const double *y,
                                          const struct capplan_forest_options *o,
                                          gsl_rng *rng, struct capplan_error *err);

/* The forest's prediction for one row of ncols features. */
double capplan_forest_predict(const struct capplan_forest *f, const double *row);

/* The same for n rows (X row-major, n x ncols) into out[n]; faster than one by one. */
void capplan_forest_predict_rows(const struct capplan_forest *f, const double *X, size_t n,
                                 double *out);

/*
 * The out-of-bag prediction of each training row (nrows values, *n set to
 * nrows): the mean over the trees that did not draw the row, NaN for a row
 * every tree drew.  Owned by the forest.
 */
const double *capplan_forest_oob(const struct capplan_forest *f, size_t *n);

/* Number of trees, and of nodes (splits and leaves) over all trees. */
size_t capplan_forest_ntrees(const struct capplan_forest *f);
size_t capplan_forest_nodes(const struct capplan_forest *f);

void capplan_forest_free(struct capplan_forest *f);

/*
 * The forecasting method "forest" (a capplan_method_fn), with the defaults of
 * capplan_forest_forecast_opts.
 */
int capplan_forest_forecast(const struct capplan_fit_input *in, size_t h,
                            struct capplan_forecast *out, struct capplan_fit_info *info,
                            struct capplan_error *err);

/*
 * The same with forest options (NULL: capplan_forest_options_init, then
 * max_samples CAPPLAN_FOREST_MAX_SAMPLES).  out is allocated here
 * (capplan_forecast_init) and released again on failure.
 *
 * 1. Detrend: an OLS line a + b*i on the step index over the points that are
 *    not NaN; the forest learns the residuals r, the line is added back.
 *    (Trees predict within the range of what they saw: on its own a forest
 *    forecasts a growing series flat.)
 * 2. Features of grid point i (time t = start_ms + i*step_ms, UTC): hour of
 *    day with its fraction (13.5 for 13:30), day of week (Monday 0), day of
 *    year (1..366), the index i (trend), then, when period > 0 and
 *    n >= 2*period, the residual one period back r[i - period] (the lag),
 *    then each driver series drivers[k][i].
 * 3. The lag is recursive: beyond the first period of the horizon r[i - period]
 *    is the forest's own forecast (computed a period at a time).  The
 *    alternative, only lags >= h, would be a lag of 180 days for a 180-day
 *    horizon: little information, and half a year of history lost to it.  A
 *    missing r[i - period] in the history is filled with the residual one
 *    period before it (0 in the first period).
 * 4. Training rows: points whose value is not NaN, after the first period when
 *    the lag is used, whose drivers are not NaN.  A NaN in a driver's future
 *    takes the driver's last value before it.
 * 5. Intervals: yhat plus the empirical 10/90% and 2.5/97.5% quantiles
 *    (linear interpolation, numpy's default) of the out-of-bag residuals,
 *    widened at horizon point i by sqrt(1 + se_line(i)^2 / var_oob), where
 *    se_line(i)^2 = s^2 (1/m + (i - mean)^2 / Sxx) is the textbook variance of
 *    the OLS line's value at i (s^2 the line's residual variance, m points)
 *    and var_oob the out-of-bag mean squared residual: the line's
 *    extrapolation error and the forest's error add as independent
 *    variances, the quantiles keeping their shape.  yhat always lies within
 *    both intervals.  Out-of-bag residuals are errors of interpolation (an
 *    out-of-bag row's neighbours in time were in the bag); on series whose
 *    level shifts they understate the error of a forecast.  The block
 *    option (a block bootstrap) makes them errors across a gap of a block.
 *
 * Fewer than CAPPLAN_FOREST_MIN_POINTS training rows (or values) is a
 * per-series failure (CAPPLAN_EX_DATAERR).  info: intercept, slope, trees,
 * features, lag (in steps, 0 without), oob_r2; sigma and sse from the
 * out-of-bag residuals, nobs the training rows.  The random numbers are an
 * mt19937 seeded with in->seed ^ (in->seed >> 32) (GSL keeps 32 bits of a
 * seed), so a series forecasts the same in any thread and any run.
 *
 * Time: 100 trees of 4096 rows each, 8,760 hourly points, a 180-day horizon
 * (4,320 points): about 0.16 s of CPU; rows are drawn 4096 per tree however
 * long the history (see max_samples), so the time grows slowly with it.
 */
#define CAPPLAN_FOREST_MIN_POINTS 20
#define CAPPLAN_FOREST_MAX_SAMPLES 4096
int capplan_forest_forecast_opts(const struct capplan_fit_input *in, size_t h,
                                 const struct capplan_forest_options *o,
                                 struct capplan_forecast *out, struct capplan_fit_info *info,
                                 struct capplan_error *err);

#endif
