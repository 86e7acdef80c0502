/*
 * tests/integration/helpers.c: environment, subprocesses, databases, checks.
 */
/* posix_spawn_file_actions_addchdir_np (glibc 2.29) runs a script in a folder of the test's */
#define _GNU_SOURCE
#include "helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

extern char **environ;

struct it_env it_env;

static PGconn *admin;          /* to CAPPLAN_TEST_DB: creates and drops the test databases */
static unsigned db_counter;    /* for unique database names */
static unsigned tmp_counter;   /* for unique scratch file names */

/* The databases the current test made. */
#define MAX_TEST_DBS 8
static struct it_db *test_dbs[MAX_TEST_DBS];
static int ntest_dbs;

/* ---- the environment ---- */

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *
need(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "integration-tests: %s is not set; run through tests/run-integration "
		        "(make integration-check)\n", name);
		return NULL;
	}
	return v;
}

static int
need_seconds(const char *name, long long *out)
{
	const char *v = need(name);
	char *end;

	if (!v)
		return -1;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || *end || end == v) {
		fprintf(stderr, "integration-tests: %s=\"%s\" is not unix seconds\n", name, v);
		return -1;
	}
	return 0;
}

/*
 * The source tree: $CAPPLAN_SOURCE_DIR, else the working directory when it
 * is the tree (make runs us from there), else three levels above this
 * program (build/opt/tests/integration-tests).
 */
static int
find_root(void)
{
	const char *env = getenv("CAPPLAN_SOURCE_DIR");
	char exe[IT_PATH_MAX], probe[IT_PATH_MAX + 32];
	ssize_t n;

	if (env && *env) {
		snprintf(it_env.root, sizeof(it_env.root), "%s", env);
	} else if (is_dir("sql") && is_dir("tests/integration/fixtures")) {
		if (!getcwd(it_env.root, sizeof(it_env.root)))
			snprintf(it_env.root, sizeof(it_env.root), ".");
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			n = 0;
		exe[n] = '\0';
		for (int i = 0; i < 4; i++) {
			char *slash = strrchr(exe, '/');

			if (!slash)
				break;
			*slash = '\0';
		}
		snprintf(it_env.root, sizeof(it_env.root), "%s", exe);
	}
	snprintf(probe, sizeof(probe), "%s/tests/integration/fixtures", it_env.root);
	if (!is_dir(probe)) {
		fprintf(stderr, "integration-tests: cannot find the source tree (no %s); run from it or "
		        "set CAPPLAN_SOURCE_DIR\n", probe);
		return -1;
	}
	return 0;
}

int
it_env_load(void)
{
	const char *bin;
	char dir[IT_PATH_MAX];
	int ok = 1;

	it_env.db = need("CAPPLAN_TEST_DB");
	it_env.prom = need("CAPPLAN_TEST_PROM");
	it_env.expected = need("CAPPLAN_TEST_EXPECTED");
	it_env.tmp = need("CAPPLAN_TEST_TMP");
	if (!it_env.db || !it_env.prom || !it_env.expected || !it_env.tmp)
		ok = 0;
	if (need_seconds("CAPPLAN_TEST_HISTORY_START", &it_env.history_start) < 0)
		ok = 0;
	if (need_seconds("CAPPLAN_TEST_HISTORY_END", &it_env.history_end) < 0)
		ok = 0;
	if (!ok || find_root() < 0)
		return -1;
	if (it_env.history_end <= it_env.history_start) {
		fprintf(stderr, "integration-tests: the history ends (%lld) before it starts (%lld)\n",
		        it_env.history_end, it_env.history_start);
		return -1;
	}
	/* The Makefile passes CAPPLAN_BIN_DIR (bin or build/san/bin); run by hand, bin/ of the tree. */
	bin = getenv("CAPPLAN_BIN_DIR");
	if (bin && *bin)
		snprintf(dir, sizeof(dir), "%s", bin);
	else
		snprintf(dir, sizeof(dir), "%s/bin", it_env.root);
	snprintf(it_env.ingest, sizeof(it_env.ingest), "%s/capplan-ingest", dir);
	snprintf(it_env.model, sizeof(it_env.model), "%s/capplan-model", dir);
	snprintf(it_env.render, sizeof(it_env.render), "%s/capplan-render", dir);
	snprintf(it_env.scripts, sizeof(it_env.scripts), "%s/scripts", it_env.root);
	/* The scripts find the programs there, also when a test runs them in another folder. */
	{
		char abs[PATH_MAX];

		if (realpath(dir, abs) != NULL)
			setenv("CAPPLAN_BIN_DIR", abs, 1);
	}
	for (int i = 0; i < 3; i++) {
		const char *prog = i == 0 ? it_env.ingest : i == 1 ? it_env.model : it_env.render;

		if (access(prog, X_OK) != 0) {
			fprintf(stderr, "integration-tests: %s: %s (build it first: make)\n", prog,
			        strerror(errno));
			return -1;
		}
	}
	if (!is_dir(it_env.tmp)) {
		fprintf(stderr, "integration-tests: CAPPLAN_TEST_TMP=%s is not a folder\n", it_env.tmp);
		return -1;
	}
	it_env.valgrind = getenv("CAPPLAN_TEST_VALGRIND") && strcmp(getenv("CAPPLAN_TEST_VALGRIND"), "1") == 0;
	fprintf(stderr, "integration-tests: %s%s against %s and %s\n", it_env.ingest,
	        it_env.valgrind ? " (under valgrind)" : "", it_env.db, it_env.prom);
	return 0;
}

