/*
 * lib/util/timeutil.c: instants and durations as capplan reads and writes them.
 *
 * Civil dates are converted with Howard Hinnant's days_from_civil and
 * civil_from_days (https://howardhinnant.github.io/date_algorithms.html), so
 * that nothing here depends on TZ, timegm(), mktime() or the width of time_t:
 * every conversion is UTC arithmetic on int64 milliseconds.
 *
 * Decimal seconds ("1704067217.251") are converted to milliseconds as text,
 * never through a double: 1704067217.251 has no exact binary representation,
 * and strtod() followed by a multiplication can land on ...250.9999 and
 * truncate to the wrong millisecond.
 */
#include "util/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MS_PER_MINUTE INT64_C(60000)
#define MS_PER_HOUR INT64_C(3600000)
#define MS_PER_WEEK (7 * CAPPLAN_MS_PER_DAY)
#define MS_PER_YEAR (365 * CAPPLAN_MS_PER_DAY)

/*
 * How much of a bad input an error message quotes: a whole CSV cell or JSON
 * token can be long, and the message buffer is shared with the caller's place.
 */

/*
 * An exponent beyond this cannot give an instant or a duration in range
 * either way; clamping it keeps the arithmetic on it from overflowing.
 */
#define EXPONENT_CLAMP 100000

