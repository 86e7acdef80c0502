/*
 * lib/ingest/copy_sink.c: a sink that loads one input into PostgreSQL.
 *
 * Rows travel in COPY's binary format: no number or timestamp is turned into
 * text and parsed back, which is most of what text COPY costs.
 */
#include "ingest/copy_sink.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/copy_binary.h"
#include "labels.h"
#include "util/hashmap.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* Hand COPY data to libpq in pieces of about this size. */
#define COPY_FLUSH_BYTES (256 * 1024)

/* Samples held while their series wait to be looked up (32 bytes each). */
#define PENDING_MAX (256 * 1024)
/* Series looked up in one batch at most. */
#define SERIES_BATCH 1000


/* One series of the input: (metric, labels). */
struct series {
	char *metric;
	char *labels_json;       /* canonical label set */
	char *display;           /* metric{labels}, for messages */
	int resolved;            /* id and newest are known */
	int queued;              /* waiting in the next batch of look-ups */
	int32_t id;
	int64_t newest;          /* newest timestamp stored before this input, or INT64_MIN */
	int dirty;               /* a discarded scope copied rows of it: merge the rest */
	int has_samples;
};

/* A sample waiting for its series' id or its month's partition. */
struct pending {
	int32_t entry;
	int64_t ts;
	double value;
	int64_t pos;
};

/* One series within one scope. */
struct entry {
	size_t series;
	int scope;
	int discarded;
	int unsorted;            /* timestamps went back: the database checks duplicates */
	uint64_t count;
	uint64_t direct;         /* rows copied straight into capplan.samples */
	uint64_t spooled;        /* rows written to the spool */
	int64_t last_ts, last_pos;
	int64_t min_ts, max_ts;
	int64_t last_month;      /* spares a partition check for every sample */
};

struct capplan_copy_sink {
	struct capplan_sink sink;          /* first: the interface handed to sources */
	struct capplan_db *db;
	struct capplan_copy_sink_options options;
	char *source;
	int64_t started_ms;
	int in_tx;
	int in_copy;
	int series_table;                  /* capplan_ingest_series exists in this transaction */

	struct series *series;
	size_t nseries, series_cap;
	struct capplan_hashmap series_index;    /* metric NUL labels_json -> series */
	struct entry *entries;
	size_t nentries, entries_cap;
	struct capplan_hashmap entry_index;     /* scope, series -> entry */

	struct capplan_hashmap months;          /* month start -> 1, partitions known to exist */

	/*
	 * Samples wait here until their series and months are looked up in one
	 * batch: one pause of the COPY per batch rather than per series.
	 */
	struct pending *pending;
	size_t npending;
	size_t *queue;                          /* series to look up */
	size_t nqueue;
	int64_t *wanted;                        /* months to create */
	size_t nwanted, wanted_cap;

	struct capplan_strbuf buf;         /* COPY data not yet handed to libpq */
	FILE *spool;                       /* rows to merge at commit */
	uint64_t spooled;
	uint64_t received;
	uint64_t copied;                   /* rows COPY has taken into capplan.samples */
	uint64_t skipped;
};

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}


/* ---- places and names in messages ---- */

static void
format_place(const struct capplan_copy_sink *cs, int64_t pos, char *out, size_t outsz)
{
	switch (cs->options.pos_kind) {
	case CAPPLAN_POS_LINE:
		snprintf(out, outsz, "%s:%" PRId64, cs->source, pos);
		break;
	case CAPPLAN_POS_BYTE_OFFSET:
		snprintf(out, outsz, "%s: byte offset %" PRId64, cs->source, pos);
		break;
	default:
		snprintf(out, outsz, "%s", cs->source);
		break;
	}
}

/* other_pos < 0: the other place is not known, only that it came earlier. */
static int
duplicate_error(struct capplan_copy_sink *cs, const struct series *s, int64_t ts, int64_t pos,
                int64_t other_pos, struct capplan_error *err)
{
	char place[512], tsbuf[CAPPLAN_TIME_BUFSZ];

	format_place(cs, pos, place, sizeof(place));
	capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: duplicate timestamp %s in series %s", place,
	                  capplan_time_format(ts, tsbuf), s->display);
	if (other_pos < 0)
		capplan_error_hint(err, "the same series and time came earlier in the input");
	else if (cs->options.pos_kind == CAPPLAN_POS_LINE)
		capplan_error_hint(err, "the same series and time also at line %" PRId64, other_pos);
	else if (cs->options.pos_kind == CAPPLAN_POS_BYTE_OFFSET)
		capplan_error_hint(err, "the same series and time also at byte offset %" PRId64, other_pos);
	return -1;
}