static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
it_admin_open(void)
{
	admin = PQconnectdb(it_env.db);
	if (PQstatus(admin) != CONNECTION_OK) {
		fprintf(stderr, "integration-tests: cannot connect to CAPPLAN_TEST_DB (%s): %s", it_env.db,
		        PQerrorMessage(admin));
		PQfinish(admin);
		admin = NULL;
		return -1;
	}
	PQsetNoticeProcessor(admin, ignore_notice, NULL);
	return 0;
}

void
it_admin_close(void)
{
	if (admin)
		PQfinish(admin);
	admin = NULL;
}

/* ---- files ---- */

#define RING 16
static char ring[RING][IT_PATH_MAX];
static unsigned ring_next;

const char *
it_fixture(const char *name)
{
	char *p = ring[ring_next++ % RING];

	snprintf(p, IT_PATH_MAX, "%s/tests/integration/fixtures/%s", it_env.root, name);
	return p;
}

const char *
it_tmp_path(const char *suffix)
{
	char *p = ring[ring_next++ % RING];

	snprintf(p, IT_PATH_MAX, "%s/it-%ld-%u%s", it_env.tmp, (long)getpid(), ++tmp_counter, suffix);
	return p;
}

int
it_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int ok = fp != NULL;

	if (ok && len > 0)
		ok = fwrite(data, 1, len, fp) == len;
	if (fp && fclose(fp) != 0)
		ok = 0;
	IT_CHECK(ok, "cannot write %s: %s", path, strerror(errno));
	return ok ? 0 : -1;
}

char *
it_read_file(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp)
		return NULL;
	do {
		if (cap - len < 65536) {
			char *grown = realloc(data, cap = cap * 2 + 65536);

			if (!grown) {
				free(data);
				fclose(fp);
				return NULL;
			}
			data = grown;
		}
		n = fread(data + len, 1, cap - len - 1, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	data[len] = '\0';
	if (lenp)
		*lenp = len;
	return data;
}

/* ---- assertions ---- */

void
it_check_at(int ok, int fatal, const char *file, unsigned line, const char *expr, const char *fmt,
            ...)
{
	char msg[8192];
	int n;
	va_list ap;

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, expr, file, "", CU_FALSE);
		return;
	}
	n = snprintf(msg, sizeof(msg), "%s: ", expr);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Also at once on stderr, beside the test's name in CUnit's verbose listing. */
	fprintf(stderr, "\n  %s:%u: %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", fatal ? CU_TRUE : CU_FALSE);
}

int
it_starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- running capplan-ingest ---- */

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Under valgrind: any memory error or leak makes the run exit 99, which no
 * test expects; -q keeps stderr as the tests read it when all is well.
 */
