/*
 * lib/model/holt_winters.c: additive Holt-Winters (ETS(A,A,A), ETS(A,Ad,A)).
 *
 * The recursions keep the seasonal states in a ring: ring[t mod m] is the
 * seasonal state of y[t], read for the prediction and corrected in place,
 * so a pass over the series touches one seasonal state per point and
 * allocates nothing.  The fit's objective (the SSE for given smoothing
 * parameters and initial states) is that pass; everything it needs is
 * allocated once per fit.  The fit (see holt_winters.h) alternates
 * Nelder-Mead over the smoothing parameters with an exact least-squares
 * step for the initial states, solved by LSQR with the recursions (and
 * their adjoint) as the matrix.
 */
#include "model/holt_winters.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>

/*
 * The objective's value for parameters whose recursions overflow: finite,
 * because nmsimplex2 treats a non-finite value as an error.
 */
#define HW_HUGE 1e300

#define HW_TWO_PI 6.283185307179586

/* Bounds of the damping parameter. */
#define HW_PHI_LO 0.8
#define HW_PHI_HI 0.98

/* Nelder-Mead: simplex size (in the logistic variables) at which to stop. */
#define HW_NM_SIZE 1e-6
/* ... while screening starting points */
#define HW_NM_LOOSE 1e-2
#define HW_NM_MAXITER 3000
/* ... or when the best value has not moved for this many iterations per dimension */
#define HW_NM_STALL 30
/* Rounds of (initial states by least squares, smoothing parameters by Nelder-Mead). */
#define HW_MAX_ROUNDS 30
/* A round that lowers the SSE by less than this fraction ends the fit. */
#define HW_REL_GAIN 1e-10
/* LSQR for the initial states: iterations at most, and |Z'r| / (|Z| |r|) at which to stop. */
#define HW_LSQR_MAXITER 500
#define HW_LSQR_TOL 1e-12

/*
 * The recursions over y[0..n) on (*level, *trend, ring), ring[t mod m] the
 * seasonal state of y[t]; on return ring[n mod m] is the next point's.
 * Returns the SSE over the points that are not NaN.
 *
 * This is the fit's inner loop.  Written as l' = l + phi b + alpha e and
 * b' = phi b + alpha beta e, each point waits for the previous one through
 * five dependent operations; the same updates as
 *
 *   l' = (1 - alpha) l + alpha (y - s) + (1 - alpha) phi b
 *   b' = phi (1 - alpha beta) b + alpha beta (y - s - l)
 *
 * wait for three, and e, the SSE and the seasonal state are off that path.
 */
static double
hw_run(const double *y, size_t n, size_t m, const struct capplan_hw_params *p, double *level,
       double *trend, double *ring, double *fitted, size_t *nobs)
{
	const double alpha = p->alpha, ab = p->alpha * p->beta, gamma = p->gamma, phi = p->phi;
	const double oma = 1.0 - alpha, c_lb = oma * phi, c_bb = phi * (1.0 - ab);
	double l = *level, b = *trend, sse = 0.0;
	size_t j = 0, used = 0;

	for (size_t t = 0; t < n; t++) {
		double s = ring[j], lp = l + phi * b;

		if (fitted)
			fitted[t] = lp + s;
		if (isnan(y[t])) {
			l = lp;
			b = phi * b;
		} else {
			double ys = y[t] - s, e = ys - lp;

			sse += e * e;
			used++;
			ring[j] = s + gamma * e;
			{
				double nl = (oma * l + alpha * ys) + c_lb * b;

				b = c_bb * b + ab * (ys - l);
				l = nl;
			}
		}
		if (++j == m)
			j = 0;
	}
	*level = l;
	*trend = b;
	if (nobs)
		*nobs = used;
	return sse;
}

static void
reverse(double *a, size_t lo, size_t hi)
{
	while (lo + 1 < hi) {
		double tmp = a[lo];

		a[lo++] = a[--hi];
		a[hi] = tmp;
	}
}

/* Rotate a[0..m) left by r places, in place. */
static void
rotate_left(double *a, size_t m, size_t r)
{
	if (r == 0)
		return;
	reverse(a, 0, r);
	reverse(a, r, m);
	reverse(a, 0, m);
}

