/*
 * tests/unit/memsink.h: a sink that keeps everything in memory, for parser tests.
 */
#ifndef CAPPLAN_TESTS_UNIT_MEMSINK_H
#define CAPPLAN_TESTS_UNIT_MEMSINK_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/sink.h"

struct memsink_series {
	int scope;
	char *metric;
	char *labels_json;   /* canonical JSON of the label set */
	int64_t pos;
};

struct memsink_sample {
	int handle;
	int64_t ts_ms;
	double value;
	int64_t pos;
};

struct memsink {
	struct capplan_sink sink;        /* first, so a sink pointer is a memsink pointer */
	struct memsink_series *series;
	size_t nseries;
	struct memsink_sample *samples;
	size_t nsamples;
	uint64_t skipped;
	int discarded_scopes;
	int fail_after;                  /* >0: add_sample fails on that call (tests error paths) */
	int calls;
};

void memsink_init(struct memsink *m);
void memsink_release(struct memsink *m);
/* The handle of the series with this metric and canonical label JSON, or -1. */
int memsink_find(const struct memsink *m, const char *metric, const char *labels_json);
/* How many samples belong to handle. */
size_t memsink_count(const struct memsink *m, int handle);

#endif