/* ---- the COPY into capplan.samples, paused while we talk to the server ---- */

static int
flush_buf(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (cs->buf.len == 0)
		return 0;
	if (capplan_db_copy_put(cs->db, cs->buf.data, cs->buf.len, err) < 0)
		return -1;
	capplan_strbuf_reset(&cs->buf);
	return 0;
}

static int
copy_open(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (cs->in_copy)
		return 0;
	if (capplan_db_copy_begin(cs->db, "start COPY into capplan.samples",
	                          "COPY capplan.samples (series_id, ts, value) FROM STDIN (FORMAT binary)",
	                          err) < 0)
		return -1;
	cs->in_copy = 1;
	capplan_strbuf_reset(&cs->buf);
	if (capplan_strbuf_append(&cs->buf, capplan_copy_header, sizeof(capplan_copy_header)) < 0)
		return oom(err);
	return 0;
}

static int
copy_close(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	long long rows;

	if (!cs->in_copy)
		return 0;
	cs->in_copy = 0;
	if (capplan_strbuf_append(&cs->buf, capplan_copy_trailer, sizeof(capplan_copy_trailer)) < 0)
		return oom(err);
	if (flush_buf(cs, err) < 0)
		return -1;
	rows = capplan_db_copy_end(cs->db, err);
	if (rows < 0)
		return -1;
	cs->copied += (uint64_t)rows;
	return 0;
}

/* Series looked up in a batch travel by binary COPY: no quoting of label text anywhere. */
static int
copy_queued_series(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	const char *sql = cs->series_table ? "TRUNCATE capplan_ingest_series" :
		"CREATE TEMP TABLE capplan_ingest_series ("
		" n integer NOT NULL, metric text NOT NULL, labels jsonb NOT NULL) ON COMMIT DROP";

	if (capplan_db_exec(cs->db, "prepare series look-up", sql, err) < 0)
		return -1;
	cs->series_table = 1;
	if (capplan_db_copy_begin(cs->db, "start COPY of series",
	                          "COPY capplan_ingest_series (n, metric, labels) FROM STDIN (FORMAT binary)",
	                          err) < 0)
		return -1;
	capplan_strbuf_reset(&cs->buf);
	capplan_strbuf_append(&cs->buf, capplan_copy_header, sizeof(capplan_copy_header));
	for (size_t i = 0; i < cs->nqueue; i++) {
		const struct series *s = &cs->series[cs->queue[i]];
		size_t mlen = strlen(s->metric), jlen = strlen(s->labels_json);
		unsigned char head[14], *p = head;
		const unsigned char jsonb_version = 1;

		p = capplan_copy_put16(p, 3);
		p = capplan_copy_field32(p, (uint32_t)cs->queue[i]);
		capplan_copy_put32(p, (uint32_t)mlen);
		capplan_strbuf_append(&cs->buf, head, sizeof(head));
		capplan_strbuf_append(&cs->buf, s->metric, mlen);
		/* jsonb's binary form is a version byte, then the JSON text. */
		capplan_copy_put32(head, (uint32_t)jlen + 1);
		capplan_strbuf_append(&cs->buf, head, 4);
		capplan_strbuf_append(&cs->buf, &jsonb_version, 1);
		if (capplan_strbuf_append(&cs->buf, s->labels_json, jlen) < 0)
			return oom(err);
		if (cs->buf.len >= COPY_FLUSH_BYTES && flush_buf(cs, err) < 0)
			return -1;
	}
	if (capplan_strbuf_append(&cs->buf, capplan_copy_trailer, sizeof(capplan_copy_trailer)) < 0)
		return oom(err);
	if (flush_buf(cs, err) < 0)
		return -1;
	return capplan_db_copy_end(cs->db, err) < 0 ? -1 : 0;
}