int
capplan_hw_filter(const double *y, size_t n, const struct capplan_hw_params *p,
                  const struct capplan_hw_states *init, struct capplan_hw_states *final,
                  double *fitted, double *sse, size_t *nobs, struct capplan_error *err)
{
	size_t m = init->m;
	double level = init->level, trend = init->trend, s;

	if (m == 0 || final->m != m)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
		                         "holt-winters: %zu initial and %zu final seasonal states",
		                         m, final->m);
	if (final->season != init->season)
		memmove(final->season, init->season, m * sizeof(double));
	s = hw_run(y, n, m, p, &level, &trend, final->season, fitted, nobs);
	rotate_left(final->season, m, n % m);
	final->level = level;
	final->trend = trend;
	if (sse)
		*sse = s;
	return 0;
}

void
capplan_hw_predict(const struct capplan_hw_params *p, const struct capplan_hw_states *st,
                   size_t h, double *yhat)
{
	double pw = 1.0, phik = 0.0;   /* phi^k and phi + ... + phi^k */

	for (size_t k = 0; k < h; k++) {
		pw *= p->phi;
		phik += pw;
		yhat[k] = st->level + phik * st->trend + st->season[k % st->m];
	}
}

void
capplan_hw_variance(const struct capplan_hw_params *p, size_t m, double sigma2, size_t gap,
                    size_t h, double *var)
{
	double pw = 1.0, phij = 0.0, sum = 1.0;   /* phi^j, phi_j, 1 + sum of c_j^2 */
	size_t j = 0;

	for (size_t k = 0; k < h; k++) {
		/* var[k] needs c_1 .. c_{gap+k} */
		while (j < gap + k) {
			double c;

			j++;
			pw *= p->phi;
			phij += pw;
			c = p->alpha + p->alpha * p->beta * phij + (j % m == 0 ? p->gamma : 0.0);
			sum += c * c;
		}
		var[k] = sigma2 * sum;
	}
}

/* --- fitting ------------------------------------------------------------------------- */

/* What the objective sees; everything allocated once per fit. */
struct hw_problem {
	const double *y;
	size_t n, m;
	int damped;
	double umax;                /* the box of the logistic variables */
	/* the initial states the objective uses */
	double l0, b0;
	double *s0;                 /* m */
	double *ring;               /* m, the recursions' seasonal ring */
	/* m each: candidate states, before and after a round, the best start's */
	double *cand, *prev, *base, *keep;
	/* LSQR for the initial states, np = m + 1 unknowns */
	double *lu, *lav;           /* n each: u and Z v */
	double *lv, *lw, *lx, *ld, *lt;   /* np each: v, w, x, column scales, scratch */
};

/*
 * The logistic variables are kept within +-HW_U_SEARCH while searching (the
 * parameters 6e-6 from their bounds), then within +-HW_U_MAX (1e-13).
 */
#define HW_U_SEARCH 12.0
#define HW_U_MAX 30.0

static double
logistic(double u)
{
	return 1.0 / (1.0 + exp(-u));
}

static double
logit(double v)
{
	return log(v / (1.0 - v));
}

static size_t
n_smoothing(int damped)
{
	return damped ? 4 : 3;
}

/*
 * alpha, beta, gamma / (1 - alpha) and (phi - 0.8) / 0.18 as logistic
 * functions of u clamped to +-umax.  Far out the logistic is so flat that
 * Nelder-Mead no longer sees the SSE change (at u = 30 a parameter is 1e-13
 * from its bound; beyond 37 it is on it, and the SSE exactly flat), and a
 * simplex that wandered there would stay: so the search first keeps to
 * +-HW_U_SEARCH, where a slope back toward the inside is still visible, and
 * only the last rounds go further, for optima on a bound.  Returns how far u
 * lies outside the box (squared), for a penalty.
 */
static double
params_from_u(const double *u, int damped, double umax, struct capplan_hw_params *p)
{
	double v[4], out = 0.0;
	size_t k = n_smoothing(damped);

	for (size_t i = 0; i < k; i++) {
		v[i] = u[i];
		if (fabs(v[i]) > umax) {
			double d = fabs(v[i]) - umax;

			out += d * d;
			v[i] = copysign(umax, v[i]);
		}
	}
	p->alpha = logistic(v[0]);
	p->beta = logistic(v[1]);
	p->gamma = (1.0 - p->alpha) * logistic(v[2]);
	p->phi = damped ? HW_PHI_LO + (HW_PHI_HI - HW_PHI_LO) * logistic(v[3]) : 1.0;
	return out;
}

