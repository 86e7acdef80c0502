/*
 * tests/unit/test_render_xlsx.c: capacity-budget.xlsx (lib/render/xlsx_budget.c).
 *
 * The workbook is read back by independent readers: openpyxl
 * (tests/unit/xlsx_check.py, run with Debian's /usr/bin/python3) for its
 * structure, cell types and cached values, and LibreOffice Calc (headless,
 * recalculating every formula on load) for the totals finance sees, before
 * and after a unit cost is edited.  The expected money comes from the
 * fixture's own cost fields, not from the writer.
 */
#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "render/xlsx_budget.h"
#include "render_fixture.h"
#include "scratch.h"
#include "suites.h"
#include "util/strbuf.h"

#define PYTHON "/usr/bin/python3"   /* Debian's, with python3-openpyxl */
#define MEMORY_ROW 3                /* provider-memory, items[1], in the Budget sheet */
#define MEMORY_COST 500.0           /* its unit cost after the edit (310 before) */

/* ---- helpers ---- */

/*
 * Run argv (no shell; argv[0] looked up in PATH), its output appended to log,
 * HOME set to home when given.  The exit status, or -1.
 */
static int
run(const char *const argv[], const char *home, const char *log)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		}
		if (home)
			setenv("HOME", home, 1);
		{
			size_t n = 0;
			char **v;

			while (argv[n])
				n++;
			v = calloc(n + 1, sizeof(*v));
			if (v) {
				memcpy(v, argv, n * sizeof(*v));
				execvp(v[0], v);
			}
		}
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Print a child's log (when it failed). */
static void
show_log(const char *log)
{
	FILE *fp = fopen(log, "r");
	char line[512];

	if (!fp)
		return;
	fprintf(stderr, "\n--- %s\n", log);
	while (fgets(line, sizeof(line), fp))
		fputs(line, stderr);
	fclose(fp);
}

static char *
script_path(void)
{
	return scratch_join(capplan_test_fixtures, "../unit/xlsx_check.py");
}

static void
replace(char **field, const char *text)
{
	free(*field);
	*field = strdup(text);
	if (!*field)
		abort();
}

/* The files in dir but "." and ".."; 0 when it cannot be read. */
static size_t
count_files(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!dp)
		return 0;
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n;
}

/* The fixture's money per quarter (now, the quarter under way, the next), from its own fields. */
static void
fixture_totals(const struct capplan_review_data *d, double t[3])
{
	t[0] = t[1] = t[2] = 0;
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];

		if (isfinite(it->cost_quarter_current))
			t[0] += it->cost_quarter_current;
		if (isfinite(it->cost_quarter1))
			t[1] += it->cost_quarter1;
		if (isfinite(it->cost_quarter2))
			t[2] += it->cost_quarter2;
	}
}

/* ---- a CSV sheet as LibreOffice exports it ---- */

struct csv_sheet {
	char ***rows;     /* rows[r][f] */
	size_t *nfields;
	size_t nrows;
	char **cur;
	size_t ncur;
	int oom;
};

static void
on_field(void *data, size_t len, void *arg)
{
	struct csv_sheet *s = arg;
	char **cur = realloc(s->cur, (s->ncur + 1) * sizeof(*cur));
	char *f;

	if (cur)
		s->cur = cur;
	f = cur ? malloc(len + 1) : NULL;
	if (!f) {
		s->oom = 1;
		return;
	}
	memcpy(f, data, len);
	f[len] = '\0';
	s->cur[s->ncur++] = f;
}

static void
on_row(int c, void *arg)
{
	struct csv_sheet *s = arg;
	char ***rows = realloc(s->rows, (s->nrows + 1) * sizeof(*rows));
	size_t *nf = realloc(s->nfields, (s->nrows + 1) * sizeof(*nf));

	(void)c;
	if (rows)
		s->rows = rows;
	if (nf)
		s->nfields = nf;
	if (!rows || !nf) {
		s->oom = 1;
		return;
	}
	s->rows[s->nrows] = s->cur;
	s->nfields[s->nrows++] = s->ncur;
	s->cur = NULL;
	s->ncur = 0;
}

