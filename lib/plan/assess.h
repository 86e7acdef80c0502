/*
 * lib/plan/assess.h: how one resource stands, in pure numbers.
 *
 * Numbers in, numbers out: no database, no plan file.  Times are int64 ms
 * since the epoch (UTC); "days" are (later - earlier) / 86400000.0.
 *
 * The levels follow the capacity planning framework:
 *   utilisation   healthy < 70% <= warning < 85% <= critical < 95% <= emergency
 *                 (the dashboard's green below 70%, yellow 70-85%, red from 85%)
 *   time to full  emergency < 30 days <= critical < 60 days <= warning <= 90 days < healthy
 * A value on a utilisation threshold is at that (worse) level.  On the time
 * axis the framework's own words decide the two ends: the on-call alert is
 * "days until full < 30", so exactly 30 days is critical, not emergency; and
 * "healthy > 90 days", so exactly 90 days is still warning.  60 falls like 30
 * (a strict "<" for the worse level): exactly 60 days is warning.
 *
 * The window of "the last 30 days" is (as_of - 30d, as_of]: a sample exactly
 * at as_of counts, one exactly 30 days before does not (the same half-open
 * window as the model stage's history).
 */
#ifndef CAPPLAN_PLAN_ASSESS_H
#define CAPPLAN_PLAN_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/forecast.h"
#include "util/error.h"
#include "util/timeutil.h"

/*
 * Days in an average month for the growth figures: 365.25 / 12 (the Julian
 * year's month, as in "per month" rates generally).  The Gregorian mean,
 * 365.2425 / 12 = 30.436875, is 0.002% shorter: no figure here shows it.
 */
#define CAPPLAN_DAYS_PER_MONTH 30.4375

/* The window of the usage statistics and the growth trend. */
#define CAPPLAN_ASSESS_WINDOW_MS (30 * CAPPLAN_MS_PER_DAY)

/* Ordered from best to worst, so the worse of two levels is the larger. */
enum capplan_level {
	CAPPLAN_LEVEL_HEALTHY,
	CAPPLAN_LEVEL_WARNING,
	CAPPLAN_LEVEL_CRITICAL,
	CAPPLAN_LEVEL_EMERGENCY
};

/* "healthy", "warning", "critical", "emergency"; "unknown" for anything else. */
const char *capplan_level_name(enum capplan_level level);

/*
 * The levels' thresholds.  (Not called capplan_thresholds: lib/plan/config.h
 * has that name for the plan file's utilisation fractions, and keeps the
 * times to exhaustion apart, in ms, as struct capplan_exhaustion.)
 */
struct capplan_level_thresholds {
	/* fractions of capacity: 0.70 0.85 0.95 */
	double warning, critical, emergency;
	/* days of time to exhaustion: 90 60 30 */
	double tte_warning_days, tte_critical_days, tte_emergency_days;
};

/* The framework's defaults: 70% 85% 95% of capacity; 90, 60, 30 days. */
void capplan_level_thresholds_default(struct capplan_level_thresholds *t);

/*
 * 0 when 0 < warning <= critical <= emergency (fractions; above 1 is allowed
 * for a resource that may run over its nominal capacity) and
 * tte_warning_days >= tte_critical_days >= tte_emergency_days >= 0; else -1
 * with err set (CAPPLAN_EX_CONFIG) naming the two fields out of order.
 */
int capplan_level_thresholds_check(const struct capplan_level_thresholds *t,
                                   struct capplan_error *err);

/*
 * The level of a utilisation (a fraction of capacity): the worst threshold it
 * is at or above.  NaN is healthy: a level states evidence, and the caller
 * reports a missing value by itself.
 */
enum capplan_level capplan_level_of_utilisation(double utilisation,
                                                const struct capplan_level_thresholds *t);

/*
 * The level of a time to exhaustion in days (see the edges above).  INFINITY
 * (never within the horizon) is healthy, and so is NaN (no forecast).
 */
enum capplan_level capplan_level_of_days(double days,
                                         const struct capplan_level_thresholds *t);

/* The worse of two levels. */
enum capplan_level capplan_level_worse(enum capplan_level a, enum capplan_level b);

