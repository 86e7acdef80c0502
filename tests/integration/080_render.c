/*
 * tests/integration/080_render.c: the review packet from a seeded database.
 *
 * A plan over the real Prometheus's history (validator disks made to cross
 * every level, one volume whose labels hold a comma, quotes, a backslash, a
 * newline, non-ASCII text, SQL and a leading '='), ingested and modelled
 * twice (a month apart, so that forecast-vs-actual has something to show),
 * then rendered.  Each output is checked by an independent reader: poppler
 * for the PDF, promtool for the feed and the rules, openpyxl and LibreOffice
 * for the workbook, libcsv for the summary.
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cairo.h>
#include <csv.h>

#include "db/db.h"
#include "helpers.h"
#include "render/review_data.h"

static const char plan_text[] =
	"version: 1\n"
	"prometheus: {url: %s, step: 1h}\n"
	"history: 60d\n"
	"horizon: 90d\n"
	"drivers:\n"
	"  - name: deployments\n"
	"    query: 'sum(deployments_active)'\n"
	"    metric: deployments_total\n"
	"resources:\n"
	"  - name: data-disks\n"
	"    service: validator\n"
	"    kind: disk\n"
	"    unit: bytes\n"
	"    usage: 'node_filesystem_size_bytes - node_filesystem_avail_bytes'\n"
	"    metric: disk_used_bytes\n"
	"    capacity: 'node_filesystem_size_bytes'\n"
	"    nodes: 2\n"
	"    unit_cost: 40\n"
	"    lead_time: 8w\n"
	"  - name: odd-volume\n"
	"    service: validator\n"
	"    kind: disk\n"
	"    unit: bytes\n"
	"    usage: 'node_filesystem_avail_bytes{note!=\"\"}'\n"
	"    metric: odd_volume_free_bytes\n"
	"    capacity: 2TiB\n"
	"  - name: api-requests\n"
	"    service: api\n"
	"    kind: api_requests\n"
	"    unit: requests_per_second\n"
	"    usage: 'sum(http_requests_per_second)'\n"
	"    metric: api_requests_per_second\n"
	"    nodes: 4\n"
	"    node_capacity: 1000\n"
	"    unit_cost: 280\n"
	"    drivers: [deployments]\n"
	"scenarios:\n"
	"  - name: mainnet launch\n"
	"    type: multiplier\n"
	"    start: 2025-12-15\n"
	"    multipliers: {deployments: 10}\n"
	"  - name: organic growth\n"
	"    type: growth\n"
	"    monthly: 10%%\n";

/* The seeded database, made once for the suite. */
static struct it_db *render_db;
static char out_dir[IT_PATH_MAX];
static char plan_path[IT_PATH_MAX];