static void
csv_sheet_free(struct csv_sheet *s)
{
	for (size_t r = 0; r < s->nrows; r++) {
		for (size_t f = 0; f < s->nfields[r]; f++)
			free(s->rows[r][f]);
		free(s->rows[r]);
	}
	for (size_t f = 0; f < s->ncur; f++)
		free(s->cur[f]);
	free(s->cur);
	free(s->rows);
	free(s->nfields);
	memset(s, 0, sizeof(*s));
}

static int
csv_sheet_read(const char *path, struct csv_sheet *s)
{
	FILE *fp = fopen(path, "rb");
	struct csv_parser p;
	char buf[4096];
	size_t n;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (!fp)
		return -1;
	if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0) {
		fclose(fp);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, s) != n)
			rc = -1;
	if (csv_fini(&p, on_field, on_row, s) != 0 || s->oom)
		rc = -1;
	csv_free(&p);
	fclose(fp);
	return rc;
}

/* The column whose header (row 0) starts with prefix, or -1. */
static long
csv_column(const struct csv_sheet *s, const char *prefix)
{
	if (s->nrows == 0)
		return -1;
	for (size_t f = 0; f < s->nfields[0]; f++)
		if (strncmp(s->rows[0][f], prefix, strlen(prefix)) == 0)
			return (long)f;
	return -1;
}

/* The row whose first field is first, or -1. */
static long
csv_row(const struct csv_sheet *s, const char *first)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (s->nfields[r] > 0 && strcmp(s->rows[r][0], first) == 0)
			return (long)r;
	return -1;
}

/* The number in a cell; NaN when absent or empty. */
static double
csv_number(const struct csv_sheet *s, long row, long col)
{
	char *end;
	double v;

	if (row < 0 || col < 0 || (size_t)col >= s->nfields[row] || !s->rows[row][col][0])
		return NAN;
	v = strtod(s->rows[row][col], &end);
	return *end ? NAN : v;
}

/* ---- tests ---- */

/* Writes the fixture (with hostile text in many places); openpyxl checks the workbook. */
static void
test_workbook_read_back(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-xlsx"), *file = NULL, *script = script_path(), *log = NULL;
	char totals[128], *longest = NULL, *expected_longest = NULL;
	double t[3];
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	render_fixture_build(&d);
	/* every character a spreadsheet reads as the start of a formula, as a name's first */
	replace(&d.items[1].service, "+cmd|' /C calc'!A0");
	replace(&d.items[2].service, "-2+3");
	replace(&d.items[3].service, "@SUM(A1:A2)");
	/* Excel's own escape in shared strings, which must come out as typed */
	replace(&d.items[3].labels_text, "_x0041_ stays as typed");
	/* a byte that is not UTF-8 */
	replace(&d.items[2].kind, "api\xff" "requests");
	/* longer than a cell holds: cut at 32000 characters with "..." */
	longest = malloc(40001);
	expected_longest = malloc(32001);
	CU_ASSERT_FATAL(longest && expected_longest);
	memset(longest, 'x', 40000);
	longest[40000] = '\0';
	memset(expected_longest, 'x', 31997);
	memcpy(expected_longest + 31997, "...", 4);
	replace(&d.items[4].labels_text, longest);
	fixture_totals(&d, t);
	snprintf(totals, sizeof(totals), "%.17g,%.17g,%.17g", t[0], t[1], t[2]);
	CU_ASSERT_DOUBLE_EQUAL(t[0], 3 * 40 * 3 + 10 * 310 * 3 + 2 * 280 * 3 + 10 * 350 * 3, 1e-9);

	capplan_error_clear(&err);
	rc = capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_REVIEW, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "\n%s\n", err.msg);
	/* the workbook alone: the temporary file was renamed */
	CU_ASSERT_EQUAL(count_files(dir), 1);
	file = scratch_join(dir, CAPPLAN_XLSX_BUDGET_NAME);
	log = scratch_join(dir, "check.log");
	{
		const char *argv[] = {
			PYTHON, script, "check", file,
			"--string", RENDER_FIXTURE_HOSTILE_RESOURCE,
			"--string", d.items[0].labels_text,
			"--string", "+cmd|' /C calc'!A0",
			"--string", "-2+3",
			"--string", "@SUM(A1:A2)",
			"--string", "_x0041_ stays as typed",
			"--stored", "<t>_x005F_x0041_ stays as typed</t>",
			"--string", "api\xef\xbf\xbdrequests",
			"--string", expected_longest,
			"--header", "2026-Q4 nodes",
			"--header", "2027-Q1 nodes",
			"--header", "add in 2026-Q4",
			"--header", "add in 2027-Q1",
			"--totals", totals,
			NULL
		};

		rc = run(argv, NULL, log);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0 || getenv("CAPPLAN_TEST_VERBOSE"))
			show_log(log);
	}

	/* written again over the first: still one file */
	CU_ASSERT_EQUAL(capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_REVIEW, &err), 0);
	CU_ASSERT_EQUAL(count_files(dir), 2);   /* the workbook and check.log */

	free(longest);
	free(expected_longest);
	free(file);
	free(log);
	free(script);
	capplan_review_data_release(&d);
	scratch_remove(dir);
	free(dir);
}