/*
 * The q-quantile (0 <= q <= 1) of sorted[0..n) (ascending, no NaN) by linear
 * interpolation between order statistics: Hyndman and Fan's type 7, R's
 * default and numpy.percentile's "linear": h = (n - 1) q,
 * x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).  NaN when n == 0.
 */
double capplan_quantile_sorted(const double *sorted, size_t n, double q);

/* What the samples of a window say. */
struct capplan_usage {
	size_t n;              /* samples used: in the window and not NaN */
	double current;        /* the latest of them; NaN when n == 0 */
	int64_t current_ms;    /* its time; 0 when n == 0 */
	double peak;           /* the largest; NaN when n == 0 */
	double p95;            /* the 95th percentile (type 7); NaN when n == 0 */
};

/*
 * The usage statistics of the samples (ts[i], value[i]) with
 * as_of - window_ms < ts <= as_of, NaN values left out.  The ts need not be
 * sorted; of two samples at the same latest time the later one in the arrays
 * is current.  0, or -1 with err set (CAPPLAN_EX_SOFTWARE) when out of memory
 * (the percentile sorts a copy of the window).
 */
int capplan_usage_window(const int64_t *ts, const double *value, size_t n, int64_t as_of_ms,
                         int64_t window_ms, struct capplan_usage *out, struct capplan_error *err);

/*
 * (capacity - peak) / capacity: the share of capacity left at the peak,
 * negative when the peak ran over capacity.  NaN unless capacity > 0.
 */
double capplan_headroom(double capacity, double peak);

/* current / capacity.  NaN unless capacity > 0. */
double capplan_utilisation(double current, double capacity);

/*
 * Where a forecast path reaches a level.  The path runs from (as_of, current)
 * through the forecast points (ts[i], y[i]) after as_of, in order, straight
 * lines between consecutive points; points at or before as_of and NaN points
 * are skipped (the line bridges a NaN point).  When current is NaN the path
 * starts at the first usable forecast point.
 */
struct capplan_crossing {
	bool found;            /* the path reaches the level within the forecast */
	int64_t at_ms;         /* when (rounded to the ms); as_of when already there; 0 if !found */
	double days;           /* (at_ms - as_of) / 86400000.0; INFINITY if !found */
};

/*
 * The first time the path is at or above level (>=).  Already there
 * (current >= level): at as_of, 0 days.  Otherwise the crossing is
 * interpolated on the first segment that ends at or above the level.  A NaN
 * level is never reached.  Returns out->found.  ts ascending.
 */
bool capplan_first_crossing(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                            double current, double level, struct capplan_crossing *out);

/*
 * The same for "above" (>): the time after which the path is above level.
 * A path that only touches the level (or stays flat on it) never exceeds it.
 */
bool capplan_first_exceeding(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                             double current, double level, struct capplan_crossing *out);

/*
 * The value of the path (as for the crossings) at time t: current for
 * t <= as_of, interpolated between points, NaN after its last point (no
 * extrapolation) or when there is no value to start from.
 */
double capplan_path_value_at(const int64_t *ts, const double *y, size_t n, int64_t as_of_ms,
                             double current, int64_t t_ms);

/*
 * The trend of the samples with as_of - window_ms < ts <= as_of (NaN left
 * out): the least-squares slope of value on time in days, i.e. value per day.
 * NaN with fewer than two samples at different times.
 */
double capplan_growth_per_day(const int64_t *ts, const double *value, size_t n, int64_t as_of_ms,
                              int64_t window_ms);

/* Per month: per day * CAPPLAN_DAYS_PER_MONTH (30.4375). */
double capplan_growth_per_month(double growth_per_day);

/*
 * The relative growth per month g = growth_per_month / current (0.10 for
 * 10%/month).  NaN unless current > 0.
 */
double capplan_growth_rate(double growth_per_month, double current);

/*
 * The framework's linear days until full: (capacity - current) /
 * growth_per_day.  0 when current >= capacity already; INFINITY when the
 * growth is not positive; NaN when an input is NaN or capacity <= 0.
 */
