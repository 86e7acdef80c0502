/*
 * tests/unit/test_render_pdf.c: the review packet (lib/render/pdf_packet.c)
 * and its drawing primitives (lib/render/chart.c).
 *
 * The tick and number arithmetic is checked against hand-worked cases.  The
 * packet is read back by independent tools from poppler-utils: pdfinfo (the
 * page count the documented pagination gives for the data, the paper size),
 * pdffonts (every font embedded), pdftotext (every resource name, the
 * hostile one byte for byte, and every level name), and pdftoppm, whose
 * rasterised pages are decoded with cairo and must not be blank.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>
#include <CUnit/CUnit.h>

#include "render/chart.h"
#include "render/pdf_packet.h"
#include "render_fixture.h"
#include "scratch.h"
#include "suites.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define GIB 1073741824.0
#define TIB (1024 * GIB)
#define DAY INT64_C(86400000)

/* ---- helpers ---- */

/* The whole of a file, NUL-terminated (NULL when unreadable); *len its size. */
static char *
slurp(const char *path, size_t *len)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (capplan_strbuf_append(&sb, buf, n) < 0)
			abort();
	fclose(fp);
	if (len)
		*len = sb.len;
	return sb.data ? sb.data : strdup("");
}

/*
 * Run argv (no shell), its standard output into the file out (NULL: to
 * /dev/null), its standard error to /dev/null.  The exit status, or -1.
 */
static int
run(const char *const argv[], const char *out)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(null, 2);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run a tool on the packet and return its standard output (malloc'd), or NULL. */
static char *
tool_output(const char *dir, const char *const argv[])
{
	char *out = scratch_join(dir, "tool-output.txt"), *text = NULL;

	if (run(argv, out) == 0)
		text = slurp(out, NULL);
	unlink(out);
	free(out);
	return text;
}

/* ---- the packet's expected page count, from the documented pagination ---- */

struct flow {
	int slot, pages;
};

static void
flow_page(struct flow *f)
{
	f->pages++;
	f->slot = 2;   /* the title */
}

static bool
flow_need(struct flow *f, int n)
{
	if (f->slot + n <= CAPPLAN_PDF_ROWS_PER_PAGE)
		return false;
	flow_page(f);
	return true;
}

static void
flow_heading(struct flow *f, int keep)
{
	int gap = f->slot > 2 ? 1 : 0;

	if (flow_need(f, gap + 1 + keep))
		gap = 0;
	f->slot += gap + 1;
}

static void
flow_line(struct flow *f)
{
	flow_need(f, 1);
	f->slot++;
}

static void
flow_table(struct flow *f)
{
	flow_need(f, 2);
	f->slot++;
}

static void
flow_row(struct flow *f)
{
	if (flow_need(f, 1))
		f->slot++;   /* the header again */
	f->slot++;
}

static void
flow_group(struct flow *f)
{
	if (flow_need(f, 2))
		f->slot++;
	f->slot++;
}

static size_t
ceil_div(size_t a, size_t b)
{
	return a ? (a + b - 1) / b : 1;
}

static int
expected_pages(const struct capplan_review_data *d)
{
	struct flow f = { 0, 0 };
	size_t nnext = 0, npassed = 0, nright = 0;
	int64_t from = d->quarter_start_ms[1], to = capplan_time_add_months(from, 3);
	int pages = 1;   /* the cover */

	/* executive summary */
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		const int64_t at[4] = { it->order_by_warning, it->order_by_critical, it->order_by_full,
			                it->nodes_order_by };
		int64_t first = 0;

		for (int k = 0; k < 4; k++) {
			if (at[k] >= from && at[k] < to && at[k])
				nnext++;
			if (at[k] && (!first || at[k] < first))
				first = at[k];
		}
		npassed += first && first <= d->as_of_ms;
		nright += d->items[i].rightsize;
	}
	flow_page(&f);
	flow_line(&f);
	if (d->nitems)
		flow_table(&f);
	else
		flow_line(&f);
	for (size_t i = 0; i < d->nitems; i++)
		flow_row(&f);
	flow_heading(&f, nnext ? 2 : 1);
	if (nnext)
		flow_table(&f);
	else
		flow_line(&f);
	for (size_t k = 0; k < nnext; k++)
		flow_row(&f);
	if (npassed)
		flow_line(&f);
	pages += f.pages;

	pages += (int)ceil_div(d->nitems, CAPPLAN_PDF_GAUGES_PER_PAGE);
	pages += (int)d->nitems;
	pages += (int)ceil_div(d->nitems, CAPPLAN_PDF_BARS_PER_PAGE);

	/*
	 * headroom: a heading row per service (in order of its first series) followed
	 * by its series; a page that starts within a service repeats the heading
	 */
	{
		bool *seen = calloc(d->nitems + 1, 1), *heading = calloc(2 * d->nitems + 1, 1);
		size_t nrows = 0, r = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(seen);
		CU_ASSERT_PTR_NOT_NULL_FATAL(heading);
		for (size_t i = 0; i < d->nitems; i++) {
			if (seen[i])
				continue;
			heading[nrows++] = true;
			for (size_t j = i; j < d->nitems; j++)
				if (!seen[j] && strcmp(d->items[j].service, d->items[i].service) == 0) {
					seen[j] = true;
					nrows++;
				}
		}
		do {
			size_t used = r < nrows && !heading[r] ? 1 : 0;

			pages++;
			while (r < nrows && used < CAPPLAN_PDF_BARS_PER_PAGE) {
				used++;
				r++;
			}
		} while (r < nrows);
		free(seen);
		free(heading);
	}

	pages += (int)ceil_div(d->naccuracy, CAPPLAN_PDF_ACCURACY_PER_PAGE);

	/* scenarios and N+2 */
	f.pages = 0;
	flow_page(&f);
	flow_line(&f);
	if (d->nscenarios)
		flow_table(&f);
	else
		flow_line(&f);
	for (size_t s = 0; s < d->nscenarios; s++) {
		if (s == 0 || strcmp(d->scenarios[s].scenario, d->scenarios[s - 1].scenario) != 0)
			flow_group(&f);
		flow_row(&f);
	}
	flow_heading(&f, d->nitems ? 2 : 1);
	if (d->nitems)
		flow_table(&f);
	else
		flow_line(&f);
	for (size_t i = 0; i < d->nitems; i++)
		flow_row(&f);
	pages += f.pages;

	/* right-sizing and cost */
	f.pages = 0;
	flow_page(&f);
	flow_heading(&f, nright ? 2 : 1);
	if (nright) {
		flow_table(&f);
		for (size_t k = 0; k < nright + 1; k++)   /* and the total */
			flow_row(&f);
		flow_line(&f);
	} else {
		flow_line(&f);
	}
	flow_heading(&f, 3);
	flow_line(&f);
	if (d->nitems) {
		flow_table(&f);
		for (size_t i = 0; i < d->nitems + 1; i++)
			flow_row(&f);
	} else {
		flow_line(&f);
	}
	pages += f.pages;
	return pages;
}

