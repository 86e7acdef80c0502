/*
 * lib/sources/prom_http.c: history from a live Prometheus, through libcurl.
 *
 * One libcurl multi handle drives at most max_in_flight transfers.  Each
 * transfer is one chunk of the time axis; its answer streams through its own
 * JSON parser into the sink under a scope of its own, so a chunk that has to
 * be asked again can be dropped from the sink without touching the others.
 */
#include "sources/prom_http.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "util/strbuf.h"
#include "util/timeutil.h"

#define DEFAULT_IN_FLIGHT 2
#define DEFAULT_MAX_SAMPLES 1000000
#define DEFAULT_TIMEOUT_MS (2 * 60 * 1000)
#define DEFAULT_RETRIES 3
#define DEFAULT_BACKOFF_MS 500
#define MAX_BACKOFF_MS (30 * 1000)
#define CONNECT_TIMEOUT_MS (10 * 1000)
/* An error body is small; keep no more of a non-200 answer than this. */
#define ERROR_BODY_MAX (64 * 1024)
/* Before the first answer the series count is unknown: assume this many. */
#define FIRST_GUESS_SERIES 1000

struct chunk {
	int64_t start_ms;
	int64_t points;
	int attempts;                /* failed attempts so far */
	int64_t not_before;          /* monotonic ms: a retry waits for its backoff */
};

struct transfer {
	CURL *easy;
	struct chunk chunk;
	int scope;
	char name[256];              /* "URL [start, end]" for messages */
	char *postfields;
	struct capplan_prom_json *parser;
	struct capplan_strbuf body;  /* non-200 answers */
	long http_code;
	int failed;                  /* the parser or the sink refused: fatal */
	struct capplan_error err;
	char curl_error[CURL_ERROR_SIZE];
};

struct fetch {
	const struct capplan_prom_fetch_options *o;
	struct capplan_sink *sink;
	CURLM *multi;
	struct curl_slist *headers;
	char *endpoint;
	char *escaped_query;
	struct transfer **active;     /* max_in_flight slots, NULL when free */
	struct chunk *queue;          /* chunks to (re)try before new ones */
	size_t nqueue, queue_cap;
	int64_t next_start;           /* first step not yet planned */
	uint64_t max_samples;         /* halved on each 422 */
	uint64_t series_seen;
	int next_scope;
	size_t done;
	uint64_t samples;
};

void
capplan_prom_fetch_defaults(struct capplan_prom_fetch_options *o)
{
	if (o->max_in_flight <= 0)
		o->max_in_flight = DEFAULT_IN_FLIGHT;
	if (o->max_samples == 0)
		o->max_samples = DEFAULT_MAX_SAMPLES;
	if (o->timeout_ms <= 0)
		o->timeout_ms = DEFAULT_TIMEOUT_MS;
	if (o->retries < 0)
		o->retries = DEFAULT_RETRIES;
	if (o->backoff_ms <= 0)
		o->backoff_ms = DEFAULT_BACKOFF_MS;
}

int64_t
capplan_prom_chunk_points(uint64_t max_samples, uint64_t series_seen)
{
	uint64_t series = series_seen ? series_seen : FIRST_GUESS_SERIES;
	uint64_t points = max_samples / series;

	if (points > CAPPLAN_PROM_MAX_POINTS)
		points = CAPPLAN_PROM_MAX_POINTS;
	return points ? (int64_t)points : 1;
}

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Unix seconds with milliseconds, as the API takes them ("1704067200.000"). */
static void
format_seconds(int64_t ms, char *buf, size_t bufsz)
{
	int64_t s = ms / 1000, frac = ms % 1000;

	if (frac < 0) {
		s -= 1;
		frac += 1000;
	}
	snprintf(buf, bufsz, "%" PRId64 ".%03" PRId64, s, frac);
}

static int64_t
chunk_end(const struct fetch *f, const struct chunk *c)
{
	int64_t end = c->start_ms + (c->points - 1) * f->o->step_ms;

	return end > f->o->end_ms ? f->o->end_ms : end;
}

/* ---- transfers ---- */

