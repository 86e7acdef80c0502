/*
 * tests/integration/090_driver.c: scripts/quarterly-review and its siblings.
 *
 * The driver runs the three programs against the throwaway PostgreSQL and
 * the real Prometheus with a plan over gen-history's metrics; the tests look
 * at what it leaves: the packet's five files (re-read by poppler and libcsv),
 * review.log, and the model runs in the database.  A failing stage stops the
 * review with its exit status; a model stage killed half way leaves the
 * earlier run untouched and a rerun completes.  monthly-checkin and
 * weekly-check are checked for their outputs and exit statuses.
 *
 * The scripts run unwrapped even with CAPPLAN_TEST_VALGRIND=1, and so do the
 * programs they start (the other suites cover those under valgrind).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <csv.h>

#include "helpers.h"

/* Small: 31 days of history and one cheap method keep each review to seconds. */
static const char plan_text[] =
	"version: 1\n"
	"prometheus: {url: %s, step: 1h}\n"
	"history: 30d\n"
	"horizon: 60d\n"
	"drivers:\n"
	"  - name: deployments\n"
	"    query: 'sum(deployments_active)'\n"
	"    metric: deployments_total\n"
	"resources:\n"
	"  - name: api-requests\n"
	"    service: api\n"
	"    kind: api_requests\n"
	"    unit: requests_per_second\n"
	"    usage: 'sum(http_requests_per_second)'\n"
	"    metric: api_requests_per_second\n"
	"    capacity: 10000\n"
	"    drivers: [deployments]\n"
	"  - name: data-disks\n"
	"    service: validator\n"
	"    kind: disk\n"
	"    unit: bytes\n"
	"    usage: 'node_filesystem_size_bytes - node_filesystem_avail_bytes'\n"
	"    metric: disk_used_bytes\n"
	"    capacity: 'node_filesystem_size_bytes'\n"
	"    unit_cost: 40\n";

/* Nothing near its limits: the weekly check is calm. */
static const char calm_plan_text[] =
	"version: 1\n"
	"prometheus: {url: %s}\n"
	"history: 10d\n"
	"horizon: 3d\n"
	"resources:\n"
	"  - name: api-requests\n"
	"    service: api\n"
	"    kind: api_requests\n"
	"    unit: requests_per_second\n"
	"    usage: 'sum(http_requests_per_second)'\n"
	"    capacity: 100000\n";

static const char *const packet_files[] = { "capacity-review.pdf", "capacity-budget.xlsx", "capplan.prom",
	                                        "capacity-alerts.yml", "summary.csv" };
#define NPACKET (sizeof(packet_files) / sizeof(packet_files[0]))

/* The plan (calm: calm_plan_text) for the real Prometheus, in a new file. */
static const char *
write_plan(int calm)
{
	const char *path = it_tmp_path(".yml");
	char text[4096];
	int len = calm ? snprintf(text, sizeof(text), calm_plan_text, it_env.prom)
	               : snprintf(text, sizeof(text), plan_text, it_env.prom);

	IT_REQUIRE(len > 0 && (size_t)len < sizeof(text), "plan text");
	it_write_file(path, text, (size_t)len);
	return path;
}

