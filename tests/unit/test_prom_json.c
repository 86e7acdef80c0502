/*
 * tests/unit/test_prom_json.c: Prometheus HTTP API answers (lib/sources/prom_json.c)
 * into an in-memory sink.
 *
 * Fixtures are in tests/fixtures/json, written as a real Prometheus 2.x writes
 * them (one line, no line end; the pretty_*.json ones as jq prints them).
 * Small cases are fed from memory under the name "inline.json".  Most inputs
 * are fed whole, in 1-byte and in 7-byte chunks, and must give the same sink
 * contents or the same error at the same place.
 *
 * Places in messages are "NAME:LINE:COLUMN"; the column is 1-based and is the
 * byte where the parser stood when it stopped: just after the token that was
 * wrong (after a string's closing quote, on the character that ended a
 * number), or on the offending character for a bad literal.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "labels.h"
#include "memsink.h"
#include "sources/prom_json.h"
#include "suites.h"
#include "util/error.h"
#include "util/strbuf.h"

#define T0 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */
#define HOUR INT64_C(3600000)
#define INLINE "inline.json"

/* Chunk sizes every feeding test runs with; 0 is the whole input at once. */
static const size_t chunk_sizes[] = { 0, 1, 7 };
#define NCHUNKS (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

/* What a parse left behind, besides the sink. */
struct run {
	int rc;
	size_t series, samples;
	char error_type[64];   /* "" when capplan_prom_json_error_type gave NULL */
};

/* ---- assertions that show the actual text when they fail ---- */

static void
check_prefix(const char *actual, const char *prefix, unsigned line)
{
	char text[3 * CAPPLAN_ERROR_MAX];
	int ok = strncmp(actual, prefix, strlen(prefix)) == 0;

	snprintf(text, sizeof(text), "message \"%s\" begins with \"%s\"", actual, prefix);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, text, __FILE__, "", CU_FALSE);
}

static void
check_string(const char *actual, const char *expected, unsigned line)
{
	char text[3 * CAPPLAN_ERROR_MAX];
	int ok = actual && strcmp(actual, expected) == 0;

	snprintf(text, sizeof(text), "\"%s\" is \"%s\"", actual ? actual : "(null)", expected);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, text, __FILE__, "", CU_FALSE);
}

#define CHECK_PREFIX(actual, prefix) check_prefix((actual), (prefix), __LINE__)
#define CHECK_STRING(actual, expected) check_string((actual), (expected), __LINE__)

/* rc -1, status 65 and the message beginning with prefix. */
#define CHECK_DATAERR(rc, err, prefix)                             \
	do {                                                       \
		CU_ASSERT_EQUAL((rc), -1);                         \
		CU_ASSERT_EQUAL((err).status, CAPPLAN_EX_DATAERR); \
		CHECK_PREFIX((err).msg, (prefix));                 \
	} while (0)

/* Equal doubles, NaN equal to NaN and -0 different from 0. */
static int
same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && !signbit(a) == !signbit(b);
}

#define CHECK_SAMPLE(m, i, h, ts, v)                                              \
	do {                                                                      \
		if ((size_t)(i) < (m).nsamples) {                                 \
			CU_ASSERT_EQUAL((m).samples[i].handle, (h));              \
			CU_ASSERT_EQUAL((m).samples[i].ts_ms, (ts));              \
			CU_ASSERT(same_double((m).samples[i].value, (v)));        \
		} else {                                                          \
			CU_FAIL("sample missing");                                \
		}                                                                 \
	} while (0)

/* ---- feeding ---- */

/*
 * Parse len bytes of text as name, in chunks of chunk bytes (0: at once), into
 * sink under scope 3.  Finish is called only when every chunk was taken.
 */
static void
parse_chunks(const char *name, const char *text, size_t len, size_t chunk,
             const struct capplan_prom_json_options *o, struct capplan_sink *sink,
             struct capplan_error *err, struct run *run)
{
	struct capplan_prom_json *p;
	const char *type;

	memset(run, 0, sizeof(*run));
	capplan_error_clear(err);
	p = capplan_prom_json_new(name, o, sink, 3, err);
	if (!p) {
		CU_FAIL("capplan_prom_json_new failed");
		run->rc = -2;
		return;
	}
	if (chunk == 0)
		chunk = len;
	for (size_t off = 0; off < len && run->rc == 0; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		run->rc = capplan_prom_json_feed(p, text + off, n, err);
	}
	if (run->rc == 0)
		run->rc = capplan_prom_json_finish(p, err);
	run->series = capplan_prom_json_series_count(p);
	run->samples = capplan_prom_json_sample_count(p);
	type = capplan_prom_json_error_type(p);
	snprintf(run->error_type, sizeof(run->error_type), "%s", type ? type : "");
	capplan_prom_json_free(p);
}

static void
parse_str(const char *text, size_t chunk, const struct capplan_prom_json_options *o,
          struct memsink *m, struct capplan_error *err, struct run *run)
{
	parse_chunks(INLINE, text, strlen(text), chunk, o, &m->sink, err, run);
}

/* fixtures/json/FILE, read whole; its path goes to name.  NULL (and a failure) if unreadable. */
static char *
load_fixture(const char *file, size_t *len, char *name, size_t namesz)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char buf[4096];
	FILE *fp;
	size_t n;

	snprintf(name, namesz, "%s/json/%s", capplan_test_fixtures, file);
	fp = fopen(name, "rb");
	if (!fp) {
		CU_FAIL("cannot open a fixture");
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		capplan_strbuf_append(&sb, buf, n);
	fclose(fp);
	*len = sb.len;
	if (!sb.data)
		return calloc(1, 1);
	return capplan_strbuf_detach(&sb);
}

