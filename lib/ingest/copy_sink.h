/*
 * lib/ingest/copy_sink.h: a sink that loads one input into PostgreSQL.
 *
 * One input is one transaction: it lands whole or not at all.  Samples go
 * straight into capplan.samples with binary COPY as the sources read them,
 * which is as fast as PostgreSQL takes rows in.  That needs the series' id
 * before its first sample, so when a series is first seen the COPY pauses
 * while the series is looked up (or created) and its newest stored timestamp
 * read; the month partitions a sample needs are created the same way.
 *
 * A sample newer than everything stored for its series cannot collide and is
 * copied directly.  Any other sample (a re-load, an overlap, an input that is
 * not sorted) is spooled to a temporary file and merged at commit with ON
 * CONFLICT DO NOTHING: a re-load adds nothing, overlapping loads are merged.
 * Memory grows with the number of series, never with the number of samples.
 *
 * Within one scope a series' timestamps must be unique: a duplicate is an
 * error naming its place.  Rising timestamps are checked as they arrive; for a
 * series whose timestamps go back, the database checks before commit.
 */
#ifndef CAPPLAN_INGEST_COPY_SINK_H
#define CAPPLAN_INGEST_COPY_SINK_H

#include <stdint.h>

#include "db/db.h"
#include "ingest/sink.h"
#include "util/error.h"

/* How positions of this input read in messages. */
enum capplan_pos_kind {
	CAPPLAN_POS_LINE,         /* "NAME:LINE" (CSV) */
	CAPPLAN_POS_BYTE_OFFSET,  /* "NAME: byte offset N" (JSON) */
	CAPPLAN_POS_NONE          /* "NAME" (HTTP answers: the chunk is named instead) */
};

struct capplan_copy_sink_options {
	const char *source;            /* the input's name, for messages and capplan.ingest_runs */
	enum capplan_pos_kind pos_kind;
	int drop_nan;                  /* leave NaN samples out (counted as skipped) */
};

struct capplan_ingest_summary {
	uint64_t series;               /* distinct series in the input */
	uint64_t samples_new;          /* added to capplan.samples */
	uint64_t samples_dup;          /* already stored */
	uint64_t samples_skipped;      /* left out: NaN with drop_nan, empty cells, histograms */
	int64_t first_ts, last_ts;     /* ms; both 0 when no sample */
	long long run_id;              /* the capplan.ingest_runs row */
};

struct capplan_copy_sink;

/* Begin the input's transaction.  NULL with err set on failure. */
struct capplan_copy_sink *capplan_copy_sink_new(struct capplan_db *db,
                                                const struct capplan_copy_sink_options *options,
                                                struct capplan_error *err);

/* The sink interface to hand to a source. */
struct capplan_sink *capplan_copy_sink_sink(struct capplan_copy_sink *cs);

/* Samples received so far (for progress). */
uint64_t capplan_copy_sink_received(const struct capplan_copy_sink *cs);

/*
 * Finish: end the COPY, check duplicates, merge the spool, record the run in
 * capplan.ingest_runs, COMMIT.  Fills summary.
 * Returns 0, or -1 with err set and everything rolled back.
 */
int capplan_copy_sink_commit(struct capplan_copy_sink *cs, struct capplan_ingest_summary *summary,
                             struct capplan_error *err);

/* Free; rolls back unless committed.  NULL is fine. */
void capplan_copy_sink_free(struct capplan_copy_sink *cs);

#endif