/* Size of dir/name; -1 when it is not there. */
static long long
file_size(const char *dir, const char *name)
{
	char path[2 * IT_PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static char *
read_in(const char *dir, const char *name)
{
	char path[2 * IT_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return it_read_file(path, NULL);
}

/* Occurrences of needle in haystack. */
static int
count_str(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The output of a shell command, whole; NULL when it fails. */
static char *
capture(const char *cmd)
{
	const char *path = it_tmp_path(".out");
	char full[3 * IT_PATH_MAX];
	int st;

	snprintf(full, sizeof(full), "%s > '%s' 2>&1", cmd, path);
	st = system(full);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NULL;
	return it_read_file(path, NULL);
}

/* Pages of a PDF by pdfinfo; -1 when it cannot read it. */
static int
pdf_pages(const char *dir, const char *name)
{
	char cmd[3 * IT_PATH_MAX], *info, *p;
	int pages = -1;

	snprintf(cmd, sizeof(cmd), "pdfinfo '%s/%s'", dir, name);
	info = capture(cmd);
	if (info && (p = strstr(info, "\nPages:")) != NULL)
		pages = atoi(p + 7);
	free(info);
	return pages;
}

/* Records of a CSV file by libcsv (quoted line ends stay inside their record). */
static void
on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	(void)data;
}

static void
on_row(int c, void *data)
{
	(void)c;
	(*(long long *)data)++;
}

static long long
csv_records(const char *dir, const char *name)
{
	char path[2 * IT_PATH_MAX];
	struct csv_parser p;
	long long rows = 0;
	size_t len = 0;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = it_read_file(path, &len);
	if (!text || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(text);
		return -1;
	}
	if (csv_parse(&p, text, len, on_field, on_row, &rows) != len)
		rows = -1;
	else
		csv_fini(&p, on_field, on_row, &rows);
	csv_free(&p);
	free(text);
	return rows;
}

static long long
count_runs(struct it_db *db, const char *status)
{
	return it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE status = $1", 1,
	                (const char *const[]){ status });
}

/* What a model run stored, as one comparable string (malloc'd). */
static char *
run_snapshot(struct it_db *db, long long run_id)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", run_id);
	return it_scalar(db->conn,
	                 "SELECT concat_ws(' / ',"
	                 " (SELECT status || ' ' || coalesce(finished_at::text, '-') FROM capplan.model_runs"
	                 "   WHERE id = $1::bigint),"
	                 " (SELECT count(*) || ' fits ' || count(*) FILTER (WHERE chosen) || ' chosen '"
	                 "   || coalesce(sum(mase), 0)::text FROM capplan.model_fits WHERE run_id = $1::bigint),"
	                 " (SELECT count(*) || ' points ' || coalesce(sum(yhat), 0)::text || ' '"
	                 "   || coalesce(sum(hi95 - lo95), 0)::text"
	                 "   FROM capplan.forecast_points WHERE run_id = $1::bigint),"
	                 " (SELECT count(*) || ' assessments ' || coalesce(sum(utilisation), 0)::text || ' '"
	                 "   || string_agg(level, ',' ORDER BY resource, series_id)"
	                 "   FROM capplan.assessments WHERE run_id = $1::bigint))",
	                 1, (const char *const[]){ id });
}

/* What capplan.latest_forecast shows, as one comparable string (malloc'd). */
static char *
latest_snapshot(struct it_db *db)
{
	return it_scalar(db->conn,
	                 "SELECT count(*) || ' points ' || coalesce(sum(yhat), 0)::text || ' '"
	                 " || coalesce(sum(hi95 - lo95), 0)::text FROM capplan.latest_forecast", 0, NULL);
}

static long long
newest_run(struct it_db *db, const char *status)
{
	return it_count(db->conn, "SELECT coalesce(max(id), 0) FROM capplan.model_runs WHERE status = $1", 1,
	                (const char *const[]){ status });
}

/* The five files there and not empty; returns how many are. */
static int
check_packet_at(const char *dir, const char *file, unsigned line)
{
	int found = 0;

	for (size_t i = 0; i < NPACKET; i++) {
		long long size = file_size(dir, packet_files[i]);

		found += size > 0;
		it_check_at(size > 0, 0, file, line, "file_size > 0", "%s/%s: size %lld", dir, packet_files[i],
		            size);
	}
	return found;
}
#define CHECK_PACKET(dir) check_packet_at(dir, __FILE__, __LINE__)

/* No file of the packet in dir (a stage failed before render). */
static int
packet_absent(const char *dir)
{
	for (size_t i = 0; i < NPACKET; i++)
		if (file_size(dir, packet_files[i]) >= 0)
			return 0;
	return 1;
}

/* ---- quarterly-review end to end, and a rerun ---- */

static void
test_review(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(0);
	char end[32], out[IT_PATH_MAX], *log, *text;
	long long samples, assessed, runs;
	struct it_run r;
	int pages;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	snprintf(out, sizeof(out), "%s", it_tmp_path("-packet"));
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--model-opt=--methods=linear");
	IT_CHECK_OK(&r);
	/* announced in order, each with its time, and where the packet is */
	{
		const char *a = strstr(r.out, "quarterly-review: [1/3] ingest: capplan-ingest --config ");
		const char *b = a ? strstr(a, "quarterly-review: ingest: ok in ") : NULL;
		const char *c = b ? strstr(b, "quarterly-review: [2/3] model: capplan-model --config ") : NULL;
		const char *d = c ? strstr(c, "quarterly-review: model: ok in ") : NULL;
		const char *e = d ? strstr(d, "quarterly-review: [3/3] render: capplan-render --out ") : NULL;
		const char *f = e ? strstr(e, "quarterly-review: render: ok in ") : NULL;
		const char *g = f ? strstr(f, "quarterly-review: done in ") : NULL;

		IT_CHECK(g != NULL, "the stages announced in order, each with its time:\n%s", r.out);
		IT_CHECK(strstr(r.out, "run 1: 11 resource series assessed") != NULL, "the model's summary:\n%s",
		         r.out);
		IT_CHECK(strstr(r.out, "the packet is in ") != NULL && strstr(r.out, out) != NULL,
		         "where the packet is:\n%s", r.out);
		IT_CHECK(strstr(r.out, "--as-of 2026-01-01T00:00:00Z") != NULL, "as-of once, as RFC 3339:\n%s",
		         r.out);
	}
	it_run_free(&r);

	IT_CHECK(CHECK_PACKET(out) == (int)NPACKET, "the packet in %s", out);
	assessed = it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment", 0, NULL);
	IT_CHECK(assessed == 11, "11 assessments: %lld", assessed);
	/* summary.csv: a header and one record per assessment */
	IT_CHECK(csv_records(out, "summary.csv") == assessed + 1, "summary.csv: %lld records for %lld assessments",
	         csv_records(out, "summary.csv"), assessed);
	pages = pdf_pages(out, "capacity-review.pdf");
	IT_CHECK(pages >= assessed + 6, "the PDF: %d pages for %lld series", pages, assessed);
	text = read_in(out, "capplan.prom");
	IT_CHECK(text && strstr(text, "validator-1:9100") != NULL, "the feed names the disks");
	free(text);

	/* the log: each stage's command (without the conninfo), output and time */
	log = read_in(out, "review.log");
	IT_REQUIRE(log != NULL, "%s/review.log", out);
	IT_CHECK(count_str(log, "== quarterly-review: review as of 2026-01-01T00:00:00Z") == 1, "one review:\n%s",
	         log);
	for (int i = 0; i < 3; i++) {
		static const char *const stages[] = { "ingest", "model", "render" };
		char started[64], ok[64];

		snprintf(started, sizeof(started), "] %s: started\n$ capplan-%s ", stages[i], stages[i]);
		snprintf(ok, sizeof(ok), "] %s: ok in ", stages[i]);
		IT_CHECK(strstr(log, started) != NULL && strstr(log, ok) != NULL, "%s in the log:\n%s", stages[i],
		         log);
	}
	IT_CHECK(strstr(log, ": resources[1] (data-disks) usage: 10 series, 7210 samples new") != NULL,
	         "ingest's output in the log:\n%s", log);
	IT_CHECK(strstr(log, "run 1 (2026-Q1): 11 resource series") != NULL, "render's output in the log:\n%s", log);
	IT_CHECK(strstr(log, db->conninfo) == NULL && strstr(log, "--db (conninfo not shown)") != NULL,
	         "no conninfo in the log:\n%s", log);
	free(log);

	/* a rerun: nothing new ingested, a second model run, the packet replaced */
	samples = it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL);
	IT_CHECK(samples == 22 * 721, "30 days + 1 hour of 22 series: %lld", samples);
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--model-opt=--methods=linear", "--quiet");
	IT_CHECK_OK(&r);
	IT_CHECK(r.out[0] == '\0', "--quiet: nothing on stdout:\n%s", r.out);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == samples,
	         "the rerun added no sample");
	runs = count_runs(db, "succeeded");
	IT_CHECK(runs == 2, "two model runs: %lld", runs);
	IT_CHECK(csv_records(out, "summary.csv") == assessed + 1, "summary.csv replaced, not appended");
	log = read_in(out, "review.log");
	IT_CHECK(log && count_str(log, "== quarterly-review: review as of") == 2 &&
	         count_str(log, "] render: ok in ") == 2 && strstr(log, "7210 duplicate") != NULL,
	         "the log keeps both reviews:\n%s", log ? log : "");
	IT_CHECK(log && strstr(log, "$ capplan-render --out ") && strstr(log, " --run 2 "),
	         "render draws the run just made:\n%s", log ? log : "");
	free(log);
}

