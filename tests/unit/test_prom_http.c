/*
 * tests/unit/test_prom_http.c: the live fetcher (lib/sources/prom_http.c)
 * against a fake Prometheus.
 *
 * The fake server runs in this process: an accepting thread on 127.0.0.1 with
 * an ephemeral port, and a thread per connection that reads one HTTP/1.1
 * request (head and Content-Length body), records it (the decoded form
 * fields query, start, end, step), and answers with Connection: close from
 * the test's answer function.  Answers are generated from the request's own
 * start, end and step, so the sink must end with exactly the expected grid:
 * series k of "gen" has, at every step t of the range, the value
 * k * 1000000 + (t / 1000) % 1000000.
 *
 * Like a real Prometheus the server refuses a range with more than 11,000
 * steps (400) and one that ends before it starts (400), and can be told to
 * refuse answers over a sample limit (422), to fail (503), or to cut a body
 * short.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "labels.h"
#include "memsink.h"
#include "sources/prom_http.h"
#include "suites.h"
#include "util/error.h"
#include "util/strbuf.h"

#define MINUTE INT64_C(60000)
#define HOUR INT64_C(3600000)
#define T2023 INT64_C(1672531200000)   /* 2023-01-01T00:00:00Z */
#define T2024 INT64_C(1704067200000)   /* 2024-01-01T00:00:00Z */

#define MAX_REQS 512
#define MAX_CONN 512

/* ---- the fake Prometheus ---- */

struct request {
	char line[256];            /* "POST /api/v1/query_range HTTP/1.1" */
	char auth[256];            /* the Authorization header, or "" */
	int form;                  /* Content-Type: application/x-www-form-urlencoded */
	char query[512];           /* decoded form fields */
	int64_t start_ms, end_ms, step_ms;
	int parsed;                /* query, start, end and step all present and valid */
	int status;                /* what was answered */
};

struct reply {
	int status;
	struct capplan_strbuf body;
	size_t cut_at;             /* > 0: send only this many bytes of the body, then close */
};

typedef void (*answer_fn)(void *ctx, int index, const struct request *r, struct reply *out);

struct server {
	int fd, port;
	char url[64];
	pthread_t acceptor;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int stop;
	answer_fn answer;
	void *ctx;
	int delay_ms;              /* before each answer */
	int wait_active;           /* the second request waits (up to 3 s) for this many connections */
	int active_at_first;       /* connections open while the first request was answered */
	struct request reqs[MAX_REQS];
	int nreqs;
	int active, max_active;    /* connections accepted and not yet answered */
	pthread_t handlers[MAX_CONN];
	int nhandlers;
	int broken;                /* requests that could not be read */
};

struct conn {
	struct server *s;
	int fd;
};

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* application/x-www-form-urlencoded: '+' is a space, %XX a byte.  -1 if malformed. */
static int
form_decode(const char *s, size_t len, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
				return -1;
			c = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
			i += 2;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* "1704067200.250" or "3600" (seconds, up to 3 decimals) to ms.  -1 if malformed. */
static int
parse_seconds(const char *s, int64_t *ms)
{
	int64_t v = 0, frac = 0;
	int ndigits = 0, nfrac = 0;

	for (; *s >= '0' && *s <= '9'; s++, ndigits++)
		v = v * 10 + (*s - '0');
	if (ndigits == 0 || ndigits > 15)
		return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nfrac++)
			if (nfrac < 3)
				frac = frac * 10 + (*s - '0');
			else if (*s != '0')
				return -1;   /* finer than a millisecond */
		if (nfrac == 0)
			return -1;
		for (int i = nfrac; i < 3; i++)
			frac *= 10;
	}
	if (*s != '\0')
		return -1;
	*ms = v * 1000 + frac;
	return 0;
}

static void
parse_form(const char *body, size_t len, struct request *r)
{
	int have = 0;
	const char *end = body + len;

	while (body < end) {
		const char *amp = memchr(body, '&', (size_t)(end - body));
		const char *field_end = amp ? amp : end;
		const char *eq = memchr(body, '=', (size_t)(field_end - body));
		char name[32], value[512];

		if (!eq || form_decode(body, (size_t)(eq - body), name, sizeof(name)) < 0 ||
		    form_decode(eq + 1, (size_t)(field_end - eq - 1), value, sizeof(value)) < 0)
			return;
		if (strcmp(name, "query") == 0) {
			snprintf(r->query, sizeof(r->query), "%s", value);
			have |= 1;
		} else if (strcmp(name, "start") == 0 && parse_seconds(value, &r->start_ms) == 0) {
			have |= 2;
		} else if (strcmp(name, "end") == 0 && parse_seconds(value, &r->end_ms) == 0) {
			have |= 4;
		} else if (strcmp(name, "step") == 0 && parse_seconds(value, &r->step_ms) == 0 &&
		           r->step_ms > 0) {
			have |= 8;
		}
		body = field_end + (amp != NULL);
	}
	r->parsed = have == 15;
}