/* The inverse for values strictly inside (0, 1). */
static void
u_from_values(double a, double b, double gs, double ps, int damped, double *u)
{
	u[0] = logit(a);
	u[1] = logit(b);
	u[2] = logit(gs);
	if (damped)
		u[3] = logit(ps);
}

/* The SSE for given parameters and initial states. */
static double
problem_sse(struct hw_problem *pb, const struct capplan_hw_params *p, double l0, double b0,
            const double *s0)
{
	double l = l0, b = b0, sse;

	memcpy(pb->ring, s0, pb->m * sizeof(double));
	sse = hw_run(pb->y, pb->n, pb->m, p, &l, &b, pb->ring, NULL, NULL);
	return isfinite(sse) && sse < HW_HUGE ? sse : HW_HUGE;
}

/* The SSE at the logistic variables u with the problem's initial states, with the box penalty. */
static double
problem_sse_u(struct hw_problem *pb, const double *u)
{
	struct capplan_hw_params p;
	double out = params_from_u(u, pb->damped, pb->umax, &p);
	double sse = problem_sse(pb, &p, pb->l0, pb->b0, pb->s0);

	if (out > 0)
		sse = fmin(HW_HUGE, sse * (1.0 + out) + out);
	return sse;
}

static double
objective(const gsl_vector *x, void *arg)
{
	double u[4];

	for (size_t i = 0; i < x->size; i++)
		u[i] = gsl_vector_get(x, i);
	return problem_sse_u(arg, u);
}

/*
 * Initial states from the first (up to five) cycles that hold data: a line
 * by least squares through the cycle means (at the mean time of their
 * points), the seasonal states the mean deviation from that line by phase,
 * centred to sum to zero; the level is the line one step before y[0].
 */
static void
heuristic_states(const double *y, size_t n, size_t m, double *l0, double *b0, double *s0)
{
	size_t cycles = n / m, first = 0, used = 0, k;
	double tx[5], ty[5], xbar = 0, ybar = 0, sxx = 0, sxy = 0, slope, mean = 0;
	size_t defined = 0;

	while (first < cycles) {
		size_t cnt = 0;

		for (size_t i = first * m; i < (first + 1) * m; i++)
			cnt += !isnan(y[i]);
		if (cnt)
			break;
		first++;
	}
	for (k = first; k < cycles && used < 5; k++) {
		double st = 0, sy = 0;
		size_t cnt = 0;

		for (size_t i = k * m; i < (k + 1) * m; i++) {
			if (isnan(y[i]))
				continue;
			st += (double)i;
			sy += y[i];
			cnt++;
		}
		if (!cnt)
			continue;
		tx[used] = st / (double)cnt;
		ty[used] = sy / (double)cnt;
		used++;
	}
	if (used == 0) {
		*l0 = *b0 = 0;
		for (size_t j = 0; j < m; j++)
			s0[j] = 0;
		return;
	}
	for (size_t i = 0; i < used; i++) {
		xbar += tx[i];
		ybar += ty[i];
	}
	xbar /= (double)used;
	ybar /= (double)used;
	for (size_t i = 0; i < used; i++) {
		sxx += (tx[i] - xbar) * (tx[i] - xbar);
		sxy += (tx[i] - xbar) * (ty[i] - ybar);
	}
	slope = sxx > 0 ? sxy / sxx : 0.0;
	for (size_t j = 0; j < m; j++) {
		double sum = 0;
		size_t cnt = 0;

		for (size_t c = first; c < k; c++) {
			size_t i = c * m + j;

			if (isnan(y[i]))
				continue;
			sum += y[i] - (ybar + slope * ((double)i - xbar));
			cnt++;
		}
		s0[j] = cnt ? sum / (double)cnt : NAN;
		if (cnt) {
			mean += s0[j];
			defined++;
		}
	}
	mean = defined ? mean / (double)defined : 0.0;
	for (size_t j = 0; j < m; j++)
		s0[j] = isnan(s0[j]) ? 0.0 : s0[j] - mean;
	*l0 = ybar + slope * (-1.0 - xbar);
	*b0 = slope;
}

/*
 * The initial states in the least squares are x = (l0, b0, s0[0..m-2]),
 * s0[m-1] = -(s0[0] + ... + s0[m-2]), and the one-step errors are
 * e = e0 - Z x, e0 those from zero initial states, Z's row t the
 * sensitivity of yhat[t] to x (0 where y[t] is NaN).
 *
 * out[t] = (Z x)[t]: the recursions without data (y = 0, so e = -yhat)
 * from the initial states x.
 */