/* Parse a fixture in chunks of chunk bytes into m. */
static void
parse_fixture(const char *file, size_t chunk, const struct capplan_prom_json_options *o,
              struct memsink *m, struct capplan_error *err, struct run *run, char *name,
              size_t namesz)
{
	size_t len = 0;
	char *text = load_fixture(file, &len, name, namesz);

	if (!text) {
		memset(run, 0, sizeof(*run));
		run->rc = -2;
		return;
	}
	parse_chunks(name, text, len, chunk, o, &m->sink, err, run);
	free(text);
}

/* Whether two sinks hold exactly the same series and samples. */
static int
same_sink(const struct memsink *a, const struct memsink *b)
{
	if (a->nseries != b->nseries || a->nsamples != b->nsamples || a->skipped != b->skipped)
		return 0;
	for (size_t i = 0; i < a->nseries; i++)
		if (a->series[i].scope != b->series[i].scope || a->series[i].pos != b->series[i].pos ||
		    strcmp(a->series[i].metric, b->series[i].metric) != 0 ||
		    strcmp(a->series[i].labels_json, b->series[i].labels_json) != 0)
			return 0;
	for (size_t i = 0; i < a->nsamples; i++)
		if (a->samples[i].handle != b->samples[i].handle ||
		    a->samples[i].ts_ms != b->samples[i].ts_ms || a->samples[i].pos != b->samples[i].pos ||
		    !same_double(a->samples[i].value, b->samples[i].value))
			return 0;
	return 1;
}

/*
 * Parse the fixture whole into *whole (left for the caller to check and
 * release), then in 1- and 7-byte chunks: every way must give the same result.
 */
static void
parse_fixture_all_ways(const char *file, const struct capplan_prom_json_options *o,
                       struct memsink *whole, struct capplan_error *err, struct run *run,
                       char *name, size_t namesz)
{
	memsink_init(whole);
	parse_fixture(file, 0, o, whole, err, run, name, namesz);
	for (size_t k = 1; k < NCHUNKS; k++) {
		struct capplan_error e2;
		struct memsink m2;
		struct run r2;

		memsink_init(&m2);
		parse_fixture(file, chunk_sizes[k], o, &m2, &e2, &r2, name, namesz);
		CU_ASSERT_EQUAL(r2.rc, run->rc);
		CU_ASSERT_EQUAL(r2.series, run->series);
		CU_ASSERT_EQUAL(r2.samples, run->samples);
		CU_ASSERT(same_sink(&m2, whole));
		if (run->rc < 0) {
			CU_ASSERT_EQUAL(e2.status, err->status);
			CHECK_STRING(e2.msg, err->msg);
		}
		memsink_release(&m2);
	}
}

/* An inline answer that must fail: status 65 and prefix, fed every way. */
static void
check_inline_error(const char *text, const struct capplan_prom_json_options *o,
                   const char *prefix, size_t want_samples, unsigned line)
{
	for (size_t k = 0; k < NCHUNKS; k++) {
		struct capplan_error err;
		struct memsink m;
		struct run run;

		memsink_init(&m);
		parse_str(text, chunk_sizes[k], o, &m, &err, &run);
		CU_assertImplementation(run.rc == -1 ? CU_TRUE : CU_FALSE, line, "rc is -1", __FILE__,
		                        "", CU_FALSE);
		CU_assertImplementation(err.status == CAPPLAN_EX_DATAERR ? CU_TRUE : CU_FALSE, line,
		                        "status is CAPPLAN_EX_DATAERR", __FILE__, "", CU_FALSE);
		check_prefix(err.msg, prefix, line);
		CU_assertImplementation(m.nsamples == want_samples ? CU_TRUE : CU_FALSE, line,
		                        "samples in the sink before the error", __FILE__, "", CU_FALSE);
		memsink_release(&m);
	}
}

#define CHECK_INLINE_ERROR(text, o, prefix, n) \
	check_inline_error((text), (o), (prefix), (n), __LINE__)

/* The position just after the first occurrence of needle in the fixture (-1 if none). */
static int64_t
pos_after(const char *file, const char *needle)
{
	char name[512], *text, *hit;
	size_t len = 0;
	int64_t pos = -1;

	text = load_fixture(file, &len, name, sizeof(name));
	if (!text)
		return -1;
	hit = strstr(text, needle);
	if (hit)
		pos = (int64_t)(hit - text) + (int64_t)strlen(needle);
	free(text);
	return pos;
}

/* ---- answers that are read ---- */

#define FS_LABELS(inst)                                                             \
	"{\"device\":\"/dev/sda1\",\"fstype\":\"ext4\",\"instance\":\"" inst "\"," \
	"\"job\":\"node\",\"mountpoint\":\"/\"}"

