/*
 * lib/sources/prom_json.c: Prometheus HTTP API answers, parsed as a stream.
 *
 * YAJL calls us for every JSON token; a small stack of frames says where in
 * the answer we are (top object, data, result array, one result, its metric,
 * its values, one [timestamp, "value"] pair).  Keys we do not know are skipped
 * whole, so newer Prometheus fields ("stats", "infos") do no harm.
 */
#include "sources/prom_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "util/number.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define MAX_DEPTH 16

enum frame {
	F_TOP,        /* the answer's object */
	F_DATA,       /* "data" */
	F_RESULT,     /* "data"."result": results, or the pair of a scalar */
	F_ENTRY,      /* one result */
	F_METRIC,     /* its "metric" */
	F_VALUES,     /* its "values" (matrix) */
	F_PAIR,       /* one [timestamp, "value"] */
	F_WARNINGS,   /* "warnings" */
	F_HISTOGRAMS, /* "histograms" / "histogram": counted, not stored */
	F_SKIP        /* anything we do not read */
};

enum key {
	K_NONE, K_STATUS, K_DATA, K_ERROR_TYPE, K_ERROR, K_WARNINGS, K_RESULT_TYPE, K_RESULT,
	K_METRIC, K_VALUES, K_VALUE, K_HISTOGRAMS, K_LABEL, K_OTHER
};

/* A sample read before its result's "metric": held until the series is known. */
struct pending {
	int64_t ts;
	double value;
	int64_t pos;
};

struct capplan_prom_json {
	yajl_handle yajl;
	char *name;
	struct capplan_prom_json_options options;
	struct capplan_sink *sink;
	int scope;

	enum frame stack[MAX_DEPTH];
	int depth;
	enum key key;                 /* the key whose value comes next */
	struct capplan_strbuf label_name;
	int skip_depth;               /* nesting inside an F_SKIP value */

	/* the answer */
	char *status;
	char *error_type;
	char *error_text;
	char *result_type;
	int saw_data, saw_result;

	/* the current result */
	struct capplan_labels labels;
	char *metric;                 /* __name__ */
	int have_series;
	int handle;
	struct pending *pending;
	size_t npending, pending_cap;
	int64_t entry_pos;

	int scalar;                   /* "result" is a scalar's [timestamp, "value"] */

	/* the current pair */
	int pair_index;
	int64_t pair_ts;
	int pair_ok;

	size_t series, samples;

	/* where we are, for messages */
	uint64_t fed;                 /* bytes of earlier chunks */
	uint64_t lines;               /* newlines in earlier chunks */
	uint64_t line_start;          /* offset just after the last of them */
	uint64_t token_end;           /* just after the last token a callback saw */
	uint64_t token_lines;         /* when that is in an earlier chunk: newlines before it */
	uint64_t token_line_start;    /* and the offset just after the last of those */
	const unsigned char *chunk;
	size_t chunk_len;

	struct capplan_error *err;    /* where callbacks put their error */
	int failed;                   /* a callback set err */
};

/* ---- places ---- */

static uint64_t
offset_now(const struct capplan_prom_json *p)
{
	return p->fed + (p->chunk ? yajl_get_bytes_consumed(p->yajl) : 0);
}

/* "NAME:LINE:COLUMN" of byte offset off, which lies in the current chunk or before. */
static void
place_of(const struct capplan_prom_json *p, uint64_t off, char *out, size_t outsz)
{
	uint64_t line = p->lines + 1, start = p->line_start;

	if (p->chunk && off > p->fed) {
		size_t n = (size_t)(off - p->fed);

		if (n > p->chunk_len)
			n = p->chunk_len;
		for (size_t i = 0; i < n; i++)
			if (p->chunk[i] == '\n') {
				line++;
				start = p->fed + i + 1;
			}
	}
	snprintf(out, outsz, "%s:%llu:%llu", p->name, (unsigned long long)line,
	         (unsigned long long)(off >= start ? off - start + 1 : 1));
}