static void
z_mul(const struct hw_problem *pb, const struct capplan_hw_params *p, const double *x,
      double *out)
{
	size_t m = pb->m, j = 0;
	double *ring = pb->ring, l = x[0], b = x[1], last = 0.0;
	double alpha = p->alpha, ab = p->alpha * p->beta, gamma = p->gamma, phi = p->phi;

	for (size_t k = 0; k + 1 < m; k++) {
		ring[k] = x[2 + k];
		last -= x[2 + k];
	}
	ring[m - 1] = last;
	for (size_t t = 0; t < pb->n; t++) {
		double pb_ = phi * b, yhat = l + pb_ + ring[j];

		if (isnan(pb->y[t])) {
			out[t] = 0.0;
			l += pb_;
			b = pb_;
		} else {
			out[t] = yhat;
			l += pb_ - alpha * yhat;
			b = pb_ - ab * yhat;
			ring[j] -= gamma * yhat;
		}
		if (++j == m)
			j = 0;
	}
}

/*
 * out = Z'u: z_mul's adjoint, the recursions run backwards (reverse-mode
 * differentiation of sum_t u[t] yhat[t] with respect to the initial states).
 */
static void
zt_mul(const struct hw_problem *pb, const struct capplan_hw_params *p, const double *u,
       double *out)
{
	size_t m = pb->m, n = pb->n, j = n ? (n - 1) % m : 0;
	double *lam = pb->ring, ll = 0.0, lb = 0.0;
	double alpha = p->alpha, ab = p->alpha * p->beta, gamma = p->gamma, phi = p->phi;

	memset(lam, 0, m * sizeof(double));
	for (size_t t = n; t-- > 0;) {
		if (isnan(pb->y[t])) {
			lb = phi * (ll + lb);
		} else {
			double ly = u[t] - alpha * ll - ab * lb - gamma * lam[j];

			lb = phi * (ll + lb + ly);
			ll += ly;
			lam[j] += ly;
		}
		j = j ? j - 1 : m - 1;
	}
	out[0] = ll;
	out[1] = lb;
	for (size_t k = 0; k + 1 < m; k++)
		out[2 + k] = lam[k] - lam[m - 1];
}

static double
norm2(const double *v, size_t n)
{
	double s = 0.0;

	for (size_t i = 0; i < n; i++)
		s += v[i] * v[i];
	return sqrt(s);
}

/*
 * The initial states that minimise the SSE for parameters p, by LSQR
 * (Paige and Saunders) from the problem's current ones: the correction dx
 * minimises |e - Z dx|, e the current errors, Z applied as z_mul and zt_mul
 * (a pass over the data each, whatever the period) with its columns scaled
 * to about unit length.  Stops when |Z'r| <= HW_LSQR_TOL |Z| |r| or after
 * HW_LSQR_MAXITER iterations.  The solution in *l0, *b0, s0[0..m).
 */
