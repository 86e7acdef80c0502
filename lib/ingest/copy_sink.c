/*
 * lib/ingest/copy_sink.c: a sink that loads one input into PostgreSQL.
 *
 * Staging rows go out in COPY's binary format: no number or timestamp is
 * turned into text and parsed back, which is most of what text COPY costs.
 */
#include "ingest/copy_sink.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* Flush staged rows to libpq in pieces of about this size. */
#define COPY_FLUSH_BYTES (256 * 1024)

/* PostgreSQL's timestamp epoch (2000-01-01) in Unix milliseconds. */
#define PG_EPOCH_MS INT64_C(946684800000)

/* One series as seen in one scope. */
struct entry {
	int scope;
	int discarded;
	int unsorted;            /* timestamps went backwards: the database checks duplicates */
	char *metric;
	char *labels_json;       /* canonical label set */
	char *display;           /* metric{labels}, for messages */
	uint64_t count;
	int64_t first_pos;
	int64_t last_ts, last_pos;
	int64_t min_ts, max_ts;
	int64_t last_month;      /* spares a search of months for every sample */
};

struct capplan_copy_sink {
	struct capplan_sink sink;          /* first: the interface handed to sources */
	struct capplan_db *db;
	struct capplan_copy_sink_options options;
	char *source;
	int64_t started_ms;
	int in_tx;
	int in_copy;

	struct entry *entries;
	size_t nentries, entries_cap;
	uint32_t *index;                   /* open addressing over entries: slot holds entry+1 */
	size_t index_cap;

	int64_t *months;                   /* sorted month starts seen, for partitions */
	size_t nmonths, months_cap;

	struct capplan_strbuf buf;         /* COPY data not yet handed to libpq */
	uint64_t staged;
	uint64_t skipped;
};

static const char SAMPLE_TABLE_SQL[] =
	"CREATE TEMP TABLE capplan_ingest_sample ("
	" entry_no integer NOT NULL, ts timestamptz NOT NULL,"
	" value double precision NOT NULL, pos bigint NOT NULL) ON COMMIT DROP;"
	"CREATE TEMP TABLE capplan_ingest_entry ("
	" entry_no integer NOT NULL, metric text NOT NULL, labels jsonb NOT NULL) ON COMMIT DROP";

/* ---- binary COPY encoding (network byte order) ---- */

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static int
put_header(struct capplan_strbuf *buf)
{
	static const char sig[] = "PGCOPY\n\377\r\n";   /* 11 bytes with its NUL */
	unsigned char rest[8] = { 0 };                  /* flags, header extension length */

	if (capplan_strbuf_append(buf, sig, 11) < 0)
		return -1;
	return capplan_strbuf_append(buf, rest, sizeof(rest));
}