/* Fail inside a callback: message at the current place; stops the parse. */
__attribute__((format(printf, 2, 3))) static int
fail(struct capplan_prom_json *p, const char *fmt, ...)
{
	char place[512], what[CAPPLAN_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	place_of(p, offset_now(p), place, sizeof(place));
	capplan_error_set(p->err, CAPPLAN_EX_DATAERR, "%s: %s", place, what);
	p->failed = 1;
	return 0;   /* yajl: stop */
}

/* A sink or label error already has its message; give it our place if it has none. */
static int
fail_from(struct capplan_prom_json *p)
{
	char place[512];

	if (p->err->status == CAPPLAN_EX_DATAERR && strncmp(p->err->msg, p->name, strlen(p->name)) != 0) {
		place_of(p, offset_now(p), place, sizeof(place));
		capplan_error_prefix(p->err, "%s", place);
	}
	p->failed = 1;
	return 0;
}

/* ---- the stack ---- */

static enum frame
top(const struct capplan_prom_json *p)
{
	return p->depth > 0 ? p->stack[p->depth - 1] : F_SKIP;
}

static int
push(struct capplan_prom_json *p, enum frame f)
{
	if (p->depth == MAX_DEPTH)
		return fail(p, "nested too deeply for a Prometheus answer");
	p->stack[p->depth++] = f;
	p->key = K_NONE;
	return 1;
}

static char *
dup_text(const unsigned char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* ---- the current result ---- */

static void
entry_reset(struct capplan_prom_json *p)
{
	capplan_labels_clear(&p->labels);
	free(p->metric);
	p->metric = NULL;
	p->have_series = 0;
	p->handle = -1;
	p->npending = 0;
	p->entry_pos = (int64_t)offset_now(p);
}

/* The result's series is known: name it, open it, and hand over held samples. */
static int
entry_open(struct capplan_prom_json *p)
{
	const char *metric = p->metric && !p->options.force_metric ? p->metric : p->options.metric;
	const struct capplan_labels *extra = p->options.labels;
	struct capplan_strbuf shown = CAPPLAN_STRBUF_INIT;

	if (!metric || !*metric) {
		capplan_labels_format_series(NULL, &p->labels, &shown);
		fail(p, "series %s has no __name__ (the result of an aggregation?)",
		     capplan_strbuf_str(&shown));
		capplan_error_hint(p->err, "name it with --metric");
		capplan_strbuf_release(&shown);
		return 0;
	}
	for (size_t i = 0; extra && i < extra->count; i++) {
		const char *own = capplan_labels_get(&p->labels, extra->items[i].name);

		if (own && strcmp(own, extra->items[i].value) != 0)
			return fail(p, "label %s=\"%s\" given by --label conflicts with the series' own value \"%s\"",
			            extra->items[i].name, extra->items[i].value, own);
		if (!own && capplan_labels_set(&p->labels, extra->items[i].name, extra->items[i].value,
		                               p->err) < 0)
			return fail_from(p);
	}
	p->handle = p->sink->open_series(p->sink, p->scope, metric, &p->labels, p->entry_pos, p->err);
	if (p->handle < 0)
		return fail_from(p);
	p->have_series = 1;
	p->series++;
	for (size_t i = 0; i < p->npending; i++)
		if (p->sink->add_sample(p->sink, p->handle, p->pending[i].ts, p->pending[i].value,
		                        p->pending[i].pos, p->err) < 0)
			return fail_from(p);
	p->npending = 0;
	return 1;
}

static int
entry_sample(struct capplan_prom_json *p, int64_t ts, double value)
{
	int64_t pos = (int64_t)offset_now(p);

	p->samples++;
	if (p->have_series) {
		if (p->sink->add_sample(p->sink, p->handle, ts, value, pos, p->err) < 0)
			return fail_from(p);
		return 1;
	}
	if (p->npending == p->pending_cap) {
		size_t cap = p->pending_cap ? p->pending_cap * 2 : 64;
		struct pending *grown = realloc(p->pending, cap * sizeof(*grown));

		if (!grown) {
			capplan_error_set(p->err, CAPPLAN_EX_SOFTWARE, "out of memory");
			p->failed = 1;
			return 0;
		}
		p->pending = grown;
		p->pending_cap = cap;
	}
	p->pending[p->npending].ts = ts;
	p->pending[p->npending].value = value;
	p->pending[p->npending].pos = pos;
	p->npending++;
	return 1;
}

/* ---- the pair [timestamp, "value"] ---- */

static int
pair_begin(struct capplan_prom_json *p, enum frame f)
{
	p->pair_index = 0;
	p->pair_ok = 0;
	return push(p, f);
}

static int
pair_item(struct capplan_prom_json *p, const unsigned char *s, size_t len, int is_string)
{
	struct capplan_error tserr;
	char shown[CAPPLAN_QUOTE_BUFSZ];
	double value;

	switch (p->pair_index++) {
	case 0:
		if (capplan_time_parse_unix((const char *)s, len, &p->pair_ts, &tserr) < 0)
			return fail(p, "%s", tserr.msg);
		return 1;
	case 1:
		if (!is_string)
			return fail(p, "sample value must be a string, as Prometheus writes it, got %s",
			            capplan_quote(shown, sizeof(shown), (const char *)s, len));
		if (capplan_value_parse((const char *)s, len, &value) < 0)
			return fail(p, "invalid sample value \"%s\"",
			            capplan_quote(shown, sizeof(shown), (const char *)s, len));
		p->pair_ok = 1;
		return entry_sample(p, p->pair_ts, value);
	default:
		return fail(p, "a sample is [timestamp, \"value\"]: too many elements");
	}
}

static int
pair_end(struct capplan_prom_json *p)
{
	if (!p->pair_ok)
		return fail(p, "a sample is [timestamp, \"value\"]: too few elements");
	return 1;
}

/* ---- YAJL callbacks ---- */

static enum key
key_of(enum frame f, const unsigned char *s, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
	switch (f) {
	case F_TOP:
		if (IS("status")) return K_STATUS;
		if (IS("data")) return K_DATA;
		if (IS("errorType")) return K_ERROR_TYPE;
		if (IS("error")) return K_ERROR;
		if (IS("warnings")) return K_WARNINGS;
		return K_OTHER;
	case F_DATA:
		if (IS("resultType")) return K_RESULT_TYPE;
		if (IS("result")) return K_RESULT;
		return K_OTHER;
	case F_ENTRY:
		if (IS("metric")) return K_METRIC;
		if (IS("values")) return K_VALUES;
		if (IS("value")) return K_VALUE;
		if (IS("histograms") || IS("histogram")) return K_HISTOGRAMS;
		return K_OTHER;
	case F_METRIC:
		return K_LABEL;
	default:
		return K_OTHER;
	}
#undef IS
}

/*
 * A scalar (string, number, bool or null) arrived.  is_string tells strings from
 * the raw text of numbers and literals.
 */
static int
on_scalar(struct capplan_prom_json *p, const unsigned char *s, size_t len, int is_string)
{
	enum frame f = top(p);
	enum key k = p->key;

	p->token_end = offset_now(p);
	p->key = K_NONE;
	if (p->skip_depth > 0)
		return 1;
	switch (f) {
	case F_TOP:
		if (k == K_STATUS || k == K_ERROR_TYPE || k == K_ERROR) {
			char **slot = k == K_STATUS ? &p->status : k == K_ERROR_TYPE ? &p->error_type : &p->error_text;

			if (!is_string)
				return fail(p, "\"%s\" must be a string",
				            k == K_STATUS ? "status" : k == K_ERROR ? "error" : "errorType");
			free(*slot);
			*slot = dup_text(s, len);
			return 1;
		}
		if (k == K_DATA || k == K_WARNINGS)
			return fail(p, "\"%s\" must be %s", k == K_DATA ? "data" : "warnings",
			            k == K_DATA ? "an object" : "an array");
		return 1;
	case F_DATA:
		if (k == K_RESULT_TYPE) {
			free(p->result_type);
			p->result_type = dup_text(s, len);
			if (p->result_type && strcmp(p->result_type, "string") == 0)
				return fail(p, "resultType \"string\" holds no series");
			return 1;
		}
		if (k == K_RESULT)
			return fail(p, "\"result\" must be an array");
		return 1;
	case F_RESULT:
		/* A scalar: "result": [timestamp, "value"] */
		if (!p->scalar) {
			if (p->series > 0)
				return fail(p, "unexpected value in \"result\"");
			p->scalar = 1;
			entry_reset(p);
		}
		return pair_item(p, s, len, is_string);
	case F_PAIR:
		return pair_item(p, s, len, is_string);
	case F_METRIC:
		if (!is_string)
			return fail(p, "label values must be strings");
		if (strcmp(capplan_strbuf_str(&p->label_name), "__name__") == 0) {
			free(p->metric);
			p->metric = dup_text(s, len);
			return 1;
		}
		if (capplan_labels_add(&p->labels, p->label_name.data, p->label_name.len,
		                       (const char *)s, len, p->err) < 0)
			return fail_from(p);
		return 1;
	case F_WARNINGS:
		if (is_string && p->options.on_warning) {
			char *text = dup_text(s, len);

			if (text)
				p->options.on_warning(p->options.warning_ctx, p->name, text);
			free(text);
		}
		return 1;
	case F_ENTRY:
		if (k == K_METRIC || k == K_VALUES || k == K_VALUE)
			return fail(p, "\"%s\" has the wrong type", k == K_METRIC ? "metric" :
			            k == K_VALUES ? "values" : "value");
		return 1;
	case F_VALUES:
		return fail(p, "\"values\" must hold [timestamp, \"value\"] pairs");
	default:
		return 1;
	}
}

static int
cb_null(void *ctx)
{
	return on_scalar(ctx, (const unsigned char *)"null", 4, 0);
}

static int
cb_boolean(void *ctx, int b)
{
	return on_scalar(ctx, (const unsigned char *)(b ? "true" : "false"), b ? 4 : 5, 0);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return on_scalar(ctx, (const unsigned char *)s, len, 0);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return on_scalar(ctx, s, len, 1);
}

static int
cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct capplan_prom_json *p = ctx;

	p->token_end = offset_now(p);
	if (p->skip_depth > 0)
		return 1;
	p->key = key_of(top(p), s, len);
	if (p->key == K_LABEL) {
		capplan_strbuf_reset(&p->label_name);
		if (capplan_strbuf_append(&p->label_name, s, len) < 0) {
			capplan_error_set(p->err, CAPPLAN_EX_SOFTWARE, "out of memory");
			p->failed = 1;
			return 0;
		}
	}
	return 1;
}

/* An object or array opens: which frame it is. */
static int
on_open(struct capplan_prom_json *p, int is_map)
{
	enum frame f = top(p);
	enum key k = p->key;

	p->token_end = offset_now(p);
	if (p->skip_depth > 0) {
		p->skip_depth++;
		return 1;
	}
	if (p->depth == 0) {
		if (!is_map)
			return fail(p, "not a Prometheus API answer: expected an object");
		return push(p, F_TOP);
	}
	switch (f) {
	case F_TOP:
		if (k == K_DATA && is_map) {
			p->saw_data = 1;
			return push(p, F_DATA);
		}
		if (k == K_WARNINGS && !is_map)
			return push(p, F_WARNINGS);
		if (k == K_DATA || k == K_WARNINGS || k == K_STATUS || k == K_ERROR || k == K_ERROR_TYPE)
			return fail(p, "unexpected %s for \"%s\"", is_map ? "object" : "array",
			            k == K_DATA ? "data" : k == K_WARNINGS ? "warnings" : "status");
		break;
	case F_DATA:
		if (k == K_RESULT && !is_map) {
			p->saw_result = 1;
			p->pair_index = 0;
			p->pair_ok = 0;
			return push(p, F_RESULT);
		}
		if (k == K_RESULT)
			return fail(p, "\"result\" must be an array");
		break;
	case F_RESULT:
		if (is_map && !p->scalar) {
			if (push(p, F_ENTRY) == 0)
				return 0;
			entry_reset(p);
			return 1;
		}
		return fail(p, "unexpected %s in \"result\"", is_map ? "object" : "array");
	case F_ENTRY:
		if (k == K_METRIC && is_map)
			return push(p, F_METRIC);
		if (k == K_VALUES && !is_map)
			return push(p, F_VALUES);
		if (k == K_VALUE && !is_map)
			return pair_begin(p, F_PAIR);
		if (k == K_HISTOGRAMS && !is_map)
			return push(p, F_HISTOGRAMS);
		if (k == K_METRIC || k == K_VALUES || k == K_VALUE)
			return fail(p, "\"%s\" has the wrong type", k == K_METRIC ? "metric" :
			            k == K_VALUES ? "values" : "value");
		break;
	case F_VALUES:
		if (!is_map)
			return pair_begin(p, F_PAIR);
		return fail(p, "\"values\" must hold [timestamp, \"value\"] pairs");
	case F_METRIC:
		return fail(p, "label values must be strings");
	case F_PAIR:
		return fail(p, "a sample is [timestamp, \"value\"]");
	case F_HISTOGRAMS:
		/*
		 * One sample we cannot store: a [timestamp, {histogram}] pair of
		 * "histograms", or the {histogram} of a vector's "histogram" pair.
		 */
		p->sink->skip(p->sink, 1);
		break;
	default:
		break;
	}
	/* Something we do not read: skip it whole. */
	p->skip_depth = 1;
	p->key = K_NONE;
	return 1;
}

static int
on_close(struct capplan_prom_json *p)
{
	enum frame f;

	p->token_end = offset_now(p);
	if (p->skip_depth > 0) {
		p->skip_depth--;
		return 1;
	}
	f = top(p);
	p->depth--;
	p->key = K_NONE;
	switch (f) {
	case F_METRIC:
		return entry_open(p);
	case F_ENTRY:
		/* A result without "metric" is a series with no labels. */
		if (!p->have_series && entry_open(p) == 0)
			return 0;
		entry_reset(p);
		return 1;
	case F_PAIR:
		return pair_end(p);
	case F_RESULT:
		if (p->scalar) {
			/* the scalar's pair */
			if (pair_end(p) == 0)
				return 0;
			return p->have_series ? 1 : entry_open(p);
		}
		return 1;
	default:
		return 1;
	}
}

static int
cb_start_map(void *ctx)
{
	return on_open(ctx, 1);
}

static int
cb_end_map(void *ctx)
{
	return on_close(ctx);
}

static int
cb_start_array(void *ctx)
{
	return on_open(ctx, 0);
}

static int
cb_end_array(void *ctx)
{
	return on_close(ctx);
}

static const yajl_callbacks callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_boolean,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end_array,
};

