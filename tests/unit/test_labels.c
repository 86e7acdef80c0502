/*
 * tests/unit/test_labels.c: label sets and their canonical forms (lib/labels.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "labels.h"
#include "suites.h"

/* An assertion whose message names the table row, so a failure says which input broke. */
static void
check(int ok, unsigned line, const char *what, const char *text)
{
	char msg[2 * 1024 + 16];   /* two messages or texts of up to 1023 bytes */

	snprintf(msg, sizeof(msg), "%s: \"%s\"", what, text);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define CHECK(ok, what, text) check((ok), __LINE__, (what), (text))

/* Add a NUL-terminated pair; 0 or -1. */
static int
add(struct capplan_labels *l, const char *name, const char *value, struct capplan_error *err)
{
	return capplan_labels_add(l, name, strlen(name), value, strlen(value), err);
}

/* The canonical JSON of l, in a static buffer ("ERROR" when it fails). */
static const char *
json_of(struct capplan_labels *l)
{
	static char buf[1024];
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_error err;

	if (capplan_labels_to_json(l, &sb, &err) < 0)
		snprintf(buf, sizeof(buf), "ERROR");
	else
		snprintf(buf, sizeof(buf), "%s", capplan_strbuf_str(&sb));
	capplan_strbuf_release(&sb);
	return buf;
}

static void
test_name_valid(void)
{
	static const char *const metrics[] = { "up", "node_cpu:rate5m", ":a", "_x", "a1", "A_Z" };
	static const char *const not_metrics[] = { "", "1a", "a-b", "a.b", "\xc3\xa9", "a b", "a{" };
	static const char *const labels[] = { "job", "_", "__name__", "a1", "Z9_" };
	static const char *const not_labels[] = { "", ":a", "a:b", "1", "http.status", "a-b" };

	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		CHECK(capplan_metric_name_valid(metrics[i], strlen(metrics[i])) == 1, "metric name",
		      metrics[i]);
	for (size_t i = 0; i < sizeof(not_metrics) / sizeof(not_metrics[0]); i++)
		CHECK(capplan_metric_name_valid(not_metrics[i], strlen(not_metrics[i])) == 0,
		      "not a metric name", not_metrics[i]);
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		CHECK(capplan_label_name_valid(labels[i], strlen(labels[i])) == 1, "label name",
		      labels[i]);
	for (size_t i = 0; i < sizeof(not_labels) / sizeof(not_labels[0]); i++)
		CHECK(capplan_label_name_valid(not_labels[i], strlen(not_labels[i])) == 0,
		      "not a label name", not_labels[i]);
	/* Only len bytes count. */
	CU_ASSERT_EQUAL(capplan_metric_name_valid("up{job=\"x\"}", 2), 1);
	CU_ASSERT_EQUAL(capplan_metric_name_valid("up{job=\"x\"}", 3), 0);
	CU_ASSERT_EQUAL(capplan_label_name_valid("job=", 3), 1);
	CU_ASSERT_EQUAL(capplan_label_name_valid("job=", 4), 0);
}

static void
test_utf8_valid(void)
{
	static const char *const valid[] = {
		"", "abc", "\x7f",
		"\xc3\xa9",             /* U+00E9 */
		"\xc2\x80",             /* U+0080, the smallest 2-byte form */
		"\xe2\x82\xac",         /* U+20AC */
		"\xe0\xa0\x80",         /* U+0800, the smallest 3-byte form */
		"\xed\x9f\xbf",         /* U+D7FF, just below the surrogates */
		"\xee\x80\x80",         /* U+E000, just above */
		"\xf0\x9f\x98\x80",     /* U+1F600 */
		"\xf4\x8f\xbf\xbf",     /* U+10FFFF */
	};
	static const char *const invalid[] = {
		"\x80",                 /* a lone continuation byte */
		"\xc3",                 /* cut short */
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc0\x80",             /* overlong NUL */
		"\xc1\xbf",             /* overlong */
		"\xe0\x9f\xbf",         /* overlong 3-byte */
		"\xf0\x8f\xbf\xbf",     /* overlong 4-byte */
		"\xed\xa0\x80",         /* U+D800, a surrogate */
		"\xed\xbf\xbf",         /* U+DFFF */
		"\xf4\x90\x80\x80",     /* above U+10FFFF */
		"\xf5\x80\x80\x80",
		"\xff",
		"\xe2\x28\xa1",         /* bad continuation */
		"a\xc3(",
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		CHECK(capplan_utf8_valid(valid[i], strlen(valid[i])) == 1, "valid UTF-8", valid[i]);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		CHECK(capplan_utf8_valid(invalid[i], strlen(invalid[i])) == 0, "invalid UTF-8",
		      invalid[i]);
	/* NUL is not allowed, and only len bytes are read. */
	CU_ASSERT_EQUAL(capplan_utf8_valid("a\0b", 3), 0);
	CU_ASSERT_EQUAL(capplan_utf8_valid("\xc3\xa9", 1), 0);
	CU_ASSERT_EQUAL(capplan_utf8_valid("ab\xff", 2), 1);
}

static void
test_add_get(void)
{
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_error err;

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(add(&l, "job", "node", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "instance", "a:9100", &err), 0);
	/* Lengths, not NUL: "modeX" and "idle!" count 4 bytes each. */
	CU_ASSERT_EQUAL(capplan_labels_add(&l, "modeX", 4, "idle!", 4, &err), 0);
	CU_ASSERT_EQUAL(add(&l, "empty", "", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "sql", "'; DROP TABLE x; --", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "http.status", "=200,\"x\"\n\\", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "\xe5\x90\x8d", "\xe5\x80\xa4", &err), 0);
	CU_ASSERT_EQUAL(l.count, 7);
	CU_ASSERT_EQUAL(err.status, 0);

	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "job"), "node");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "instance"), "a:9100");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "mode"), "idle");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "empty"), "");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "sql"), "'; DROP TABLE x; --");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "http.status"), "=200,\"x\"\n\\");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "\xe5\x90\x8d"), "\xe5\x80\xa4");
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, "modeX"));
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, "jo"));
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, "jobs"));
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, ""));

	/* Many labels: the array grows. */
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "l%03d", i);
		CU_ASSERT_EQUAL(add(&l, name, name, &err), 0);
	}
	CU_ASSERT_EQUAL(l.count, 107);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "l099"), "l099");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "job"), "node");
	capplan_labels_release(&l);
	CU_ASSERT_PTR_NULL(l.items);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_EQUAL(l.cap, 0);
}