/*
 * Look up the queued series, creating those that are new, with the newest
 * timestamp stored for each.  New series are inserted in (metric, labels)
 * order, so that two loads creating the same series at once wait for each
 * other instead of deadlocking.  The SELECT runs after the INSERT, so its
 * snapshot sees both what we created and what a concurrent load created and
 * committed while our INSERT waited for it.
 */
static int
resolve_queued(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	PGresult *res;
	int rows;

	if (cs->nqueue == 0)
		return 0;
	if (copy_queued_series(cs, err) < 0)
		return -1;
	res = capplan_db_query(cs->db, "create new series",
	                       "INSERT INTO capplan.series (metric, labels)"
	                       " SELECT metric, labels FROM capplan_ingest_series ORDER BY metric, labels"
	                       " ON CONFLICT (metric, labels) DO NOTHING",
	                       0, NULL, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	res = capplan_db_query(cs->db, "look up series",
	                       "SELECT i.n, s.id, (SELECT (extract(epoch FROM max(x.ts)) * 1000)::bigint"
	                       "  FROM capplan.samples x WHERE x.series_id = s.id)"
	                       " FROM capplan_ingest_series i"
	                       " JOIN capplan.series s ON s.metric = i.metric AND s.labels = i.labels",
	                       0, NULL, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	rows = PQntuples(res);
	for (int r = 0; r < rows; r++) {
		struct series *s = &cs->series[strtoul(PQgetvalue(res, r, 0), NULL, 10)];

		s->id = (int32_t)strtol(PQgetvalue(res, r, 1), NULL, 10);
		s->newest = PQgetisnull(res, r, 2) ? INT64_MIN : strtoll(PQgetvalue(res, r, 2), NULL, 10);
		s->resolved = 1;
		s->queued = 0;
	}
	PQclear(res);
	if ((size_t)rows != cs->nqueue)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
		                         "database: %zu series looked up, %d found", cs->nqueue, rows);
	cs->nqueue = 0;
	return 0;
}

static int
month_known(const struct capplan_copy_sink *cs, int64_t month)
{
	size_t known;

	return capplan_hashmap_get(&cs->months, &month, sizeof(month), &known);
}

static int
want_month(struct capplan_copy_sink *cs, int64_t month)
{
	for (size_t i = 0; i < cs->nwanted; i++)
		if (cs->wanted[i] == month)
			return 0;
	if (cs->nwanted == cs->wanted_cap) {
		size_t cap = cs->wanted_cap ? cs->wanted_cap * 2 : 16;
		int64_t *grown = realloc(cs->wanted, cap * sizeof(*grown));

		if (!grown)
			return -1;
		cs->wanted = grown;
		cs->wanted_cap = cap;
	}
	cs->wanted[cs->nwanted++] = month;
	return 0;
}

static int
create_wanted_months(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	for (size_t i = 0; i < cs->nwanted; i++) {
		char text[CAPPLAN_TIME_BUFSZ];
		const char *params[1] = { capplan_time_format(cs->wanted[i], text) };
		PGresult *res = capplan_db_query(cs->db, "create month partition",
		                                 "SELECT capplan.ensure_sample_partition($1)", 1, params,
		                                 PGRES_TUPLES_OK, err);

		if (!res)
			return -1;
		PQclear(res);
		if (capplan_hashmap_put(&cs->months, &cs->wanted[i], sizeof(int64_t), 1) < 0)
			return oom(err);
	}
	cs->nwanted = 0;
	return 0;
}

/* ---- the spool: rows merged at commit ---- */

static int
spool_open(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/capplan-ingest-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "cannot create a spool file in %s: %s",
		                         dir && *dir ? dir : "/tmp", strerror(errno));
	unlink(path);   /* gone with the process, whatever happens */
	cs->spool = fdopen(fd, "w+b");
	if (!cs->spool) {
		close(fd);
		return oom(err);
	}
	return 0;
}