static int
put_trailer(struct capplan_strbuf *buf)
{
	unsigned char t[2];

	put16(t, 0xffff);
	return capplan_strbuf_append(buf, t, 2);
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

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* ---- the entry index ---- */

static uint64_t
hash_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static uint64_t
entry_hash(int scope, const char *metric, const char *labels_json)
{
	uint64_t h = UINT64_C(14695981039346656037);

	h = hash_bytes(h, (const char *)&scope, sizeof(scope));
	h = hash_bytes(h, metric, strlen(metric) + 1);
	return hash_bytes(h, labels_json, strlen(labels_json));
}

static int
index_grow(struct capplan_copy_sink *cs)
{
	size_t cap = cs->index_cap ? cs->index_cap * 2 : 1024;
	uint32_t *index = calloc(cap, sizeof(*index));

	if (!index)
		return -1;
	for (size_t i = 0; i < cs->nentries; i++) {
		const struct entry *e = &cs->entries[i];
		size_t slot = entry_hash(e->scope, e->metric, e->labels_json) & (cap - 1);

		while (index[slot])
			slot = (slot + 1) & (cap - 1);
		index[slot] = (uint32_t)i + 1;
	}
	free(cs->index);
	cs->index = index;
	cs->index_cap = cap;
	return 0;
}

/* The slot of (scope, metric, labels): holding its entry, or empty where it would go. */
static size_t
index_find(const struct capplan_copy_sink *cs, int scope, const char *metric, const char *labels_json)
{
	size_t slot = entry_hash(scope, metric, labels_json) & (cs->index_cap - 1);

	while (cs->index[slot]) {
		const struct entry *e = &cs->entries[cs->index[slot] - 1];

		if (e->scope == scope && strcmp(e->metric, metric) == 0 &&
		    strcmp(e->labels_json, labels_json) == 0)
			break;
		slot = (slot + 1) & (cs->index_cap - 1);
	}
	return slot;
}

/* ---- months that need a partition ---- */

static int
note_month(struct capplan_copy_sink *cs, int64_t month)
{
	size_t lo = 0, hi = cs->nmonths;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cs->months[mid] == month)
			return 0;
		if (cs->months[mid] < month)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (cs->nmonths == cs->months_cap) {
		size_t cap = cs->months_cap ? cs->months_cap * 2 : 32;
		int64_t *m = realloc(cs->months, cap * sizeof(*m));

		if (!m)
			return -1;
		cs->months = m;
		cs->months_cap = cap;
	}
	memmove(cs->months + lo + 1, cs->months + lo, (cs->nmonths - lo) * sizeof(*cs->months));
	cs->months[lo] = month;
	cs->nmonths++;
	return 0;
}

/* ---- the sink callbacks ---- */

static int
flush_copy(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (cs->buf.len == 0)
		return 0;
	if (capplan_db_copy_put(cs->db, cs->buf.data, cs->buf.len, err) < 0)
		return -1;
	capplan_strbuf_reset(&cs->buf);
	return 0;
}

static int
sink_open_series(struct capplan_sink *sink, int scope, const char *metric,
                 struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	struct capplan_copy_sink *cs = (struct capplan_copy_sink *)sink;
	struct capplan_strbuf json = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf display = CAPPLAN_STRBUF_INIT;
	struct entry *e;
	size_t slot;

	if (capplan_labels_to_json(labels, &json, err) < 0)
		goto fail;
	if (cs->nentries * 2 >= cs->index_cap && index_grow(cs) < 0)
		goto fail_oom;
	slot = index_find(cs, scope, metric, capplan_strbuf_str(&json));
	if (cs->index[slot]) {
		capplan_strbuf_release(&json);
		return (int)cs->index[slot] - 1;
	}
	if (cs->nentries >= INT32_MAX - 1)
		goto fail_oom;
	if (cs->nentries == cs->entries_cap) {
		size_t cap = cs->entries_cap ? cs->entries_cap * 2 : 256;
		struct entry *grown = realloc(cs->entries, cap * sizeof(*grown));

		if (!grown)
			goto fail_oom;
		cs->entries = grown;
		cs->entries_cap = cap;
	}
	if (capplan_labels_format_series(metric, labels, &display) < 0)
		goto fail_oom;
	e = &cs->entries[cs->nentries];
	memset(e, 0, sizeof(*e));
	e->scope = scope;
	e->metric = strdup(metric);
	e->labels_json = capplan_strbuf_detach(&json);
	e->display = capplan_strbuf_detach(&display);
	e->first_pos = pos;
	e->last_month = INT64_MIN;
	if (!e->metric || !e->labels_json || !e->display) {
		free(e->metric);
		free(e->labels_json);
		free(e->display);
		goto fail_oom;
	}
	cs->index[slot] = (uint32_t)cs->nentries + 1;
	return (int)cs->nentries++;

fail_oom:
	oom(err);
fail:
	capplan_strbuf_release(&json);
	capplan_strbuf_release(&display);
	return -1;
}