static void
test_add_errors(void)
{
	static const struct {
		const char *name;
		size_t name_len;
		const char *value;
		size_t value_len;
		const char *msg;
	} cases[] = {
		{ "job", 3, "other", 5, "duplicate label \"job\"" },
		{ "", 0, "x", 1, "empty label name" },
		{ "a\0b", 3, "x", 1, "label name contains a NUL byte" },
		{ "a\xff", 2, "x", 1, "label name is not valid UTF-8" },
		{ "\xed\xa0\x80", 3, "x", 1, "label name is not valid UTF-8" },
		{ "a", 1, "x\0y", 3, "value of label \"a\" contains a NUL byte" },
		{ "a", 1, "x\xc3", 2, "value of label \"a\" is not valid UTF-8" },
		{ "a\"b", 3, "\xc0\x80", 2, "value of label \"a\\\"b\" is not valid UTF-8" },
	};
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_error err;

	CU_ASSERT_EQUAL(add(&l, "job", "node", &err), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		capplan_error_clear(&err);
		CHECK(capplan_labels_add(&l, cases[i].name, cases[i].name_len, cases[i].value,
		                         cases[i].value_len, &err) == -1, "add fails", cases[i].msg);
		CHECK(err.status == CAPPLAN_EX_DATAERR, "status", cases[i].msg);
		CHECK(strcmp(err.msg, cases[i].msg) == 0, err.msg, cases[i].msg);
	}
	CU_ASSERT_EQUAL(l.count, 1);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "job"), "node");
	capplan_labels_release(&l);
}