static int
run_shell(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct it_db *
seeded(void)
{
	const char *plan = it_tmp_path(".yml");
	char text[4096], end[32], month_ago[32];
	struct it_run r;
	int len;

	if (render_db)
		return render_db;
	render_db = it_db_new();
	len = snprintf(text, sizeof(text), plan_text, it_env.prom);
	it_write_file(plan, text, (size_t)len);
	snprintf(plan_path, sizeof(plan_path), "%s", plan);
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	snprintf(month_ago, sizeof(month_ago), "%lld", it_env.history_end - 30 * 86400LL);
	it_ingest(&r, "--db", render_db->conninfo, "--config", plan, "--end", end, "--quiet");
	IT_REQUIRE(r.status == 0, "ingest: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_model(&r, "--db", render_db->conninfo, "--config", plan, "--as-of", month_ago, "--quiet");
	IT_REQUIRE(r.status == 0, "model a month ago: %d\n%s", r.status, r.err);
	it_run_free(&r);
	it_model(&r, "--db", render_db->conninfo, "--config", plan, "--as-of", end, "--quiet");
	IT_REQUIRE(r.status == 0, "model now: %d\n%s", r.status, r.err);
	it_run_free(&r);
	snprintf(out_dir, sizeof(out_dir), "%s/packet", it_env.tmp);
	it_render(&r, "--db", render_db->conninfo, "--out", out_dir);
	IT_REQUIRE(r.status == 0, "render: %d\n%s", r.status, r.err);
	it_run_free(&r);
	return render_db;
}

/* The output of a command, whole. */
static char *
capture(const char *cmd)
{
	const char *path = it_tmp_path(".out");
	char full[2 * IT_PATH_MAX];

	snprintf(full, sizeof(full), "%s > '%s' 2>&1", cmd, path);
	if (run_shell(full) != 0)
		return NULL;
	return it_read_file(path, NULL);
}

static void
test_files(void)
{
	static const char *const names[] = { "capacity-review.pdf", "capacity-budget.xlsx", "capplan.prom",
	                                     "capacity-alerts.yml", "summary.csv" };
	DIR *dir;
	struct dirent *e;
	int found = 0, hidden = 0;

	seeded();
	dir = opendir(out_dir);
	IT_REQUIRE(dir != NULL, "%s", out_dir);
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			hidden++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			found += strcmp(e->d_name, names[i]) == 0;
	}
	closedir(dir);
	IT_CHECK(found == 5, "the five outputs: %d", found);
	IT_CHECK(hidden == 0, "no temporary file left behind: %d", hidden);
}

static void
test_pdf(void)
{
	struct it_db *db = seeded();
	char cmd[2 * IT_PATH_MAX], *info, *fonts, *text, *p;
	long long items = it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment", 0, NULL);
	int pages = 0;

	snprintf(cmd, sizeof(cmd), "pdfinfo '%s/capacity-review.pdf'", out_dir);
	info = capture(cmd);
	IT_REQUIRE(info != NULL, "pdfinfo");
	p = strstr(info, "\nPages:");
	IT_REQUIRE(p != NULL, "pdfinfo pages:\n%s", info);
	pages = atoi(p + 7);
	/* cover, summary, gauges, a chart per series, exhaustion, headroom, accuracy, scenarios, cost */
	IT_CHECK(pages >= items + 6, "%d pages for %lld series", pages, items);
	IT_CHECK(strstr(info, "595.") != NULL && strstr(info, "841.") != NULL, "A4:\n%s", info);
	free(info);

	snprintf(cmd, sizeof(cmd), "pdffonts '%s/capacity-review.pdf'", out_dir);
	fonts = capture(cmd);
	IT_REQUIRE(fonts != NULL, "pdffonts");
	{
		int lines = 0, embedded = 0;
		char *save = NULL, *line;

		for (line = strtok_r(fonts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (it_starts_with(line, "name") || it_starts_with(line, "----"))
				continue;
			lines++;
			/* the columns: name type encoding emb sub uni object ID */
			embedded += strstr(line, " yes yes ") != NULL || strstr(line, " yes no ") != NULL;
		}
		IT_CHECK(lines > 0 && embedded == lines, "every font embedded: %d of %d", embedded, lines);
	}
	free(fonts);

	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s/capacity-review.pdf' -", out_dir);
	text = capture(cmd);
	IT_REQUIRE(text != NULL, "pdftotext");
	IT_CHECK(strstr(text, "data-disks") && strstr(text, "odd-volume") && strstr(text, "api-requests"),
	         "every resource name in the text");
	IT_CHECK(strstr(text, "emergency") && strstr(text, "critical") && strstr(text, "warning") &&
	         strstr(text, "healthy"), "every level in the text");
	IT_CHECK(strstr(text, "donn\xc3\xa9" "es") != NULL, "the non-ASCII label value drawn as text");
	IT_CHECK(strstr(text, "DROP TABLE") != NULL, "the SQL label value drawn as text");
	free(text);
}

/* Share of pixels that are not white in a PNG: a page with a chart has plenty. */
static double
ink(const char *png)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	int w, h, stride;
	unsigned char *data;
	long long inked = 0;

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const unsigned char *px = data + y * stride + 4 * x;

			inked += px[0] < 235 || px[1] < 235 || px[2] < 235;
		}
	cairo_surface_destroy(s);
	return (double)inked / ((double)w * h);
}