static const char *const valgrind_argv[] = {
	"/usr/bin/valgrind", "-q", "--leak-check=full", "--show-leak-kinds=definite,indirect",
	"--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
};
#define VALGRIND_ARGS (sizeof(valgrind_argv) / sizeof(valgrind_argv[0]))

/* The program's name, for messages. */
static const char *
prog_name(const struct it_run *r)
{
	const char *slash = strrchr(r->prog, '/');

	return slash ? slash + 1 : r->prog;
}

/*
 * Start prog with args; under valgrind when it_env.valgrind and wrap; in the
 * folder cwd (NULL: this process's).
 */
static int
run_start_in(struct it_run *r, const char *prog, const char *stdin_data, size_t stdin_len,
             const char *const *args, const char *cwd, int wrap)
{
	posix_spawn_file_actions_t fa;
	char **argv;
	size_t nargs = 0, nprefix = 0;
	unsigned id = ++tmp_counter;
	int rc;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	r->pid = -1;
	r->prog = prog;
	while (args[nargs])
		nargs++;
	argv = calloc(nargs + 3 + VALGRIND_ARGS, sizeof(*argv));
	IT_REQUIRE(argv != NULL, "out of memory");
	if (it_env.valgrind && wrap) {
		char supp[IT_PATH_MAX + 32];

		for (size_t i = 0; i < VALGRIND_ARGS; i++)
			argv[nprefix++] = strdup(valgrind_argv[i]);
		/* fontconfig's caches (capplan-render): tests/valgrind.supp says why */
		snprintf(supp, sizeof(supp), "--suppressions=%s/tests/valgrind.supp", it_env.root);
		argv[nprefix++] = strdup(supp);
	}
	argv[nprefix] = strdup(prog);
	for (size_t i = 0; i < nargs; i++)
		argv[nprefix + 1 + i] = strdup(args[i]);

	snprintf(r->out_path, sizeof(r->out_path), "%s/run-%ld-%u.out", it_env.tmp, (long)getpid(), id);
	snprintf(r->err_path, sizeof(r->err_path), "%s/run-%ld-%u.err", it_env.tmp, (long)getpid(), id);
	if (stdin_data) {
		snprintf(r->in_path, sizeof(r->in_path), "%s/run-%ld-%u.in", it_env.tmp, (long)getpid(), id);
		it_write_file(r->in_path, stdin_data, stdin_len);
	} else {
		snprintf(r->in_path, sizeof(r->in_path), "/dev/null");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, r->in_path, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, r->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, r->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	r->started = now_seconds();
	rc = posix_spawn(&r->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	for (size_t i = 0; i < nprefix + nargs + 1; i++)
		free(argv[i]);
	free(argv);
	if (rc != 0)
		r->pid = -1;
	IT_REQUIRE(rc == 0, "cannot run %s: %s", prog, strerror(rc));
	return 0;
}

static int
run_start(struct it_run *r, const char *prog, const char *stdin_data, size_t stdin_len,
          const char *const *args)
{
	return run_start_in(r, prog, stdin_data, stdin_len, args, NULL, 1);
}

int
it_ingest_start(struct it_run *r, const char *stdin_data, size_t stdin_len, const char *const *args)
{
	return run_start(r, it_env.ingest, stdin_data, stdin_len, args);
}

int
it_ingest_wait(struct it_run *r)
{
	int wstatus = 0, timed_out = 0;

	for (;;) {
		pid_t w = waitpid(r->pid, &wstatus, WNOHANG);
		struct timespec pause = { 0, 2 * 1000 * 1000 };

		if (w == r->pid)
			break;
		if (w < 0 && errno != EINTR) {
			IT_CHECK(0, "waitpid: %s", strerror(errno));
			break;
		}
		if (!timed_out && now_seconds() - r->started > IT_RUN_TIMEOUT) {
			timed_out = 1;
			kill(r->pid, SIGKILL);
		}
		nanosleep(&pause, NULL);
	}
	r->pid = -1;
	r->seconds = now_seconds() - r->started;
	if (WIFEXITED(wstatus))
		r->status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		r->status = 128 + WTERMSIG(wstatus);
	r->out = it_read_file(r->out_path, NULL);
	r->err = it_read_file(r->err_path, NULL);
	if (!r->out)
		r->out = strdup("");
	if (!r->err)
		r->err = strdup("");
	unlink(r->out_path);
	unlink(r->err_path);
	if (strcmp(r->in_path, "/dev/null") != 0)
		unlink(r->in_path);
	IT_CHECK(!timed_out, "%s ran longer than %d s and was killed", prog_name(r), IT_RUN_TIMEOUT);
	/* A sanitizer report or a crash is a failure whatever the test expects. */
	IT_CHECK(r->status >= 0 && r->status < 128, "%s died: status %d, stderr:\n%s", prog_name(r),
	         r->status, r->err);
	IT_CHECK(strstr(r->err, "Sanitizer") == NULL && strstr(r->err, "runtime error:") == NULL,
	         "sanitizer report from %s:\n%s", prog_name(r), r->err);
	return r->status;
}

int
it_ingest_argv(struct it_run *r, const char *stdin_data, size_t stdin_len, const char *const *args)
{
	it_ingest_start(r, stdin_data, stdin_len, args);
	return it_ingest_wait(r);
}

int
it_ingest_list(struct it_run *r, const char *stdin_data, size_t stdin_len, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, stdin_len);
	while (n + 1 < sizeof(args) / sizeof(args[0]) && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	return it_ingest_argv(r, stdin_data, stdin_len, args);
}

int
it_model_start(struct it_run *r, const char *const *args)
{
	return run_start(r, it_env.model, NULL, 0, args);
}

int
it_model_argv(struct it_run *r, const char *const *args)
{
	it_model_start(r, args);
	return it_ingest_wait(r);
}

int
it_program_list(struct it_run *r, const char *program, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, program);
	while (n + 1 < sizeof(args) / sizeof(args[0]) && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	run_start(r, program, NULL, 0, args);
	return it_ingest_wait(r);
}

int
it_script_start(struct it_run *r, const char *cwd, const char *script, const char *const *args)
{
	char path[IT_PATH_MAX + 64];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", it_env.scripts, script);
	rc = run_start_in(r, path, NULL, 0, args, cwd, 0);
	/* r->prog names the program in messages: keep it valid after this returns */
	r->prog = script;
	return rc;
}

int
it_script_list(struct it_run *r, const char *cwd, const char *script, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, script);
	while (n + 1 < sizeof(args) / sizeof(args[0]) && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	it_script_start(r, cwd, script, args);
	return it_ingest_wait(r);
}

void
it_run_free(struct it_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

const char *
it_line(const char *text, int n, char *buf, size_t bufsz)
{
	const char *p = text ? text : "";
	size_t len;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p) {
		buf[0] = '\0';
		return buf;
	}
	len = strcspn(p, "\n");
	if (len >= bufsz)
		len = bufsz - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

int
it_count_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; p && *p; p++)
		if (*p == '\n' || p[1] == '\0')
			n++;
	return n;
}

/* ---- PostgreSQL ---- */

/* A conninfo value in single quotes, as libpq reads it. */
static void
append_quoted(char *out, size_t outsz, const char *v)
{
	size_t n = strlen(out);

	if (n + 1 < outsz)
		out[n++] = '\'';
	for (; *v && n + 3 < outsz; v++) {
		if (*v == '\'' || *v == '\\')
			out[n++] = '\\';
		out[n++] = *v;
	}
	if (n + 1 < outsz)
		out[n++] = '\'';
	out[n] = '\0';
}

/* CAPPLAN_TEST_DB (a conninfo string or a URI) with dbname replaced. */
static int
conninfo_for(const char *dbname, char *out, size_t outsz)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(it_env.db, &errmsg);

	if (!opts) {
		IT_CHECK(0, "cannot parse CAPPLAN_TEST_DB: %s", errmsg ? errmsg : "out of memory");
		PQfreemem(errmsg);
		return -1;
	}
	out[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || strcmp(o->keyword, "dbname") == 0)
			continue;
		snprintf(out + strlen(out), outsz - strlen(out), "%s=", o->keyword);
		append_quoted(out, outsz, o->val);
		snprintf(out + strlen(out), outsz - strlen(out), " ");
	}
	snprintf(out + strlen(out), outsz - strlen(out), "dbname=");
	append_quoted(out, outsz, dbname);
	PQconninfoFree(opts);
	return 0;
}