static int
send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one request: head, then a Content-Length body.  Returns the body or NULL. */
static const char *
read_request(int fd, char *buf, size_t bufsz, struct request *r, size_t *body_len)
{
	size_t len = 0, head_len, clen = 0;
	int expect_continue = 0;
	char *head_end, *line;

	for (;;) {
		ssize_t n;

		buf[len] = '\0';
		if ((head_end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (len + 1 >= bufsz)
			return NULL;
		n = recv(fd, buf + len, bufsz - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		len += (size_t)n;
	}
	head_len = (size_t)(head_end - buf) + 4;
	line = buf;
	for (int first = 1; line < head_end; first = 0) {
		char *eol = strstr(line, "\r\n");

		*eol = '\0';
		if (first)
			snprintf(r->line, sizeof(r->line), "%s", line);
		else if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = (size_t)strtoul(line + 15, NULL, 10);
		else if (strncasecmp(line, "Authorization:", 14) == 0)
			snprintf(r->auth, sizeof(r->auth), "%s", line + 14 + strspn(line + 14, " "));
		else if (strncasecmp(line, "Content-Type:", 13) == 0)
			r->form = strstr(line + 13, "application/x-www-form-urlencoded") != NULL;
		else if (strncasecmp(line, "Expect:", 7) == 0 && strstr(line + 7, "100-continue"))
			expect_continue = 1;
		line = eol + 2;
	}
	if (head_len + clen >= bufsz)
		return NULL;
	if (expect_continue && len < head_len + clen &&
	    send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0)
		return NULL;
	while (len < head_len + clen) {
		ssize_t n = recv(fd, buf + len, bufsz - 1 - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		len += (size_t)n;
	}
	*body_len = clen;
	return buf + head_len;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 422: return "Unprocessable Entity";
	case 503: return "Service Unavailable";
	default: return "Whatever";
	}
}

static void *
handle(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->s;
	struct request r;
	struct reply out;
	char *buf = malloc(65536), head[256];
	const char *body;
	size_t body_len = 0;
	int index, delay_ms;

	memset(&r, 0, sizeof(r));
	memset(&out, 0, sizeof(out));
	capplan_strbuf_init(&out.body);
	body = buf ? read_request(c->fd, buf, 65536, &r, &body_len) : NULL;
	if (body)
		parse_form(body, body_len, &r);

	pthread_mutex_lock(&s->lock);
	index = s->nreqs++;
	if (!body) {
		s->broken++;
		out.status = 400;
	} else {
		s->answer(s->ctx, index, &r, &out);
	}
	r.status = out.status;
	if (index < MAX_REQS)
		s->reqs[index] = r;
	if (index == 0)
		s->active_at_first = s->active;
	if (index == 1 && s->wait_active > 1) {
		/*
		 * The first request goes alone; hold the second answer until the
		 * client has opened the others.
		 */
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3;
		while (s->active < s->wait_active &&
		       pthread_cond_timedwait(&s->changed, &s->lock, &until) == 0)
			;
	}
	delay_ms = s->delay_ms;
	pthread_mutex_unlock(&s->lock);
	if (delay_ms > 0)
		sleep_ms(delay_ms);

	/* no longer counted as open before a byte of the answer leaves */
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);

	snprintf(head, sizeof(head),
	         "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	         "Connection: close\r\n\r\n", out.status, reason(out.status), out.body.len);
	if (send_all(c->fd, head, strlen(head)) == 0)
		send_all(c->fd, capplan_strbuf_str(&out.body), out.cut_at ? out.cut_at : out.body.len);
	/* close gracefully: our FIN, then wait (a while at most) for the client's */
	shutdown(c->fd, SHUT_WR);
	for (;;) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		char sink[512];

		if (poll(&pfd, 1, 2000) <= 0 || recv(c->fd, sink, sizeof(sink), 0) <= 0)
			break;
	}
	close(c->fd);
	capplan_strbuf_release(&out.body);
	free(buf);
	free(c);
	return NULL;
}

static void *
accept_loop(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		struct conn *c;
		int stop, fd, threaded = 0;

		pthread_mutex_lock(&s->lock);
		stop = s->stop;
		pthread_mutex_unlock(&s->lock);
		if (stop)
			break;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lock);
		if (++s->active > s->max_active)
			s->max_active = s->active;
		pthread_cond_broadcast(&s->changed);
		if (s->nhandlers < MAX_CONN &&
		    pthread_create(&s->handlers[s->nhandlers], NULL, handle, c) == 0) {
			s->nhandlers++;
			threaded = 1;
		}
		pthread_mutex_unlock(&s->lock);
		if (!threaded)
			handle(c);
	}
	return NULL;
}

