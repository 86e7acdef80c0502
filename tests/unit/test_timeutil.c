/*
 * tests/unit/test_timeutil.c: instants and durations (lib/util/timeutil.c).
 *
 * Expected instants were worked out by hand from the day count
 * (2024-01-01 is day 19723 after 1970-01-01: 19723 * 86400000 = 1704067200000)
 * and checked against an independent implementation.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "suites.h"
#include "util/timeutil.h"

#define JAN_1_2024 INT64_C(1704067200000)

/* An assertion whose message names the table row, so a failure says which input broke. */
static void
check(int ok, unsigned line, const char *what, const char *text)
{
	char msg[2 * 1024 + 16];   /* two messages or texts of up to 1023 bytes */

	snprintf(msg, sizeof(msg), "%s: \"%s\"", what, text);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define CHECK(ok, what, text) check((ok), __LINE__, (what), (text))

struct time_case {
	const char *text;
	int64_t ms;
};

struct error_case {
	const char *text;
	const char *msg;
};

static void
expect_parse(const struct time_case *cases, size_t n, unsigned line)
{
	for (size_t i = 0; i < n; i++) {
		struct capplan_error err;
		int64_t ms = 12345;
		int rc;

		capplan_error_clear(&err);
		rc = capplan_time_parse(cases[i].text, &ms, &err);
		check(rc == 0, line, "parse succeeds", cases[i].text);
		check(rc == 0 && ms == cases[i].ms, line, "parsed value", cases[i].text);
	}
}

static void
test_from_civil(void)
{
	CU_ASSERT_EQUAL(capplan_time_from_civil(1970, 1, 1, 0, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(capplan_time_from_civil(2024, 1, 1, 0, 0, 0, 0), JAN_1_2024);
	CU_ASSERT_EQUAL(capplan_time_from_civil(2000, 2, 29, 0, 0, 0, 0), INT64_C(951782400000));
	CU_ASSERT_EQUAL(capplan_time_from_civil(1900, 3, 1, 0, 0, 0, 0), INT64_C(-2203891200000));
	CU_ASSERT_EQUAL(capplan_time_from_civil(1900, 1, 1, 0, 0, 0, 0), CAPPLAN_TIME_MIN_MS);
	CU_ASSERT_EQUAL(capplan_time_from_civil(9999, 12, 31, 23, 59, 59, 999), CAPPLAN_TIME_MAX_MS);
	CU_ASSERT_EQUAL(capplan_time_from_civil(1969, 12, 31, 23, 59, 59, 999), -1);
	CU_ASSERT_EQUAL(capplan_time_from_civil(2024, 2, 29, 12, 34, 56, 789),
	                INT64_C(1709210096789));
	/* A month outside 1..12 carries into the year. */
	CU_ASSERT_EQUAL(capplan_time_from_civil(2023, 13, 1, 0, 0, 0, 0), JAN_1_2024);
	CU_ASSERT_EQUAL(capplan_time_from_civil(2024, 0, 1, 0, 0, 0, 0), INT64_C(1701388800000));
	CU_ASSERT_EQUAL(capplan_time_from_civil(2024, -10, 1, 0, 0, 0, 0), INT64_C(1675209600000));
	/* Days, hours and so on are plain arithmetic. */
	CU_ASSERT_EQUAL(capplan_time_from_civil(2023, 12, 32, 0, 0, 0, 0), JAN_1_2024);
	CU_ASSERT_EQUAL(capplan_time_from_civil(2024, 1, 1, -1, 0, 0, 0), JAN_1_2024 - 3600000);
	/* Years whose milliseconds do not fit int64 saturate. */
	CU_ASSERT_EQUAL(capplan_time_from_civil(INT_MAX, 12, 31, 23, 59, 59, 999), INT64_MAX);
	CU_ASSERT_EQUAL(capplan_time_from_civil(INT_MIN, 1, 1, 0, 0, 0, 0), INT64_MIN);
	CU_ASSERT_EQUAL(capplan_time_from_civil(292278994, 8, 17, 7, 12, 55, 807), INT64_MAX);
	CU_ASSERT_EQUAL(capplan_time_from_civil(292278994, 8, 17, 7, 12, 55, 806), INT64_MAX - 1);
	CU_ASSERT_EQUAL(capplan_time_from_civil(292278994, 8, 17, 7, 12, 55, 808), INT64_MAX);
	CU_ASSERT_EQUAL(capplan_time_from_civil(-292275055, 5, 16, 16, 47, 4, 192), INT64_MIN);
	CU_ASSERT_EQUAL(capplan_time_from_civil(-292275055, 5, 16, 16, 47, 4, 193), INT64_MIN + 1);
}

static void
test_parse_rfc3339(void)
{
	static const struct time_case cases[] = {
		{ "2024-01-01T00:00:00Z", JAN_1_2024 },
		{ "2024-01-01t00:00:00z", JAN_1_2024 },
		{ "2024-01-01 00:00:00Z", JAN_1_2024 },
		{ "2024-01-01T00:00:00", JAN_1_2024 },
		{ "2024-01-01 00:00:00", JAN_1_2024 },
		{ "2024-01-01", JAN_1_2024 },
		{ "2024-01-01T01:00:00+01:00", JAN_1_2024 },
		{ "2023-12-31T19:00:00-05:00", JAN_1_2024 },
		{ "2024-01-01T05:30:00+05:30", JAN_1_2024 },
		{ "2024-01-01T00:00:00+00:00", JAN_1_2024 },
		{ "2024-01-01T00:00:00-00:00", JAN_1_2024 },
		{ "2023-12-31T00:01:00-23:59", JAN_1_2024 },
		{ "2024-01-01 00:00:00.25+01:00", INT64_C(1704063600250) },
		{ "2000-02-29T00:00:00Z", INT64_C(951782400000) },
		{ "2000-02-29", INT64_C(951782400000) },
		{ "1900-03-01T00:00:00Z", INT64_C(-2203891200000) },
		{ "1900-02-28T23:59:59Z", INT64_C(-2203891201000) },
		{ "2024-02-29T12:34:56.789Z", INT64_C(1709210096789) },
		{ "1969-07-20T20:17:40Z", INT64_C(-14182940000) },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59.999Z", -1 },
		{ "2016-12-31T23:59:59Z", INT64_C(1483228799000) },
		{ "1900-01-01T00:00:00Z", CAPPLAN_TIME_MIN_MS },
		{ "1900-01-01T01:00:00+01:00", CAPPLAN_TIME_MIN_MS },
		{ "9999-12-31T23:59:59.999Z", CAPPLAN_TIME_MAX_MS },
		{ "9999-12-31T23:59:59.999", CAPPLAN_TIME_MAX_MS },
	};

	expect_parse(cases, sizeof(cases) / sizeof(cases[0]), __LINE__);
}

static void
test_parse_fraction(void)
{
	static const struct time_case cases[] = {
		{ "2024-01-01T00:00:00.1Z", JAN_1_2024 + 100 },
		{ "2024-01-01T00:00:00.12Z", JAN_1_2024 + 120 },
		{ "2024-01-01T00:00:00.123Z", JAN_1_2024 + 123 },
		{ "2024-01-01T00:00:00.123456789Z", JAN_1_2024 + 123 },
		{ "2024-01-01T00:00:00.000Z", JAN_1_2024 },
		/* Round half up, decided by the fourth digit. */
		{ "2024-01-01T00:00:00.0005Z", JAN_1_2024 + 1 },
		{ "2024-01-01T00:00:00.0004999Z", JAN_1_2024 },
		{ "2024-01-01T00:00:00.0014999Z", JAN_1_2024 + 1 },
		{ "2024-01-01T00:00:00.1235Z", JAN_1_2024 + 124 },
		/* Rounding carries into the next second, and the next day. */
		{ "2024-01-01T00:00:00.9995Z", JAN_1_2024 + 1000 },
		{ "2023-12-31T23:59:59.999999999999999999999Z", JAN_1_2024 },
		{ "2024-01-01T00:00:00.0005+01:00", JAN_1_2024 - 3600000 + 1 },
	};

	expect_parse(cases, sizeof(cases) / sizeof(cases[0]), __LINE__);
}

static void
test_parse_unix_seconds(void)
{
	static const struct time_case cases[] = {
		{ "1704067200", JAN_1_2024 },
		{ "1704067217.25", JAN_1_2024 + 17250 },
		{ "1704067217.250", JAN_1_2024 + 17250 },
		/* Not exactly representable as a double; exact here. */
		{ "1704067217.251", JAN_1_2024 + 17251 },
		{ "1704067217.2505", JAN_1_2024 + 17251 },
		{ "1704067217.2504999", JAN_1_2024 + 17250 },
		{ "1.5", 1500 },
		{ "0", 0 },
		{ "0.0005", 1 },
		{ "0.0004", 0 },
		{ "00001.5", 1500 },
		{ "253402300799.999", CAPPLAN_TIME_MAX_MS },
		/* All digits is seconds, even when it could be read as a date. */
		{ "20240101", INT64_C(20240101000) },
	};

	expect_parse(cases, sizeof(cases) / sizeof(cases[0]), __LINE__);
}

static void
expect_errors(const struct error_case *cases, size_t n, unsigned line,
              int (*parse)(const char *, int64_t *, struct capplan_error *))
{
	for (size_t i = 0; i < n; i++) {
		struct capplan_error err;
		int64_t ms = 12345;
		int rc;

		capplan_error_clear(&err);
		rc = parse(cases[i].text, &ms, &err);
		check(rc == -1, line, "parse fails", cases[i].text);
		check(ms == 12345, line, "result untouched on error", cases[i].text);
		check(err.status == CAPPLAN_EX_DATAERR, line, "status", cases[i].text);
		check(strcmp(err.msg, cases[i].msg) == 0, line, err.msg, cases[i].msg);
	}
}

#define RFC_OR_UNIX "expected RFC 3339 (2024-01-01T00:00:00Z) or Unix seconds"
#define OUT_OF_RANGE "out of range (1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z)"

static void
test_parse_errors(void)
{
	static const struct error_case cases[] = {
		{ "", "invalid timestamp \"\": empty" },
		{ "2100-02-29", "invalid timestamp \"2100-02-29\": day 29 out of range for 2100-02" },
		{ "2023-02-29T00:00:00Z",
		  "invalid timestamp \"2023-02-29T00:00:00Z\": day 29 out of range for 2023-02" },
		{ "2024-02-30", "invalid timestamp \"2024-02-30\": day 30 out of range for 2024-02" },
		{ "2024-04-31", "invalid timestamp \"2024-04-31\": day 31 out of range for 2024-04" },
		{ "2024-01-00", "invalid timestamp \"2024-01-00\": day 00 out of range for 2024-01" },
		{ "2024-13-01", "invalid timestamp \"2024-13-01\": month 13 out of range" },
		{ "2024-00-10", "invalid timestamp \"2024-00-10\": month 00 out of range" },
		{ "2024-01-01T24:00:00Z",
		  "invalid timestamp \"2024-01-01T24:00:00Z\": hour 24 out of range" },
		{ "2024-01-01T23:60:00Z",
		  "invalid timestamp \"2024-01-01T23:60:00Z\": minute 60 out of range" },
		{ "2016-12-31T23:59:60Z",
		  "invalid timestamp \"2016-12-31T23:59:60Z\": second 60 out of range" },
		{ "2024-01-01T00:00:00+24:00",
		  "invalid timestamp \"2024-01-01T00:00:00+24:00\": offset +24:00 out of range" },
		{ "2024-01-01T00:00:00-01:60",
		  "invalid timestamp \"2024-01-01T00:00:00-01:60\": offset -01:60 out of range" },
		{ "2024-01-01T00:00:00+0100",
		  "invalid timestamp \"2024-01-01T00:00:00+0100\": expected an offset as +HH:MM" },
		{ "2024-01-01T00:00:00+01",
		  "invalid timestamp \"2024-01-01T00:00:00+01\": expected an offset as +HH:MM" },
		{ "2024-01-01T00:00:00.Z",
		  "invalid timestamp \"2024-01-01T00:00:00.Z\": expected digits after '.'" },
		{ "2024-01-01T00:00Z",
		  "invalid timestamp \"2024-01-01T00:00Z\": expected a time as HH:MM:SS" },
		{ "2024-01-01T", "invalid timestamp \"2024-01-01T\": expected a time as HH:MM:SS" },
		{ "2024-01-01  00:00:00",
		  "invalid timestamp \"2024-01-01  00:00:00\": expected a time as HH:MM:SS" },
		{ "2024-01-01T0:00:00Z",
		  "invalid timestamp \"2024-01-01T0:00:00Z\": expected a time as HH:MM:SS" },
		{ "2024-01-01X00:00:00Z",
		  "invalid timestamp \"2024-01-01X00:00:00Z\": expected 'T' or a space after the date" },
		{ "2024-01-01Z",
		  "invalid timestamp \"2024-01-01Z\": expected 'T' or a space after the date" },
		{ "2024-01-01T00:00:00ZZ",
		  "invalid timestamp \"2024-01-01T00:00:00ZZ\": unexpected text after the time zone" },
		{ "2024-01-01T00:00:00+01:00 ",
		  "invalid timestamp \"2024-01-01T00:00:00+01:00 \": unexpected text after the time zone" },
		{ "2024-01-01T00:00:00 UTC",
		  "invalid timestamp \"2024-01-01T00:00:00 UTC\": "
		  "expected 'Z' or an offset as +HH:MM after the time" },
		{ "2024-1-01", "invalid timestamp \"2024-1-01\": expected a date as YYYY-MM-DD" },
		{ "2024-01", "invalid timestamp \"2024-01\": expected a date as YYYY-MM-DD" },
		{ "24-01-01", "invalid timestamp \"24-01-01\": " RFC_OR_UNIX },
		{ "yesterday", "invalid timestamp \"yesterday\": " RFC_OR_UNIX },
		{ " 1704067200", "invalid timestamp \" 1704067200\": " RFC_OR_UNIX },
		{ "1704067200 ", "invalid timestamp \"1704067200 \": " RFC_OR_UNIX },
		{ "-1", "invalid timestamp \"-1\": " RFC_OR_UNIX },
		{ "+1", "invalid timestamp \"+1\": " RFC_OR_UNIX },
		{ "1.7e9", "invalid timestamp \"1.7e9\": " RFC_OR_UNIX },
		{ "1.", "invalid timestamp \"1.\": " RFC_OR_UNIX },
		{ ".5", "invalid timestamp \".5\": " RFC_OR_UNIX },
		{ "1899-12-31T23:59:59.999Z",
		  "invalid timestamp \"1899-12-31T23:59:59.999Z\": " OUT_OF_RANGE },
		{ "1900-01-01T00:00:00+00:01",
		  "invalid timestamp \"1900-01-01T00:00:00+00:01\": " OUT_OF_RANGE },
		{ "9999-12-31T23:59:59.9995Z",
		  "invalid timestamp \"9999-12-31T23:59:59.9995Z\": " OUT_OF_RANGE },
		{ "9999-12-31T23:59:59-00:01",
		  "invalid timestamp \"9999-12-31T23:59:59-00:01\": " OUT_OF_RANGE },
		{ "0000-01-01", "invalid timestamp \"0000-01-01\": " OUT_OF_RANGE },
		{ "253402300800", "invalid timestamp \"253402300800\": " OUT_OF_RANGE },
		{ "99999999999999999999999", "invalid timestamp \"99999999999999999999999\": "
		  OUT_OF_RANGE },
		/* The input is quoted with its quotes, backslashes and control characters escaped. */
		{ "20\"24\\\n", "invalid timestamp \"20\\\"24\\\\\\n\": " RFC_OR_UNIX },
	};

	expect_errors(cases, sizeof(cases) / sizeof(cases[0]), __LINE__, capplan_time_parse);
}

static void
test_parse_error_details(void)
{
	struct capplan_error err;
	char text[200];
	char expected[200];
	int64_t ms = 0;

	/* Milliseconds given as seconds: out of range, with a hint. */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse("1704067200000", &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "invalid timestamp \"1704067200000\": " OUT_OF_RANGE);
	CU_ASSERT_STRING_EQUAL(err.hint,
	                       "give Unix time in seconds; this value looks like milliseconds");

	/* Plainly too large, or a year past 9999 in seconds: no hint. */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse("99999999999999999", &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.hint, "");
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse("253402300800", &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.hint, "");
	/* Negative milliseconds (before 1970) too. */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse_unix("-1000000000000", 14, &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.hint,
	                       "give Unix time in seconds; this value looks like milliseconds");

	/* A long input is cut to 64 bytes in the message. */
	memset(text, 'x', 100);
	text[100] = '\0';
	snprintf(expected, sizeof(expected), "invalid timestamp \"%.64s...\": " RFC_OR_UNIX, text);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse(text, &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, expected);

	/* ... and not in the middle of a UTF-8 character: "é" is 2 bytes at 63 and 64. */
	memset(text, 'x', 63);
	memcpy(text + 63, "\xc3\xa9", 2);
	memset(text + 65, 'y', 10);
	text[75] = '\0';
	snprintf(expected, sizeof(expected), "invalid timestamp \"%.63s...\": " RFC_OR_UNIX, text);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse(text, &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, expected);
}

static void
test_parse_unix(void)
{
	static const struct time_case cases[] = {
		{ "1704067200", JAN_1_2024 },
		{ "1704067217.25", JAN_1_2024 + 17250 },
		{ "1704067217.251", JAN_1_2024 + 17251 },
		{ "1.7e9", INT64_C(1700000000000) },
		{ "1.704067217251e9", JAN_1_2024 + 17251 },
		{ "1.704067217251E+9", JAN_1_2024 + 17251 },
		{ "17040672172510e-4", JAN_1_2024 + 17251 },
		{ "1E3", 1000000 },
		{ "+1", 1000 },
		{ "-1.5", -1500 },
		{ "-0", 0 },
		/* Half rounds away from zero, as llround() would. */
		{ "-0.0005", -1 },
		{ "-0.0004", 0 },
		{ "5e-4", 1 },
		{ "4e-4", 0 },
		{ "0e999999999", 0 },
		{ "1e-999999999", 0 },
		{ "-2208988800", CAPPLAN_TIME_MIN_MS },
		{ "253402300799.999", CAPPLAN_TIME_MAX_MS },
		{ "2534023007999.99e-1", CAPPLAN_TIME_MAX_MS },
	};
	static const struct error_case errors[] = {
		{ "", "invalid timestamp \"\": empty" },
		{ "abc", "invalid timestamp \"abc\": expected Unix seconds" },
		{ "1e", "invalid timestamp \"1e\": expected Unix seconds" },
		{ "1e+", "invalid timestamp \"1e+\": expected Unix seconds" },
		{ "1.e5", "invalid timestamp \"1.e5\": expected Unix seconds" },
		{ ".5", "invalid timestamp \".5\": expected Unix seconds" },
		{ "--1", "invalid timestamp \"--1\": expected Unix seconds" },
		{ " 1", "invalid timestamp \" 1\": expected Unix seconds" },
		{ "1 ", "invalid timestamp \"1 \": expected Unix seconds" },
		{ "0x10", "invalid timestamp \"0x10\": expected Unix seconds" },
		{ "NaN", "invalid timestamp \"NaN\": expected Unix seconds" },
		{ "2024-01-01", "invalid timestamp \"2024-01-01\": expected Unix seconds" },
		{ "1e999", "invalid timestamp \"1e999\": " OUT_OF_RANGE },
		{ "253402300800", "invalid timestamp \"253402300800\": " OUT_OF_RANGE },
		{ "-2208988800.001", "invalid timestamp \"-2208988800.001\": " OUT_OF_RANGE },
		{ "-9223372036854775808", "invalid timestamp \"-9223372036854775808\": "
		  OUT_OF_RANGE },
	};
	/* Not NUL-terminated: the parser must stop at len. */
	static const char unterminated[3] = { '1', '2', '3' };
	struct capplan_error err;
	int64_t ms = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_time_parse_unix(cases[i].text, strlen(cases[i].text), &ms, &err) == 0,
		      "parse_unix succeeds", cases[i].text);
		CHECK(ms == cases[i].ms, "parse_unix value", cases[i].text);
	}
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_time_parse_unix(errors[i].text, strlen(errors[i].text), &ms, &err) == -1,
		      "parse_unix fails", errors[i].text);
		CHECK(ms == 12345, "result untouched on error", errors[i].text);
		CHECK(err.status == CAPPLAN_EX_DATAERR, "status", errors[i].text);
		CHECK(strcmp(err.msg, errors[i].msg) == 0, err.msg, errors[i].msg);
	}

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse_unix("1704067217.25,1704067218", 13, &ms, &err), 0);
	CU_ASSERT_EQUAL(ms, JAN_1_2024 + 17250);
	CU_ASSERT_EQUAL(capplan_time_parse_unix(unterminated, sizeof(unterminated), &ms, &err), 0);
	CU_ASSERT_EQUAL(ms, 123000);
	CU_ASSERT_EQUAL(capplan_time_parse_unix("1704067200]", 10, &ms, &err), 0);
	CU_ASSERT_EQUAL(ms, JAN_1_2024);
	CU_ASSERT_EQUAL(capplan_time_parse_unix("1704067200]", 11, &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "invalid timestamp \"1704067200]\": expected Unix seconds");
	/* A message quotes only len bytes too. */
	CU_ASSERT_EQUAL(capplan_time_parse_unix("12x45", 3, &ms, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "invalid timestamp \"12x\": expected Unix seconds");
}

static void
test_format(void)
{
	static const struct time_case cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-01-01T00:00:00Z", JAN_1_2024 },
		{ "2024-01-01T00:00:17.250Z", JAN_1_2024 + 17250 },
		{ "2024-01-01T00:00:00.001Z", JAN_1_2024 + 1 },
		{ "2024-02-29T12:34:56.789Z", INT64_C(1709210096789) },
		{ "1969-12-31T23:59:59.999Z", -1 },
		{ "1969-12-31T23:59:59Z", -1000 },
		{ "1969-07-20T20:17:40Z", INT64_C(-14182940000) },
		{ "1900-01-01T00:00:00Z", CAPPLAN_TIME_MIN_MS },
		{ "1900-02-28T23:59:59Z", INT64_C(-2203891201000) },
		{ "2000-02-29T00:00:00.001Z", INT64_C(951782400001) },
		{ "9999-12-31T23:59:59.999Z", CAPPLAN_TIME_MAX_MS },
		/* Beyond the accepted range it still formats, and fits the buffer. */
		{ "292278994-08-17T07:12:55.807Z", INT64_MAX },
		{ "-292275055-05-16T16:47:04.192Z", INT64_MIN },
	};
	char buf[CAPPLAN_TIME_BUFSZ];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, '#', sizeof(buf));
		CHECK(capplan_time_format(cases[i].ms, buf) == buf, "returns buf", cases[i].text);
		CHECK(strcmp(buf, cases[i].text) == 0, buf, cases[i].text);
	}
}