static void
test_pdf_pages_not_blank(void)
{
	char cmd[2 * IT_PATH_MAX], png[IT_PATH_MAX];
	int pages = 0, blank = 0;

	seeded();
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 30 -png '%s/capacity-review.pdf' '%s/page'", out_dir,
	         it_env.tmp);
	IT_REQUIRE(run_shell(cmd) == 0, "%s", cmd);
	for (int i = 1; i < 1000; i++) {
		double share;

		snprintf(png, sizeof(png), "%s/page-%02d.png", it_env.tmp, i);
		if (access(png, R_OK) != 0) {
			snprintf(png, sizeof(png), "%s/page-%03d.png", it_env.tmp, i);
			if (access(png, R_OK) != 0)
				break;
		}
		pages++;
		share = ink(png);
		IT_CHECK(share > 0.005, "page %d has ink: %.4f", i, share);
		blank += share <= 0.005;
	}
	IT_CHECK(pages > 5 && blank == 0, "%d pages rasterised, %d blank", pages, blank);
}

static void
test_prometheus_files(void)
{
	char cmd[2 * IT_PATH_MAX], *out;

	seeded();
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s/capplan.prom'", out_dir);
	out = capture(cmd);
	IT_CHECK(out != NULL && out[0] == '\0', "promtool check metrics: %s", out ? out : "failed");
	free(out);
	snprintf(cmd, sizeof(cmd), "promtool check rules '%s/capacity-alerts.yml'", out_dir);
	out = capture(cmd);
	IT_CHECK(out != NULL && strstr(out, "SUCCESS") != NULL, "promtool check rules: %s", out ? out : "failed");
	free(out);
	/* the odd volume's labels, escaped as the exposition format says, in one line */
	snprintf(cmd, sizeof(cmd), "grep -c 'instance=\"weird, \\\\\"quoted\\\\\" \\\\\\\\ host\"' '%s/capplan.prom'",
	         out_dir);
	out = capture(cmd);
	IT_CHECK(out != NULL && atoi(out) > 0, "the awkward labels escaped in capplan.prom: %s", out ? out : "");
	free(out);
}

/* summary.csv: one row per assessed series, the awkward labels back as stored. */
struct csv_count {
	int field, row;
	int rows, awkward;
	char *labels;
};

static void
on_field(void *s, size_t len, void *data)
{
	struct csv_count *c = data;

	if (c->row > 0 && c->field == 5 && len == strlen(c->labels) && memcmp(s, c->labels, len) == 0)
		c->awkward++;
	c->field++;
}

static void
on_row(int ch, void *data)
{
	struct csv_count *c = data;

	(void)ch;
	c->rows++;
	c->row++;
	c->field = 0;
}

static void
test_summary_csv(void)
{
	struct it_db *db = seeded();
	char path[IT_PATH_MAX];
	size_t len;
	char *csv_text;
	struct csv_parser p;
	struct csv_count c = { 0, 0, 0, 0, NULL };
	long long items = it_count(db->conn, "SELECT count(*) FROM capplan.latest_assessment", 0, NULL);

	c.labels = it_scalar(db->conn, "SELECT labels::text FROM capplan.latest_assessment"
	                     " WHERE resource = 'odd-volume'", 0, NULL);
	IT_REQUIRE(c.labels != NULL, "the odd volume's labels");
	snprintf(path, sizeof(path), "%s/summary.csv", out_dir);
	csv_text = it_read_file(path, &len);
	IT_REQUIRE(csv_text != NULL, "%s", path);
	IT_REQUIRE(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0, "csv_init");
	IT_CHECK(csv_parse(&p, csv_text, len, on_field, on_row, &c) == len, "summary.csv parses");
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	IT_CHECK(c.rows == items + 1, "a header and %lld rows: %d", items, c.rows);
	IT_CHECK(c.awkward == 1, "the awkward labels exactly as stored: %d", c.awkward);
	free(csv_text);
	free(c.labels);
}

/* ---- the workbook ---- */

/* The Budget sheet's "total" row, as LibreOffice recalculated it. */
struct totals {
	int field, in_total;
	double cost[3];            /* now, the quarter under way, the next */
	int found;
};

