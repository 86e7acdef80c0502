/*
 * lib/model/store.c: what the model stage reads from and writes to PostgreSQL.
 */
#include "model/store.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/copy_binary.h"
#include "series.h"
#include "util/timeutil.h"

/* Rows per FETCH from the samples cursor: libpq holds one FETCH's rows at a time. */
#define FETCH_ROWS "65536"
/* Hand COPY data to libpq in pieces of about this size. */
#define COPY_FLUSH_BYTES (256 * 1024)
/* Metrics named in the hint of an unknown --metric. */
#define HINT_METRICS 10

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* ---- parameters ---- */

/* The filter's metrics as a text[] literal; NULL (all metrics) when there are none. */
static int
metrics_param(const struct capplan_series_filter *f, struct capplan_strbuf *sb, const char **param)
{
	*param = NULL;
	if (f->nmetrics == 0)
		return 0;
	for (size_t i = 0; i < f->nmetrics; i++)
		if (capplan_db_array_add_text(sb, f->metrics[i]) < 0)
			return -1;
	if (capplan_db_array_end(sb) < 0)
		return -1;
	*param = sb->data;
	return 0;
}

/* The three parameters of the filter: $1 metrics, $2 from, $3 to. */
struct filter_params {
	struct capplan_strbuf metrics;
	char from[CAPPLAN_TIME_BUFSZ], to[CAPPLAN_TIME_BUFSZ];
	const char *values[3];
};

static int
filter_params_init(struct filter_params *p, const struct capplan_series_filter *f,
                   struct capplan_error *err)
{
	capplan_strbuf_init(&p->metrics);
	if (metrics_param(f, &p->metrics, &p->values[0]) < 0) {
		capplan_strbuf_release(&p->metrics);
		return oom(err);
	}
	if (f->from_ms == INT64_MIN)
		snprintf(p->from, sizeof(p->from), "-infinity");
	else
		capplan_time_format(f->from_ms, p->from);
	capplan_time_format(f->to_ms, p->to);
	p->values[1] = p->from;
	p->values[2] = p->to;
	return 0;
}

/* The series of the filter (series s), and those with samples in the window. */
#define FILTER_SERIES "($1::text[] IS NULL OR s.metric = ANY ($1::text[]))"
#define IN_WINDOW \
	"EXISTS (SELECT 1 FROM capplan.samples x WHERE x.series_id = s.id" \
	" AND x.ts > $2::timestamptz AND x.ts <= $3::timestamptz)"

/* ---- checks before a run ---- */

static void
hint_metrics(struct capplan_db *db, struct capplan_error *err)
{
	struct capplan_error ignored;
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	PGresult *res;
	int n;

	res = capplan_db_query(db, "list metrics",
	                       "SELECT metric FROM capplan.series GROUP BY metric ORDER BY metric"
	                       " LIMIT " "11", 0, NULL, PGRES_TUPLES_OK, &ignored);
	if (!res)
		return;
	n = PQntuples(res);
	if (n == 0) {
		capplan_error_hint(err, "the database holds no series: load history with capplan-ingest first");
	} else {
		for (int i = 0; i < n && i < HINT_METRICS; i++) {
			char q[CAPPLAN_QUOTE_BUFSZ];
			const char *m = PQgetvalue(res, i, 0);

			capplan_quote(q, sizeof(q), m, strlen(m));
			capplan_strbuf_appendf(&sb, "%s%s", i ? ", " : "", q);
		}
		capplan_error_hint(err, "metrics in the database: %s%s", capplan_strbuf_str(&sb),
		                   n > HINT_METRICS ? ", ..." : "");
	}
	capplan_strbuf_release(&sb);
	PQclear(res);
}

int
capplan_store_check_metrics(struct capplan_db *db, const struct capplan_series_filter *f,
                            struct capplan_error *err)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	const char *params[1];
	char q[CAPPLAN_QUOTE_BUFSZ];
	PGresult *res;
	int rc = 0;

	if (f->nmetrics == 0)
		return 0;
	if (metrics_param(f, &sb, &params[0]) < 0) {
		capplan_strbuf_release(&sb);
		return oom(err);
	}
	res = capplan_db_query(db, "look up metrics",
	                       "SELECT u.m FROM unnest($1::text[]) WITH ORDINALITY AS u(m, i)"
	                       " WHERE NOT EXISTS (SELECT 1 FROM capplan.series s WHERE s.metric = u.m)"
	                       " ORDER BY u.i LIMIT 1",
	                       1, params, PGRES_TUPLES_OK, err);
	capplan_strbuf_release(&sb);
	if (!res)
		return -1;
	if (PQntuples(res) > 0) {
		const char *m = PQgetvalue(res, 0, 0);

		capplan_quote(q, sizeof(q), m, strlen(m));
		rc = capplan_error_set(err, CAPPLAN_EX_DATAERR, "--metric \"%s\": no series of this metric", q);
		hint_metrics(db, err);
	}
	PQclear(res);
	return rc;
}