static void
transfer_free(struct fetch *f, struct transfer *t)
{
	if (!t)
		return;
	if (t->easy) {
		curl_multi_remove_handle(f->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	capplan_prom_json_free(t->parser);
	capplan_strbuf_release(&t->body);
	free(t->postfields);
	free(t);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct transfer *t = userdata;
	size_t n = size * nmemb;

	if (t->http_code == 0)
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->http_code);
	if (t->http_code == 200) {
		if (capplan_prom_json_feed(t->parser, data, n, &t->err) < 0) {
			t->failed = 1;
			return 0;   /* abort the transfer */
		}
		return n;
	}
	if (t->body.len < ERROR_BODY_MAX)
		capplan_strbuf_append(&t->body, data, n < ERROR_BODY_MAX ? n : ERROR_BODY_MAX);
	return n;
}

static int
transfer_start(struct fetch *f, const struct chunk *c, struct transfer **slot,
               struct capplan_error *err)
{
	struct transfer *t = calloc(1, sizeof(*t));
	char start[32], end[32], step[32], a[CAPPLAN_TIME_BUFSZ], b[CAPPLAN_TIME_BUFSZ];
	struct capplan_strbuf post = CAPPLAN_STRBUF_INIT;
	const struct capplan_prom_fetch_options *o = f->o;

	if (!t)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	t->chunk = *c;
	t->scope = f->next_scope++;
	capplan_strbuf_init(&t->body);
	snprintf(t->name, sizeof(t->name), "%s [%s, %s]", o->url, capplan_time_format(c->start_ms, a),
	         capplan_time_format(chunk_end(f, c), b));
	format_seconds(c->start_ms, start, sizeof(start));
	format_seconds(chunk_end(f, c), end, sizeof(end));
	format_seconds(o->step_ms, step, sizeof(step));
	if (capplan_strbuf_appendf(&post, "query=%s&start=%s&end=%s&step=%s", f->escaped_query, start,
	                           end, step) < 0)
		goto oom;
	t->postfields = capplan_strbuf_detach(&post);
	t->parser = capplan_prom_json_new(t->name, &o->json, f->sink, t->scope, err);
	if (!t->parser)
		goto fail;
	t->easy = curl_easy_init();
	if (!t->easy)
		goto oom;
	curl_easy_setopt(t->easy, CURLOPT_URL, f->endpoint);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->postfields);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, f->headers);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->curl_error);
	/* gzip and deflate both: Prometheus answers with the first it knows. */
	curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, (long)o->timeout_ms);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS,
	                 (long)(o->timeout_ms < CONNECT_TIMEOUT_MS ? o->timeout_ms : CONNECT_TIMEOUT_MS));
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "capplan-ingest");
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	if (o->cacert)
		curl_easy_setopt(t->easy, CURLOPT_CAINFO, o->cacert);
	if (curl_multi_add_handle(f->multi, t->easy) != CURLM_OK)
		goto oom;
	*slot = t;
	return 0;

oom:
	capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
fail:
	capplan_strbuf_release(&post);
	transfer_free(f, t);
	return -1;
}

/* ---- the chunk queue ---- */

static int
queue_push(struct fetch *f, struct chunk c)
{
	if (f->nqueue == f->queue_cap) {
		size_t cap = f->queue_cap ? f->queue_cap * 2 : 8;
		struct chunk *q = realloc(f->queue, cap * sizeof(*q));

		if (!q)
			return -1;
		f->queue = q;
		f->queue_cap = cap;
	}
	f->queue[f->nqueue++] = c;
	return 0;
}

/* The next chunk to start now, if any: a due retry first, else a new chunk. */
static int
next_chunk(struct fetch *f, int64_t now, struct chunk *out)
{
	for (size_t i = 0; i < f->nqueue; i++) {
		if (f->queue[i].not_before <= now) {
			*out = f->queue[i];
			memmove(f->queue + i, f->queue + i + 1, (f->nqueue - i - 1) * sizeof(*f->queue));
			f->nqueue--;
			return 1;
		}
	}
	if (f->next_start > f->o->end_ms)
		return 0;
	memset(out, 0, sizeof(*out));
	out->start_ms = f->next_start;
	out->points = capplan_prom_chunk_points(f->max_samples, f->series_seen);
	/* no more steps than are left: a 422 halves what the chunk really holds */
	if (out->points > (f->o->end_ms - out->start_ms) / f->o->step_ms + 1)
		out->points = (f->o->end_ms - out->start_ms) / f->o->step_ms + 1;
	f->next_start = chunk_end(f, out) + f->o->step_ms;
	return 1;
}