static void
lsqr_states(struct hw_problem *pb, const struct capplan_hw_params *p, double *l0, double *b0,
            double *s0)
{
	size_t n = pb->n, m = pb->m, np = m + 1;
	double *d = pb->ld, *u = pb->lu, *av = pb->lav, *v = pb->lv, *w = pb->lw;
	double *x = pb->lx, *tmp = pb->lt;
	double alpha, beta, rhobar, phibar, anorm2 = 0.0, ds = 0.0;

	/*
	 * Column scales: the lengths of the level's, the trend's and the first
	 * seasonal state's columns, the last for all seasonal states (their
	 * phases are alike).
	 */
	for (size_t c = 0; c < 3; c++) {
		double len;

		memset(tmp, 0, np * sizeof(double));
		tmp[c] = 1.0;
		z_mul(pb, p, tmp, av);
		len = norm2(av, n);
		d[c] = len > 0 ? 1.0 / len : 0.0;
	}
	for (size_t k = 3; k < np; k++)
		d[k] = d[2];
	{
		double l = pb->l0, b = pb->b0;

		memcpy(pb->ring, pb->s0, m * sizeof(double));
		hw_run(pb->y, n, m, p, &l, &b, pb->ring, av, NULL);
		for (size_t t = 0; t < n; t++)
			u[t] = isnan(pb->y[t]) ? 0.0 : pb->y[t] - av[t];
	}
	memset(x, 0, np * sizeof(double));
	beta = norm2(u, n);
	if (beta > 0) {
		for (size_t t = 0; t < n; t++)
			u[t] /= beta;
	}
	zt_mul(pb, p, u, v);
	for (size_t k = 0; k < np; k++)
		v[k] *= d[k];
	alpha = norm2(v, np);
	if (alpha > 0) {
		for (size_t k = 0; k < np; k++)
			v[k] /= alpha;
	}
	memcpy(w, v, np * sizeof(double));
	phibar = beta;
	rhobar = alpha;
	for (size_t it = 0; it < HW_LSQR_MAXITER && beta > 0 && alpha > 0; it++) {
		double rho, c, sn, theta, phi_;

		for (size_t k = 0; k < np; k++)
			tmp[k] = d[k] * v[k];
		z_mul(pb, p, tmp, av);
		for (size_t t = 0; t < n; t++)
			u[t] = av[t] - alpha * u[t];
		beta = norm2(u, n);
		if (beta > 0) {
			for (size_t t = 0; t < n; t++)
				u[t] /= beta;
		}
		anorm2 += alpha * alpha + beta * beta;
		zt_mul(pb, p, u, tmp);
		for (size_t k = 0; k < np; k++)
			v[k] = d[k] * tmp[k] - beta * v[k];
		alpha = norm2(v, np);
		if (alpha > 0) {
			for (size_t k = 0; k < np; k++)
				v[k] /= alpha;
		}
		rho = hypot(rhobar, beta);
		c = rhobar / rho;
		sn = beta / rho;
		theta = sn * alpha;
		rhobar = -c * alpha;
		phi_ = c * phibar;
		phibar = sn * phibar;
		for (size_t k = 0; k < np; k++) {
			x[k] += (phi_ / rho) * w[k];
			w[k] = v[k] - (theta / rho) * w[k];
		}
		/* |Z'r| = phibar alpha |c|, relative to |Z| |r| */
		if (phibar * alpha * fabs(c) <= HW_LSQR_TOL * sqrt(anorm2) * phibar)
			break;
	}
	*l0 = pb->l0 + d[0] * x[0];
	*b0 = pb->b0 + d[1] * x[1];
	for (size_t k = 0; k + 1 < m; k++) {
		double dx = d[2 + k] * x[2 + k];

		s0[k] = pb->s0[k] + dx;
		ds += dx;
	}
	s0[m - 1] = pb->s0[m - 1] - ds;
}

/* Replace the problem's initial states by the least squares ones for u when that lowers the SSE. */
static double
improve_states(struct hw_problem *pb, const double *u, double current)
{
	struct capplan_hw_params p;
	double l0, b0, sse;

	params_from_u(u, pb->damped, pb->umax, &p);
	lsqr_states(pb, &p, &l0, &b0, pb->cand);
	sse = problem_sse(pb, &p, l0, b0, pb->cand);
	if (!(sse < current))
		return current;
	pb->l0 = l0;
	pb->b0 = b0;
	memcpy(pb->s0, pb->cand, pb->m * sizeof(double));
	return sse;
}

/*
 * Nelder-Mead from u with initial steps step_size, until the simplex is
 * smaller than tol or the best value has not moved for HW_NM_STALL
 * iterations per dimension; u receives the minimum, which is returned.
 */
static double
nm_minimise(gsl_multimin_fminimizer *s, gsl_multimin_function *f, gsl_vector *x,
            gsl_vector *step, double *u, double step_size, double tol)
{
	double best = HUGE_VAL;
	size_t since = 0;
	int iterated = 0;

	for (size_t i = 0; i < f->n; i++)
		gsl_vector_set(x, i, u[i]);
	gsl_vector_set_all(step, step_size);
	if (gsl_multimin_fminimizer_set(s, f, x, step) != GSL_SUCCESS)
		return objective(x, f->params);
	/* (the minimiser's value and point are defined after the first iteration) */
	for (size_t it = 0; it < HW_NM_MAXITER; it++) {
		double v;

		if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
			break;
		iterated = 1;
		v = gsl_multimin_fminimizer_minimum(s);
		if (gsl_multimin_fminimizer_size(s) < tol)
			break;
		if (v < best * (1.0 - 1e-15)) {
			best = v;
			since = 0;
		} else if (++since >= HW_NM_STALL * f->n) {
			break;
		}
	}
	if (!iterated)
		return objective(x, f->params);
	for (size_t i = 0; i < f->n; i++)
		u[i] = gsl_vector_get(gsl_multimin_fminimizer_x(s), i);
	return gsl_multimin_fminimizer_minimum(s);
}

