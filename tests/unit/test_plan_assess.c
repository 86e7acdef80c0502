/*
 * tests/unit/test_plan_assess.c: levels, usage statistics, crossings,
 * growth and the whole assessment of a resource, against hand-computed
 * numbers (the arithmetic is in the comments) and the capacity planning
 * framework's own examples.
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "plan/assess.h"
#include "suites.h"
#include "util/timeutil.h"

#define DAY CAPPLAN_MS_PER_DAY

#define ASSERT_INF(x) CU_ASSERT(isinf(x) && (x) > 0)

/* 2024-03-01T00:00:00Z: the as_of of every test */
static int64_t
t0(void)
{
	return capplan_time_from_civil(2024, 3, 1, 0, 0, 0, 0);
}

static void
test_level_names_and_defaults(void)
{
	struct capplan_level_thresholds t;
	struct capplan_error err;

	CU_ASSERT_STRING_EQUAL(capplan_level_name(CAPPLAN_LEVEL_HEALTHY), "healthy");
	CU_ASSERT_STRING_EQUAL(capplan_level_name(CAPPLAN_LEVEL_WARNING), "warning");
	CU_ASSERT_STRING_EQUAL(capplan_level_name(CAPPLAN_LEVEL_CRITICAL), "critical");
	CU_ASSERT_STRING_EQUAL(capplan_level_name(CAPPLAN_LEVEL_EMERGENCY), "emergency");
	CU_ASSERT_STRING_EQUAL(capplan_level_name((enum capplan_level)17), "unknown");

	capplan_level_thresholds_default(&t);
	CU_ASSERT_DOUBLE_EQUAL(t.warning, 0.70, 0);
	CU_ASSERT_DOUBLE_EQUAL(t.critical, 0.85, 0);
	CU_ASSERT_DOUBLE_EQUAL(t.emergency, 0.95, 0);
	CU_ASSERT_DOUBLE_EQUAL(t.tte_warning_days, 90, 0);
	CU_ASSERT_DOUBLE_EQUAL(t.tte_critical_days, 60, 0);
	CU_ASSERT_DOUBLE_EQUAL(t.tte_emergency_days, 30, 0);
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), 0);

	CU_ASSERT_EQUAL(capplan_level_worse(CAPPLAN_LEVEL_WARNING, CAPPLAN_LEVEL_CRITICAL),
	                CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(capplan_level_worse(CAPPLAN_LEVEL_EMERGENCY, CAPPLAN_LEVEL_HEALTHY),
	                CAPPLAN_LEVEL_EMERGENCY);
}

static void
test_thresholds_check(void)
{
	struct capplan_level_thresholds t;
	struct capplan_error err;

	capplan_level_thresholds_default(&t);
	t.warning = 0.90;   /* above critical 0.85 */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "warning threshold (0.9) above critical (0.85)"));

	capplan_level_thresholds_default(&t);
	t.emergency = NAN;
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);
	capplan_level_thresholds_default(&t);
	t.warning = 0;
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "positive fractions of capacity, got warning 0,"));
	capplan_level_thresholds_default(&t);
	t.tte_warning_days = INFINITY;
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);
	capplan_level_thresholds_default(&t);
	t.tte_emergency_days = -1;
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);

	capplan_level_thresholds_default(&t);
	t.tte_critical_days = 20;   /* shorter than emergency 30 */
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "critical time to exhaustion (20 days)"));

	/* equal thresholds are allowed (a level that cannot be seen) */
	capplan_level_thresholds_default(&t);
	t.critical = t.emergency = 0.9;
	CU_ASSERT_EQUAL(capplan_level_thresholds_check(&t, &err), 0);
}

static void
test_level_of_utilisation(void)
{
	struct capplan_level_thresholds t;

	capplan_level_thresholds_default(&t);
	/* the dashboard: green below 70%, yellow 70-85%, red from 85% */
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(0, &t), CAPPLAN_LEVEL_HEALTHY);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(0.6999, &t), CAPPLAN_LEVEL_HEALTHY);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(0.8499, &t), CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(0.9499, &t), CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(1.25, &t), CAPPLAN_LEVEL_EMERGENCY);
	/*
	 * Exactly on a threshold is at that level.  70 / 100 is the double
	 * nearest 0.7 (division rounds correctly), the same as the literal.
	 */
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(capplan_utilisation(70, 100), &t),
	                CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(capplan_utilisation(85, 100), &t),
	                CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(capplan_utilisation(95, 100), &t),
	                CAPPLAN_LEVEL_EMERGENCY);
	/* unknown is no evidence of trouble */
	CU_ASSERT_EQUAL(capplan_level_of_utilisation(NAN, &t), CAPPLAN_LEVEL_HEALTHY);
}

