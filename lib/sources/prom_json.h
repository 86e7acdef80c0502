/*
 * lib/sources/prom_json.h: Prometheus HTTP API answers, parsed as a stream.
 *
 * Accepts what /api/v1/query_range (resultType "matrix") and /api/v1/query
 * ("vector", "scalar", and "matrix" for a range selector) return: values are
 * JSON strings ("1e+30", "NaN", "+Inf", "-Inf"), timestamps are seconds as
 * JSON numbers.  Keys may come in any order.  Memory does not grow with the
 * answer's size: samples go to the sink as they are read (a result whose
 * values come before its "metric" object is held until the metric is known,
 * the only case that buffers).
 *
 * A body with "status":"error" becomes an error carrying Prometheus's
 * errorType and error text.  "warnings" go to options->on_warning.
 */
#ifndef CAPPLAN_SOURCES_PROM_JSON_H
#define CAPPLAN_SOURCES_PROM_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "ingest/sink.h"
#include "labels.h"
#include "util/error.h"

struct capplan_prom_json_options {
	const char *metric;                   /* name for results without __name__; may be NULL */
	const struct capplan_labels *labels;  /* added to every series; may be NULL */
	/* Called once per entry of "warnings" (may be NULL). */
	void (*on_warning)(void *ctx, const char *input, const char *text);
	void *warning_ctx;
	int force_metric;                     /* metric names every result, its __name__ dropped
	                                         (a plan's query stored under the plan's name) */
};

struct capplan_prom_json;

/*
 * A parser for one answer, reporting to sink under scope.  name is used in
 * messages ("NAME:LINE:COLUMN: WHAT (byte offset N)").  Returns NULL only when
 * memory runs out (err set).
 */
struct capplan_prom_json *capplan_prom_json_new(const char *name,
                                                const struct capplan_prom_json_options *options,
                                                struct capplan_sink *sink, int scope,
                                                struct capplan_error *err);
void capplan_prom_json_free(struct capplan_prom_json *p);

/* Feed the next bytes of the answer.  Returns 0 or -1 with err set. */
int capplan_prom_json_feed(struct capplan_prom_json *p, const void *data, size_t len,
                           struct capplan_error *err);

/*
 * The answer is complete: check that it was a whole JSON document with
 * "status":"success" and data.  Returns 0 or -1 with err set.
 */
int capplan_prom_json_finish(struct capplan_prom_json *p, struct capplan_error *err);

/* After finish (or an error body): what was read. */
size_t capplan_prom_json_series_count(const struct capplan_prom_json *p);
size_t capplan_prom_json_sample_count(const struct capplan_prom_json *p);
/* Prometheus's errorType of an error body ("bad_data", "execution", ...), or NULL. */
const char *capplan_prom_json_error_type(const struct capplan_prom_json *p);

/* Read a whole file (or stdin) through a parser.  Returns 0 or -1 with err set. */
int capplan_prom_json_read(FILE *fp, const char *name,
                           const struct capplan_prom_json_options *options,
                           struct capplan_sink *sink, int scope, struct capplan_error *err);

#endif