/* A timestamp column as ms (the query gives it as epoch milliseconds); 0 for NULL. */
static int
get_ms(const PGresult *res, int row, int col, int64_t *ms)
{
	if (PQgetisnull(res, row, col))
		return 0;
	*ms = strtoll(PQgetvalue(res, row, col), NULL, 10);
	return 1;
}

int
capplan_store_check_window(struct capplan_db *db, const struct capplan_series_filter *f,
                           struct capplan_error *err)
{
	struct filter_params p;
	char t1[CAPPLAN_TIME_BUFSZ], t2[CAPPLAN_TIME_BUFSZ], t3[CAPPLAN_TIME_BUFSZ];
	int64_t earliest = 0, latest = 0;
	int has_earliest, has_latest, any;
	PGresult *res;

	if (filter_params_init(&p, f, err) < 0)
		return -1;
	res = capplan_db_query(db, "look for samples in the window",
	                       "SELECT EXISTS (SELECT 1 FROM capplan.series s WHERE " FILTER_SERIES
	                       " AND " IN_WINDOW ")", 3, p.values, PGRES_TUPLES_OK, err);
	if (!res)
		goto fail;
	any = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (any) {
		capplan_strbuf_release(&p.metrics);
		return 0;
	}
	/*
	 * Why not: the first sample of all, and the last at or before the as-of
	 * time, each found per series through the primary key ($1 metrics, $2 to).
	 */
	p.values[1] = p.to;
	res = capplan_db_query(db, "look for the nearest samples",
	                       "SELECT (SELECT (extract(epoch FROM min(e.ts)) * 1000)::bigint"
	                       "        FROM capplan.series s CROSS JOIN LATERAL"
	                       "        (SELECT x.ts FROM capplan.samples x WHERE x.series_id = s.id"
	                       "         ORDER BY x.ts LIMIT 1) e WHERE " FILTER_SERIES "),"
	                       " (SELECT (extract(epoch FROM max(l.ts)) * 1000)::bigint"
	                       "        FROM capplan.series s CROSS JOIN LATERAL"
	                       "        (SELECT x.ts FROM capplan.samples x WHERE x.series_id = s.id"
	                       "         AND x.ts <= $2::timestamptz ORDER BY x.ts DESC LIMIT 1) l"
	                       "        WHERE " FILTER_SERIES ")",
	                       2, p.values, PGRES_TUPLES_OK, err);
	if (!res)
		goto fail;
	has_earliest = PQntuples(res) > 0 && get_ms(res, 0, 0, &earliest);
	has_latest = PQntuples(res) > 0 && get_ms(res, 0, 1, &latest);
	PQclear(res);
	capplan_strbuf_release(&p.metrics);
	if (!has_earliest) {
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "database: no samples%s",
		                  f->nmetrics ? " of the metrics given" : "");
		return capplan_error_hint(err, "load history with capplan-ingest first");
	}
	if (!has_latest || earliest > f->to_ms) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "--as-of: no samples at or before %s",
		                  capplan_time_format(f->to_ms, t1));
		return capplan_error_hint(err, "the earliest sample%s is at %s",
		                          f->nmetrics ? " of the metrics given" : "",
		                          capplan_time_format(earliest, t2));
	}
	capplan_error_set(err, CAPPLAN_EX_DATAERR, "--history: no samples after %s and at or before %s",
	                  capplan_time_format(f->from_ms, t1), capplan_time_format(f->to_ms, t2));
	return capplan_error_hint(err, "the latest sample is at %s: give a longer --history, or --history all",
	                          capplan_time_format(latest, t3));

fail:
	capplan_strbuf_release(&p.metrics);
	return -1;
}

int
capplan_store_list_series(struct capplan_db *db, const struct capplan_series_filter *f,
                          int32_t **ids, size_t *count, struct capplan_error *err)
{
	struct filter_params p;
	PGresult *res;
	size_t n;

	*ids = NULL;
	*count = 0;
	if (filter_params_init(&p, f, err) < 0)
		return -1;
	res = capplan_db_query(db, "list series",
	                       "SELECT s.id FROM capplan.series s WHERE " FILTER_SERIES " AND " IN_WINDOW
	                       " ORDER BY s.id", 3, p.values, PGRES_TUPLES_OK, err);
	capplan_strbuf_release(&p.metrics);
	if (!res)
		return -1;
	n = (size_t)PQntuples(res);
	*ids = malloc((n ? n : 1) * sizeof(**ids));
	if (!*ids) {
		PQclear(res);
		return oom(err);
	}
	for (size_t i = 0; i < n; i++)
		(*ids)[i] = (int32_t)strtol(PQgetvalue(res, (int)i, 0), NULL, 10);
	*count = n;
	PQclear(res);
	return 0;
}