static int
spool_row(struct capplan_copy_sink *cs, const struct series *s, size_t entry, int64_t ts,
          double value, int64_t pos, int fresh, struct capplan_error *err)
{
	unsigned char row[63], *p = row;

	if (!cs->spool && spool_open(cs, err) < 0)
		return -1;
	p = capplan_copy_put16(p, 6);
	p = capplan_copy_field32(p, (uint32_t)s->id);
	p = capplan_copy_field32(p, (uint32_t)entry);
	p = capplan_copy_field64(p, capplan_copy_timestamp(ts));
	p = capplan_copy_field64(p, capplan_copy_double(value));
	p = capplan_copy_field64(p, (uint64_t)pos);
	p = capplan_copy_put32(p, 1);
	*p++ = fresh ? 1 : 0;
	if (fwrite(row, 1, (size_t)(p - row), cs->spool) != (size_t)(p - row))
		return capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "cannot write the spool file: %s",
		                         strerror(errno));
	cs->spooled++;
	cs->entries[entry].spooled++;
	return 0;
}

/* ---- the sink callbacks ---- */

static int
find_or_add_series(struct capplan_copy_sink *cs, const char *metric, const char *labels_json,
                   struct capplan_labels *labels, size_t *out, struct capplan_error *err)
{
	struct capplan_strbuf key = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf display = CAPPLAN_STRBUF_INIT;
	struct series *s;
	int rc = -1;

	if (capplan_strbuf_append(&key, metric, strlen(metric) + 1) < 0 ||
	    capplan_strbuf_append_str(&key, labels_json) < 0)
		goto oom;
	if (capplan_hashmap_get(&cs->series_index, key.data, key.len, out)) {
		rc = 0;
		goto done;
	}
	if (cs->nseries == cs->series_cap) {
		size_t cap = cs->series_cap ? cs->series_cap * 2 : 256;
		struct series *grown = realloc(cs->series, cap * sizeof(*grown));

		if (!grown)
			goto oom;
		cs->series = grown;
		cs->series_cap = cap;
	}
	if (capplan_labels_format_series(metric, labels, &display) < 0)
		goto oom;
	s = &cs->series[cs->nseries];
	memset(s, 0, sizeof(*s));
	s->metric = strdup(metric);
	s->labels_json = strdup(labels_json);
	s->display = capplan_strbuf_detach(&display);
	if (!s->metric || !s->labels_json || !s->display ||
	    capplan_hashmap_put(&cs->series_index, key.data, key.len, cs->nseries) < 0) {
		free(s->metric);
		free(s->labels_json);
		free(s->display);
		goto oom;
	}
	*out = cs->nseries++;
	rc = 0;
	goto done;
oom:
	oom(err);
done:
	capplan_strbuf_release(&key);
	capplan_strbuf_release(&display);
	return rc;
}

static int
sink_open_series(struct capplan_sink *sink, int scope, const char *metric,
                 struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	struct capplan_copy_sink *cs = (struct capplan_copy_sink *)sink;
	struct capplan_strbuf json = CAPPLAN_STRBUF_INIT;
	struct { int scope; size_t series; } key;
	size_t series, found;
	struct entry *e;

	(void)pos;
	if (capplan_labels_to_json(labels, &json, err) < 0 ||
	    find_or_add_series(cs, metric, capplan_strbuf_str(&json), labels, &series, err) < 0) {
		capplan_strbuf_release(&json);
		return -1;
	}
	capplan_strbuf_release(&json);
	memset(&key, 0, sizeof(key));
	key.scope = scope;
	key.series = series;
	if (capplan_hashmap_get(&cs->entry_index, &key, sizeof(key), &found))
		return (int)found;
	if (cs->nentries >= INT32_MAX)
		return oom(err);
	if (cs->nentries == cs->entries_cap) {
		size_t cap = cs->entries_cap ? cs->entries_cap * 2 : 256;
		struct entry *grown = realloc(cs->entries, cap * sizeof(*grown));

		if (!grown)
			return oom(err);
		cs->entries = grown;
		cs->entries_cap = cap;
	}
	e = &cs->entries[cs->nentries];
	memset(e, 0, sizeof(*e));
	e->series = series;
	e->scope = scope;
	e->last_month = INT64_MIN;
	if (capplan_hashmap_put(&cs->entry_index, &key, sizeof(key), cs->nentries) < 0)
		return oom(err);
	return (int)cs->nentries++;
}

static int
copy_row(struct capplan_copy_sink *cs, const struct series *s, int64_t ts, double value,
         struct capplan_error *err)
{
	unsigned char row[34], *p = row;