static void
test_set_remove_clear(void)
{
	struct capplan_labels l;
	struct capplan_error err;
	size_t cap;

	capplan_labels_init(&l);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "b", "1", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "a", "2", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "c", "3", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "d", "4", &err), 0);
	/* Replacing keeps the place. */
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "b", "replaced", &err), 0);
	CU_ASSERT_EQUAL(l.count, 4);
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "b");
	CU_ASSERT_STRING_EQUAL(l.items[0].value, "replaced");

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "", "x", &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "empty label name");
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "\xff", "x", &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "label name is not valid UTF-8");
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "b", "\xff", &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "value of label \"b\" is not valid UTF-8");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "b"), "replaced");
	CU_ASSERT_EQUAL(l.count, 4);

	capplan_labels_sort(&l);
	capplan_labels_remove(&l, "b");
	CU_ASSERT_EQUAL(l.count, 3);
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, "b"));
	/* Removing shifts: a sorted set stays sorted. */
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "a");
	CU_ASSERT_STRING_EQUAL(l.items[1].name, "c");
	CU_ASSERT_STRING_EQUAL(l.items[2].name, "d");
	CU_ASSERT_STRING_EQUAL(l.items[2].value, "4");
	capplan_labels_remove(&l, "missing");
	CU_ASSERT_EQUAL(l.count, 3);
	capplan_labels_remove(&l, "d");
	CU_ASSERT_EQUAL(l.count, 2);
	capplan_labels_remove(&l, "c");
	capplan_labels_remove(&l, "a");
	CU_ASSERT_EQUAL(l.count, 0);
	capplan_labels_remove(&l, "a");
	CU_ASSERT_EQUAL(l.count, 0);

	CU_ASSERT_EQUAL(capplan_labels_set(&l, "x", "1", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "y", "2", &err), 0);
	cap = l.cap;
	capplan_labels_clear(&l);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_EQUAL(l.cap, cap);
	CU_ASSERT_PTR_NOT_NULL(l.items);
	CU_ASSERT_PTR_NULL(capplan_labels_get(&l, "x"));
	/* Once cleared, a name can be added again. */
	CU_ASSERT_EQUAL(add(&l, "x", "3", &err), 0);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "x"), "3");
	capplan_labels_release(&l);
	/* Releasing twice is harmless. */
	capplan_labels_release(&l);
	CU_ASSERT_EQUAL(l.count, 0);
}

static void
test_sort_copy(void)
{
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_labels dst = CAPPLAN_LABELS_INIT;
	struct capplan_error err;

	CU_ASSERT_EQUAL(add(&l, "b", "1", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "\xc3\xa9", "2", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "a", "3", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "_", "4", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "B", "5", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "aa", "6", &err), 0);
	capplan_labels_sort(&l);
	/* Byte order: 'B' 0x42 < '_' 0x5f < 'a' < "aa" < 'b' < 0xc3. */
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "B");
	CU_ASSERT_STRING_EQUAL(l.items[1].name, "_");
	CU_ASSERT_STRING_EQUAL(l.items[2].name, "a");
	CU_ASSERT_STRING_EQUAL(l.items[3].name, "aa");
	CU_ASSERT_STRING_EQUAL(l.items[4].name, "b");
	CU_ASSERT_STRING_EQUAL(l.items[5].name, "\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(l.items[5].value, "2");

	/* Copy replaces what dst held. */
	CU_ASSERT_EQUAL(add(&dst, "old", "gone", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_copy(&dst, &l, &err), 0);
	CU_ASSERT_EQUAL(dst.count, 6);
	CU_ASSERT_PTR_NULL(capplan_labels_get(&dst, "old"));
	CU_ASSERT_STRING_EQUAL(json_of(&dst), "{\"B\":\"5\",\"_\":\"4\",\"a\":\"3\",\"aa\":\"6\","
	                       "\"b\":\"1\",\"\xc3\xa9\":\"2\"}");
	/* A deep copy: changing the source leaves it alone. */
	CU_ASSERT_EQUAL(capplan_labels_set(&l, "a", "changed", &err), 0);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&dst, "a"), "3");
	CU_ASSERT_PTR_NOT_EQUAL(dst.items[0].name, l.items[0].name);
	/* Copying onto itself changes nothing. */
	CU_ASSERT_EQUAL(capplan_labels_copy(&l, &l, &err), 0);
	CU_ASSERT_EQUAL(l.count, 6);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&l, "a"), "changed");
	/* An empty source empties dst. */
	capplan_labels_release(&l);
	CU_ASSERT_EQUAL(capplan_labels_copy(&dst, &l, &err), 0);
	CU_ASSERT_EQUAL(dst.count, 0);
	capplan_labels_release(&dst);
}