/* Without --out: reports/YEAR-QN under the current folder, the quarter of --as-of. */
static void
test_review_default_out(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(0);
	char cwd[IT_PATH_MAX], out[2 * IT_PATH_MAX];
	struct it_run r;

	snprintf(cwd, sizeof(cwd), "%s", it_tmp_path("-cwd"));
	IT_REQUIRE(mkdir(cwd, 0755) == 0, "mkdir %s: %s", cwd, strerror(errno));
	/* 2025-11-15T12:00:00Z: the fourth quarter */
	it_script_list(&r, cwd, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of",
	               "2025-11-15T12:00:00Z", "--model-opt=--methods=linear", "--quiet", (const char *)NULL);
	IT_CHECK_OK(&r);
	it_run_free(&r);
	snprintf(out, sizeof(out), "%s/reports/2025-Q4", cwd);
	IT_CHECK(CHECK_PACKET(out) == (int)NPACKET, "the packet in %s", out);
	IT_CHECK(file_size(out, "review.log") > 0, "its log");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE status = 'succeeded'"
	                  " AND as_of = '2025-11-15T12:00:00Z'", 0, NULL) == 1, "the model run as of --as-of");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.series_samples"
	                  " WHERE ts > '2025-11-15T12:00:00Z'", 0, NULL) == 0, "nothing ingested after --as-of");
}