	if (copy_open(cs, err) < 0)
		return -1;
	p = capplan_copy_put16(p, 3);
	p = capplan_copy_field32(p, (uint32_t)s->id);
	p = capplan_copy_field64(p, capplan_copy_timestamp(ts));
	p = capplan_copy_field64(p, capplan_copy_double(value));
	if (capplan_strbuf_append(&cs->buf, row, sizeof(row)) < 0)
		return oom(err);
	if (cs->buf.len >= COPY_FLUSH_BYTES)
		return flush_buf(cs, err);
	return 0;
}

/*
 * Where a sample goes once its series and month are known.  Newer than all
 * that was stored, in order, and no retried chunk of its series copied
 * before: it cannot collide, so it goes straight in.  Otherwise it is merged
 * at commit; "fresh" marks a merged row newer than what was stored, which
 * only this input can repeat.
 */
static int
route(struct capplan_copy_sink *cs, int handle, int64_t ts, double value, int64_t pos,
      struct capplan_error *err)
{
	struct entry *e = &cs->entries[handle];
	const struct series *s = &cs->series[e->series];

	if (e->discarded)
		return 0;   /* held while its scope failed: the retry brings it again */
	if (!e->unsorted && !s->dirty && ts > s->newest) {
		e->direct++;
		return copy_row(cs, s, ts, value, err);
	}
	return spool_row(cs, s, (size_t)handle, ts, value, pos, ts > s->newest && !s->dirty, err);
}

/* Look up what the held samples wait for, then send them on. */
static int
flush_pending(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (cs->npending == 0 && cs->nqueue == 0 && cs->nwanted == 0)
		return 0;
	if (copy_close(cs, err) < 0 || resolve_queued(cs, err) < 0 ||
	    create_wanted_months(cs, err) < 0)
		return -1;
	for (size_t i = 0; i < cs->npending; i++) {
		const struct pending *p = &cs->pending[i];

		if (route(cs, p->entry, p->ts, p->value, p->pos, err) < 0)
			return -1;
	}
	cs->npending = 0;
	return 0;
}

static int
hold(struct capplan_copy_sink *cs, int handle, int64_t ts, double value, int64_t pos,
     struct capplan_error *err)
{
	struct series *s = &cs->series[cs->entries[handle].series];

	if (!cs->pending) {
		cs->pending = malloc(PENDING_MAX * sizeof(*cs->pending));
		cs->queue = malloc(SERIES_BATCH * sizeof(*cs->queue));
		if (!cs->pending || !cs->queue)
			return oom(err);
	}
	if (!s->resolved && !s->queued) {
		if (cs->nqueue == SERIES_BATCH && flush_pending(cs, err) < 0)
			return -1;
		cs->queue[cs->nqueue++] = (size_t)(s - cs->series);
		s->queued = 1;
	}
	cs->pending[cs->npending].entry = handle;
	cs->pending[cs->npending].ts = ts;
	cs->pending[cs->npending].value = value;
	cs->pending[cs->npending].pos = pos;
	if (++cs->npending == PENDING_MAX)
		return flush_pending(cs, err);
	return 0;
}

static int
sink_add_sample(struct capplan_sink *sink, int handle, int64_t ts, double value, int64_t pos,
                struct capplan_error *err)
{
	struct capplan_copy_sink *cs = (struct capplan_copy_sink *)sink;
	struct entry *e = &cs->entries[handle];
	struct series *s = &cs->series[e->series];
	int64_t month;
	int ready = s->resolved;

	cs->received++;
	if (cs->options.drop_nan && isnan(value)) {
		cs->skipped++;
		return 0;
	}
	if (e->count > 0) {
		if (ts == e->last_ts)
			return duplicate_error(cs, s, ts, pos, e->last_pos, err);
		if (ts < e->last_ts)
			e->unsorted = 1;
	}
	if (e->count == 0 || ts < e->min_ts)
		e->min_ts = ts;
	if (e->count == 0 || ts > e->max_ts)
		e->max_ts = ts;
	e->last_ts = ts;
	e->last_pos = pos;
	e->count++;

	month = capplan_time_month_start(ts);
	if (month != e->last_month) {
		if (month_known(cs, month))
			e->last_month = month;
		else if (want_month(cs, month) < 0)
			return oom(err);
		else
			ready = 0;
	}
	if (ready && cs->npending == 0)
		return route(cs, handle, ts, value, pos, err);
	return hold(cs, handle, ts, value, pos, err);
}