/* Duration units, largest first: the order they must appear in. */
static const struct {
	const char *name;
	int64_t ms;
	int exact_only;   /* formatted only when it divides the rest evenly */
} units[] = {
	{ "y", MS_PER_YEAR, 1 },
	{ "w", MS_PER_WEEK, 1 },
	{ "d", CAPPLAN_MS_PER_DAY, 0 },
	{ "h", MS_PER_HOUR, 0 },
	{ "m", MS_PER_MINUTE, 0 },
	{ "s", CAPPLAN_MS_PER_SECOND, 0 },
	{ "ms", 1, 0 },
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

enum dec_result {
	DEC_OK,
	DEC_SYNTAX,   /* not a decimal number (filling the whole text) */
	DEC_RANGE     /* a number, but its milliseconds do not fit int64 */
};

/* The digits of a decimal number, integer part then fraction, without the point. */
struct decimal {
	const char *int_digits;
	size_t nint;
	const char *frac_digits;
	size_t nfrac;
};

static int time_error(struct capplan_error *err, const char *text, size_t len,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int duration_error(struct capplan_error *err, const char *text,
                          const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ASCII only: <ctype.h> answers per locale, and these grammars are not localised. */
static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Division and remainder rounding towards minus infinity (C rounds towards zero); b > 0. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if (a % b < 0)
		q--;
	return q;
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	return r < 0 ? r + b : r;
}

/* Days since 1970-01-01 of a proleptic Gregorian date; month 1..12. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                      /* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;    /* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void
civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	int64_t era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;                                          /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     /* [0, 399] */
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                   /* [0, 365] */
	mp = (5 * doy + 2) / 153;                                        /* [0, 11] */
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = y + (*month <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int
time_error(struct capplan_error *err, const char *text, size_t len, const char *fmt, ...)
{
	char quoted[CAPPLAN_QUOTE_BUFSZ];
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	capplan_quote(quoted, sizeof(quoted), text, len);
	return capplan_error_set(err, CAPPLAN_EX_DATAERR, "invalid timestamp \"%s\": %s", quoted, why);
}

static int
duration_error(struct capplan_error *err, const char *text, const char *fmt, ...)
{
	char quoted[CAPPLAN_QUOTE_BUFSZ];
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	capplan_quote(quoted, sizeof(quoted), text, strlen(text));
	return capplan_error_set(err, CAPPLAN_EX_DATAERR, "invalid duration \"%s\": %s", quoted, why);
}

/* Digit k (0-based, across integer part and fraction) of dec; 0 past the end. */
static int
decimal_digit(const struct decimal *dec, int64_t k)
{
	size_t uk;

	if (k < 0)
		return 0;
	uk = (size_t)k;
	if (uk < dec->nint)
		return dec->int_digits[uk] - '0';
	if (uk - dec->nint < dec->nfrac)
		return dec->frac_digits[uk - dec->nint] - '0';
	return 0;
}

/*
 * Read s[0, len) as a decimal number of seconds, digits[.digits], with a
 * leading sign and an exponent ([eE][+-]digits) when allowed, into
 * milliseconds.  The decimal point is moved on the digits themselves, so the
 * result is exact; what is finer than a millisecond rounds half up in
 * magnitude (half away from zero for negatives, as llround() does).
 */
static enum dec_result
scan_seconds(const char *s, size_t len, int allow_sign, int allow_exponent, int64_t *ms)
{
	struct decimal dec = { NULL, 0, NULL, 0 };
	size_t i = 0, ndigits, first;
	int negative = 0;
	int64_t exponent = 0, point, v = 0;

	if (allow_sign && i < len && (s[i] == '+' || s[i] == '-'))
		negative = s[i++] == '-';
	dec.int_digits = s + i;
	while (i < len && is_digit(s[i]))
		i++;
	dec.nint = (size_t)(s + i - dec.int_digits);
	if (dec.nint == 0)
		return DEC_SYNTAX;
	if (i < len && s[i] == '.') {
		dec.frac_digits = s + ++i;
		while (i < len && is_digit(s[i]))
			i++;
		dec.nfrac = (size_t)(s + i - dec.frac_digits);
		if (dec.nfrac == 0)
			return DEC_SYNTAX;
	}
	if (allow_exponent && i < len && (s[i] == 'e' || s[i] == 'E')) {
		int exp_negative = 0;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			exp_negative = s[i++] == '-';
		if (i >= len || !is_digit(s[i]))
			return DEC_SYNTAX;
		for (; i < len && is_digit(s[i]); i++)
			if (exponent < EXPONENT_CLAMP)
				exponent = exponent * 10 + (s[i] - '0');
		if (exp_negative)
			exponent = -exponent;
	}
	if (i != len)
		return DEC_SYNTAX;

	/*
	 * The milliseconds are the digits before position point (digits past
	 * the end count as zeros), rounded by the digit at point.  Leading
	 * zeros are skipped so that the loop below overflows, and stops, within
	 * 20 steps however large the exponent.
	 */
	ndigits = dec.nint + dec.nfrac;
	point = (int64_t)dec.nint + exponent + 3;
	for (first = 0; first < ndigits && decimal_digit(&dec, (int64_t)first) == 0; first++)
		;
	if (first == ndigits) {
		*ms = 0;
		return DEC_OK;
	}
	for (int64_t k = (int64_t)first; k < point; k++) {
		int d = decimal_digit(&dec, k);

		if (v > (INT64_MAX - d) / 10)
			return DEC_RANGE;
		v = v * 10 + d;
	}
	if (decimal_digit(&dec, point) >= 5) {
		if (v == INT64_MAX)
			return DEC_RANGE;
		v++;
	}
	*ms = negative ? -v : v;
	return DEC_OK;
}

/* The value of s[at, at + n) when those are n digits, else -1 (also past len). */
static int
fixed_digits(const char *s, size_t len, size_t at, int n)
{
	int v = 0;

	if (at > len || len - at < (size_t)n)
		return -1;
	for (int k = 0; k < n; k++) {
		if (!is_digit(s[at + (size_t)k]))
			return -1;
		v = v * 10 + (s[at + (size_t)k] - '0');
	}
	return v;
}

/* s[at], or NUL past the end. */
static char
char_at(const char *s, size_t len, size_t at)
{
	return at < len ? s[at] : '\0';
}

static int
in_range(int64_t ms)
{
	return ms >= CAPPLAN_TIME_MIN_MS && ms <= CAPPLAN_TIME_MAX_MS;
}

static int
range_error(struct capplan_error *err, const char *text, size_t len)
{
	return time_error(err, text, len,
	                  "out of range (1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z)");
}

/*
 * Finish a Unix-seconds parse: range check, and a hint for milliseconds given
 * as seconds (13 digits and more, which are in range as milliseconds: no
 * instant in range has that many digits of seconds).
 */
static int
unix_result(const char *text, size_t len, enum dec_result r, int64_t v, int64_t *ms,
            struct capplan_error *err)
{
	int64_t as_ms = v / 1000;

	if (r == DEC_OK && in_range(v)) {
		*ms = v;
		return 0;
	}
	range_error(err, text, len);
	if (r == DEC_OK && (as_ms >= INT64_C(1000000000000) || as_ms <= INT64_C(-1000000000000)) &&
	    in_range(as_ms))
		capplan_error_hint(err, "give Unix time in seconds; this value looks like milliseconds");
	return -1;
}

/*
 * RFC 3339: YYYY-MM-DD, then optionally [Tt ]HH:MM:SS[.fraction][Zz|+HH:MM|-HH:MM].
 * Without a time it is midnight UTC, without an offset UTC.
 */
static int
parse_rfc3339(const char *text, size_t len, int64_t *ms, struct capplan_error *err)
{
	int year, month, day, hour = 0, minute = 0, second = 0, frac_ms = 0, offset_min = 0;
	size_t i;
	int64_t v;

	year = fixed_digits(text, len, 0, 4);
	if (year < 0 || char_at(text, len, 4) != '-')
		return time_error(err, text, len,
		                  "expected RFC 3339 (2024-01-01T00:00:00Z) or Unix seconds");
	month = fixed_digits(text, len, 5, 2);
	day = fixed_digits(text, len, 8, 2);
	if (month < 0 || char_at(text, len, 7) != '-' || day < 0)
		return time_error(err, text, len, "expected a date as YYYY-MM-DD");
	if (month < 1 || month > 12)
		return time_error(err, text, len, "month %02d out of range", month);
	if (day < 1 || day > days_in_month(year, month))
		return time_error(err, text, len, "day %02d out of range for %04d-%02d", day, year, month);

	i = 10;
	if (i < len) {
		if (text[i] != 'T' && text[i] != 't' && text[i] != ' ')
			return time_error(err, text, len, "expected 'T' or a space after the date");
		i++;
		hour = fixed_digits(text, len, i, 2);
		minute = fixed_digits(text, len, i + 3, 2);
		second = fixed_digits(text, len, i + 6, 2);
		if (hour < 0 || char_at(text, len, i + 2) != ':' || minute < 0 ||
		    char_at(text, len, i + 5) != ':' || second < 0)
			return time_error(err, text, len, "expected a time as HH:MM:SS");
		if (hour > 23)
			return time_error(err, text, len, "hour %02d out of range", hour);
		if (minute > 59)
			return time_error(err, text, len, "minute %02d out of range", minute);
		/* A leap second has no place in a count of milliseconds since the epoch. */
		if (second > 59)
			return time_error(err, text, len, "second %02d out of range", second);
		i += 8;

		if (char_at(text, len, i) == '.') {
			size_t at = ++i;

			while (i < len && is_digit(text[i]))
				i++;
			if (i == at)
				return time_error(err, text, len, "expected digits after '.'");
			for (size_t k = 0; k < 3; k++)
				frac_ms = frac_ms * 10 + (at + k < i ? text[at + k] - '0' : 0);
			/* Round half up; 999.5 becomes 1000, carried by the addition below. */
			if (at + 3 < i && text[at + 3] >= '5')
				frac_ms++;
		}

		if (i < len) {
			if (text[i] == 'Z' || text[i] == 'z') {
				i++;
			} else if (text[i] == '+' || text[i] == '-') {
				int sign = text[i] == '-' ? -1 : 1;
				int oh = fixed_digits(text, len, i + 1, 2);
				int om = fixed_digits(text, len, i + 4, 2);

				if (oh < 0 || char_at(text, len, i + 3) != ':' || om < 0)
					return time_error(err, text, len, "expected an offset as +HH:MM");
				if (oh > 23 || om > 59)
					return time_error(err, text, len, "offset %c%02d:%02d out of range",
					                  text[i], oh, om);
				offset_min = sign * (oh * 60 + om);
				i += 6;
			} else {
				return time_error(err, text, len,
				                  "expected 'Z' or an offset as +HH:MM after the time");
			}
			if (i < len)
				return time_error(err, text, len, "unexpected text after the time zone");
		}
	}

	/* Local time minus its offset is UTC: 01:00+01:00 is 00:00Z. */
	v = capplan_time_from_civil(year, month, day, hour, minute, second, frac_ms) -
	    offset_min * MS_PER_MINUTE;
	if (!in_range(v))
		return range_error(err, text, len);
	*ms = v;
	return 0;
}

int
capplan_time_parse(const char *text, int64_t *ms, struct capplan_error *err)
{
	size_t len = strlen(text);
	enum dec_result r;
	int64_t v = 0;

	if (len == 0)
		return time_error(err, text, len, "empty");
	/*
	 * Only digits[.digits] count as Unix seconds here, so that the choice is
	 * plain: anything else is read, and its errors explained, as RFC 3339.
	 */
	r = scan_seconds(text, len, 0, 0, &v);
	if (r != DEC_SYNTAX)
		return unix_result(text, len, r, v, ms, err);
	return parse_rfc3339(text, len, ms, err);
}

int
capplan_time_parse_unix(const char *text, size_t len, int64_t *ms, struct capplan_error *err)
{
	enum dec_result r;
	int64_t v = 0;

	if (len == 0)
		return time_error(err, text, len, "empty");
	r = scan_seconds(text, len, 1, 1, &v);
	if (r == DEC_SYNTAX)
		return time_error(err, text, len, "expected Unix seconds");
	return unix_result(text, len, r, v, ms, err);
}

int
capplan_time_parse_relative(const char *text, int64_t now_ms, int64_t *ms,
                            struct capplan_error *err)
{
	char quoted[CAPPLAN_QUOTE_BUFSZ];
	int64_t d, v;

	if (strncmp(text, "now", 3) != 0 ||
	    (text[3] != '\0' && text[3] != '-' && text[3] != '+'))
		return capplan_time_parse(text, ms, err);
	if (text[3] == '\0') {
		v = now_ms;
	} else {
		if (capplan_duration_parse(text + 4, &d, err) < 0) {
			capplan_quote(quoted, sizeof(quoted), text, strlen(text));
			return capplan_error_prefix(err, "invalid timestamp \"%s\"", quoted);
		}
		/* d > 0; check before the arithmetic, which must not overflow. */
		if (text[3] == '-' ? now_ms < INT64_MIN + d : now_ms > INT64_MAX - d)
			return range_error(err, text, strlen(text));
		v = text[3] == '-' ? now_ms - d : now_ms + d;
	}
	if (!in_range(v))
		return range_error(err, text, strlen(text));
	*ms = v;
	return 0;
}

/* a + b, saturated at the ends of int64 rather than overflowing. */
static int64_t
add_saturated(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

int64_t
capplan_time_from_civil(int year, int month, int day, int hour, int min, int sec, int ms)
{
	/* A month outside 1..12 carries into the year, so month + 1 is the next month. */
	int64_t y = (int64_t)year + floor_div((int64_t)month - 1, 12);
	int64_t m = floor_mod((int64_t)month - 1, 12) + 1;
	int64_t days = days_from_civil(y, m, day);
	int64_t rest = (int64_t)hour * MS_PER_HOUR + (int64_t)min * MS_PER_MINUTE +
	               (int64_t)sec * CAPPLAN_MS_PER_SECOND + ms;

	/*
	 * int arguments cannot overflow rest, but a year beyond about 292
	 * million can overflow the product: saturate instead.  A negative day
	 * counts from its end, so that the day holding INT64_MIN, whose start
	 * does not fit, still comes out exact.
	 */
	if (days < 0) {
		days++;
		rest -= CAPPLAN_MS_PER_DAY;
	}
	if (days > INT64_MAX / CAPPLAN_MS_PER_DAY)
		return INT64_MAX;
	if (days < INT64_MIN / CAPPLAN_MS_PER_DAY)
		return INT64_MIN;
	return add_saturated(days * CAPPLAN_MS_PER_DAY, rest);
}

char *
capplan_time_format(int64_t ms, char *buf)
{
	int64_t days = floor_div(ms, CAPPLAN_MS_PER_DAY);
	int64_t rest = floor_mod(ms, CAPPLAN_MS_PER_DAY);
	int64_t year;
	int month, day;
	int hour = (int)(rest / MS_PER_HOUR);
	int minute = (int)(rest / MS_PER_MINUTE % 60);
	int second = (int)(rest / CAPPLAN_MS_PER_SECOND % 60);
	int milli = (int)(rest % CAPPLAN_MS_PER_SECOND);

	civil_from_days(days, &year, &month, &day);
	if (milli != 0)
		snprintf(buf, CAPPLAN_TIME_BUFSZ, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02d.%03dZ",
		         year, month, day, hour, minute, second, milli);
	else
		snprintf(buf, CAPPLAN_TIME_BUFSZ, "%04" PRId64 "-%02d-%02dT%02d:%02d:%02dZ",
		         year, month, day, hour, minute, second);
	return buf;
}

int64_t
capplan_time_month_start(int64_t ms)
{
	int64_t year, days;
	int month, day;

	civil_from_days(floor_div(ms, CAPPLAN_MS_PER_DAY), &year, &month, &day);
	days = days_from_civil(year, month, 1);
	/* Saturate in the one month before INT64_MIN whose start does not fit. */
	if (days < INT64_MIN / CAPPLAN_MS_PER_DAY)
		return INT64_MIN;
	return days * CAPPLAN_MS_PER_DAY;
}

int64_t
capplan_time_add_months(int64_t ms, int64_t months)
{
	int64_t days = floor_div(ms, CAPPLAN_MS_PER_DAY);
	int64_t rest = floor_mod(ms, CAPPLAN_MS_PER_DAY);
	int64_t year, index;
	int month, day, last;

	civil_from_days(days, &year, &month, &day);
	index = year * 12 + (month - 1) + months;
	year = floor_div(index, 12);
	month = (int)floor_mod(index, 12) + 1;
	last = days_in_month(year, month);
	if (day > last)
		day = last;
	return days_from_civil(year, month, day) * CAPPLAN_MS_PER_DAY + rest;
}

int64_t
capplan_time_quarter_start(int64_t ms)
{
	int64_t m = capplan_time_month_start(ms);
	int64_t months = capplan_time_months_between(INT64_C(0), m);   /* since 1970-01 */

	return capplan_time_add_months(m, -(((months % 3) + 3) % 3));
}

int64_t
capplan_time_months_between(int64_t a, int64_t b)
{
	int64_t ya, yb;
	int ma, mb, d;

	civil_from_days(floor_div(a, CAPPLAN_MS_PER_DAY), &ya, &ma, &d);
	civil_from_days(floor_div(b, CAPPLAN_MS_PER_DAY), &yb, &mb, &d);
	return (yb * 12 + mb) - (ya * 12 + ma);
}

int
capplan_duration_parse(const char *text, int64_t *ms, struct capplan_error *err)
{
	size_t len = strlen(text), i = 0;
	size_t next_unit = 0;   /* the largest unit still allowed, as an index into units[] */
	int64_t total = 0;
	enum dec_result r;

	if (len == 0)
		return duration_error(err, text, "empty");

	/* Plain seconds, as the HTTP API's step parameter takes them. */
	r = scan_seconds(text, len, 0, 1, &total);
	if (r == DEC_RANGE)
		return duration_error(err, text, "too large");
	if (r == DEC_OK) {
		if (total <= 0)
			return duration_error(err, text, "must be greater than zero");
		*ms = total;
		return 0;
	}

	if (text[0] == '-')
		return duration_error(err, text, "must not be negative");
	while (i < len) {
		size_t num_at = i, unit_at, u;
		int64_t n = 0;

		if (!is_digit(text[i]))
			return duration_error(err, text, "expected a number then a unit (y w d h m s ms)");
		for (; i < len && is_digit(text[i]); i++) {
			int d = text[i] - '0';

			if (n > (INT64_MAX - d) / 10)
				return duration_error(err, text, "too large");
			n = n * 10 + d;
		}
		unit_at = i;
		while (i < len && is_alpha(text[i]))
			i++;
		if (i == unit_at)
			return duration_error(err, text, "expected a unit (y w d h m s ms) after \"%.*s\"",
			                      (int)(unit_at - num_at > 20 ? 20 : unit_at - num_at),
			                      text + num_at);
		for (u = 0; u < NUNITS; u++)
			if (strlen(units[u].name) == i - unit_at &&
			    memcmp(units[u].name, text + unit_at, i - unit_at) == 0)
				break;
		if (u == NUNITS)
			return duration_error(err, text, "unknown unit \"%.*s\"",
			                      (int)(i - unit_at > 20 ? 20 : i - unit_at), text + unit_at);
		if (u < next_unit)
			return duration_error(err, text,
			                      "unit \"%s\" out of order: units go from largest to "
			                      "smallest, each at most once", units[u].name);
		next_unit = u + 1;
		if (n > INT64_MAX / units[u].ms || total > INT64_MAX - n * units[u].ms)
			return duration_error(err, text, "too large");
		total += n * units[u].ms;
	}
	if (total == 0)
		return duration_error(err, text, "must be greater than zero");
	*ms = total;
	return 0;
}

char *
capplan_duration_format(int64_t ms, char *buf)
{
	uint64_t rest;
	size_t o = 0;

	if (ms == 0) {
		memcpy(buf, "0s", 3);
		return buf;
	}
	/* Prometheus has no negative durations; a sign keeps the value readable. */
	if (ms < 0) {
		buf[o++] = '-';
		rest = (uint64_t)(-(ms + 1)) + 1;   /* -INT64_MIN does not fit int64 */
	} else {
		rest = (uint64_t)ms;
	}
	for (size_t u = 0; u < NUNITS; u++) {
		uint64_t unit = (uint64_t)units[u].ms, n;

		/* As Prometheus's model.Duration: 90d reads better than 12w6d. */
		if (units[u].exact_only && rest % unit != 0)
			continue;
		n = rest / unit;
		if (n == 0)
			continue;
		o += (size_t)snprintf(buf + o, CAPPLAN_DURATION_BUFSZ - o, "%" PRIu64 "%s", n,
		                      units[u].name);
		rest -= n * unit;
	}
	buf[o] = '\0';
	return buf;
}

int64_t
capplan_time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * CAPPLAN_MS_PER_SECOND + ts.tv_nsec / 1000000;
}