static char *
find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	if (!path)
		path = "/usr/bin:/bin";
	copy = strdup(path);
	if (!copy)
		abort();
	for (char *p = strtok_r(copy, ":", &save); p && !found; p = strtok_r(NULL, ":", &save)) {
		char *f = scratch_join(*p ? p : ".", name);

		if (access(f, X_OK) == 0)
			found = f;
		else
			free(f);
	}
	free(copy);
	return found;
}

/* Recalculate on load, always (LibreOffice's default for OOXML files is never). */
static int
write_profile(const char *profile)
{
	char *user = scratch_join(profile, "user");
	char *xcu = scratch_join(user, "registrymodifications.xcu");
	FILE *fp;
	int rc = -1;

	if (mkdir(profile, 0700) == 0 && mkdir(user, 0700) == 0 && (fp = fopen(xcu, "w"))) {
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\""
		      " xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""
		      " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
		      "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\">"
		      "<prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
		      "</oor:items>\n", fp);
		rc = fclose(fp) == 0 ? 0 : -1;
	}
	free(user);
	free(xcu);
	return rc;
}

/*
 * LibreOffice recalculates the workbook: the totals are the fixture's; with
 * one unit cost edited (openpyxl, which drops the cached values), every cost
 * of that row and the totals move by what the edit is worth.
 */