static size_t
planned(const struct fetch *f, size_t active)
{
	int64_t left = f->next_start > f->o->end_ms ? 0 :
	               (f->o->end_ms - f->next_start) / f->o->step_ms + 1;
	int64_t per = capplan_prom_chunk_points(f->max_samples, f->series_seen);

	return f->done + active + f->nqueue + (size_t)((left + per - 1) / per);
}

/* ---- answers ---- */

/* An error body holds no series; should a proxy send some, they go nowhere. */
static int
discard_series(struct capplan_sink *sink, int scope, const char *metric,
               struct capplan_labels *labels, int64_t pos, struct capplan_error *err)
{
	(void)sink, (void)scope, (void)metric, (void)labels, (void)pos, (void)err;
	return 0;
}

static int
discard_sample(struct capplan_sink *sink, int handle, int64_t ts, double value, int64_t pos,
               struct capplan_error *err)
{
	(void)sink, (void)handle, (void)ts, (void)value, (void)pos, (void)err;
	return 0;
}

static void
discard_skip(struct capplan_sink *sink, uint64_t count)
{
	(void)sink, (void)count;
}

/* Prometheus's own error text from a non-200 body: "errorType: error", or the raw start. */
static void
error_text(struct transfer *t, char *out, size_t outsz)
{
	struct capplan_prom_json *p;
	struct capplan_error e;
	struct capplan_sink none = { discard_series, discard_sample, discard_skip, NULL };

	capplan_error_clear(&e);
	p = capplan_prom_json_new(t->name, NULL, &none, -1, &e);
	if (p && capplan_prom_json_feed(p, t->body.data ? t->body.data : "", t->body.len, &e) == 0 &&
	    capplan_prom_json_finish(p, &e) < 0 && capplan_prom_json_error_type(p)) {
		/* "NAME: Prometheus answered with an error: TYPE: TEXT" -> "TYPE: TEXT" */
		const char *s = strstr(e.msg, "error: ");

		snprintf(out, outsz, "%s", s ? s + 7 : e.msg);
	} else {
		size_t n = strcspn(capplan_strbuf_str(&t->body), "\r\n");

		snprintf(out, outsz, "%.*s", (int)(n > 200 ? 200 : n), capplan_strbuf_str(&t->body));
	}
	capplan_prom_json_free(p);
}

/* Ask again later, or give up when the chunk has had its retries. */
static int
retry_or_fail(struct fetch *f, struct transfer *t, const char *why, struct capplan_error *err)
{
	struct chunk c = t->chunk;
	int64_t delay;

	if (f->sink->discard_scope)
		f->sink->discard_scope(f->sink, t->scope);
	if (c.attempts >= f->o->retries) {
		capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE, "%s: %s (after %d attempts)", t->name, why,
		                  c.attempts + 1);
		return capplan_error_hint(err, "is Prometheus up and reachable at %s?", f->o->url);
	}
	delay = f->o->backoff_ms << (c.attempts < 16 ? c.attempts : 16);
	c.not_before = monotonic_ms() + (delay > MAX_BACKOFF_MS ? MAX_BACKOFF_MS : delay);
	c.attempts++;
	if (queue_push(f, c) < 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	return 0;
}

/* 422 "too many samples": ask for the two halves instead, and smaller chunks from now on. */
static int
split_chunk(struct fetch *f, struct transfer *t, const char *why, struct capplan_error *err)
{
	struct chunk a = t->chunk, b = t->chunk;

	if (f->sink->discard_scope)
		f->sink->discard_scope(f->sink, t->scope);
	if (t->chunk.points <= 1)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: %s, even for a single step", t->name,
		                         why);
	a.points = t->chunk.points / 2;
	b.start_ms = a.start_ms + a.points * f->o->step_ms;
	b.points = t->chunk.points - a.points;
	a.not_before = b.not_before = 0;
	if (f->max_samples > 1)
		f->max_samples /= 2;
	if (queue_push(f, a) < 0 || queue_push(f, b) < 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	return 0;
}

