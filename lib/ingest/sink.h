/*
 * lib/ingest/sink.h: where the parsers put what they read.
 *
 * Every source (Prometheus JSON, the HTTP fetcher, CSV) reports series and
 * samples to a struct capplan_sink and knows nothing of the database.  The
 * database sink (lib/ingest/copy_sink.h) streams them into PostgreSQL with
 * COPY; tests use an in-memory sink.
 *
 * A "scope" is one unit of input read as a whole: a file, or one HTTP
 * response.  Within a scope, the same series may be opened again (it gets the
 * same handle) and each (series, timestamp) must occur once.  Scopes of one
 * ingest cover disjoint time ranges of a series (the HTTP fetcher makes sure)
 * or are merged by the database.
 */
#ifndef CAPPLAN_INGEST_SINK_H
#define CAPPLAN_INGEST_SINK_H

#include <stdint.h>

#include "labels.h"
#include "util/error.h"

struct capplan_sink {
	/*
	 * A series begins in scope.  metric is non-empty; labels are the label
	 * set without __name__ (the sink copies what it keeps).  pos is the
	 * place in the input (CSV line, or JSON byte offset) for messages.
	 * Returns a handle >= 0, or -1 with err set.
	 */
	int (*open_series)(struct capplan_sink *sink, int scope, const char *metric,
	                   struct capplan_labels *labels, int64_t pos, struct capplan_error *err);

	/* A sample of a series opened in the same scope.  Returns 0 or -1 with err set. */
	int (*add_sample)(struct capplan_sink *sink, int handle, int64_t ts_ms, double value,
	                  int64_t pos, struct capplan_error *err);

	/* Samples the source itself left out (empty CSV cells, native histograms). */
	void (*skip)(struct capplan_sink *sink, uint64_t count);

	/*
	 * Forget everything of scope (an HTTP response that failed halfway and
	 * will be fetched again).  May be NULL for sinks that never retry.
	 */
	void (*discard_scope)(struct capplan_sink *sink, int scope);
};

#endif
