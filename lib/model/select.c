/*
 * lib/model/select.c: choosing a method per series by rolling-origin backtest.
 */
#include "model/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "model/score.h"

/*
 * Five origins by default: on the real series of scripts/bench-accuracy,
 * three let one lucky window pick the method (chosen mean MASE 1.39, above
 * the forest's 1.28 x 1.05); five bring it to 1.32, at 1.5 times the
 * backtest's fits.  Callers may ask for as few as three.
 */
#define MIN_ORIGINS 3
#define DEFAULT_ORIGINS 5

/*
 * Interval calibration.  A method's own intervals assume its model is right;
 * on real series they are often too narrow (the forest's out-of-bag residuals
 * are one-step errors; a linear trend ignores level shifts) or too wide (a
 * random walk's).  The backtest shows how the held-out errors compare with the
 * half-widths the method gave: u = (actual - forecast) / half-width.  The
 * split-conformal quantile of |u| (the ceil((m + 1) * level)-th smallest of m)
 * is the factor by which the method's intervals must be stretched, each side
 * about the point forecast, to cover as they claim.  With fewer than
 * MIN_CALIBRATION errors the intervals stay as the method gave them; the
 * factor is kept within [MIN_SCALE, MAX_SCALE] so that a backtest window that
 * happened to be quiet cannot shrink an interval to nothing.
 */
#define MIN_CALIBRATION 10
#define MIN_SCALE 0.5
#define MAX_SCALE 100.0

size_t
capplan_backtest_horizon(size_t n, size_t h, size_t origins)
{
	/* Leave most of the history for fitting: the held-out part is at most a quarter or so. */
	size_t hb = n / (origins + 3);

	if (h < hb)
		hb = h;
	return hb ? hb : 1;
}

/* Normalised errors of one interval level, collected over the backtest. */
struct calibration {
	double *u;
	size_t m;
};

static void
calibration_add(struct calibration *c, const double *actual, const double *yhat, const double *lo,
                const double *hi, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		double e = actual[i] - yhat[i];
		double half = e >= 0 ? hi[i] - yhat[i] : yhat[i] - lo[i];

		if (isfinite(e) && isfinite(half) && half > 0)
			c->u[c->m++] = fabs(e) / half;
	}
}

/* The factor for intervals of the given level; 1 when there is too little to go on. */
static double
calibration_scale(struct calibration *c, double level)
{
	size_t k;
	double q;

	if (c->m < MIN_CALIBRATION)
		return 1.0;
	k = (size_t)ceil((double)(c->m + 1) * level);
	/* the k-th smallest (quickselect: the order of the rest does not matter) */
	q = gsl_stats_select(c->u, 1, c->m, (k > c->m ? c->m : k) - 1);
	return q < MIN_SCALE ? MIN_SCALE : q > MAX_SCALE ? MAX_SCALE : q;
}

/* Stretch each side of the intervals about the point forecast. */
static void
stretch(const double *yhat, double *lo, double *hi, size_t h, double scale)
{
	for (size_t i = 0; i < h; i++) {
		lo[i] = yhat[i] - scale * (yhat[i] - lo[i]);
		hi[i] = yhat[i] + scale * (hi[i] - yhat[i]);
	}
}

/*
 * The two levels are calibrated apart, each on its own quantile; where the
 * 80% interval came out wider than the 95% one, the 95% one takes its bound:
 * an interval of higher confidence never excludes what a lower one includes.
 */
static void
keep_nested(struct capplan_forecast *f)
{
	for (size_t i = 0; i < f->h; i++) {
		if (f->lo80[i] < f->lo95[i])
			f->lo95[i] = f->lo80[i];
		if (f->hi80[i] > f->hi95[i])
			f->hi95[i] = f->hi80[i];
	}
}

/*
 * Score one method at the given origins.  The origins lie hb apart, the last
 * one leaving exactly hb points to score, so that the scored windows do not
 * overlap: overlapping windows see one stretch of the history several times
 * and let one lucky stretch decide.
 */
static void
backtest(const struct capplan_fit_input *in, const struct capplan_method_desc *m, size_t origins,
         size_t hb, struct capplan_method_result *r, struct calibration *c80s,
         struct calibration *c95s)
{
	size_t stride = hb;
	double mase_sum = 0, c80 = 0, c95 = 0;
	size_t scored = 0;