static void
test_to_json(void)
{
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_error err;

	/* The empty set. */
	CU_ASSERT_EQUAL(capplan_labels_to_json(&l, &sb, &err), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{}");

	/* Awkward values come through as data, keys sorted. */
	CU_ASSERT_EQUAL(add(&l, "b", "'; DROP TABLE x; --", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "a", "x\"y\\z\n", &err), 0);
	CU_ASSERT_STRING_EQUAL(json_of(&l), "{\"a\":\"x\\\"y\\\\z\\n\",\"b\":\"'; DROP TABLE x; --\"}");
	capplan_labels_clear(&l);

	CU_ASSERT_EQUAL(add(&l, "instance", "a", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "job", "node", &err), 0);
	CU_ASSERT_STRING_EQUAL(json_of(&l), "{\"instance\":\"a\",\"job\":\"node\"}");
	capplan_labels_clear(&l);

	/* Control characters: short forms where JSON has them, else \u00XX; DEL and UTF-8 raw. */
	CU_ASSERT_EQUAL(add(&l, "c", "\x01\x1f\t\r\b\f\x7f/\xc3\xa9\xf0\x9f\x98\x80", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "name \"quoted\"\n", "=", &err), 0);
	CU_ASSERT_STRING_EQUAL(json_of(&l), "{\"c\":\"\\u0001\\u001f\\t\\r\\b\\f\x7f/\xc3\xa9"
	                       "\xf0\x9f\x98\x80\",\"name \\\"quoted\\\"\\n\":\"=\"}");

	/* It appends, and sorts the set it was given. */
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "X"), 0);
	CU_ASSERT_EQUAL(add(&l, "a", "1", &err), 0);
	CU_ASSERT_EQUAL(capplan_labels_to_json(&l, &sb, &err), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "X{\"a\":\"1\",\"c\":\"\\u0001\\u001f"
	                       "\\t\\r\\b\\f\x7f/\xc3\xa9\xf0\x9f\x98\x80\",\"name \\\"quoted\\\"\\n\":\"=\"}");
	CU_ASSERT_STRING_EQUAL(l.items[0].name, "a");

	/*
	 * A set filled by hand is checked before anything is written: a value
	 * that is not UTF-8, and a name given twice, leave the buffer as it was.
	 */
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "X"), 0);
	free(l.items[2].value);
	l.items[2].value = malloc(3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l.items[2].value);
	memcpy(l.items[2].value, "\xc3(", 3);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_labels_to_json(&l, &sb, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_STRING_EQUAL(err.msg, "value of label \"name \\\"quoted\\\"\\n\" is not valid UTF-8");
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "X");
	CU_ASSERT_EQUAL(sb.len, 1);

	memcpy(l.items[2].value, "ok", 3);
	free(l.items[1].name);
	l.items[1].name = malloc(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l.items[1].name);
	memcpy(l.items[1].name, "a", 2);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_labels_to_json(&l, &sb, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.msg, "duplicate label \"a\"");
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "X");

	capplan_labels_release(&l);
	capplan_strbuf_release(&sb);
}

static void
test_format_series(void)
{
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_error err;

	CU_ASSERT_EQUAL(capplan_labels_format_series("up", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "up");
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series(NULL, &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{}");
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series("", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{}");

	CU_ASSERT_EQUAL(add(&l, "mountpoint", "/", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "instance", "a", &err), 0);
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series("node_filesystem_avail_bytes", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb),
	                       "node_filesystem_avail_bytes{instance=\"a\",mountpoint=\"/\"}");
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series(NULL, &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{instance=\"a\",mountpoint=\"/\"}");
	capplan_labels_clear(&l);

	/* Values escaped as the exposition format does; other bytes as they are. */
	CU_ASSERT_EQUAL(add(&l, "a", "x\"y\\z\n\t'", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "http.status", "200", &err), 0);
	CU_ASSERT_EQUAL(add(&l, "\xe5\x90\x8d\"", "\xe5\x80\xa4", &err), 0);
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, ">"), 0);
	CU_ASSERT_EQUAL(capplan_labels_format_series("job:rate5m", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb),
	                       ">job:rate5m{a=\"x\\\"y\\\\z\\n\t'\",\"http.status\"=\"200\","
	                       "\"\xe5\x90\x8d\\\"\"=\"\xe5\x80\xa4\"}");

	/* A metric name that is not classic goes inside, as __name__. */
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series("my.metric", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb),
	                       "{__name__=\"my.metric\",a=\"x\\\"y\\\\z\\n\t'\","
	                       "\"http.status\"=\"200\",\"\xe5\x90\x8d\\\"\"=\"\xe5\x80\xa4\"}");
	capplan_labels_clear(&l);
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(capplan_labels_format_series("1st", &l, &sb), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "{__name__=\"1st\"}");

	capplan_labels_release(&l);
	capplan_strbuf_release(&sb);
}