/* ---- reading the packet back ---- */

static int
pdf_pages(const char *dir, const char *pdf, double *w, double *h)
{
	const char *argv[] = { "pdfinfo", pdf, NULL };
	char *out = tool_output(dir, argv), *p;
	int pages = -1;

	if (!out)
		return -1;
	p = strstr(out, "\nPages:");
	if (p)
		pages = atoi(p + 7);
	p = strstr(out, "\nPage size:");
	if (p && w && h && sscanf(p + 11, " %lf x %lf", w, h) != 2)
		*w = *h = 0;
	free(out);
	return pages;
}

/*
 * Count the fonts pdffonts lists and those of them not embedded.  The
 * column "emb" is found from the header and the rule of dashes under it (the
 * type column holds one word or two: "TrueType", "CID TrueType").
 */
static int
fonts_embedded(const char *dir, const char *pdf, int *not_embedded)
{
	const char *argv[] = { "pdffonts", pdf, NULL };
	char *out = tool_output(dir, argv), *line, *save = NULL, *header = NULL;
	size_t col = 0;
	int n = 0, lineno = 0;

	*not_embedded = 0;
	if (!out)
		return -1;
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lineno++) {
		if (lineno == 0) {
			header = line;
			continue;
		}
		if (lineno == 1) {
			char *emb = strstr(header, " emb ");

			if (!emb) {
				n = -1;
				break;
			}
			col = (size_t)(emb - header) + 1;
			continue;
		}
		if (strlen(line) < col + 3)
			continue;
		n++;
		if (strncmp(line + col, "yes", 3) != 0)
			(*not_embedded)++;
	}
	free(out);
	return n;
}

