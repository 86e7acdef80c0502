/*
 * tests/unit/test_series.c: putting samples on a regular grid (lib/series.c).
 */
#include <math.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "series.h"
#include "suites.h"
#include "util/timeutil.h"

#define HOUR INT64_C(3600000)
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

static void
test_median_step(void)
{
	const int64_t regular[] = { 0, 10, 20, 30 };
	/* spacings 10, 10, 50, 10, 10, 40: median 10 */
	const int64_t gappy[] = { 0, 10, 20, 70, 80, 90, 130 };
	/* even count of spacings 5, 7: the lower middle, a spacing that occurs */
	const int64_t two[] = { 0, 5, 12 };
	const int64_t same[] = { 7, 7, 7 };

	CU_ASSERT_EQUAL(capplan_series_median_step(regular, 4), 10);
	CU_ASSERT_EQUAL(capplan_series_median_step(gappy, 7), 10);
	CU_ASSERT_EQUAL(capplan_series_median_step(two, 3), 5);
	CU_ASSERT_EQUAL(capplan_series_median_step(same, 3), 0);
	CU_ASSERT_EQUAL(capplan_series_median_step(regular, 1), 0);
}

static void
test_grid_and_gaps(void)
{
	/* hourly, 2 missing hours after 02:00 (filled), 4 missing after 06:00 (left NaN) */
	const int64_t ts[] = { T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 5 * HOUR, T0 + 6 * HOUR,
	                       T0 + 11 * HOUR, T0 + 12 * HOUR };
	const double v[] = { 1, 2, 3, 6, 7, 12, 13 };
	struct capplan_prepare_options o = { 0, 3, 2 };
	struct capplan_series s;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 7, &o, &s, &err), 0);
	CU_ASSERT_EQUAL(s.step_ms, HOUR);
	CU_ASSERT_EQUAL(s.start_ms, T0);
	CU_ASSERT_EQUAL(s.n, 13);
	CU_ASSERT_EQUAL(s.observed, 7);
	CU_ASSERT_EQUAL(s.filled, 2);
	CU_ASSERT_EQUAL(s.missing, 4);
	CU_ASSERT_DOUBLE_EQUAL(s.y[3], 4.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(s.y[4], 5.0, 1e-12);
	for (size_t i = 7; i <= 10; i++)
		CU_ASSERT(isnan(s.y[i]));
	CU_ASSERT_DOUBLE_EQUAL(s.y[12], 13.0, 0);
	CU_ASSERT_EQUAL(s.status, CAPPLAN_SERIES_OK);
	capplan_series_release(&s);

	/* max_gap 4 fills the second gap too */
	o.max_gap = 4;
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 7, &o, &s, &err), 0);
	CU_ASSERT_EQUAL(s.filled, 6);
	CU_ASSERT_EQUAL(s.missing, 0);
	CU_ASSERT_DOUBLE_EQUAL(s.y[9], 10.0, 1e-12);
	capplan_series_release(&s);
}

static void
test_jitter_nan_and_merge(void)
{
	/* scrape jitter of a few seconds lands on the nearest hour; a NaN sample is a gap */
	const int64_t ts[] = { T0, T0 + HOUR + 4000, T0 + 2 * HOUR - 3000, T0 + 3 * HOUR,
	                       T0 + 3 * HOUR + 1000, T0 + 4 * HOUR };
	const double v[] = { 1, 2, NAN, 4, 4.5, INFINITY };
	struct capplan_prepare_options o = { HOUR, 0, 2 };
	struct capplan_series s;
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 6, &o, &s, &err), 0);
	CU_ASSERT_EQUAL(s.n, 5);
	CU_ASSERT_DOUBLE_EQUAL(s.y[1], 2.0, 0);
	CU_ASSERT(isnan(s.y[2]));            /* NaN stays out of the fits */
	CU_ASSERT_DOUBLE_EQUAL(s.y[3], 4.5, 0); /* the later of two samples on one point */
	CU_ASSERT_EQUAL(s.merged, 1);
	CU_ASSERT(isnan(s.y[4]));            /* +Inf is not a value to fit */
	CU_ASSERT_EQUAL(s.observed, 3);
	CU_ASSERT_EQUAL(s.missing, 2);
	capplan_series_release(&s);
}