/* A failing stage stops the review with its status; nothing after it runs. */
static void
test_review_failures(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(0), *bad = it_tmp_path(".yml");
	char end[32], out[IT_PATH_MAX], *log;
	struct it_run r;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	it_write_file(bad, "version: 2\n", 11);

	/* Prometheus unreachable: ingest's 69, no model run, no packet */
	snprintf(out, sizeof(out), "%s", it_tmp_path("-unreachable"));
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--ingest-opt=--prometheus=http://127.0.0.1:1", "--ingest-opt=--retries=0");
	IT_CHECK(r.status == 69, "unreachable Prometheus: exit %d, want 69\n%s", r.status, r.err);
	IT_CHECK(it_starts_with(r.err, "capplan-ingest: "), "ingest's own message first:\n%s", r.err);
	IT_CHECK(strstr(r.err, "\nquarterly-review: ingest: capplan-ingest failed with exit status 69; "
	                "nothing after it ran (log: ") != NULL, "the driver names the stage:\n%s", r.err);
	IT_CHECK(strstr(r.out, "[2/3] model") == NULL, "model not started:\n%s", r.out);
	it_run_free(&r);
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs", 0, NULL) == 0, "no model run");
	IT_CHECK(packet_absent(out), "no packet in %s", out);
	log = read_in(out, "review.log");
	IT_CHECK(log && strstr(log, "] ingest: failed with exit status 69 after ") != NULL &&
	         strstr(log, "model: started") == NULL && strstr(log, "Couldn't connect") != NULL,
	         "the log:\n%s", log ? log : "");
	free(log);

	/* a bad plan: 78, and nothing at all stored */
	snprintf(out, sizeof(out), "%s", it_tmp_path("-badplan"));
	it_script(&r, "quarterly-review", "--config", bad, "--db", db->conninfo, "--out", out, "--quiet");
	IT_CHECK(r.status == 78, "bad plan: exit %d, want 78\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "unsupported version 2") != NULL, "the plan's error:\n%s", r.err);
	IT_CHECK(r.out[0] == '\0', "--quiet:\n%s", r.out);
	it_run_free(&r);
	IT_CHECK(packet_absent(out), "no packet");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == 0, "nothing ingested");

	/* the model stage fails (a method it does not know): its 64, render does not run */
	snprintf(out, sizeof(out), "%s", it_tmp_path("-badmodel"));
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--model-opt=--methods=crystal-ball");
	IT_CHECK(r.status == 64, "bad model option: exit %d, want 64\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "capplan-model: ") != NULL &&
	         strstr(r.err, "quarterly-review: model: capplan-model failed with exit status 64") != NULL,
	         "the stage's message, then the driver's:\n%s", r.err);
	IT_CHECK(strstr(r.out, "ingest: ok in") != NULL && strstr(r.out, "[3/3] render") == NULL,
	         "ingest ran, render did not:\n%s", r.out);
	it_run_free(&r);
	IT_CHECK(packet_absent(out), "no packet");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == 22 * 721,
	         "ingest's work kept (it is idempotent)");

	/* the driver's own errors: a missing plan (66, nothing created), usage (64) */
	snprintf(out, sizeof(out), "%s", it_tmp_path("-noplan"));
	it_script(&r, "quarterly-review", "--config", "/nonexistent/plan.yml", "--out", out);
	IT_CHECK(r.status == 66, "missing plan: exit %d, want 66\n%s", r.status, r.err);
	IT_CHECK(it_starts_with(r.err, "quarterly-review: /nonexistent/plan.yml: cannot read the plan\n"),
	         "%s", r.err);
	IT_CHECK(file_size(out, "review.log") < 0, "nothing created");
	it_run_free(&r);
	it_script(&r, "quarterly-review", "--config", plan, "--as-of", "soon");
	IT_CHECK(r.status == 64 && strstr(r.err, "--as-of: \"soon\" is not a time") != NULL &&
	         strstr(r.err, "Try \"quarterly-review --help\"") != NULL, "bad --as-of: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_script(&r, "quarterly-review", "--frobnicate");
	IT_CHECK(r.status == 64 && strstr(r.err, "unknown option \"--frobnicate\"") != NULL, "%d\n%s", r.status,
	         r.err);
	it_run_free(&r);
	it_script(&r, "quarterly-review", "--help");
	IT_CHECK(r.status == 0 && strstr(r.out, "Usage:\n  quarterly-review --config=PLAN [OPTION]...") != NULL &&
	         strstr(r.out, "Exit status:") != NULL, "--help: %d\n%s", r.status, r.out);
	it_run_free(&r);
}