struct raster {
	double variance;    /* of the luminance, 0..1 squared */
	double inked;       /* share of pixels that are not (near) white */
};

static int
raster_stats(const char *png, struct raster *r)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	int w, h, stride;
	unsigned char *data;
	double sum = 0, sum2 = 0, n = 0, inked = 0;

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	cairo_surface_flush(s);
	w = cairo_image_surface_get_width(s);
	h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	data = cairo_image_surface_get_data(s);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint32_t px;
			double lum;

			memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
			lum = (0.299 * ((px >> 16) & 0xff) + 0.587 * ((px >> 8) & 0xff) + 0.114 * (px & 0xff)) /
			      255.0;
			sum += lum;
			sum2 += lum * lum;
			n++;
			inked += lum < 0.94;
		}
	cairo_surface_destroy(s);
	r->variance = n ? sum2 / n - (sum / n) * (sum / n) : 0;
	r->inked = n ? inked / n : 0;
	return 0;
}

/* Write the packet of d into a fresh folder and check it; returns the page count. */
static int
write_and_check(const struct capplan_review_data *d, enum capplan_paper paper, bool raster)
{
	char *dir = scratch_dir("capplan-pdf"), *pdf, *text;
	struct capplan_error err;
	int pages, bad = 0, nfonts;
	double w = 0, h = 0;
	DIR *dp;
	struct dirent *e;
	size_t files = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	capplan_error_clear(&err);
	pdf = scratch_join(dir, CAPPLAN_PDF_PACKET_NAME);
	CU_ASSERT_EQUAL_FATAL(capplan_pdf_packet_write(d, dir, paper, CAPPLAN_PART_REVIEW, &err), 0);

	/* one file, no temporary left behind */
	dp = opendir(dir);
	while (dp && (e = readdir(dp)) != NULL)
		files += e->d_name[0] != '.';
	if (dp)
		closedir(dp);
	CU_ASSERT_EQUAL(files, 1);

	pages = pdf_pages(dir, pdf, &w, &h);
	CU_ASSERT_EQUAL(pages, expected_pages(d));
	if (paper == CAPPLAN_PAPER_A4) {
		CU_ASSERT_DOUBLE_EQUAL(w, 595.276, 0.01);
		CU_ASSERT_DOUBLE_EQUAL(h, 841.89, 0.01);
	} else {
		CU_ASSERT_DOUBLE_EQUAL(w, 612, 0.01);
		CU_ASSERT_DOUBLE_EQUAL(h, 792, 0.01);
	}

	nfonts = fonts_embedded(dir, pdf, &bad);
	CU_ASSERT(nfonts >= 2);
	CU_ASSERT_EQUAL(bad, 0);

	{
		const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };

		text = tool_output(dir, argv);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (size_t i = 0; i < d->nitems; i++) {
		CU_ASSERT_PTR_NOT_NULL(strstr(text, d->items[i].resource));
		CU_ASSERT_PTR_NOT_NULL(strstr(text, capplan_render_level_name(d->items[i].level)));
	}
	for (int lv = CAPPLAN_RENDER_HEALTHY; lv <= CAPPLAN_RENDER_UNKNOWN; lv++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, capplan_render_level_name(lv)));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Capacity review 2026-Q4"));
	free(text);

	if (raster && pages > 0) {
		char *prefix = scratch_join(dir, "page");
		const char *argv[] = { "pdftoppm", "-r", "40", "-png", pdf, prefix, NULL };

		CU_ASSERT_EQUAL_FATAL(run(argv, NULL), 0);
		for (int p = 1; p <= pages; p++) {
			char name[32];
			char *png;
			struct raster r = { 0, 0 };

			/* pdftoppm pads the page number to the width of the last one */
			snprintf(name, sizeof(name), "page-%0*d.png", pages >= 100 ? 3 : pages >= 10 ? 2 : 1, p);
			png = scratch_join(dir, name);
			CU_ASSERT_EQUAL(raster_stats(png, &r), 0);
			/* every page has ink; chart pages (3 on) plenty of it */
			CU_ASSERT(r.variance > 0.002);
			CU_ASSERT(r.inked > (p >= 3 ? 0.03 : 0.01));
			free(png);
		}
		free(prefix);
	}
	free(pdf);
	scratch_remove(dir);
	free(dir);
	return pages;
}

