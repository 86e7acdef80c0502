/*
 * lib/model/exponential.c: the "exponential" method, y = a * exp(b * x).
 *
 * The solver sees t = (x - x0) / span in [0, 1] and v = y / yscale in
 * (0, 1] and fits v = A exp(B t); then b = B / span and
 * a = yscale * A * exp(-B x0 / span).  Forecasts and intervals are computed
 * from A and B directly, so that a far-off x0 loses nothing to exp(-B x0).
 */
#include "model/exponential.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "model/linear.h"
#include "util/ksum.h"

/* Stop when no parameter moves by more than this, relative. */
#define EXP_XTOL 1e-14
/* ... or when the scaled gradient is this small against the cost. */
#define EXP_GTOL 1e-15
/* Newton polish only from this close (relative step) to the optimum. */
#define EXP_POLISH_MAX 1e-6
/* A start that no step improves is the optimum if Newton would move it less than this. */
#define EXP_START_TOL 1e-12

struct exp_data {
	double *t, *v;
	size_t n;
};

/*
 * A trial step can take B far enough for exp to overflow.  GSL's trust
 * region does not reject a step whose cost is inf or NaN (it compares NaN
 * and goes on from there), so such values are replaced by a large finite
 * one (cost ~ n * 1e200): the step is then rejected as far worse.
 */
#define EXP_HUGE 1e100

static double
finite_or_huge(double v)
{
	return isfinite(v) ? v : EXP_HUGE;
}

static int
exp_f(const gsl_vector *p, void *data, gsl_vector *f)
{
	const struct exp_data *d = data;
	double A = gsl_vector_get(p, 0), B = gsl_vector_get(p, 1);

	for (size_t i = 0; i < d->n; i++)
		gsl_vector_set(f, i, finite_or_huge(A * exp(B * d->t[i]) - d->v[i]));
	return GSL_SUCCESS;
}

static int
exp_df(const gsl_vector *p, void *data, gsl_matrix *J)
{
	const struct exp_data *d = data;
	double A = gsl_vector_get(p, 0), B = gsl_vector_get(p, 1);

	for (size_t i = 0; i < d->n; i++) {
		double e = exp(B * d->t[i]);

		gsl_matrix_set(J, i, 0, finite_or_huge(e));
		gsl_matrix_set(J, i, 1, finite_or_huge(A * d->t[i] * e));
	}
	return GSL_SUCCESS;
}

static double
xat(const double *x, size_t i)
{
	return x ? x[i] : (double)i;
}

/* Check the points and count those used; find the range of x and the largest y. */
static int
exp_scan(const double *x, const double *y, size_t n, size_t *used, double *xmin, double *xmax,
         double *ymax, struct capplan_error *err)
{
	*used = 0;
	for (size_t i = 0; i < n; i++) {
		double xi = xat(x, i);

		if (isnan(xi) || isnan(y[i]))
			continue;
		if (isinf(xi) || isinf(y[i]))
			return capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                         "point %zu is infinite (x = %g, y = %g)", i, xi, y[i]);
		if (y[i] <= 0.0) {
			capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                  "point %zu is %g: an exponential fit needs values above 0 "
			                  "(it starts from the log-linear fit, which takes log y)", i, y[i]);
			return capplan_error_hint(err, "a series that can be 0 or negative is not "
			                               "exponential growth; use linear or another method");
		}
		if (*used == 0 || xi < *xmin)
			*xmin = xi;
		if (*used == 0 || xi > *xmax)
			*xmax = xi;
		if (*used == 0 || y[i] > *ymax)
			*ymax = y[i];
		(*used)++;
	}
	if (*used == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "no points to fit an exponential to: all %zu values are NaN", n);
	if (*used < 3)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "too few points to fit an exponential: %zu (need at least 3 "
		                         "for the curve and its residual spread)", *used);
	if (!(*xmax > *xmin))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "cannot fit an exponential: all %zu points have the same x (%g)",
		                         *used, *xmin);
	return 0;
}

/*
 * Levenberg-Marquardt from (A0, B0) on d; the solution in p.  0; 1 when no
 * step from the start lowers the cost (p is the start: it may already be
 * the optimum, which the caller checks); -1 with err set when the solver
 * does not converge.
 */