static void
test_matrix(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];
	int a, b, c;

	parse_fixture_all_ways("matrix.json", NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 3);
	CU_ASSERT_EQUAL(run.samples, 10);
	CHECK_STRING(run.error_type, "");
	CU_ASSERT_EQUAL(m.nseries, 3);
	a = memsink_find(&m, "node_filesystem_avail_bytes", FS_LABELS("db-1:9100"));
	b = memsink_find(&m, "node_filesystem_avail_bytes", FS_LABELS("db-2:9100"));
	c = memsink_find(&m, "node_filesystem_avail_bytes", FS_LABELS("db-3:9100"));
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(c, 2);
	if (m.nseries == 3) {
		/* a series is placed just after the '{' of its result */
		CU_ASSERT_EQUAL(m.series[0].scope, 3);
		CU_ASSERT_EQUAL(m.series[0].pos, 61);
		CU_ASSERT_EQUAL(m.series[1].pos, pos_after("matrix.json", "]]},{"));
		CU_ASSERT_EQUAL(m.series[2].pos,
		                pos_after("matrix.json", "\"1.5e-07\"]]},{"));
	}
	/* steps of 8.025 s: "1704067208.025", "1704067216.050", ... */
	CU_ASSERT_EQUAL(m.nsamples, 10);
	CHECK_SAMPLE(m, 0, 0, T0, 990055756228.0);
	CHECK_SAMPLE(m, 1, 0, T0 + 8025, 1e30);
	CHECK_SAMPLE(m, 2, 0, T0 + 16050, 5e-324);
	CHECK_SAMPLE(m, 3, 0, T0 + 24075, -0.0);
	CHECK_SAMPLE(m, 4, 0, T0 + 32100, NAN);
	CHECK_SAMPLE(m, 5, 1, T0, INFINITY);
	CHECK_SAMPLE(m, 6, 1, T0 + 16050, -INFINITY);
	CHECK_SAMPLE(m, 7, 1, T0 + 32100, 1.5e-07);
	CHECK_SAMPLE(m, 8, 2, T0 + 8025, 0.1);
	CHECK_SAMPLE(m, 9, 2, T0 + 24075, -12345.678);
	if (m.nsamples == 10) {
		/* 5e-324 is the smallest denormal, not 0 */
		CU_ASSERT(m.samples[2].value > 0.0);
		/* a sample is placed just after its value */
		CU_ASSERT_EQUAL(m.samples[1].pos, pos_after("matrix.json", "\"1e+30\""));
		CU_ASSERT_EQUAL(m.samples[9].pos, pos_after("matrix.json", "\"-12345.678\""));
	}
	CU_ASSERT_EQUAL(m.skipped, 0);
	memsink_release(&m);
}

static void
test_read_file(void)
{
	struct capplan_error err, err2;
	struct memsink m, m2;
	struct run run;
	char name[512];
	FILE *fp;
	int rc;

	memsink_init(&m);
	parse_fixture("matrix.json", 0, NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	fp = fopen(name, "rb");
	if (!fp) {
		CU_FAIL("cannot open matrix.json");
		memsink_release(&m);
		return;
	}
	memsink_init(&m2);
	capplan_error_clear(&err2);
	/* scope 3, as parse_fixture uses, so that the sinks compare equal */
	rc = capplan_prom_json_read(fp, name, NULL, &m2.sink, 3, &err2);
	fclose(fp);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(m2.nseries, 3);
	CU_ASSERT_EQUAL(m2.nsamples, 10);
	CU_ASSERT(same_sink(&m, &m2));
	memsink_release(&m2);
	memsink_release(&m);

	/* an error through the FILE reader keeps its place */
	fp = fopen("/dev/null", "rb");
	if (!fp) {
		CU_FAIL("cannot open /dev/null");
		return;
	}
	memsink_init(&m2);
	rc = capplan_prom_json_read(fp, "empty.json", NULL, &m2.sink, 1, &err2);
	fclose(fp);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err2.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err2.msg, "empty.json: empty input");
	memsink_release(&m2);
}

#define VECTOR_LABELS_1 "{\"instance\":\"localhost:9090\",\"job\":\"prometheus\"}"