/* ---- ticks and numbers ---- */

static void
test_ticks_bytes(void)
{
	struct capplan_chart_ticks t;
	char label[64];

	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 4 * TIB, CAPPLAN_UNIT_BYTES, 6, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 5);
	for (size_t i = 0; i < 5; i++)
		CU_ASSERT_DOUBLE_EQUAL(t.v[i], (double)i * TIB, 1);
	capplan_chart_tick_label(&t, t.v[4], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "4 TiB");
	capplan_chart_tick_label(&t, t.v[1], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "1 TiB");
	capplan_chart_tick_label(&t, t.v[0], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "0");

	/* 0..2.6 TiB: half TiB steps */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 2.6 * TIB, CAPPLAN_UNIT_BYTES, 6, &t), 0);
	CU_ASSERT_EQUAL(t.n, 7);
	CU_ASSERT_DOUBLE_EQUAL(t.step, 0.5 * TIB, 1);
	CU_ASSERT_DOUBLE_EQUAL(t.hi, 3 * TIB, 1);
	capplan_chart_tick_label(&t, t.v[5], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "2.5 TiB");

	/* below a TiB the axis is in GiB, 1024 of them to the TiB */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 900 * GIB, CAPPLAN_UNIT_BYTES, 5, &t), 0);
	CU_ASSERT_STRING_EQUAL(t.suffix, " GiB");
	CU_ASSERT_DOUBLE_EQUAL(t.step, 200 * GIB, 1);
	CU_ASSERT_DOUBLE_EQUAL(t.hi, 1000 * GIB, 1);
	capplan_chart_tick_label(&t, t.v[5], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "1,000 GiB");

	/* MiB/s */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 300 * 1048576.0, CAPPLAN_UNIT_BYTES_PER_SECOND, 6,
	                                          &t), 0);
	CU_ASSERT_STRING_EQUAL(t.suffix, " MiB/s");
	CU_ASSERT_DOUBLE_EQUAL(t.step, 50 * 1048576.0, 1);
}

static void
test_ticks_rates_and_counts(void)
{
	struct capplan_chart_ticks t;
	char label[64];
	const double want[] = { 0, 500, 1000, 1500, 2000 };

	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 1850, CAPPLAN_UNIT_REQUESTS_PER_SECOND, 6, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 5);
	for (size_t i = 0; i < 5; i++)
		CU_ASSERT_DOUBLE_EQUAL(t.v[i], want[i], 1e-9);
	capplan_chart_tick_label(&t, 1500, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "1,500 req/s");

	/* a range away from zero: 1,180..1,560; steps of 100 take 5 intervals, 200 take 3 */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(1180, 1560, CAPPLAN_UNIT_COUNT, 4, &t), 0);
	CU_ASSERT_DOUBLE_EQUAL(t.lo, 1000, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(t.hi, 1600, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(t.step, 200, 1e-9);
	CU_ASSERT_EQUAL(t.n, 4);
	/* with room for 5, steps of 100: 1,100..1,600 */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(1180, 1560, CAPPLAN_UNIT_COUNT, 5, &t), 0);
	CU_ASSERT_DOUBLE_EQUAL(t.lo, 1100, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(t.step, 100, 1e-9);

	/* large counts in thousands */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 180000, CAPPLAN_UNIT_PER_SECOND, 5, &t), 0);
	capplan_chart_tick_label(&t, t.v[1], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "50k/s");

	/* small steps keep their decimals: 0, 0.5, ... 2.5 cores */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 2.3, CAPPLAN_UNIT_CORES, 5, &t), 0);
	CU_ASSERT_DOUBLE_EQUAL(t.step, 0.5, 1e-12);
	capplan_chart_tick_label(&t, t.v[3], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "1.5 cores");

	/* seconds become minutes */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 600, CAPPLAN_UNIT_SECONDS, 5, &t), 0);
	CU_ASSERT_STRING_EQUAL(t.suffix, " min");
	capplan_chart_tick_label(&t, 600, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "10 min");

	/* nonsense is refused, an empty range widened */
	CU_ASSERT_EQUAL(capplan_chart_ticks(0, NAN, CAPPLAN_UNIT_COUNT, 5, &t), -1);
	CU_ASSERT_EQUAL(capplan_chart_ticks(0, INFINITY, CAPPLAN_UNIT_COUNT, 5, &t), -1);
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 0, CAPPLAN_UNIT_COUNT, 5, &t), 0);
	CU_ASSERT(t.hi > t.lo);
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(400, 400, CAPPLAN_UNIT_COUNT, 5, &t), 0);
	CU_ASSERT(t.lo <= 0 && t.hi >= 400);
}