static void
test_level_of_days(void)
{
	struct capplan_level_thresholds t;

	capplan_level_thresholds_default(&t);
	CU_ASSERT_EQUAL(capplan_level_of_days(0, &t), CAPPLAN_LEVEL_EMERGENCY);
	CU_ASSERT_EQUAL(capplan_level_of_days(29.999, &t), CAPPLAN_LEVEL_EMERGENCY);
	/* the alert is "days until full < 30": exactly 30 is critical */
	CU_ASSERT_EQUAL(capplan_level_of_days(30, &t), CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(capplan_level_of_days(59.999, &t), CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(capplan_level_of_days(60, &t), CAPPLAN_LEVEL_WARNING);
	/* "healthy > 90 days": exactly 90 is still warning */
	CU_ASSERT_EQUAL(capplan_level_of_days(90, &t), CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(capplan_level_of_days(90.001, &t), CAPPLAN_LEVEL_HEALTHY);
	CU_ASSERT_EQUAL(capplan_level_of_days(INFINITY, &t), CAPPLAN_LEVEL_HEALTHY);
	CU_ASSERT_EQUAL(capplan_level_of_days(NAN, &t), CAPPLAN_LEVEL_HEALTHY);
}

static void
test_quantile(void)
{
	const double ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	const double five[] = { 10, 20, 30, 40, 50 };

	/* h = 9 * 0.95 = 8.55: x[8] + 0.55 (x[9] - x[8]) = 9 + 0.55 = 9.55 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(ten, 10, 0.95), 9.55, 1e-12);
	/* h = 9 * 0.5 = 4.5: 5 + 0.5 * 1 = 5.5 (the median) */
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(ten, 10, 0.5), 5.5, 1e-12);
	/* h = 4 * 0.95 = 3.8: 40 + 0.8 * 10 = 48 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(five, 5, 0.95), 48, 1e-12);
	/* h = 4 * 0.25 = 1: exactly x[1] */
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(five, 5, 0.25), 20, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(five, 5, 0), 10, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(five, 5, 1), 50, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_quantile_sorted(five, 1, 0.95), 10, 0);
	CU_ASSERT(isnan(capplan_quantile_sorted(five, 0, 0.95)));
}

static void
test_usage_window(void)
{
	int64_t as_of = t0();
	/* out of order on purpose; the window is (as_of - 30d, as_of] */
	const int64_t ts[] = {
		as_of - 10 * DAY, as_of - 30 * DAY, as_of, as_of - 29 * DAY,
		as_of - 20 * DAY, as_of + DAY, as_of - DAY
	};
	const double v[] = {
		50,               1000 /* 30 days before: out */, 20, 10,
		NAN,              999 /* after as_of: out */, 30
	};
	struct capplan_usage u;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_usage_window(ts, v, 7, as_of, CAPPLAN_ASSESS_WINDOW_MS, &u,
	                                           &err), 0);
	/* in: 50, 20, 10, 30 */
	CU_ASSERT_EQUAL(u.n, 4);
	CU_ASSERT_DOUBLE_EQUAL(u.current, 20, 0);   /* the one at as_of, not the last in the array */
	CU_ASSERT_EQUAL(u.current_ms, as_of);
	CU_ASSERT_DOUBLE_EQUAL(u.peak, 50, 0);
	/* sorted 10 20 30 50; h = 3 * 0.95 = 2.85: 30 + 0.85 * (50 - 30) = 47 */
	CU_ASSERT_DOUBLE_EQUAL(u.p95, 47, 1e-12);

	/* an empty window: nothing known, and no failure */
	CU_ASSERT_EQUAL(capplan_usage_window(ts, v, 7, as_of - 40 * DAY, CAPPLAN_ASSESS_WINDOW_MS,
	                                     &u, &err), 0);
	CU_ASSERT_EQUAL(u.n, 0);
	CU_ASSERT(isnan(u.current) && isnan(u.peak) && isnan(u.p95));
	CU_ASSERT_EQUAL(capplan_usage_window(ts, v, 0, as_of, CAPPLAN_ASSESS_WINDOW_MS, &u, &err), 0);
	CU_ASSERT_EQUAL(u.n, 0);
	/* only NaN in it */
	CU_ASSERT_EQUAL(capplan_usage_window(ts + 4, v + 4, 1, as_of, CAPPLAN_ASSESS_WINDOW_MS, &u,
	                                     &err), 0);
	CU_ASSERT_EQUAL(u.n, 0);
}