static void
test_round_trip(void)
{
	static const char *const texts[] = {
		"2024-01-01T00:00:00Z", "2024-01-01T00:00:17.250Z", "1900-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z", "2000-02-29T23:59:59.001Z",
		"2100-03-01T00:00:00Z", "1904-02-29T12:00:00Z",
	};
	struct capplan_error err;
	char buf[CAPPLAN_TIME_BUFSZ];
	int64_t ms = 0, back = 0;
	int failures = 0;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		CHECK(capplan_time_parse(texts[i], &ms, &err) == 0, "parse", texts[i]);
		CHECK(strcmp(capplan_time_format(ms, buf), texts[i]) == 0, buf, texts[i]);
	}
	/* parse(format(t)) == t across the whole range, in uneven steps. */
	for (ms = CAPPLAN_TIME_MIN_MS; ms <= CAPPLAN_TIME_MAX_MS; ms += INT64_C(12345678901)) {
		capplan_time_format(ms, buf);
		if (capplan_time_parse(buf, &back, &err) != 0 || back != ms)
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
	/* Every day of a leap year and a century year round-trips at 23:59:59.999. */
	for (ms = capplan_time_from_civil(1999, 12, 31, 23, 59, 59, 999);
	     ms < capplan_time_from_civil(2001, 1, 1, 0, 0, 0, 0); ms += CAPPLAN_MS_PER_DAY) {
		capplan_time_format(ms, buf);
		if (capplan_time_parse(buf, &back, &err) != 0 || back != ms)
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static void
test_month_start(void)
{
	static const struct {
		int64_t ms;
		int64_t start;
	} cases[] = {
		{ JAN_1_2024, JAN_1_2024 },
		{ JAN_1_2024 - 1, INT64_C(1701388800000) },                 /* 2023-12-01 */
		{ JAN_1_2024 + 1, JAN_1_2024 },
		{ INT64_C(1709210096789), INT64_C(1706745600000) },         /* 2024-02-29 -> 02-01 */
		{ INT64_C(1709251200000) - 1, INT64_C(1706745600000) },     /* last ms of Feb 2024 */
		{ INT64_C(1709251200000), INT64_C(1709251200000) },         /* 2024-03-01 */
		{ INT64_C(951782400000), INT64_C(949363200000) },           /* 2000-02-29 -> 02-01 */
		{ 0, 0 },
		{ -1, INT64_C(-2678400000) },                               /* 1969-12-01 */
		{ INT64_C(-2678400000), INT64_C(-2678400000) },
		{ INT64_C(-2678400000) - 1, INT64_C(-5270400000) },         /* 1969-11-01 */
		{ INT64_C(-2203891201000), INT64_C(-2206310400000) },       /* 1900-02-28 -> 02-01 */
		{ CAPPLAN_TIME_MIN_MS, CAPPLAN_TIME_MIN_MS },
		{ CAPPLAN_TIME_MAX_MS, INT64_C(253399622400000) },          /* 9999-12-01 */
		/* The month of INT64_MIN starts before it: saturated. */
		{ INT64_MIN, INT64_MIN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[CAPPLAN_TIME_BUFSZ];

		capplan_time_format(cases[i].ms, buf);
		CHECK(capplan_time_month_start(cases[i].ms) == cases[i].start, "month start", buf);
	}
}

static void
test_add_months(void)
{
	static const struct {
		const char *from;
		int64_t months;
		const char *to;
	} cases[] = {
		{ "2024-01-31T10:00:00Z", 1, "2024-02-29T10:00:00Z" },   /* clamped, leap year */
		{ "2023-01-31T00:00:00Z", 1, "2023-02-28T00:00:00Z" },
		{ "2024-03-15T06:30:00Z", -3, "2023-12-15T06:30:00Z" },  /* back over a year end */
		{ "1992-01-01T00:00:00Z", 292, "2016-05-01T00:00:00Z" },
		{ "1969-12-01T00:00:00Z", 1, "1970-01-01T00:00:00Z" },
		{ "2024-05-01T00:00:00Z", 0, "2024-05-01T00:00:00Z" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capplan_error err;
		char buf[CAPPLAN_TIME_BUFSZ];
		int64_t from, to;

		CU_ASSERT_EQUAL_FATAL(capplan_time_parse(cases[i].from, &from, &err), 0);
		CU_ASSERT_EQUAL_FATAL(capplan_time_parse(cases[i].to, &to, &err), 0);
		CU_ASSERT_STRING_EQUAL(capplan_time_format(capplan_time_add_months(from, cases[i].months), buf),
		                       cases[i].to);
		/* whole months between by (year, month): back to the count, except when clamped */
		CU_ASSERT_EQUAL(capplan_time_months_between(from, to), cases[i].months);
	}
	/* by (year, month) alone: one ms apart across a month end is one month */
	CU_ASSERT_EQUAL(capplan_time_months_between(JAN_1_2024 - 1, JAN_1_2024), 1);
	CU_ASSERT_EQUAL(capplan_time_months_between(JAN_1_2024, JAN_1_2024 - 1), -1);
}

static void
test_duration_parse(void)
{
	static const struct time_case cases[] = {
		{ "1h30m", 5400000 },
		{ "90d", INT64_C(7776000000) },
		{ "1y", INT64_C(365) * 86400000 },
		{ "1w", 604800000 },
		{ "500ms", 500 },
		{ "1ms", 1 },
		{ "5m", 300000 },
		{ "30s", 30000 },
		{ "1m0s", 60000 },
		{ "0h1s", 1000 },
		{ "1y2w3d4h5m6s7ms", INT64_C(33019506007) },
		{ "1d1h1m1s", 90061000 },
		{ "3600", 3600000 },
		{ "0.5", 500 },
		{ "1.5e3", 1500000 },
		{ "0.0005", 1 },
		{ "9223372036854775807ms", INT64_MAX },
		{ "106751991167d", INT64_C(9223372036828800000) },
		{ "106751991167d7h12m55s807ms", INT64_MAX },
	};
	static const struct error_case errors[] = {
		{ "", "invalid duration \"\": empty" },
		{ "1m1h", "invalid duration \"1m1h\": unit \"h\" out of order: units go from largest "
		  "to smallest, each at most once" },
		{ "1h1h", "invalid duration \"1h1h\": unit \"h\" out of order: units go from largest "
		  "to smallest, each at most once" },
		{ "1ms1s", "invalid duration \"1ms1s\": unit \"s\" out of order: units go from largest "
		  "to smallest, each at most once" },
		{ "h", "invalid duration \"h\": expected a number then a unit (y w d h m s ms)" },
		{ "1hm", "invalid duration \"1hm\": unknown unit \"hm\"" },
		{ "1x", "invalid duration \"1x\": unknown unit \"x\"" },
		{ "1sec", "invalid duration \"1sec\": unknown unit \"sec\"" },
		{ "1H", "invalid duration \"1H\": unknown unit \"H\"" },
		{ "-5m", "invalid duration \"-5m\": must not be negative" },
		{ "-5", "invalid duration \"-5\": must not be negative" },
		{ "+5", "invalid duration \"+5\": expected a number then a unit (y w d h m s ms)" },
		{ "0s", "invalid duration \"0s\": must be greater than zero" },
		{ "0h0m", "invalid duration \"0h0m\": must be greater than zero" },
		{ "0", "invalid duration \"0\": must be greater than zero" },
		{ "0.0004", "invalid duration \"0.0004\": must be greater than zero" },
		{ "1.5h", "invalid duration \"1.5h\": expected a unit (y w d h m s ms) after \"1\"" },
		{ "1h30", "invalid duration \"1h30\": expected a unit (y w d h m s ms) after \"30\"" },
		{ "5 m", "invalid duration \"5 m\": expected a unit (y w d h m s ms) after \"5\"" },
		{ " 5m", "invalid duration \" 5m\": expected a number then a unit (y w d h m s ms)" },
		{ "5m ", "invalid duration \"5m \": expected a number then a unit (y w d h m s ms)" },
		{ "99999999999999999999s", "invalid duration \"99999999999999999999s\": too large" },
		{ "9223372036854775808ms", "invalid duration \"9223372036854775808ms\": too large" },
		{ "106751991168d", "invalid duration \"106751991168d\": too large" },
		{ "106751991167d8h", "invalid duration \"106751991167d8h\": too large" },
		{ "1e30", "invalid duration \"1e30\": too large" },
	};
	struct capplan_error err;
	int64_t ms;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_duration_parse(cases[i].text, &ms, &err) == 0, "duration parses",
		      cases[i].text);
		CHECK(ms == cases[i].ms, "duration value", cases[i].text);
	}
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_duration_parse(errors[i].text, &ms, &err) == -1, "duration fails",
		      errors[i].text);
		CHECK(ms == 12345, "result untouched on error", errors[i].text);
		CHECK(err.status == CAPPLAN_EX_DATAERR, "status", errors[i].text);
		CHECK(strcmp(err.msg, errors[i].msg) == 0, err.msg, errors[i].msg);
	}
}