static void
test_ticks_percent(void)
{
	struct capplan_chart_ticks t;
	char label[64];
	const char *want[] = { "0%", "25%", "50%", "75%", "100%" };

	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 1, CAPPLAN_UNIT_RATIO, 6, &t), 0);
	CU_ASSERT_EQUAL_FATAL(t.n, 5);
	for (size_t i = 0; i < 5; i++) {
		CU_ASSERT_DOUBLE_EQUAL(t.v[i], 0.25 * (double)i, 1e-12);
		capplan_chart_tick_label(&t, t.v[i], label, sizeof(label));
		CU_ASSERT_STRING_EQUAL(label, want[i]);
	}
	/* a percent unit that is already 0..100 */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0, 100, CAPPLAN_UNIT_PERCENT, 6, &t), 0);
	CU_ASSERT_EQUAL(t.n, 5);
	capplan_chart_tick_label(&t, 75, label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "75%");
	/* a narrow ratio: 0.92..0.97 in 1% steps, 2.5% is too coarse, 1% fits 6 */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ticks(0.92, 0.97, CAPPLAN_UNIT_RATIO, 6, &t), 0);
	CU_ASSERT_DOUBLE_EQUAL(t.step, 0.01, 1e-12);
	capplan_chart_tick_label(&t, t.v[1], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "93%");
}

static void
test_date_ticks(void)
{
	struct capplan_chart_date_ticks t;
	int64_t t0 = capplan_time_from_civil(2025, 10, 1, 0, 0, 0, 0);
	int64_t t1 = capplan_time_from_civil(2027, 3, 30, 0, 0, 0, 0);   /* 18 months */
	char label[32];

	/* room for 8 labels: quarters, on the first of Jan, Apr, Jul, Oct; months as minor ticks */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_date_ticks(t0, t1, 8, &t), 0);
	CU_ASSERT_EQUAL(t.step_months, 3);
	CU_ASSERT_EQUAL_FATAL(t.n, 6);
	CU_ASSERT_EQUAL(t.t[0], t0);
	CU_ASSERT_EQUAL(t.t[1], capplan_time_from_civil(2026, 1, 1, 0, 0, 0, 0));
	CU_ASSERT_EQUAL(t.t[5], capplan_time_from_civil(2027, 1, 1, 0, 0, 0, 0));
	CU_ASSERT_EQUAL(t.nminor, 12);
	capplan_chart_date_label(&t, t.t[5], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "Jan 2027");
	capplan_chart_date_label(&t, t.t[0], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "Oct 2025");

	/* room for 20: every month */
	CU_ASSERT_EQUAL_FATAL(capplan_chart_date_ticks(t0, t1, 20, &t), 0);
	CU_ASSERT_EQUAL(t.step_months, 1);
	CU_ASSERT_EQUAL(t.n, 18);
	CU_ASSERT_EQUAL(t.nminor, 0);

	/* a month of days: weeks, on Mondays */
	t0 = capplan_time_from_civil(2026, 9, 1, 0, 0, 0, 0);
	t1 = capplan_time_from_civil(2026, 10, 1, 0, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(capplan_chart_date_ticks(t0, t1, 6, &t), 0);
	CU_ASSERT_EQUAL(t.step_days, 7);
	CU_ASSERT_EQUAL(t.t[0], capplan_time_from_civil(2026, 9, 7, 0, 0, 0, 0));   /* a Monday */
	CU_ASSERT_EQUAL(t.n, 4);
	capplan_chart_date_label(&t, t.t[0], label, sizeof(label));
	CU_ASSERT_STRING_EQUAL(label, "7 Sep");

	CU_ASSERT_EQUAL(capplan_chart_date_ticks(t1, t0, 6, &t), -1);
}

