/*
 * tests/unit/test_csv_in.c: CSV history (lib/sources/csv_in.c) into an in-memory sink.
 *
 * Fixtures are in tests/fixtures/csv; small cases are read from memory with
 * fmemopen under the name "inline.csv".
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "labels.h"
#include "memsink.h"
#include "sources/csv_in.h"
#include "suites.h"
#include "util/error.h"

#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */
#define MINUTE INT64_C(60000)

/* Read text (len bytes, may hold NUL) as "inline.csv" into m, scope 1. */
static int
read_mem(const char *text, size_t len, const struct capplan_csv_options *o, struct memsink *m,
         struct capplan_error *err)
{
	char *copy = malloc(len ? len : 1);
	FILE *fp;
	int rc;

	if (!copy)
		return -2;
	memcpy(copy, text, len);
	fp = fmemopen(copy, len, "r");
	if (!fp) {
		free(copy);
		return -2;
	}
	rc = capplan_csv_read(fp, "inline.csv", o, &m->sink, 1, err);
	fclose(fp);
	free(copy);
	return rc;
}

static int
read_str(const char *text, const struct capplan_csv_options *o, struct memsink *m,
         struct capplan_error *err)
{
	return read_mem(text, strlen(text), o, m, err);
}

/* Read fixtures/csv/FILE under its path as name (left in name for messages). */
static int
read_fixture(const char *file, const struct capplan_csv_options *o, struct memsink *m,
             struct capplan_error *err, char *name, size_t namesz)
{
	FILE *fp;
	int rc;

	snprintf(name, namesz, "%s/csv/%s", capplan_test_fixtures, file);
	fp = fopen(name, "rb");
	if (!fp)
		return -2;
	rc = capplan_csv_read(fp, name, o, &m->sink, 7, err);
	fclose(fp);
	return rc;
}

/* The sample at index i, checked field by field. */
#define CHECK_SAMPLE(m, i, h, ts, v, p)                                          \
	do {                                                                     \
		if ((i) < (m).nsamples) {                                        \
			CU_ASSERT_EQUAL((m).samples[i].handle, (h));             \
			CU_ASSERT_EQUAL((m).samples[i].ts_ms, (ts));             \
			CU_ASSERT_DOUBLE_EQUAL((m).samples[i].value, (v), 0.0);  \
			CU_ASSERT_EQUAL((m).samples[i].pos, (p));                \
		} else {                                                         \
			CU_FAIL("sample missing");                               \
		}                                                                \
	} while (0)

/* rc -1, the status, and err.msg beginning with prefix. */
#define CHECK_ERROR_PREFIX(rc, err, st, prefix)                                     \
	do {                                                                        \
		CU_ASSERT_EQUAL((rc), -1);                                          \
		CU_ASSERT_EQUAL((err).status, (st));                                \
		CU_ASSERT_NSTRING_EQUAL((err).msg, (prefix), strlen(prefix));       \
	} while (0)

#define CHECK_ERROR(rc, err, st, msg_)                                             \
	do {                                                                        \
		CU_ASSERT_EQUAL((rc), -1);                                          \
		CU_ASSERT_EQUAL((err).status, (st));                                \
		CU_ASSERT_STRING_EQUAL((err).msg, (msg_));                          \
	} while (0)

static void
add_label(struct capplan_labels *l, const char *name, const char *value)
{
	struct capplan_error err;

	CU_ASSERT_EQUAL(capplan_labels_add(l, name, strlen(name), value, strlen(value), &err), 0);
}

/* ---- long form ---- */