/* ---- reading samples ---- */

void
capplan_sample_batch_init(struct capplan_sample_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void
capplan_sample_batch_release(struct capplan_sample_batch *b)
{
	free(b->ids);
	free(b->offset);
	free(b->ts);
	free(b->value);
	memset(b, 0, sizeof(*b));
}

static uint32_t
get32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

static uint64_t
get64(const char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* A row as it arrives: its series (an index into the batch's ids), time and value. */
struct raw_row {
	uint32_t series;
	int64_t ts;
	double value;
};

/* Rows of one read, in the order the server sent them. */
struct raw_rows {
	struct raw_row *rows;
	size_t n, cap;
};

static int
raw_reserve(struct raw_rows *raw, size_t more, struct capplan_error *err)
{
	size_t cap = raw->cap ? raw->cap : 65536;
	struct raw_row *rows;

	if (raw->n + more <= raw->cap)
		return 0;
	while (cap < raw->n + more)
		cap *= 2;
	rows = realloc(raw->rows, cap * sizeof(*rows));
	if (!rows)
		return oom(err);
	raw->rows = rows;
	raw->cap = cap;
	return 0;
}

/* The index of id in the ascending ids[0..count), or count. */
static size_t
find_id(const int32_t *ids, size_t count, int32_t id)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < count && ids[lo] == id ? lo : count;
}

/* Add the rows of one FETCH. */
static int
raw_add(struct raw_rows *raw, const struct capplan_sample_batch *b, const PGresult *res,
        struct capplan_error *err)
{
	int rows = PQntuples(res);

	if (PQnfields(res) != 3 || PQfformat(res, 0) != 1)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "database: samples: unexpected result shape");
	if (raw_reserve(raw, (size_t)rows, err) < 0)
		return -1;
	for (int r = 0; r < rows; r++) {
		struct raw_row *row = &raw->rows[raw->n];
		int32_t id;
		int64_t us;
		uint64_t bits;

		if (PQgetlength(res, r, 0) != 4 || PQgetlength(res, r, 1) != 8 || PQgetlength(res, r, 2) != 8)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
			                         "database: samples: unexpected field sizes");
		id = (int32_t)get32(PQgetvalue(res, r, 0));
		row->series = (uint32_t)find_id(b->ids, b->count, id);
		if (row->series == b->count)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
			                         "database: samples: series %" PRId32 " was not asked for", id);
		us = (int64_t)get64(PQgetvalue(res, r, 1));
		row->ts = us / 1000 - (us % 1000 < 0 ? 1 : 0) + CAPPLAN_PG_EPOCH_MS;
		bits = get64(PQgetvalue(res, r, 2));
		memcpy(&row->value, &bits, sizeof(double));
		raw->n++;
	}
	return 0;
}

struct ts_value {
	int64_t ts;
	double value;
};

static int
cmp_ts(const void *a, const void *b)
{
	int64_t x = ((const struct ts_value *)a)->ts, y = ((const struct ts_value *)b)->ts;

	return (x > y) - (x < y);
}

/* Put the rows of series i (ts/value[from..to)) in time order; usually they already are. */
static int
sort_series(struct capplan_sample_batch *b, size_t from, size_t to, struct capplan_error *err)
{
	struct ts_value *tmp;
	size_t i = from + 1;

	while (i < to && b->ts[i - 1] < b->ts[i])
		i++;
	if (i >= to)
		return 0;
	tmp = malloc((to - from) * sizeof(*tmp));
	if (!tmp)
		return oom(err);
	for (size_t k = from; k < to; k++) {
		tmp[k - from].ts = b->ts[k];
		tmp[k - from].value = b->value[k];
	}
	qsort(tmp, to - from, sizeof(*tmp), cmp_ts);
	for (size_t k = from; k < to; k++) {
		b->ts[k] = tmp[k - from].ts;
		b->value[k] = tmp[k - from].value;
	}
	free(tmp);
	return 0;
}

/*
 * Lay the rows out by series (a counting sort, which keeps the order they
 * came in), then put each series in time order.  The server sends the rows
 * of a batch partition by partition, so without an ORDER BY, which would
 * cost it a sort of the whole batch.
 */