static int
duplicate_error(struct capplan_copy_sink *cs, const struct entry *e, int64_t ts, int64_t pos,
                int64_t other_pos, struct capplan_error *err)
{
	char place[512], tsbuf[CAPPLAN_TIME_BUFSZ];

	format_place(cs, pos, place, sizeof(place));
	capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: duplicate timestamp %s in series %s", place,
	                  capplan_time_format(ts, tsbuf), e->display);
	if (cs->options.pos_kind == CAPPLAN_POS_LINE)
		capplan_error_hint(err, "the same series and time also at line %" PRId64, other_pos);
	else if (cs->options.pos_kind == CAPPLAN_POS_BYTE_OFFSET)
		capplan_error_hint(err, "the same series and time also at byte offset %" PRId64, other_pos);
	return -1;
}

static int
sink_add_sample(struct capplan_sink *sink, int handle, int64_t ts, double value, int64_t pos,
                struct capplan_error *err)
{
	struct capplan_copy_sink *cs = (struct capplan_copy_sink *)sink;
	struct entry *e = &cs->entries[handle];
	unsigned char row[46];
	uint64_t bits;
	int64_t month;

	if (cs->options.drop_nan && isnan(value)) {
		cs->skipped++;
		return 0;
	}
	if (e->count > 0) {
		if (ts == e->last_ts)
			return duplicate_error(cs, e, ts, pos, e->last_pos, err);
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
		if (note_month(cs, month) < 0)
			return oom(err);
		e->last_month = month;
	}

	/* Tuple: 4 fields; int4 entry_no, timestamptz (int8 us since 2000), float8, int8 pos. */
	memcpy(&bits, &value, sizeof(bits));
	put16(row, 4);
	put32(row + 2, 4);
	put32(row + 6, (uint32_t)handle);
	put32(row + 10, 8);
	put64(row + 14, (uint64_t)((ts - PG_EPOCH_MS) * 1000));
	put32(row + 22, 8);
	put64(row + 26, bits);
	put32(row + 34, 8);
	put64(row + 38, (uint64_t)pos);
	if (capplan_strbuf_append(&cs->buf, row, sizeof(row)) < 0)
		return oom(err);
	cs->staged++;
	if (cs->buf.len >= COPY_FLUSH_BYTES)
		return flush_copy(cs, err);
	return 0;
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