static void
total_field(void *s, size_t len, void *data)
{
	struct totals *t = data;
	char buf[64];

	if (t->field == 0)
		t->in_total = len == 5 && memcmp(s, "total", 5) == 0;
	if (t->in_total && t->field >= 11 && t->field <= 13 && len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		t->cost[t->field - 11] = strtod(buf, NULL);
		t->found++;
	}
	t->field++;
}

static void
total_row(int ch, void *data)
{
	struct totals *t = data;

	(void)ch;
	t->field = 0;
	t->in_total = 0;
}

/*
 * The workbook's total row (cost now, this quarter, the next) against the
 * database's sums times factor (1: the run's prices; 2: each price doubled).
 */
static void
check_cost_totals(struct it_db *db, const double cost[3], double factor)
{
	static const char *const column[3] = { "cost_quarter_current", "cost_quarter1", "cost_quarter2" };

	for (int k = 0; k < 3; k++) {
		char sql[256], *db_total;
		double v;

		snprintf(sql, sizeof(sql), "SELECT sum(%s) FROM capplan.latest_assessment", column[k]);
		db_total = it_scalar(db->conn, sql, 0, NULL);
		IT_REQUIRE(db_total != NULL, "%s", sql);
		v = factor * strtod(db_total, NULL);
		IT_CHECK(v > 0 && fabs(cost[k] - v) <= 1e-9 * v, "%s: the workbook's total %.2f, %g times the"
		         " database's %s", column[k], cost[k], factor, db_total);
		free(db_total);
	}
}

static void
test_workbook(void)
{
	struct it_db *db = seeded();
	char cmd[4 * IT_PATH_MAX], dir[IT_PATH_MAX], path[IT_PATH_MAX];
	struct totals t = { 0, 0, { 0, 0, 0 }, 0 };
	struct csv_parser p;
	char *text, *out;
	size_t len;

	/* an independent reader: openpyxl opens it, the awkward labels are a string cell */
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import openpyxl, sys\n"
	         "wb = openpyxl.load_workbook(sys.argv[1])\n"
	         "ws = wb[\"Budget\"]\n"
	         "cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and \"donn\" in c.value]\n"
	         "assert cells and all(c.data_type == \"s\" for c in cells), cells\n"
	         "assert any(\"mountpoint=\\\"=/mnt/donn\u00e9es\\\"\" in c.value for c in cells), [c.value for c in cells]\n"
	         "print(\"ok\", wb.sheetnames)' '%s/capacity-budget.xlsx'", out_dir);
	out = capture(cmd);
	IT_CHECK(out != NULL && it_starts_with(out, "ok"), "openpyxl: %s", out ? out : "failed");
	free(out);

	/* LibreOffice recalculates every formula (a private profile that says so) */
	snprintf(dir, sizeof(dir), "%s/lo", it_env.tmp);
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p '%s/profile/user' && printf '%%s' '<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	         "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
	         "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\">"
	         "<value>0</value></prop></item></oor:items>' > '%s/profile/user/registrymodifications.xcu' &&"
	         " HOME='%s' timeout 300 soffice -env:UserInstallation=file://%s/profile --headless --norestore"
	         " --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'"
	         " --outdir '%s' '%s/capacity-budget.xlsx' > '%s/soffice.log' 2>&1",
	         dir, dir, dir, dir, dir, out_dir, dir);
	IT_REQUIRE(run_shell(cmd) == 0, "soffice (scripts/install-deps installs libreoffice-calc-nogui)");
	snprintf(path, sizeof(path), "%s/capacity-budget-Budget.csv", dir);
	text = it_read_file(path, &len);
	IT_REQUIRE(text != NULL, "%s", path);
	IT_REQUIRE(csv_init(&p, 0) == 0, "csv_init");
	csv_parse(&p, text, len, total_field, total_row, &t);
	csv_fini(&p, total_field, total_row, &t);
	csv_free(&p);
	free(text);
	IT_REQUIRE(t.found == 3, "the total row's three costs: %d", t.found);
	check_cost_totals(db, t.cost, 1);
}