static int
batch_from_raw(struct capplan_sample_batch *b, const struct raw_rows *raw, struct capplan_error *err)
{
	size_t *next;

	if (raw->n > b->cap) {
		int64_t *ts = realloc(b->ts, raw->n * sizeof(*ts));
		double *value;

		if (!ts)
			return oom(err);
		b->ts = ts;
		value = realloc(b->value, raw->n * sizeof(*value));
		if (!value)
			return oom(err);
		b->value = value;
		b->cap = raw->n;
	}
	for (size_t i = 0; i <= b->count; i++)
		b->offset[i] = 0;
	for (size_t r = 0; r < raw->n; r++)
		b->offset[raw->rows[r].series + 1]++;
	for (size_t i = 0; i < b->count; i++)
		b->offset[i + 1] += b->offset[i];
	next = malloc((b->count ? b->count : 1) * sizeof(*next));
	if (!next)
		return oom(err);
	memcpy(next, b->offset, b->count * sizeof(*next));
	for (size_t r = 0; r < raw->n; r++) {
		size_t k = next[raw->rows[r].series]++;

		b->ts[k] = raw->rows[r].ts;
		b->value[k] = raw->rows[r].value;
	}
	free(next);
	b->nsamples = raw->n;
	for (size_t i = 0; i < b->count; i++)
		if (sort_series(b, b->offset[i], b->offset[i + 1], err) < 0)
			return -1;
	return 0;
}

int
capplan_store_read_batch(struct capplan_db *db, const struct capplan_series_filter *f,
                         const int32_t *ids, size_t count, struct capplan_sample_batch *b,
                         struct capplan_error *err)
{
	struct filter_params p;
	struct capplan_strbuf list = CAPPLAN_STRBUF_INIT;
	struct raw_rows raw = { NULL, 0, 0 };
	const char *params[3];
	PGconn *conn = capplan_db_conn(db);
	PGresult *res;
	int rc = -1, open = 0;

	b->count = 0;
	b->nsamples = 0;
	free(b->ids);
	free(b->offset);
	b->ids = malloc((count ? count : 1) * sizeof(*b->ids));
	b->offset = malloc((count + 1) * sizeof(*b->offset));
	if (!b->ids || !b->offset)
		return oom(err);
	memcpy(b->ids, ids, count * sizeof(*ids));
	b->count = count;
	for (size_t i = 0; i <= count; i++)
		b->offset[i] = 0;
	for (size_t i = 1; i < count; i++)
		if (ids[i] <= ids[i - 1])
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "read samples: ids not ascending");
	if (filter_params_init(&p, f, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		capplan_db_array_add_int(&list, ids[i]);
	if (capplan_db_array_end(&list) < 0) {
		oom(err);
		goto done;
	}
	params[0] = list.data;
	params[1] = p.values[1];
	params[2] = p.values[2];
	res = capplan_db_query(db, "read samples",
	                       "DECLARE capplan_model_samples NO SCROLL CURSOR FOR"
	                       " SELECT x.series_id, x.ts, x.value FROM capplan.samples x"
	                       " WHERE x.series_id = ANY ($1::integer[])"
	                       " AND x.ts > $2::timestamptz AND x.ts <= $3::timestamptz",
	                       3, params, PGRES_COMMAND_OK, err);
	if (!res)
		goto done;
	PQclear(res);
	open = 1;
	for (;;) {
		int rows;

		/* binary results: no number or timestamp is printed and parsed back */
		res = PQexecParams(conn, "FETCH FORWARD " FETCH_ROWS " FROM capplan_model_samples", 0, NULL,
		                   NULL, NULL, NULL, 1);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			capplan_db_error(db, res, "read samples", err);
			PQclear(res);
			goto done;
		}
		rows = PQntuples(res);
		if (raw_add(&raw, b, res, err) < 0) {
			PQclear(res);
			goto done;
		}
		PQclear(res);
		if (rows == 0)
			break;
	}
	rc = batch_from_raw(b, &raw, err);
done:
	/* After a failure the transaction is aborted and the cursor gone with it. */
	if (open && rc == 0 &&
	    capplan_db_exec(db, "close the samples cursor", "CLOSE capplan_model_samples", err) < 0)
		rc = -1;
	free(raw.rows);
	capplan_strbuf_release(&list);
	capplan_strbuf_release(&p.metrics);
	return rc;
}

/* ---- one series' results ---- */

void
capplan_series_fit_release(struct capplan_series_fit *fit)
{
	if (fit->results) {
		capplan_select_release(fit->results, fit->nresults);
		free(fit->results);
	}
	memset(fit, 0, sizeof(*fit));
	fit->chosen = -1;
}

const char *
capplan_series_fit_status(const struct capplan_series_fit *fit, size_t i)
{
	const struct capplan_method_result *r = &fit->results[i];

	if (r->ok)
		return "ok";
	if (fit->skip_reason[0] || (r->method->needs_period && fit->period == 0))
		return "skipped";
	return "failed";
}

