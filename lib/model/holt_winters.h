/*
 * lib/model/holt_winters.h: additive Holt-Winters exponential smoothing with
 * additive seasonality, optionally with a damped trend: ETS(A,A,A) and
 * ETS(A,Ad,A) in Hyndman's taxonomy.
 *
 * For a point y[t] the model predicts, from the states after y[t-1],
 *
 *   yhat[t] = l + phi * b + s[t]               e[t] = y[t] - yhat[t]
 *
 * and then corrects the states:
 *
 *   l' = l + phi * b + alpha * e
 *   b' = phi * b + alpha * beta * e           (= beta (l' - l) + (1 - beta) phi b)
 *   s[t + m] = s[t] + gamma * e                (= gamma (y - l - phi b) + (1 - gamma) s[t])
 *
 * beta is the trend smoothing of Holt's form, statsmodels' smoothing_trend
 * of ExponentialSmoothing; the state-space form's beta (statsmodels'
 * ETSModel smoothing_trend, R's ets beta) is alpha * beta.  phi is 1 without
 * damping.  These are statsmodels' ExponentialSmoothing(trend='add',
 * seasonal='add') recursions, number for number (to rounding).
 *
 * Missing points: where y[t] is NaN the correction is skipped (e = 0: the
 * prediction stands in for the observation), so l' = l + phi b, b' = phi b
 * and the seasonal state is carried unchanged; the point adds nothing to the
 * SSE.  A Kalman filter would instead widen the states' uncertainty and use
 * larger gains after a gap; exponential smoothing keeps its fixed gains.
 *
 * The h-step forecast after the last point is l + phi_h b + s, phi_h =
 * phi + phi^2 + ... + phi^h (h without damping), with the seasonal state of
 * the same phase; its variance under the state-space model is
 *
 *   var[h] = sigma^2 (1 + sum_{j=1}^{h-1} c_j^2),
 *   c_j = alpha + alpha beta phi_j + gamma [j mod m == 0].
 */
#ifndef CAPPLAN_MODEL_HOLT_WINTERS_H
#define CAPPLAN_MODEL_HOLT_WINTERS_H

#include <stddef.h>

#include "model/forecast.h"
#include "util/error.h"

struct capplan_hw_params {
	double alpha;   /* level smoothing */
	double beta;    /* trend smoothing, Holt's form (see above) */
	double gamma;   /* seasonal smoothing */
	double phi;     /* trend damping; 1 for the undamped model */
};

/*
 * The states between two points: the level, the (undamped) trend, and m
 * seasonal states where season[j] is the seasonal term of the j-th point
 * still to come.  As initial states (before y[0]) season[j] belongs to y[j]:
 * this is the order of statsmodels' initial_seasonal (of both
 * ExponentialSmoothing and ETSModel with initialization_method='known').
 * After y[n-1] season[j] belongs to y[n+j]: the order of statsmodels'
 * season[-m:].  season is owned by whoever set it up.
 */
struct capplan_hw_states {
	double level;
	double trend;
	double *season;
	size_t m;
};

/*
 * Run the recursions over y[0..n) from init; final receives the states
 * after the last point (final->season holds final->m == init->m values and
 * may be init->season itself).  fitted (n values, or NULL) receives the
 * one-step predictions yhat[t], also where y[t] is NaN.  *sse is the sum of
 * squared errors over the points that are not NaN, *nobs their number
 * (either may be NULL).  No allocation.  0, or -1 with err set
 * (CAPPLAN_EX_SOFTWARE) when m is 0 or differs between init and final.
 */
int capplan_hw_filter(const double *y, size_t n, const struct capplan_hw_params *p,
                      const struct capplan_hw_states *init, struct capplan_hw_states *final,
                      double *fitted, double *sse, size_t *nobs, struct capplan_error *err);

/* yhat[k] = the (k+1)-step forecast from the states st, k = 0..h-1. */
void capplan_hw_predict(const struct capplan_hw_params *p, const struct capplan_hw_states *st,
                        size_t h, double *yhat);

/*
 * Forecast variances: var[k] = sigma2 (1 + sum_{j=1}^{gap+k} c_j^2), the
 * variance of the forecast gap + k + 1 steps after the last observation
 * (gap: trailing missing points between that observation and the first
 * forecast, usually 0), for k = 0..h-1.
 */
void capplan_hw_variance(const struct capplan_hw_params *p, size_t m, double sigma2, size_t gap,
                         size_t h, double *var);