	/* The rows stay in staging; the merge only joins entries that are kept. */
	for (size_t i = 0; i < cs->nentries; i++)
		if (cs->entries[i].scope == scope)
			cs->entries[i].discarded = 1;
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
	cs->source = strdup(options->source ? options->source : "-");
	cs->started_ms = capplan_time_now();
	capplan_strbuf_init(&cs->buf);
	if (!cs->source || index_grow(cs) < 0) {
		oom(err);
		goto fail;
	}
	if (capplan_db_begin(db, err) < 0)
		goto fail;
	cs->in_tx = 1;
	if (capplan_db_exec(db, "create staging tables", SAMPLE_TABLE_SQL, err) < 0 ||
	    capplan_db_copy_begin(db, "start COPY of samples",
	                          "COPY capplan_ingest_sample (entry_no, ts, value, pos) "
	                          "FROM STDIN (FORMAT binary)", err) < 0)
		goto fail;
	cs->in_copy = 1;
	if (put_header(&cs->buf) < 0) {
		oom(err);
		goto fail;
	}
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
capplan_copy_sink_staged(const struct capplan_copy_sink *cs)
{
	return cs->staged;
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
	for (size_t i = 0; i < cs->nentries; i++) {
		free(cs->entries[i].metric);
		free(cs->entries[i].labels_json);
		free(cs->entries[i].display);
	}
	free(cs->entries);
	free(cs->index);
	free(cs->months);
	capplan_strbuf_release(&cs->buf);
	free(cs->source);
	free(cs);
}

/* ---- commit ---- */

static int
end_copy(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (put_trailer(&cs->buf) < 0)
		return oom(err);
	if (flush_copy(cs, err) < 0)
		return -1;
	cs->in_copy = 0;
	return capplan_db_copy_end(cs->db, err) < 0 ? -1 : 0;
}

/*
 * An input whose timestamps went backwards may hold a duplicate that the
 * rising-timestamp check could not see: ask the database, and name both lines.
 */
static int
check_unsorted_duplicates(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	struct capplan_strbuf ids = CAPPLAN_STRBUF_INIT;
	const char *params[1];
	PGresult *res;
	int rc = 0;

	capplan_strbuf_append_char(&ids, '{');
	for (size_t i = 0; i < cs->nentries; i++)
		if (cs->entries[i].unsorted && !cs->entries[i].discarded)
			capplan_strbuf_appendf(&ids, "%s%zu", ids.len > 1 ? "," : "", i);
	if (capplan_strbuf_append_char(&ids, '}') < 0) {
		capplan_strbuf_release(&ids);
		return oom(err);
	}
	if (ids.len == 2) {
		capplan_strbuf_release(&ids);
		return 0;
	}
	params[0] = ids.data;
	res = capplan_db_query(cs->db, "check duplicate timestamps",
	                       "SELECT entry_no, (extract(epoch FROM ts) * 1000)::bigint, min(pos), max(pos) "
	                       "FROM capplan_ingest_sample WHERE entry_no = ANY ($1::integer[]) "
	                       "GROUP BY entry_no, ts HAVING count(*) > 1 ORDER BY max(pos) LIMIT 1",
	                       1, params, PGRES_TUPLES_OK, err);
	capplan_strbuf_release(&ids);
	if (!res)
		return -1;
	if (PQntuples(res) > 0)
		rc = duplicate_error(cs, &cs->entries[atoi(PQgetvalue(res, 0, 0))],
		                     strtoll(PQgetvalue(res, 0, 1), NULL, 10),
		                     strtoll(PQgetvalue(res, 0, 3), NULL, 10),
		                     strtoll(PQgetvalue(res, 0, 2), NULL, 10), err);
	PQclear(res);
	return rc;
}

/* The series of this input, by binary COPY (no quoting of label text anywhere). */
static int
copy_entries(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	if (capplan_db_copy_begin(cs->db, "start COPY of series",
	                          "COPY capplan_ingest_entry (entry_no, metric, labels) "
	                          "FROM STDIN (FORMAT binary)", err) < 0)
		return -1;
	cs->in_copy = 1;
	capplan_strbuf_reset(&cs->buf);
	if (put_header(&cs->buf) < 0)
		return oom(err);
	for (size_t i = 0; i < cs->nentries; i++) {
		const struct entry *e = &cs->entries[i];
		size_t mlen = strlen(e->metric), jlen = strlen(e->labels_json);
		unsigned char head[10], len[4];
		const unsigned char jsonb_version = 1;

		if (e->discarded || e->count == 0)
			continue;
		put16(head, 3);
		put32(head + 2, 4);
		put32(head + 6, (uint32_t)i);
		if (capplan_strbuf_append(&cs->buf, head, sizeof(head)) < 0)
			return oom(err);
		put32(len, (uint32_t)mlen);
		capplan_strbuf_append(&cs->buf, len, 4);
		capplan_strbuf_append(&cs->buf, e->metric, mlen);
		/* jsonb's binary form is a version byte and the JSON text. */
		put32(len, (uint32_t)jlen + 1);
		capplan_strbuf_append(&cs->buf, len, 4);
		capplan_strbuf_append(&cs->buf, &jsonb_version, 1);
		if (capplan_strbuf_append(&cs->buf, e->labels_json, jlen) < 0)
			return oom(err);
		if (cs->buf.len >= COPY_FLUSH_BYTES && flush_copy(cs, err) < 0)
			return -1;
	}
	return end_copy(cs, err);
}

static int
ensure_partitions(struct capplan_copy_sink *cs, struct capplan_error *err)
{
	for (size_t i = 0; i < cs->nmonths; i++) {
		char month[CAPPLAN_TIME_BUFSZ];
		const char *params[1] = { capplan_time_format(cs->months[i], month) };
		PGresult *res = capplan_db_query(cs->db, "create month partition",
		                                 "SELECT capplan.ensure_sample_partition($1)", 1, params,
		                                 PGRES_TUPLES_OK, err);

		if (!res)
			return -1;
		PQclear(res);
	}
	return 0;
}

static long long
scalar_ll(PGresult *res)
{
	long long v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);

