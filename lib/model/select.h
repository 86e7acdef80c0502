/*
 * lib/model/select.h: choosing a method per series by rolling-origin backtest.
 *
 * The last part of the history is held out several times (origins): each
 * method is fitted on the points before an origin and scored by MASE on the
 * points after it, and the scores are averaged over the origins.  The method
 * with the lowest mean MASE is chosen; every method's score, its interval
 * coverage, or its failure, is kept for storage, so that a method that cannot
 * beat the naive baselines is visible.  Then every method that could be
 * fitted is fitted on the whole history and forecasts the horizon, its
 * intervals stretched (or narrowed) by the factors that would have made them
 * cover as they claim on the backtest (split-conformal calibration).
 */
#ifndef CAPPLAN_MODEL_SELECT_H
#define CAPPLAN_MODEL_SELECT_H

#include <stddef.h>

#include "model/forecast.h"

struct capplan_method_desc {
	const char *name;          /* as in --methods and the database: "linear", "seasonal-naive" */
	capplan_method_fn fit;
	int needs_period;          /* fails without a seasonal period */
	int baseline;              /* naive and seasonal naive */
};

struct capplan_backtest_options {
	size_t origins;            /* 0: the default, 5; at least 3 */
	size_t horizon;            /* points scored after each origin; 0: chosen from n and h */
};

struct capplan_method_result {
	const struct capplan_method_desc *method;
	int ok;                    /* fitted on the whole history */
	char error[256];           /* why not, when !ok */
	double mase;               /* mean over the origins that worked; NaN when none did */
	double coverage80, coverage95;   /* of the method's own intervals, before calibration */
	double scale80, scale95;   /* factors applied to the intervals after the backtest; 1: none */
	size_t origins_scored;
	struct capplan_fit_info info;
	struct capplan_forecast forecast;   /* h points when ok; the caller releases it */
};

/*
 * Score methods[0..count) on in by backtest, then forecast h points with each.
 * results has count entries; *chosen receives the index of the best method
 * (lowest mean MASE) or -1 when none could be scored.  Per-method failures
 * are recorded in results, not returned; -1 with err set only for running
 * out of memory.
 */
int capplan_select(const struct capplan_fit_input *in, size_t h,
                   const struct capplan_method_desc *methods, size_t count,
                   const struct capplan_backtest_options *options,
                   struct capplan_method_result *results, int *chosen, struct capplan_error *err);

/* Release the forecasts held by results[0..count). */
void capplan_select_release(struct capplan_method_result *results, size_t count);

/* The backtest horizon for a history of n points and a forecast of h: min(h, n / (origins + 3)), at least 1. */
size_t capplan_backtest_horizon(size_t n, size_t h, size_t origins);

#endif