static void
sink_skip(struct capplan_sink *sink, uint64_t count)
{
	((struct capplan_copy_sink *)sink)->skipped += count;
}

static void
sink_discard_scope(struct capplan_sink *sink, int scope)
{
	struct capplan_copy_sink *cs = (struct capplan_copy_sink *)sink;

	/*
	 * Spooled rows of the scope are left out of the merge.  Rows it already
	 * copied stay (they are real samples, the same ones the retry brings);
	 * the series' later rows are merged, so that the retry cannot collide.
	 */
	for (size_t i = 0; i < cs->nentries; i++) {
		struct entry *e = &cs->entries[i];

		if (e->scope != scope)
			continue;
		e->discarded = 1;
		if (e->direct)
			cs->series[e->series].dirty = 1;
	}
}

/* ---- life cycle ---- */

struct capplan_copy_sink *
capplan_copy_sink_new(struct capplan_db *db, const struct capplan_copy_sink_options *options,
                      struct capplan_error *err)
{
	struct capplan_copy_sink *cs = calloc(1, sizeof(*cs));

	if (!cs) {
		oom(err);
		return NULL;
	}
	cs->sink.open_series = sink_open_series;
	cs->sink.add_sample = sink_add_sample;
	cs->sink.skip = sink_skip;
	cs->sink.discard_scope = sink_discard_scope;
	cs->db = db;
	cs->options = *options;
	cs->started_ms = capplan_time_now();
	capplan_strbuf_init(&cs->buf);
	capplan_hashmap_init(&cs->series_index);
	capplan_hashmap_init(&cs->entry_index);
	capplan_hashmap_init(&cs->months);
	cs->source = strdup(options->source ? options->source : "-");
	if (!cs->source) {
		oom(err);
		goto fail;
	}
	if (capplan_db_begin(db, err) < 0)
		goto fail;
	cs->in_tx = 1;
	return cs;

fail:
	capplan_copy_sink_free(cs);
	return NULL;
}

struct capplan_sink *
capplan_copy_sink_sink(struct capplan_copy_sink *cs)
{
	return &cs->sink;
}

uint64_t
capplan_copy_sink_received(const struct capplan_copy_sink *cs)
{
	return cs->received;
}

void
capplan_copy_sink_free(struct capplan_copy_sink *cs)
{
	if (!cs)
		return;
	if (cs->in_copy)
		capplan_db_copy_abort(cs->db, "ingest abandoned");
	if (cs->in_tx)
		capplan_db_rollback(cs->db);
	for (size_t i = 0; i < cs->nseries; i++) {
		free(cs->series[i].metric);
		free(cs->series[i].labels_json);
		free(cs->series[i].display);
	}
	free(cs->series);
	free(cs->entries);
	capplan_hashmap_release(&cs->series_index);
	capplan_hashmap_release(&cs->entry_index);
	capplan_hashmap_release(&cs->months);
	free(cs->pending);
	free(cs->queue);
	free(cs->wanted);
	capplan_strbuf_release(&cs->buf);
	if (cs->spool)
		fclose(cs->spool);
	free(cs->source);
	free(cs);
}

/* ---- commit ---- */

/* The entries whose rows are (or are not) to be looked at, as an SQL array literal of numbers. */
static int
entry_list(const struct capplan_copy_sink *cs, int want_unsorted, struct capplan_strbuf *out)
{
	int n = 0;

	capplan_strbuf_append_char(out, '{');
	for (size_t i = 0; i < cs->nentries; i++) {
		const struct entry *e = &cs->entries[i];

		if (want_unsorted ? (e->unsorted && !e->discarded) : e->discarded)
			if (capplan_strbuf_appendf(out, "%s%zu", n++ ? "," : "", i) < 0)
				return -1;
	}
	if (capplan_strbuf_append_char(out, '}') < 0)
		return -1;
	return n;
}