	PQclear(res);
	return v;
}

static int
merge(struct capplan_copy_sink *cs, struct capplan_ingest_summary *sum, struct capplan_error *err)
{
	PGresult *res;

	res = capplan_db_query(cs->db, "add new series",
	                       "INSERT INTO capplan.series (metric, labels) "
	                       "SELECT DISTINCT metric, labels FROM capplan_ingest_entry "
	                       "ON CONFLICT (metric, labels) DO NOTHING",
	                       0, NULL, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	res = capplan_db_query(cs->db, "count series",
	                       "SELECT count(*) FROM (SELECT DISTINCT metric, labels FROM capplan_ingest_entry) s",
	                       0, NULL, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	sum->series = (uint64_t)scalar_ll(res);
	if (ensure_partitions(cs, err) < 0)
		return -1;
	res = capplan_db_query(cs->db, "merge samples",
	                       "INSERT INTO capplan.samples (series_id, ts, value) "
	                       "SELECT s.id, x.ts, x.value FROM capplan_ingest_sample x "
	                       "JOIN capplan_ingest_entry e ON e.entry_no = x.entry_no "
	                       "JOIN capplan.series s ON s.metric = e.metric AND s.labels = e.labels "
	                       "ON CONFLICT (series_id, ts) DO NOTHING",
	                       0, NULL, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	sum->samples_new = strtoull(PQcmdTuples(res), NULL, 10);
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
	params[6] = sum->first_ts || sum->last_ts ? capplan_time_format(sum->first_ts, first) : NULL;
	params[7] = sum->first_ts || sum->last_ts ? capplan_time_format(sum->last_ts, last) : NULL;
	res = capplan_db_query(cs->db, "record ingest run",
	                       "INSERT INTO capplan.ingest_runs (source, started_at, series, samples_new,"
	                       " samples_dup, samples_skipped, first_ts, last_ts)"
	                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
	                       8, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	sum->run_id = scalar_ll(res);
	return 0;
}

int
capplan_copy_sink_commit(struct capplan_copy_sink *cs, struct capplan_ingest_summary *sum,
                         struct capplan_error *err)
{
	uint64_t kept = 0;
	int any = 0;

	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < cs->nentries; i++) {
		const struct entry *e = &cs->entries[i];

		if (e->discarded || e->count == 0)
			continue;
		kept += e->count;
		if (!any || e->min_ts < sum->first_ts)
			sum->first_ts = e->min_ts;
		if (!any || e->max_ts > sum->last_ts)
			sum->last_ts = e->max_ts;
		any = 1;
	}
	if (end_copy(cs, err) < 0 || check_unsorted_duplicates(cs, err) < 0 ||
	    copy_entries(cs, err) < 0 || merge(cs, sum, err) < 0)
		goto fail;
	sum->samples_dup = kept - sum->samples_new;
	sum->samples_skipped = cs->skipped;
	if (record_run(cs, sum, err) < 0 || capplan_db_commit(cs->db, err) < 0)
		goto fail;
	cs->in_tx = 0;
	return 0;

fail:
	capplan_db_rollback(cs->db);
	cs->in_copy = 0;
	cs->in_tx = 0;
	return -1;
}