/*
 * From the starting values u: the initial states by least squares, the best
 * point of a small grid if better, then Nelder-Mead to a loose tolerance,
 * least squares again, and Nelder-Mead again.  u receives the parameters;
 * the problem's initial states are left at theirs.  Returns the SSE.
 */
static double
screen_start(struct hw_problem *pb, gsl_multimin_fminimizer *nm, gsl_multimin_function *fn,
             gsl_vector *x, gsl_vector *step, double *u)
{
	static const double grid_a[] = { 0.02, 0.2, 0.5, 0.8, 0.98 };
	static const double grid_b[] = { 0.01, 0.1, 0.4 };
	static const double grid_g[] = { 0.01, 0.1, 0.4 };
	static const double grid_p[] = { 0.3, 0.8 };   /* phi 0.854, 0.944 */
	size_t k = n_smoothing(pb->damped), np = pb->damped ? 2 : 1;
	double best, g[4];

	best = improve_states(pb, u, problem_sse_u(pb, u));
	best = fmin(best, problem_sse_u(pb, u));
	for (size_t ia = 0; ia < sizeof(grid_a) / sizeof(grid_a[0]); ia++)
		for (size_t ib = 0; ib < sizeof(grid_b) / sizeof(grid_b[0]); ib++)
			for (size_t ig = 0; ig < sizeof(grid_g) / sizeof(grid_g[0]); ig++)
				for (size_t ip = 0; ip < np; ip++) {
					double sse;

					u_from_values(grid_a[ia], grid_b[ib], grid_g[ig],
					              grid_p[ip], pb->damped, g);
					sse = problem_sse_u(pb, g);
					if (sse < best) {
						best = sse;
						memcpy(u, g, k * sizeof(double));
					}
				}
	best = fmin(best, nm_minimise(nm, fn, x, step, u, 1.0, HW_NM_LOOSE));
	best = improve_states(pb, u, best);
	return fmin(best, nm_minimise(nm, fn, x, step, u, 0.25, HW_NM_LOOSE));
}

/*
 * Alternately the initial states by least squares and the smoothing
 * parameters (u) by Nelder-Mead until the SSE stops falling.  The two are
 * coupled (a small gamma lets the initial seasonal states live long), so
 * the rounds zig-zag; after each, try going on along the round's step, 1,
 * 2, 4, ... times as far.  Returns the SSE; u and the problem's initial
 * states are left at the best point.
 */
static double
alternate(struct hw_problem *pb, gsl_multimin_fminimizer *nm, gsl_multimin_function *fn,
          gsl_vector *x, gsl_vector *step, double *u, double best)
{
	size_t k = n_smoothing(pb->damped), m = pb->m;
	double stepsz = 0.25;

	best = fmin(best, problem_sse_u(pb, u));
	for (size_t round = 0; round < HW_MAX_ROUNDS; round++) {
		double before = best, prev_u[4], prev_l0 = pb->l0, prev_b0 = pb->b0;
		double base_u[4], base_l0, base_b0;

		memcpy(prev_u, u, k * sizeof(double));
		memcpy(pb->prev, pb->s0, m * sizeof(double));
		best = improve_states(pb, u, best);
		best = fmin(best, nm_minimise(nm, fn, x, step, u, stepsz, HW_NM_SIZE));

		memcpy(base_u, u, k * sizeof(double));
		base_l0 = pb->l0;
		base_b0 = pb->b0;
		memcpy(pb->base, pb->s0, m * sizeof(double));
		/* the next round's simplex: about as large as this round's move */
		stepsz = 0.0;
		for (size_t i = 0; i < k; i++)
			stepsz += (base_u[i] - prev_u[i]) * (base_u[i] - prev_u[i]);
		stepsz = fmin(0.5, fmax(1e-3, sqrt(stepsz)));
		for (double f = 1.0; f <= 64.0; f *= 2.0) {
			struct capplan_hw_params par;
			double tu[4], l0, b0, sse;

			for (size_t i = 0; i < k; i++)
				tu[i] = base_u[i] + f * (base_u[i] - prev_u[i]);
			if (params_from_u(tu, pb->damped, pb->umax, &par) > 0)
				break;
			for (size_t j = 0; j < m; j++)
				pb->cand[j] = pb->base[j] + f * (pb->base[j] - pb->prev[j]);
			l0 = base_l0 + f * (base_l0 - prev_l0);
			b0 = base_b0 + f * (base_b0 - prev_b0);
			sse = problem_sse(pb, &par, l0, b0, pb->cand);
			if (!(sse < best))
				break;
			best = sse;
			memcpy(u, tu, k * sizeof(double));
			pb->l0 = l0;
			pb->b0 = b0;
			memcpy(pb->s0, pb->cand, m * sizeof(double));
		}
		if (!(before - best > HW_REL_GAIN * before))
			break;
	}
	return best;
}