/* What parse_series must overwrite, even when it fails. */
static char unset[] = "unset";

struct parse_case {
	const char *text;
	const char *metric;   /* NULL: none */
	const char *json;
};

static void
test_parse_series(void)
{
	static const struct parse_case cases[] = {
		{ "node_filesystem_avail_bytes{instance=\"a\",mountpoint=\"/\"}",
		  "node_filesystem_avail_bytes", "{\"instance\":\"a\",\"mountpoint\":\"/\"}" },
		{ "{__name__=\"up\",job=\"x\"}", "up", "{\"job\":\"x\"}" },
		{ "{job=\"x\",__name__=\"up\"}", "up", "{\"job\":\"x\"}" },
		{ "{instance=\"a\"}", NULL, "{\"instance\":\"a\"}" },
		{ "up", "up", "{}" },
		{ "up{}", "up", "{}" },
		{ "{}", NULL, "{}" },
		{ "node:cpu:rate5m{a=\"1\"}", "node:cpu:rate5m", "{\"a\":\"1\"}" },
		{ "  up  {  job = \"x\" ,  instance=\"a\" , }  ", "up",
		  "{\"instance\":\"a\",\"job\":\"x\"}" },
		{ "up{job=\"x\",}", "up", "{\"job\":\"x\"}" },
		{ "\tup\r\n{\njob=\"x\"\n}\n", "up", "{\"job\":\"x\"}" },
		{ "up{a=\"\"}", "up", "{\"a\":\"\"}" },
		{ "up{a=\"x,y}z{\"}", "up", "{\"a\":\"x,y}z{\"}" },
		{ "up{a=\"=b\"}", "up", "{\"a\":\"=b\"}" },
		{ "up{a=\"x\\\"y\\\\z\\n\\t\\r\\'\"}", "up", "{\"a\":\"x\\\"y\\\\z\\n\\t\\r'\"}" },
		{ "up{a='single \"quoted\" \\' '}", "up", "{\"a\":\"single \\\"quoted\\\" ' \"}" },
		{ "up{a=`raw \\n stays \"`}", "up", "{\"a\":\"raw \\\\n stays \\\"\"}" },
		{ "up{a=`x\\`}", "up", "{\"a\":\"x\\\\\"}" },
		{ "up{a=\"raw\nnewline\"}", "up", "{\"a\":\"raw\\nnewline\"}" },
		{ "{\"http.status\"=\"200\"}", NULL, "{\"http.status\":\"200\"}" },
		{ "{'http.status'=\"200\", `x y`=\"1\"}", NULL,
		  "{\"http.status\":\"200\",\"x y\":\"1\"}" },
		{ "{\"\xe5\x90\x8d\xe5\x89\x8d\"=\"\xe5\x80\xa4\"}", NULL,
		  "{\"\xe5\x90\x8d\xe5\x89\x8d\":\"\xe5\x80\xa4\"}" },
		{ "{\"job\"=\"x\"}", NULL, "{\"job\":\"x\"}" },
		{ "{\"__name__\"=\"up\"}", "up", "{}" },
		{ "{__name__=\"my.metric\",a=\"1\"}", "my.metric", "{\"a\":\"1\"}" },
		{ "{\"a\\\"b\"=\"1\"}", NULL, "{\"a\\\"b\":\"1\"}" },
		{ "up{b=\"2\",a=\"1\",c=\"3\"}", "up", "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}" },
	};
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *metric = unset;
		int rc;

		capplan_error_clear(&err);
		rc = capplan_labels_parse_series(cases[i].text, &metric, &l, &err);
		CHECK(rc == 0, "parse succeeds", cases[i].text);
		if (rc != 0) {
			CHECK(0, err.msg, cases[i].text);
			continue;
		}
		if (cases[i].metric)
			CHECK(metric && strcmp(metric, cases[i].metric) == 0, "metric", cases[i].text);
		else
			CHECK(metric == NULL, "no metric", cases[i].text);
		/* The set comes back sorted, the canonical order (before json_of sorts it). */
		for (size_t k = 1; k < l.count; k++)
			CHECK(strcmp(l.items[k - 1].name, l.items[k].name) < 0, "sorted", cases[i].text);
		CHECK(strcmp(json_of(&l), cases[i].json) == 0, json_of(&l), cases[i].text);
		CHECK(capplan_labels_get(&l, "__name__") == NULL, "__name__ not kept", cases[i].text);
		free(metric);
	}
	capplan_labels_release(&l);
}

