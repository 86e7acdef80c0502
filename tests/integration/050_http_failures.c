/*
 * tests/integration/050_http_failures.c: Prometheus answers that fail.
 *
 * capplan-ingest asks for a range in chunks; an answer that breaks off
 * halfway, a 5xx or a 429 is dropped from the load and asked again, a 422
 * "too many samples" makes the chunk smaller.  Whatever happened on the way,
 * what lands must be exactly the history, counted once.
 *
 * The failures come from a small HTTP proxy in front of the real Prometheus,
 * run in a child process of this test: it serves one connection at a time,
 * passes each request to Prometheus (with libcurl) and answers the Nth
 * request according to a plan: pass the answer, cut it off after half its
 * body (the connection closes early), or answer 503 or 422 itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <curl/curl.h>

#include "helpers.h"

enum fault {
	PASS,   /* Prometheus's answer as it is */
	CUT,    /* headers and half the body, then the connection closes */
	E503,   /* 503 with an error body */
	E422    /* 422 "too many samples", as Prometheus says it */
};

struct proxy {
	pid_t pid;
	char url[64];
};

/* ---- the child: one connection at a time ---- */

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
respond(int fd, long code, const char *body, size_t len, size_t send_len)
{
	char head[256];

	snprintf(head, sizeof(head), "HTTP/1.1 %ld X\r\nContent-Type: application/json\r\n"
	         "Content-Length: %zu\r\nConnection: close\r\n\r\n", code, len);
	if (send_all(fd, head, strlen(head)) == 0)
		send_all(fd, body, send_len);
}

struct buf {
	char *data;
	size_t len, cap;
};

static size_t
collect(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct buf *b = ctx;
	size_t n = size * nmemb;

	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *grown = realloc(b->data, cap);

		if (!grown)
			return 0;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return n;
}

/* Read one request: "POST /path HTTP/1.1", headers, a body of Content-Length bytes. */
static int
read_request(int fd, char *path, size_t pathsz, char **body, size_t *body_len)
{
	static char req[1 << 16];
	size_t len = 0, head_len, want;
	char *end = NULL, *cl;
	ssize_t n;

	while (!end) {
		if (len + 1 >= sizeof(req))
			return -1;
		n = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		req[len] = '\0';
		end = strstr(req, "\r\n\r\n");
	}
	head_len = (size_t)(end - req) + 4;
	if (sscanf(req, "%*s %1023s", path) != 1 || pathsz < 1024)
		return -1;
	want = 0;
	for (cl = req; (cl = strchr(cl, '\n')) != NULL && cl < end; cl++)
		if (strncasecmp(cl + 1, "Content-Length:", 15) == 0)
			want = strtoul(cl + 16, NULL, 10);
	while (len < head_len + want) {
		if (len + 1 >= sizeof(req))
			return -1;
		n = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (n <= 0)
			return -1;
		len += (size_t)n;
	}
	*body = malloc(want + 1);
	if (!*body)
		return -1;
	memcpy(*body, req + head_len, want);
	(*body)[want] = '\0';
	*body_len = want;
	return 0;
}

static void
handle(int fd, enum fault fault)
{
	static const char e503[] = "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"injected by the test\"}";
	static const char e422[] = "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing"
	                           " would load too many samples into memory in query execution\"}";
	char path[1024], url[1200];
	struct buf answer = { NULL, 0, 0 };
	char *body = NULL;
	size_t body_len = 0;
	long code = 0;
	CURL *curl;

	if (read_request(fd, path, sizeof(path), &body, &body_len) < 0)
		return;
	if (fault == E503) {
		respond(fd, 503, e503, strlen(e503), strlen(e503));
		free(body);
		return;
	}
	if (fault == E422) {
		respond(fd, 422, e422, strlen(e422), strlen(e422));
		free(body);
		return;
	}
	snprintf(url, sizeof(url), "%s%s", it_env.prom, path);
	curl = curl_easy_init();
	if (curl) {
		curl_easy_setopt(curl, CURLOPT_URL, url);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
		curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
		if (curl_easy_perform(curl) == CURLE_OK)
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(curl);
	}
	if (code == 0)
		respond(fd, 502, "{}", 2, 2);
	else
		respond(fd, code, answer.data ? answer.data : "", answer.len,
		        fault == CUT ? answer.len / 2 : answer.len);
	free(answer.data);
	free(body);
}