static void
test_recalculated_by_libreoffice(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-xlsx"), *soffice = find_in_path("soffice");
	char *file = NULL, *edited = NULL, *out = NULL, *profile = NULL, *profile_url = NULL;
	char *home = NULL, *log = NULL, *script = script_path(), *csv[2] = { NULL, NULL };
	char row[16], cost[32];
	struct csv_sheet s[2];
	double t[3], delta;
	const char *heads[3] = { "cost / quarter now", "2026-Q4 cost", "2027-Q1 cost" };
	const long nodes[3] = { 10, 14, 16 };   /* provider-memory now, in 2026-Q4, in 2027-Q1 */
	int rc;

	memset(s, 0, sizeof(s));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	if (!soffice) {
		CU_FAIL("soffice not found: scripts/install-deps installs libreoffice-calc-nogui");
		free(script);
		scratch_remove(dir);
		free(dir);
		return;
	}
	render_fixture_build(&d);
	fixture_totals(&d, t);
	CU_ASSERT_STRING_EQUAL(d.items[1].resource, "provider-memory");
	CU_ASSERT_DOUBLE_EQUAL(d.items[1].unit_cost, 310, 0);
	delta = (MEMORY_COST - d.items[1].unit_cost) * 3;
	CU_ASSERT_EQUAL_FATAL(capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_REVIEW, &err), 0);

	file = scratch_join(dir, CAPPLAN_XLSX_BUDGET_NAME);
	edited = scratch_join(dir, "edited.xlsx");
	out = scratch_join(dir, "csv");
	profile = scratch_join(dir, "lo-profile");
	home = scratch_join(dir, "home");
	log = scratch_join(dir, "soffice.log");
	CU_ASSERT_EQUAL_FATAL(mkdir(home, 0700), 0);
	CU_ASSERT_EQUAL_FATAL(write_profile(profile), 0);
	{
		struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

		CU_ASSERT_FATAL(capplan_strbuf_appendf(&sb, "-env:UserInstallation=file://%s", profile) == 0);
		profile_url = sb.data;
	}
	snprintf(row, sizeof(row), "%d", MEMORY_ROW);
	snprintf(cost, sizeof(cost), "%.17g", MEMORY_COST);
	{
		const char *argv[] = { PYTHON, script, "edit", file, edited, row, cost, NULL };

		rc = run(argv, NULL, log);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			show_log(log);
	}
	{
		/* every sheet (-1) to CSV: comma, '"', UTF-8, raw values rather than as shown */
		const char *argv[] = {
			"timeout", "300", soffice, profile_url, "--headless",
			"--norestore", "--convert-to",
			"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
			"--outdir", out, file, edited, NULL
		};

		rc = run(argv, home, log);
		CU_ASSERT_EQUAL(rc, 0);
	}
	csv[0] = scratch_join(out, "capacity-budget-Budget.csv");
	csv[1] = scratch_join(out, "edited-Budget.csv");
	for (int k = 0; k < 2; k++) {
		rc = csv_sheet_read(csv[k], &s[k]);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0) {
			show_log(log);
			goto out;
		}
	}

	for (int q = 0; q < 3; q++) {
		long col0 = csv_column(&s[0], heads[q]), col1 = csv_column(&s[1], heads[q]);
		long tot0 = csv_row(&s[0], "total"), tot1 = csv_row(&s[1], "total");
		long mem0 = csv_row(&s[0], "provider-memory"), mem1 = csv_row(&s[1], "provider-memory");

		CU_ASSERT(col0 >= 0 && col1 >= 0 && tot0 >= 0 && tot1 >= 0 && mem0 >= 0 && mem1 >= 0);
		/* as written: the fixture's own sums */
		CU_ASSERT_DOUBLE_EQUAL(csv_number(&s[0], tot0, col0), t[q], 1e-6);
		/* edited: that row and the total move by nodes x the change x 3 months */
		CU_ASSERT_DOUBLE_EQUAL(csv_number(&s[1], mem1, col1), (double)nodes[q] * MEMORY_COST * 3,
		                       1e-6);
		CU_ASSERT_DOUBLE_EQUAL(csv_number(&s[1], tot1, col1) - csv_number(&s[0], tot0, col0),
		                       (double)nodes[q] * delta, 1e-6);
		if (q == 0 && getenv("CAPPLAN_TEST_VERBOSE"))
			fprintf(stderr, "\n  recalculated totals: %s -> %s", s[0].rows[tot0][col0],
			        s[1].rows[tot1][col1]);
	}
	{
		/* the nodes to add, by MAX formulas: 10 -> 14 -> 16 */
		long add1 = csv_column(&s[1], "add in 2026-Q4"), add2 = csv_column(&s[1], "add in 2027-Q1");
		long mem = csv_row(&s[1], "provider-memory"), unknown = csv_row(&s[1], "api-db-connections");

		CU_ASSERT_DOUBLE_EQUAL(csv_number(&s[1], mem, add1), 4, 0);
		CU_ASSERT_DOUBLE_EQUAL(csv_number(&s[1], mem, add2), 2, 0);
		/* a series not sized in nodes: empty, not 0 */
		CU_ASSERT(unknown >= 0 && isnan(csv_number(&s[1], unknown, csv_column(&s[1], heads[0]))));
	}
	{
		/* the hostile name came through LibreOffice as text */
		long hostile = csv_row(&s[0], RENDER_FIXTURE_HOSTILE_RESOURCE);

		CU_ASSERT(hostile == 1);
	}