static void
test_format(void)
{
	char buf[64];

	capplan_chart_format_value(3.85 * TIB, CAPPLAN_UNIT_BYTES, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "3.85 TiB");
	capplan_chart_format_value(4 * TIB, CAPPLAN_UNIT_BYTES, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "4 TiB");
	capplan_chart_format_value(6 * GIB, CAPPLAN_UNIT_BYTES, true, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "+6 GiB");
	capplan_chart_format_value(1480, CAPPLAN_UNIT_REQUESTS_PER_SECOND, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1,480 req/s");
	capplan_chart_format_value(0.963, CAPPLAN_UNIT_RATIO, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "96.3%");
	capplan_chart_format_value(24, CAPPLAN_UNIT_COUNT, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "24");
	capplan_chart_format_value(-134 * GIB, CAPPLAN_UNIT_BYTES, true, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "-134 GiB");
	capplan_chart_format_value(5400, CAPPLAN_UNIT_SECONDS, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "90 min");
	capplan_chart_format_value(NAN, CAPPLAN_UNIT_BYTES, false, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "n/a");
	capplan_chart_format_number(1234567.891, 2, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1,234,567.89");
	capplan_chart_format_number(-0.001, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "0");
	capplan_chart_format_number(-999, 0, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "-999");
	capplan_chart_format_date(capplan_time_from_civil(2027, 1, 31, 12, 0, 0, 0), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2027-01-31");
	CU_ASSERT_EQUAL(capplan_chart_unit_of("bytes"), CAPPLAN_UNIT_BYTES);
	CU_ASSERT_EQUAL(capplan_chart_unit_of("packets_per_second"), CAPPLAN_UNIT_PER_SECOND);
	CU_ASSERT_EQUAL(capplan_chart_unit_of("widgets"), CAPPLAN_UNIT_COUNT);
}

static void
test_ols(void)
{
	struct capplan_day days[40];
	int64_t t0 = capplan_time_from_civil(2026, 9, 1, 0, 0, 0, 0), as_of = t0 + 40 * DAY;
	double slope, at;

	/* 2 a day from 100 on day 0, then 30 days of it: at as_of (day 40) the line is 180 */
	for (int i = 0; i < 40; i++) {
		days[i].ts = t0 + i * DAY;
		days[i].mean = 100 + 2.0 * i + (i % 2 ? 1 : -1);   /* +-1 alternating: no bias */
	}
	days[7].mean = NAN;
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ols(days, 40, t0, as_of, as_of, &slope, &at), 0);
	/* the hand fit of the alternating noise over 39 points moves the slope by little */
	CU_ASSERT_DOUBLE_EQUAL(slope, 2.0, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(at, 180.0, 0.5);
	/* exact on a clean line, over a window */
	for (int i = 0; i < 40; i++)
		days[i].mean = 5 - 0.5 * i;
	CU_ASSERT_EQUAL_FATAL(capplan_chart_ols(days, 40, t0 + 30 * DAY, as_of, as_of, &slope, &at), 0);
	CU_ASSERT_DOUBLE_EQUAL(slope, -0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(at, 5 - 0.5 * 40, 1e-9);
	CU_ASSERT_EQUAL(capplan_chart_ols(days, 40, t0 + 39 * DAY, as_of, as_of, &slope, &at), -1);
}

static void
test_plain_text(void)
{
	char *s;

	s = capplan_chart_plain_text("a\nb\tc");
	CU_ASSERT_STRING_EQUAL(s, "a\\nb c");
	free(s);
	s = capplan_chart_plain_text(RENDER_FIXTURE_HOSTILE_RESOURCE);
	CU_ASSERT_STRING_EQUAL(s, RENDER_FIXTURE_HOSTILE_RESOURCE);
	free(s);
	/* invalid UTF-8 and a right-to-left override are replaced (U+FFFD) */
	s = capplan_chart_plain_text("x\xff y\xe2\x80\xae" "z<b>");
	CU_ASSERT_STRING_EQUAL(s, "x\xef\xbf\xbd y\xef\xbf\xbdz<b>");
	free(s);
	s = capplan_chart_plain_text(NULL);
	CU_ASSERT_STRING_EQUAL(s, "");
	free(s);
}

/* ---- the packet ---- */

static void
test_packet_fixture(void)
{
	struct capplan_review_data d;
	int pages;

	render_fixture_build(&d);
	pages = write_and_check(&d, CAPPLAN_PAPER_A4, true);
	/* cover, summary, gauges, 5 series, exhaustion, headroom, accuracy, scenarios, cost */
	CU_ASSERT_EQUAL(pages, 13);
	CU_ASSERT_EQUAL(write_and_check(&d, CAPPLAN_PAPER_LETTER, false), pages);
	capplan_review_data_release(&d);
}

static char *
dup_or_die(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static struct capplan_day *
dup_days(const struct capplan_day *days, size_t n)
{
	struct capplan_day *d = malloc((n ? n : 1) * sizeof(*d));

	if (!d)
		abort();
	if (n)
		memcpy(d, days, n * sizeof(*d));
	return d;
}

/* A deep copy of item src into dst, renamed NAME and moved to SERVICE. */
static void
clone_item(struct capplan_render_item *dst, const struct capplan_render_item *src, const char *name,
           const char *service)
{
	*dst = *src;
	dst->resource = dup_or_die(name);
	dst->service = dup_or_die(service);
	dst->kind = dup_or_die(src->kind);
	dst->unit = dup_or_die(src->unit);
	dst->metric = dup_or_die(src->metric);
	dst->labels_json = dup_or_die(src->labels_json);
	dst->labels_text = dup_or_die(src->labels_text);
	dst->method = dup_or_die(src->method);
	dst->note = dup_or_die(src->note);
	dst->history = dup_days(src->history, src->nhistory);
	dst->forecast = dup_days(src->forecast, src->nforecast);
}

static void
test_packet_many(void)
{
	struct capplan_review_data d;
	size_t n = 40, base;
	struct capplan_render_item *items;
	static const char *const services[] = { "validator", "provider", "api", "indexer", "gateway",
		                                "storage", "search" };
	int pages;

	render_fixture_build(&d);
	base = d.nitems;
	items = realloc(d.items, n * sizeof(*items));
	CU_ASSERT_PTR_NOT_NULL_FATAL(items);
	d.items = items;
	for (size_t i = base; i < n; i++) {
		char name[96];

		/* long names, to be cut in their cells, and long labels */
		snprintf(name, sizeof(name), "%s-%02zu-with-a-rather-long-resource-name-%s",
		         services[i % 7], i, i % 2 ? "ä" : "z");
		clone_item(&d.items[i], &d.items[i % base], name, services[i % 7]);
	}
	d.nitems = n;
	pages = write_and_check(&d, CAPPLAN_PAPER_LETTER, false);
	/* two summary pages, four of gauges, two of each bar chart at least */
	CU_ASSERT(pages >= 1 + 2 + 4 + 40 + 2 + 2 + 1 + 1 + 1);
	capplan_review_data_release(&d);
}

static void
test_packet_empty(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-pdf"), *pdf;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	memset(&d, 0, sizeof(d));
	d.run_id = 1;
	d.as_of_ms = capplan_time_from_civil(2026, 10, 1, 0, 0, 0, 0);
	d.year = 2026;
	d.quarter = 4;
	d.quarter_start_ms[0] = d.as_of_ms;
	d.quarter_start_ms[1] = capplan_time_from_civil(2027, 1, 1, 0, 0, 0, 0);
	memcpy(d.currency, "EUR", 4);
	d.version = dup_or_die("0.1.0");
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_pdf_packet_write(&d, dir, CAPPLAN_PAPER_A4, CAPPLAN_PART_REVIEW, &err), 0);
	pdf = scratch_join(dir, CAPPLAN_PDF_PACKET_NAME);
	/* the cover and one page of each of the seven sections but the series */
	CU_ASSERT_EQUAL(pdf_pages(dir, pdf, NULL, NULL), 8);
	CU_ASSERT_EQUAL(expected_pages(&d), 8);
	free(pdf);
	scratch_remove(dir);
	free(dir);
	capplan_review_data_release(&d);
}

static void
test_packet_cannot_write(void)
{
	struct capplan_review_data d;
	struct capplan_error err;

	render_fixture_build(&d);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL(capplan_pdf_packet_write(&d, "/nonexistent/capplan-test", CAPPLAN_PAPER_A4,
	                                         CAPPLAN_PART_REVIEW, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CANTCREAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "/nonexistent/capplan-test"));
	capplan_review_data_release(&d);
}

/* The monthly check-in's part: a cover and the forecast-vs-actual section, in a file of its own. */
static void
test_packet_accuracy_part(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	char *dir = scratch_dir("capplan-pdf"), *pdf, *text;
	size_t per = CAPPLAN_PDF_ACCURACY_PER_PAGE;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	render_fixture_build(&d);
	CU_ASSERT_FATAL(d.naccuracy > 0);
	capplan_error_clear(&err);
	CU_ASSERT_EQUAL_FATAL(capplan_pdf_packet_write(&d, dir, CAPPLAN_PAPER_A4, CAPPLAN_PART_ACCURACY,
	                                               &err), 0);
	pdf = scratch_join(dir, CAPPLAN_PDF_ACCURACY_NAME);
	CU_ASSERT_EQUAL(pdf_pages(dir, pdf, NULL, NULL), 1 + (int)((d.naccuracy + per - 1) / per));
	{
		const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };

		text = tool_output(dir, argv);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Forecast vs actual 2026-"));
	/* every scored series is there, by name; the other sections are not */
	for (size_t i = 0; i < d.naccuracy; i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, d.items[d.accuracy[i].item].resource));
	CU_ASSERT_PTR_NULL(strstr(text, "Executive summary"));
	CU_ASSERT_PTR_NULL(strstr(text, "Scenarios and N+2"));
	/* and the packet itself was not written */
	free(pdf);
	pdf = scratch_join(dir, CAPPLAN_PDF_PACKET_NAME);
	CU_ASSERT_NOT_EQUAL(access(pdf, F_OK), 0);
	free(text);
	free(pdf);
	scratch_remove(dir);
	free(dir);
	capplan_review_data_release(&d);
}

static void
test_paper_parse(void)
{
	enum capplan_paper p = CAPPLAN_PAPER_A4;

	CU_ASSERT_EQUAL(capplan_paper_parse("Letter", &p), 0);
	CU_ASSERT_EQUAL(p, CAPPLAN_PAPER_LETTER);
	CU_ASSERT_EQUAL(capplan_paper_parse("a4", &p), 0);
	CU_ASSERT_EQUAL(p, CAPPLAN_PAPER_A4);
	CU_ASSERT_EQUAL(capplan_paper_parse("legal", &p), -1);
}

/*
 * LeakSanitizer's built-in suppressions (it calls this hook when it is
 * there; other builds never do).  Fontconfig keeps the values of a pattern
 * at an offset from it rather than by pointer, so the patterns it caches for
 * the process (its configuration's rules, the fonts cairo and pango asked
 * for) read as lost at exit.  Only allocations made inside fontconfig are
 * excused; a leaked pango or cairo object would still show through its own
 * (glib, cairo) allocations.  tests/valgrind.supp says the same to valgrind.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

int
register_render_pdf_suite(void)
{
	CU_pSuite s = CU_add_suite("render_pdf", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "ticks in bytes (1024 steps)", test_ticks_bytes) ||
	    !CU_add_test(s, "ticks for rates, counts, cores, seconds", test_ticks_rates_and_counts) ||
	    !CU_add_test(s, "ticks in percent", test_ticks_percent) ||
	    !CU_add_test(s, "date ticks: quarters, months, weeks", test_date_ticks) ||
	    !CU_add_test(s, "values for people", test_format) ||
	    !CU_add_test(s, "trend lines: least squares", test_ols) ||
	    !CU_add_test(s, "text is plain text", test_plain_text) ||
	    !CU_add_test(s, "paper names", test_paper_parse) ||
	    !CU_add_test(s, "the fixture's packet, read back", test_packet_fixture) ||
	    !CU_add_test(s, "forty series over many pages", test_packet_many) ||
	    !CU_add_test(s, "a run with nothing in it", test_packet_empty) ||
	    !CU_add_test(s, "the forecast-vs-actual part alone", test_packet_accuracy_part) ||
	    !CU_add_test(s, "an unwritable folder", test_packet_cannot_write))
		return -1;
	return 0;
}