/*
 * --config: the same run at a later plan's prices (each unit cost doubled, in
 * EUR).  The workbook's totals are then twice the database's, its About sheet
 * names the plan, and a plan without one of the run's resources is refused
 * with 78 before any file is written.
 */
static void
test_repriced(void)
{
	struct it_db *db = seeded();
	const char *plan = it_tmp_path(".yml"), *bad = it_tmp_path(".yml");
	char cmd[4 * IT_PATH_MAX], dir[IT_PATH_MAX], path[IT_PATH_MAX];
	double cost[3];
	struct it_run r;
	char *out;

	snprintf(cmd, sizeof(cmd), "sed -e 's/unit_cost: 40$/unit_cost: 80/' -e 's/unit_cost: 280$/unit_cost: 560/'"
	         " -e 's/^horizon:/currency: EUR\\nhorizon:/' '%s' > '%s' &&"
	         " sed -e 's/name: odd-volume/name: other-volume/' '%s' > '%s'", plan_path, plan, plan_path, bad);
	IT_REQUIRE(run_shell(cmd) == 0, "%s", cmd);
	snprintf(dir, sizeof(dir), "%s/repriced", it_env.tmp);
	it_render(&r, "--db", db->conninfo, "--config", plan, "--out", dir, "--quiet");
	IT_REQUIRE(r.status == 0, "render --config: %d\n%s", r.status, r.err);
	it_run_free(&r);

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import openpyxl, sys\n"
	         "wb = openpyxl.load_workbook(sys.argv[1], data_only=True)\n"
	         "ws = wb[\"Budget\"]\n"
	         "head = [c.value for c in ws[1]]\n"
	         "assert \"unit cost / node / month (EUR)\" in head, head\n"
	         "about = [r[1] for r in wb[\"About\"].iter_rows(values_only=True) if r[0] == \"unit costs\"]\n"
	         "assert about == [\"from \" + sys.argv[2] + \", at render time\"], about\n"
	         "row = [r for r in ws.iter_rows(values_only=True) if r[0] == \"total\"][0]\n"
	         "print(\"ok\", row[11], row[12], row[13])' '%s/capacity-budget.xlsx' '%s'", dir, plan);
	out = capture(cmd);
	IT_REQUIRE(out != NULL && it_starts_with(out, "ok "), "openpyxl: %s", out ? out : "failed");
	IT_REQUIRE(sscanf(out + 3, "%lf %lf %lf", &cost[0], &cost[1], &cost[2]) == 3, "%s", out);
	free(out);
	check_cost_totals(db, cost, 2);
	snprintf(path, sizeof(path), "%s/capacity-review.pdf", dir);
	snprintf(cmd, sizeof(cmd), "pdftotext '%s' - | tr '\\n' ' '", path);
	out = capture(cmd);
	IT_CHECK(out && strstr(out, "Cost per quarter (EUR)") && strstr(out, "Priced at the unit costs of"),
	         "the PDF's cost page: %s", out ? "no EUR or no note" : "pdftotext failed");
	free(out);

	snprintf(dir, sizeof(dir), "%s/refused", it_env.tmp);
	it_render(&r, "--db", db->conninfo, "--config", bad, "--out", dir, "--quiet");
	IT_CHECK(r.status == 78, "a plan without odd-volume: %d\n%s", r.status, r.err);
	IT_CHECK(strstr(r.err, "resources: no resource \"odd-volume\"") != NULL, "%s", r.err);
	it_run_free(&r);
	snprintf(path, sizeof(path), "%s/capacity-budget.xlsx", dir);
	IT_CHECK(access(path, F_OK) != 0, "%s written", path);
}

/*
 * What capplan-render reads, against PostgreSQL's own day arithmetic: every
 * series' daily history and chosen forecast, each day's mean and max (and the
 * forecast's interval extremes) equal to an independent aggregation with
 * date_trunc, a NaN or infinite sample left out of its day (a NaN mean would
 * break the chart and the trend lines); both as a run stores its days
 * (capplan.history_days, forecast_days) and, for a run without them, as
 * aggregated from the samples.  Runs last: it adds samples and a run to the
 * suite's database.
 */
struct day_check {
	int days, bad, nan;
};