static void
test_vector(void)
{
	struct capplan_prom_json_options o = { "ignored", NULL, NULL, NULL, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	/* --metric does not rename a series that has __name__ */
	parse_fixture_all_ways("vector.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 2);
	CU_ASSERT_EQUAL(run.samples, 2);
	CU_ASSERT_EQUAL(m.nseries, 2);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", VECTOR_LABELS_1), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", "{\"instance\":\"localhost:9100\",\"job\":\"node\"}"), 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "ignored", VECTOR_LABELS_1), -1);
	CU_ASSERT_EQUAL(m.nsamples, 2);
	CHECK_SAMPLE(m, 0, 0, T0 + 17250, 1.0);
	CHECK_SAMPLE(m, 1, 1, T0 + 17250, 0.0);
	memsink_release(&m);

	/* a plan's query: its name for every series, __name__ dropped, the other labels kept */
	o.metric = "validator_up";
	o.force_metric = 1;
	parse_fixture_all_ways("vector.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 2);
	CU_ASSERT_EQUAL(memsink_find(&m, "validator_up", VECTOR_LABELS_1), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", VECTOR_LABELS_1), -1);
	memsink_release(&m);
}

static void
test_scalar(void)
{
	struct capplan_prom_json_options o = { "answer", NULL, NULL, NULL, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	parse_fixture_all_ways("scalar.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 1);
	CU_ASSERT_EQUAL(run.samples, 1);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "answer", "{}"), 0);
	CU_ASSERT_EQUAL(m.nsamples, 1);
	CHECK_SAMPLE(m, 0, 0, T0 + 17250, 42.5);
	memsink_release(&m);

	/* without --metric a scalar has no name: the place is just after its ']' */
	parse_fixture_all_ways("scalar.json", NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:1:83: series {} has no __name__", name);
	CHECK_DATAERR(run.rc, err, want);
	CHECK_STRING(err.hint, "name it with --metric");
	CU_ASSERT_EQUAL(m.nseries, 0);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);
}

static void
test_no_name(void)
{
	struct capplan_prom_json_options o = { "sum_by_job", NULL, NULL, NULL, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	/* the error is at the end of the first result's "metric" object (col 84 is its '}') */
	parse_fixture_all_ways("no_name.json", NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:85: series {job=\"node\"} has no __name__ (the result of an aggregation?)", name);
	CHECK_DATAERR(run.rc, err, want);
	CHECK_STRING(err.hint, "name it with --metric");
	CU_ASSERT_EQUAL(m.nseries, 0);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);

	parse_fixture_all_ways("no_name.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 2);
	CU_ASSERT_EQUAL(run.samples, 3);
	CU_ASSERT_EQUAL(memsink_find(&m, "sum_by_job", "{\"job\":\"node\"}"), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "sum_by_job", "{\"job\":\"api\"}"), 1);
	CU_ASSERT_EQUAL(m.nsamples, 3);
	CHECK_SAMPLE(m, 0, 0, T0, 3.0);
	CHECK_SAMPLE(m, 1, 0, T0 + HOUR, 4.0);
	CHECK_SAMPLE(m, 2, 1, T0, 5.0);
	memsink_release(&m);

	/* an empty --metric names nothing */
	o.metric = "";
	memsink_init(&m);
	parse_fixture("no_name.json", 0, &o, &m, &err, &run, name, sizeof(name));
	CHECK_DATAERR(run.rc, err, want);
	memsink_release(&m);
}

struct warnings {
	int count;
	char input[3][256];
	char text[3][256];
};

static void
on_warning(void *ctx, const char *input, const char *text)
{
	struct warnings *w = ctx;

	if (w->count < 3) {
		snprintf(w->input[w->count], sizeof(w->input[0]), "%s", input);
		snprintf(w->text[w->count], sizeof(w->text[0]), "%s", text);
	}
	w->count++;
}

static void
test_warnings(void)
{
	struct warnings w;
	struct capplan_prom_json_options o = { NULL, NULL, on_warning, &w, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	for (size_t k = 0; k < NCHUNKS; k++) {
		memset(&w, 0, sizeof(w));
		memsink_init(&m);
		parse_fixture("warnings.json", chunk_sizes[k], &o, &m, &err, &run, name, sizeof(name));
		CU_ASSERT_EQUAL(run.rc, 0);
		CU_ASSERT_EQUAL(m.nseries, 1);
		CU_ASSERT_EQUAL(m.nsamples, 1);
		CU_ASSERT_EQUAL(w.count, 2);
		CHECK_STRING(w.input[0], name);
		CHECK_STRING(w.text[0], "remote read: connection refused: \"10.0.0.7:9201\"");
		CHECK_STRING(w.input[1], name);
		CHECK_STRING(w.text[1], "query is near the sample limit");
		memsink_release(&m);
	}

	/* without a callback, warnings are no error */
	memsink_init(&m);
	parse_fixture("warnings.json", 0, NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(m.nsamples, 1);
	memsink_release(&m);
}

static void
test_odd_key_order(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	/* "data" before "status", "resultType" after "result", "values" before "metric" */
	parse_fixture_all_ways("odd_order.json", NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 2);
	CU_ASSERT_EQUAL(run.samples, 4);
	CU_ASSERT_EQUAL(memsink_find(&m, "m", "{\"job\":\"x\"}"), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "m", "{\"job\":\"y\"}"), 1);
	if (m.nseries == 2) {
		CU_ASSERT_EQUAL(m.series[0].pos, 20);   /* after the '{' of the first result */
	}
	CU_ASSERT_EQUAL(m.nsamples, 4);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0);
	CHECK_SAMPLE(m, 1, 0, T0 + HOUR, 2.0);
	CHECK_SAMPLE(m, 2, 0, T0 + 2 * HOUR, 3.0);
	CHECK_SAMPLE(m, 3, 1, T0, 4.0);
	if (m.nsamples == 4) {
		/* held samples keep their own places, before the series' "metric" */
		CU_ASSERT_EQUAL(m.samples[0].pos, pos_after("odd_order.json", "[1704067200,\"1\""));
		CU_ASSERT_EQUAL(m.samples[2].pos, pos_after("odd_order.json", "[1704074400,\"3\""));
	}
	memsink_release(&m);
}

static void
test_unknown_keys_skipped(void)
{
	struct warnings w;
	struct capplan_prom_json_options o = { NULL, NULL, on_warning, &w, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	memset(&w, 0, sizeof(w));
	/* "stats" and "future" hold look-alike "data", "result", "metric" and "values" */
	parse_fixture_all_ways("extra_keys.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, 1);
	CU_ASSERT_EQUAL(run.samples, 2);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "m", "{\"job\":\"a\"}"), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "evil", "{}"), -1);
	CU_ASSERT_EQUAL(memsink_find(&m, "evil2", "{}"), -1);
	CU_ASSERT_EQUAL(m.nsamples, 2);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0);
	CHECK_SAMPLE(m, 1, 0, T0 + HOUR, 2.0);
	CU_ASSERT_EQUAL(m.skipped, 0);
	/* "infos" are not warnings, and "warnings":[] has none; 3 ways fed */
	CU_ASSERT_EQUAL(w.count, 0);
	memsink_release(&m);
}