static void
test_long_header(void)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	struct capplan_csv_options o = { "disk_used_bytes", &labels, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc, h;

	add_label(&labels, "instance", "db-1");
	memsink_init(&m);
	rc = read_fixture("long_header.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	h = memsink_find(&m, "disk_used_bytes", "{\"instance\":\"db-1\"}");
	CU_ASSERT_EQUAL(h, 0);
	if (h >= 0) {
		CU_ASSERT_EQUAL(m.series[h].pos, 1);
		CU_ASSERT_EQUAL(m.series[h].scope, 7);
	}
	CU_ASSERT_EQUAL(m.nsamples, 4);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0, 2);
	CHECK_SAMPLE(m, 1, 0, T0 + 60 * MINUTE, 2.5, 3);                           /* 02:00+01:00 */
	CHECK_SAMPLE(m, 2, 0, T0 + 150 * MINUTE + 30250, -300.0, 4);               /* 00:00:30.250-02:30 */
	CHECK_SAMPLE(m, 3, 0, T0 + 24 * 60 * MINUTE, 4.0, 5);                      /* a date alone */
	CU_ASSERT_EQUAL(m.skipped, 0);
	memsink_release(&m);
	capplan_labels_release(&labels);
}

static void
test_long_no_header(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc;

	memsink_init(&m);
	rc = read_fixture("long_noheader.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "m", "{}"), 0);
	if (m.nseries == 1)
		CU_ASSERT_EQUAL(m.series[0].pos, 1);
	CU_ASSERT_EQUAL(m.nsamples, 4);
	CHECK_SAMPLE(m, 0, 0, T0, 0.5, 1);
	CHECK_SAMPLE(m, 1, 0, T0 + 17250, 1000.0, 2);
	/* spaces around fields, quoted or not, are not part of them */
	CHECK_SAMPLE(m, 2, 0, T0 + 30001, -7.0, 3);
	CHECK_SAMPLE(m, 3, 0, T0 + 60500, 42.0, 4);
	memsink_release(&m);
}

static void
test_long_special_values(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc;

	memsink_init(&m);
	/* header "time,Value": "value" in any case makes it long form */
	rc = read_fixture("long_special.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(m.nsamples, 6);
	if (m.nsamples == 6) {
		CU_ASSERT(isnan(m.samples[0].value));
		CU_ASSERT(isinf(m.samples[1].value) && m.samples[1].value > 0);
		CU_ASSERT(isinf(m.samples[2].value) && m.samples[2].value < 0);
		CU_ASSERT(isinf(m.samples[3].value) && m.samples[3].value > 0);
		CU_ASSERT(isnan(m.samples[4].value));
		CU_ASSERT(m.samples[5].value == 0.0 && signbit(m.samples[5].value));
		CU_ASSERT_EQUAL(m.samples[5].ts_ms, T0 + 5 * MINUTE);
		CU_ASSERT_EQUAL(m.samples[5].pos, 7);
	}
	memsink_release(&m);
}

static void
test_long_forced_with_any_header(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_LONG };
	struct capplan_error err;
	struct memsink m;
	int rc;

	memsink_init(&m);
	rc = read_str("t,bytes\n1704067200,5\n", &o, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "m", "{}"), 0);
	CHECK_SAMPLE(m, 0, 0, T0, 5.0, 2);
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("t,a,b\n1704067200,5,6\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:1: expected 2 fields, got 3");
	CU_ASSERT_EQUAL(m.nseries, 0);
	memsink_release(&m);
}