static void
compare_days(PGconn *conn, const char *sql, const char *const *params, const struct capplan_day *days,
             size_t n, bool forecast, struct day_check *c)
{
	PGresult *res = it_query(conn, sql, 3, params);

	if (!res)
		return;
	IT_CHECK((size_t)PQntuples(res) == n, "%s: %d days in SQL, %zu read", params[0], PQntuples(res), n);
	for (int i = 0; i < PQntuples(res) && (size_t)i < n; i++) {
		double want[6];
		double got[6] = { days[i].mean, days[i].max, days[i].lo80, days[i].hi80, days[i].lo95,
		                  days[i].hi95 };
		int k, cols = forecast ? 6 : 2;

		c->days++;
		if (strtoll(PQgetvalue(res, i, 0), NULL, 10) != days[i].ts)
			c->bad++;
		for (k = 0; k < cols; k++) {
			want[k] = strtod(PQgetvalue(res, i, k + 1), NULL);
			c->nan += isnan(got[k]);
			if (!(fabs(got[k] - want[k]) <= 1e-12 * fabs(want[k]) + 1e-300))
				c->bad++;
		}
	}
	PQclear(res);
}

/* Load the newest run as capplan-render does and compare every day read; false when it failed. */
static bool
check_days_read(struct it_db *db, const char *what)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_db *conn;
	struct day_check c = { 0, 0, 0 };
	char run[32];
	int rc;

	capplan_error_clear(&err);
	conn = capplan_db_connect(db->conninfo, "capplan-it", &err);
	IT_REQUIRE(conn != NULL, "connect: %s", err.msg);
	rc = capplan_review_data_load(conn, 0, &d, &err);
	capplan_db_close(conn);
	IT_CHECK(rc == 0, "%s: load: %s", what, err.msg);
	if (rc != 0)
		return false;
	IT_CHECK(d.nitems >= 10, "%s: %zu items", what, d.nitems);
	snprintf(run, sizeof(run), "%lld", (long long)d.run_id);
	for (size_t i = 0; i < d.nitems; i++) {
		const struct capplan_render_item *it = &d.items[i];
		const char *params[3] = { it->labels_json, it->metric, run };

		IT_CHECK(it->nhistory > 0, "%s: %s %s: no history read", what, it->resource, it->labels_json);
		/* whole days: a partial first or last day (under 90% of the fullest day's samples) left out */
		compare_days(db->conn,
		             "WITH days AS (SELECT (extract(epoch FROM date_trunc('day', x.ts, 'UTC')) * 1000)::bigint"
		             " AS day, avg(x.value) AS mean, max(x.value) AS max, count(*) AS n"
		             " FROM capplan.samples x JOIN capplan.series s"
		             " ON s.id = x.series_id WHERE s.labels = $1::jsonb AND s.metric = $2"
		             " AND x.ts >= date_trunc('day', (SELECT as_of FROM capplan.model_runs"
		             " WHERE id = $3::bigint) - interval '364 days', 'UTC')"
		             " AND x.ts <= (SELECT as_of FROM capplan.model_runs"
		             " WHERE id = $3::bigint) AND NOT (x.value = 'NaN' OR x.value IN ('Infinity',"
		             " '-Infinity')) GROUP BY 1)"
		             " SELECT day, mean, max FROM days WHERE n * 10 >= 9 * (SELECT max(n) FROM days)"
		             " OR day > (SELECT min(day) FROM days) AND day < (SELECT max(day) FROM days)"
		             " ORDER BY 1",
		             params, it->history, it->nhistory, false, &c);
		if (it->method[0])
			compare_days(db->conn,
			             "WITH days AS (SELECT (extract(epoch FROM date_trunc('day', f.ts, 'UTC')) * 1000)::bigint"
			             " AS day, avg(f.yhat) AS mean, max(f.yhat) AS max, min(f.lo80) AS lo80,"
			             " max(f.hi80) AS hi80, min(f.lo95) AS lo95, max(f.hi95) AS hi95, count(*) AS n"
			             " FROM capplan.forecast_points f JOIN capplan.series s ON s.id = f.series_id"
			             " JOIN capplan.model_fits m ON m.run_id = f.run_id AND m.series_id = f.series_id"
			             " AND m.method = f.method AND m.chosen"
			             " WHERE s.labels = $1::jsonb AND s.metric = $2 AND f.run_id = $3::bigint"
			             " GROUP BY 1)"
			             " SELECT day, mean, max, lo80, hi80, lo95, hi95 FROM days"
			             " WHERE n * 10 >= 9 * (SELECT max(n) FROM days)"
			             " OR day > (SELECT min(day) FROM days) AND day < (SELECT max(day) FROM days)"
			             " ORDER BY 1",
			             params, it->forecast, it->nforecast, true, &c);
	}
	IT_CHECK(c.days > 1000, "%s: %d days compared", what, c.days);
	IT_CHECK(c.bad == 0, "%s: %d of %d days differ from PostgreSQL's aggregation", what, c.bad, c.days);
	IT_CHECK(c.nan == 0, "%s: %d NaN values in the days read", what, c.nan);
	capplan_review_data_release(&d);
	return true;
}