static void
test_usage_ties(void)
{
	/* two samples at the same latest time: the later in the arrays is current */
	int64_t as_of = t0();
	const int64_t ts[] = { as_of - DAY, as_of - DAY, as_of - 2 * DAY };
	const double v[] = { 5, 6, 7 };
	struct capplan_usage u;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_usage_window(ts, v, 3, as_of, CAPPLAN_ASSESS_WINDOW_MS, &u,
	                                           &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(u.current, 6, 0);
	CU_ASSERT_DOUBLE_EQUAL(u.peak, 7, 0);
	/* sorted 5 6 7; h = 2 * 0.95 = 1.9: 6 + 0.9 * 1 = 6.9 */
	CU_ASSERT_DOUBLE_EQUAL(u.p95, 6.9, 1e-12);
}

static void
test_headroom_and_utilisation(void)
{
	/* the framework: capacity 100, peak 75: (100 - 75) / 100 = 25% headroom */
	CU_ASSERT_DOUBLE_EQUAL(capplan_headroom(100, 75), 0.25, 1e-15);
	/* a peak over capacity leaves negative headroom: (100 - 120) / 100 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_headroom(100, 120), -0.2, 1e-15);
	/* 64 GiB of 128 GiB: 50% */
	CU_ASSERT_DOUBLE_EQUAL(capplan_utilisation(64.0 * 1073741824, 128.0 * 1073741824), 0.5, 0);
	/* a capacity of 0 (or less, or unknown) gives no ratio */
	CU_ASSERT(isnan(capplan_headroom(0, 75)));
	CU_ASSERT(isnan(capplan_headroom(-100, 75)));
	CU_ASSERT(isnan(capplan_utilisation(5, 0)));
	CU_ASSERT(isnan(capplan_utilisation(5, NAN)));
}

/* current 50 at as_of, then daily points 60 70 80 90 100 */
static const double rising[] = { 60, 70, 80, 90, 100 };

static void
daily(int64_t *ts, size_t n, int64_t as_of)
{
	for (size_t i = 0; i < n; i++)
		ts[i] = as_of + (int64_t)(i + 1) * DAY;
}

static void
test_crossing(void)
{
	int64_t as_of = t0(), ts[5];
	struct capplan_crossing c;

	daily(ts, 5, as_of);
	/* 85 between (3d, 80) and (4d, 90): 3 + (85 - 80) / (90 - 80) = 3.5 days */
	CU_ASSERT_TRUE(capplan_first_crossing(ts, rising, 5, as_of, 50, 85, &c));
	CU_ASSERT_TRUE(c.found);
	CU_ASSERT_EQUAL(c.at_ms, as_of + 3 * DAY + DAY / 2);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 3.5, 0);
	/* 55 between (as_of, 50) and (1d, 60): half a day */
	capplan_first_crossing(ts, rising, 5, as_of, 50, 55, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0.5, 0);
	/* 100 reached exactly at the last point: 5 days */
	capplan_first_crossing(ts, rising, 5, as_of, 50, 100, &c);
	CU_ASSERT_TRUE(c.found);
	CU_ASSERT_EQUAL(c.at_ms, as_of + 5 * DAY);
	/* already there: as_of, 0 days (exactly on the level counts) */
	capplan_first_crossing(ts, rising, 5, as_of, 50, 50, &c);
	CU_ASSERT_TRUE(c.found);
	CU_ASSERT_EQUAL(c.at_ms, as_of);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
	capplan_first_crossing(ts, rising, 5, as_of, 120, 85, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
	/* never within the forecast */
	CU_ASSERT_FALSE(capplan_first_crossing(ts, rising, 5, as_of, 50, 100.5, &c));
	CU_ASSERT_FALSE(c.found);
	CU_ASSERT_EQUAL(c.at_ms, 0);
	ASSERT_INF(c.days);
	CU_ASSERT_FALSE(capplan_first_crossing(ts, rising, 5, as_of, 50, NAN, &c));
	/* no forecast: only the current value decides */
	CU_ASSERT_FALSE(capplan_first_crossing(ts, rising, 0, as_of, 50, 85, &c));
	CU_ASSERT_TRUE(capplan_first_crossing(ts, rising, 0, as_of, 90, 85, &c));
	/* 1 between (as_of, 0) and (1d, 7): 86400000 / 7 = 12342857.14 ms, rounded */
	{
		const double y[] = { 7 };

		capplan_first_crossing(ts, y, 1, as_of, 0, 1, &c);
		CU_ASSERT_EQUAL(c.at_ms, as_of + 12342857);
		CU_ASSERT_DOUBLE_EQUAL(c.days, 12342857.0 / 86400000.0, 0);
	}
}

static void
test_crossing_edges(void)
{
	int64_t as_of = t0();
	/* points at and before as_of are not the future: skipped */
	const int64_t ts_past[] = { as_of - DAY, as_of, as_of + DAY, as_of + 2 * DAY };
	const double y_past[] = { 1000, 1000, 60, 70 };
	/* a NaN point is bridged: (1d, 60) to (3d, 80) */
	const int64_t ts3[] = { as_of + DAY, as_of + 2 * DAY, as_of + 3 * DAY };
	const double y_gap[] = { 60, NAN, 80 };
	const double flat[] = { 80, 80, 80 };
	const double falling[] = { 80, 70, 60 };
	struct capplan_crossing c;

	/* 65 between (1d, 60) and (2d, 70): 1.5 days, the 1000s ignored */
	capplan_first_crossing(ts_past, y_past, 4, as_of, 50, 65, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 1.5, 0);
	/* 70 on the bridged segment: 1 + (70 - 60) / (80 - 60) * 2 = 2 days */
	capplan_first_crossing(ts3, y_gap, 3, as_of, 50, 70, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 2, 0);
	/* no current value: the path starts at the first point, reached there */
	capplan_first_crossing(ts3, y_gap, 3, as_of, NAN, 55, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 1, 0);
	/* ... or interpolated from it: (1d, 60) to (3d, 80), 70 at 2 days */
	capplan_first_crossing(ts3, y_gap, 3, as_of, NAN, 70, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 2, 0);
	/* a flat forecast below the level never reaches it; on it, from now */
	CU_ASSERT_FALSE(capplan_first_crossing(ts3, flat, 3, as_of, 80, 85, &c));
	capplan_first_crossing(ts3, flat, 3, as_of, 80, 80, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
	/* falling: never reached when below; when above now, already there */
	CU_ASSERT_FALSE(capplan_first_crossing(ts3, falling, 3, as_of, 75, 85, &c));
	capplan_first_crossing(ts3, falling, 3, as_of, 90, 85, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
}

static void
test_exceeding(void)
{
	int64_t as_of = t0(), ts[5];
	const double flat[] = { 80, 80, 80, 80, 80 };
	struct capplan_crossing c;

	daily(ts, 5, as_of);
	/* touching 100 at the last point is not exceeding it */
	CU_ASSERT_FALSE(capplan_first_exceeding(ts, rising, 5, as_of, 50, 100, &c));
	ASSERT_INF(c.days);
	/* 60 at 1d, 70 at 2d: above 60 from day 1 on: 1 + (60 - 60) / 10 = 1 day */
	capplan_first_exceeding(ts, rising, 5, as_of, 50, 60, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 1, 0);
	/* strictly between points it is the same as the crossing: 3.5 days for 85 */
	capplan_first_exceeding(ts, rising, 5, as_of, 50, 85, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 3.5, 0);
	/* on the level and staying there: never above */
	CU_ASSERT_FALSE(capplan_first_exceeding(ts, flat, 5, as_of, 80, 80, &c));
	/* on it now and rising: above from now */
	capplan_first_exceeding(ts, rising, 5, as_of, 50, 50, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
	capplan_first_exceeding(ts, rising, 5, as_of, 51, 50, &c);
	CU_ASSERT_DOUBLE_EQUAL(c.days, 0, 0);
}

static void
test_path_value(void)
{
	int64_t as_of = t0(), ts[5];

	daily(ts, 5, as_of);
	CU_ASSERT_DOUBLE_EQUAL(capplan_path_value_at(ts, rising, 5, as_of, 50, as_of - DAY), 50, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_path_value_at(ts, rising, 5, as_of, 50, as_of), 50, 0);
	/* half a day: (50 + 60) / 2; 3.5 days: (80 + 90) / 2 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_path_value_at(ts, rising, 5, as_of, 50, as_of + DAY / 2), 55,
	                       1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_path_value_at(ts, rising, 5, as_of, 50,
	                                             as_of + 3 * DAY + DAY / 2), 85, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_path_value_at(ts, rising, 5, as_of, 50, as_of + 5 * DAY), 100,
	                       0);
	/* no extrapolation past the last point, nothing before the first without current */
	CU_ASSERT(isnan(capplan_path_value_at(ts, rising, 5, as_of, 50, as_of + 5 * DAY + 1)));
	CU_ASSERT(isnan(capplan_path_value_at(ts, rising, 5, as_of, NAN, as_of + DAY / 2)));
}

static void
test_growth(void)
{
	int64_t as_of = t0();
	/*
	 * Days -2, -1, 0 from as_of, values 1 3 2: xbar -1, ybar 2,
	 * Sxy = (-1)(-1) + (0)(1) + (1)(0) = 1, Sxx = 1 + 0 + 1 = 2: 0.5 a day.
	 */
	const int64_t ts[] = {
		as_of - 2 * DAY, as_of - DAY, as_of, as_of - 40 * DAY, as_of - 3 * DAY
	};
	const double v[] = { 1, 3, 2, 1e6 /* out of the window */, NAN };
	int64_t same[] = { as_of, as_of };
	double g;

	g = capplan_growth_per_day(ts, v, 5, as_of, CAPPLAN_ASSESS_WINDOW_MS);
	CU_ASSERT_DOUBLE_EQUAL(g, 0.5, 1e-15);
	/* a month is 365.25 / 12 = 30.4375 days: 0.5 * 30.4375 = 15.21875 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_growth_per_month(g), 15.21875, 1e-13);
	/* relative to the current 2: 15.21875 / 2 = 7.609375 (761% a month) */
	CU_ASSERT_DOUBLE_EQUAL(capplan_growth_rate(capplan_growth_per_month(g), 2), 7.609375, 1e-13);
	CU_ASSERT(isnan(capplan_growth_rate(1, 0)));
	CU_ASSERT(isnan(capplan_growth_rate(1, NAN)));
	/* fewer than two samples, or all at one time: no trend */
	CU_ASSERT(isnan(capplan_growth_per_day(ts + 2, v + 2, 1, as_of, CAPPLAN_ASSESS_WINDOW_MS)));
	CU_ASSERT(isnan(capplan_growth_per_day(same, v, 2, as_of, CAPPLAN_ASSESS_WINDOW_MS)));
	CU_ASSERT(isnan(capplan_growth_per_day(ts, v, 0, as_of, CAPPLAN_ASSESS_WINDOW_MS)));
}

static void
test_growth_exact_line(void)
{
	/* 30 daily samples of 700 - 5 k (k days before as_of): 5 a day */
	int64_t as_of = t0(), ts[31];
	double v[31];

	for (int k = 0; k < 30; k++) {
		ts[k] = as_of - k * DAY;
		v[k] = 700 - 5.0 * k;
	}
	ts[30] = as_of - 30 * DAY;   /* on the window's open end: out */
	v[30] = 0;
	CU_ASSERT_DOUBLE_EQUAL(capplan_growth_per_day(ts, v, 31, as_of, CAPPLAN_ASSESS_WINDOW_MS), 5,
	                       1e-12);
	/* flat: zero growth */
	for (int k = 0; k < 30; k++)
		v[k] = 700;
	CU_ASSERT_DOUBLE_EQUAL(capplan_growth_per_day(ts, v, 30, as_of, CAPPLAN_ASSESS_WINDOW_MS), 0,
	                       0);
}

static void
test_days_until_full(void)
{
	/* the framework: disk of 1000 GB, 700 used, 5 GB a day: (1000 - 700) / 5 = 60 days */
	CU_ASSERT_DOUBLE_EQUAL(capplan_days_until_full(1000, 700, 5), 60, 0);
	/* full already, or over */
	CU_ASSERT_DOUBLE_EQUAL(capplan_days_until_full(1000, 1000, 5), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_days_until_full(1000, 1100, 5), 0, 0);
	/* not growing: never */
	ASSERT_INF(capplan_days_until_full(1000, 700, 0));
	ASSERT_INF(capplan_days_until_full(1000, 700, -5));
	/* unknown, or no capacity */
	CU_ASSERT(isnan(capplan_days_until_full(1000, 700, NAN)));
	CU_ASSERT(isnan(capplan_days_until_full(1000, NAN, 5)));
	CU_ASSERT(isnan(capplan_days_until_full(0, 700, 5)));
}

static void
test_months_until_exhaustion(void)
{
	const double gib = 1073741824.0;

	/*
	 * The framework: 64 GiB of 128 GiB, growing 10% a month:
	 * ln(128 / 64) / ln(1.1) = 0.693147181 / 0.0953101798 = 7.2725409 months.
	 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_months_until_exhaustion(128 * gib, 64 * gib, 0.10),
	                       7.2725409, 1e-7);
	/* check: 64 * 1.1^7.2725409 = 128 */
	CU_ASSERT_DOUBLE_EQUAL(64 * pow(1.1, capplan_months_until_exhaustion(128, 64, 0.10)), 128,
	                       1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_months_until_exhaustion(128, 128, 0.10), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_months_until_exhaustion(128, 130, 0.10), 0, 0);
	ASSERT_INF(capplan_months_until_exhaustion(128, 64, 0));
	ASSERT_INF(capplan_months_until_exhaustion(128, 64, -0.05));
	ASSERT_INF(capplan_months_until_exhaustion(128, 0, 0.10));
	CU_ASSERT(isnan(capplan_months_until_exhaustion(0, 64, 0.10)));
	CU_ASSERT(isnan(capplan_months_until_exhaustion(128, 64, NAN)));
	CU_ASSERT(isnan(capplan_months_until_exhaustion(128, 64, -1)));
}

/*
 * The resource of the assessment tests: 30 daily samples 70 - 0.5 k
 * (k days before as_of: 55.5 ... 70), forecast every 10 days for 100 days,
 * yhat = 70 + 0.5 d (75 80 ... 120), hi95 = yhat + 10, lo95 = yhat - 10.
 */
struct resource {
	int64_t ts[30];
	double v[30];
	int64_t fc_ts[10];
	double yhat[10], lo80[10], hi80[10], lo95[10], hi95[10];
	struct capplan_forecast fc;
};

static void
resource_init(struct resource *r, int64_t as_of)
{
	for (int k = 0; k < 30; k++) {
		r->ts[k] = as_of - k * DAY;
		r->v[k] = 70 - 0.5 * k;
	}
	for (int i = 0; i < 10; i++) {
		double d = 10.0 * (i + 1);

		r->fc_ts[i] = as_of + (int64_t)(i + 1) * 10 * DAY;
		r->yhat[i] = 70 + 0.5 * d;
		r->hi95[i] = r->yhat[i] + 10;
		r->lo95[i] = r->yhat[i] - 10;
		r->hi80[i] = r->yhat[i] + 5;
		r->lo80[i] = r->yhat[i] - 5;
	}
	r->fc.h = 10;
	r->fc.yhat = r->yhat;
	r->fc.lo80 = r->lo80;
	r->fc.hi80 = r->hi80;
	r->fc.lo95 = r->lo95;
	r->fc.hi95 = r->hi95;
}

static struct capplan_assess_input
resource_input(const struct resource *r, double capacity, int64_t as_of)
{
	struct capplan_assess_input in = {
		r->ts, r->v, 30, r->fc_ts, &r->fc, capacity, NULL, 14 * DAY, as_of
	};

	return in;
}

static void
test_assess(void)
{
	static struct resource r;
	int64_t as_of = t0();
	struct capplan_assess_input in;
	struct capplan_assessment a;
	struct capplan_error err;
	const struct capplan_eta *e;

	resource_init(&r, as_of);
	in = resource_input(&r, 100, as_of);
	CU_ASSERT_EQUAL_FATAL(capplan_assess(&in, &a, &err), 0);
	CU_ASSERT_EQUAL(a.usage.n, 30);
	CU_ASSERT_DOUBLE_EQUAL(a.current, 70, 0);
	CU_ASSERT_DOUBLE_EQUAL(a.peak30, 70, 0);
	/* sorted 55.5 56 ... 70; h = 29 * 0.95 = 27.55: 69 + 0.55 * 0.5 = 69.275 */
	CU_ASSERT_DOUBLE_EQUAL(a.p95_30, 69.275, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.utilisation, 0.70, 0);
	CU_ASSERT_DOUBLE_EQUAL(a.headroom, 0.30, 1e-15);   /* (100 - 70) / 100 */
	/* 0.5 a day; 0.5 * 30.4375 = 15.21875 a month; / 70 = 0.21741071 */
	CU_ASSERT_DOUBLE_EQUAL(a.growth_per_day, 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.growth_per_month, 15.21875, 1e-11);
	CU_ASSERT_DOUBLE_EQUAL(a.growth_rate, 15.21875 / 70, 1e-12);
	/* by the trend: (100 - 70) / 0.5 = 60 days */
	CU_ASSERT_DOUBLE_EQUAL(a.days_full_by_trend, 60, 1e-9);

	/* point: warning 70 now (0 days), critical 85 at day 30, full 100 at day 60 */
	e = a.eta[CAPPLAN_PATH_POINT];
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_WARNING].cross.days, 0, 0);
	CU_ASSERT_EQUAL(e[CAPPLAN_MARK_CRITICAL].cross.at_ms, as_of + 30 * DAY);
	CU_ASSERT_EQUAL(e[CAPPLAN_MARK_FULL].cross.at_ms, as_of + 60 * DAY);
	/* order 14 days ahead: warning by as_of - 14d (passed), critical by day 16 */
	CU_ASSERT_EQUAL(e[CAPPLAN_MARK_WARNING].order_by_ms, as_of - 14 * DAY);
	CU_ASSERT_TRUE(e[CAPPLAN_MARK_WARNING].passed);
	CU_ASSERT_EQUAL(e[CAPPLAN_MARK_CRITICAL].order_by_ms, as_of + 16 * DAY);
	CU_ASSERT_FALSE(e[CAPPLAN_MARK_CRITICAL].passed);
	CU_ASSERT_EQUAL(e[CAPPLAN_MARK_FULL].order_by_ms, as_of + 46 * DAY);

	/*
	 * Upper 95%: (as_of, 70) to (10d, 85): critical at 10 days, to be ordered
	 * by day -4 (passed); full 100 at day 40 (70 + 0.5 * 40 + 10).
	 */
	e = a.eta[CAPPLAN_PATH_UPPER95];
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_CRITICAL].cross.days, 10, 0);
	CU_ASSERT_TRUE(e[CAPPLAN_MARK_CRITICAL].passed);
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_FULL].cross.days, 40, 0);

	/* lower 95%: 60 + 0.5 d from day 10 on: 85 at day 50, 100 at day 80 */
	e = a.eta[CAPPLAN_PATH_LOWER95];
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_WARNING].cross.days, 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_CRITICAL].cross.days, 50, 0);
	CU_ASSERT_DOUBLE_EQUAL(e[CAPPLAN_MARK_FULL].cross.days, 80, 0);

	/* 70% is warning; 60 days to full (point) is warning, not critical */
	CU_ASSERT_EQUAL(a.level_util, CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(a.level_tte, CAPPLAN_LEVEL_WARNING);
	CU_ASSERT_EQUAL(a.level, CAPPLAN_LEVEL_WARNING);
}