/* Native histograms cannot be stored: each is counted as skipped, in both answer forms. */
static void
test_native_histograms_skipped(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	/* "histograms": [[ts, {...}], ...] beside "values" */
	parse_fixture_all_ways("histograms_matrix.json", NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "rpc_duration_seconds", "{\"job\":\"api\"}"), 0);
	CU_ASSERT_EQUAL(m.nsamples, 1);
	CHECK_SAMPLE(m, 0, 0, T0, 1.0);
	CU_ASSERT_EQUAL(m.skipped, 2);
	memsink_release(&m);

	/* "histogram": [ts, {...}] instead of "value" */
	parse_fixture_all_ways("histograms_vector.json", NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(m.nsamples, 1);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", "{\"job\":\"api\"}"), 1);
	CHECK_SAMPLE(m, 0, 1, T0, 1.0);
	CU_ASSERT_EQUAL(m.skipped, 1);
	memsink_release(&m);
}

static void
test_label_values_round_trip(void)
{
	static const char *const want[] = {
		"{\"target\":\"say \\\"hi\\\"\"}",
		"{\"target\":\"C:\\\\temp\\\\new\"}",
		"{\"target\":\"line1\\nline2\"}",
		"{\"target\":\"caf\xc3\xa9\"}",                      /* from \u00e9 */
		"{\"target\":\"Z\xc3\xbcrich \xe2\x9c\x93\"}",       /* raw UTF-8 */
		"{\"target\":\"'; DROP TABLE x; --\"}",
		"{\"target\":\"=cmd|' /C calc'!A0\"}",
		"{\"target\":\"<b>&amp;</b>\"}",                     /* from \u003c ... */
		"{\"target\":\"tab\\there\\u0001/slash\"}",          /* \t \u0001 \/ */
		"{\"target\":\"\xf0\x9f\x98\x80\"}",                 /* a surrogate pair */
		"{\"http.status\":\"200\",\"target\":\"x\"}",        /* a Prometheus 3 name */
	};
	const size_t n = sizeof(want) / sizeof(want[0]);
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	parse_fixture_all_ways("labels.json", NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(run.series, n);
	CU_ASSERT_EQUAL(m.nseries, n);
	for (size_t i = 0; i < n && i < m.nseries; i++) {
		CHECK_STRING(m.series[i].metric, "probe");
		CHECK_STRING(m.series[i].labels_json, want[i]);
	}
	CU_ASSERT_EQUAL(m.nsamples, n);
	for (size_t i = 0; i < n && i < m.nsamples; i++)
		CHECK_SAMPLE(m, i, (int)i, T0, (double)(i + 1));
	memsink_release(&m);
}

static void
add_label(struct capplan_labels *l, const char *name, const char *value)
{
	struct capplan_error err;

	CU_ASSERT_EQUAL(capplan_labels_add(l, name, strlen(name), value, strlen(value), &err), 0);
}

static void
test_option_labels(void)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	struct capplan_prom_json_options o = { NULL, &labels, NULL, NULL, 0 };
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	add_label(&labels, "env", "prod");
	add_label(&labels, "region", "eu \"west\"\n2");
	parse_fixture_all_ways("vector.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(m.nseries, 2);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", "{\"env\":\"prod\",\"instance\":\"localhost:9090\","
	                             "\"job\":\"prometheus\",\"region\":\"eu \\\"west\\\"\\n2\"}"), 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", "{\"env\":\"prod\",\"instance\":\"localhost:9100\","
	                             "\"job\":\"node\",\"region\":\"eu \\\"west\\\"\\n2\"}"), 1);
	CU_ASSERT_EQUAL(m.nsamples, 2);
	memsink_release(&m);
	/* the options' set is not changed by the parser */
	CU_ASSERT_EQUAL(labels.count, 2);

	/* the same value as the series' own is no conflict */
	add_label(&labels, "job", "node");
	parse_fixture_all_ways("warnings.json", &o, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, 0);
	CU_ASSERT_EQUAL(memsink_find(&m, "up", "{\"env\":\"prod\",\"job\":\"node\","
	                             "\"region\":\"eu \\\"west\\\"\\n2\"}"), 0);
	memsink_release(&m);

	/* a different one is: the place is just after the first result's "metric" object */
	parse_fixture_all_ways("vector.json", &o, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:1:135: label job=\"node\" given by --label conflicts with the series' own value "
	         "\"prometheus\"", name);
	CHECK_DATAERR(run.rc, err, want);
	CU_ASSERT_EQUAL(m.nseries, 0);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);
	capplan_labels_release(&labels);
}

/* ---- errors, with their places ---- */

/* YAJL's message for a missing ',' in an object */
#define MAP_EXPECT "after key and value, inside map, I expect ',' or '}'"

/* The start of a matrix answer, 97 bytes: the first pair's '[' is column 98. */
#define HEAD "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" \
	"{\"metric\":{\"__name__\":\"m\"},\"values\":["