void
capplan_hw_fit_release(struct capplan_hw_fit *fit)
{
	free(fit->init.season);
	memset(fit, 0, sizeof(*fit));
}

int
capplan_hw_fit(const double *y, size_t n, size_t m, int damped, struct capplan_hw_fit *fit,
               struct capplan_error *err)
{
	/* starting points: middling, nearly deterministic, nearly a random walk */
	static const double starts[][4] = {
		{ 0.2, 0.1, 0.1, 0.8 },
		{ 0.01, 0.01, 0.01, 0.8 },
		{ 0.9, 0.05, 0.5, 0.8 },
		{ 0.0001, 0.001, 0.001, 0.8 },
	};
	struct hw_problem pb;
	gsl_multimin_fminimizer *nm = NULL;
	gsl_multimin_function fn;
	gsl_vector *x = NULL, *step = NULL;
	size_t nobs = 0, np, k = n_smoothing(damped), nparams;
	double *block = NULL, *states = NULL, u[4], best_u[4], best = HUGE_VAL;
	double heur_l0, heur_b0, keep_l0 = 0, keep_b0 = 0;
	int rc = -1;

	memset(fit, 0, sizeof(*fit));
	memset(&pb, 0, sizeof(pb));
	if (m < 2)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "seasonal period %zu: holt-winters needs 2 or more", m);
	for (size_t t = 0; t < n; t++) {
		if (isinf(y[t]))
			return capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                         "infinite value at point %zu", t);
		nobs += !isnan(y[t]);
	}
	if (nobs < 2 * m)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%zu points with values are fewer than two periods of %zu",
		                         nobs, m);
	nparams = k + 2 + (m - 1);
	if (nobs < nparams + 3)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%zu points with values are too few for %zu parameters",
		                         nobs, nparams);

	np = m + 1;
	states = malloc(2 * m * sizeof(double));   /* init.season, final.season */
	block = malloc((6 * m + 2 * n + 5 * np) * sizeof(double));
	x = gsl_vector_alloc(k);
	step = gsl_vector_alloc(k);
	nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
	if (!states || !block || !x || !step || !nm) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		goto out;
	}
	pb.y = y;
	pb.n = n;
	pb.m = m;
	pb.damped = damped;
	pb.umax = HW_U_SEARCH;
	pb.s0 = block;
	pb.ring = pb.s0 + m;
	pb.cand = pb.ring + m;
	pb.prev = pb.cand + m;
	pb.base = pb.prev + m;
	pb.keep = pb.base + m;
	pb.lu = pb.keep + m;
	pb.lav = pb.lu + n;
	pb.lv = pb.lav + n;
	pb.lw = pb.lv + np;
	pb.lx = pb.lw + np;
	pb.ld = pb.lx + np;
	pb.lt = pb.ld + np;
	fn.f = objective;
	fn.n = k;
	fn.params = &pb;

	/* Screen a few starting points, each from the heuristic initial states. */
	heuristic_states(y, n, m, &heur_l0, &heur_b0, pb.prev);
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		double sse;

		pb.l0 = heur_l0;
		pb.b0 = heur_b0;
		memcpy(pb.s0, pb.prev, m * sizeof(double));
		u_from_values(starts[i][0], starts[i][1], starts[i][2], starts[i][3], damped, u);
		sse = screen_start(&pb, nm, &fn, x, step, u);
		if (sse < best) {
			best = sse;
			memcpy(best_u, u, sizeof(u));
			keep_l0 = pb.l0;
			keep_b0 = pb.b0;
			memcpy(pb.keep, pb.s0, m * sizeof(double));
		}
	}
	memcpy(u, best_u, sizeof(u));
	pb.l0 = keep_l0;
	pb.b0 = keep_b0;
	memcpy(pb.s0, pb.keep, m * sizeof(double));

	/* From the best: rounds within the search box, then within the full one. */
	pb.umax = HW_U_SEARCH;
	best = alternate(&pb, nm, &fn, x, step, u, best);
	pb.umax = HW_U_MAX;
	best = alternate(&pb, nm, &fn, x, step, u, best);

	/* The fit: parameters, initial states, and a last pass for the final states. */
	params_from_u(u, damped, HW_U_MAX, &fit->params);
	fit->damped = damped;
	fit->init.season = states;
	fit->init.m = m;
	fit->init.level = pb.l0;
	fit->init.trend = pb.b0;
	memcpy(states, pb.s0, m * sizeof(double));
	fit->final.season = states + m;
	fit->final.m = m;
	states = NULL;
	if (capplan_hw_filter(y, n, &fit->params, &fit->init, &fit->final, NULL, &fit->sse,
	                      &fit->nobs, err) < 0) {
		capplan_hw_fit_release(fit);
		goto out;
	}
	fit->nparams = nparams;
	{
		double kk = (double)(nparams + 1), nn = (double)fit->nobs;

		/* -2 log L at sigma^2 = sse / nobs, plus the small-sample penalty */
		fit->aicc = nn * log(HW_TWO_PI * fit->sse / nn) + nn + 2.0 * kk +
		            2.0 * kk * (kk + 1.0) / (nn - kk - 1.0);
	}
	rc = 0;