static void
serve(int lfd, const enum fault *plan, int nplan)
{
	for (int n = 0;; n++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			n--;
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		handle(fd, n < nplan ? plan[n] : PASS);
		shutdown(fd, SHUT_RDWR);
		close(fd);
	}
}

/* ---- the parent ---- */

static void
proxy_start(struct proxy *p, const enum fault *plan, int nplan)
{
	struct sockaddr_in addr;
	socklen_t alen = sizeof(addr);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	IT_REQUIRE(lfd >= 0, "socket: %s", strerror(errno));
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	IT_REQUIRE(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(lfd, 16) == 0 &&
	           getsockname(lfd, (struct sockaddr *)&addr, &alen) == 0, "listen: %s", strerror(errno));
	snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%d", ntohs(addr.sin_port));
	fflush(NULL);
	p->pid = fork();
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		serve(lfd, plan, nplan);
		_exit(0);
	}
	close(lfd);
	IT_REQUIRE(p->pid > 0, "fork: %s", strerror(errno));
}

static void
proxy_stop(struct proxy *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	p->pid = -1;
}

/* ---- the tests ---- */

struct range {
	long long from, to;      /* unix seconds, both on the hour */
	char start[32], end[32];
	char where[160];         /* the range as an SQL condition on the view */
};

static void
range_of(struct range *r, long long from, long long to)
{
	r->from = from;
	r->to = to;
	snprintf(r->start, sizeof(r->start), "%lld", from);
	snprintf(r->end, sizeof(r->end), "%lld", to);
	snprintf(r->where, sizeof(r->where), "WHERE ts BETWEEN to_timestamp(%lld) AND to_timestamp(%lld)",
	         from, to);
}

/*
 * Load the range through a proxy with plan, then check: exit 0, no message,
 * the summary (every sample new, none duplicate), and the database equal to
 * the expected rows of the range.
 */
static void
load_through_proxy_at(const enum fault *plan, int nplan, const struct range *rg, const char *in_flight,
                      const char *max_samples, const char *file, unsigned line)
{
	struct it_db *db = it_db_new();
	struct it_expected info;
	char source[256];
	struct proxy p = { -1, "" };
	struct it_run r;

	it_load_expected(db->conn, rg->from, rg->to, &info);
	proxy_start(&p, plan, nplan);
	it_ingest(&r, "--db", db->conninfo, "--prometheus", p.url, "--query", "{__name__=~\".+\"}", "--start",
	          rg->start, "--end", rg->end, "--step", "1h", "--max-samples", max_samples,
	          "--max-in-flight", in_flight);
	proxy_stop(&p);
	it_check_ok_at(&r, file, line);
	snprintf(source, sizeof(source), "%s {__name__=~\".+\"}", p.url);
	it_check_summary_at(&r, 0, source, info.series, info.rows, 0, 0, file, line);
	it_run_free(&r);
	it_compare_with_expected_at(db, &info, rg->where, file, line);
	it_check_at(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == info.rows, 0, file,
	            line, "row count", "nothing outside the range");
}

#define LOAD_THROUGH_PROXY(plan, rg, in_flight, max_samples) \
	load_through_proxy_at(plan, (int)(sizeof(plan) / sizeof(plan[0])), rg, in_flight, max_samples, \
	                      __FILE__, __LINE__)

/*
 * The last 29 days at 1h (697 steps x 51 series) in chunks of at most 20,000
 * samples: the first request asks for 20 steps (the series count is not
 * known yet), the next ones for 392.  The first answer breaks off after half
 * its body, while its samples still wait for their series to be created (the
 * sink holds samples back until 256 Ki have come): the retry must bring them
 * once, and the summary must count them once.
 */
static void
test_first_answer_cut_off(void)
{
	static const enum fault plan[] = { CUT };
	struct range rg;

	range_of(&rg, it_env.history_end - 29 * 86400LL, it_env.history_end);
	LOAD_THROUGH_PROXY(plan, &rg, "2", "20000");
}

