/*
 * lib/series.h: a series on a regular grid, ready for the forecasting methods.
 *
 * Samples come from PostgreSQL sorted by time, at whatever spacing the scrapes
 * and the ingest step gave them.  Preparation finds the series' own step (the
 * median spacing), puts every sample on the grid start + i * step, fills short
 * gaps by linear interpolation (and counts them), leaves longer gaps and
 * non-finite values (NaN is a real Prometheus value) as NaN so that every fit
 * keeps them out, and says when a series is too short or constant to fit,
 * rather than failing.
 *
 * Monthly and quarterly data (every sample on the same day of its month at
 * the same time, spaced 28-31 or 89-92 days) get a calendar grid instead:
 * point i is i months (or quarters) after the first, so that January stays
 * January however long the history; a fixed step of 31 days would drift a
 * week a year and smear the yearly cycle.
 */
#ifndef CAPPLAN_SERIES_H
#define CAPPLAN_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum capplan_series_status {
	CAPPLAN_SERIES_OK = 0,
	CAPPLAN_SERIES_TOO_SHORT,   /* fewer finite points than min_points */
	CAPPLAN_SERIES_CONSTANT     /* every finite point has the same value */
};

struct capplan_prepare_options {
	int64_t step_ms;           /* 0: the median spacing of the samples */
	size_t max_gap;            /* gaps of at most this many missing steps are filled (default 3) */
	size_t min_points;         /* fewer finite points: too short (default 10) */
};

struct capplan_series {
	int64_t start_ms;          /* time of y[0]: the first sample */
	int64_t step_ms;           /* for a calendar grid: months * CAPPLAN_MS_PER_MONTH */
	int months;                /* 0, or a calendar grid of this many months (1, 3) */
	size_t n;
	double *y;                 /* n values; NaN where missing */
	size_t observed;           /* grid points that hold a finite sample */
	size_t filled;             /* grid points filled by interpolation */
	size_t missing;            /* grid points left NaN */
	size_t merged;             /* samples that fell on a grid point already taken (the later kept) */
	enum capplan_series_status status;
};

/*
 * Put n samples (ts ascending, ms) on a grid.  options may be NULL for the
 * defaults.  Returns 0 (check out->status), or -1 with err set: no samples,
 * timestamps not ascending, or a grid too large for memory.
 */
int capplan_series_prepare(const int64_t *ts, const double *values, size_t n,
                           const struct capplan_prepare_options *options,
                           struct capplan_series *out, struct capplan_error *err);

void capplan_series_release(struct capplan_series *s);

/* The time of grid point i (may be beyond n: the forecast's points). */
int64_t capplan_grid_time(int64_t start_ms, int64_t step_ms, int months, int64_t i);

/* The name of a status, for messages and storage ("ok", "too short", "constant"). */
const char *capplan_series_status_name(enum capplan_series_status status);

/* The median of the positive spacings of ascending timestamps; 0 when there are none. */
int64_t capplan_series_median_step(const int64_t *ts, size_t n);

#endif