/* ---- a model stage killed half way ---- */

/* pid's parent by /proc/PID/stat; -1 when gone. */
static pid_t
parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *fp;
	long ppid = -1;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	if (fgets(buf, sizeof(buf), fp) && (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 1, " %*c %ld", &ppid);
	fclose(fp);
	return (pid_t)ppid;
}

/* A capplan-model process descending from ancestor; -1 when there is none. */
static pid_t
find_model_under(pid_t ancestor)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	if (!dir)
		return -1;
	while (found < 0 && (e = readdir(dir)) != NULL) {
		char path[300], comm[64] = "";
		pid_t pid;
		FILE *fp;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)atol(e->d_name);
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		if (!fgets(comm, sizeof(comm), fp))
			comm[0] = '\0';
		fclose(fp);
		if (strcmp(comm, "capplan-model\n") != 0)
			continue;
		for (pid_t p = parent_of(pid); p > 1; p = parent_of(p))
			if (p == ancestor) {
				found = pid;
				break;
			}
	}
	closedir(dir);
	return found;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_model_killed(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(0);
	char end[32], out[IT_PATH_MAX], killed_out[IT_PATH_MAX], *before, *latest_before, *after, *latest_after;
	long long first, killed = 0;
	pid_t model = -1;
	double deadline;
	struct it_run r;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	snprintf(out, sizeof(out), "%s", it_tmp_path("-packet"));
	snprintf(killed_out, sizeof(killed_out), "%s", it_tmp_path("-killed"));

	/* an earlier, complete review */
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--model-opt=--methods=linear", "--quiet");
	IT_REQUIRE(r.status == 0, "the first review: %d\n%s", r.status, r.err);
	it_run_free(&r);
	first = newest_run(db, "succeeded");
	IT_REQUIRE(first > 0, "a succeeded run");
	before = run_snapshot(db, first);
	latest_before = latest_snapshot(db);
	IT_REQUIRE(before != NULL && latest_before != NULL, "snapshots");

	/*
	 * The review again, with every method (seconds of fitting): wait until its
	 * model run is in the database and its process is found, then SIGKILL it.
	 */
	{
		const char *args[] = { "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", killed_out,
			               "--model-opt=--jobs=1", "--model-opt=--forecasts=all", NULL };

		it_script_start(&r, NULL, "quarterly-review", args);
	}
	deadline = mono_now() + IT_RUN_TIMEOUT / 2;
	while (mono_now() < deadline) {
		struct timespec pause = { 0, 5 * 1000 * 1000 };

		killed = it_count(db->conn, "SELECT coalesce(max(id), 0) FROM capplan.model_runs"
		                  " WHERE status = 'running'", 0, NULL);
		if (killed > first && (model = find_model_under(r.pid)) > 0)
			break;
		nanosleep(&pause, NULL);
	}
	IT_CHECK(model > 0 && killed > first, "the model stage seen running (run %lld, pid %ld)", killed,
	         (long)model);
	if (model > 0)
		IT_CHECK(kill(model, SIGKILL) == 0, "kill %ld: %s", (long)model, strerror(errno));
	else
		kill(r.pid, SIGTERM);
	it_ingest_wait(&r);
	IT_CHECK(r.status == 70, "the driver after its model was killed: exit %d, want 70\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "quarterly-review: model: capplan-model was killed by SIGKILL after ") != NULL &&
	         strstr(r.err, "nothing after it ran") != NULL && strstr(r.err, "run quarterly-review again") != NULL,
	         "the driver reports it:\n%s", r.err);
	IT_CHECK(strstr(r.out, "[3/3] render") == NULL, "render did not run:\n%s", r.out);
	it_run_free(&r);
	IT_CHECK(packet_absent(killed_out), "no packet from the killed review");
	{
		char *log = read_in(killed_out, "review.log");

		IT_CHECK(log && strstr(log, "] model: killed by SIGKILL after ") != NULL, "the log:\n%s",
		         log ? log : "");
		free(log);
	}

	/* nothing of the killed run stored; the earlier run as it was, and still the latest */
	{
		char id[32];

		snprintf(id, sizeof(id), "%lld", killed);
		IT_CHECK(it_count(db->conn, "SELECT (SELECT count(*) FROM capplan.model_fits WHERE run_id = $1::bigint)"
		                  " + (SELECT count(*) FROM capplan.forecast_points WHERE run_id = $1::bigint)"
		                  " + (SELECT count(*) FROM capplan.assessments WHERE run_id = $1::bigint)", 1,
		                  (const char *const[]){ id }) == 0, "nothing of the killed run %lld", killed);
	}
	after = run_snapshot(db, first);
	latest_after = latest_snapshot(db);
	IT_CHECK(after && strcmp(before, after) == 0, "the earlier run unchanged\n  before: %s\n  after:  %s", before,
	         after ? after : "(null)");
	IT_CHECK(latest_after && strcmp(latest_before, latest_after) == 0,
	         "latest_forecast still the earlier run\n  before: %s\n  after:  %s", latest_before,
	         latest_after ? latest_after : "(null)");
	IT_CHECK(newest_run(db, "succeeded") == first, "no new succeeded run");
	free(after);
	free(latest_after);

	/* a rerun completes; the earlier run is still as it was; the killed one is marked */
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out",
	          killed_out, "--model-opt=--methods=linear", "--quiet");
	IT_CHECK_OK(&r);
	it_run_free(&r);
	IT_CHECK(CHECK_PACKET(killed_out) == (int)NPACKET, "the rerun's packet");
	IT_CHECK(newest_run(db, "succeeded") > killed, "a new succeeded run");
	after = run_snapshot(db, first);
	IT_CHECK(after && strcmp(before, after) == 0, "the earlier run unchanged after the rerun\n  before: %s\n"
	         "  after:  %s", before, after ? after : "(null)");
	free(after);
	{
		char id[32];

		snprintf(id, sizeof(id), "%lld", killed);
		IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.model_runs WHERE id = $1::bigint"
		                  " AND status = 'failed'", 1, (const char *const[]){ id }) == 1,
		         "the killed run recognised as failed by the next one");
	}
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.latest_forecast", 0, NULL) ==
	         it_count(db->conn, "SELECT count(*) FROM capplan.forecast_points WHERE run_id ="
	                  " (SELECT max(id) FROM capplan.model_runs WHERE status = 'succeeded')", 0, NULL) &&
	         it_count(db->conn, "SELECT count(*) FROM capplan.latest_forecast", 0, NULL) > 0,
	         "latest_forecast reads the new run");
	free(before);
	free(latest_before);
}