static void
test_parse_series_errors(void)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "", "at character 1: expected a metric name or '{'" },
		{ "   ", "at character 4: expected a metric name or '{'" },
		{ "1up", "at character 1: expected a metric name or '{'" },
		{ "\"up\"{a=\"x\"}", "at character 1: expected a metric name or '{'" },
		{ "}", "at character 1: expected a metric name or '{'" },
		{ "node-cpu{a=\"x\"}", "at character 5: expected '{' or the end after the metric name" },
		{ "up x", "at character 4: expected '{' or the end after the metric name" },
		{ "up.x", "at character 3: expected '{' or the end after the metric name" },
		{ "up{a}", "at character 5: expected '=' after label name" },
		{ "up{a \"x\"}", "at character 6: expected '=' after label name" },
		{ "up{a!=\"x\"}", "at character 5: expected '=' after label name" },
		{ "up{a.b=\"x\"}", "at character 5: expected '=' after label name" },
		{ "up{a=x}", "at character 6: expected a quoted label value" },
		{ "up{a=~\"x\"}", "at character 6: expected a quoted label value" },
		{ "up{a=}", "at character 6: expected a quoted label value" },
		{ "up{a=\"x}", "at character 6: unterminated quoted string" },
		{ "up{a=\"x\\\"}", "at character 6: unterminated quoted string" },
		{ "up{a=\"x\\", "at character 6: unterminated quoted string" },
		{ "up{a='x\"}", "at character 6: unterminated quoted string" },
		{ "up{\"a=\"x\"}", "at character 8: expected '=' after label name" },
		{ "up{\"a", "at character 4: unterminated quoted string" },
		{ "up{a=\"x\\q\"}", "at character 8: invalid escape sequence '\\q'" },
		{ "up{a=\"x\\u0041\"}", "at character 8: invalid escape sequence '\\u'" },
		{ "up{a=\"x\\\x01\"}", "at character 8: invalid escape sequence" },
		{ "up{a=`x` x}", "at character 10: expected ',' or '}' after label value" },
		{ "up{a=\"x\"", "at character 9: expected ',' or '}' after label value" },
		{ "up{a=\"x\" b=\"y\"}", "at character 10: expected ',' or '}' after label value" },
		{ "up{a=\"x\"}x", "at character 10: unexpected text after '}'" },
		{ "up{a=\"x\"} {b=\"y\"}", "at character 11: unexpected text after '}'" },
		{ "up{a=\"x\"}}", "at character 10: unexpected text after '}'" },
		{ "up{,}", "at character 4: expected a label name or '}'" },
		{ "up{a=\"x\",,}", "at character 10: expected a label name or '}'" },
		{ "up{", "at character 4: expected a label name or '}'" },
		{ "up{a=\"x\",", "at character 10: expected a label name or '}'" },
		{ "up{1a=\"x\"}", "at character 4: expected a label name or '}'" },
		{ "up{a=\"x\",a=\"y\"}", "at character 10: duplicate label \"a\"" },
		{ "up{a=\"x\",\"a\"=\"y\"}", "at character 10: duplicate label \"a\"" },
		{ "up{__name__=\"x\"}", "at character 4: metric name given twice" },
		{ "{__name__=\"a\",__name__=\"b\"}", "at character 15: metric name given twice" },
		{ "{__name__=\"\"}", "at character 11: empty metric name" },
		{ "{__name__=\"\xff\"}", "at character 11: metric name is not valid UTF-8" },
		{ "{\"\"=\"x\"}", "at character 2: empty label name" },
		{ "{a=\"\xc3(\"}", "at character 2: value of label \"a\" is not valid UTF-8" },
		{ "{\"\xed\xa0\x80\"=\"x\"}", "at character 2: label name is not valid UTF-8" },
		/* Positions count characters, not bytes. */
		{ "{\"\xe5\x90\x8d\xe5\x89\x8d\"=\"\xe5\x80\xa4\" x}",
		  "at character 11: expected ',' or '}' after label value" },
	};
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *metric = unset;

		/* Whatever the set held before, and what was read before the error, is gone. */
		CU_ASSERT_EQUAL(add(&l, "old", "x", &err), 0);
		capplan_error_clear(&err);
		CHECK(capplan_labels_parse_series(cases[i].text, &metric, &l, &err) == -1,
		      "parse fails", cases[i].text);
		CHECK(metric == NULL, "no metric after an error", cases[i].text);
		CHECK(l.count == 0, "no labels after an error", cases[i].text);
		CHECK(err.status == CAPPLAN_EX_DATAERR, "status", cases[i].text);
		CHECK(strcmp(err.msg, cases[i].msg) == 0, err.msg, cases[i].msg);
	}
	capplan_labels_release(&l);
}