static void
test_error_malformed_json(void)
{
	CU_ASSERT_EQUAL(strlen(HEAD), 97);
	/* a missing comma: yajl stops after the string that should have followed one */
	CHECK_INLINE_ERROR(HEAD "[1704067200 \"1\"]]}]}}", NULL,
	                   INLINE ":1:113: invalid JSON: after array element, I expect ',' or ']'", 0);
	/* a missing comma in an object: the place is where it belongs, after "success" */
	CHECK_INLINE_ERROR("{\"status\":\"success\" \"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
	                   NULL, INLINE ":1:20: invalid JSON: " MAP_EXPECT, 0);
	/* a bad literal: stopped on the offending character, the 'u' of "ture" */
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"1\"]],\"done\":ture}]}}", NULL,
	                   INLINE ":1:124: invalid JSON: lexical error: invalid string in json text", 1);
	/* text after the answer: just after the 'x' */
	CHECK_INLINE_ERROR("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}} x",
	                   NULL, INLINE ":1:66: invalid JSON: trailing garbage", 0);
	/* not an object at all */
	CHECK_INLINE_ERROR("[1, 2]", NULL,
	                   INLINE ":1:2: not a Prometheus API answer: expected an object", 0);
}

static void
test_error_truncated(void)
{
	/* cut in the middle of a timestamp, and in the middle of a value: the place is the end */
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"1\"],[17040", NULL,
	                   INLINE ":1:121: invalid JSON: the answer ends early (truncated?)", 1);
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"0.", NULL,
	                   INLINE ":1:113: invalid JSON: the answer ends early (truncated?)", 0);
}

static void
test_error_empty(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;

	memsink_init(&m);
	parse_str("", 0, NULL, &m, &err, &run);
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err.msg, INLINE ": empty input");
	memsink_release(&m);

	/* only white space is empty too */
	memsink_init(&m);
	parse_str(" \n\t\r\n", 0, NULL, &m, &err, &run);
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err.msg, INLINE ": empty input");
	memsink_release(&m);

	/* a whole JSON document that is no answer */
	memsink_init(&m);
	parse_str("{}", 0, NULL, &m, &err, &run);
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err.msg, INLINE ": not a Prometheus API answer: no \"status\"");
	memsink_release(&m);

	memsink_init(&m);
	parse_str("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\"}}", 0, NULL, &m, &err,
	          &run);
	CU_ASSERT_EQUAL(run.rc, -1);
	CHECK_STRING(err.msg, INLINE ": not a Prometheus API answer: no \"data\".\"result\"");
	memsink_release(&m);
}

static void
test_error_body(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	parse_fixture_all_ways("error_bad_data.json", NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s: Prometheus answered with an error: bad_data: invalid parameter \"query\": "
	         "1:18: parse error: unexpected character inside braces: '}'", name);
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err.msg, want);
	CHECK_STRING(run.error_type, "bad_data");
	CU_ASSERT_EQUAL(run.series, 0);
	CU_ASSERT_EQUAL(m.nseries, 0);
	memsink_release(&m);

	/* keys in another order, "errorType" last */
	memsink_init(&m);
	parse_str("{\"error\":\"query timed out in expression evaluation\",\"status\":\"error\","
	          "\"errorType\":\"timeout\"}", 0, NULL, &m, &err, &run);
	CU_ASSERT_EQUAL(run.rc, -1);
	CHECK_STRING(err.msg, INLINE ": Prometheus answered with an error: timeout: "
	             "query timed out in expression evaluation");
	CHECK_STRING(run.error_type, "timeout");
	memsink_release(&m);
}

static void
test_error_bad_values(void)
{
	/* not a number: just after "abc" */
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"abc\"]]}]}}", NULL,
	                   INLINE ":1:115: invalid sample value \"abc\"", 0);
	/* a JSON number, not a string: on the ']' that ended it */
	CHECK_INLINE_ERROR(HEAD "[1704067200,1]]}]}}", NULL,
	                   INLINE ":1:111: sample value must be a string, as Prometheus writes it, "
	                   "got 1", 0);
	/* a second pair that is bad, after a good one */
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"1\"],[1704070800,\"0x10\"]]}]}}", NULL,
	                   INLINE ":1:133: invalid sample value \"0x10\"", 1);
	/* a pair with one element: just after its ']' */
	CHECK_INLINE_ERROR(HEAD "[1704067200]]}]}}", NULL,
	                   INLINE ":1:110: a sample is [timestamp, \"value\"]: too few elements", 0);
	/* with three: just after the third */
	CHECK_INLINE_ERROR(HEAD "[1704067200,\"1\",\"2\"]]}]}}", NULL,
	                   INLINE ":1:117: a sample is [timestamp, \"value\"]: too many elements", 1);
	/* a pair that is an object */
	CHECK_INLINE_ERROR(HEAD "{\"t\":1704067200}]}]}}", NULL,
	                   INLINE ":1:99: \"values\" must hold [timestamp, \"value\"] pairs", 0);
}

static void
test_error_bad_timestamps(void)
{
	CHECK_INLINE_ERROR(HEAD "[\"yesterday\",\"1\"]]}]}}", NULL,
	                   INLINE ":1:110: invalid timestamp \"yesterday\"", 0);
	/* after 9999-12-31 */
	CHECK_INLINE_ERROR(HEAD "[253402300800,\"1\"]]}]}}", NULL,
	                   INLINE ":1:111: invalid timestamp \"253402300800\"", 0);
	CHECK_INLINE_ERROR(HEAD "[true,\"1\"]]}]}}", NULL,
	                   INLINE ":1:103: invalid timestamp \"true\"", 0);
	CHECK_INLINE_ERROR(HEAD "[null,\"1\"]]}]}}", NULL,
	                   INLINE ":1:103: invalid timestamp \"null\"", 0);
}