/* ---- the API ---- */

struct capplan_prom_json *
capplan_prom_json_new(const char *name, const struct capplan_prom_json_options *options,
                      struct capplan_sink *sink, int scope, struct capplan_error *err)
{
	struct capplan_prom_json *p = calloc(1, sizeof(*p));

	if (!p)
		goto oom;
	p->name = strdup(name ? name : "-");
	if (options)
		p->options = *options;
	p->sink = sink;
	p->scope = scope;
	p->handle = -1;
	capplan_labels_init(&p->labels);
	capplan_strbuf_init(&p->label_name);
	p->yajl = yajl_alloc(&callbacks, NULL, p);
	if (!p->name || !p->yajl)
		goto oom;
	return p;

oom:
	capplan_prom_json_free(p);
	capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	return NULL;
}

void
capplan_prom_json_free(struct capplan_prom_json *p)
{
	if (!p)
		return;
	if (p->yajl)
		yajl_free(p->yajl);
	capplan_labels_release(&p->labels);
	capplan_strbuf_release(&p->label_name);
	free(p->pending);
	free(p->metric);
	free(p->status);
	free(p->error_type);
	free(p->error_text);
	free(p->result_type);
	free(p->name);
	free(p);
}

/* YAJL's own message for a syntax error, at the place it stopped. */
static int
syntax_error(struct capplan_prom_json *p, const unsigned char *data, size_t len,
             struct capplan_error *err)
{
	unsigned char *msg = yajl_get_error(p->yajl, 0, data, len);
	const char *text = (const char *)msg;
	char place[512];
	size_t n;

