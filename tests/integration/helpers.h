/*
 * tests/integration/helpers.h: what the integration tests share.
 *
 * The tests run capplan-ingest and capplan-model as separate processes against the private
 * PostgreSQL and the real Prometheus that tests/run-integration starts, and
 * look at its exit status, its output and what PostgreSQL holds afterwards.
 * Every test makes its own empty database (it_db_new), so no test depends on
 * another; the databases are dropped after each test (it_teardown).
 */
#ifndef CAPPLAN_IT_HELPERS_H
#define CAPPLAN_IT_HELPERS_H

#include <stddef.h>
#include <sys/types.h>

#include <libpq-fe.h>

/* ---- the environment ---- */

#define IT_PATH_MAX 4096

struct it_env {
	const char *db;                /* CAPPLAN_TEST_DB: conninfo of an empty database */
	const char *prom;              /* CAPPLAN_TEST_PROM: Prometheus base URL */
	const char *expected;          /* CAPPLAN_TEST_EXPECTED: CSV of every sample Prometheus holds */
	const char *tmp;               /* CAPPLAN_TEST_TMP: scratch folder */
	long long history_start;       /* CAPPLAN_TEST_HISTORY_START: unix seconds */
	long long history_end;         /* CAPPLAN_TEST_HISTORY_END */
	char root[IT_PATH_MAX];        /* the source tree (holds sql/ and tests/integration/fixtures/) */
	char ingest[IT_PATH_MAX];      /* $CAPPLAN_BIN_DIR/capplan-ingest */
	char model[IT_PATH_MAX];       /* $CAPPLAN_BIN_DIR/capplan-model */
	char render[IT_PATH_MAX];      /* $CAPPLAN_BIN_DIR/capplan-render */
	char scripts[IT_PATH_MAX];     /* the tree's scripts/ (quarterly-review and its siblings) */
	int valgrind;                  /* CAPPLAN_TEST_VALGRIND=1: run it under valgrind memcheck */
};

extern struct it_env it_env;

/*
 * Read the environment; on a missing or bad variable print why to stderr and
 * return -1 (the run then fails: a missing variable is never a skip).
 */
int it_env_load(void);
/* Open and close the administrative connection (to CAPPLAN_TEST_DB). */
int it_admin_open(void);
void it_admin_close(void);

/* Path of a fixture in tests/integration/fixtures (a ring of buffers: valid for a while). */
const char *it_fixture(const char *name);
/* A fresh path in CAPPLAN_TEST_TMP whose name ends with suffix (".json", ".csv", ""). */
const char *it_tmp_path(const char *suffix);
/* Write len bytes to path; 0 or -1 (with a failed assertion). */
int it_write_file(const char *path, const void *data, size_t len);
/* The whole file, NUL-terminated (malloc'd), or NULL; *len may be NULL. */
char *it_read_file(const char *path, size_t *len);

/* ---- assertions with a message (CUnit's own macros show only the expression) ---- */