static void
test_long_needs_metric(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	int rc;

	memsink_init(&m);
	rc = read_str("1704067200,1\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_USAGE, "inline.csv: long-form CSV needs --metric");
	CU_ASSERT_EQUAL(m.nseries, 0);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("timestamp,VALUE\n1704067200,1\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_USAGE, "inline.csv: long-form CSV needs --metric");
	memsink_release(&m);

	/* Forced long form: reported before reading, even an empty metric. */
	o.metric = "";
	o.layout = CAPPLAN_CSV_LONG;
	memsink_init(&m);
	rc = read_str("not even csv \"\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_USAGE, "inline.csv: long-form CSV needs --metric");
	memsink_release(&m);
}

/* ---- wide form ---- */

#define FS_LABELS(inst)                                                                    \
	"{\"device\":\"/dev/nvme0n1p1\",\"fstype\":\"ext4\",\"instance\":\"" inst "\","  \
	"\"job\":\"node\",\"mountpoint\":\"/data\"}"

static void
test_grafana_wide(void)
{
	struct capplan_csv_options o = { "node_filesystem_avail_bytes", NULL, CAPPLAN_CSV_AUTO };
	const int64_t t = INT64_C(1709251200000);   /* 2024-03-01 00:00:00, no offset: UTC */
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc, h1, h2, h3;

	memsink_init(&m);
	rc = read_fixture("grafana_wide.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 3);
	h1 = memsink_find(&m, "node_filesystem_avail_bytes", FS_LABELS("validator-1:9100"));
	h2 = memsink_find(&m, "node_filesystem_avail_bytes", FS_LABELS("validator-2:9100"));
	/* the third column has no metric name and takes --metric */
	h3 = memsink_find(&m, "node_filesystem_avail_bytes",
	                  "{\"instance\":\"validator-3:9100\",\"job\":\"node\",\"mountpoint\":\"/data\"}");
	CU_ASSERT(h1 >= 0 && h2 >= 0 && h3 >= 0);
	CU_ASSERT(h1 != h2 && h2 != h3 && h1 != h3);
	if (h1 >= 0 && h2 >= 0 && h3 >= 0) {
		CU_ASSERT_EQUAL(m.series[h1].pos, 1);
		CU_ASSERT_EQUAL(m.series[h3].pos, 1);
		CU_ASSERT_EQUAL(memsink_count(&m, h1), 4);
		CU_ASSERT_EQUAL(memsink_count(&m, h2), 3);
		CU_ASSERT_EQUAL(memsink_count(&m, h3), 3);
	}
	CU_ASSERT_EQUAL(m.nsamples, 10);
	/* empty cells: one in row 2, one in row 3, all three in row 5 */
	CU_ASSERT_EQUAL(m.skipped, 5);
	CHECK_SAMPLE(m, 0, h1, t, 1.2345e12, 2);
	CHECK_SAMPLE(m, 1, h2, t, 987654321000.0, 2);
	CHECK_SAMPLE(m, 2, h1, t + 5 * MINUTE, 1234499999744.0, 3);
	CHECK_SAMPLE(m, 3, h3, t + 5 * MINUTE, 500000000000.0, 3);
	CHECK_SAMPLE(m, 9, h3, t + 20 * MINUTE, 4.99e11, 6);
	memsink_release(&m);
}

static void
test_grafana_wide_without_metric(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("grafana_wide.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:4: column \"{instance=\\\"validator-3:9100\\\", job=\\\"node\\\", mountpoint=\\\"/data\\\"}\" "
	         "has no metric name; give --metric", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);
}

static void
test_wide_crlf_bom(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc, h;

	memsink_init(&m);
	/* BOM, CRLF, a blank line, no line end at the end; 2 columns but not "value": wide */
	rc = read_fixture("wide_crlf_bom.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	h = memsink_find(&m, "up", "{\"job\":\"api\"}");
	CU_ASSERT_EQUAL(h, 0);
	CU_ASSERT_EQUAL(m.nsamples, 3);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0, 2);
	CHECK_SAMPLE(m, 1, 0, T0 + MINUTE, 0.0, 4);
	CHECK_SAMPLE(m, 2, 0, T0 + 2 * MINUTE, 1.0, 5);
	memsink_release(&m);
}

static void
test_tricky_label_values(void)
{
	static const char *const want[] = {
		"{\"target\":\"a,b\"}",
		"{\"target\":\"say \\\"hi\\\"\"}",
		"{\"target\":\"line1\\nline2\"}",
		"{\"target\":\"'; DROP TABLE x; --\"}",
		"{\"target\":\"=cmd|' /C calc'!A0\"}",
		"{\"target\":\"C:\\\\temp\"}",
		"{\"target\":\"Z\xc3\xbcrich \xe2\x9c\x93\"}",
	};
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc;

	memsink_init(&m);
	rc = read_fixture("tricky_labels.csv", &o, &m, &err, name, sizeof(name));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 7);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int h = memsink_find(&m, "probe", want[i]);

		CU_ASSERT_EQUAL(h, (int)i);
		if (h >= 0) {
			CU_ASSERT_EQUAL(m.series[h].pos, 1);
			CU_ASSERT_EQUAL(memsink_count(&m, h), 2);
		}
	}
	/* The header spans lines 1 and 2, so the first data row is line 3. */
	CU_ASSERT_EQUAL(m.nsamples, 14);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0, 3);
	CHECK_SAMPLE(m, 6, 6, T0, 7.0, 3);
	CHECK_SAMPLE(m, 13, 6, T0 + MINUTE, 17.0, 4);
	memsink_release(&m);
}

static void
test_option_labels_added(void)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	struct capplan_csv_options o = { NULL, &labels, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	int rc;

	add_label(&labels, "env", "prod");
	add_label(&labels, "region", "eu,\"west\"\n2");
	memsink_init(&m);
	/* the same value in the header and the options is fine */
	rc = read_str("Time,\"up{job=\"\"a\"\"}\",\"up{job=\"\"b\"\",env=\"\"prod\"\"}\"\n"
	              "1704067200,1,2\n", &o, &m, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 2);
	CU_ASSERT_EQUAL(memsink_find(&m, "up",
	                "{\"env\":\"prod\",\"job\":\"a\",\"region\":\"eu,\\\"west\\\"\\n2\"}"), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "up",
	                "{\"env\":\"prod\",\"job\":\"b\",\"region\":\"eu,\\\"west\\\"\\n2\"}"), 1);
	CU_ASSERT_EQUAL(m.nsamples, 2);
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("Time,up,\"up{env=\"\"dev\"\"}\"\n1704067200,1,2\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR,
	            "inline.csv:1:3: column \"up{env=\\\"dev\\\"}\" has env=\"dev\", but --label gives \"prod\"");
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);
	capplan_labels_release(&labels);
}