static int
exp_solve(struct exp_data *d, double A0, double B0, size_t max_iter, gsl_vector *p,
          size_t *iterations, struct capplan_error *err)
{
	gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
	gsl_multifit_nlinear_fdf fdf;
	gsl_multifit_nlinear_workspace *w;
	gsl_vector_view start;
	double p0[2] = { A0, B0 };
	int status, info = 0, rc = -1;

	params.trs = gsl_multifit_nlinear_trs_lm;
	fdf.f = exp_f;
	fdf.df = exp_df;
	fdf.fvv = NULL;
	fdf.n = d->n;
	fdf.p = 2;
	fdf.params = d;
	w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, d->n, 2);
	if (!w)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	start = gsl_vector_view_array(p0, 2);
	status = gsl_multifit_nlinear_init(&start.vector, &fdf, w);
	if (status == GSL_SUCCESS)
		status = gsl_multifit_nlinear_driver(max_iter, EXP_XTOL, EXP_GTOL, 0.0, NULL, NULL,
		                                     &info, w);
	*iterations = gsl_multifit_nlinear_niter(w);
	if (status == GSL_SUCCESS || (status == GSL_EMAXITER && info == GSL_ENOPROG)) {
		/* the driver reports "no step from the start helps" as EMAXITER, info ENOPROG */
		rc = status == GSL_SUCCESS ? 0 : 1;
		gsl_vector_memcpy(p, gsl_multifit_nlinear_position(w));
		if (!isfinite(gsl_vector_get(p, 0)) || !isfinite(gsl_vector_get(p, 1)))
			rc = capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                       "the exponential fit ran off to infinity (the data are "
			                       "far from a * exp(b * x))");
	} else if (status == GSL_EMAXITER) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "the exponential fit did not converge in %zu iterations", max_iter);
		capplan_error_hint(err, "the series is far from exponential growth or decay; "
		                        "the other methods still forecast it");
	} else {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "the exponential fit failed: %s",
		                  gsl_strerror(status));
	}
	gsl_multifit_nlinear_free(w);
	return rc;
}

/*
 * The Newton step for the cost (1/2) sum r_i^2, r_i = A e^{B t_i} - v_i, at
 * (A, B), with the full Hessian J^T J + sum r_i (second derivatives of
 * A e^{Bt}): (dA, dB), and its size max_j |dx_j| / max(|x_j|, 1).
 * Returns 0, or -1 when the Hessian is not positive definite.
 */
static int
newton_step(const struct exp_data *d, double A, double B, double *dA, double *dB, double *size)
{
	struct capplan_ksum g0 = { 0, 0 }, g1 = { 0, 0 };
	double h00 = 0, h01 = 0, h11 = 0, det;

	for (size_t i = 0; i < d->n; i++) {
		double t = d->t[i], e = exp(B * t), r = A * e - d->v[i];
		double j0 = e, j1 = A * t * e;

		capplan_ksum_add(&g0, r * j0);
		capplan_ksum_add(&g1, r * j1);
		h00 += j0 * j0;
		h01 += j0 * j1 + r * t * e;           /* d2/dA dB of A e^{Bt} is t e^{Bt} */
		h11 += j1 * j1 + r * A * t * t * e;   /* d2/dB2 is A t^2 e^{Bt} */
	}
	det = h00 * h11 - h01 * h01;
	if (!(h00 > 0.0) || !(det > 0.0))
		return -1;
	*dA = -(h11 * capplan_ksum_value(&g0) - h01 * capplan_ksum_value(&g1)) / det;
	*dB = -(h00 * capplan_ksum_value(&g1) - h01 * capplan_ksum_value(&g0)) / det;
	*size = fmax(fabs(*dA) / fmax(fabs(A), 1.0), fabs(*dB) / fmax(fabs(B), 1.0));
	return isfinite(*size) ? 0 : -1;
}

/*
 * Polish (A, B) by Newton steps on the gradient.  Levenberg-Marquardt
 * judges a step by the cost, and near the optimum of a noisy series the
 * cost's rounding (1e-16 of it) hides changes in B of up to ~1e-8
 * relative; the gradient still shows them.  Only steps that are already
 * small (the solver has converged) and that keep shrinking are taken, so
 * this never moves away from what the solver found.  Returns the size of
 * the last Newton step at the point returned (HUGE_VAL when none could be
 * computed).
 */
static double
exp_polish(const struct exp_data *d, double *A, double *B)
{
	double dA, dB, size, nA, nB, ndA, ndB, nsize;

	if (newton_step(d, *A, *B, &dA, &dB, &size) < 0)
		return HUGE_VAL;
	for (int k = 0; k < 8 && size > 0.0 && size <= EXP_POLISH_MAX; k++) {
		nA = *A + dA;
		nB = *B + dB;
		if (newton_step(d, nA, nB, &ndA, &ndB, &nsize) < 0 || !(nsize < size))
			break;
		*A = nA;
		*B = nB;
		dA = ndA;
		dB = ndB;
		size = nsize;
	}
	return size;
}

int
capplan_exp_fit(const double *x, const double *y, size_t n, size_t max_iter,
                struct capplan_exp *fit, struct capplan_error *err)
{
	struct capplan_ols start;
	struct exp_data d;
	struct capplan_ksum sse = { 0, 0 };
	double xmin = 0, xmax = 0, ymax = 0, span, A, B, s2;
	double *buf;
	size_t used, k = 0;
	int stalled;
	gsl_matrix *J = NULL, *covar = NULL;
	gsl_vector *p = NULL;
	int rc = -1;

