/*
 * tests/unit/test_drivers.c: driver series read on another series' grid (lib/model/drivers.c).
 */
#include <math.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "model/drivers.h"
#include "suites.h"
#include "util/timeutil.h"

#define HOUR INT64_C(3600000)
#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

/* An hourly driver 0, 10, ..., 40 with a forecast 50, 60 after it; 20 missing. */
static void
make_path(struct capplan_driver_path *p)
{
	double y[] = { 0, 10, NAN, 30, 40 };
	const double yhat[] = { 50, 60 };
	struct capplan_series s = { T0, HOUR, 0, 5, y, 4, 0, 1, 0, CAPPLAN_SERIES_OK };
	struct capplan_error err;

	CU_ASSERT_EQUAL_FATAL(capplan_driver_path_init(p, &s, yhat, 2, &err), 0);
}

static void
test_at(void)
{
	struct capplan_driver_path p;

	make_path(&p);
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + HOUR / 4), 2.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + 4 * HOUR), 40, 0);
	/* into the forecast: between the last value and the first forecast point */
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + 4 * HOUR + HOUR / 2), 45, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + 6 * HOUR), 60, 0);
	/* next to the hole, before the start, after the end */
	CU_ASSERT(isnan(capplan_driver_path_at(&p, T0 + HOUR + 1)));
	CU_ASSERT(isnan(capplan_driver_path_at(&p, T0 + 2 * HOUR)));
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + 3 * HOUR), 30, 0);
	CU_ASSERT(isnan(capplan_driver_path_at(&p, T0 - 1)));
	CU_ASSERT(isnan(capplan_driver_path_at(&p, T0 + 6 * HOUR + 1)));
	capplan_driver_path_release(&p);
}

/* An hourly driver read on a half-hourly grid that starts half an hour later. */
static void
test_sample_finer_grid(void)
{
	struct capplan_driver_path p;
	double out[6];

	make_path(&p);
	capplan_driver_path_sample(&p, T0 + 5 * HOUR / 2, HOUR / 2, 0, out, 6);
	/* 02:30 is next to the hole; then 03:00 30, 03:30 35, 04:00 40, 04:30 45, 05:00 50 */
	CU_ASSERT(isnan(out[0]));
	CU_ASSERT_DOUBLE_EQUAL(out[1], 30, 0);
	CU_ASSERT_DOUBLE_EQUAL(out[2], 35, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[3], 40, 0);
	CU_ASSERT_DOUBLE_EQUAL(out[4], 45, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[5], 50, 0);
	capplan_driver_path_release(&p);
}

/* A monthly driver (calendar grid) read daily: February has 29 days in 2024. */
static void
test_monthly(void)
{
	double y[] = { 100, 129, 160 };   /* Jan 1, Feb 1, Mar 1 */
	struct capplan_series s = { T0, CAPPLAN_MS_PER_MONTH, 1, 3, y, 3, 0, 0, 0, CAPPLAN_SERIES_OK };
	struct capplan_driver_path p;
	struct capplan_error err;
	int64_t feb1 = capplan_time_from_civil(2024, 2, 1, 0, 0, 0, 0);

	CU_ASSERT_EQUAL_FATAL(capplan_driver_path_init(&p, &s, NULL, 0, &err), 0);
	/* Jan has 31 days: Jan 16 is 15/31 of the way from 100 to 129 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, T0 + 15 * 24 * HOUR), 100 + 29.0 * 15 / 31, 1e-9);
	/* Feb has 29: Feb 15 is 14/29 of the way from 129 to 160 */
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, feb1 + 14 * 24 * HOUR), 129 + 31.0 * 14 / 29, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(capplan_driver_path_at(&p, feb1), 129, 0);
	CU_ASSERT(isnan(capplan_driver_path_at(&p, feb1 + 30 * 24 * HOUR)));   /* after Mar 1 */
	capplan_driver_path_release(&p);
}

int
register_drivers_suite(void)
{
	CU_pSuite s = CU_add_suite("drivers", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "value at a time", test_at) ||
	    !CU_add_test(s, "sampled on a finer, shifted grid", test_sample_finer_grid) ||
	    !CU_add_test(s, "a monthly driver read daily", test_monthly))
		return -1;
	return 0;
}