static void
test_wide_forced_needs_header(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_WIDE };
	struct capplan_error err;
	struct memsink m;
	int rc;

	memsink_init(&m);
	rc = read_str("1704067200,1\n", &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:1:1: wide CSV needs a header row");
	CU_ASSERT_EQUAL(m.nseries, 0);
	memsink_release(&m);

	/* a header with only the time column names no series */
	o.layout = CAPPLAN_CSV_AUTO;
	memsink_init(&m);
	rc = read_str("Time\n1704067200\n", &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:1: a wide CSV header needs");
	memsink_release(&m);
}

static void
test_wide_duplicate_columns(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("dup_column.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:3: column \"up{b=\\\"2\\\", a=\\\"1\\\"}\" is the same series as column 2", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);

	/* no_metric.csv: "{instance="a"}" with --metric up is up{instance="a"} again */
	o.metric = "up";
	memsink_init(&m);
	rc = read_fixture("no_metric.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:3: column \"{instance=\\\"a\\\"}\" is the same series as column 2", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	memsink_release(&m);
}

/* ---- errors, with their places ---- */

static void
test_error_no_metric_name(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("no_metric.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:3: column \"{instance=\\\"a\\\"}\" has no metric name; give --metric", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	memsink_release(&m);
}

static void
test_error_bad_number(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("bad_number.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:7:2: invalid value \"12,5x\"", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	/* streaming: the rows before were delivered, nothing after */
	CU_ASSERT_EQUAL(m.nsamples, 5);
	memsink_release(&m);
}

static void
test_error_bad_values(void)
{
	static const char *const bad[] = {
		"0x1p3", "1e999", "12abc", "\"1,5\"", "infinity", "nan(1)", "+NaN", "1e", ".",
		"1 2", "--1", "\"1\"\"\"",
	};
	static const char with_nul[] = "timestamp,value\n1704067200,1\0x\n";
	static const char ts_with_nul[] = "timestamp,value\n1704067200\0junk,1\n";
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char text[512], want[128];
	int rc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "timestamp,value\n1704067200,1\n1704067260,%s\n", bad[i]);
		memsink_init(&m);
		rc = read_str(text, &o, &m, &err);
		CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:3:2: invalid value \"");
		CU_ASSERT_EQUAL(m.nsamples, 1);
		memsink_release(&m);
	}

	memsink_init(&m);
	rc = read_str("timestamp,value\n1704067200,1\n1704067260,\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:3:2: empty value");
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("timestamp,value\n1704067200,\"  \"\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:2:2: empty value");
	memsink_release(&m);

	/* A NUL byte must not cut the value short; it is shown escaped. */
	memsink_init(&m);
	rc = read_mem(with_nul, sizeof(with_nul) - 1, &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:2:2: invalid value \"1\\x00x\"");
	memsink_release(&m);

	/* Nor a timestamp. */
	memsink_init(&m);
	rc = read_mem(ts_with_nul, sizeof(ts_with_nul) - 1, &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR,
	            "inline.csv:2:1: invalid timestamp \"1704067200\\x00junk\": holds a NUL byte");
	memsink_release(&m);

	/* Bytes that are not UTF-8 are shown escaped; a long value is cut. */
	memsink_init(&m);
	rc = read_str("timestamp,value\n1704067200,\xff\xfe\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:2:2: invalid value \"\\xff\\xfe\"");
	memsink_release(&m);

	memsink_init(&m);
	memset(want, 'x', CAPPLAN_QUOTE_MAX);
	want[CAPPLAN_QUOTE_MAX] = '\0';
	snprintf(text, sizeof(text), "timestamp,value\n1704067200,%sxxxxx\n", want);
	rc = read_str(text, &o, &m, &err);
	snprintf(text, sizeof(text), "inline.csv:2:2: invalid value \"%s...\"", want);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, text);
	memsink_release(&m);

	/* A wide cell that is not a number is an error too, not a skipped cell. */
	o.metric = NULL;
	memsink_init(&m);
	rc = read_str("Time,a,b\n1704067200,1,-\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:2:3: invalid value \"-\"");
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);
}