static void
test_review_data_days(void)
{
	struct it_db *db = seeded();
	char end[32];
	struct it_run r;
	PGresult *res;

	/* a NaN and an infinity between two hours of the api series, inside the year shown */
	snprintf(end, sizeof(end), "%lld", it_env.history_end);
	res = it_query(db->conn, "INSERT INTO capplan.samples (series_id, ts, value)"
	               " SELECT s.id, to_timestamp($1::bigint - 5400), 'NaN'::float8 FROM capplan.series s"
	               " WHERE s.metric = 'api_requests_per_second'"
	               " UNION ALL SELECT s.id, to_timestamp($1::bigint - 9000), 'Infinity'::float8"
	               " FROM capplan.series s WHERE s.metric = 'api_requests_per_second'",
	               1, (const char *const[]){ end });
	PQclear(res);
	it_model(&r, "--db", db->conninfo, "--config", plan_path, "--as-of", end, "--quiet");
	IT_REQUIRE(r.status == 0, "model with a NaN and an infinity among the samples: %d\n%s", r.status,
	           r.err);
	it_run_free(&r);

	IT_CHECK(it_count(db->conn, "SELECT count(*) FROM capplan.history_days WHERE run_id ="
	                  " (SELECT max(id) FROM capplan.model_runs)", 0, NULL) >= 12 * 60,
	         "the run stored its days of history: twelve series, sixty days");
	check_days_read(db, "the days the run stored");
	/* a run from before runs stored their days: the same, aggregated on reading */
	PQclear(it_query(db->conn, "DELETE FROM capplan.history_days WHERE run_id = (SELECT max(id)"
	                 " FROM capplan.model_runs)", 0, NULL));
	PQclear(it_query(db->conn, "DELETE FROM capplan.forecast_days WHERE run_id = (SELECT max(id)"
	                 " FROM capplan.model_runs)", 0, NULL));
	check_days_read(db, "the days aggregated on reading");
}

/* The seeded database lives for the whole suite (seeding takes a while): dropped at its end. */
static int
suite_cleanup(void)
{
	it_teardown();
	render_db = NULL;
	return 0;
}

int
it_register_render(void)
{
	CU_pSuite s = CU_add_suite("080 render", NULL, suite_cleanup);

	if (!s ||
	    !CU_add_test(s, "the five files, nothing half-written", test_files) ||
	    !CU_add_test(s, "the PDF: pages, fonts, text", test_pdf) ||
	    !CU_add_test(s, "the PDF: no blank page", test_pdf_pages_not_blank) ||
	    !CU_add_test(s, "capplan.prom and the rules pass promtool", test_prometheus_files) ||
	    !CU_add_test(s, "summary.csv", test_summary_csv) ||
	    !CU_add_test(s, "the workbook: openpyxl, and LibreOffice's totals are the database's",
	                 test_workbook) ||
	    !CU_add_test(s, "--config: the run at a later plan's prices", test_repriced) ||
	    !CU_add_test(s, "the days read: PostgreSQL's own aggregation, NaN left out",
	                 test_review_data_days))
		return -1;
	return 0;
}