void it_check_at(int ok, int fatal, const char *file, unsigned line, const char *expr,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* IT_CHECK(cond, "printf format", ...): a failed check records the message and goes on. */
#define IT_CHECK(cond, ...) it_check_at(!!(cond), 0, __FILE__, __LINE__, #cond, __VA_ARGS__)
/* IT_REQUIRE: a failed check ends the test. */
#define IT_REQUIRE(cond, ...) it_check_at(!!(cond), 1, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Whether s begins with prefix. */
int it_starts_with(const char *s, const char *prefix);

/* ---- running capplan-ingest ---- */

struct it_run {
	int status;        /* exit status; 128 + N when killed by signal N; -1 when it did not run */
	char *out;         /* all of stdout, NUL-terminated (never NULL after a run) */
	char *err;         /* all of stderr */
	double seconds;    /* wall time */
	/* while it runs */
	const char *prog;  /* it_env.ingest or it_env.model */
	pid_t pid;
	double started;
	char in_path[IT_PATH_MAX], out_path[IT_PATH_MAX], err_path[IT_PATH_MAX];
};

/*
 * Run capplan-ingest with args (NULL-terminated, without the program name).
 * stdin_data (len bytes) becomes its standard input; NULL: /dev/null.
 * Returns r->status.  A run that takes longer than IT_RUN_TIMEOUT seconds is
 * killed (and the test fails).
 */
#define IT_RUN_TIMEOUT 300
int it_ingest_argv(struct it_run *r, const char *stdin_data, size_t stdin_len,
                   const char *const *args);
/* The same in two steps, so that several can run at once. */
int it_ingest_start(struct it_run *r, const char *stdin_data, size_t stdin_len,
                    const char *const *args);
int it_ingest_wait(struct it_run *r);
/*
 * The same with the arguments listed, NULL-terminated; it_ingest(&r, "--db",
 * db->conninfo, path) adds the NULL and gives no standard input.
 */
int it_ingest_list(struct it_run *r, const char *stdin_data, size_t stdin_len, ...);
#define it_ingest(r, ...) it_ingest_list(r, NULL, 0, __VA_ARGS__, (const char *)NULL)
void it_run_free(struct it_run *r);

/* The same for capplan-model: it_model(&r, "--db", db->conninfo, "--horizon", "7d"). */
int it_model_start(struct it_run *r, const char *const *args);
int it_model_argv(struct it_run *r, const char *const *args);
/* Run one of the programs (it_env.model, it_env.render) with a NULL-terminated list of arguments. */
int it_program_list(struct it_run *r, const char *program, ...);
#define it_model(r, ...) it_program_list(r, it_env.model, __VA_ARGS__, (const char *)NULL)
#define it_render(r, ...) it_program_list(r, it_env.render, __VA_ARGS__, (const char *)NULL)

/*
 * Run a script of it_env.scripts ("quarterly-review") with a NULL-terminated
 * list of arguments, in the folder cwd (NULL: the test's), never under
 * valgrind (the programs it runs find CAPPLAN_BIN_DIR in the environment and
 * run unwrapped too). script must outlive the run (a string literal).
 */
int it_script_start(struct it_run *r, const char *cwd, const char *script, const char *const *args);
int it_script_list(struct it_run *r, const char *cwd, const char *script, ...);
#define it_script(r, script, ...) it_script_list(r, NULL, script, __VA_ARGS__, (const char *)NULL)

/* Line n (0-based) of text, without its line end, into buf; "" when there is none. */
const char *it_line(const char *text, int n, char *buf, size_t bufsz);
/* Number of lines in text (a last line without a newline counts). */
int it_count_lines(const char *text);

/* ---- PostgreSQL ---- */

struct it_db {
	char name[64];
	char conninfo[IT_PATH_MAX];    /* for capplan-ingest --db */
	PGconn *conn;                  /* the test's own connection to it */
};

/* A fresh empty database and a connection to it; ends the test when that fails. */
struct it_db *it_db_new(void);
/* Drop the databases the test made (registered as CUnit teardown). */
void it_teardown(void);

/*
 * Run sql with text parameters; the result when it has the status expected
 * (tuples or command), else NULL with a failed assertion naming the query.
 */
PGresult *it_query(PGconn *c, const char *sql, int nparams, const char *const *params);
/* Row 0, column 0 as a malloc'd string; NULL for SQL NULL, no row, or an error. */
char *it_scalar(PGconn *c, const char *sql, int nparams, const char *const *params);
/* Row 0, column 0 as a number; -1 on NULL or error. */
long long it_count(PGconn *c, const char *sql, int nparams, const char *const *params);

/* Rows of what capplan-ingest writes: to show that a failed input left nothing behind. */
struct it_counts {
	long long samples, series, runs;
};
void it_get_counts(struct it_db *db, struct it_counts *c);

/* ---- checks shared by the suites ---- */

/*
 * The summary line capplan-ingest prints per input:
 *   "SOURCE: N series, M samples new, D duplicate, S skipped, T s"
 * Checks that line `line` (0-based) of r->out is exactly that, up to the time.
 */
void it_check_summary_at(const struct it_run *r, int line, const char *source, long long series,
                         long long added, long long dup, long long skipped, const char *file,
                         unsigned lineno);
#define IT_CHECK_SUMMARY(r, line, source, series, added, dup, skipped) \
	it_check_summary_at(r, line, source, series, added, dup, skipped, __FILE__, __LINE__)

/* Exit status 0, nothing on stderr. */
void it_check_ok_at(const struct it_run *r, const char *file, unsigned lineno);
#define IT_CHECK_OK(r) it_check_ok_at(r, __FILE__, __LINE__)

/* ---- the reference history and the real Prometheus (expected.c) ---- */

struct it_expected {
	long long rows;        /* samples */
	long long series;
	long long nan_rows;
};

/* Temporary table expected(metric, labels, ts, value): CSV rows with ts in [from_ts, to_ts]. */
void it_load_expected(PGconn *conn, long long from_ts, long long to_ts, struct it_expected *info);
/* capplan.series_samples (restricted by where: "WHERE ..." or "") equals expected exactly. */
void it_compare_with_expected_at(struct it_db *db, const struct it_expected *info, const char *where,
                                 const char *file, unsigned line);
#define IT_COMPARE_WITH_EXPECTED(db, info, where) \
	it_compare_with_expected_at(db, info, where, __FILE__, __LINE__)
/* GET $CAPPLAN_TEST_PROM + path_and_query into file; the HTTP status, or -1. */
long it_http_get(const char *path_and_query, const char *file);

/* ---- the suites ---- */

int it_register_migrations(void);
int it_register_ingest_files(void);
int it_register_bad_input(void);
int it_register_prometheus(void);
int it_register_http_failures(void);
int it_register_model(void);
int it_register_plan(void);
int it_register_render(void);
int it_register_driver(void);

#endif
