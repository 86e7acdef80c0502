/*
 * lib/model/exponential.h: the "exponential" method, y = a * exp(b * x).
 *
 * a and b are the nonlinear least-squares fit (sum of squared differences in
 * y, not in log y), found with GSL's gsl_multifit_nlinear (trust region,
 * Levenberg-Marquardt) started from the log-linear fit (OLS of log y on x).
 * The solver works on x scaled to [0, 1] over the points used and y divided
 * by its largest value, so that a 10^12-sized series and a long one are as
 * well conditioned as a short small one; a and b are converted back to the
 * caller's x (per step for the method).  The solver stops when a step
 * changes the parameters by less than 1e-14 relative (or the gradient
 * vanishes); then at most a few Newton steps on the gradient (full Hessian)
 * polish the result, because near the optimum the rounding of the cost
 * hides changes in b of up to ~1e-8 relative from Levenberg-Marquardt but
 * not from the gradient.  The result agrees with the exact least-squares
 * optimum to a few ulps (1e-14 relative or better on the test fixtures);
 * scipy's curve_fit stops up to ~5e-6 away with its default tolerances and
 * up to ~2e-7 (for a small b) with ftol = xtol = gtol = 1e-15.
 *
 * Intervals: the delta method for a new observation,
 *   var(x0) = s^2 + g(x0)^T C g(x0),  C = s^2 (J^T J)^-1,
 * g(x0) = (exp(b x0), a x0 exp(b x0)) the gradient of a exp(b x0) in (a, b),
 * J the Jacobian of the fit at the optimum and s^2 = SSE / (n - 2): the
 * noise of the new point plus the uncertainty of the fitted curve, which
 * grows as the forecast runs ahead.  Bounds are yhat -/+ t sqrt(var) with
 * the Student t quantile for n - 2 degrees of freedom, as for the linear
 * method.  The curve's uncertainty is linearised, so for long horizons on
 * short noisy histories the true interval is asymmetric and wider above;
 * the symmetric one is the usual textbook choice and what scipy's
 * curve_fit covariance gives.
 */
#ifndef CAPPLAN_MODEL_EXPONENTIAL_H
#define CAPPLAN_MODEL_EXPONENTIAL_H

#include <stddef.h>

#include "model/forecast.h"
#include "util/error.h"

/* Iterations allowed when the caller passes 0. */
#define CAPPLAN_EXP_MAX_ITER 500

/* A fitted exponential and what its intervals need. */
struct capplan_exp {
	double a;           /* value at x = 0 */
	double b;           /* growth rate per unit of x (per step for the method) */
	double sigma;       /* s = sqrt(sse / (n - 2)) */
	double sse;         /* sum of squared residuals in y */
	size_t n;           /* points used, >= 3 */
	size_t iterations;  /* solver iterations */
	/* As solved: y = yscale * A * exp(B * (x - x0) / span). */
	double x0, span, yscale, A, B;
	double cov_aa, cov_ab, cov_bb;   /* C = s^2 (J^T J)^-1 of (A, B), y in units of yscale */
};

/*
 * Fit y = a * exp(b * x) to the n pairs (x[i], y[i]); x NULL means x[i] = i.
 * Pairs where x or y is NaN are left out.  max_iter bounds the solver's
 * iterations (0: CAPPLAN_EXP_MAX_ITER).  0, or -1 with err set
 * (CAPPLAN_EX_DATAERR) when fewer than 3 pairs remain, all x are equal, a
 * value is infinite, a value is zero or negative (the log-linear start takes
 * log y), or the solver does not converge.
 */
int capplan_exp_fit(const double *x, const double *y, size_t n, size_t max_iter,
                    struct capplan_exp *fit, struct capplan_error *err);

/* The fitted value a * exp(b * x0). */
double capplan_exp_predict(const struct capplan_exp *fit, double x0);

/*
 * The delta-method prediction interval at x0 with coverage level (0.80,
 * 0.95, ...), Student t with n - 2 degrees of freedom.  With sigma 0 (an
 * exact exponential) both bounds are the fitted value.
 */
void capplan_exp_interval(const struct capplan_exp *fit, double x0, double level, double *lo,
                          double *hi);

/*
 * The method (a capplan_method_fn): fit on in->y over x = 0..n-1, forecast
 * x = n..n+h-1 with 80% and 95% intervals into out, parameters "a" (the
 * curve at the first grid point), "b" (per step) and, when b > 0,
 * "doubling_steps" = ln 2 / b, plus sigma, sse and nobs in info.  out is
 * allocated here (capplan_forecast_init; the caller releases it) and left
 * released on failure.  Fails (CAPPLAN_EX_DATAERR) for every reason
 * capplan_exp_fit does.
 */
int capplan_exponential_forecast(const struct capplan_fit_input *in, size_t h,
                                 struct capplan_forecast *out, struct capplan_fit_info *info,
                                 struct capplan_error *err);

#endif