/* A server answering with answer(ctx, ...), or NULL (and a failure). */
static struct server *
server_start(answer_fn answer, void *ctx)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int one = 1;

	if (!s) {
		CU_FAIL("out of memory");
		return NULL;
	}
	s->answer = answer;
	s->ctx = ctx;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->changed, NULL);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(s->fd, 64) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&addr, &alen) < 0) {
		CU_FAIL("cannot listen on 127.0.0.1");
		goto fail;
	}
	s->port = ntohs(addr.sin_port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
	if (pthread_create(&s->acceptor, NULL, accept_loop, s) != 0) {
		CU_FAIL("cannot start the server thread");
		goto fail;
	}
	return s;

fail:
	if (s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

/* Stop the threads and the socket; the records stay for the test to read. */
static void
server_halt(struct server *s)
{
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->acceptor, NULL);
	for (int i = 0; i < s->nhandlers; i++)
		pthread_join(s->handlers[i], NULL);
	s->nhandlers = 0;
	close(s->fd);
	s->fd = -1;
}

static void
server_free(struct server *s)
{
	if (!s)
		return;
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* ---- answers ---- */

/* What a test wants the server to do; answer() reads it under the server's lock. */
struct script {
	int nseries;                /* of the generated matrix */
	uint64_t sample_limit;      /* > 0: 422 when steps x series exceeds it */
	int fail_first;             /* the first N requests get fail_status and fail_body */
	int fail_status;
	const char *fail_body;
	int cut_first;              /* the first N requests get 200 with a body cut at 2/3 */
	int n422;                   /* counted: 422 answers */
};

static int64_t
sample_value(int k, int64_t t_ms)
{
	return (int64_t)k * 1000000 + (t_ms / 1000) % 1000000;
}

/* A timestamp as Prometheus writes it: seconds, 3 decimals only when not whole. */
static void
append_ts(struct capplan_strbuf *b, int64_t ms)
{
	if (ms % 1000)
		capplan_strbuf_appendf(b, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
	else
		capplan_strbuf_appendf(b, "%lld", (long long)(ms / 1000));
}

static void
matrix_answer(struct capplan_strbuf *b, const struct request *r, int nseries)
{
	capplan_strbuf_append_str(b, "{\"status\":\"success\",\"data\":"
	                             "{\"resultType\":\"matrix\",\"result\":[");
	for (int k = 0; k < nseries; k++) {
		capplan_strbuf_appendf(b, "%s{\"metric\":{\"__name__\":\"gen\",\"series\":\"%d\"},\"values\":[",
		                       k ? "," : "", k);
		for (int64_t t = r->start_ms; t <= r->end_ms; t += r->step_ms) {
			capplan_strbuf_append_str(b, t == r->start_ms ? "[" : ",[");
			append_ts(b, t);
			capplan_strbuf_appendf(b, ",\"%lld\"]", (long long)sample_value(k, t));
		}
		capplan_strbuf_append_str(b, "]}");
	}
	capplan_strbuf_append_str(b, "]}}");
}

static void
error_answer(struct reply *out, int status, const char *type, const char *text)
{
	out->status = status;
	capplan_strbuf_appendf(&out->body, "{\"status\":\"error\",\"errorType\":\"%s\",\"error\":\"%s\"}",
	                       type, text);
}

static void
answer(void *ctx, int index, const struct request *r, struct reply *out)
{
	struct script *sc = ctx;
	int64_t points;

	if (strncmp(r->line, "POST ", 5) != 0 || !r->form || !r->parsed) {
		error_answer(out, 400, "bad_data", "cannot read the request");
		return;
	}
	if (index < sc->fail_first) {
		out->status = sc->fail_status;
		capplan_strbuf_append_str(&out->body, sc->fail_body);
		return;
	}
	if (r->end_ms < r->start_ms) {
		error_answer(out, 400, "bad_data",
		             "invalid parameter \\\"end\\\": end timestamp must not be before start time");
		return;
	}
	if ((r->end_ms - r->start_ms) / r->step_ms > CAPPLAN_PROM_MAX_POINTS) {
		error_answer(out, 400, "bad_data",
		             "exceeded maximum resolution of 11,000 points per timeseries. "
		             "Try decreasing the query resolution (?step=XX)");
		return;
	}
	points = (r->end_ms - r->start_ms) / r->step_ms + 1;
	if (sc->sample_limit && (uint64_t)points * (uint64_t)sc->nseries > sc->sample_limit) {
		sc->n422++;
		error_answer(out, 422, "execution",
		             "query processing would load too many samples into memory in query execution");
		return;
	}
	out->status = 200;
	matrix_answer(&out->body, r, sc->nseries);
	if (index < sc->cut_first)
		out->cut_at = out->body.len * 2 / 3;
}

/* ---- checking what arrived ---- */

/*
 * A sink for big fetches (memsink grows one sample at a time, too slow under
 * valgrind): it checks each sample as it comes and keeps (scope, series, step)
 * to count coverage at the end, forgetting a scope when asked to.
 */
struct gridsink {
	struct capplan_sink sink;
	int64_t start, step, npoints;
	int nseries;
	struct { int scope, k; } *handles;
	size_t nhandles;
	struct { int scope, k; int64_t idx; } *recs;
	size_t nrecs, rcap;
	int bad;                    /* unexpected series, timestamps or values */
	int discarded;
};

static int
grid_open(struct capplan_sink *sink, int scope, const char *metric, struct capplan_labels *labels,
          int64_t pos, struct capplan_error *err)
{
	struct gridsink *g = (struct gridsink *)sink;
	const char *v = capplan_labels_get(labels, "series");
	int k = v ? atoi(v) : -1;
	void *grown;

	(void)pos;
	if (strcmp(metric, "gen") != 0 || labels->count != 1 || k < 0 || k >= g->nseries)
		g->bad++;
	for (size_t i = 0; i < g->nhandles; i++)
		if (g->handles[i].scope == scope && g->handles[i].k == k)
			return (int)i;
	grown = realloc(g->handles, (g->nhandles + 1) * sizeof(*g->handles));
	if (!grown)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	g->handles = grown;
	g->handles[g->nhandles].scope = scope;
	g->handles[g->nhandles].k = k;
	return (int)g->nhandles++;
}

static int
grid_add(struct capplan_sink *sink, int handle, int64_t ts_ms, double value, int64_t pos,
         struct capplan_error *err)
{
	struct gridsink *g = (struct gridsink *)sink;
	int k = g->handles[handle].k;

	(void)pos;
	if ((ts_ms - g->start) % g->step != 0 || ts_ms < g->start ||
	    (ts_ms - g->start) / g->step >= g->npoints || value != (double)sample_value(k, ts_ms))
		g->bad++;
	if (g->nrecs == g->rcap) {
		size_t cap = g->rcap ? g->rcap * 2 : 1024;
		void *grown = realloc(g->recs, cap * sizeof(*g->recs));

		if (!grown)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		g->recs = grown;
		g->rcap = cap;
	}
	g->recs[g->nrecs].scope = g->handles[handle].scope;
	g->recs[g->nrecs].k = k;
	g->recs[g->nrecs].idx = (ts_ms - g->start) / g->step;
	g->nrecs++;
	return 0;
}

static void
grid_skip(struct capplan_sink *sink, uint64_t n)
{
	((struct gridsink *)sink)->bad += (int)n;
}

static void
grid_discard(struct capplan_sink *sink, int scope)
{
	struct gridsink *g = (struct gridsink *)sink;
	size_t kept = 0;

	for (size_t i = 0; i < g->nrecs; i++)
		if (g->recs[i].scope != scope)
			g->recs[kept++] = g->recs[i];
	g->nrecs = kept;
	g->discarded++;
}

static void
grid_init(struct gridsink *g, int64_t start, int64_t end, int64_t step, int nseries)
{
	memset(g, 0, sizeof(*g));
	g->sink.open_series = grid_open;
	g->sink.add_sample = grid_add;
	g->sink.skip = grid_skip;
	g->sink.discard_scope = grid_discard;
	g->start = start;
	g->step = step;
	g->npoints = (end - start) / step + 1;
	g->nseries = nseries;
}

static void
grid_release(struct gridsink *g)
{
	free(g->handles);
	free(g->recs);
}

/* Cells (series x step) not held exactly once. */
static size_t
grid_gaps(const struct gridsink *g)
{
	size_t cells = (size_t)g->nseries * (size_t)g->npoints, wrong = 0;
	unsigned *count = calloc(cells ? cells : 1, sizeof(*count));

	if (!count)
		return cells + 1;
	for (size_t i = 0; i < g->nrecs; i++)
		if (g->recs[i].k >= 0 && g->recs[i].k < g->nseries && g->recs[i].idx >= 0 &&
		    g->recs[i].idx < g->npoints)
			count[(size_t)g->recs[i].k * (size_t)g->npoints + (size_t)g->recs[i].idx]++;
	for (size_t i = 0; i < cells; i++)
		wrong += count[i] != 1;
	free(count);
	return wrong;
}

/*
 * The same for a memsink: cells not held exactly once, plus samples that are
 * not on the grid or have the wrong value.
 */
static size_t
memsink_gaps(const struct memsink *m, int64_t start, int64_t end, int64_t step, int nseries)
{
	int64_t npoints = (end - start) / step + 1;
	size_t cells = (size_t)nseries * (size_t)npoints, wrong = 0;
	unsigned *count = calloc(cells ? cells : 1, sizeof(*count));

	if (!count)
		return cells + 1;
	for (size_t i = 0; i < m->nsamples; i++) {
		const struct memsink_sample *s = &m->samples[i];
		int64_t idx = (s->ts_ms - start) / step;
		int k = -1;

		if (strcmp(m->series[s->handle].metric, "gen") != 0 ||
		    sscanf(m->series[s->handle].labels_json, "{\"series\":\"%d\"}", &k) != 1 || k < 0 ||
		    k >= nseries || s->ts_ms < start || (s->ts_ms - start) % step != 0 ||
		    idx >= npoints || s->value != (double)sample_value(k, s->ts_ms)) {
			wrong++;
			continue;
		}
		count[(size_t)k * (size_t)npoints + (size_t)idx]++;
	}
	for (size_t i = 0; i < cells; i++)
		wrong += count[i] != 1;
	free(count);
	return wrong;
}

/* The steps a request asks for. */
static int64_t
points_of(const struct request *r)
{
	return (r->end_ms - r->start_ms) / r->step_ms + 1;
}

/* The answered (200) requests, sorted by start. */
static int
by_start(const void *a, const void *b)
{
	const struct request *x = a, *y = b;

	return (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

static int
answered(const struct server *s, struct request *out, int max)
{
	int n = 0;

	for (int i = 0; i < s->nreqs && i < MAX_REQS && n < max; i++)
		if (s->reqs[i].status == 200)
			out[n++] = s->reqs[i];
	qsort(out, (size_t)n, sizeof(*out), by_start);
	return n;
}

/*
 * The answered chunks (sorted) tile the steps of [start, end]: contiguous, not
 * overlapping, every step once.  A chunk ends on a step, or at end itself.
 * Returns the number of problems.
 */
static int
tiling_problems(const struct request *r, int n, int64_t start, int64_t end, int64_t step)
{
	int bad = n == 0;
	int64_t next = start, last = start + (end - start) / step * step;

	for (int i = 0; i < n; i++) {
		bad += r[i].step_ms != step;
		bad += r[i].start_ms != next;
		bad += r[i].end_ms < r[i].start_ms || r[i].end_ms > end;
		bad += (r[i].end_ms - r[i].start_ms) % step != 0 && r[i].end_ms != end;
		next = r[i].start_ms + points_of(&r[i]) * step;
	}
	bad += next != last + step;
	return bad;
}

static void
fetch_options(struct capplan_prom_fetch_options *o, const struct server *s, int64_t start,
              int64_t end, int64_t step)
{
	memset(o, 0, sizeof(*o));
	o->url = s ? s->url : NULL;
	o->query = "gen";
	o->start_ms = start;
	o->end_ms = end;
	o->step_ms = step;
	o->retries = 3;
	o->backoff_ms = 1;
	o->timeout_ms = 20000;   /* only reached when something is broken */
}

struct progress {
	int calls;
	size_t done, planned;
	uint64_t samples;
};

static void
on_progress(void *ctx, size_t done, size_t planned, uint64_t samples)
{
	struct progress *p = ctx;

	p->calls++;
	p->done = done;
	p->planned = planned;
	p->samples = samples;
}

static void
check_contains(const char *text, const char *part, unsigned line)
{
	char msg[3 * CAPPLAN_ERROR_MAX];

	snprintf(msg, sizeof(msg), "\"%s\" contains \"%s\"", text, part);
	CU_assertImplementation(strstr(text, part) ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "",
	                        CU_FALSE);
}

#define CHECK_CONTAINS(text, part) check_contains((text), (part), __LINE__)

/* ---- chunk sizes ---- */

static void
test_chunk_points(void)
{
	/* before the first answer, 1000 series are assumed */
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 0), 1000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(999, 0), 1);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(20000000, 0), 11000);
	/* Prometheus's limit of 11,000 points */
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 1), 11000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 90), 11000);   /* 11111 */
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 91), 10989);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(22000, 2), 11000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(21999, 2), 10999);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(UINT64_MAX, 1), 11000);
	/* series x points within max_samples */
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 1000), 1000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 3), 11000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(9000, 3), 3000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 7), 11000);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 333), 3003);
	/* never below one step */
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 3000000), 1);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 1000001), 1);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(1000000, 1000000), 1);
	CU_ASSERT_EQUAL(capplan_prom_chunk_points(0, 5), 1);
}