double capplan_days_until_full(double capacity, double current, double growth_per_day);

/*
 * The framework's months until exhaustion under compound growth g per month
 * (memory): ln(capacity / current) / ln(1 + g).  0 when current >= capacity;
 * INFINITY when g <= 0 or current <= 0 (nothing compounds from zero); NaN
 * when an input is NaN, capacity <= 0 or g <= -1.
 */
double capplan_months_until_exhaustion(double capacity, double current, double g);

/* The latest date to order more capacity: crossing - lead time. */
int64_t capplan_order_by(int64_t crossing_ms, int64_t lead_ms);

/* The marks a forecast is measured against, and the paths measured. */
enum capplan_mark { CAPPLAN_MARK_WARNING, CAPPLAN_MARK_CRITICAL, CAPPLAN_MARK_FULL, CAPPLAN_MARKS };
enum capplan_path {
	CAPPLAN_PATH_POINT,    /* yhat: the expected case */
	CAPPLAN_PATH_UPPER95,  /* hi95: pessimistic, the earliest dates */
	CAPPLAN_PATH_LOWER95,  /* lo95: optimistic, the latest dates */
	CAPPLAN_PATHS
};

/* When one path reaches one mark, and when to order for it. */
struct capplan_eta {
	struct capplan_crossing cross;
	int64_t order_by_ms;   /* cross.at_ms - lead; 0 when !cross.found */
	bool passed;           /* order_by_ms <= as_of: it is late to order */
};

/* Everything the plan says about one resource at as_of. */
struct capplan_assessment {
	int64_t as_of_ms;
	double capacity;
	struct capplan_usage usage;        /* last 30 days: current, peak, p95 */
	double current;                    /* = usage.current */
	double utilisation;                /* current / capacity */
	double peak30, p95_30;             /* = usage.peak, usage.p95 */
	double headroom;                   /* (capacity - peak30) / capacity */
	enum capplan_level level_util;     /* of utilisation */
	enum capplan_level level_tte;      /* of eta[POINT][FULL].cross.days */
	enum capplan_level level;          /* the worse of the two */
	/*
	 * eta[path][mark]: warning and critical at thresholds * capacity, full at
	 * capacity.  Without a forecast every cross.found is false and days NaN.
	 */
	struct capplan_eta eta[CAPPLAN_PATHS][CAPPLAN_MARKS];
	double growth_per_day;             /* OLS over the last 30 days; NaN with < 2 samples */
	double growth_per_month;           /* per day * 30.4375 */
	double growth_rate;                /* per month / current */
	double days_full_by_trend;         /* capplan_days_until_full from the trend */
};

/* What capplan_assess reads. */
struct capplan_assess_input {
	const int64_t *ts;                 /* samples, any order */
	const double *value;               /* NaN where missing */
	size_t n;
	const int64_t *fc_ts;              /* forecast times, ascending: fc->h of them */
	const struct capplan_forecast *fc; /* NULL: no forecast (utilisation level only) */
	double capacity;                   /* > 0, in the samples' unit */
	const struct capplan_level_thresholds *thresholds;   /* NULL: the defaults */
	int64_t lead_ms;                   /* procurement lead time, >= 0 */
	int64_t as_of_ms;
};

/*
 * Assess one resource.  The time-to-exhaustion level is driven by the days
 * until FULL (100% of capacity) along the point forecast, as the framework's
 * alert (capacity_days_until_full < 30) is; the pessimistic and optimistic
 * dates are reported beside it but do not set the level.  The path of every
 * crossing starts at the current value (the last sample of the window).
 * 0, or -1 with err set: CAPPLAN_EX_DATAERR for a capacity that is not a
 * positive number, a negative lead time, or no sample in the 30 days up to
 * as_of (a resource without data is not healthy, it is unknown);
 * CAPPLAN_EX_CONFIG for thresholds out of order; CAPPLAN_EX_SOFTWARE when
 * out of memory.  The caller puts the resource in front of the message.
 */
int capplan_assess(const struct capplan_assess_input *in, struct capplan_assessment *out,
                   struct capplan_error *err);

#endif
