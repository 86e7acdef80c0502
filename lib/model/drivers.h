/*
 * lib/model/drivers.h: other series as features of the forest.
 *
 * The plan names business series (users, transactions, deployments) that
 * drive a resource's usage.  The forest (lib/model/forest.h) takes them as
 * features on the resource's own grid, history and horizon alike; for the
 * horizon the drivers' values come from their own chosen forecasts.  A
 * driver path is one driver series as it was fitted: its history on its
 * grid followed by its forecast; capplan_driver_path_sample reads it at the
 * grid times of another series (whose step may differ: an hourly resource
 * driven by a daily user count) by linear interpolation.
 *
 * In the backtest the forest sees the drivers' actual values after each
 * origin, not forecasts of them: its scores are those of a forest that knows
 * its drivers' future, an advantage it keeps only as far as the drivers'
 * own forecasts are good.
 */
#ifndef CAPPLAN_MODEL_DRIVERS_H
#define CAPPLAN_MODEL_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "series.h"
#include "util/error.h"

struct capplan_driver_path {
	int64_t start_ms;          /* time of y[0] */
	int64_t step_ms;
	int months;                /* calendar grid (lib/series.h), 0: fixed step */
	size_t n;                  /* history points */
	size_t h;                  /* forecast points after them (0: none; the forest then
	                              carries the last value forward) */
	double *y;                 /* n + h values, NaN where missing */
};

/*
 * Make p from a prepared series and the h points of its chosen forecast
 * (yhat may be NULL when h is 0).  Copies both.  0, or -1 with err set.
 */
int capplan_driver_path_init(struct capplan_driver_path *p, const struct capplan_series *s,
                             const double *yhat, size_t h, struct capplan_error *err);

void capplan_driver_path_release(struct capplan_driver_path *p);

/*
 * The path's value at time t: linear interpolation between the two grid
 * points around t (exact on a grid point); NaN before the first point, after
 * the last, or when either neighbour is NaN.
 */
double capplan_driver_path_at(const struct capplan_driver_path *p, int64_t t);

/* out[i] = the path at grid time i of (start_ms, step_ms, months), for i in [0, count). */
void capplan_driver_path_sample(const struct capplan_driver_path *p, int64_t start_ms,
                                int64_t step_ms, int months, double *out, size_t count);

#endif