static int
admin_exec(const char *sql)
{
	PGresult *res = PQexec(admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	IT_CHECK(ok, "%s: %s", sql, PQerrorMessage(admin));
	PQclear(res);
	return ok ? 0 : -1;
}

struct it_db *
it_db_new(void)
{
	struct it_db *db;
	char sql[128];

	IT_REQUIRE(admin != NULL, "no administrative connection");
	IT_REQUIRE(ntest_dbs < MAX_TEST_DBS, "too many databases in one test");
	db = calloc(1, sizeof(*db));
	IT_REQUIRE(db != NULL, "out of memory");
	snprintf(db->name, sizeof(db->name), "it_%ld_%u", (long)getpid(), ++db_counter);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db->name);
	if (admin_exec(sql) < 0) {
		free(db);
		IT_REQUIRE(0, "cannot create database");
	}
	test_dbs[ntest_dbs++] = db;
	IT_REQUIRE(conninfo_for(db->name, db->conninfo, sizeof(db->conninfo)) == 0, "conninfo");
	db->conn = PQconnectdb(db->conninfo);
	IT_REQUIRE(PQstatus(db->conn) == CONNECTION_OK, "cannot connect to %s: %s", db->conninfo,
	           PQerrorMessage(db->conn));
	PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	/* Timestamps as text in UTC whatever the server's default. */
	PQclear(PQexec(db->conn, "SET TimeZone = 'UTC'"));
	return db;
}