static void
test_duration_format(void)
{
	static const struct time_case cases[] = {
		{ "0s", 0 },
		{ "500ms", 500 },
		{ "1s1ms", 1001 },
		{ "1m", 60000 },
		{ "1h30m", 5400000 },
		{ "1d1h1m1s", 90061000 },
		{ "90d", INT64_C(7776000000) },          /* not 12w6d */
		{ "2w", INT64_C(1209600000) },
		{ "1y", INT64_C(31536000000) },
		{ "2y", INT64_C(63072000000) },
		{ "372d", INT64_C(32140800000) },        /* 1y1w: neither divides evenly */
		{ "366d", INT64_C(31622400000) },
		{ "1d1ms", CAPPLAN_MS_PER_DAY + 1 },
		{ "106751991167d7h12m55s807ms", INT64_MAX },
		{ "-1h30m", -5400000 },
		{ "-106751991167d7h12m55s808ms", INT64_MIN },
	};
	char buf[CAPPLAN_DURATION_BUFSZ];
	struct capplan_error err;
	int64_t back;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(buf, '#', sizeof(buf));
		CHECK(capplan_duration_format(cases[i].ms, buf) == buf, "returns buf", cases[i].text);
		CHECK(strcmp(buf, cases[i].text) == 0, buf, cases[i].text);
		/* What is formatted parses back (durations are > 0). */
		if (cases[i].ms > 0) {
			back = 0;
			CHECK(capplan_duration_parse(buf, &back, &err) == 0 && back == cases[i].ms,
			      "round trip", buf);
		}
	}
}

