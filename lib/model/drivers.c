/*
 * lib/model/drivers.c: other series as features of the forest.
 */
#include "model/drivers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

int
capplan_driver_path_init(struct capplan_driver_path *p, const struct capplan_series *s,
                         const double *yhat, size_t h, struct capplan_error *err)
{
	memset(p, 0, sizeof(*p));
	p->y = malloc((s->n + h ? s->n + h : 1) * sizeof(double));
	if (!p->y)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	p->start_ms = s->start_ms;
	p->step_ms = s->step_ms;
	p->months = s->months;
	p->n = s->n;
	p->h = h;
	memcpy(p->y, s->y, s->n * sizeof(double));
	if (h > 0)
		memcpy(p->y + s->n, yhat, h * sizeof(double));
	return 0;
}

void
capplan_driver_path_release(struct capplan_driver_path *p)
{
	free(p->y);
	memset(p, 0, sizeof(*p));
}

/*
 * Where t falls on the path's grid: the index k of the grid point at or
 * before it and the fraction of the way to k + 1.  -1 before the start.
 */
static int64_t
locate(const struct capplan_driver_path *p, int64_t t, double *frac)
{
	int64_t k, at, next;

	if (t < p->start_ms)
		return -1;
	if (p->months > 0) {
		k = capplan_time_months_between(p->start_ms, t) / p->months;
		/* the month of t may hold t before the grid point of that month */
		if (capplan_grid_time(p->start_ms, p->step_ms, p->months, k) > t)
			k--;
	} else {
		k = (t - p->start_ms) / p->step_ms;
	}
	at = capplan_grid_time(p->start_ms, p->step_ms, p->months, k);
	next = capplan_grid_time(p->start_ms, p->step_ms, p->months, k + 1);
	*frac = (double)(t - at) / (double)(next - at);
	return k;
}

double
capplan_driver_path_at(const struct capplan_driver_path *p, int64_t t)
{
	size_t total = p->n + p->h;
	double frac;
	int64_t k = locate(p, t, &frac);

	if (k < 0 || (size_t)k >= total)
		return NAN;
	if (frac == 0)
		return p->y[k];
	if ((size_t)k + 1 >= total)
		return NAN;
	return p->y[k] + frac * (p->y[k + 1] - p->y[k]);
}

void
capplan_driver_path_sample(const struct capplan_driver_path *p, int64_t start_ms, int64_t step_ms,
                           int months, double *out, size_t count)
{
	for (size_t i = 0; i < count; i++)
		out[i] = capplan_driver_path_at(p, capplan_grid_time(start_ms, step_ms, months, (int64_t)i));
}