static int
on_done(struct fetch *f, struct transfer *t, CURLcode result, struct capplan_error *err)
{
	char why[512];

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->http_code);
	if (t->failed) {
		*err = t->err;
		return -1;
	}
	if (result != CURLE_OK) {
		snprintf(why, sizeof(why), "%s", t->curl_error[0] ? t->curl_error : curl_easy_strerror(result));
		return retry_or_fail(f, t, why, err);
	}
	if (t->http_code == 200) {
		if (capplan_prom_json_finish(t->parser, err) < 0)
			return -1;
		if (capplan_prom_json_series_count(t->parser) > f->series_seen)
			f->series_seen = capplan_prom_json_series_count(t->parser);
		f->samples += capplan_prom_json_sample_count(t->parser);
		f->done++;
		return 0;
	}
	error_text(t, why, sizeof(why));
	if (t->http_code >= 500 || t->http_code == 429) {
		char msg[600];

		snprintf(msg, sizeof(msg), "HTTP %ld: %s", t->http_code, why);
		return retry_or_fail(f, t, msg, err);
	}
	if (t->http_code == 422 && strstr(why, "too many samples"))
		return split_chunk(f, t, why, err);
	if (t->http_code == 400 || t->http_code == 422) {
		capplan_error_set(err, CAPPLAN_EX_USAGE, "%s: Prometheus rejected the query: %s", t->name, why);
		return capplan_error_hint(err, "check --query");
	}
	if (t->http_code == 404) {
		capplan_error_set(err, CAPPLAN_EX_USAGE, "%s: HTTP 404 from %s", t->name, f->endpoint);
		return capplan_error_hint(err, "--prometheus takes the server's base URL, e.g. http://host:9090");
	}
	capplan_error_set(err, CAPPLAN_EX_UNAVAILABLE, "%s: HTTP %ld: %s", t->name, t->http_code, why);
	if (t->http_code == 401 || t->http_code == 403)
		capplan_error_hint(err, "give credentials with --bearer-token-file or ~/.netrc");
	return -1;
}

/* ---- set-up ---- */

static int
read_token(const char *path, struct curl_slist **headers, struct capplan_error *err)
{
	char line[4096], header[4200];
	struct curl_slist *h;
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), fp)) {
		fclose(fp);
		return capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s: no token in the file", path);
	}
	fclose(fp);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	snprintf(header, sizeof(header), "Authorization: Bearer %s", line);
	h = curl_slist_append(*headers, header);
	if (!h)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	*headers = h;
	return 0;
}

static int
fetch_init(struct fetch *f, const struct capplan_prom_fetch_options *o, struct capplan_sink *sink,
           struct capplan_error *err)
{
	struct capplan_strbuf endpoint = CAPPLAN_STRBUF_INIT;
	size_t ulen = strlen(o->url);
	struct curl_slist *h;

	memset(f, 0, sizeof(*f));
	f->o = o;
	f->sink = sink;
	f->next_start = o->start_ms;
	f->max_samples = o->max_samples;
	while (ulen > 0 && o->url[ulen - 1] == '/')
		ulen--;
	if (capplan_strbuf_append(&endpoint, o->url, ulen) < 0 ||
	    capplan_strbuf_append_str(&endpoint, "/api/v1/query_range") < 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	f->endpoint = capplan_strbuf_detach(&endpoint);
	f->multi = curl_multi_init();
	f->active = calloc((size_t)o->max_in_flight, sizeof(*f->active));
	h = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
	f->headers = h;
	if (!f->multi || !f->active || !h)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	/* The escaped query is reused by every chunk. */
	{
		CURL *tmp = curl_easy_init();
		char *q = tmp ? curl_easy_escape(tmp, o->query, 0) : NULL;

		f->escaped_query = q ? strdup(q) : NULL;
		curl_free(q);
		if (tmp)
			curl_easy_cleanup(tmp);
		if (!f->escaped_query)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	}
	if (o->bearer_token_file && read_token(o->bearer_token_file, &f->headers, err) < 0)
		return -1;
	return 0;
}

static void
fetch_release(struct fetch *f)
{
	for (int i = 0; f->active && i < f->o->max_in_flight; i++)
		transfer_free(f, f->active[i]);
	free(f->active);
	if (f->multi)
		curl_multi_cleanup(f->multi);
	curl_slist_free_all(f->headers);
	free(f->endpoint);
	free(f->escaped_query);
	free(f->queue);
}

static int
check_options(const struct capplan_prom_fetch_options *o, struct capplan_error *err)
{
	if (!o->url || !*o->url)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "no Prometheus URL");
	if (strncmp(o->url, "http://", 7) != 0 && strncmp(o->url, "https://", 8) != 0)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "%s: not an http:// or https:// URL", o->url);
	if (!o->query || !*o->query)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "no query");
	if (o->step_ms <= 0)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "step must be positive");
	if (o->end_ms < o->start_ms)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "the range ends before it starts");
	return 0;
}