	if (exp_scan(x, y, n, &used, &xmin, &xmax, &ymax, err) < 0)
		return -1;
	if (max_iter == 0)
		max_iter = CAPPLAN_EXP_MAX_ITER;
	span = xmax - xmin;
	buf = malloc(3 * used * sizeof(double));
	J = gsl_matrix_alloc(used, 2);
	covar = gsl_matrix_alloc(2, 2);
	p = gsl_vector_alloc(2);
	if (!buf || !J || !covar || !p) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		goto done;
	}
	d.t = buf;
	d.v = buf + used;
	d.n = used;
	for (size_t i = 0; i < n; i++) {
		double xi = xat(x, i);

		if (isnan(xi) || isnan(y[i]))
			continue;
		buf[k] = (xi - xmin) / span;
		buf[used + k] = y[i] / ymax;
		buf[2 * used + k] = log(y[i]) - log(ymax);   /* y / ymax may underflow */
		k++;
	}

	/* the start: log v = log A + B t by least squares */
	if (capplan_ols_fit(d.t, buf + 2 * used, used, &start, err) < 0)
		goto done;
	stalled = exp_solve(&d, exp(start.intercept), start.slope, max_iter, p, &fit->iterations,
	                    err);
	if (stalled < 0)
		goto done;
	A = gsl_vector_get(p, 0);
	B = gsl_vector_get(p, 1);
	if (exp_polish(&d, &A, &B) > EXP_START_TOL && stalled) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "the exponential fit made no progress from the log-linear start "
		                  "(a = %g, b = %g per unit of x scaled to [0, 1])",
		                  exp(start.intercept) * ymax, start.slope);
		capplan_error_hint(err, "the series is far from exponential growth or decay; "
		                        "the other methods still forecast it");
		goto done;
	}

	/* residuals (compensated sum) and the Jacobian at the optimum */
	for (size_t i = 0; i < used; i++) {
		double e = exp(B * d.t[i]);
		double r = A * e - d.v[i];

		capplan_ksum_add(&sse, r * r);
		gsl_matrix_set(J, i, 0, e);
		gsl_matrix_set(J, i, 1, A * d.t[i] * e);
	}
	s2 = capplan_ksum_value(&sse) / (double)(used - 2);
	/* (J^T J)^-1 by QR with column pivoting; 0 as epsrel keeps every column */
	if (gsl_multifit_nlinear_covar(J, 0.0, covar) != GSL_SUCCESS) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                  "the exponential fit's covariance cannot be computed");
		goto done;
	}

	fit->x0 = xmin;
	fit->span = span;
	fit->yscale = ymax;
	fit->A = A;
	fit->B = B;
	fit->cov_aa = s2 * gsl_matrix_get(covar, 0, 0);
	fit->cov_ab = s2 * gsl_matrix_get(covar, 0, 1);
	fit->cov_bb = s2 * gsl_matrix_get(covar, 1, 1);
	fit->b = B / span;
	fit->a = ymax * A * exp(-B * xmin / span);
	fit->sse = capplan_ksum_value(&sse) * ymax * ymax;
	fit->sigma = sqrt(s2) * ymax;
	fit->n = used;
	rc = 0;
done:
	gsl_vector_free(p);
	gsl_matrix_free(covar);
	gsl_matrix_free(J);
	free(buf);
	return rc;
}

double
capplan_exp_predict(const struct capplan_exp *fit, double x0)
{
	double t = (x0 - fit->x0) / fit->span;

	return fit->yscale * fit->A * exp(fit->B * t);
}

void
capplan_exp_interval(const struct capplan_exp *fit, double x0, double level, double *lo,
                     double *hi)
{
	double t = (x0 - fit->x0) / fit->span;
	double e = exp(fit->B * t);
	double g0 = e, g1 = fit->A * t * e;   /* d(A e^{Bt}) / dA, / dB */
	double s = fit->sigma / fit->yscale;
	double var = s * s + g0 * g0 * fit->cov_aa + 2.0 * g0 * g1 * fit->cov_ab
	             + g1 * g1 * fit->cov_bb;
	double q = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(fit->n - 2));
	double yhat = fit->yscale * fit->A * e;
	double half = q * sqrt(var > 0.0 ? var : 0.0) * fit->yscale;

	*lo = yhat - half;
	*hi = yhat + half;
}

int
capplan_exponential_forecast(const struct capplan_fit_input *in, size_t h,
                             struct capplan_forecast *out, struct capplan_fit_info *info,
                             struct capplan_error *err)
{
	struct capplan_exp fit;

	if (capplan_exp_fit(NULL, in->y, in->n, 0, &fit, err) < 0)
		return -1;
	if (capplan_forecast_init(out, h, err) < 0)
		return -1;
	for (size_t k = 0; k < h; k++) {
		double x0 = (double)(in->n + k);

		out->yhat[k] = capplan_exp_predict(&fit, x0);
		capplan_exp_interval(&fit, x0, 0.80, &out->lo80[k], &out->hi80[k]);
		capplan_exp_interval(&fit, x0, 0.95, &out->lo95[k], &out->hi95[k]);
	}
	capplan_fit_info_init(info);
	capplan_fit_info_param(info, "a", fit.a);
	capplan_fit_info_param(info, "b", fit.b);
	if (fit.b > 0.0)
		capplan_fit_info_param(info, "doubling_steps", 0.69314718055994530942 / fit.b);
	info->sigma = fit.sigma;
	info->sse = fit.sse;
	info->nobs = fit.n;
	return 0;
}