static void
test_error_result_type_string(void)
{
	CHECK_INLINE_ERROR("{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
	                   "\"result\":[1704067200,\"hello\"]}}", NULL,
	                   INLINE ":1:50: resultType \"string\" holds no series", 0);
}

static void
test_error_pretty_printed(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	/* line 5 is `    "result": [{... [1704067260, "x1"]]}]`: "x1" ends at column 92 */
	parse_fixture_all_ways("pretty_bad_value.json", NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:5:93: invalid sample value \"x1\"", name);
	CHECK_DATAERR(run.rc, err, want);
	CU_ASSERT_EQUAL(m.nsamples, 1);
	memsink_release(&m);

	/*
	 * line 5 misses the comma between the "metric" object (its '}' is column
	 * 43) and "values": the place is where the comma belongs
	 */
	parse_fixture_all_ways("pretty_bad_syntax.json", NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want),
	         "%s:5:44: invalid JSON: after key and value, inside map, I expect ',' or '}'", name);
	CHECK_DATAERR(run.rc, err, want);
	CU_ASSERT_EQUAL(m.nsamples, 0);
	memsink_release(&m);

	/* the same with the next key on the next line: still just after "success" */
	CHECK_INLINE_ERROR("{\n  \"status\": \"success\"\n  \"data\": {}\n}\n", NULL,
	                   INLINE ":2:22: invalid JSON: " MAP_EXPECT, 0);
}

static void
test_error_label_values(void)
{
	/* a NUL in a label value: refused by the label set, with the parser's place */
	CHECK_INLINE_ERROR("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	                   "{\"metric\":{\"__name__\":\"m\",\"a\":\"x\\u0000y\"},"
	                   "\"value\":[1704067200,\"1\"]}]}}",
	                   NULL, INLINE ":1:101: value of label \"a\" contains a NUL byte", 0);
	/* a label value that is not a string */
	CHECK_INLINE_ERROR("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
	                   "{\"metric\":{\"__name__\":\"m\",\"a\":1},\"value\":[1704067200,\"1\"]}]}}",
	                   NULL, INLINE ":1:92: label values must be strings", 0);
}

/* ---- streaming and size ---- */

/*
 * A sink that only checks and counts: series i is big{series="i"} and its
 * sample j is at T0 + 7.5 s * j with value i * 10000 + j.  memsink keeps
 * everything and grows one sample at a time, too slow for a million samples
 * under valgrind.
 */
struct countsink {
	struct capplan_sink sink;
	size_t series, samples, bad;
	int64_t next_j;
};

static int
count_open(struct capplan_sink *sink, int scope, const char *metric, struct capplan_labels *labels,
           int64_t pos, struct capplan_error *err)
{
	struct countsink *c = (struct countsink *)sink;
	const char *v = capplan_labels_get(labels, "series");
	char want[32];

	(void)scope;
	(void)pos;
	(void)err;
	snprintf(want, sizeof(want), "%zu", c->series);
	if (strcmp(metric, "big") != 0 || !v || strcmp(v, want) != 0 || labels->count != 1 ||
	    c->next_j != 5000 * (c->series > 0))
		c->bad++;
	c->next_j = 0;
	return (int)c->series++;
}

static int
count_sample(struct capplan_sink *sink, int handle, int64_t ts_ms, double value, int64_t pos,
             struct capplan_error *err)
{
	struct countsink *c = (struct countsink *)sink;
	int64_t j = c->next_j++;

	(void)pos;
	(void)err;
	if ((size_t)handle + 1 != c->series || ts_ms != T0 + j * 7500 ||
	    value != (double)handle * 10000.0 + (double)j)
		c->bad++;
	c->samples++;
	return 0;
}

static void
count_skip(struct capplan_sink *sink, uint64_t n)
{
	(void)sink;
	(void)n;
}

static void
append_values(struct capplan_strbuf *sb, int series, int points)
{
	capplan_strbuf_append_str(sb, "\"values\":[");
	for (int j = 0; j < points; j++) {
		int64_t ms = T0 + (int64_t)j * 7500;

		/* whole seconds without a fraction, the others with 3 decimals, as Prometheus */
		if (ms % 1000)
			capplan_strbuf_appendf(sb, "%s[%lld.%03d,\"%d\"]", j ? "," : "",
			                       (long long)(ms / 1000), (int)(ms % 1000), series * 10000 + j);
		else
			capplan_strbuf_appendf(sb, "%s[%lld,\"%d\"]", j ? "," : "",
			                       (long long)(ms / 1000), series * 10000 + j);
	}
	capplan_strbuf_append_str(sb, "]");
}

static void
test_large_answer(void)
{
	const int nseries = 200, npoints = 5000;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct countsink c;
	struct capplan_error err;
	struct capplan_prom_json *p;
	int rc = 0;

	capplan_strbuf_append_str(&sb, "{\"status\":\"success\",\"data\":"
	                               "{\"resultType\":\"matrix\",\"result\":[");
	for (int i = 0; i < nseries; i++) {
		capplan_strbuf_append_str(&sb, i ? ",{" : "{");
		/* every tenth result has its values first: 5000 held samples each time */
		if (i % 10 == 3) {
			append_values(&sb, i, npoints);
			capplan_strbuf_appendf(&sb, ",\"metric\":{\"__name__\":\"big\",\"series\":\"%d\"}}", i);
		} else {
			capplan_strbuf_appendf(&sb, "\"metric\":{\"__name__\":\"big\",\"series\":\"%d\"},", i);
			append_values(&sb, i, npoints);
			capplan_strbuf_append_str(&sb, "}");
		}
	}
	if (capplan_strbuf_append_str(&sb, "]}}") < 0) {
		CU_FAIL("out of memory");
		capplan_strbuf_release(&sb);
		return;
	}

	memset(&c, 0, sizeof(c));
	c.sink.open_series = count_open;
	c.sink.add_sample = count_sample;
	c.sink.skip = count_skip;
	capplan_error_clear(&err);
	p = capplan_prom_json_new("big.json", NULL, &c.sink, 1, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* 64 KiB chunks, as capplan_prom_json_read feeds them */
	for (size_t off = 0; off < sb.len && rc == 0; off += 65536)
		rc = capplan_prom_json_feed(p, sb.data + off, sb.len - off < 65536 ? sb.len - off : 65536,
		                            &err);
	if (rc == 0)
		rc = capplan_prom_json_finish(p, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(capplan_prom_json_series_count(p), (size_t)nseries);
	CU_ASSERT_EQUAL(capplan_prom_json_sample_count(p), (size_t)nseries * npoints);
	CU_ASSERT_EQUAL(c.series, (size_t)nseries);
	CU_ASSERT_EQUAL(c.samples, (size_t)nseries * npoints);
	CU_ASSERT_EQUAL(c.next_j, npoints);
	CU_ASSERT_EQUAL(c.bad, 0);
	capplan_prom_json_free(p);
	capplan_strbuf_release(&sb);
}

/* ---- the sink ---- */

static void
test_sink_error_stops_parsing(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512];

	for (size_t k = 0; k < NCHUNKS; k++) {
		memsink_init(&m);
		m.fail_after = 3;
		parse_fixture("matrix.json", chunk_sizes[k], NULL, &m, &err, &run, name, sizeof(name));
		/* passed up as the sink set it: no place added, its status kept */
		CU_ASSERT_EQUAL(run.rc, -1);
		CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
		CHECK_STRING(err.msg, "memsink: failing as asked");
		CU_ASSERT_EQUAL(m.nsamples, 2);
		CU_ASSERT_EQUAL(m.calls, 3);
		memsink_release(&m);

		/* the same while handing over held samples (values before metric) */
		memsink_init(&m);
		m.fail_after = 2;
		parse_fixture("odd_order.json", chunk_sizes[k], NULL, &m, &err, &run, name, sizeof(name));
		CU_ASSERT_EQUAL(run.rc, -1);
		CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
		CHECK_STRING(err.msg, "memsink: failing as asked");
		CU_ASSERT_EQUAL(m.nsamples, 1);
		CU_ASSERT_EQUAL(m.calls, 2);
		memsink_release(&m);
	}
}

static int
refuse_series(struct capplan_sink *sink, int scope, const char *metric,
              struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	(void)scope;
	(void)metric;
	(void)labels;
	(void)pos;
	if (((struct memsink *)sink)->fail_after == 1)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "series refused");
	return capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE, "db: connection lost");
}