static void
test_error_bad_timestamp(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("bad_timestamp.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:4:1: invalid timestamp \"2024-13-01\"", name);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, want);
	CU_ASSERT_EQUAL(m.nsamples, 2);
	memsink_release(&m);

	/* A first row of numbers with a bad time is data, not a header. */
	memsink_init(&m);
	rc = read_str("2024-13-01,5\n", &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR,
	                   "inline.csv:1:1: invalid timestamp \"2024-13-01\"");
	memsink_release(&m);
}

static void
test_error_field_count(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("bad_count.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:9: expected 3 fields, got 2", name);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
	/* rows 2..8 in full, nothing of the short row */
	CU_ASSERT_EQUAL(m.nsamples, 14);
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("Time,up\n1704067200,1\n1704067260,1,2\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:3: expected 2 fields, got 3");
	CU_ASSERT_EQUAL(m.nsamples, 1);
	memsink_release(&m);
}

static void
test_error_malformed_quotes(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("bad_quote.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:3: malformed CSV: ", name);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, want);
	memsink_release(&m);

	/* An unclosed quote is found at the end; the place is where its row began. */
	memsink_init(&m);
	rc = read_fixture("unclosed_quote.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:3: malformed CSV: ", name);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, want);
	memsink_release(&m);

	/* text after a closing quote */
	memsink_init(&m);
	rc = read_str("timestamp,value\n\n\"1704067200\"x,1\n", &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:3: malformed CSV: ");
	memsink_release(&m);
}

static void
test_error_empty_input(void)
{
	static const char *const files[] = { "empty.csv", "header_only.csv" };
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		memsink_init(&m);
		rc = read_fixture(files[i], &o, &m, &err, name, sizeof(name));
		snprintf(want, sizeof(want), "%s: empty input, no samples", name);
		CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
		memsink_release(&m);
	}

	/* a byte order mark and blank lines are no data either */
	memsink_init(&m);
	rc = read_str("\xef\xbb\xbf\n  \r\n\t\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv: empty input, no samples");
	memsink_release(&m);
}

static void
test_error_header_utf8(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512], want[1024];
	int rc;

	memsink_init(&m);
	rc = read_fixture("bad_utf8_header.csv", &o, &m, &err, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:1:2: header is not valid UTF-8", name);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, want);
	CU_ASSERT_EQUAL(m.nseries, 0);
	memsink_release(&m);
}