/* Monthly data on the first of each month: a calendar grid, not a 31-day one. */
static void
test_calendar_months(void)
{
	enum { N = 60 };   /* 2024-01 .. 2028-12, March 2025 missing */
	int64_t ts[N], qts[8];
	double v[N], qv[8];
	size_t n = 0;
	struct capplan_series s;
	struct capplan_error err;
	char buf[CAPPLAN_TIME_BUFSZ];

	for (int i = 0; i < N; i++) {
		if (i == 14)
			continue;
		ts[n] = capplan_time_from_civil(2024, 1 + i, 1, 0, 0, 0, 0);
		v[n++] = 100 + i % 12;
	}
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, n, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.months, 1);
	CU_ASSERT_EQUAL(s.step_ms, CAPPLAN_MS_PER_MONTH);
	CU_ASSERT_EQUAL(s.n, N);
	CU_ASSERT_EQUAL(s.filled, 1);
	/* every January on a multiple of 12, five years on: no drift */
	for (size_t i = 0; i < N; i += 12)
		CU_ASSERT_DOUBLE_EQUAL(s.y[i], 100, 0);
	CU_ASSERT_DOUBLE_EQUAL(s.y[14], 102, 1e-12);   /* March 2025: between Feb (101) and Apr (103) */
	CU_ASSERT_STRING_EQUAL(capplan_time_format(capplan_grid_time(s.start_ms, s.step_ms, s.months, N),
	                                           buf), "2029-01-01T00:00:00Z");
	capplan_series_release(&s);

	/* quarterly on the 15th */
	for (int i = 0; i < 8; i++) {
		qts[i] = capplan_time_from_civil(2023, 2 + 3 * i, 15, 12, 0, 0, 0);
		qv[i] = i;
	}
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(qts, qv, 8, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.months, 3);
	CU_ASSERT_EQUAL(s.n, 8);
	CU_ASSERT_STRING_EQUAL(capplan_time_format(capplan_grid_time(s.start_ms, s.step_ms, s.months, 8),
	                                           buf), "2025-02-15T12:00:00Z");
	capplan_series_release(&s);

	/* 30-day spacing that wanders over the days of the month: a fixed step */
	for (int i = 0; i < 8; i++)
		qts[i] = T0 + i * 30 * 24 * HOUR;
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(qts, qv, 8, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.months, 0);
	CU_ASSERT_EQUAL(s.step_ms, 30 * 24 * HOUR);
	capplan_series_release(&s);
}

static void
test_status(void)
{
	int64_t ts[12];
	double v[12];
	struct capplan_series s;
	struct capplan_error err;

	for (int i = 0; i < 12; i++) {
		ts[i] = T0 + i * HOUR;
		v[i] = 5;
	}
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 12, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.status, CAPPLAN_SERIES_CONSTANT);
	CU_ASSERT_STRING_EQUAL(capplan_series_status_name(s.status), "constant");
	capplan_series_release(&s);

	v[11] = 6;
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 12, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.status, CAPPLAN_SERIES_OK);
	capplan_series_release(&s);

	/* 9 points: fewer than the default 10 */
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 9, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.status, CAPPLAN_SERIES_TOO_SHORT);
	CU_ASSERT_STRING_EQUAL(capplan_series_status_name(s.status), "too short");
	capplan_series_release(&s);

	/* all NaN: too short */
	for (int i = 0; i < 12; i++)
		v[i] = NAN;
	CU_ASSERT_EQUAL_FATAL(capplan_series_prepare(ts, v, 12, NULL, &s, &err), 0);
	CU_ASSERT_EQUAL(s.status, CAPPLAN_SERIES_TOO_SHORT);
	CU_ASSERT_EQUAL(s.observed, 0);
	capplan_series_release(&s);
}

static void
test_errors(void)
{
	const int64_t backwards[] = { T0 + HOUR, T0 };
	const double v[] = { 1, 2 };
	const int64_t wide[] = { T0, T0 + 100000 * HOUR };
	struct capplan_prepare_options tiny = { 1, 0, 0 };
	struct capplan_series s;
	struct capplan_error err;

	CU_ASSERT_EQUAL(capplan_series_prepare(backwards, v, 0, NULL, &s, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_EQUAL(capplan_series_prepare(backwards, v, 2, NULL, &s, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
	/* a step of 1 ms over 100,000 hours: refused, not 360 billion points */
	CU_ASSERT_EQUAL(capplan_series_prepare(wide, v, 2, &tiny, &s, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NULL(s.y);
}

int
register_series_suite(void)
{
	CU_pSuite s = CU_add_suite("series", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "median step", test_median_step) ||
	    !CU_add_test(s, "grid and gaps", test_grid_and_gaps) ||
	    !CU_add_test(s, "jitter, NaN, two samples on one point", test_jitter_nan_and_merge) ||
	    !CU_add_test(s, "monthly and quarterly: a calendar grid", test_calendar_months) ||
	    !CU_add_test(s, "constant, too short, all NaN", test_status) ||
	    !CU_add_test(s, "errors", test_errors))
		return -1;
	return 0;
}