/* ---- weekly-check ---- */

static void
test_weekly_check(void)
{
	struct it_db *db = it_db_new(), *calm = it_db_new();
	const char *plan = write_plan(0), *calm_plan = write_plan(1);
	char end[32], out[IT_PATH_MAX], max_age[32], hot[128];
	long long age_days, n_hot;
	struct it_run r;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	/* nothing assessed yet: 66 and what to do */
	it_script(&r, "weekly-check", "--db", db->conninfo);
	IT_CHECK(r.status == 66, "no run: exit %d, want 66\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "no model run with assessments") != NULL, "%s", r.err);
	it_run_free(&r);

	/* the disks made to cross the levels: attention, 1 */
	snprintf(out, sizeof(out), "%s", it_tmp_path("-packet"));
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", end, "--out", out,
	          "--model-opt=--methods=linear", "--quiet");
	IT_REQUIRE(r.status == 0, "review: %d\n%s", r.status, r.err);
	it_run_free(&r);
	n_hot = it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment"
	                 " WHERE level IN ('critical', 'emergency')", 0, NULL);
	IT_CHECK(n_hot > 0, "something critical");
	snprintf(hot, sizeof(hot), "\ncritical or emergency: %lld\n", n_hot);
	it_script(&r, "weekly-check", "--db", db->conninfo);
	IT_CHECK(r.status == 1, "attention: exit %d, want 1\n%s%s", r.status, r.out, r.err);
	IT_CHECK(it_starts_with(r.out, "capplan weekly check, run 1 as of 2026-01-01T00:00:00Z: ") &&
	         strstr(r.out, hot) != NULL && strstr(r.out, "\n  emergency data-disks {") != NULL,
	         "the checklist:\n%s", r.out);
	IT_CHECK(r.err[0] == '\0', "stderr: %s", r.err);
	it_run_free(&r);
	/* --brief: the headline and the four counts; --quiet still speaks when it matters */
	it_script(&r, "weekly-check", "--db", db->conninfo, "--brief", "--quiet");
	IT_CHECK(r.status == 1 && it_count_lines(r.out) == 5 && strstr(r.out, hot) != NULL &&
	         strstr(r.out, "\n  ") == NULL, "--brief: %d\n%s", r.status, r.out);
	it_run_free(&r);

	/* calm: one line, or nothing with --quiet; --max-age turns an old run into attention */
	it_script(&r, "quarterly-review", "--config", calm_plan, "--db", calm->conninfo, "--as-of", end, "--out",
	          it_tmp_path("-calm"), "--model-opt=--methods=linear", "--quiet");
	IT_REQUIRE(r.status == 0, "calm review: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_script(&r, "weekly-check", "--db", calm->conninfo);
	IT_CHECK(r.status == 0 && strstr(r.out, ": all calm: ") != NULL && it_count_lines(r.out) == 1,
	         "calm: %d\n%s%s", r.status, r.out, r.err);
	it_run_free(&r);
	it_script(&r, "weekly-check", "--db", calm->conninfo, "--quiet");
	IT_CHECK(r.status == 0 && r.out[0] == '\0' && r.err[0] == '\0', "calm and --quiet: silent (%d)\n%s%s",
	         r.status, r.out, r.err);
	it_run_free(&r);
	age_days = ((long long)time(NULL) - it_env.history_end) / 86400;
	IT_REQUIRE(age_days >= 2, "the clock (%lld) is after the test history's end (%lld)", (long long)time(NULL),
	           it_env.history_end);
	snprintf(max_age, sizeof(max_age), "--max-age=%lldd", age_days - 1);
	it_script(&r, "weekly-check", "--db", calm->conninfo, "--quiet", max_age);
	IT_CHECK(r.status == 1 && strstr(r.out, ": all calm: ") != NULL &&
	         strstr(r.out, "\nstale: the newest assessed run is as of 2026-01-01T00:00:00Z, ") != NULL,
	         "a run older than --max-age: %d\n%s%s", r.status, r.out, r.err);
	it_run_free(&r);
	snprintf(max_age, sizeof(max_age), "--max-age=%lldd", age_days + 2);
	it_script(&r, "weekly-check", "--db", calm->conninfo, "--quiet", max_age);
	IT_CHECK(r.status == 0 && r.out[0] == '\0', "a recent enough run: %d\n%s%s", r.status, r.out, r.err);
	it_run_free(&r);

	/* usage, and an unreachable database */
	it_script(&r, "weekly-check", "--max-age=soon");
	IT_CHECK(r.status == 64 && strstr(r.err, "--max-age: \"soon\" is not a duration") != NULL, "%d\n%s",
	         r.status, r.err);
	it_run_free(&r);
	it_script(&r, "weekly-check", "--db", "host=/nonexistent port=1 dbname=x connect_timeout=2");
	IT_CHECK(r.status == 69 && strstr(r.err, "capplan-model: ") != NULL, "no database: %d\n%s", r.status, r.err);
	it_run_free(&r);
}