/* A fitted model (capplan_hw_fit fills it; capplan_hw_fit_release frees it). */
struct capplan_hw_fit {
	int damped;
	struct capplan_hw_params params;
	struct capplan_hw_states init;    /* estimated initial states; season sums to 0 */
	struct capplan_hw_states final;   /* after the last point */
	double sse;
	size_t nobs;                      /* points that are not NaN */
	size_t nparams;                   /* estimated: 3 (4) smoothing, m + 1 initial states */
	/*
	 * -2 log L + 2K + 2K(K + 1) / (nobs - K - 1), L the Gaussian likelihood of
	 * the one-step errors at sigma^2 = sse / nobs (-2 log L = nobs log(2 pi
	 * sse / nobs) + nobs), K = nparams + 1 (sigma counts); -inf for sse 0.
	 */
	double aicc;
};

/*
 * Fit the model of period m (damped or not) to y[0..n) by minimising the
 * SSE of the one-step errors over the smoothing parameters and the initial
 * states (for additive errors the Gaussian maximum-likelihood estimate):
 *
 *  - alpha, beta and gamma / (1 - alpha) in (0, 1), phi in (0.8, 0.98), each
 *    a logistic function of an unbounded variable.  gamma < 1 - alpha is the
 *    usual admissible region (statsmodels' ExponentialSmoothing also keeps
 *    beta <= alpha, which is not needed here, so its optimum is never out
 *    of reach).  The variables are kept within +-12 (6e-6 from the bounds)
 *    while searching and +-30 (1e-13) at the end: beyond, the logistic is
 *    flat and the search would get lost there.
 *  - For given smoothing parameters the one-step errors are affine in the
 *    initial states, so their best values solve a linear least-squares
 *    problem (m + 1 unknowns: the seasonal states sum to zero, which loses
 *    nothing, as level and seasonal states trade off exactly).  It is
 *    solved by LSQR (Paige and Saunders) from the current states, the
 *    matrix never formed: applying it is a pass of the recursions without
 *    data, applying its transpose the same pass backwards (the adjoint), so
 *    an iteration costs O(n + m) whatever the period.  The first initial
 *    states are heuristic: a line through the means of the first (up to
 *    five) cycles and the mean deviation from it by phase.  A least-squares
 *    solution is kept only when it lowers the SSE.
 *  - Smoothing parameters by Nelder-Mead (GSL nmsimplex2): four starting
 *    points (middling, nearly deterministic, nearly a random walk, very
 *    nearly deterministic), each improved by a small grid and two short
 *    rounds; from the best, alternately the initial states by least squares
 *    and the smoothing parameters by Nelder-Mead, with a step beyond each
 *    round's move along its direction, until the SSE falls by less than
 *    1e-10 of itself.
 *
 * Deterministic: the same input gives the same fit.  The objective is one
 * pass over y (no allocation); memory is O(n + m).  For hourly data of a
 * year (n = 8760) a fit takes about 0.07 s (m = 24) to 0.1 s (m = 168).
 *
 * 0, or -1 with err set: CAPPLAN_EX_DATAERR when m < 2, fewer than 2 m
 * points are not NaN, there are too few for the parameters (nobs < nparams
 * + 3), or a value is infinite; CAPPLAN_EX_SOFTWARE when out of memory.
 * On failure nothing is left to release.
 */
int capplan_hw_fit(const double *y, size_t n, size_t m, int damped, struct capplan_hw_fit *fit,
                   struct capplan_error *err);
void capplan_hw_fit_release(struct capplan_hw_fit *fit);

/*
 * The "holt-winters" method (a capplan_method_fn): fits the undamped and
 * the damped model with period in->period and keeps the one with the lower
 * AICc (the damped one only when strictly lower; a variant with too few
 * points for its parameters is not tried), then forecasts h points with
 * 80% and 95% intervals yhat -/+ z sqrt(var), var as above with
 *
 *   sigma^2 = sse / (nobs - nparams),
 *
 * nparams the estimated smoothing parameters and initial states (statsmodels'
 * ETSModel uses sse / nobs; the difference is small for long series and
 * makes short ones a little more careful).  Trailing missing points count
 * as steps ahead.
 *
 * info: params "alpha", "beta" (Holt's form), "gamma", "phi" (1 when the
 * undamped model was kept), "period"; sigma, sse, nobs.  out is allocated
 * here (capplan_forecast_init; the caller releases it) and left released on
 * failure.  Fails (CAPPLAN_EX_DATAERR) without a period ("no seasonal
 * period"), and for every reason capplan_hw_fit does.
 */
int capplan_holt_winters_forecast(const struct capplan_fit_input *in, size_t h,
                                  struct capplan_forecast *out, struct capplan_fit_info *info,
                                  struct capplan_error *err);

#endif