static void
test_error_bad_series_header(void)
{
	struct capplan_csv_options o = { NULL, NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	int rc;

	memsink_init(&m);
	rc = read_str("Time,\"up{job=}\"\n1704067200,1\n", &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:1:2: invalid series \"up{job=}\": ");
	memsink_release(&m);

	memsink_init(&m);
	rc = read_str("Time,up,\"\"\n1704067200,1,2\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:1:3: column 3 has an empty header");
	memsink_release(&m);
}

/* ---- line numbers ---- */

static void
test_lines_quoted_newlines_and_cr(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	int rc;

	/* a header over three lines: the data rows are lines 4 and 5 */
	memsink_init(&m);
	rc = read_str("Time,\"up{a=\"\"x\ny\nz\"\"}\"\n1704067200,1\n1704067260,bad\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:5:2: invalid value \"bad\"");
	CU_ASSERT_EQUAL(m.nsamples, 1);
	if (m.nsamples == 1)
		CU_ASSERT_EQUAL(m.samples[0].pos, 4);
	memsink_release(&m);

	/* a field over two lines: the row's first line is the place */
	memsink_init(&m);
	rc = read_str("timestamp,value\n1704067200,\"1\r\n2\"\n", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:2:2: invalid value \"1\\r\\n2\"");
	memsink_release(&m);

	/* a lone CR ends a line as well */
	memsink_init(&m);
	rc = read_str("timestamp,value\r1704067200,1\r\r1704067260,x\r", &o, &m, &err);
	CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:4:2: invalid value \"x\"");
	CU_ASSERT_EQUAL(m.nsamples, 1);
	memsink_release(&m);
}

/*
 * Rows with CRLF around the reader's 64 KiB chunks: the chunk ends between CR
 * and LF (shift 0), just before the CR (1), and inside a timestamp (-6).  A
 * bad value after the boundary must name the right line.
 */
static void
test_lines_across_chunks(void)
{
	static const int shifts[] = { 0, 1, -6 };
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char want[128];

	for (size_t k = 0; k < sizeof(shifts) / sizeof(shifts[0]); k++) {
		size_t cap = 80 * 1024, len = 0, target = (size_t)(65535 + shifts[k]);
		char *buf = malloc(cap);
		long ts = 1704067200;
		int rows = 0, rc, n;

		if (!buf) {
			CU_FAIL("out of memory");
			return;
		}
		len += (size_t)snprintf(buf + len, cap - len, "timestamp,value\r\n");
		while (target - len - 11 > 30) {
			len += (size_t)snprintf(buf + len, cap - len, "%ld,1\r\n", ts++);
			rows++;
		}
		/* pad this row's value so that its CR lands on target */
		n = snprintf(buf + len, cap - len, "%ld,1.%0*d\r\n", ts++, (int)(target - len - 13), 0);
		CU_ASSERT_EQUAL(buf[target], '\r');
		len += (size_t)n;
		rows++;
		for (int i = 0; i < 20; i++, rows++)
			len += (size_t)snprintf(buf + len, cap - len, "%ld,%d\r\n", ts++, i);
		len += (size_t)snprintf(buf + len, cap - len, "%ld,bad\r\n%ld,1\r\n", ts, ts + 1);

		memsink_init(&m);
		rc = read_mem(buf, len, &o, &m, &err);
		snprintf(want, sizeof(want), "inline.csv:%d:2: invalid value \"bad\"", rows + 2);
		CHECK_ERROR(rc, err, CAPPLAN_EX_DATAERR, want);
		CU_ASSERT_EQUAL(m.nsamples, (size_t)rows);
		if (m.nsamples == (size_t)rows && rows > 0)
			CU_ASSERT_EQUAL(m.samples[rows - 1].pos, rows + 1);
		memsink_release(&m);
		free(buf);
	}
}

static void
test_error_field_too_long(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	const char *head = "timestamp,value\n1704067200,1\n1704067260,\"1";
	size_t hlen = strlen(head), len = hlen + 3 * 1024 * 1024;
	struct capplan_error err;
	struct memsink m;
	char *buf = malloc(len);
	int rc;

	if (!buf) {
		CU_FAIL("out of memory");
		return;
	}
	memcpy(buf, head, hlen);
	memset(buf + hlen, '7', len - hlen);
	for (size_t i = hlen + 100; i < len; i += 100)
		buf[i] = '\n';   /* lines, as a file with a stray quote has */
	memsink_init(&m);
	rc = read_mem(buf, len, &o, &m, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_DATAERR, "inline.csv:3: malformed CSV: a field longer than");
	CU_ASSERT_EQUAL(m.nsamples, 1);
	memsink_release(&m);
	free(buf);
}

