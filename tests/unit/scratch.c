/*
 * tests/unit/scratch.c: scratch folders for the tests that write files.
 */
#define _XOPEN_SOURCE 700
#include "scratch.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/strbuf.h"

char *
scratch_join(const char *a, const char *b)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	if (capplan_strbuf_appendf(&sb, "%s/%s", a, b) < 0)
		abort();
	return sb.data;
}

char *
scratch_dir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	if (capplan_strbuf_appendf(&sb, "%s/%s-XXXXXX", base && *base ? base : "/tmp", prefix) < 0)
		abort();
	if (!mkdtemp(sb.data)) {
		capplan_strbuf_release(&sb);
		return NULL;
	}
	return sb.data;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : 0;   /* go on: remove what can be removed */
}

void
scratch_remove(const char *dir)
{
	if (!dir)
		return;
	if (getenv("CAPPLAN_TEST_KEEP")) {
		fprintf(stderr, "\n  kept %s\n", dir);
		return;
	}
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