static void
test_parse_relative(void)
{
	static const struct time_case cases[] = {
		{ "now", JAN_1_2024 },
		{ "now-1h", JAN_1_2024 - 3600000 },
		{ "now+1d", JAN_1_2024 + CAPPLAN_MS_PER_DAY },
		{ "now-90d", JAN_1_2024 - 90 * CAPPLAN_MS_PER_DAY },
		{ "now-1h30m", JAN_1_2024 - 5400000 },
		{ "now-3600", JAN_1_2024 - 3600000 },
		{ "2023-01-01", INT64_C(1672531200000) },
		{ "1704067200", JAN_1_2024 },
	};
	static const struct error_case errors[] = {
		{ "now-", "invalid timestamp \"now-\": invalid duration \"\": empty" },
		{ "now-5x", "invalid timestamp \"now-5x\": invalid duration \"5x\": unknown unit \"x\"" },
		{ "now-0s", "invalid timestamp \"now-0s\": invalid duration \"0s\": "
		  "must be greater than zero" },
		{ "now--5m", "invalid timestamp \"now--5m\": invalid duration \"-5m\": "
		  "must not be negative" },
		{ "now - 1h", "invalid timestamp \"now - 1h\": " RFC_OR_UNIX },
		{ "nowhere", "invalid timestamp \"nowhere\": " RFC_OR_UNIX },
		{ "NOW", "invalid timestamp \"NOW\": " RFC_OR_UNIX },
		{ "now-200y", "invalid timestamp \"now-200y\": " OUT_OF_RANGE },
		{ "now+8000y", "invalid timestamp \"now+8000y\": " OUT_OF_RANGE },
		{ "now-9223372036854775807ms", "invalid timestamp \"now-9223372036854775807ms\": "
		  OUT_OF_RANGE },
		{ "2024-02-30", "invalid timestamp \"2024-02-30\": day 30 out of range for 2024-02" },
	};
	struct capplan_error err;
	int64_t ms;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_time_parse_relative(cases[i].text, JAN_1_2024, &ms, &err) == 0,
		      "relative parses", cases[i].text);
		CHECK(ms == cases[i].ms, "relative value", cases[i].text);
	}
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		ms = 12345;
		capplan_error_clear(&err);
		CHECK(capplan_time_parse_relative(errors[i].text, JAN_1_2024, &ms, &err) == -1,
		      "relative fails", errors[i].text);
		CHECK(ms == 12345, "result untouched on error", errors[i].text);
		CHECK(err.status == CAPPLAN_EX_DATAERR, "status", errors[i].text);
		CHECK(strcmp(err.msg, errors[i].msg) == 0, err.msg, errors[i].msg);
	}
	/* now_ms at the extremes does not overflow. */
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_time_parse_relative("now+1ms", INT64_MAX, &ms, &err), -1);
	CU_ASSERT_EQUAL(capplan_time_parse_relative("now-1ms", INT64_MIN, &ms, &err), -1);
}

/* The wall clock in ms, read independently. */
static int64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_now(void)
{
	int64_t before = clock_ms();
	int64_t now = capplan_time_now();
	int64_t after = clock_ms();

	CU_ASSERT_TRUE(now >= before);
	CU_ASSERT_TRUE(now <= after);
	CU_ASSERT_TRUE(now > JAN_1_2024);
	CU_ASSERT_TRUE(now < CAPPLAN_TIME_MAX_MS);
}

int
register_timeutil_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "from_civil", test_from_civil },
		{ "parse RFC 3339", test_parse_rfc3339 },
		{ "parse fractions", test_parse_fraction },
		{ "parse Unix seconds", test_parse_unix_seconds },
		{ "parse errors", test_parse_errors },
		{ "parse error details", test_parse_error_details },
		{ "parse_unix", test_parse_unix },
		{ "format", test_format },
		{ "round trip", test_round_trip },
		{ "month_start", test_month_start },
		{ "add_months", test_add_months },
		{ "duration parse", test_duration_parse },
		{ "duration format", test_duration_format },
		{ "parse_relative", test_parse_relative },
		{ "now", test_now },
	};
	CU_pSuite suite = CU_add_suite("timeutil", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