static int
load_spool(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	char chunk[64 * 1024];
	size_t n;

	if (capplan_db_exec(cs->db, "create merge table",
	                    "CREATE TEMP TABLE capplan_ingest_merge ("
	                    " series_id integer NOT NULL, entry_no integer NOT NULL,"
	                    " ts timestamptz NOT NULL, value double precision NOT NULL,"
	                    " pos bigint NOT NULL, fresh boolean NOT NULL) ON COMMIT DROP", err) < 0 ||
	    capplan_db_copy_begin(cs->db, "start COPY of rows to merge",
	                          "COPY capplan_ingest_merge FROM STDIN (FORMAT binary)", err) < 0)
		return -1;
	if (capplan_db_copy_put(cs->db, capplan_copy_header, sizeof(capplan_copy_header), err) < 0)
		return -1;
	rewind(cs->spool);
	while ((n = fread(chunk, 1, sizeof(chunk), cs->spool)) > 0)
		if (capplan_db_copy_put(cs->db, chunk, n, err) < 0)
			return -1;
	if (ferror(cs->spool)) {
		capplan_db_copy_abort(cs->db, "spool read error");
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot read the spool file back");
	}
	if (capplan_db_copy_put(cs->db, capplan_copy_trailer, sizeof(capplan_copy_trailer), err) < 0)
		return -1;
	return capplan_db_copy_end(cs->db, err) < 0 ? -1 : 0;
}

static int
first_duplicate(struct capplan_copy_sink *cs, const char *sql, const char *entries, int other_known,
                struct capplan_error *err)
{
	const char *params[1] = { entries };
	PGresult *res = capplan_db_query(cs->db, "check duplicate timestamps", sql, 1, params,
	                                 PGRES_TUPLES_OK, err);
	int rc = 0;

	if (!res)
		return -1;
	if (PQntuples(res) > 0) {
		const struct entry *e = &cs->entries[atoi(PQgetvalue(res, 0, 0))];

		rc = duplicate_error(cs, &cs->series[e->series], strtoll(PQgetvalue(res, 0, 1), NULL, 10),
		                     strtoll(PQgetvalue(res, 0, 3), NULL, 10),
		                     other_known ? strtoll(PQgetvalue(res, 0, 2), NULL, 10) : -1, err);
	}
	PQclear(res);
	return rc;
}

/*
 * A series whose timestamps went back may repeat one: twice among the merged
 * rows, or once there and once among the rows copied before it went back
 * (a "fresh" row, newer than what was stored, that is now in capplan.samples
 * can only have come from this input).
 */
static int
check_duplicates(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	struct capplan_strbuf ids = CAPPLAN_STRBUF_INIT;
	int n = entry_list(cs, 1, &ids), rc = 0;

	if (n < 0)
		rc = oom(err);
	else if (n > 0)
		rc = first_duplicate(cs,
		                     "SELECT min(entry_no), (extract(epoch FROM ts) * 1000)::bigint, min(pos), max(pos)"
		                     " FROM capplan_ingest_merge WHERE entry_no = ANY ($1::integer[])"
		                     " GROUP BY series_id, ts HAVING count(*) > 1 ORDER BY max(pos) LIMIT 1",
		                     ids.data, 1, err);
	if (rc == 0 && n > 0)
		rc = first_duplicate(cs,
		                     "SELECT m.entry_no, (extract(epoch FROM m.ts) * 1000)::bigint, -1, m.pos"
		                     " FROM capplan_ingest_merge m JOIN capplan.samples x"
		                     " ON x.series_id = m.series_id AND x.ts = m.ts"
		                     " WHERE m.fresh AND m.entry_no = ANY ($1::integer[]) ORDER BY m.pos LIMIT 1",
		                     ids.data, 0, err);
	capplan_strbuf_release(&ids);
	return rc;
}