out:
	if (nm)
		gsl_multimin_fminimizer_free(nm);
	if (x)
		gsl_vector_free(x);
	if (step)
		gsl_vector_free(step);
	free(block);
	free(states);
	return rc;
}

/* --- the method ---------------------------------------------------------------------- */

int
capplan_holt_winters_forecast(const struct capplan_fit_input *in, size_t h,
                              struct capplan_forecast *out, struct capplan_fit_info *info,
                              struct capplan_error *err)
{
	struct capplan_hw_fit f0, f1, *best;
	struct capplan_error err1;
	size_t m = in->period, gap = 0, nobs = 0;
	double sigma2;
	int have1 = 0;

	if (m == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "no seasonal period");
	if (capplan_hw_fit(in->y, in->n, m, 0, &f0, err) < 0)
		return -1;
	nobs = f0.nobs;
	/* the damped model has one parameter more: try it when the data carries it */
	if (nobs >= f0.nparams + 1 + 3) {
		capplan_error_clear(&err1);
		if (capplan_hw_fit(in->y, in->n, m, 1, &f1, &err1) == 0)
			have1 = 1;
		else if (err1.status == CAPPLAN_EX_SOFTWARE) {
			capplan_hw_fit_release(&f0);
			*err = err1;
			return -1;
		}
	}
	best = &f0;
	if (have1 && f1.aicc < f0.aicc)
		best = &f1;

	while (gap < in->n && isnan(in->y[in->n - 1 - gap]))
		gap++;
	sigma2 = best->sse / (double)(best->nobs - best->nparams);
	if (capplan_forecast_init(out, h, err) < 0) {
		capplan_hw_fit_release(&f0);
		if (have1)
			capplan_hw_fit_release(&f1);
		return -1;
	}
	capplan_hw_predict(&best->params, &best->final, h, out->yhat);
	capplan_hw_variance(&best->params, m, sigma2, gap, h, out->hi95);
	for (size_t k = 0; k < h; k++) {
		double sd = sqrt(out->hi95[k]);

		out->lo80[k] = out->yhat[k] - CAPPLAN_Z80 * sd;
		out->hi80[k] = out->yhat[k] + CAPPLAN_Z80 * sd;
		out->lo95[k] = out->yhat[k] - CAPPLAN_Z95 * sd;
		out->hi95[k] = out->yhat[k] + CAPPLAN_Z95 * sd;
	}
	capplan_fit_info_init(info);
	capplan_fit_info_param(info, "alpha", best->params.alpha);
	capplan_fit_info_param(info, "beta", best->params.beta);
	capplan_fit_info_param(info, "gamma", best->params.gamma);
	capplan_fit_info_param(info, "phi", best->params.phi);
	capplan_fit_info_param(info, "period", (double)m);
	info->sigma = sqrt(sigma2);
	info->sse = best->sse;
	info->nobs = best->nobs;
	capplan_hw_fit_release(&f0);
	if (have1)
		capplan_hw_fit_release(&f1);
	return 0;
}
