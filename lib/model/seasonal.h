/*
 * lib/model/seasonal.h: classical additive seasonal decomposition, and the
 * "seasonal" forecasting method built on it.
 *
 * The decomposition is statsmodels' seasonal_decompose(x, model='additive',
 * period=p) (two_sided=True, extrapolate_trend=0), number for number:
 *
 *   trend     centred moving average: for odd p the mean of the p points
 *             i-(p-1)/2 .. i+(p-1)/2; for even p the "2 x p" average of the
 *             p+1 points i-p/2 .. i+p/2 with weights 1/2, 1, ..., 1, 1/2,
 *             divided by p.  NaN for the first and last floor(p/2) points,
 *             where the window does not fit.
 *   figure    figure[k] = mean of (y - trend) over the points of phase k
 *             (i mod p == k, phase 0 at y[0]) where it is defined, minus the
 *             mean of the p values, so that the figure sums to zero.
 *   seasonal  seasonal[i] = figure[i mod p].
 *   resid     (y - trend) - seasonal.
 *
 * Missing points (NaN in y), which statsmodels refuses: a window that holds
 * a NaN gives a NaN trend (the moving average is never taken over fewer
 * points than its width, which would bias it toward the part of the cycle
 * that is present); the phase means skip NaN, as statsmodels' own nanmean
 * does for the edges; resid is NaN where y or the trend is.  seasonal is
 * defined everywhere.  Without NaN the result is statsmodels'.
 *
 * The moving average is a running sum, resynchronised by a direct sum at
 * the start of every cycle, so a decomposition costs O(n) whatever the
 * period; it agrees with the direct sum to about period * 1e-16 of the
 * data's magnitude.
 */
#ifndef CAPPLAN_MODEL_SEASONAL_H
#define CAPPLAN_MODEL_SEASONAL_H

#include <stddef.h>
#include <stdint.h>

#include "model/forecast.h"
#include "util/error.h"

/*
 * Decompose y[0..n) with seasonal period `period` (steps) into trend[n],
 * seasonal[n], resid[n] and figure[period] (all given by the caller, none
 * NULL, none overlapping y).  0, or -1 with err set (CAPPLAN_EX_DATAERR):
 * a period below 2, fewer than two full cycles (n < 2 * period), an
 * infinite value, or a phase left with no defined y - trend (too many
 * missing points; all-NaN input ends here).
 */
int capplan_seasonal_decompose(const double *y, size_t n, size_t period, double *trend,
                               double *seasonal, double *resid, double *figure,
                               struct capplan_error *err);

/*
 * The candidate seasonal periods of a series with grid step step_ms and n
 * points, from the calendar: a day, a week and a year (365 days) counted in
 * steps, each when the step divides it exactly and it is at least 2 steps
 * (hourly: 24, 168, 8760; half-hourly: 48, 336, 17520; 5-minute: 288, 2016,
 * 105120; daily: 7, 365); 12 for monthly data (a step of 28 to 31 days) and
 * 4 for quarterly data (89 to 92 days).  A period is kept only when the
 * history holds two full cycles (n >= 2 * period).  Writes up to max of
 * them to out[], shortest first, and returns how many it wrote.
 */
size_t capplan_seasonal_periods(int64_t step_ms, size_t n, size_t *out, size_t max);

/*
 * The "seasonal" method (a capplan_method_fn): decompose with in->period,
 * fit a straight line by least squares to all the defined trend values
 * against their index, and forecast
 *
 *   yhat[k] = line(n - 1 + (k + 1)) + figure[(n + k) mod period],
 *
 * the phase running on from the end of the history.  The intervals treat a
 * future point as line + (trend's deviation from its line) + resid:
 *
 *   var[k] = sigma^2 + s_t^2 * (1 + 1/m + (x - xbar)^2 / Sxx),
 *
 * sigma the standard deviation of resid (ddof 1), s_t the standard error of
 * the trend about its line (m - 2 degrees of freedom, m the number of trend
 * values fitted, xbar and Sxx their index mean and spread, x = n + k), and
 * the 80% and 95% bounds yhat -/+ t(m - 2) * sqrt(var), t the Student t
 * quantile with the trend line's m - 2 degrees of freedom: the normal
 * quantile from a few dozen trend values on, wider for short histories
 * (2.23 rather than 1.96 for the 12 trend values of two years of monthly
 * data).  A series that is a cycle on a straight line gets intervals of
 * zero width.
 *
 * Why the whole trend and not its last part: the moving average has already
 * smoothed the noise, a window would be one more magic number, and a change
 * of growth is what holt-winters and the backtest selection are for.  On the
 * 34 series of shared/data/series (the manifest's period and held-out
 * horizon, MASE scaled by the in-sample seasonal-naive error) a line on
 * the whole trend and one on its last half tie at the median (1.12 both);
 * the last half wins the mean (1.73 against 1.84) through two NAB series
 * with a level shift, and loses on the long daily and monthly series closest
 * to capacity planning (retail sales 1.20 against 0.52, page views 2.16
 * against 1.51); the last quarter or the last two cycles do worse (1.91,
 * 2.08).  It is also the convention of the statsmodels-based reference in
 * shared/data/reference, whose forecasts the tests reproduce.
 *
 * info: params "period", "trend_slope" (per step), "trend_intercept" (the
 * line at the last point of the history, index n - 1), "trend_sigma" (s_t);
 * sigma the standard deviation of resid, sse the sum of resid^2, nobs the
 * number of defined points of y.
 *
 * Fails (CAPPLAN_EX_DATAERR) without a period ("no seasonal period"), for
 * every reason capplan_seasonal_decompose fails, and when fewer than 3
 * trend values are defined.  out is allocated here (capplan_forecast_init;
 * the caller releases it) and is not touched on failure.
 */
int capplan_seasonal_forecast(const struct capplan_fit_input *in, size_t h,
                              struct capplan_forecast *out, struct capplan_fit_info *info,
                              struct capplan_error *err);

#endif