/*
 * The whole history in chunks of at most 200,000 samples, one request at a
 * time (200, 3921, 3921 and 1462 steps): by the fourth answer more than
 * 256 Ki samples have arrived, so the series exist and samples are copied
 * into capplan.samples as they come.  The fourth answer breaks off halfway
 * (after some of its rows were copied: they stay, and the retry's copies of
 * them must not count as duplicates), its first retry gets a 503, the second
 * one succeeds.
 */
static void
test_later_answer_cut_off_then_503(void)
{
	static const enum fault plan[] = { PASS, PASS, PASS, CUT, E503 };
	struct range rg;

	range_of(&rg, it_env.history_start, it_env.history_end);
	LOAD_THROUGH_PROXY(plan, &rg, "1", "200000");
}

/* A 422 "too many samples" for the second request: the chunk is asked for in two halves. */
static void
test_too_many_samples_splits_the_chunk(void)
{
	static const enum fault plan[] = { PASS, E422 };
	struct range rg;

	range_of(&rg, it_env.history_end - 29 * 86400LL, it_env.history_end);
	LOAD_THROUGH_PROXY(plan, &rg, "1", "20000");
}

/* A server that keeps answering 503: 69 after the retries, nothing committed. */
static void
test_server_keeps_failing(void)
{
	static const enum fault plan[] = { E503, E503, E503, E503, E503, E503, E503, E503 };
	struct it_db *db = it_db_new();
	struct it_counts before, after;
	struct proxy p = { -1, "" };
	char want[256], first[4096], second[4096], start[32], end[32];
	struct it_run r;

	it_ingest(&r, "--db", db->conninfo, it_fixture("good_range.json"));
	IT_CHECK_OK(&r);
	it_run_free(&r);
	it_get_counts(db, &before);
	snprintf(start, sizeof(start), "%lld", it_env.history_end - 86400LL);
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	proxy_start(&p, plan, (int)(sizeof(plan) / sizeof(plan[0])));
	it_ingest(&r, "--db", db->conninfo, "--prometheus", p.url, "--query", "up", "--start", start, "--end",
	          end, "--retries", "1");
	proxy_stop(&p);
	IT_CHECK(r.status == 69, "exit status %d, want 69\n  stderr:\n%s", r.status, r.err);
	snprintf(want, sizeof(want), "capplan-ingest: %s [", p.url);
	it_line(r.err, 0, first, sizeof(first));
	it_line(r.err, 1, second, sizeof(second));
	IT_CHECK(it_starts_with(first, want), "\n  want: %s...\n  got:  %s", want, first);
	IT_CHECK(strstr(first, "HTTP 503: unavailable: injected by the test (after 2 attempts)") != NULL,
	         "Prometheus's error and the attempts in: %s", first);
	snprintf(want, sizeof(want), "is Prometheus up and reachable at %s?", p.url);
	IT_CHECK(strcmp(second, want) == 0, "hint\n  want: %s\n  got:  %s", want, second);
	IT_CHECK(r.out[0] == '\0', "nothing on stdout: %s", r.out);
	it_run_free(&r);
	it_get_counts(db, &after);
	IT_CHECK(after.samples == before.samples && after.series == before.series && after.runs == before.runs,
	         "nothing committed: samples %lld -> %lld, series %lld -> %lld, runs %lld -> %lld",
	         before.samples, after.samples, before.series, after.series, before.runs, after.runs);
}

int
it_register_http_failures(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("050 http failures", NULL, NULL, NULL,
	                                                   it_teardown);

	if (!s ||
	    !CU_add_test(s, "first answer cut off halfway is asked again", test_first_answer_cut_off) ||
	    !CU_add_test(s, "later answer cut off, then 503, is asked again",
	                 test_later_answer_cut_off_then_503) ||
	    !CU_add_test(s, "422 too many samples splits the chunk", test_too_many_samples_splits_the_chunk) ||
	    !CU_add_test(s, "server that keeps failing: 69, nothing committed", test_server_keeps_failing))
		return -1;
	return 0;
}