static void
test_defaults_and_options(void)
{
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;

	memset(&o, 0, sizeof(o));
	o.retries = -1;
	capplan_prom_fetch_defaults(&o);
	CU_ASSERT_EQUAL(o.max_in_flight, 2);
	CU_ASSERT_EQUAL(o.max_samples, 1000000);
	CU_ASSERT_EQUAL(o.timeout_ms, 120000);
	CU_ASSERT_EQUAL(o.retries, 3);
	CU_ASSERT_EQUAL(o.backoff_ms, 500);
	/* values given are kept, retries 0 included */
	o.max_in_flight = 5;
	o.max_samples = 7;
	o.timeout_ms = 9;
	o.retries = 0;
	o.backoff_ms = 11;
	capplan_prom_fetch_defaults(&o);
	CU_ASSERT_EQUAL(o.max_in_flight, 5);
	CU_ASSERT_EQUAL(o.max_samples, 7);
	CU_ASSERT_EQUAL(o.timeout_ms, 9);
	CU_ASSERT_EQUAL(o.retries, 0);
	CU_ASSERT_EQUAL(o.backoff_ms, 11);

	/* options refused before anything is sent */
	memsink_init(&m);
	fetch_options(&o, NULL, T2024, T2024 + HOUR, MINUTE);
	CU_ASSERT_EQUAL(capplan_prom_fetch(&o, &m.sink, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	o.url = "ftp://127.0.0.1:1";
	CU_ASSERT_EQUAL(capplan_prom_fetch(&o, &m.sink, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CU_ASSERT_STRING_EQUAL(err.msg, "ftp://127.0.0.1:1: not an http:// or https:// URL");
	o.url = "http://127.0.0.1:1";
	o.step_ms = 0;
	CU_ASSERT_EQUAL(capplan_prom_fetch(&o, &m.sink, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	o.step_ms = MINUTE;
	o.end_ms = T2024 - 1;
	CU_ASSERT_EQUAL(capplan_prom_fetch(&o, &m.sink, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	o.end_ms = T2024;
	o.query = "";
	CU_ASSERT_EQUAL(capplan_prom_fetch(&o, &m.sink, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CU_ASSERT_EQUAL(m.nseries, 0);
	memsink_release(&m);
}

/* ---- fetching ---- */

/*
 * Run a fetch against a fresh server at its URL + path.  The server is
 * returned stopped, its records kept (free it with server_free).
 */
static int
run_fetch(struct script *sc, struct capplan_prom_fetch_options *o, const char *path,
          struct capplan_sink *sink, struct capplan_error *err, struct server **out, int delay_ms,
          int wait_active)
{
	struct server *s = server_start(answer, sc);
	char url[128];
	int rc;

	*out = s;
	if (!s)
		return -2;
	pthread_mutex_lock(&s->lock);
	s->delay_ms = delay_ms;
	s->wait_active = wait_active;
	pthread_mutex_unlock(&s->lock);
	snprintf(url, sizeof(url), "%s%s", s->url, path ? path : "");
	o->url = url;
	capplan_error_clear(err);
	rc = capplan_prom_fetch(o, sink, err);
	o->url = NULL;
	server_halt(s);
	return rc;
}

/* (a) chunk boundaries, sizes and coverage */
static void
test_fetch_chunks(void)
{
	static const struct {
		int nseries;
		int64_t start, end, step;
		uint64_t max_samples;
		int nreq;
		int64_t want[8];
	} cases[] = {
		/*
		 * 13 months hourly (396 days, 9505 steps), 3 series: the first request
		 * alone, sized for a guess of 1000 series (9000/1000 = 9 steps), then
		 * 9000/3 = 3000
		 */
		{ 3, T2023, INT64_C(1706745600000), HOUR, 9000, 5, { 9, 3000, 3000, 3000, 496 } },
		/* 100 days at 5 min, 1 series: 1000 steps first, then Prometheus's 11,000 */
		{ 1, T2024, T2024 + 100 * 24 * HOUR, 5 * MINUTE, 0, 4, { 1000, 11000, 11000, 5801 } },
		/*
		 * From a fractional start to an end between steps: aligned to whole
		 * minutes, 00:01 to 00:51, 51 steps: 1, then 100/2 = 50
		 */
		{ 2, T2024 + 17250, T2024 + 17250 + 50 * MINUTE + 59999, MINUTE, 100, 2, { 1, 50 } },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct script sc = { cases[c].nseries, 0, 0, 0, NULL, 0, 0 };
		int64_t step = cases[c].step;
		/* the range as asked for, and as fetched: whole multiples of the step */
		int64_t asked_start = cases[c].start, asked_end = cases[c].end;
		int64_t start = (asked_start + step - 1) / step * step, end = asked_end / step * step;
		int64_t last = end;
		int64_t npoints = (end - start) / step + 1;
		uint64_t max_samples = cases[c].max_samples ? cases[c].max_samples : 1000000;
		struct capplan_prom_fetch_options o;
		struct progress prog = { 0, 0, 0, 0 };
		struct capplan_error err;
		struct gridsink g;
		struct server *s;
		struct request *got = calloc(MAX_REQS, sizeof(*got));
		int n, rc, over = 0;

		if (!got) {
			CU_FAIL("out of memory");
			return;
		}
		fetch_options(&o, NULL, asked_start, asked_end, step);
		o.max_samples = cases[c].max_samples;
		o.on_progress = on_progress;
		o.progress_ctx = &prog;
		grid_init(&g, start, last, step, cases[c].nseries);
		rc = run_fetch(&sc, &o, NULL, &g.sink, &err, &s, 0, 0);
		if (rc != 0)
			fprintf(stderr, "\n    case %zu: %s\n", c, err.msg);
		CU_ASSERT_EQUAL(rc, 0);
		if (s) {
			/* every series at every step exactly once, with the right values */
			CU_ASSERT_EQUAL(g.bad, 0);
			CU_ASSERT_EQUAL(g.nrecs, (size_t)npoints * (size_t)cases[c].nseries);
			CU_ASSERT_EQUAL(grid_gaps(&g), 0);
			CU_ASSERT_EQUAL(g.discarded, 0);
			CU_ASSERT_EQUAL(s->broken, 0);

			/* the chunks asked for tile the range */
			n = answered(s, got, MAX_REQS);
			CU_ASSERT_EQUAL(n, s->nreqs);
			CU_ASSERT_EQUAL(n, cases[c].nreq);
			CU_ASSERT_EQUAL(tiling_problems(got, n, start, end, step), 0);
			for (int i = 0; i < n; i++) {
				CU_ASSERT_STRING_EQUAL(got[i].query, "gen");
				CU_ASSERT_STRING_EQUAL(got[i].line, "POST /api/v1/query_range HTTP/1.1");
				if (points_of(&got[i]) > CAPPLAN_PROM_MAX_POINTS)
					over++;
				/* series x points within max_samples once the first answer is in */
				if (i >= 1 && (uint64_t)points_of(&got[i]) * (uint64_t)cases[c].nseries >
				              max_samples)
					over++;
			}
			CU_ASSERT_EQUAL(over, 0);
			for (int i = 0; i < n && i < cases[c].nreq; i++)
				CU_ASSERT_EQUAL(points_of(&got[i]), cases[c].want[i]);
			CU_ASSERT_EQUAL(prog.calls, n);
			CU_ASSERT_EQUAL(prog.done, (size_t)n);
			CU_ASSERT_EQUAL(prog.planned, (size_t)n);
			CU_ASSERT_EQUAL(prog.samples, (uint64_t)npoints * (uint64_t)cases[c].nseries);
		}
		server_free(s);
		grid_release(&g);
		free(got);
	}
}

/* Wraps memsink's discard_scope: which scopes, and how many of their samples went. */
static struct {
	void (*next)(struct capplan_sink *sink, int scope);
	int calls;
	int scopes[8];
	size_t dropped;
} probe;

static void
probe_discard(struct capplan_sink *sink, int scope)
{
	struct memsink *m = (struct memsink *)sink;

	for (size_t i = 0; i < m->nsamples; i++)
		probe.dropped += m->series[m->samples[i].handle].scope == scope;
	if (probe.calls < 8)
		probe.scopes[probe.calls] = scope;
	probe.calls++;
	probe.next(sink, scope);
}

static void
probe_init(struct memsink *m)
{
	memsink_init(m);
	memset(&probe, 0, sizeof(probe));
	probe.next = m->sink.discard_scope;
	m->sink.discard_scope = probe_discard;
}

/* The scopes of the series that hold samples: all equal to scope? */
static int
samples_all_in_scope(const struct memsink *m, int scope)
{
	for (size_t i = 0; i < m->nsamples; i++)
		if (m->series[m->samples[i].handle].scope != scope)
			return 0;
	return 1;
}

/* (b) a 503, then the answer */
static void
test_fetch_retry_after_503(void)
{
	struct script sc = { 2, 0, 1, 503, "Service Unavailable", 0, 0 };
	const int64_t start = T2024, end = T2024 + 59 * MINUTE;
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;
	struct server *s;
	int rc;

	probe_init(&m);
	fetch_options(&o, NULL, start, end, MINUTE);
	rc = run_fetch(&sc, &o, NULL, &m.sink, &err, &s, 0, 0);
	CU_ASSERT_EQUAL(rc, 0);
	if (s) {
		/* the one chunk, asked twice the same */
		CU_ASSERT_EQUAL(s->nreqs, 2);
		CU_ASSERT_EQUAL(s->reqs[0].status, 503);
		CU_ASSERT_EQUAL(s->reqs[1].status, 200);
		CU_ASSERT_EQUAL(s->reqs[0].start_ms, start);
		CU_ASSERT_EQUAL(s->reqs[1].start_ms, start);
		CU_ASSERT_EQUAL(s->reqs[0].end_ms, end);
		CU_ASSERT_EQUAL(s->reqs[1].end_ms, end);
	}
	/* the failed answer's scope (the first, 0) was discarded; the samples are the retry's */
	CU_ASSERT_EQUAL(m.discarded_scopes, 1);
	CU_ASSERT_EQUAL(probe.calls, 1);
	CU_ASSERT_EQUAL(probe.scopes[0], 0);
	CU_ASSERT_EQUAL(m.nsamples, 120);
	CU_ASSERT_EQUAL(memsink_gaps(&m, start, end, MINUTE, 2), 0);
	CU_ASSERT(samples_all_in_scope(&m, 1));
	server_free(s);
	memsink_release(&m);
}

/* (c) 503 for ever: retries + 1 attempts, then unavailable */
static void
test_fetch_503_gives_up(void)
{
	struct script sc = { 1, 0, 1000, 503, "Service Unavailable", 0, 0 };
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;
	struct server *s;
	char want[256];
	int rc;

	memsink_init(&m);
	fetch_options(&o, NULL, T2024, T2024 + 59 * MINUTE, MINUTE);
	o.retries = 2;
	rc = run_fetch(&sc, &o, NULL, &m.sink, &err, &s, 0, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_UNAVAILABLE);
	if (s) {
		CU_ASSERT_EQUAL(s->nreqs, 3);
		/* "URL [2024-01-01T00:00:00Z, 2024-01-01T00:59:00Z]: HTTP 503: ..." */
		snprintf(want, sizeof(want), "%s [2024-01-01T00:00:00Z, 2024-01-01T00:59:00Z]: ", s->url);
		CU_ASSERT_NSTRING_EQUAL(err.msg, want, strlen(want));
		CHECK_CONTAINS(err.msg, "HTTP 503: Service Unavailable (after 3 attempts)");
		CHECK_CONTAINS(err.hint, s->url);
	}
	CU_ASSERT_EQUAL(m.nsamples, 0);
	CU_ASSERT_EQUAL(m.discarded_scopes, 3);
	server_free(s);
	memsink_release(&m);
}

#define BAD_QUERY_BODY                                                                          \
	"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": " \
	"1:18: parse error: unexpected character inside braces: '}'\"}"

/* (d) 400 with Prometheus's error: a usage error with its text, not retried */
static void
test_fetch_400(void)
{
	struct script sc = { 1, 0, 1000, 400, BAD_QUERY_BODY, 0, 0 };
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;
	struct server *s;
	int rc;

	memsink_init(&m);
	fetch_options(&o, NULL, T2024, T2024 + 59 * MINUTE, MINUTE);
	rc = run_fetch(&sc, &o, NULL, &m.sink, &err, &s, 0, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CHECK_CONTAINS(err.msg, ": Prometheus rejected the query: bad_data: invalid parameter "
	               "\"query\": 1:18: parse error: unexpected character inside braces: '}'");
	CU_ASSERT_STRING_EQUAL(err.hint, "check --query");
	if (s) {
		CU_ASSERT_NSTRING_EQUAL(err.msg, s->url, strlen(s->url));
		CU_ASSERT_EQUAL(s->nreqs, 1);
	}
	CU_ASSERT_EQUAL(m.nsamples, 0);
	server_free(s);
	memsink_release(&m);

	/* 404: a wrong base URL */
	sc.fail_status = 404;
	sc.fail_body = "404 page not found\n";
	memsink_init(&m);
	rc = run_fetch(&sc, &o, "/nothing-here", &m.sink, &err, &s, 0, 0);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
	CHECK_CONTAINS(err.msg, "HTTP 404 from http://127.0.0.1:");
	CHECK_CONTAINS(err.msg, "/nothing-here/api/v1/query_range");
	if (s)
		CU_ASSERT_EQUAL(s->nreqs, 1);
	server_free(s);
	memsink_release(&m);
}

/* (e) 422 "too many samples": chunks are halved until they pass */
static void
test_fetch_422_splits(void)
{
	static const struct {
		int64_t steps;
		uint64_t limit;
	} cases[] = {
		{ 2000, 1000 },   /* 1000-step chunks of 2 series are twice the limit */
		{ 50, 40 },       /* the first chunk (1000 planned) is the whole range */
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct script sc = { 2, cases[c].limit, 0, 0, NULL, 0, 0 };
		const int64_t start = T2024, end = T2024 + (cases[c].steps - 1) * MINUTE;
		struct request *got = calloc(MAX_REQS, sizeof(*got));
		struct capplan_prom_fetch_options o;
		struct capplan_error err;
		struct gridsink g;
		struct server *s;
		int rc, n, over = 0;

		if (!got) {
			CU_FAIL("out of memory");
			return;
		}
		fetch_options(&o, NULL, start, end, MINUTE);
		grid_init(&g, start, end, MINUTE, 2);
		rc = run_fetch(&sc, &o, NULL, &g.sink, &err, &s, 0, 0);
		if (rc != 0)
			fprintf(stderr, "\n    case %zu: %s\n", c, err.msg);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT(sc.n422 > 0);
		CU_ASSERT_EQUAL(g.bad, 0);
		CU_ASSERT_EQUAL(grid_gaps(&g), 0);
		CU_ASSERT_EQUAL(g.nrecs, (size_t)(2 * cases[c].steps));
		/* each refused chunk was dropped from the sink */
		CU_ASSERT_EQUAL(g.discarded, sc.n422);
		if (s) {
			CU_ASSERT_EQUAL(s->nreqs, sc.n422 + answered(s, got, MAX_REQS));
			n = answered(s, got, MAX_REQS);
			CU_ASSERT_EQUAL(tiling_problems(got, n, start, end, MINUTE), 0);
			for (int i = 0; i < n; i++)
				over += (uint64_t)points_of(&got[i]) * 2 > cases[c].limit;
			CU_ASSERT_EQUAL(over, 0);
		}
		server_free(s);
		grid_release(&g);
		free(got);
	}
}

/* (f) nobody listening: unavailable after the retries */
static void
test_fetch_connection_refused(void)
{
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	struct memsink m;
	char url[64];
	int fd, rc;

	/* a port that is bound but not listening refuses connections, and stays ours */
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
		CU_FAIL("cannot bind a port");
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(addr.sin_port));
	memsink_init(&m);
	fetch_options(&o, NULL, T2024, T2024 + 59 * MINUTE, MINUTE);
	o.url = url;
	o.retries = 1;
	capplan_error_clear(&err);
	rc = capplan_prom_fetch(&o, &m.sink, &err);
	close(fd);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_UNAVAILABLE);
	CU_ASSERT_NSTRING_EQUAL(err.msg, url, strlen(url));
	CHECK_CONTAINS(err.msg, "(after 2 attempts)");
	CHECK_CONTAINS(err.hint, url);
	CU_ASSERT_EQUAL(m.discarded_scopes, 2);
	memsink_release(&m);
}

/* (g) an answer cut short (Content-Length not reached): dropped and asked again */
static void
test_fetch_cut_answer(void)
{
	struct script sc = { 2, 0, 0, 0, NULL, 1, 0 };
	const int64_t start = T2024, end = T2024 + 39 * MINUTE;
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;
	struct server *s;
	int rc;

	probe_init(&m);
	fetch_options(&o, NULL, start, end, MINUTE);
	rc = run_fetch(&sc, &o, NULL, &m.sink, &err, &s, 0, 0);
	if (rc != 0)
		fprintf(stderr, "\n    fetch: %s\n", err.msg);
	CU_ASSERT_EQUAL(rc, 0);
	if (s)
		CU_ASSERT_EQUAL(s->nreqs, 2);
	/* the cut answer had delivered samples; they went with its scope */
	CU_ASSERT_EQUAL(m.discarded_scopes, 1);
	CU_ASSERT_EQUAL(probe.scopes[0], 0);
	CU_ASSERT(probe.dropped > 0);
	CU_ASSERT_EQUAL(m.nsamples, 80);
	CU_ASSERT_EQUAL(memsink_gaps(&m, start, end, MINUTE, 2), 0);
	CU_ASSERT(samples_all_in_scope(&m, 1));
	server_free(s);
	memsink_release(&m);
}

/* (h) never more than max_in_flight requests at once */
static void
test_fetch_max_in_flight(void)
{
	for (int n = 1; n <= 3; n++) {
		struct script sc = { 1, 0, 0, 0, NULL, 0, 0 };
		const int64_t start = T2024, end = T2024 + 60 * MINUTE;
		struct capplan_prom_fetch_options o;
		struct capplan_error err;
		struct gridsink g;
		struct server *s;
		int rc;

		fetch_options(&o, NULL, start, end, MINUTE);
		o.max_in_flight = n;
		o.max_samples = 10;   /* a chunk of 1 step alone, then chunks of 10 */
		grid_init(&g, start, end, MINUTE, 1);
		/* each answer waits 50 ms; the second waits (3 s at most) until n are open */
		rc = run_fetch(&sc, &o, NULL, &g.sink, &err, &s, 50, n);
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(grid_gaps(&g), 0);
		if (s) {
			CU_ASSERT(s->nreqs >= 7);
			CU_ASSERT_EQUAL(s->active_at_first, 1);
			CU_ASSERT_EQUAL(s->max_active, n);
		}
		server_free(s);
		grid_release(&g);
	}
}

/* (i) the query and times arrive intact; path prefix; bearer token */
static void
test_fetch_request_encoding(void)
{
	static const char query[] = "rate(x{a=\"b c+d\"}[5m]) / on(a) group_left y{z=~\"1|2&3=4%\"}";
	struct script sc = { 1, 0, 0, 0, NULL, 0, 0 };
	/* a step of 250 ms, so that aligned times keep their milliseconds */
	const int64_t step = 250, start = T2024 + 17250, end = start + 10 * step;
	char token_file[] = "/tmp/capplan-token-XXXXXX";
	struct capplan_prom_fetch_options o;
	struct capplan_error err;
	struct memsink m;
	struct server *s;
	int fd, rc;

	fd = mkstemp(token_file);
	if (fd < 0 || write(fd, "s3cr3t\n", 7) != 7) {
		CU_FAIL("cannot write a token file");
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	memsink_init(&m);
	fetch_options(&o, NULL, start, end, step);
	o.query = query;
	o.bearer_token_file = token_file;
	rc = run_fetch(&sc, &o, "/prometheus/", &m.sink, &err, &s, 0, 0);
	unlink(token_file);
	CU_ASSERT_EQUAL(rc, 0);
	if (s) {
		CU_ASSERT_EQUAL(s->nreqs, 1);
		CU_ASSERT_EQUAL(s->broken, 0);
		CU_ASSERT_STRING_EQUAL(s->reqs[0].line, "POST /prometheus/api/v1/query_range HTTP/1.1");
		CU_ASSERT(s->reqs[0].form);
		CU_ASSERT(s->reqs[0].parsed);
		CU_ASSERT_STRING_EQUAL(s->reqs[0].query, query);
		CU_ASSERT_STRING_EQUAL(s->reqs[0].auth, "Bearer s3cr3t");
		/* "start=1704067217.250&end=1704067219.750&step=0.250" */
		CU_ASSERT_EQUAL(s->reqs[0].start_ms, start);
		CU_ASSERT_EQUAL(s->reqs[0].end_ms, end);
		CU_ASSERT_EQUAL(s->reqs[0].step_ms, step);
	}
	CU_ASSERT_EQUAL(m.nsamples, 11);
	CU_ASSERT_EQUAL(memsink_gaps(&m, start, end, step, 1), 0);
	server_free(s);
	memsink_release(&m);

	/* a token file that is not there */
	memsink_init(&m);
	fetch_options(&o, NULL, start, end, step);
	o.url = "http://127.0.0.1:1";
	o.bearer_token_file = token_file;
	rc = capplan_prom_fetch(&o, &m.sink, &err);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_NOINPUT);
	CU_ASSERT_NSTRING_EQUAL(err.msg, token_file, strlen(token_file));
	memsink_release(&m);
}

/* A proxy from the environment would take the requests meant for the fake server. */
static int
suite_init(void)
{
	static const char *const vars[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
	                                    "all_proxy", "ALL_PROXY" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	return 0;
}

int
register_prom_http_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "chunk sizes", test_chunk_points },
		{ "defaults, options refused", test_defaults_and_options },
		{ "(a) chunks tile the range within the limits", test_fetch_chunks },
		{ "(b) 503 then success: retried, scope dropped", test_fetch_retry_after_503 },
		{ "(c) 503 for ever: unavailable after retries", test_fetch_503_gives_up },
		{ "(d) 400 and 404: usage errors with the text", test_fetch_400 },
		{ "(e) 422 too many samples: chunk halved", test_fetch_422_splits },
		{ "(f) connection refused", test_fetch_connection_refused },
		{ "(g) answer cut short: retried", test_fetch_cut_answer },
		{ "(h) max_in_flight respected", test_fetch_max_in_flight },
		{ "(i) query, times, path and token sent intact", test_fetch_request_encoding },
	};
	CU_pSuite suite = CU_add_suite("prom_http", suite_init, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