void
it_teardown(void)
{
	for (int i = 0; i < ntest_dbs; i++) {
		struct it_db *db = test_dbs[i];
		char sql[160];

		if (db->conn)
			PQfinish(db->conn);
		if (admin) {
			snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db->name);
			PQclear(PQexec(admin, sql));
		}
		free(db);
		test_dbs[i] = NULL;
	}
	ntest_dbs = 0;
}

PGresult *
it_query(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	IT_CHECK(0, "query failed: %s\n  %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	return NULL;
}

char *
it_scalar(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = it_query(c, sql, nparams, params);
	char *v = NULL;

	if (res && PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
		v = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

long long
it_count(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	char *v = it_scalar(c, sql, nparams, params);
	long long n = v ? strtoll(v, NULL, 10) : -1;

	free(v);
	return n;
}

void
it_get_counts(struct it_db *db, struct it_counts *c)
{
	c->samples = it_count(db->conn, "SELECT count(*) FROM capplan.samples", 0, NULL);
	c->series = it_count(db->conn, "SELECT count(*) FROM capplan.series", 0, NULL);
	c->runs = it_count(db->conn, "SELECT count(*) FROM capplan.ingest_runs", 0, NULL);
}

/* ---- shared checks ---- */

void
it_check_summary_at(const struct it_run *r, int line, const char *source, long long series,
                    long long added, long long dup, long long skipped, const char *file,
                    unsigned lineno)
{
	char want[IT_PATH_MAX + 256], got[IT_PATH_MAX + 256];
	const char *rest;
	char *end;
	int ok;

	snprintf(want, sizeof(want), "%s: %lld series, %lld samples new, %lld duplicate, %lld skipped, ",
	         source, series, added, dup, skipped);
	it_line(r->out, line, got, sizeof(got));
	ok = it_starts_with(got, want);
	/* Then the time it took: "0.04 s". */
	if (ok) {
		rest = got + strlen(want);
		strtod(rest, &end);
		ok = end != rest && strcmp(end, " s") == 0;
	}
	it_check_at(ok, 0, file, lineno, "summary line",
	            "line %d of stdout\n  want: %s<seconds> s\n  got:  %s\n  stdout:\n%s  stderr:\n%s",
	            line + 1, want, got, r->out, r->err);
}

void
it_check_ok_at(const struct it_run *r, const char *file, unsigned lineno)
{
	it_check_at(r->status == 0, 0, file, lineno, "exit status 0",
	            "%s exited with %d\n  stderr:\n%s", prog_name(r), r->status, r->err);
	it_check_at(r->err[0] == '\0', 0, file, lineno, "stderr empty", "stderr:\n%s", r->err);
}