out:
	for (int k = 0; k < 2; k++) {
		csv_sheet_free(&s[k]);
		free(csv[k]);
	}
	free(file);
	free(edited);
	free(out);
	free(profile);
	free(profile_url);
	free(home);
	free(log);
	free(script);
	free(soffice);
	capplan_review_data_release(&d);
	scratch_remove(dir);
	free(dir);
}

/* A review without resources, and a currency that is not a code: a workbook still. */
static void
test_empty_review(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-xlsx"), *file, *script = script_path(), *log;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	memset(&d, 0, sizeof(d));
	memcpy(d.currency, "\"=1", 4);
	d.year = 2026;
	d.quarter = 4;
	CU_ASSERT_EQUAL(capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_REVIEW, &err), 0);
	file = scratch_join(dir, CAPPLAN_XLSX_BUDGET_NAME);
	log = scratch_join(dir, "check.log");
	{
		const char *argv[] = { PYTHON, script, "sheets", file, NULL };

		rc = run(argv, NULL, log);
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			show_log(log);
	}
	free(file);
	free(log);
	free(script);
	scratch_remove(dir);
	free(dir);
}

/* The monthly check-in's part: its own file, the Forecast-vs-Actual sheet and About alone. */
static void
test_accuracy_part(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-xlsx"), *file, *script = script_path(), *log;
	const char *argv[16];
	size_t n = 0;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	render_fixture_build(&d);
	CU_ASSERT_FATAL(d.naccuracy > 0 && d.naccuracy < 10);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_ACCURACY, &err), 0);
	CU_ASSERT_EQUAL(count_files(dir), 1);   /* forecast-vs-actual.xlsx, and no budget */
	file = scratch_join(dir, CAPPLAN_XLSX_ACCURACY_NAME);
	log = scratch_join(dir, "check.log");
	argv[n++] = PYTHON;
	argv[n++] = script;
	argv[n++] = "part";
	argv[n++] = file;
	for (size_t i = 0; i < d.naccuracy; i++)
		argv[n++] = d.items[d.accuracy[i].item].resource;
	argv[n] = NULL;
	rc = run(argv, NULL, log);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		show_log(log);
	free(file);
	free(log);
	free(script);
	capplan_review_data_release(&d);
	scratch_remove(dir);
	free(dir);
}

/* Failures leave nothing behind and say where. */
static void
test_failures(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-xlsx"), *missing;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	render_fixture_build(&d);
	missing = scratch_join(dir, "no/such/folder");

	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_xlsx_budget_write(&d, missing, CAPPLAN_PART_REVIEW, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CANTCREAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no/such/folder"));

	/* a scenario of a series that is not there: an internal error, no file */
	d.scenarios[0].item = d.nitems;
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_xlsx_budget_write(&d, dir, CAPPLAN_PART_REVIEW, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_SOFTWARE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "scenario"));
	CU_ASSERT_EQUAL(count_files(dir), 0);

	free(missing);
	capplan_review_data_release(&d);
	scratch_remove(dir);
	free(dir);
}

int
register_render_xlsx_suite(void)
{
	CU_pSuite s = CU_add_suite("render_xlsx", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "workbook read back by openpyxl", test_workbook_read_back) ||
	    !CU_add_test(s, "recalculated by LibreOffice, before and after an edit",
	                 test_recalculated_by_libreoffice) ||
	    !CU_add_test(s, "empty review", test_empty_review) ||
	    !CU_add_test(s, "the forecast-vs-actual part alone", test_accuracy_part) ||
	    !CU_add_test(s, "failures", test_failures))
		return -1;
	return 0;
}