	for (size_t k = 0; k < origins; k++) {
		size_t back = hb + (origins - 1 - k) * stride;
		struct capplan_fit_input train = *in;
		struct capplan_forecast f;
		struct capplan_fit_info info;
		struct capplan_error err;
		size_t origin, len;
		double scale, mase;

		if (back >= in->n)
			continue;
		origin = in->n - back;
		len = back < hb ? back : hb;
		train.n = origin;
		if (m->fit(&train, len, &f, &info, &err) < 0)
			continue;
		scale = capplan_mase_scale(in->y, origin, in->period ? in->period : 1);
		/* a series flat over its training part: scale on one-step differences instead */
		if (isnan(scale))
			scale = capplan_mase_scale(in->y, origin, 1);
		mase = capplan_mase(in->y + origin, f.yhat, len, scale);
		if (!isnan(mase)) {
			mase_sum += mase;
			c80 += capplan_coverage(in->y + origin, f.lo80, f.hi80, len);
			c95 += capplan_coverage(in->y + origin, f.lo95, f.hi95, len);
			calibration_add(c80s, in->y + origin, f.yhat, f.lo80, f.hi80, len);
			calibration_add(c95s, in->y + origin, f.yhat, f.lo95, f.hi95, len);
			scored++;
		}
		capplan_forecast_release(&f);
	}
	r->origins_scored = scored;
	r->mase = scored ? mase_sum / (double)scored : NAN;
	r->coverage80 = scored ? c80 / (double)scored : NAN;
	r->coverage95 = scored ? c95 / (double)scored : NAN;
}

int
capplan_select(const struct capplan_fit_input *in, size_t h,
               const struct capplan_method_desc *methods, size_t count,
               const struct capplan_backtest_options *options,
               struct capplan_method_result *results, int *chosen, struct capplan_error *err)
{
	size_t origins = !options || options->origins == 0 ? DEFAULT_ORIGINS :
	                 options->origins < MIN_ORIGINS ? MIN_ORIGINS : options->origins;
	size_t hb = options && options->horizon ? options->horizon :
	            capplan_backtest_horizon(in->n, h, origins);

	struct calibration c80 = { NULL, 0 }, c95 = { NULL, 0 };
	int rc = -1;

	*chosen = -1;
	c80.u = malloc(origins * hb * sizeof(double));
	c95.u = malloc(origins * hb * sizeof(double));
	if (!c80.u || !c95.u) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < count; i++) {
		struct capplan_method_result *r = &results[i];
		struct capplan_error ferr;

		memset(r, 0, sizeof(*r));
		r->method = &methods[i];
		capplan_fit_info_init(&r->info);
		if (methods[i].needs_period && in->period == 0) {
			snprintf(r->error, sizeof(r->error), "no seasonal period");
			r->mase = r->coverage80 = r->coverage95 = NAN;
			r->scale80 = r->scale95 = 1.0;
			continue;
		}
		c80.m = c95.m = 0;
		backtest(in, &methods[i], origins, hb, r, &c80, &c95);
		r->scale80 = calibration_scale(&c80, 0.80);
		r->scale95 = calibration_scale(&c95, 0.95);
		capplan_error_clear(&ferr);
		if (methods[i].fit(in, h, &r->forecast, &r->info, &ferr) < 0) {
			if (ferr.status == CAPPLAN_EX_SOFTWARE) {
				capplan_error_set(err, ferr.status, "%s: %s", methods[i].name, ferr.msg);
				goto done;
			}
			snprintf(r->error, sizeof(r->error), "%s", ferr.msg);
			continue;
		}
		r->ok = 1;
		stretch(r->forecast.yhat, r->forecast.lo80, r->forecast.hi80, r->forecast.h, r->scale80);
		stretch(r->forecast.yhat, r->forecast.lo95, r->forecast.hi95, r->forecast.h, r->scale95);
		keep_nested(&r->forecast);
		if (!isnan(r->mase) && (*chosen < 0 || r->mase < results[*chosen].mase))
			*chosen = (int)i;
	}
	rc = 0;
done:
	free(c80.u);
	free(c95.u);
	return rc;
}

void
capplan_select_release(struct capplan_method_result *results, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (results[i].ok)
			capplan_forecast_release(&results[i].forecast);
}