/* The error text of a result that is not ok. */
static const char *
fit_error(const struct capplan_series_fit *fit, size_t i)
{
	if (fit->results[i].ok)
		return NULL;
	return fit->skip_reason[0] ? fit->skip_reason : fit->results[i].error;
}

static int
json_string(struct capplan_strbuf *out, const char *s)
{
	if (capplan_strbuf_append_char(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;

		if (*p == '"' || *p == '\\')
			rc = capplan_strbuf_appendf(out, "\\%c", *p);
		else if (*p < 0x20)
			rc = capplan_strbuf_appendf(out, "\\u%04x", *p);
		else
			rc = capplan_strbuf_append_char(out, (char)*p);
		if (rc < 0)
			return -1;
	}
	return capplan_strbuf_append_char(out, '"');
}

int
capplan_store_params_json(const struct capplan_fit_info *info, struct capplan_strbuf *out)
{
	if (capplan_strbuf_append_char(out, '{') < 0)
		return -1;
	for (size_t i = 0; i < info->nparams && i < CAPPLAN_FIT_MAX_PARAMS; i++) {
		double v = info->params[i];

		if ((i && capplan_strbuf_append_char(out, ',') < 0) ||
		    json_string(out, info->param_names[i] ? info->param_names[i] : "") < 0 ||
		    capplan_strbuf_append_char(out, ':') < 0)
			return -1;
		if (isfinite(v) ? capplan_strbuf_appendf(out, "%.17g", v) < 0
		                : capplan_strbuf_append_str(out, "null") < 0)
			return -1;
	}
	return capplan_strbuf_append_char(out, '}');
}

/* ---- writing: binary COPY ---- */

struct copy_out {
	struct capplan_db *db;
	struct capplan_strbuf buf;
	struct capplan_strbuf json;    /* scratch for params */
};

/* Room for n more bytes at the end of the buffer; the caller advances len. */
static unsigned char *
room(struct capplan_strbuf *sb, size_t n)
{
	if (capplan_strbuf_reserve(sb, n) < 0)
		return NULL;
	return (unsigned char *)sb->data + sb->len;
}

static void
advance(struct capplan_strbuf *sb, const unsigned char *end)
{
	sb->len = (size_t)(end - (const unsigned char *)sb->data);
	sb->data[sb->len] = '\0';
}

static int
flush(struct copy_out *co, int force, struct capplan_error *err)
{
	if (co->buf.len == 0 || (!force && co->buf.len < COPY_FLUSH_BYTES))
		return 0;
	if (capplan_db_copy_put(co->db, co->buf.data, co->buf.len, err) < 0)
		return -1;
	capplan_strbuf_reset(&co->buf);
	return 0;
}

static unsigned char *
put_null(unsigned char *p)
{
	return capplan_copy_put32(p, UINT32_MAX);   /* length -1 */
}

static unsigned char *
put_bytes(unsigned char *p, const void *data, size_t len)
{
	p = capplan_copy_put32(p, (uint32_t)len);
	memcpy(p, data, len);
	return p + len;
}

/* A float8, or NULL when it is not finite. */
static unsigned char *
put_double_or_null(unsigned char *p, double v)
{
	return isfinite(v) ? capplan_copy_field64(p, capplan_copy_double(v)) : put_null(p);
}

static unsigned char *
put_int(unsigned char *p, size_t v)
{
	return capplan_copy_field32(p, (uint32_t)(v > INT32_MAX ? INT32_MAX : v));
}

static int
copy_start(struct copy_out *co, const char *purpose, const char *sql, struct capplan_error *err)
{
	capplan_strbuf_reset(&co->buf);
	if (capplan_db_copy_begin(co->db, purpose, sql, err) < 0)
		return -1;
	if (capplan_strbuf_append(&co->buf, capplan_copy_header, sizeof(capplan_copy_header)) < 0) {
		capplan_db_copy_abort(co->db, "out of memory");
		return oom(err);
	}
	return 0;
}

static int
copy_finish(struct copy_out *co, struct capplan_error *err)
{
	if (capplan_strbuf_append(&co->buf, capplan_copy_trailer, sizeof(capplan_copy_trailer)) < 0) {
		capplan_db_copy_abort(co->db, "out of memory");
		return oom(err);
	}
	if (flush(co, 1, err) < 0)
		return -1;
	return capplan_db_copy_end(co->db, err) < 0 ? -1 : 0;
}

/* Fields of model_fits, in the order of the COPY statement below. */
#define FITS_COPY \
	"COPY capplan.model_fits (run_id, series_id, method, chosen, status, error, params, sigma," \
	" sse, nobs, mase, coverage80, coverage95, origins, step_ms, period, points, points_filled," \
	" points_missing, interval_scale80, interval_scale95) FROM STDIN (FORMAT binary)"
#define FITS_FIELDS 21

static int
fit_row(struct copy_out *co, int64_t run_id, const struct capplan_series_fit *fit, size_t i,
        struct capplan_error *err)
{
	const struct capplan_method_result *r = &fit->results[i];
	const char *status = capplan_series_fit_status(fit, i);
	const char *error = fit_error(fit, i);
	int skipped = strcmp(status, "skipped") == 0;
	size_t name_len = strlen(r->method->name), status_len = strlen(status);
	size_t error_len = error ? strlen(error) : 0;
	unsigned char *p;

	capplan_strbuf_reset(&co->json);
	if ((r->ok ? capplan_store_params_json(&r->info, &co->json)
	           : capplan_strbuf_append_str(&co->json, "{}")) < 0)
		return oom(err);
	p = room(&co->buf, 2 + FITS_FIELDS * 12 + name_len + status_len + error_len + co->json.len + 1);
	if (!p)
		return oom(err);
	p = capplan_copy_put16(p, FITS_FIELDS);
	p = capplan_copy_field64(p, (uint64_t)run_id);
	p = capplan_copy_field32(p, (uint32_t)fit->series_id);
	p = put_bytes(p, r->method->name, name_len);
	p = capplan_copy_put32(p, 1);
	*p++ = (unsigned char)(fit->chosen == (int)i);
	p = put_bytes(p, status, status_len);
	p = error ? put_bytes(p, error, error_len) : put_null(p);
	/* jsonb in binary: a version byte (1), then the text */
	p = capplan_copy_put32(p, (uint32_t)(co->json.len + 1));
	*p++ = 1;
	memcpy(p, co->json.data, co->json.len);
	p += co->json.len;
	if (r->ok) {
		p = put_double_or_null(p, r->info.sigma);
		p = put_double_or_null(p, r->info.sse);
		p = put_int(p, r->info.nobs);
	} else {
		p = put_null(put_null(put_null(p)));
	}
	if (skipped) {
		p = put_null(put_null(put_null(put_null(p))));
	} else {
		p = put_double_or_null(p, r->mase);
		p = put_double_or_null(p, r->coverage80);
		p = put_double_or_null(p, r->coverage95);
		p = put_int(p, r->origins_scored);
	}
	if (fit->prepared) {
		p = capplan_copy_field64(p, (uint64_t)fit->step_ms);
		p = fit->period ? put_int(p, fit->period) : put_null(p);
		p = put_int(p, fit->points);
		p = put_int(p, fit->filled);
		p = put_int(p, fit->missing);
	} else {
		p = put_null(put_null(put_null(put_null(put_null(p)))));
	}
	if (r->ok) {
		p = put_double_or_null(p, r->scale80);
		p = put_double_or_null(p, r->scale95);
	} else {
		p = put_null(put_null(p));
	}
	advance(&co->buf, p);
	return flush(co, 0, err);
}

#define POINTS_COPY \
	"COPY capplan.forecast_points (run_id, series_id, method, ts, yhat, lo80, hi80, lo95, hi95)" \
	" FROM STDIN (FORMAT binary)"
#define POINTS_FIELDS 9

static int
point_rows(struct copy_out *co, int64_t run_id, const struct capplan_series_fit *fit, size_t i,
           struct capplan_error *err)
{
	const struct capplan_method_result *r = &fit->results[i];
	const struct capplan_forecast *f = &r->forecast;
	size_t name_len = strlen(r->method->name);
	/* field count, run_id, series_id, method, ts and five float8 */
	size_t row = 2 + 12 + 8 + 4 + name_len + 12 + 5 * 12;

	for (size_t k = 0; k < f->h; k++) {
		unsigned char *p = room(&co->buf, row);

		if (!p)
			return oom(err);
		p = capplan_copy_put16(p, POINTS_FIELDS);
		p = capplan_copy_field64(p, (uint64_t)run_id);
		p = capplan_copy_field32(p, (uint32_t)fit->series_id);
		p = put_bytes(p, r->method->name, name_len);
		p = capplan_copy_field64(p, capplan_copy_timestamp(
			capplan_grid_time(fit->last_ms, fit->step_ms, fit->months, (int64_t)k + 1)));
		p = capplan_copy_field64(p, capplan_copy_double(f->yhat[k]));
		p = put_double_or_null(p, f->lo80[k]);
		p = put_double_or_null(p, f->hi80[k]);
		p = put_double_or_null(p, f->lo95[k]);
		p = put_double_or_null(p, f->hi95[k]);
		advance(&co->buf, p);
		if (co->buf.len >= COPY_FLUSH_BYTES && flush(co, 1, err) < 0)
			return -1;
	}
	return 0;
}

/* Whether result i of fit has forecast points to store. */
static int
stored_points(const struct capplan_series_fit *fit, size_t i, int all_forecasts)
{
	const struct capplan_method_result *r = &fit->results[i];

	return r->ok && r->forecast.h > 0 && (all_forecasts || fit->chosen == (int)i);
}

int
capplan_store_write_fits(struct capplan_db *db, int64_t run_id,
                         const struct capplan_series_fit *fits, size_t count,
                         int all_forecasts, struct capplan_error *err)
{
	struct copy_out co = { db, CAPPLAN_STRBUF_INIT, CAPPLAN_STRBUF_INIT };
	int rc = -1, any_points = 0;

	if (count == 0)
		return 0;
	if (copy_start(&co, "start COPY of model fits", FITS_COPY, err) < 0)
		goto done;
	for (size_t s = 0; s < count; s++)
		for (size_t i = 0; i < fits[s].nresults; i++) {
			if (fit_row(&co, run_id, &fits[s], i, err) < 0)
				goto abort;
			any_points |= stored_points(&fits[s], i, all_forecasts);
		}
	if (copy_finish(&co, err) < 0)
		goto done;
	if (any_points) {
		if (copy_start(&co, "start COPY of forecast points", POINTS_COPY, err) < 0)
			goto done;
		for (size_t s = 0; s < count; s++)
			for (size_t i = 0; i < fits[s].nresults; i++)
				if (stored_points(&fits[s], i, all_forecasts) &&
				    point_rows(&co, run_id, &fits[s], i, err) < 0)
					goto abort;
		if (copy_finish(&co, err) < 0)
			goto done;
	}
	rc = 0;
	goto done;
abort:
	capplan_db_copy_abort(db, "model results abandoned");
done:
	capplan_strbuf_release(&co.buf);
	capplan_strbuf_release(&co.json);
	return rc;
}

/* ---- the run row ---- */

static int
exec_params(struct capplan_db *db, const char *purpose, const char *sql, int n,
            const char *const *values, struct capplan_error *err)
{
	PGresult *res = capplan_db_query(db, purpose, sql, n, values, PGRES_TUPLES_OK, err);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int
capplan_store_run_begin(struct capplan_db *db, const struct capplan_run_record *rec,
                        int64_t *run_id, struct capplan_error *err)
{
	struct capplan_strbuf methods = CAPPLAN_STRBUF_INIT;
	char as_of[CAPPLAN_TIME_BUFSZ], history[24], horizon[24], id[24];
	const char *params[6];
	PGresult *res;
	int bad = 0;

	for (size_t i = 0; i < rec->nmethods && !bad; i++)
		bad = capplan_db_array_add_text(&methods, rec->methods[i].name) < 0;
	if (bad || capplan_db_array_end(&methods) < 0) {
		capplan_strbuf_release(&methods);
		return oom(err);
	}
	snprintf(history, sizeof(history), "%" PRId64, rec->history_ms);
	snprintf(horizon, sizeof(horizon), "%" PRId64, rec->horizon_ms);
	params[0] = capplan_time_format(rec->as_of_ms, as_of);
	params[1] = rec->history_ms > 0 ? history : NULL;
	params[2] = horizon;
	params[3] = methods.data;
	params[4] = rec->version;
	params[5] = rec->all_forecasts ? "all" : "chosen";
	if (capplan_db_begin(db, err) < 0)
		goto fail;
	res = capplan_db_query(db, "record the model run",
	                       "INSERT INTO capplan.model_runs (as_of, history_ms, horizon_ms, methods, version,"
	                       " forecasts) VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING id",
	                       6, params, PGRES_TUPLES_OK, err);
	if (!res)
		goto fail;
	*run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	/* Session-level: held after COMMIT, until the run ends or its process dies. */
	snprintf(id, sizeof(id), "%" PRId64, *run_id);
	params[0] = id;
	if (exec_params(db, "lock the model run", "SELECT pg_advisory_lock($1::bigint)", 1, params, err) < 0 ||
	    capplan_db_commit(db, err) < 0)
		goto fail;
	capplan_strbuf_release(&methods);
	return 0;

fail:
	capplan_db_rollback(db);
	capplan_strbuf_release(&methods);
	return -1;
}

int
capplan_store_mark_interrupted(struct capplan_db *db, int64_t run_id, size_t *marked,
                               struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };
	PGresult *res;

	*marked = 0;
	snprintf(id, sizeof(id), "%" PRId64, run_id);
	/*
	 * A 'running' run holds its lock from before its row could be seen: when
	 * the lock is free, its session is gone.  The candidates are materialised
	 * first so that the lock is tried on 'running' runs only; each lock taken
	 * is released at once.
	 */
	res = capplan_db_query(db, "mark interrupted runs",
	                       "WITH candidates AS MATERIALIZED ("
	                       "  SELECT id FROM capplan.model_runs"
	                       "  WHERE status = 'running' AND id <> $1::bigint ORDER BY id),"
	                       " dead AS MATERIALIZED ("
	                       "  SELECT id FROM candidates WHERE pg_try_advisory_lock(id)),"
	                       " marked AS ("
	                       "  UPDATE capplan.model_runs r SET status = 'failed', message = 'interrupted',"
	                       "  finished_at = clock_timestamp() FROM dead"
	                       "  WHERE r.id = dead.id AND r.status = 'running' RETURNING r.id)"
	                       " SELECT (SELECT count(*) FROM marked),"
	                       "  (SELECT count(*) FROM dead WHERE pg_advisory_unlock(id))",
	                       1, params, PGRES_TUPLES_OK, err);
	if (!res)
		return -1;
	*marked = (size_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int
capplan_store_run_succeeded(struct capplan_db *db, int64_t run_id, size_t total, size_t fitted,
                            size_t skipped, struct capplan_error *err)
{
	char id[24], t[24], f[24], s[24];
	const char *params[4] = { id, t, f, s };
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	snprintf(t, sizeof(t), "%zu", total);
	snprintf(f, sizeof(f), "%zu", fitted);
	snprintf(s, sizeof(s), "%zu", skipped);
	res = capplan_db_query(db, "mark the run succeeded",
	                       "UPDATE capplan.model_runs SET status = 'succeeded',"
	                       " finished_at = clock_timestamp(), series_total = $2, series_fitted = $3,"
	                       " series_skipped = $4 WHERE id = $1",
	                       4, params, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int
capplan_store_accuracy(struct capplan_db *db, int64_t run_id, int64_t as_of_ms, size_t *scored,
                       struct capplan_error *err)
{
	char id[24], as_of[CAPPLAN_TIME_BUFSZ];
	const char *params[2] = { id, as_of };
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	capplan_time_format(as_of_ms, as_of);
	res = capplan_db_query(db, "score earlier forecasts against the actuals",
	                       "INSERT INTO capplan.accuracy (evaluated_in, run_id, series_id, method,"
	                       " points, first_ts, last_ts, mae, mape, bias, coverage80, coverage95)"
	                       " SELECT $1, p.run_id, p.series_id, p.method, count(*), min(p.ts), max(p.ts),"
	                       "  avg(abs(x.value - p.yhat)),"
	                       "  avg(abs(x.value - p.yhat) / abs(x.value)) FILTER (WHERE x.value <> 0),"
	                       "  avg(p.yhat - x.value),"
	                       "  avg((x.value BETWEEN p.lo80 AND p.hi80)::int),"
	                       "  avg((x.value BETWEEN p.lo95 AND p.hi95)::int)"
	                       " FROM capplan.model_runs r"
	                       " JOIN capplan.model_fits f ON f.run_id = r.id AND f.chosen"
	                       " JOIN capplan.forecast_points p ON p.run_id = f.run_id"
	                       "  AND p.series_id = f.series_id AND p.method = f.method"
	                       " JOIN capplan.samples x ON x.series_id = p.series_id AND x.ts = p.ts"
	                       " WHERE r.status = 'succeeded' AND r.id <> $1 AND r.as_of < $2::timestamptz"
	                       "  AND p.ts <= $2::timestamptz AND x.value = x.value"
	                       "  AND x.value <> 'Infinity' AND x.value <> '-Infinity'"
	                       " GROUP BY p.run_id, p.series_id, p.method",
	                       2, params, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	*scored = (size_t)strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int
capplan_store_run_unlock(struct capplan_db *db, int64_t run_id, struct capplan_error *err)
{
	char id[24];
	const char *params[1] = { id };

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	return exec_params(db, "unlock the model run", "SELECT pg_advisory_unlock($1::bigint)", 1,
	                   params, err);
}

int
capplan_store_run_failed(struct capplan_db *db, int64_t run_id, const char *message,
                         struct capplan_error *err)
{
	char id[24];
	const char *params[2] = { id, message };
	PGresult *res;

	snprintf(id, sizeof(id), "%" PRId64, run_id);
	res = capplan_db_query(db, "mark the run failed",
	                       "UPDATE capplan.model_runs SET status = 'failed', message = $2,"
	                       " finished_at = clock_timestamp() WHERE id = $1 AND status = 'running'",
	                       2, params, PGRES_COMMAND_OK, err);
	if (!res)
		return -1;
	PQclear(res);
	return capplan_store_run_unlock(db, run_id, err);
}
