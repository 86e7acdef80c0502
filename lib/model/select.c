/*
 * lib/model/select.c: choosing a method per series by rolling-origin backtest.
 */
#include "model/select.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/score.h"

#define MIN_ORIGINS 3

size_t
capplan_backtest_horizon(size_t n, size_t h, size_t origins)
{
	/* Leave most of the history for fitting: the held-out part is at most a quarter or so. */
	size_t hb = n / (origins + 3);

	if (h < hb)
		hb = h;
	return hb ? hb : 1;
}

/*
 * Score one method at the given origins.  Origins step back from the end by
 * stride, the last one leaving exactly hb points to score.
 */
static void
backtest(const struct capplan_fit_input *in, const struct capplan_method_desc *m, size_t origins,
         size_t hb, struct capplan_method_result *r)
{
	size_t stride = hb / origins ? hb / origins : 1;
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
	size_t origins = options && options->origins > MIN_ORIGINS ? options->origins : MIN_ORIGINS;
	size_t hb = options && options->horizon ? options->horizon :
	            capplan_backtest_horizon(in->n, h, origins);

	*chosen = -1;
	for (size_t i = 0; i < count; i++) {
		struct capplan_method_result *r = &results[i];
		struct capplan_error ferr;

		memset(r, 0, sizeof(*r));
		r->method = &methods[i];
		capplan_fit_info_init(&r->info);
		if (methods[i].needs_period && in->period == 0) {
			snprintf(r->error, sizeof(r->error), "no seasonal period");
			r->mase = r->coverage80 = r->coverage95 = NAN;
			continue;
		}
		backtest(in, &methods[i], origins, hb, r);
		capplan_error_clear(&ferr);
		if (methods[i].fit(in, h, &r->forecast, &r->info, &ferr) < 0) {
			if (ferr.status == CAPPLAN_EX_SOFTWARE)
				return capplan_error_set(err, ferr.status, "%s: %s", methods[i].name, ferr.msg);
			snprintf(r->error, sizeof(r->error), "%s", ferr.msg);
			continue;
		}
		r->ok = 1;
		if (!isnan(r->mase) && (*chosen < 0 || r->mase < results[*chosen].mase))
			*chosen = (int)i;
	}
	return 0;
}

void
capplan_select_release(struct capplan_method_result *results, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (results[i].ok)
			capplan_forecast_release(&results[i].forecast);
}