/*
 * Steps at whole multiples of the step since the epoch, as Grafana asks for
 * them: loads made at different times (--start now-395d) then share one grid,
 * and a re-load lands on the samples already stored instead of beside them.
 */
static int
align_range(struct capplan_prom_fetch_options *o, struct capplan_error *err)
{
	int64_t step = o->step_ms;
	int64_t start = o->start_ms / step * step, end = o->end_ms / step * step;
	char a[CAPPLAN_TIME_BUFSZ], b[CAPPLAN_TIME_BUFSZ], d[CAPPLAN_DURATION_BUFSZ];

	if (start < o->start_ms)
		start += step;
	if (end > o->end_ms)
		end -= step;
	if (end < start)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "no whole step of %s falls between %s and %s",
		                         capplan_duration_format(step, d), capplan_time_format(o->start_ms, a),
		                         capplan_time_format(o->end_ms, b));
	o->start_ms = start;
	o->end_ms = end;
	return 0;
}

/* Fill free slots with chunks that may start now; returns how many are active. */
static int
fill_slots(struct fetch *f, struct capplan_error *err)
{
	int active = 0;
	int64_t now = monotonic_ms();
	/*
	 * Until an answer has said how many series the query returns, one request
	 * at a time: a second one sized on a guess could ask for far too much.
	 */
	int slots = f->series_seen == 0 && f->done == 0 ? 1 : f->o->max_in_flight;

	for (int i = 0; i < slots; i++) {
		struct chunk c;

		if (!f->active[i]) {
			if (!next_chunk(f, now, &c))
				continue;
			if (transfer_start(f, &c, &f->active[i], err) < 0)
				return -1;
		}
		active++;
	}
	return active;
}

/* Finish the transfers that are done; returns how many, or -1. */
static int
collect_done(struct fetch *f, struct capplan_error *err)
{
	CURLMsg *msg;
	int left, collected = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct transfer *t = NULL;
		int rc;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		rc = on_done(f, t, msg->data.result, err);
		for (int i = 0; i < f->o->max_in_flight; i++)
			if (f->active[i] == t)
				f->active[i] = NULL;
		transfer_free(f, t);
		if (rc < 0)
			return -1;
		collected++;
		if (f->o->on_progress)
			f->o->on_progress(f->o->progress_ctx, f->done, planned(f, 0), f->samples);
	}
	return collected;
}

int
capplan_prom_fetch(const struct capplan_prom_fetch_options *options, struct capplan_sink *sink,
                   struct capplan_error *err)
{
	struct capplan_prom_fetch_options o = *options;
	struct fetch f;
	int rc = -1;

	capplan_prom_fetch_defaults(&o);
	if (check_options(&o, err) < 0 || align_range(&o, err) < 0)
		return -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot initialise libcurl");
	if (fetch_init(&f, &o, sink, err) < 0)
		goto done;
	for (;;) {
		int active = fill_slots(&f, err), running, collected;

		if (active < 0)
			goto done;
		if (active == 0 && f.nqueue == 0)
			break;
		if (curl_multi_perform(f.multi, &running) != CURLM_OK) {
			capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "libcurl multi interface failed");
			goto done;
		}
		collected = collect_done(&f, err);
		if (collected < 0)
			goto done;
		/*
		 * Wake for traffic, or at most every 100 ms to start retries that are
		 * due; but fill the slots just freed first.
		 */
		if (collected == 0)
			curl_multi_poll(f.multi, NULL, 0, 100, NULL);
	}
	rc = 0;
done:
	fetch_release(&f);
	curl_global_cleanup();
	return rc;
}