static int
merge_spool(struct capplan_copy_sink *cs, uint64_t *inserted, struct capplan_error *err)
{
	struct capplan_strbuf skip = CAPPLAN_STRBUF_INIT;
	const char *params[1];
	PGresult *res;

	*inserted = 0;
	if (!cs->spool)
		return 0;
	if (load_spool(cs, err) < 0 || check_duplicates(cs, err) < 0)
		return -1;
	if (entry_list(cs, 0, &skip) < 0) {
		capplan_strbuf_release(&skip);
		return oom(err);
	}
	params[0] = skip.data;
	res = capplan_db_query(cs->db, "merge samples",
	                       "INSERT INTO capplan.samples (series_id, ts, value)"
	                       " SELECT series_id, ts, value FROM capplan_ingest_merge"
	                       " WHERE NOT entry_no = ANY ($1::integer[])"
	                       " ON CONFLICT (series_id, ts) DO NOTHING",
	                       1, params, PGRES_COMMAND_OK, err);
	capplan_strbuf_release(&skip);
	if (!res)
		return -1;
	*inserted = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static int
record_run(struct capplan_copy_sink *cs, struct capplan_ingest_summary *sum,
           struct capplan_error *err)
{
	char started[CAPPLAN_TIME_BUFSZ], first[CAPPLAN_TIME_BUFSZ], last[CAPPLAN_TIME_BUFSZ];
	char series[24], added[24], dup[24], skipped[24];
	const char *params[8];
	int any = sum->samples_new + sum->samples_dup > 0;
	PGresult *res;

	snprintf(series, sizeof(series), "%" PRIu64, sum->series);
	snprintf(added, sizeof(added), "%" PRIu64, sum->samples_new);
	snprintf(dup, sizeof(dup), "%" PRIu64, sum->samples_dup);
	snprintf(skipped, sizeof(skipped), "%" PRIu64, sum->samples_skipped);
	params[0] = cs->source;
	params[1] = capplan_time_format(cs->started_ms, started);
	params[2] = series;
	params[3] = added;
	params[4] = dup;
	params[5] = skipped;
	params[6] = any ? capplan_time_format(sum->first_ts, first) : NULL;
	params[7] = any ? capplan_time_format(sum->last_ts, last) : NULL;
	res = capplan_db_query(cs->db, "record ingest run",
	                       "INSERT INTO capplan.ingest_runs (source, started_at, series, samples_new,"
	                       " samples_dup, samples_skipped, first_ts, last_ts)"
	                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	                       8, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	sum->run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

/* Series, time range and counts of what is kept (not discarded). */
static void
summarise(struct capplan_copy_sink *cs, struct capplan_ingest_summary *sum)
{
	int any = 0;

	for (size_t i = 0; i < cs->nseries; i++)
		cs->series[i].has_samples = 0;
	for (size_t i = 0; i < cs->nentries; i++) {
		const struct entry *e = &cs->entries[i];

		if (e->discarded || e->count == 0)
			continue;
		cs->series[e->series].has_samples = 1;
		if (!any || e->min_ts < sum->first_ts)
			sum->first_ts = e->min_ts;
		if (!any || e->max_ts > sum->last_ts)
			sum->last_ts = e->max_ts;
		any = 1;
	}
	for (size_t i = 0; i < cs->nseries; i++)
		sum->series += cs->series[i].has_samples ? 1 : 0;
}

int
capplan_copy_sink_commit(struct capplan_copy_sink *cs, struct capplan_ingest_summary *sum,
                         struct capplan_error *err)
{
	uint64_t inserted, merged, redone;

	memset(sum, 0, sizeof(*sum));
	if (flush_pending(cs, err) < 0 || copy_close(cs, err) < 0 ||
	    merge_spool(cs, &inserted, err) < 0)
		goto fail;
	summarise(cs, sum);
	/*
	 * Spooled rows of discarded scopes were never offered to the merge.  (Not
	 * count - direct: samples still held when their scope was discarded were
	 * neither spooled nor copied.)
	 */
	merged = cs->spooled;
	redone = 0;
	for (size_t i = 0; i < cs->nentries; i++) {
		if (cs->entries[i].discarded) {
			merged -= cs->entries[i].spooled;
			redone += cs->entries[i].direct;
		}
	}
	sum->samples_new = cs->copied + inserted;
	sum->samples_dup = merged - inserted;
	/*
	 * The retry of a discarded scope brings again the rows the scope had
	 * copied; they meet those rows in the merge, but were not stored before
	 * this input: not duplicates.
	 */
	sum->samples_dup -= redone < sum->samples_dup ? redone : sum->samples_dup;
	sum->samples_skipped = cs->skipped;
	if (record_run(cs, sum, err) < 0 || capplan_db_commit(cs->db, err) < 0)
		goto fail;
	cs->in_tx = 0;
	return 0;

fail:
	cs->in_copy = 0;
	capplan_db_rollback(cs->db);
	cs->in_tx = 0;
	return -1;
}