static void
test_assess_worse_of_two(void)
{
	static struct resource r;
	int64_t as_of = t0();
	struct capplan_assess_input in;
	struct capplan_assessment a;
	struct capplan_error err;
	struct capplan_level_thresholds t;

	resource_init(&r, as_of);
	/* capacity 80: 70 / 80 = 87.5% critical; full 80 at day 20 (70 + 0.5 * 20): emergency */
	in = resource_input(&r, 80, as_of);
	CU_ASSERT_EQUAL_FATAL(capplan_assess(&in, &a, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(a.utilisation, 0.875, 0);
	CU_ASSERT_DOUBLE_EQUAL(a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].cross.days, 20, 0);
	CU_ASSERT_EQUAL(a.level_util, CAPPLAN_LEVEL_CRITICAL);
	CU_ASSERT_EQUAL(a.level_tte, CAPPLAN_LEVEL_EMERGENCY);
	CU_ASSERT_EQUAL(a.level, CAPPLAN_LEVEL_EMERGENCY);

	/* capacity 200: 35% healthy; full never within 100 days (yhat ends at 120): healthy */
	in = resource_input(&r, 200, as_of);
	CU_ASSERT_EQUAL_FATAL(capplan_assess(&in, &a, &err), 0);
	CU_ASSERT_FALSE(a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].cross.found);
	ASSERT_INF(a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].cross.days);
	CU_ASSERT_EQUAL(a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].order_by_ms, 0);
	CU_ASSERT_FALSE(a.eta[CAPPLAN_PATH_POINT][CAPPLAN_MARK_FULL].passed);
	CU_ASSERT_EQUAL(a.level, CAPPLAN_LEVEL_HEALTHY);
	/* warning is 0.7 * 200 = 140; even hi95 ends at 120 + 10 = 130: never */
	CU_ASSERT_FALSE(a.eta[CAPPLAN_PATH_UPPER95][CAPPLAN_MARK_WARNING].cross.found);

	/* the thresholds are the caller's: a warning at 30 days only */
	capplan_level_thresholds_default(&t);
	t.tte_warning_days = 30;
	t.tte_critical_days = 10;
	t.tte_emergency_days = 5;
	in = resource_input(&r, 80, as_of);
	in.thresholds = &t;
	CU_ASSERT_EQUAL_FATAL(capplan_assess(&in, &a, &err), 0);
	CU_ASSERT_EQUAL(a.level_tte, CAPPLAN_LEVEL_WARNING);   /* 20 days <= 30 */
}