static void
test_round_trip(void)
{
	static const struct {
		const char *name;
		const char *value;
	} pairs[] = {
		{ "a", "x\"y\\z\n" },
		{ "b", "'; DROP TABLE x; --" },
		{ "c", "=leading" },
		{ "d", "a,b}c{" },
		{ "e", "tab\tcr\r\x01\x7f" },
		{ "f", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "g", "\\" },
		{ "h", "" },
		{ "http.status", "`'\"" },
		{ "\xe5\x90\x8d\xe5\x89\x8d", "\xe5\x80\xa4" },
		{ "q\"uote\\d\nname", "v" },
	};
	static const char *const metrics[] = { "up", "my.metric", NULL };
	struct capplan_labels l = CAPPLAN_LABELS_INIT;
	struct capplan_labels back = CAPPLAN_LABELS_INIT;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_error err;
	char expected[1024];

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		CU_ASSERT_EQUAL(add(&l, pairs[i].name, pairs[i].value, &err), 0);
	snprintf(expected, sizeof(expected), "%s", json_of(&l));
	CU_ASSERT_STRING_EQUAL(expected,
	                       "{\"a\":\"x\\\"y\\\\z\\n\",\"b\":\"'; DROP TABLE x; --\","
	                       "\"c\":\"=leading\",\"d\":\"a,b}c{\","
	                       "\"e\":\"tab\\tcr\\r\\u0001\x7f\","
	                       "\"f\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"g\":\"\\\\\","
	                       "\"h\":\"\",\"http.status\":\"`'\\\"\","
	                       "\"q\\\"uote\\\\d\\nname\":\"v\","
	                       "\"\xe5\x90\x8d\xe5\x89\x8d\":\"\xe5\x80\xa4\"}");

	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const char *label = metrics[i] ? metrics[i] : "(none)";
		char *metric = NULL;

		capplan_strbuf_reset(&sb);
		CHECK(capplan_labels_format_series(metrics[i], &l, &sb) == 0, "format", label);
		capplan_error_clear(&err);
		CHECK(capplan_labels_parse_series(capplan_strbuf_str(&sb), &metric, &back, &err) == 0,
		      err.msg, capplan_strbuf_str(&sb));
		if (metrics[i])
			CHECK(metric && strcmp(metric, metrics[i]) == 0, "metric back", label);
		else
			CHECK(metric == NULL, "no metric back", label);
		CHECK(strcmp(json_of(&back), expected) == 0, "labels back", label);
		free(metric);
	}
	capplan_labels_release(&l);
	capplan_labels_release(&back);
	capplan_strbuf_release(&sb);
}

int
register_labels_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "name validity", test_name_valid },
		{ "UTF-8 validity", test_utf8_valid },
		{ "add and get", test_add_get },
		{ "add errors", test_add_errors },
		{ "set, remove, clear", test_set_remove_clear },
		{ "sort and copy", test_sort_copy },
		{ "to_json", test_to_json },
		{ "format_series", test_format_series },
		{ "parse_series", test_parse_series },
		{ "parse_series errors", test_parse_series_errors },
		{ "round trip", test_round_trip },
	};
	CU_pSuite suite = CU_add_suite("labels", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
