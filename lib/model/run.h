/*
 * lib/model/run.h: one capplan-model run, from the series in PostgreSQL to
 * the forecasts stored back.
 *
 * capplan_model_run lists the series of the window, reads their samples in
 * batches, and hands each series to a pool of worker threads that prepare it
 * (lib/series.h), choose its seasonal period, score and fit every method
 * (capplan_select) and forecast the horizon; the calling thread meanwhile
 * reads the next batch and writes the finished one (lib/model/store.h).  All
 * results land in one transaction that also marks the run succeeded.
 *
 * Per series (capplan_model_fit_series, which needs no database):
 *   - preparation: a series that cannot be put on a grid, or is too short,
 *     or whose horizon is shorter than its step, is skipped (every method
 *     stored 'skipped' with the reason).  A constant series is skipped too,
 *     but gets the naive forecast (the constant, with intervals of zero
 *     width), marked chosen: its future is its value.
 *   - the seasonal period: among the calendar candidates that the history
 *     holds twice (capplan_seasonal_periods: a day, a week, a year in the
 *     series' own steps), the one at which the first differences of the
 *     series are most autocorrelated; the shortest when none stands out; 0
 *     when there is no candidate (the methods that need one are skipped).
 *   - the methods: every one given, scored by rolling-origin backtest; the
 *     chosen one is the lowest mean MASE among those that also fitted the
 *     whole history with a finite forecast.  When none could be scored (the
 *     held-out points all missing) the naive forecast is chosen.
 *   - the forest's random numbers: seeded from the series id, so a run gives
 *     the same numbers whatever --jobs is.
 *
 * Methods are called from several threads at once: they must be pure
 * functions of their input (they are: lib/model/forecast.h).  GSL's default
 * error handler (abort) is switched off for the process before the threads start.
 */
#ifndef CAPPLAN_MODEL_RUN_H
#define CAPPLAN_MODEL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/drivers.h"
#include "model/select.h"
#include "model/store.h"
#include "util/error.h"

#define CAPPLAN_MODEL_MAX_METHODS 32
/* More forecast points than this per series and method is a mistake (a step far too small). */
#define CAPPLAN_MODEL_MAX_HORIZON_POINTS 100000

/*
 * The methods of a run from a comma-separated list of names ("linear,holt-winters"),
 * or every method of the registry when list is NULL.  The baselines (naive,
 * seasonal-naive) are always included, listed or not.  Written to out[] in
 * the registry's order, each once; *count receives how many.  0, or -1 with
 * err set (CAPPLAN_EX_USAGE): an unknown or empty name, the hint listing the
 * known ones.
 */
int capplan_model_methods(const char *list, struct capplan_method_desc *out, size_t max,
                          size_t *count, struct capplan_error *err);

/*
 * The seasonal period (in steps) for y[0..n) on a grid of step_ms: the
 * calendar candidate of capplan_seasonal_periods with the highest
 * autocorrelation of the first differences (NaN pairs left out); the
 * shortest candidate when the differences do not vary; 0 when there is no
 * candidate.
 */
size_t capplan_model_period(const double *y, size_t n, int64_t step_ms);

/* The seed of the random numbers for a series: a mix of its id (splitmix64). */
uint64_t capplan_model_seed(int32_t series_id);

/* The driver paths that one series' forest takes as features. */
struct capplan_series_drivers {
	int32_t series_id;
	const size_t *drivers;             /* indexes into capplan_model_config.drivers */
	size_t ndrivers;
};

/* What fitting one series needs. */
struct capplan_model_config {
	const struct capplan_method_desc *methods;
	size_t nmethods;
	int64_t horizon_ms;
	const struct capplan_driver_path *drivers;   /* fitted driver series, or NULL */
	size_t ndrivers;
	const struct capplan_series_drivers *uses;   /* ascending by series_id */
	size_t nuses;
};

/*
 * Prepare, score, fit and forecast one series from its samples (ts
 * ascending, ms) into out (which the caller releases with
 * capplan_series_fit_release, also after a failure).  Per-series problems
 * are recorded in out, not returned; -1 with err set only for running out of
 * memory or a bug.
 */
int capplan_model_fit_series(const struct capplan_model_config *cfg, int32_t series_id,
                             const int64_t *ts, const double *values, size_t n,
                             struct capplan_series_fit *out, struct capplan_error *err);

/* The series of metric use driver_metrics[drivers[0..ndrivers)] of the options. */
struct capplan_model_link {
	const char *metric;
	const size_t *drivers;
	size_t ndrivers;
};

struct capplan_model_options {
	const char *const *metrics;       /* model these metrics only; none: every series */
	size_t nmetrics;
	int64_t as_of_ms;                 /* samples at or before this time */
	int64_t history_ms;               /* and after as_of - history; 0: all of them */
	int64_t horizon_ms;
	const struct capplan_method_desc *methods;   /* from capplan_model_methods */
	size_t nmethods;
	unsigned jobs;                    /* worker threads, at least 1 */
	int all_forecasts;                /* store every method's forecast points, not only the chosen one's */
	/*
	 * Drivers (from the plan): the series of driver_metrics[k] (one series
	 * each) are fitted first; every series of links[j].metric then gets them
	 * as forest features.  Driver metrics are modelled whether listed in
	 * metrics or not.
	 */
	const char *const *driver_metrics;
	size_t ndriver_metrics;
	const struct capplan_model_link *links;
	size_t nlinks;
	/*
	 * Called in the run's transaction once every forecast is written, before
	 * the run is marked succeeded (capplan-model --config: the plan's
	 * assessments); may be NULL.  0, or -1 with err set: the run fails.
	 */
	int (*after_fits)(void *ctx, struct capplan_db *db, int64_t run_id, struct capplan_error *err);
	void *after_fits_ctx;
	const char *version;              /* recorded with the run */
	/* Called from the calling thread after each batch is stored; may be NULL. */
	void (*on_progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

struct capplan_model_summary {
	int64_t run_id;                   /* 0 when no run row was made */
	size_t series, fitted, skipped;
	size_t chosen[CAPPLAN_MODEL_MAX_METHODS];   /* per options->methods[i] */
	size_t interrupted;               /* earlier runs found dead and marked failed */
	size_t accuracy_scored;           /* earlier (run, series) forecasts scored against actuals */
	double seconds;
};

/*
 * Run the model stage on db.  Bad input is found before the run is recorded
 * (an unknown --metric, no samples at or before as_of, none in the window:
 * no run row at all).  Then the run row is committed as 'running' and
 * locked, dead runs are marked failed, and everything else happens in one
 * REPEATABLE READ transaction; on any failure it is rolled back and the run
 * marked 'failed' with the message.  0, or -1 with err set.  summary is
 * filled either way as far as the run got.
 */
int capplan_model_run(struct capplan_db *db, const struct capplan_model_options *options,
                      struct capplan_model_summary *summary, struct capplan_error *err);

#endif
