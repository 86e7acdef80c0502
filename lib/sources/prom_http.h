/*
 * lib/sources/prom_http.h: history from a live Prometheus, through libcurl.
 *
 * The range is aligned to whole multiples of the step since the epoch (start
 * rounded up, end rounded down), so that loads made at different times share
 * one grid.  A range query is cut into chunks of the time axis, each one POST to
 * /api/v1/query_range, so that no answer exceeds Prometheus's limit of 11,000
 * points per series or the cap on samples per request.  The first chunk is
 * small and goes alone; once an answer says how many series the query returns,
 * chunks are sized so that series x points stays under the cap and up to
 * max_in_flight requests run at once.  Answers stream through the JSON parser into the sink,
 * one scope per answer; an answer that fails halfway (connection lost, 5xx)
 * is discarded from the sink and asked again after a backoff.  A 4xx answer is
 * an error carrying Prometheus's own text, except 422 "too many samples", on
 * which the chunk is halved.
 */
#ifndef CAPPLAN_SOURCES_PROM_HTTP_H
#define CAPPLAN_SOURCES_PROM_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "ingest/sink.h"
#include "sources/prom_json.h"
#include "util/error.h"

/* Prometheus rejects a range query when (end - start) / step > 11,000. */
#define CAPPLAN_PROM_MAX_POINTS 11000

struct capplan_prom_fetch_options {
	const char *url;                 /* base URL: http://host:9090 or http://host/prometheus */
	const char *query;               /* PromQL */
	int64_t start_ms, end_ms, step_ms;
	int max_in_flight;               /* default 2 */
	uint64_t max_samples;            /* per request; default 1,000,000 */
	int64_t timeout_ms;              /* per request; default 2 minutes */
	int retries;                     /* per chunk, on 5xx, 429 and connection errors; default 3 */
	int64_t backoff_ms;              /* first retry delay, doubled each time; default 500 */
	const char *bearer_token_file;   /* "Authorization: Bearer <first line>"; may be NULL */
	const char *cacert;              /* CA bundle for https; may be NULL */
	struct capplan_prom_json_options json;
	/* Called after each answer: chunks done, chunks planned so far, samples read. */
	void (*on_progress)(void *ctx, size_t done, size_t planned, uint64_t samples);
	void *progress_ctx;
};

/* Fill in the defaults above for fields left 0 (retries: left negative; 0 means none). */
void capplan_prom_fetch_defaults(struct capplan_prom_fetch_options *options);

/*
 * How many steps the next chunk may hold, given the most series an answer has
 * had so far (0 before the first answer): within CAPPLAN_PROM_MAX_POINTS and
 * max_samples / series, at least 1.
 */
int64_t capplan_prom_chunk_points(uint64_t max_samples, uint64_t series_seen);

/*
 * Fetch the range into sink.  Returns 0, or -1 with err set: CAPPLAN_EX_USAGE
 * for a query Prometheus rejects (400), CAPPLAN_EX_UNAVAILABLE when the server
 * cannot be reached or keeps failing, CAPPLAN_EX_DATAERR for an answer that is
 * not valid, or the sink's own error.
 */
int capplan_prom_fetch(const struct capplan_prom_fetch_options *options, struct capplan_sink *sink,
                       struct capplan_error *err);

#endif