/* ---- monthly-checkin ---- */

static void
test_monthly_checkin(void)
{
	struct it_db *db = it_db_new();
	const char *plan = write_plan(0);
	char end[32], month_ago[32], cwd[IT_PATH_MAX], out[2 * IT_PATH_MAX], cmd[3 * IT_PATH_MAX], *log, *text;
	long long samples;
	struct it_run r;

	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	snprintf(month_ago, sizeof(month_ago), "%lld", it_env.history_end - 30 * 86400LL);
	/* last month's review: history up to then, forecasts made then */
	it_script(&r, "quarterly-review", "--config", plan, "--db", db->conninfo, "--as-of", month_ago, "--out",
	          it_tmp_path("-previous"), "--model-opt=--methods=linear", "--quiet");
	IT_REQUIRE(r.status == 0, "last month's review: %d\n%s", r.status, r.err);
	it_run_free(&r);
	samples = it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL);

	/* the check-in a month later, into reports/YEAR-MM of the current folder */
	snprintf(cwd, sizeof(cwd), "%s", it_tmp_path("-cwd"));
	IT_REQUIRE(mkdir(cwd, 0755) == 0, "mkdir %s: %s", cwd, strerror(errno));
	it_script_list(&r, cwd, "monthly-checkin", "--config", plan, "--db", db->conninfo, "--as-of", end,
	               "--model-opt=--methods=linear", (const char *)NULL);
	IT_CHECK_OK(&r);
	IT_CHECK(strstr(r.out, "[1/3] ingest: capplan-ingest --config ") != NULL &&
	         strstr(r.out, " --start 2025-12-01T00:00:00Z --end 2026-01-01T00:00:00Z ") != NULL &&
	         strstr(r.out, "[3/3] render: capplan-render --only forecast-vs-actual --out ") != NULL,
	         "the stages:\n%s", r.out);
	it_run_free(&r);
	snprintf(out, sizeof(out), "%s/reports/2026-01", cwd);
	IT_CHECK(file_size(out, "forecast-vs-actual.pdf") > 0 && file_size(out, "forecast-vs-actual.xlsx") > 0,
	         "forecast-vs-actual.pdf and .xlsx in %s", out);
	IT_CHECK(file_size(out, "capacity-review.pdf") < 0, "not the whole packet");
	log = read_in(out, "checkin.log");
	IT_CHECK(log && strstr(log, "] ingest: ok in ") && strstr(log, "] model: ok in ") &&
	         strstr(log, "] render: ok in "), "checkin.log:\n%s", log ? log : "");
	free(log);

	/* the month's actuals arrived (30 days on 22 series, the overlap merged), and were scored */
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL) == samples + 22 * 720,
	         "the month ingested");
	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.forecast_accuracy", 0, NULL) > 0,
	         "last month's forecasts scored");
	IT_CHECK(pdf_pages(out, "forecast-vs-actual.pdf") >= 1, "the PDF reads");
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s/forecast-vs-actual.pdf' -", out);
	text = capture(cmd);
	IT_CHECK(text && strstr(text, "data-disks") != NULL, "the PDF names the resources:\n%s", text ? text : "");
	free(text);
	snprintf(cmd, sizeof(cmd),
	         "/usr/bin/python3 -c 'import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]);"
	         " print(len(wb.sheetnames))' '%s/forecast-vs-actual.xlsx'", out);
	text = capture(cmd);
	IT_CHECK(text && atoi(text) >= 1, "openpyxl reads the workbook: %s", text ? text : "(failed)");
	free(text);

	/* a bad --since */
	it_script(&r, "monthly-checkin", "--config", plan, "--as-of", end, "--since", "2026-02-01");
	IT_CHECK(r.status == 64 && strstr(r.err, "--since must be before --as-of") != NULL, "%d\n%s", r.status,
	         r.err);
	it_run_free(&r);
}

int
it_register_driver(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("090 driver", NULL, NULL, NULL, it_teardown);

	if (!s ||
	    !CU_add_test(s, "quarterly-review: the packet, its log, a rerun", test_review) ||
	    !CU_add_test(s, "quarterly-review: reports/YEAR-QN by default", test_review_default_out) ||
	    !CU_add_test(s, "quarterly-review: a failing stage stops it", test_review_failures) ||
	    !CU_add_test(s, "quarterly-review: the model killed half way", test_model_killed) ||
	    !CU_add_test(s, "weekly-check", test_weekly_check) ||
	    !CU_add_test(s, "monthly-checkin", test_monthly_checkin))
		return -1;
	return 0;
}