static void
test_sink_open_error(void)
{
	struct capplan_error err;
	struct memsink m;
	struct run run;
	char name[512], want[1024];

	/* another status: passed up unchanged */
	memsink_init(&m);
	m.sink.open_series = refuse_series;
	parse_fixture("vector.json", 0, NULL, &m, &err, &run, name, sizeof(name));
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_UNAVAILABLE);
	CHECK_STRING(err.msg, "db: connection lost");
	memsink_release(&m);

	/* a data error without a place gets the parser's */
	memsink_init(&m);
	m.sink.open_series = refuse_series;
	m.fail_after = 1;
	parse_fixture("vector.json", 0, NULL, &m, &err, &run, name, sizeof(name));
	snprintf(want, sizeof(want), "%s:1:135: series refused", name);
	CU_ASSERT_EQUAL(run.rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CHECK_STRING(err.msg, want);
	memsink_release(&m);
}

int
register_prom_json_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "query_range matrix, special values, fractional timestamps", test_matrix },
		{ "capplan_prom_json_read from a file", test_read_file },
		{ "instant vector; --metric does not rename", test_vector },
		{ "scalar needs --metric", test_scalar },
		{ "aggregation without __name__", test_no_name },
		{ "warnings reach on_warning", test_warnings },
		{ "keys in any order (held samples)", test_odd_key_order },
		{ "unknown keys skipped whole", test_unknown_keys_skipped },
		{ "native histograms counted as skipped", test_native_histograms_skipped },
		{ "label values round-trip exactly", test_label_values_round_trip },
		{ "option labels added, conflicts refused", test_option_labels },
		{ "malformed JSON: place", test_error_malformed_json },
		{ "truncated answer", test_error_truncated },
		{ "empty input, no status, no result", test_error_empty },
		{ "status error body", test_error_body },
		{ "bad values and pairs: place", test_error_bad_values },
		{ "bad timestamps: place", test_error_bad_timestamps },
		{ "resultType string refused", test_error_result_type_string },
		{ "pretty-printed answer: line and column", test_error_pretty_printed },
		{ "label values the label set refuses", test_error_label_values },
		{ "200 series x 5000 points", test_large_answer },
		{ "sink error stops parsing", test_sink_error_stops_parsing },
		{ "sink error opening a series", test_sink_open_error },
	};
	CU_pSuite suite = CU_add_suite("prom_json", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