static void
test_assess_without_forecast(void)
{
	static struct resource r;
	int64_t as_of = t0();
	struct capplan_assess_input in;
	struct capplan_assessment a;
	struct capplan_error err;

	resource_init(&r, as_of);
	in = resource_input(&r, 80, as_of);
	in.fc = NULL;
	CU_ASSERT_EQUAL_FATAL(capplan_assess(&in, &a, &err), 0);
	for (int p = 0; p < CAPPLAN_PATHS; p++)
		for (int m = 0; m < CAPPLAN_MARKS; m++) {
			CU_ASSERT_FALSE(a.eta[p][m].cross.found);
			CU_ASSERT(isnan(a.eta[p][m].cross.days));
			CU_ASSERT_FALSE(a.eta[p][m].passed);
		}
	/* the utilisation level stands alone: 87.5% critical */
	CU_ASSERT_EQUAL(a.level_tte, CAPPLAN_LEVEL_HEALTHY);
	CU_ASSERT_EQUAL(a.level, CAPPLAN_LEVEL_CRITICAL);
	/* the trend is still there: (80 - 70) / 0.5 = 20 days */
	CU_ASSERT_DOUBLE_EQUAL(a.days_full_by_trend, 20, 1e-9);
}

static void
test_assess_errors(void)
{
	static struct resource r;
	int64_t as_of = t0();
	struct capplan_assess_input in;
	struct capplan_assessment a;
	struct capplan_error err;
	struct capplan_level_thresholds t;

	resource_init(&r, as_of);
	in = resource_input(&r, 0, as_of);
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "capacity must be a positive number, got 0");
	in.capacity = NAN;
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);
	in.capacity = INFINITY;
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);

	in = resource_input(&r, 100, as_of);
	in.lead_ms = -1;
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);

	capplan_level_thresholds_default(&t);
	t.critical = 0.99;   /* above emergency 0.95 */
	in = resource_input(&r, 100, as_of);
	in.thresholds = &t;
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);

	/* the newest sample is 31 days old: unknown, not healthy */
	in = resource_input(&r, 100, as_of + 31 * DAY);
	CU_ASSERT_EQUAL(capplan_assess(&in, &a, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "no sample in the 30 days up to 2024-04-01T00:00:00Z");
}

