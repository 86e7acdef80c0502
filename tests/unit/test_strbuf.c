/*
 * tests/unit/test_strbuf.c: the growable byte buffer (lib/util/strbuf.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "suites.h"
#include "util/strbuf.h"

static void
test_empty(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf sb2;
	char *p;

	CU_ASSERT_PTR_NULL(sb.data);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_EQUAL(sb.cap, 0);
	/* Never NULL, even before the first append. */
	CU_ASSERT_PTR_NOT_NULL(capplan_strbuf_str(&sb));
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "");
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_PTR_NULL(sb.data);

	memset(&sb2, 0xAB, sizeof(sb2));
	capplan_strbuf_init(&sb2);
	CU_ASSERT_PTR_NULL(sb2.data);
	CU_ASSERT_EQUAL(sb2.len, 0);
	CU_ASSERT_EQUAL(sb2.cap, 0);

	/* Detaching an empty buffer hands over an empty string, not NULL. */
	p = capplan_strbuf_detach(&sb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, "");
	free(p);
	CU_ASSERT_PTR_NULL(sb.data);

	/* Releasing an empty buffer is harmless, and so is doing it twice. */
	capplan_strbuf_release(&sb);
	capplan_strbuf_release(&sb);
	CU_ASSERT_PTR_NULL(sb.data);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_EQUAL(sb.cap, 0);
}

static void
test_append(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, "abcdef", 3), 0);
	CU_ASSERT_EQUAL(sb.len, 3);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "abc");
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "-xyz"), 0);
	CU_ASSERT_EQUAL(capplan_strbuf_append_char(&sb, '!'), 0);
	CU_ASSERT_EQUAL(sb.len, 8);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "abc-xyz!");
	CU_ASSERT_TRUE(sb.cap > sb.len);

	/* Appending nothing changes nothing, but still leaves a terminated string. */
	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, "", 0), 0);
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, ""), 0);
	CU_ASSERT_EQUAL(sb.len, 8);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "abc-xyz!");
	capplan_strbuf_release(&sb);

	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, "", 0), 0);
	CU_ASSERT_PTR_NOT_NULL(sb.data);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_STRING_EQUAL(sb.data, "");
	capplan_strbuf_release(&sb);
}

static void
test_binary(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	static const char bytes[] = { 'a', '\0', 'b', '\xff', '\0' };

	/* Bytes, not strings: an embedded NUL counts, and a NUL still follows the end. */
	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(sb.len, 5);
	CU_ASSERT_EQUAL(memcmp(sb.data, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(sb.data[5], '\0');
	CU_ASSERT_EQUAL(capplan_strbuf_append_char(&sb, '\0'), 0);
	CU_ASSERT_EQUAL(sb.len, 6);
	CU_ASSERT_EQUAL(capplan_strbuf_append_char(&sb, 'z'), 0);
	CU_ASSERT_EQUAL(sb.len, 7);
	CU_ASSERT_EQUAL(sb.data[6], 'z');
	CU_ASSERT_EQUAL(sb.data[7], '\0');
	capplan_strbuf_release(&sb);
}

static void
test_growth(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char expected[10001];
	size_t last_cap = 0;
	int ok = 1, grown = 0;

	/* One byte at a time past many doublings; the content stays intact. */
	for (int i = 0; i < 10000; i++) {
		expected[i] = (char)('a' + i % 26);
		if (capplan_strbuf_append_char(&sb, expected[i]) != 0)
			ok = 0;
		if (sb.cap <= sb.len || sb.data[sb.len] != '\0')
			ok = 0;
		if (sb.cap != last_cap) {
			grown++;
			last_cap = sb.cap;
		}
	}
	expected[10000] = '\0';
	CU_ASSERT_TRUE(ok);
	/* Growth is geometric: a handful of reallocations, not one per append. */
	CU_ASSERT_TRUE(grown <= 16);
	CU_ASSERT_EQUAL(sb.len, 10000);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), expected);
	capplan_strbuf_release(&sb);

	/* One large append. */
	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, expected, 10000), 0);
	CU_ASSERT_EQUAL(sb.len, 10000);
	CU_ASSERT_TRUE(sb.cap >= 10001);
	CU_ASSERT_STRING_EQUAL(sb.data, expected);
	capplan_strbuf_release(&sb);
}