	if (strncmp(text, "parse error: ", 13) == 0)
		text += 13;
	n = strcspn(text, "\n");
	/*
	 * After a map's value, yajl moves its offset back by the length of the
	 * unexpected token, or to the start of the chunk when that token began
	 * in an earlier one: the place would depend on how the answer was cut.
	 * Place the error just after the value instead, where ',' or '}' belongs.
	 */
	if (strncmp(text, "after key and value", 19) != 0)
		place_of(p, offset_now(p), place, sizeof(place));
	else if (p->token_end >= p->fed)
		place_of(p, p->token_end, place, sizeof(place));
	else
		snprintf(place, sizeof(place), "%s:%llu:%llu", p->name,
		         (unsigned long long)p->token_lines + 1,
		         (unsigned long long)(p->token_end - p->token_line_start + 1));
	capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: invalid JSON: %.*s", place, (int)n, text);
	yajl_free_error(p->yajl, msg);
	return -1;
}

/* Account the finished chunk's lines, for places in later chunks. */
static void
advance(struct capplan_prom_json *p, const unsigned char *data, size_t len)
{
	const unsigned char *nl = data, *end = data + len;
	int token_here = p->token_end >= p->fed;   /* the last token ended in this chunk */

	if (token_here) {
		p->token_lines = p->lines;
		p->token_line_start = p->line_start;
	}
	while ((nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL) {
		p->lines++;
		p->line_start = p->fed + (uint64_t)(nl - data) + 1;
		if (token_here && p->line_start <= p->token_end) {
			p->token_lines = p->lines;
			p->token_line_start = p->line_start;
		}
		nl++;
	}
	p->fed += len;
}

int
capplan_prom_json_feed(struct capplan_prom_json *p, const void *data, size_t len,
                       struct capplan_error *err)
{
	yajl_status st;

	p->err = err;
	p->chunk = data;
	p->chunk_len = len;
	st = yajl_parse(p->yajl, data, len);
	if (st == yajl_status_client_canceled || p->failed)
		return -1;
	if (st == yajl_status_error)
		return syntax_error(p, data, len, err);
	advance(p, data, len);
	p->chunk = NULL;
	return 0;
}

int
capplan_prom_json_finish(struct capplan_prom_json *p, struct capplan_error *err)
{
	char place[512];
	yajl_status st;

	p->err = err;
	p->chunk = NULL;
	st = yajl_complete_parse(p->yajl);
	if (p->failed || st == yajl_status_client_canceled)
		return -1;
	place_of(p, p->fed, place, sizeof(place));
	if (st == yajl_status_error) {
		/* Nothing opened: the input was empty or only white space. */
		if (p->depth == 0)
			return capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: empty input", p->name);
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%s: invalid JSON: the answer ends early (truncated?)", place);
	}
	if (!p->status)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%s: not a Prometheus API answer: no \"status\"", p->name);
	if (strcmp(p->status, "error") == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: Prometheus answered with an error: %s: %s",
		                         p->name, p->error_type ? p->error_type : "(no errorType)",
		                         p->error_text ? p->error_text : "(no error text)");
	if (strcmp(p->status, "success") != 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: unknown status \"%s\"", p->name,
		                         p->status);
	if (!p->saw_data || !p->saw_result)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "%s: not a Prometheus API answer: no \"data\".\"result\"", p->name);
	return 0;
}

size_t
capplan_prom_json_series_count(const struct capplan_prom_json *p)
{
	return p->series;
}

size_t
capplan_prom_json_sample_count(const struct capplan_prom_json *p)
{
	return p->samples;
}

const char *
capplan_prom_json_error_type(const struct capplan_prom_json *p)
{
	return p->status && strcmp(p->status, "error") == 0 ? p->error_type : NULL;
}

int
capplan_prom_json_read(FILE *fp, const char *name, const struct capplan_prom_json_options *options,
                       struct capplan_sink *sink, int scope, struct capplan_error *err)
{
	unsigned char buf[64 * 1024];
	struct capplan_prom_json *p;
	size_t n;
	int rc = -1;

	p = capplan_prom_json_new(name, options, sink, scope, err);
	if (!p)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (capplan_prom_json_feed(p, buf, n, err) < 0)
			goto done;
	if (ferror(fp)) {
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: read error", name);
		goto done;
	}
	rc = capplan_prom_json_finish(p, err);
done:
	capplan_prom_json_free(p);
	return rc;
}