int
register_plan_assess_suite(void)
{
	CU_pSuite s = CU_add_suite("plan_assess", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "level names and defaults", test_level_names_and_defaults) ||
	    !CU_add_test(s, "thresholds out of order", test_thresholds_check) ||
	    !CU_add_test(s, "level of utilisation", test_level_of_utilisation) ||
	    !CU_add_test(s, "level of time to exhaustion", test_level_of_days) ||
	    !CU_add_test(s, "quantile type 7", test_quantile) ||
	    !CU_add_test(s, "usage window", test_usage_window) ||
	    !CU_add_test(s, "usage window, ties", test_usage_ties) ||
	    !CU_add_test(s, "headroom and utilisation", test_headroom_and_utilisation) ||
	    !CU_add_test(s, "first crossing", test_crossing) ||
	    !CU_add_test(s, "first crossing, edges", test_crossing_edges) ||
	    !CU_add_test(s, "first exceeding", test_exceeding) ||
	    !CU_add_test(s, "path value", test_path_value) ||
	    !CU_add_test(s, "growth", test_growth) ||
	    !CU_add_test(s, "growth of an exact line", test_growth_exact_line) ||
	    !CU_add_test(s, "days until full", test_days_until_full) ||
	    !CU_add_test(s, "months until exhaustion", test_months_until_exhaustion) ||
	    !CU_add_test(s, "assessment", test_assess) ||
	    !CU_add_test(s, "assessment, the worse level", test_assess_worse_of_two) ||
	    !CU_add_test(s, "assessment without forecast", test_assess_without_forecast) ||
	    !CU_add_test(s, "assessment errors", test_assess_errors))
		return -1;
	return 0;
}