/* ---- the sink ---- */

static void
test_sink_error_stops_reading(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	char name[512];
	int rc;

	memsink_init(&m);
	m.fail_after = 3;
	rc = read_fixture("long_header.csv", &o, &m, &err, name, sizeof(name));
	/* passed up as the sink set it: no place added, its status kept */
	CHECK_ERROR(rc, err, CAPPLAN_EX_SOFTWARE, "memsink: failing as asked");
	CU_ASSERT_EQUAL(m.nsamples, 2);
	CU_ASSERT_EQUAL(m.calls, 3);
	memsink_release(&m);
}

static int
refuse_series(struct capplan_sink *sink, int scope, const char *metric,
              struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	(void)sink;
	(void)scope;
	(void)metric;
	(void)labels;
	(void)pos;
	return capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE, "db: connection lost");
}

static void
test_sink_open_error_passed_up(void)
{
	static const char *const inputs[] = {
		"1704067200,1\n1704067260,2\n",            /* long */
		"Time,up,down\n1704067200,1,2\n",           /* wide */
	};
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	int rc;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		memsink_init(&m);
		m.sink.open_series = refuse_series;
		rc = read_str(inputs[i], &o, &m, &err);
		CHECK_ERROR(rc, err, CAPPLAN_EX_UNAVAILABLE, "db: connection lost");
		CU_ASSERT_EQUAL(m.nsamples, 0);
		memsink_release(&m);
	}
}

static void
test_read_error(void)
{
	struct capplan_csv_options o = { "m", NULL, CAPPLAN_CSV_AUTO };
	struct capplan_error err;
	struct memsink m;
	FILE *fp = fopen("/dev/null", "w");   /* reading it fails */
	int rc;

	if (!fp) {
		CU_FAIL("cannot open /dev/null");
		return;
	}
	memsink_init(&m);
	rc = capplan_csv_read(fp, "x.csv", &o, &m.sink, 1, &err);
	CHECK_ERROR_PREFIX(rc, err, CAPPLAN_EX_NOINPUT, "x.csv: cannot read: ");
	memsink_release(&m);
	fclose(fp);
}

int
register_csv_in_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "long form with a header, RFC 3339 with offsets", test_long_header },
		{ "long form without a header, unix seconds", test_long_no_header },
		{ "NaN, +Inf, -Inf, -0 kept", test_long_special_values },
		{ "forced long form takes any 2-field header", test_long_forced_with_any_header },
		{ "long form needs --metric", test_long_needs_metric },
		{ "Grafana wide export", test_grafana_wide },
		{ "wide column without metric name", test_grafana_wide_without_metric },
		{ "BOM, CRLF, blank line, no final line end", test_wide_crlf_bom },
		{ "label values round-trip", test_tricky_label_values },
		{ "option labels added, conflicts refused", test_option_labels_added },
		{ "wide form needs a header with series", test_wide_forced_needs_header },
		{ "duplicate columns", test_wide_duplicate_columns },
		{ "column without metric name: error", test_error_no_metric_name },
		{ "bad number: place", test_error_bad_number },
		{ "values Prometheus does not write", test_error_bad_values },
		{ "bad timestamp: place", test_error_bad_timestamp },
		{ "wrong field count: place", test_error_field_count },
		{ "malformed quoting: place", test_error_malformed_quotes },
		{ "empty input", test_error_empty_input },
		{ "header not UTF-8", test_error_header_utf8 },
		{ "bad series notation in header", test_error_bad_series_header },
		{ "lines: quoted newlines, lone CR", test_lines_quoted_newlines_and_cr },
		{ "lines across 64 KiB chunks", test_lines_across_chunks },
		{ "field too long (unclosed quote)", test_error_field_too_long },
		{ "sink error stops reading", test_sink_error_stops_reading },
		{ "sink error opening a series passed up", test_sink_open_error_passed_up },
		{ "read error", test_read_error },
	};
	CU_pSuite suite = CU_add_suite("csv_in", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