static void
test_reserve(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char *data;
	size_t cap;

	CU_ASSERT_EQUAL(capplan_strbuf_reserve(&sb, 1000), 0);
	CU_ASSERT_TRUE(sb.cap >= 1001);
	CU_ASSERT_EQUAL(sb.len, 0);
	data = sb.data;
	cap = sb.cap;
	/* Reserved room is used without moving the buffer. */
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(capplan_strbuf_append_char(&sb, 'x'), 0);
	CU_ASSERT_PTR_EQUAL(sb.data, data);
	CU_ASSERT_EQUAL(sb.cap, cap);
	CU_ASSERT_EQUAL(sb.len, 1000);

	/* An impossible size fails and leaves the buffer as it was. */
	CU_ASSERT_EQUAL(capplan_strbuf_reserve(&sb, SIZE_MAX), -1);
	CU_ASSERT_EQUAL(capplan_strbuf_reserve(&sb, SIZE_MAX / 2), -1);
	CU_ASSERT_EQUAL(capplan_strbuf_append(&sb, "y", SIZE_MAX - 1), -1);
	CU_ASSERT_PTR_EQUAL(sb.data, data);
	CU_ASSERT_EQUAL(sb.cap, cap);
	CU_ASSERT_EQUAL(sb.len, 1000);
	CU_ASSERT_EQUAL(sb.data[1000], '\0');
	capplan_strbuf_release(&sb);
}

static void
test_appendf(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char big[301];

	CU_ASSERT_EQUAL(capplan_strbuf_appendf(&sb, "%d-%s-%05.1f", 42, "x", 3.14159), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "42-x-003.1");
	CU_ASSERT_EQUAL(sb.len, 10);
	CU_ASSERT_EQUAL(capplan_strbuf_appendf(&sb, "%s", ""), 0);
	CU_ASSERT_EQUAL(sb.len, 10);
	CU_ASSERT_EQUAL(capplan_strbuf_appendf(&sb, "[%c]", 'z'), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "42-x-003.1[z]");
	CU_ASSERT_EQUAL(sb.len, 13);

	/* Longer than the first allocation: the buffer grows to fit, exactly once. */
	memset(big, 'q', 300);
	big[300] = '\0';
	CU_ASSERT_EQUAL(capplan_strbuf_appendf(&sb, "<%s>", big), 0);
	CU_ASSERT_EQUAL(sb.len, 13 + 302);
	CU_ASSERT_EQUAL(memcmp(sb.data, "42-x-003.1[z]<q", 15), 0);
	CU_ASSERT_EQUAL(sb.data[13 + 301], '>');
	CU_ASSERT_EQUAL(sb.data[13 + 302], '\0');
	CU_ASSERT_EQUAL(strlen(sb.data), sb.len);
	capplan_strbuf_release(&sb);

	/* Formatting into a fresh buffer allocates it. */
	CU_ASSERT_EQUAL(capplan_strbuf_appendf(&sb, "%s", ""), 0);
	CU_ASSERT_PTR_NOT_NULL(sb.data);
	CU_ASSERT_STRING_EQUAL(sb.data, "");
	capplan_strbuf_release(&sb);
}

static void
test_reset_detach(void)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char *data, *p;
	size_t cap;

	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "hello"), 0);
	data = sb.data;
	cap = sb.cap;
	/* Reset empties but keeps the memory. */
	capplan_strbuf_reset(&sb);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_PTR_EQUAL(sb.data, data);
	CU_ASSERT_EQUAL(sb.cap, cap);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "");
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "again"), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "again");
	CU_ASSERT_PTR_EQUAL(sb.data, data);

	/* Detach hands the memory over and leaves the buffer empty and usable. */
	p = capplan_strbuf_detach(&sb);
	CU_ASSERT_PTR_EQUAL(p, data);
	CU_ASSERT_STRING_EQUAL(p, "again");
	CU_ASSERT_PTR_NULL(sb.data);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_EQUAL(sb.cap, 0);
	CU_ASSERT_EQUAL(capplan_strbuf_append_str(&sb, "new"), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&sb), "new");
	CU_ASSERT_STRING_EQUAL(p, "again");
	free(p);
	capplan_strbuf_release(&sb);
}

int
register_strbuf_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "empty", test_empty },
		{ "append", test_append },
		{ "binary", test_binary },
		{ "growth", test_growth },
		{ "reserve", test_reserve },
		{ "appendf", test_appendf },
		{ "reset and detach", test_reset_detach },
	};
	CU_pSuite suite = CU_add_suite("strbuf", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
