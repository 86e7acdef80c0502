/*
 * lib/util/timeutil.h: instants and durations as capplan reads and writes them.
 *
 * An instant is int64 milliseconds since the Unix epoch, UTC: Prometheus's own
 * resolution.  Input: RFC 3339 ("2024-01-01T00:00:00Z", "2024-01-01 00:00:00.25+01:00",
 * a date alone "2024-01-01" meaning midnight UTC; a missing offset means UTC),
 * or Unix seconds with an optional fraction ("1704067200", "1704067217.25").
 * Output: RFC 3339 UTC.  Durations are Prometheus's syntax: units ms s m h d w y
 * (y = 365d), largest first, each at most once ("1h30m", "90d", "5m").
 */
#ifndef CAPPLAN_UTIL_TIMEUTIL_H
#define CAPPLAN_UTIL_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define CAPPLAN_MS_PER_SECOND INT64_C(1000)
#define CAPPLAN_MS_PER_DAY INT64_C(86400000)

/* The range accepted as an instant: 1900-01-01 up to 9999-12-31T23:59:59.999Z. */
#define CAPPLAN_TIME_MIN_MS INT64_C(-2208988800000)
#define CAPPLAN_TIME_MAX_MS INT64_C(253402300799999)

/*
 * Parse an RFC 3339 timestamp or Unix seconds into *ms.  Fractions finer than a
 * millisecond are rounded to the nearest millisecond.  Returns 0, or -1 with
 * err set (status CAPPLAN_EX_DATAERR, message "invalid timestamp \"TEXT\": WHY",
 * without a place: the caller prefixes it).
 */
int capplan_time_parse(const char *text, int64_t *ms, struct capplan_error *err);

/*
 * Same, for a command-line value that may also be "now" or "now-DURATION"
 * ("now-365d"), relative to now_ms.
 */
int capplan_time_parse_relative(const char *text, int64_t now_ms, int64_t *ms,
                                struct capplan_error *err);

/* Unix seconds as in Prometheus JSON ("1704067217.25", "1704067200", "1.7e9"), to ms. */
int capplan_time_parse_unix(const char *text, size_t len, int64_t *ms, struct capplan_error *err);

/* Civil date and time (UTC) to ms since the epoch; no validation beyond arithmetic. */
int64_t capplan_time_from_civil(int year, int month, int day, int hour, int min, int sec, int ms);

/*
 * Format as RFC 3339 UTC into buf (at least CAPPLAN_TIME_BUFSZ bytes):
 * "2024-01-01T00:00:00Z", with ".250" when the millisecond part is not zero.
 * Returns buf.
 */
#define CAPPLAN_TIME_BUFSZ 32
char *capplan_time_format(int64_t ms, char *buf);

/* The first millisecond of the UTC month holding ms. */
int64_t capplan_time_month_start(int64_t ms);

/*
 * ms moved by a number of calendar months (negative: back), keeping the day
 * of the month (clamped to the month's last day) and the time of day.
 */
int64_t capplan_time_add_months(int64_t ms, int64_t months);

/* The first millisecond of the UTC calendar quarter (Jan, Apr, Jul, Oct) holding ms. */
int64_t capplan_time_quarter_start(int64_t ms);

/* Calendar months from a to b by (year, month) alone: 2024-01-31 to 2024-02-01 is 1. */
int64_t capplan_time_months_between(int64_t a, int64_t b);

/* The average Gregorian month, 365.2425 / 12 days, in ms. */
#define CAPPLAN_MS_PER_MONTH INT64_C(2629746000)

/*
 * Parse a Prometheus duration ("90d", "1h30m", "500ms") into *ms (> 0).  Also
 * accepts plain seconds with an optional fraction ("3600", "0.5") as the HTTP
 * API's step parameter does.  Returns 0, or -1 with err set (CAPPLAN_EX_DATAERR,
 * "invalid duration \"TEXT\": WHY").
 */
int capplan_duration_parse(const char *text, int64_t *ms, struct capplan_error *err);

/* Format a duration in Prometheus syntax, largest units first ("1d12h", "5m", "0s"). */
#define CAPPLAN_DURATION_BUFSZ 48
char *capplan_duration_format(int64_t ms, char *buf);

/* The wall clock, ms since the epoch. */
int64_t capplan_time_now(void);

#endif
