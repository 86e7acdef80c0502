/*
 * lib/render/pdf_packet.c: the quarterly review packet, capacity-review.pdf.
 *
 * The packet is drawn twice: a rehearsal on a canvas that draws nothing
 * (cairo's inert context, no text laid out) counts the pages and finds where
 * each section starts (for the contents, "page N of M" and the outline); the
 * second pass draws the same pages into the file.  Page breaks depend on the
 * data alone (fixed row slots, text ellipsized in its cell), never on how
 * wide a text happens to be, so both passes break the same way; the drawing
 * pass checks that it did.
 */
#include "render/pdf_packet.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "render/atomic_file.h"
#include "render/chart.h"
#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define MARGIN 42.0      /* left and right */
#define TOP 64.0         /* the content's top, under the running header */
#define SLOT 19.0        /* a row slot of the flowing tables */
#define ROWS CAPPLAN_PDF_ROWS_PER_PAGE
#define BOTTOM_GAP 58.0  /* from the content's bottom to the paper's edge */

enum section {
	SEC_SUMMARY, SEC_GAUGES, SEC_ITEMS, SEC_EXHAUSTION, SEC_HEADROOM, SEC_ACCURACY, SEC_SCENARIOS,
	SEC_COST, NSECTIONS
};

static const char *const section_titles[NSECTIONS] = {
	[SEC_SUMMARY] = "Executive summary",
	[SEC_GAUGES] = "Utilisation",
	[SEC_ITEMS] = "Resources",
	[SEC_EXHAUSTION] = "Time to exhaustion",
	[SEC_HEADROOM] = "Headroom by service",
	[SEC_ACCURACY] = "Forecast vs actual",
	[SEC_SCENARIOS] = "Scenarios and N+2",
	[SEC_COST] = "Right-sizing and cost",
};

struct packet {
	const struct capplan_review_data *d;
	cairo_surface_t *surface;
	cairo_t *cr;
	struct capplan_canvas cv;
	enum capplan_render_part part; /* the whole packet, or the forecast-vs-actual part */
	char doc_title[64];            /* "Capacity review 2026-Q4", "Forecast vs actual 2026-11" */
	bool final;                    /* the pass that is written */
	double pw, ph;                 /* the paper */
	double x0, x1, w, bottom;      /* the content box */
	int page;                      /* the page being drawn, from 1 */
	int total;                     /* pages in all (known in the final pass) */
	bool open;                     /* a page is being drawn */
	int first[NSECTIONS];          /* the first page of each section */
	int outline_items;             /* the outline entry the resources hang under */
	const char *running;           /* the running header's right side */
	const char *title;             /* the flowing section's title */
	int slot;                      /* the next free row slot of the flow */
	char quarter[16], next_quarter[16];
	char as_of[48];
	int64_t next_from, next_to;    /* the next quarter, [from, to) */
	int oom;
	int misnumbered;               /* a resource page not where the rehearsal put it */
};

/* ---- small formatting ---- */

static enum capplan_chart_unit
unit_of(const struct capplan_render_item *it)
{
	return capplan_chart_unit_of(it->unit);
}

static void
fmt_val(const struct capplan_render_item *it, double v, bool sign, char *buf, size_t size)
{
	capplan_chart_format_value(v, unit_of(it), sign, buf, size);
}

static void
fmt_pct(double v, char *buf, size_t size)
{
	capplan_chart_format_value(v, CAPPLAN_UNIT_RATIO, false, buf, size);
}

static void
fmt_days(double v, char *buf, size_t size)
{
	if (!isfinite(v))
		snprintf(buf, size, "> horizon");
	else if (v < 1)
		snprintf(buf, size, "< 1");
	else
		capplan_chart_format_number(floor(v), 0, buf, size);
}

static void
fmt_date(int64_t ms, char *buf, size_t size)
{
	capplan_chart_format_date(ms, buf, size);
}

static void
fmt_money(double v, char *buf, size_t size)
{
	capplan_chart_format_number(v, 0, buf, size);
}

static void
fmt_count(long v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "n/a");
	else
		capplan_chart_format_number((double)v, 0, buf, size);
}

/* "2026-Q4" for the quarter holding ms. */
static void
fmt_quarter(int64_t ms, char *buf, size_t size)
{
	char date[32];
	int y = 0, m = 1;

	capplan_chart_format_date(ms, date, sizeof(date));
	if (sscanf(date, "%d-%d", &y, &m) != 2)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%04d-Q%d", y, (m - 1) / 3 + 1);
}

static const char *
level_name(enum capplan_render_level lv)
{
	return capplan_render_level_name(lv);
}

static struct capplan_rgb
rgb(double r, double g, double b)
{
	return (struct capplan_rgb){ r, g, b };
}

/* The earliest order-by date of an item and what it is for; 0 when none. */
static int64_t
first_order_by(const struct capplan_render_item *it, const char **what)
{
	const int64_t at[4] = { it->order_by_warning, it->order_by_critical, it->order_by_full,
		                it->nodes_order_by };
	static const char *const whats[4] = { "warning", "critical", "full", "N+2 nodes" };
	int64_t best = 0;

	*what = "";
	for (int k = 0; k < 4; k++)
		if (at[k] && (!best || at[k] < best)) {
			best = at[k];
			*what = whats[k];
		}
	return best;
}

/* ---- pages ---- */

static struct capplan_chart_style
style(double size, bool bold, struct capplan_rgb color)
{
	return capplan_chart_style(size, bold, color);
}

static void
end_page(struct packet *pk)
{
	if (pk->open)
		cairo_show_page(pk->cr);
	pk->open = false;
}

/* The running header (unless running is NULL: the cover) and the footer of page `page`. */
static void
draw_frame(struct packet *pk, const char *running, int page)
{
	struct capplan_chart_style st;
	char text[256];
	cairo_t *cr = pk->cr;

	if (running) {
		st = style(8, true, capplan_chart_accent);
		capplan_chart_text(&pk->cv, pk->doc_title, pk->x0, 34, 0, &st);
		st = style(8, false, capplan_chart_muted);
		st.align = CAPPLAN_ALIGN_RIGHT;
		capplan_chart_text(&pk->cv, running, pk->x1, 34, 0, &st);
		cairo_set_line_width(cr, 0.6);
		capplan_chart_set_color(cr, capplan_chart_accent, 1);
		cairo_move_to(cr, pk->x0, 48.5);
		cairo_line_to(cr, pk->x1, 48.5);
		cairo_stroke(cr);
	}
	cairo_set_line_width(cr, 0.4);
	capplan_chart_set_color(cr, capplan_chart_rule, 1);
	cairo_move_to(cr, pk->x0, pk->ph - 44.5);
	cairo_line_to(cr, pk->x1, pk->ph - 44.5);
	cairo_stroke(cr);
	st = style(7, false, capplan_chart_muted);
	snprintf(text, sizeof(text), "capplan %s \xc2\xb7 run %" PRId64 " \xc2\xb7 as of %s",
	         pk->d->version ? pk->d->version : "", pk->d->run_id, pk->as_of);
	capplan_chart_text(&pk->cv, text, pk->x0, pk->ph - 40, pk->w * 0.7, &st);
	if (pk->total)
		snprintf(text, sizeof(text), "Page %d of %d", page, pk->total);
	else
		snprintf(text, sizeof(text), "Page %d", page);
	st.align = CAPPLAN_ALIGN_RIGHT;
	capplan_chart_text(&pk->cv, text, pk->x1, pk->ph - 40, 0, &st);
}

/* A new page: its number; its frame drawn unless `framed` says someone else draws it. */
static void
new_page(struct packet *pk, const char *running, bool framed)
{
	end_page(pk);
	pk->page++;
	pk->open = true;
	pk->running = running;
	if (framed)
		draw_frame(pk, running, pk->page);
}

static void
begin_page(struct packet *pk, const char *running)
{
	new_page(pk, running, true);
}

/* A section starts on this page: remember it, and give it an outline entry. */
static void
section_starts(struct packet *pk, enum section s)
{
	char link[32];

	pk->first[s] = pk->page;
	if (!pk->final)
		return;
	snprintf(link, sizeof(link), "page=%d", pk->page);
	if (s == SEC_ITEMS)
		pk->outline_items = cairo_pdf_surface_add_outline(pk->surface, CAIRO_PDF_OUTLINE_ROOT,
		                                                  section_titles[s], link,
		                                                  CAIRO_PDF_OUTLINE_FLAG_OPEN);
	else
		cairo_pdf_surface_add_outline(pk->surface, CAIRO_PDF_OUTLINE_ROOT, section_titles[s], link,
		                              0);
}

/* A page's title (2 slots). */
static void
page_title(struct packet *pk, const char *title, bool continued)
{
	struct capplan_chart_style st = style(15, true, capplan_chart_ink);
	char text[160];

	snprintf(text, sizeof(text), "%s%s", title, continued ? " (continued)" : "");
	capplan_chart_text(&pk->cv, text, pk->x0, TOP + 2, pk->w, &st);
}

/* A line of explanation under a title, at y; returns its height. */
static double
intro(struct packet *pk, const char *text, double y, int lines)
{
	struct capplan_chart_style st = style(7.5, false, capplan_chart_muted);

	st.max_lines = lines;
	return capplan_chart_text(&pk->cv, text, pk->x0, y, pk->w, &st);
}

/* ---- the flowing tables ---- */

static double
slot_y(const struct packet *pk)
{
	return TOP + pk->slot * SLOT;
}

static void
flow_page(struct packet *pk, bool continued)
{
	begin_page(pk, pk->title);
	page_title(pk, pk->title, continued);
	pk->slot = 2;
}

/* Make room for n slots; true when that took a new page. */
static bool
flow_need(struct packet *pk, int n)
{
	if (pk->slot + n <= ROWS)
		return false;
	flow_page(pk, true);
	return true;
}

/* A heading kept with the next `keep` slots. */
static void
flow_heading(struct packet *pk, const char *text, int keep)
{
	struct capplan_chart_style st = style(10.5, true, capplan_chart_accent);
	int gap = pk->slot > 2 ? 1 : 0;

	if (flow_need(pk, gap + 1 + keep))
		gap = 0;
	pk->slot += gap;
	capplan_chart_text(&pk->cv, text, pk->x0, slot_y(pk) + 5, pk->w, &st);
	pk->slot++;
}

static void
flow_line(struct packet *pk, const char *text, const struct capplan_chart_style *st)
{
	flow_need(pk, 1);
	capplan_chart_text_box(&pk->cv, text, pk->x0, slot_y(pk), pk->w, SLOT, st);
	pk->slot++;
}

struct column {
	const char *title;
	double frac;                       /* of the content width */
	enum capplan_chart_align align;
};

struct table {
	const struct column *cols;
	size_t ncols;
	int max_lines;                     /* of a cell's text */
	double size;
	int rows;                          /* drawn so far (zebra stripes) */
};

struct cell {
	const char *text;
	bool has_fill, bold;
	struct capplan_rgb fill, ink;
};

#define MAX_COLS 12

static void
table_header(struct packet *pk, struct table *t)
{
	struct capplan_chart_style st = style(7, true, capplan_chart_white);
	double x = pk->x0, y = slot_y(pk);
	struct capplan_rgb fill = capplan_chart_accent;

	st.max_lines = 2;
	st.size = 6.6;
	for (size_t c = 0; c < t->ncols; c++) {
		double cw = t->cols[c].frac * pk->w;

		st.align = t->cols[c].align;
		capplan_chart_cell(&pk->cv, x, y, cw, SLOT, t->cols[c].title, &fill, &st);
		x += cw;
	}
	pk->slot++;
	t->rows = 0;
}

/* A table's first rows: its header kept with one row. */
static void
table_begin(struct packet *pk, struct table *t)
{
	flow_need(pk, 2);
	table_header(pk, t);
}

static void
table_row(struct packet *pk, struct table *t, const struct cell *cells)
{
	struct capplan_chart_style st = style(t->size, false, capplan_chart_ink);
	struct capplan_rgb zebra = rgb(0.965, 0.968, 0.975);
	double x = pk->x0, y;

	if (flow_need(pk, 1))
		table_header(pk, t);
	y = slot_y(pk);
	st.max_lines = t->max_lines;
	for (size_t c = 0; c < t->ncols; c++) {
		double cw = t->cols[c].frac * pk->w;
		const struct capplan_rgb *fill = cells[c].has_fill ? &cells[c].fill
		                                 : t->rows % 2 ? &zebra : NULL;

		st.align = t->cols[c].align;
		st.bold = cells[c].bold;
		st.color = cells[c].ink;
		capplan_chart_cell(&pk->cv, x, y, cw, SLOT, cells[c].text, fill, &st);
		x += cw;
	}
	pk->slot++;
	t->rows++;
}

/* A row across the whole table (a group's name), kept with the next row. */
static void
table_group(struct packet *pk, struct table *t, const char *text)
{
	struct capplan_chart_style st = style(7.5, true, capplan_chart_accent);
	struct capplan_rgb fill = rgb(0.89, 0.92, 0.96);

	if (flow_need(pk, 2))
		table_header(pk, t);
	capplan_chart_cell(&pk->cv, pk->x0, slot_y(pk), pk->w, SLOT, text, &fill, &st);
	pk->slot++;
	t->rows = 0;
}

static struct cell
cell(const char *text)
{
	struct cell c;

	memset(&c, 0, sizeof(c));
	c.text = text;
	c.ink = capplan_chart_ink;
	return c;
}

static struct cell
cell_fill(const char *text, struct capplan_rgb fill, struct capplan_rgb ink, bool bold)
{
	struct cell c = cell(text);

	c.has_fill = true;
	c.fill = fill;
	c.ink = ink;
	c.bold = bold;
	return c;
}

/* ---- cover ---- */

static void
cover(struct packet *pk)
{
	const struct capplan_review_data *d = pk->d;
	struct capplan_chart_style st;
	cairo_t *cr = pk->cr;
	size_t counts[5] = { 0 };
	char text[256], buf[64];
	double y, tw;
	static const enum capplan_render_level order[5] = {
		CAPPLAN_RENDER_EMERGENCY, CAPPLAN_RENDER_CRITICAL, CAPPLAN_RENDER_WARNING,
		CAPPLAN_RENDER_HEALTHY, CAPPLAN_RENDER_UNKNOWN
	};

	begin_page(pk, NULL);
	for (size_t i = 0; i < d->nitems; i++)
		if ((unsigned)d->items[i].level < 5)
			counts[d->items[i].level]++;
	/* a band of colour at the top */
	capplan_chart_set_color(cr, capplan_chart_accent, 1);
	cairo_rectangle(cr, 0, 0, pk->pw, 12);
	cairo_fill(cr);

	y = 120;
	st = style(9, true, capplan_chart_muted);
	capplan_chart_text(&pk->cv, "CAPPLAN \xc2\xb7 QUARTERLY CAPACITY PLANNING", pk->x0, y, pk->w, &st);
	y += 20;
	st = style(30, true, capplan_chart_ink);
	y += capplan_chart_text(&pk->cv, pk->doc_title, pk->x0, y, pk->w, &st) + 6;
	st = style(11, false, capplan_chart_muted);
	st.max_lines = 2;
	y += capplan_chart_text(&pk->cv, pk->part == CAPPLAN_PART_ACCURACY
	                        ? "The monthly check-in: the forecasts of earlier runs against the "
	                          "actuals that arrived since, with their accuracy."
	                        : "Utilisation, time to exhaustion, provisioning with N+2 redundancy, "
	                          "scenarios and cost, from twelve months of history and six months of "
	                          "forecast.", pk->x0, y, pk->w * 0.85, &st);
	y += 28;

	/* the run */
	{
		char run[32], q[96], nq[96], n[32];
		const char *labels[] = { "As of", "Model run", "capplan version", "Quarter under way",
			                 "Next quarter", "Resource series" };
		const char *values[6];

		snprintf(run, sizeof(run), "%" PRId64, d->run_id);
		fmt_date(d->quarter_start_ms[0], buf, sizeof(buf));
		snprintf(q, sizeof(q), "%s (from %s)", pk->quarter, buf);
		fmt_date(pk->next_from, buf, sizeof(buf));
		snprintf(nq, sizeof(nq), "%s (from %s)", pk->next_quarter, buf);
		snprintf(n, sizeof(n), "%zu", d->nitems);
		values[0] = pk->as_of;
		values[1] = run;
		values[2] = d->version;
		values[3] = q;
		values[4] = nq;
		values[5] = n;
		for (int i = 0; i < 6; i++) {
			st = style(9, false, capplan_chart_muted);
			capplan_chart_text(&pk->cv, labels[i], pk->x0, y, 120, &st);
			st = style(9, true, capplan_chart_ink);
			capplan_chart_text(&pk->cv, values[i], pk->x0 + 124, y, pk->w - 124, &st);
			y += 15;
		}
	}
	y += 22;

	/* counts by level */
	st = style(10.5, true, capplan_chart_accent);
	capplan_chart_text(&pk->cv, "Series by level", pk->x0, y, pk->w, &st);
	y += 18;
	tw = (pk->w - 4 * 8) / 5;
	for (int k = 0; k < 5; k++) {
		enum capplan_render_level lv = order[k];
		double x = pk->x0 + k * (tw + 8);

		capplan_chart_round_rect(cr, x, y, tw, 58, 4);
		capplan_chart_set_color(cr, capplan_chart_level_color(lv), 1);
		cairo_fill(cr);
		st = style(22, true, capplan_chart_level_on(lv));
		st.align = CAPPLAN_ALIGN_CENTER;
		snprintf(text, sizeof(text), "%zu", counts[lv]);
		capplan_chart_text(&pk->cv, text, x, y + 8, tw, &st);
		st = style(8.5, true, capplan_chart_level_on(lv));
		st.align = CAPPLAN_ALIGN_CENTER;
		capplan_chart_text(&pk->cv, level_name(lv), x, y + 38, tw, &st);
	}
	y += 58 + 30;

	/* contents */
	st = style(10.5, true, capplan_chart_accent);
	capplan_chart_text(&pk->cv, "Contents", pk->x0, y, pk->w, &st);
	y += 18;
	for (int s = 0; s < NSECTIONS; s++) {
		char link[32];

		if (pk->first[s] == 0)
			continue;   /* not in this document (or no resource pages) */
		if (pk->final) {
			snprintf(link, sizeof(link), "page=%d", pk->first[s]);
			cairo_tag_begin(cr, CAIRO_TAG_LINK, link);
		}
		st = style(9, false, capplan_chart_ink);
		capplan_chart_text(&pk->cv, section_titles[s], pk->x0, y, pk->w * 0.6, &st);
		snprintf(text, sizeof(text), "%d", pk->first[s]);
		st.align = CAPPLAN_ALIGN_RIGHT;
		capplan_chart_text(&pk->cv, text, pk->x0 + pk->w * 0.75, y, 0, &st);
		if (pk->final)
			cairo_tag_end(cr, CAIRO_TAG_LINK);
		cairo_set_line_width(cr, 0.3);
		capplan_chart_set_color(cr, capplan_chart_rule, 1);
		cairo_move_to(cr, pk->x0, y + 13.5);
		cairo_line_to(cr, pk->x0 + pk->w * 0.75, y + 13.5);
		cairo_stroke(cr);
		y += 16;
	}

	st = style(7.5, false, capplan_chart_muted);
	st.max_lines = 4;
	capplan_chart_text(&pk->cv,
	                   "Levels follow the capacity planning framework: a series is at warning from "
	                   "its warning threshold (70% of capacity unless the plan says otherwise), "
	                   "critical from its critical threshold (85%), emergency from 95%; by time to "
	                   "exhaustion, healthy beyond 90 days, warning 60-90, critical 30-60, emergency "
	                   "under 30. Its level is the worse of the two. Order-by dates are the crossing "
	                   "dates less the lead time. All times UTC.",
	                   pk->x0, pk->bottom - 48, pk->w, &st);
}

/* ---- executive summary ---- */

struct order_entry {
	int64_t at;
	size_t item;
	const char *what;
};

static int
order_cmp(const void *a, const void *b)
{
	const struct order_entry *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static void
summary(struct packet *pk)
{
	static const struct column cols[] = {
		{ "Resource", 0.19, CAPPLAN_ALIGN_LEFT }, { "Service", 0.10, CAPPLAN_ALIGN_LEFT },
		{ "Series labels", 0.23, CAPPLAN_ALIGN_LEFT }, { "Level", 0.10, CAPPLAN_ALIGN_CENTER },
		{ "Utilisation", 0.09, CAPPLAN_ALIGN_RIGHT },
		{ "Days to full", 0.11, CAPPLAN_ALIGN_RIGHT }, { "Order by", 0.18, CAPPLAN_ALIGN_LEFT },
	};
	static const struct column ocols[] = {
		{ "Order by", 0.13, CAPPLAN_ALIGN_LEFT }, { "Resource", 0.25, CAPPLAN_ALIGN_LEFT },
		{ "Service", 0.12, CAPPLAN_ALIGN_LEFT }, { "Series labels", 0.32, CAPPLAN_ALIGN_LEFT },
		{ "Before", 0.18, CAPPLAN_ALIGN_LEFT },
	};
	const struct capplan_review_data *d = pk->d;
	struct table t = { cols, 7, 2, 6.8, 0 }, ot = { ocols, 5, 1, 7, 0 };
	struct capplan_chart_style st = style(7.5, false, capplan_chart_muted);
	size_t counts[5] = { 0 }, nentries = 0, passed = 0;
	struct order_entry *entries;
	char text[512], from[32], to[32];

	pk->title = section_titles[SEC_SUMMARY];
	flow_page(pk, false);
	section_starts(pk, SEC_SUMMARY);
	for (size_t i = 0; i < d->nitems; i++)
		if ((unsigned)d->items[i].level < 5)
			counts[d->items[i].level]++;
	snprintf(text, sizeof(text),
	         "%zu series: %zu emergency, %zu critical, %zu warning, %zu healthy, %zu unknown; "
	         "most urgent first (level, then days to full).",
	         d->nitems, counts[CAPPLAN_RENDER_EMERGENCY], counts[CAPPLAN_RENDER_CRITICAL],
	         counts[CAPPLAN_RENDER_WARNING], counts[CAPPLAN_RENDER_HEALTHY],
	         counts[CAPPLAN_RENDER_UNKNOWN]);
	flow_line(pk, text, &st);
	if (d->nitems == 0) {
		flow_line(pk, "No resource series was assessed in this run.", &st);
	} else {
		table_begin(pk, &t);
	}
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		struct cell c[7];
		char util[32], days[32], order[96], date[32];
		const char *what;
		int64_t ob = first_order_by(it, &what);
		enum capplan_render_level ul = capplan_chart_util_level(it->utilisation,
		                                                        it->threshold_warning,
		                                                        it->threshold_critical);

		fmt_pct(it->utilisation, util, sizeof(util));
		if (it->level == CAPPLAN_RENDER_UNKNOWN && !isfinite(it->days_to_full))
			snprintf(days, sizeof(days), "n/a");
		else
			fmt_days(it->days_to_full, days, sizeof(days));
		fmt_date(ob, date, sizeof(date));
		if (!ob)
			snprintf(order, sizeof(order), "\xe2\x80\x94");
		else if (ob <= d->as_of_ms)
			snprintf(order, sizeof(order), "%s passed (%s)", date, what);
		else
			snprintf(order, sizeof(order), "%s (%s)", date, what);
		c[0] = cell(it->resource);
		c[0].bold = true;
		c[1] = cell(it->service);
		c[2] = cell(it->labels_text[0] ? it->labels_text : "\xe2\x80\x94");
		c[2].ink = capplan_chart_muted;
		c[3] = cell_fill(level_name(it->level), capplan_chart_level_color(it->level),
		                 capplan_chart_level_on(it->level), true);
		c[4] = cell_fill(util, capplan_chart_level_fill(ul), capplan_chart_ink, false);
		c[5] = cell_fill(days, capplan_chart_level_fill(it->level_exhaustion), capplan_chart_ink,
		                 false);
		c[6] = cell(order);
		if (ob && ob <= d->as_of_ms) {
			c[6].ink = capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL);
			c[6].bold = true;
		}
		table_row(pk, &t, c);
		if (ob && ob <= d->as_of_ms)
			passed++;
	}

	/* the order-by dates of the next quarter */
	entries = calloc(d->nitems * 4 + 1, sizeof(*entries));
	if (!entries) {
		pk->oom = 1;
		return;
	}
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		const int64_t at[4] = { it->order_by_warning, it->order_by_critical, it->order_by_full,
			                it->nodes_order_by };
		static const char *const whats[4] = { "warning", "critical", "full", "N+2 nodes" };

		for (int k = 0; k < 4; k++)
			if (at[k] && at[k] >= pk->next_from && at[k] < pk->next_to)
				entries[nentries++] = (struct order_entry){ at[k], i, whats[k] };
	}
	qsort(entries, nentries, sizeof(*entries), order_cmp);
	fmt_date(pk->next_from, from, sizeof(from));
	fmt_date(pk->next_to - DAY_MS, to, sizeof(to));
	snprintf(text, sizeof(text), "Order-by dates in %s (%s to %s)", pk->next_quarter, from, to);
	flow_heading(pk, text, nentries ? 2 : 1);
	if (nentries == 0) {
		snprintf(text, sizeof(text), "No order-by date falls in %s.", pk->next_quarter);
		flow_line(pk, text, &st);
	} else {
		table_begin(pk, &ot);
	}
	for (size_t k = 0; k < nentries; k++) {
		const struct capplan_render_item *it = &d->items[entries[k].item];
		struct cell c[5];
		char date[32], what[64];

		fmt_date(entries[k].at, date, sizeof(date));
		if (strcmp(entries[k].what, "N+2 nodes") == 0)
			snprintf(what, sizeof(what), "N+2 nodes are short");
		else
			snprintf(what, sizeof(what), "%s is reached", entries[k].what);
		c[0] = cell(date);
		c[0].bold = true;
		c[1] = cell(it->resource);
		c[2] = cell(it->service);
		c[3] = cell(it->labels_text[0] ? it->labels_text : "\xe2\x80\x94");
		c[3].ink = capplan_chart_muted;
		c[4] = cell(what);
		table_row(pk, &ot, c);
	}
	free(entries);
	if (passed) {
		struct capplan_chart_style warn = style(7.5, true,
		                                        capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL));

		snprintf(text, sizeof(text), "%zu series %s an order-by date that has already passed: "
		         "order now (marked \"passed\" above).", passed, passed == 1 ? "has" : "have");
		flow_line(pk, text, &warn);
	}
}

/* ---- utilisation gauges ---- */

static size_t
gauge_pages(const struct capplan_review_data *d)
{
	size_t per = CAPPLAN_PDF_GAUGES_PER_PAGE;

	return d->nitems ? (d->nitems + per - 1) / per : 1;
}

/* A gauges page: the page, and its frame unless the body brings it. */
static void
gauges_head(struct packet *pk, size_t p, bool framed)
{
	new_page(pk, section_titles[SEC_GAUGES], framed);
	if (p == 0)
		section_starts(pk, SEC_GAUGES);
	if (pk->page != pk->first[SEC_GAUGES] + (int)p)
		pk->misnumbered = pk->page;
}

/* What gauges page p shows (with its frame when `framed`, as item_body). */
static void
gauges_body(struct packet *pk, size_t p, bool framed)
{
	const struct capplan_review_data *d = pk->d;
	size_t per = CAPPLAN_PDF_GAUGES_PER_PAGE;
	double top = TOP + 2 * SLOT + 14, cw = pk->w / 3, ch = (pk->bottom - top) / 4;

	if (framed)
		draw_frame(pk, section_titles[SEC_GAUGES], pk->first[SEC_GAUGES] + (int)p);
	{
		page_title(pk, "Utilisation", p > 0);
		intro(pk, "Current utilisation of each series against its own thresholds: green below "
		      "warning, yellow from warning to critical, red above critical; grey when unknown. "
		      "Most urgent first.", TOP + 2 * SLOT - 6, 2);
		if (d->nitems == 0) {
			intro(pk, "No resource series was assessed in this run.", top + 10, 1);
			return;
		}
		for (size_t k = 0; k < per && p * per + k < d->nitems; k++) {
			const struct capplan_render_item *it = &d->items[p * per + k];
			double x = pk->x0 + (double)(k % 3) * cw, y = top + (double)(k / 3) * ch;
			double r = fmin(cw * 0.32, ch * 0.40), cx = x + cw / 2, cy = y + 14 + r;
			struct capplan_chart_style st;
			char cur[32], cap[32], text[128];

			capplan_chart_round_rect(pk->cr, x + 4, y + 2, cw - 8, ch - 8, 4);
			cairo_set_line_width(pk->cr, 0.5);
			capplan_chart_set_color(pk->cr, capplan_chart_rule, 1);
			cairo_stroke(pk->cr);
			capplan_chart_gauge(&pk->cv, cx, cy, r, it->utilisation, it->threshold_warning,
			                    it->threshold_critical);
			st = style(8, true, capplan_chart_ink);
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, it->resource, x + 10, cy + 14, cw - 20, &st);
			st = style(6.6, false, capplan_chart_muted);
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, it->service, x + 10, cy + 25, cw - 20, &st);
			if (it->labels_text[0])
				capplan_chart_text(&pk->cv, it->labels_text, x + 10, cy + 34, cw - 20, &st);
			fmt_val(it, it->current, false, cur, sizeof(cur));
			fmt_val(it, it->capacity, false, cap, sizeof(cap));
			snprintf(text, sizeof(text), "%s of %s \xc2\xb7 %s", cur, cap, level_name(it->level));
			st = style(6.8, true, capplan_chart_level_color(it->level));
			if (it->level == CAPPLAN_RENDER_WARNING)
				st.color = rgb(0.62, 0.45, 0.0);
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, text, x + 10, cy + 44, cw - 20, &st);
		}
	}
}

/* ---- one page per series ---- */

static const struct capplan_rgb trend_colors[3] = {
	{ 0.90, 0.45, 0.05 }, { 0.52, 0.30, 0.70 }, { 0.05, 0.58, 0.58 }
};

/* The warning colour is too light for lines and text on white. */
static struct capplan_rgb
warning_ink(void)
{
	return rgb(0.80, 0.56, 0.0);
}

static void
item_chart(struct packet *pk, const struct capplan_render_item *it, double x, double y, double w,
           double h, double slopes[3])
{
	const struct capplan_review_data *d = pk->d;
	enum capplan_chart_unit unit = unit_of(it);
	struct capplan_chart_frame f = { &pk->cv, x, y, w, h, 0, 0, 0, 1 };
	struct capplan_chart_ticks yt;
	struct capplan_chart_date_ticks xt;
	double lo = 0, hi = 0, cap = it->capacity, datamax = 0, limit;
	char label[96], num[48];
	int lane = 0;
	static const int64_t windows[3] = { 30, 90, 365 }, extend[3] = { 15, 30, 60 };
	const struct capplan_day *forecast = it->forecast;
	size_t nforecast = it->nforecast;
	int64_t as_of_day;

	slopes[0] = slopes[1] = slopes[2] = NAN;
	f.t0 = it->nhistory ? it->history[0].ts : d->as_of_ms - 365 * DAY_MS;
	f.t1 = it->nforecast ? it->forecast[it->nforecast - 1].ts : d->as_of_ms + 180 * DAY_MS;
	if (f.t1 <= f.t0)
		f.t1 = f.t0 + DAY_MS;
	for (size_t i = 0; i < it->nhistory; i++) {
		const struct capplan_day *dy = &it->history[i];

		if (isfinite(dy->max))
			datamax = fmax(datamax, dy->max);
		if (isfinite(dy->mean)) {
			datamax = fmax(datamax, dy->mean);
			lo = fmin(lo, dy->mean);
		}
	}
	hi = datamax;
	if (isfinite(cap) && cap > 0)
		hi = fmax(hi, cap * 1.06);
	/* a band that explodes is cut, not allowed to flatten the rest */
	limit = 1.6 * fmax(isfinite(cap) ? cap : 0, datamax);
	for (size_t i = 0; i < it->nforecast; i++) {
		const struct capplan_day *dy = &it->forecast[i];
		double top = isfinite(dy->hi95) ? dy->hi95 : dy->mean;

		if (isfinite(top))
			hi = fmax(hi, limit > 0 ? fmin(top, limit) : top);
		if (isfinite(dy->lo95))
			lo = fmin(lo, fmax(dy->lo95, -limit));
	}
	if (!(hi > lo))
		hi = lo + 1;
	capplan_chart_ticks(lo, hi, unit, h > 200 ? 7 : 5, &yt);
	capplan_chart_date_ticks(f.t0, f.t1, (int)(w / 58), &xt);
	capplan_chart_axes(&f, &yt, &xt);

	/* threshold zones and their labels */
	if (isfinite(cap) && cap > 0) {
		double warn = it->threshold_warning * cap, crit = it->threshold_critical * cap;
		struct capplan_chart_style st = style(6.5, false, capplan_chart_muted);

		capplan_chart_zone(&f, warn, crit, capplan_chart_level_color(CAPPLAN_RENDER_WARNING), 0.16);
		capplan_chart_zone(&f, crit, cap, capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), 0.11);
		capplan_chart_zone(&f, cap, f.v1, capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), 0.07);
		if (isfinite(warn) && warn > f.v0 && warn < f.v1) {
			snprintf(label, sizeof(label), "warning %s", (fmt_pct(it->threshold_warning, num,
			                                                      sizeof(num)), num));
			capplan_chart_text(&pk->cv, label, f.x + 4, capplan_chart_y(&f, warn) - 9, 0, &st);
		}
		if (isfinite(crit) && crit > f.v0 && crit < f.v1 &&
		    capplan_chart_y(&f, warn) - capplan_chart_y(&f, crit) > 9) {
			snprintf(label, sizeof(label), "critical %s", (fmt_pct(it->threshold_critical, num,
			                                                       sizeof(num)), num));
			capplan_chart_text(&pk->cv, label, f.x + 4, capplan_chart_y(&f, crit) - 9, 0, &st);
		}
	}
	if (!it->nhistory && !it->nforecast) {
		size_t len = strlen(it->note) + 32;
		char *text = malloc(len);

		if (text) {
			snprintf(text, len, "No data to chart%s%s", it->note[0] ? ": " : ".", it->note);
			capplan_chart_empty(&f, text);
			free(text);
		}
	}

	/*
	 * The forecast's bands, then the lines.  The forecast is drawn from the
	 * day after as_of's: that day holds only the forecast's first hours,
	 * whose mean of a daily cycle is no day's mean (the history leaves out
	 * the day's first hours likewise when they are not the whole day).
	 */
	as_of_day = d->as_of_ms - ((d->as_of_ms % DAY_MS) + DAY_MS) % DAY_MS;
	while (nforecast && forecast->ts <= as_of_day) {
		forecast++;
		nforecast--;
	}
	capplan_chart_band(&f, forecast, nforecast, CAPPLAN_DAY_LO95, CAPPLAN_DAY_HI95,
	                   capplan_chart_accent, 0.13);
	capplan_chart_band(&f, forecast, nforecast, CAPPLAN_DAY_LO80, CAPPLAN_DAY_HI80,
	                   capplan_chart_accent, 0.22);
	capplan_chart_line(&f, it->history, it->nhistory, CAPPLAN_DAY_MAX, rgb(0.62, 0.66, 0.73), 0.45, 0);
	capplan_chart_line(&f, it->history, it->nhistory, CAPPLAN_DAY_MEAN, rgb(0.25, 0.27, 0.30), 0.8, 0);
	capplan_chart_line(&f, forecast, nforecast, CAPPLAN_DAY_MEAN, capplan_chart_accent, 1.4, 0);

	/* trends: OLS on the daily means over each window, drawn a little past as_of */
	for (int k = 0; k < 3; k++) {
		int64_t from = d->as_of_ms - windows[k] * DAY_MS, to = d->as_of_ms + extend[k] * DAY_MS;
		double slope, at;

		if (capplan_chart_ols(it->history, it->nhistory, from, d->as_of_ms, d->as_of_ms, &slope,
		                      &at) < 0)
			continue;
		slopes[k] = slope;
		capplan_chart_segment(&f, from, at - slope * (double)windows[k], to,
		                      at + slope * (double)extend[k], trend_colors[k], 1.1, 3.5);
	}

	capplan_chart_vline(&f, d->as_of_ms, capplan_chart_muted, 0.7, 2, "as of");
	if (isfinite(cap)) {
		fmt_val(it, cap, false, num, sizeof(num));
		snprintf(label, sizeof(label), "capacity %s", num);
		capplan_chart_hline(&f, cap, capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), 1.2, 5,
		                    label);
		/* the pessimistic to optimistic range of the full date, on the capacity line */
		if (it->full_at_pessimistic && it->full_at_optimistic &&
		    it->full_at_optimistic > it->full_at_pessimistic) {
			cairo_save(pk->cr);
			cairo_set_line_cap(pk->cr, CAIRO_LINE_CAP_ROUND);
			capplan_chart_segment(&f, it->full_at_pessimistic, cap, it->full_at_optimistic, cap,
			                      capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), 4.5, 0);
			cairo_restore(pk->cr);
		}
		/* crossing dates */
		if (it->warning_at) {
			fmt_date(it->warning_at, num, sizeof(num));
			snprintf(label, sizeof(label), "warning %s", num);
			capplan_chart_marker(&f, it->warning_at, it->threshold_warning * cap, warning_ink(),
			                     label, lane++);
		}
		if (it->critical_at) {
			fmt_date(it->critical_at, num, sizeof(num));
			snprintf(label, sizeof(label), "critical %s", num);
			capplan_chart_marker(&f, it->critical_at, it->threshold_critical * cap,
			                     capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), label, lane++);
		}
		if (it->full_at) {
			fmt_date(it->full_at, num, sizeof(num));
			snprintf(label, sizeof(label), "full %s", num);
			capplan_chart_marker(&f, it->full_at, cap,
			                     capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), label, lane++);
		}
	}
}

/* One row of a facts box: label at the left, value at the right. */
static void
fact(struct packet *pk, double x, double *y, double w, const char *label, const char *value,
     const struct capplan_rgb *ink)
{
	struct capplan_chart_style st = style(7.2, false, capplan_chart_muted);
	double lw = w * 0.35, tw, th;

	capplan_chart_text(&pk->cv, label, x, *y, lw - 4, &st);
	st = style(7.2, true, ink ? *ink : capplan_chart_ink);
	/* a long value narrows before it is cut */
	capplan_chart_text_extent(&pk->cv, value, &st, &tw, &th);
	st.condensed = tw > w - lw;
	capplan_chart_text(&pk->cv, value, x + lw, *y, w - lw, &st);
	cairo_set_line_width(pk->cr, 0.3);
	capplan_chart_set_color(pk->cr, rgb(0.88, 0.89, 0.90), 1);
	cairo_move_to(pk->cr, x, *y + 11.5);
	cairo_line_to(pk->cr, x + w, *y + 11.5);
	cairo_stroke(pk->cr);
	*y += 13;
}

static void
box_title(struct packet *pk, double x, double y, double w, const char *text)
{
	struct capplan_chart_style st = style(8.5, true, capplan_chart_accent);

	capplan_chart_text(&pk->cv, text, x, y, w, &st);
}

/* A resource page: the page, its outline entry, and its frame unless the body brings it. */
static void
item_head(struct packet *pk, size_t index, bool framed)
{
	new_page(pk, section_titles[SEC_ITEMS], framed);
	if (index == 0)
		section_starts(pk, SEC_ITEMS);
	if (pk->page != pk->first[SEC_ITEMS] + (int)index)
		pk->misnumbered = pk->page;   /* a helper's frame would say another number */
	if (pk->final) {
		char link[32], *name = capplan_chart_plain_text(pk->d->items[index].resource);

		snprintf(link, sizeof(link), "page=%d", pk->page);
		if (name)
			cairo_pdf_surface_add_outline(pk->surface, pk->outline_items, name, link, 0);
		free(name);
	}
}

/*
 * What a resource page shows: title, chart, trends, facts; with the frame
 * too when `framed` (the helper's pages: their number is known, the
 * rehearsal found where the section starts).  Touches only pk's canvas.
 */
static void
item_body(struct packet *pk, size_t index, bool framed)
{
	const struct capplan_review_data *d = pk->d;
	const struct capplan_render_item *it = &d->items[index];
	struct capplan_chart_style st;
	double y = TOP, th, badge = 86, slopes[3], chart_y, chart_h, fx, fw, fy;
	char a[96], b[96], c[96], text[512];
	struct capplan_rgb red = capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL);
	static const char *const trend_names[3] = { "30 days", "90 days", "12 months" };

	if (framed)
		draw_frame(pk, section_titles[SEC_ITEMS], pk->first[SEC_ITEMS] + (int)index);
	/* the level badge and the title */
	capplan_chart_round_rect(pk->cr, pk->x1 - badge, y + 1, badge, 20, 4);
	capplan_chart_set_color(pk->cr, capplan_chart_level_color(it->level), 1);
	cairo_fill(pk->cr);
	st = style(9, true, capplan_chart_level_on(it->level));
	st.align = CAPPLAN_ALIGN_CENTER;
	capplan_chart_text_box(&pk->cv, level_name(it->level), pk->x1 - badge, y + 1, badge, 20, &st);
	st = style(15, true, capplan_chart_ink);
	st.max_lines = 2;
	th = capplan_chart_text(&pk->cv, it->resource, pk->x0, y, pk->w - badge - 12, &st);
	y += fmax(th, 22) + 2;
	st = style(8, false, capplan_chart_muted);
	{
		/* the three names are data: built piece by piece so none is cut by a buffer */
		size_t len = strlen(it->service) + strlen(it->kind) + strlen(it->metric) + 64;
		char *line = malloc(len);

		if (line) {
			snprintf(line, len, "Service %s \xc2\xb7 kind %s \xc2\xb7 metric %s", it->service,
			         it->kind, it->metric);
			capplan_chart_text(&pk->cv, line, pk->x0, y, pk->w, &st);
			free(line);
		}
	}
	y += 11;
	st.max_lines = 2;
	st.size = 7.5;
	{
		size_t len = strlen(it->labels_text) + 32;
		char *line = malloc(len);

		if (line) {
			snprintf(line, len, "Series: %s", it->labels_text[0] ? it->labels_text : "(no labels)");
			y += capplan_chart_text(&pk->cv, line, pk->x0, y, pk->w, &st);
			free(line);
		}
	}

	/* the chart */
	chart_y = y + 12;
	chart_h = fmin(400, (pk->bottom - chart_y) - 18 - 26 - 210);
	item_chart(pk, it, pk->x0 + 52, chart_y, pk->w - 56, chart_h, slopes);
	{
		struct capplan_legend_entry e[] = {
			{ CAPPLAN_LEGEND_LINE, capplan_chart_ink, 1, 1.2, "daily mean" },
			{ CAPPLAN_LEGEND_LINE, { 0.55, 0.60, 0.68 }, 1, 0.6, "daily max" },
			{ CAPPLAN_LEGEND_LINE, capplan_chart_accent, 1, 1.5, "forecast" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_accent, 0.33, 0, "80% interval" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_accent, 0.13, 0, "95% interval" },
			{ CAPPLAN_LEGEND_DASH, capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), 1, 1.2,
			  "capacity" },
			{ CAPPLAN_LEGEND_DASH, trend_colors[0], 1, 1.1, "trend 30 d" },
			{ CAPPLAN_LEGEND_DASH, trend_colors[1], 1, 1.1, "trend 90 d" },
			{ CAPPLAN_LEGEND_DASH, trend_colors[2], 1, 1.1, "trend 12 m" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_WARNING), 0.35, 0,
			  "warning zone" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), 0.25, 0,
			  "critical zone" },
		};

		y = chart_y + chart_h + 18;
		y += capplan_chart_legend(&pk->cv, pk->x0 + 52, y, pk->w - 56, e, sizeof(e) / sizeof(e[0]));
	}

	/* the facts, in two boxes */
	fy = y + 10;
	fw = (pk->w - 20) / 2;
	fx = pk->x0;
	box_title(pk, fx, fy, fw, "Usage and growth");
	box_title(pk, fx + fw + 20, fy, fw, "Exhaustion and provisioning");
	fy += 15;
	{
		double ly = fy, ry = fy, rx = fx + fw + 20;
		const struct capplan_rgb *alarm;

		fmt_val(it, it->current, false, a, sizeof(a));
		fact(pk, fx, &ly, fw, "Current", a, NULL);
		fmt_val(it, it->capacity, false, a, sizeof(a));
		if (it->nodes > 0 && isfinite(it->node_capacity)) {
			fmt_val(it, it->node_capacity, false, b, sizeof(b));
			snprintf(text, sizeof(text), "%s (%ld \xc3\x97 %s)", a, it->nodes, b);
		} else {
			snprintf(text, sizeof(text), "%s", a);
		}
		fact(pk, fx, &ly, fw, "Capacity", text, NULL);
		fmt_pct(it->utilisation, a, sizeof(a));
		snprintf(text, sizeof(text), "%s (%s)", a, level_name(it->level_utilisation));
		fact(pk, fx, &ly, fw, "Utilisation", text, NULL);
		fmt_val(it, it->peak_30d, false, a, sizeof(a));
		fmt_val(it, it->p95_30d, false, b, sizeof(b));
		snprintf(text, sizeof(text), "%s / %s", a, b);
		fact(pk, fx, &ly, fw, "Peak / p95, 30 days", text, NULL);
		fmt_pct(it->headroom, a, sizeof(a));
		fmt_pct(it->headroom_target, b, sizeof(b));
		snprintf(text, sizeof(text), "%s (target %s)", a, b);
		alarm = isfinite(it->headroom) && isfinite(it->headroom_target) &&
		        it->headroom < it->headroom_target ? &red : NULL;
		fact(pk, fx, &ly, fw, "Headroom", text, alarm);
		fmt_val(it, it->growth_per_day, true, a, sizeof(a));
		fmt_val(it, it->growth_per_month, true, b, sizeof(b));
		snprintf(text, sizeof(text), "%s/day, %s/month", a, b);
		fact(pk, fx, &ly, fw, "Growth", text, NULL);
		for (int k = 0; k < 3; k++) {
			char name[32];

			fmt_val(it, slopes[k] * 30.4375, true, b, sizeof(b));
			snprintf(text, sizeof(text), "%s a month", b);
			snprintf(name, sizeof(name), "Trend, %s", trend_names[k]);
			fact(pk, fx, &ly, fw, name, isfinite(slopes[k]) ? text : "n/a", NULL);
		}
		snprintf(text, sizeof(text), "%s", it->method[0] ? it->method : "none");
		fact(pk, fx, &ly, fw, "Forecast method", text, NULL);

		/* the right box */
		if (it->warning_at)
			fmt_date(it->warning_at, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "%s", isfinite(it->utilisation) &&
			         it->utilisation >= it->threshold_warning ? "reached" : "beyond horizon");
		if (it->critical_at)
			fmt_date(it->critical_at, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "%s", isfinite(it->utilisation) &&
			         it->utilisation >= it->threshold_critical ? "reached" : "beyond horizon");
		snprintf(text, sizeof(text), "%s / %s", a, b);
		fact(pk, rx, &ry, fw, "Warning / critical on", text, NULL);
		fmt_days(it->days_to_full, a, sizeof(a));
		fmt_days(it->days_to_full_pessimistic, b, sizeof(b));
		fmt_days(it->days_to_full_optimistic, c, sizeof(c));
		if (it->level == CAPPLAN_RENDER_UNKNOWN && !isfinite(it->days_to_full))
			snprintf(text, sizeof(text), "n/a");
		else if (!isfinite(it->days_to_full))
			snprintf(text, sizeof(text), "%s", a);
		else if (isfinite(it->days_to_full_pessimistic) && isfinite(it->days_to_full_optimistic))
			snprintf(text, sizeof(text), "%s days (%s to %s)", a, b, c);
		else
			snprintf(text, sizeof(text), "%s days", a);
		alarm = isfinite(it->days_to_full) && it->days_to_full < 90 ? &red : NULL;
		fact(pk, rx, &ry, fw, "Days to full", text, alarm);
		fmt_date(it->full_at, a, sizeof(a));
		fmt_date(it->full_at_pessimistic, b, sizeof(b));
		fmt_date(it->full_at_optimistic, c, sizeof(c));
		if (it->full_at && it->full_at_pessimistic && it->full_at_optimistic)
			snprintf(text, sizeof(text), "%s (%s to %s)", a, b, c);
		else if (it->full_at)
			snprintf(text, sizeof(text), "%s", a);
		else
			snprintf(text, sizeof(text), "beyond horizon");
		fact(pk, rx, &ry, fw, "Full on", text, NULL);
		{
			const int64_t at[3] = { it->order_by_warning, it->order_by_critical, it->order_by_full };
			static const char *const names[3] = { "Order by, for warning", "Order by, for critical",
				                              "Order by, for full" };

			for (int k = 0; k < 3; k++) {
				bool passed = at[k] && at[k] <= d->as_of_ms;

				fmt_date(at[k], a, sizeof(a));
				snprintf(text, sizeof(text), "%s%s", a, passed ? " (passed: order now)" : "");
				fact(pk, rx, &ry, fw, names[k], text, passed ? &red : NULL);
			}
		}
		capplan_chart_format_number((double)it->lead_time_ms / (double)DAY_MS, 0, a, sizeof(a));
		snprintf(text, sizeof(text), "%s days", a);
		fact(pk, rx, &ry, fw, "Lead time", text, NULL);
		fmt_count(it->nodes, a, sizeof(a));
		fmt_count(it->nodes_needed, b, sizeof(b));
		fmt_count(it->nodes_to_add, c, sizeof(c));
		snprintf(text, sizeof(text), "%s now, N+%ld needs %s: add %s", a,
		         it->redundancy >= 0 ? it->redundancy : 0, b, c);
		fact(pk, rx, &ry, fw, "Nodes", text, it->nodes_to_add > 0 ? &red : NULL);
		fmt_date(it->nodes_order_by, a, sizeof(a));
		snprintf(text, sizeof(text), "%s%s", a, it->nodes_order_by &&
		         it->nodes_order_by <= d->as_of_ms ? " (passed)" : "");
		fact(pk, rx, &ry, fw, "Order nodes by", text,
		     it->nodes_order_by && it->nodes_order_by <= d->as_of_ms ? &red : NULL);
		fmt_val(it, it->forecast_peak, false, a, sizeof(a));
		fact(pk, rx, &ry, fw, "Forecast peak", a, NULL);
		fact(pk, rx, &ry, fw, "Level", level_name(it->level), NULL);
		snprintf(text, sizeof(text), "%s / %s", level_name(it->level_utilisation),
		         level_name(it->level_exhaustion));
		fact(pk, rx, &ry, fw, "By utilisation / time", text, NULL);
		fy = fmax(ly, ry);
	}
	if (it->note[0]) {
		size_t len = strlen(it->note) + 16;
		char *line = malloc(len);

		st = style(7.5, false, capplan_chart_muted);
		st.italic = true;
		st.max_lines = 2;
		if (line) {
			snprintf(line, len, "Note: %s", it->note);
			capplan_chart_text(&pk->cv, line, pk->x0, fy + 4, pk->w, &st);
			free(line);
		}
	}
}

/* ---- bar charts: time to exhaustion, headroom ---- */

/* The label column of a bar row: resource (bold) over its series. */
static void
bar_label(struct packet *pk, const struct capplan_render_item *it, double x, double y, double w,
          bool with_service)
{
	struct capplan_chart_style st = style(7.2, true, capplan_chart_ink);
	size_t len = strlen(it->service) + strlen(it->labels_text) + 8;
	char *sub = malloc(len);

	capplan_chart_text(&pk->cv, it->resource, x, y + 1, w, &st);
	st = style(6.2, false, capplan_chart_muted);
	if (sub) {
		if (with_service)
			snprintf(sub, len, "%s%s%s", it->service, it->labels_text[0] ? " \xc2\xb7 " : "",
			         it->labels_text);
		else
			snprintf(sub, len, "%s", it->labels_text[0] ? it->labels_text : "");
		capplan_chart_text(&pk->cv, sub, x, y + 10, w, &st);
		free(sub);
	}
}

/* Vertical grid, zones and axis labels of a bar chart over rows [top, top + h). */
static void
bar_axis(struct packet *pk, const struct capplan_chart_hbar *b, const struct capplan_chart_ticks *t,
         double top, double h, const char *title)
{
	struct capplan_chart_style st = style(6.8, false, capplan_chart_muted);
	char label[48];
	cairo_t *cr = pk->cr;

	cairo_set_line_width(cr, 0.4);
	capplan_chart_set_color(cr, rgb(0.84, 0.85, 0.87), 1);
	for (size_t i = 0; i < t->n; i++) {
		double x = b->x + (t->v[i] - b->v0) / (b->v1 - b->v0) * b->w;

		cairo_move_to(cr, x, top);
		cairo_line_to(cr, x, top + h + 3);
	}
	cairo_stroke(cr);
	st.align = CAPPLAN_ALIGN_CENTER;
	for (size_t i = 0; i < t->n; i++) {
		double x = b->x + (t->v[i] - b->v0) / (b->v1 - b->v0) * b->w;

		capplan_chart_tick_label(t, t->v[i], label, sizeof(label));
		capplan_chart_text(&pk->cv, label, x, top + h + 5, 0, &st);
	}
	capplan_chart_text(&pk->cv, title, b->x + b->w / 2, top + h + 15, 0, &st);
}

static void
exhaustion(struct packet *pk)
{
	const struct capplan_review_data *d = pk->d;
	size_t per = CAPPLAN_PDF_BARS_PER_PAGE, pages = d->nitems ? (d->nitems + per - 1) / per : 1;
	double horizon = 0, top = TOP + 2 * SLOT + 44, lw = pk->w * 0.33;
	struct capplan_chart_ticks t;
	struct capplan_chart_hbar bar;
	char text[96];
	static const struct {
		double from, to;
		enum capplan_render_level level;
	} zones[4] = { { 0, 30, CAPPLAN_RENDER_EMERGENCY }, { 30, 60, CAPPLAN_RENDER_CRITICAL },
		       { 60, 90, CAPPLAN_RENDER_WARNING }, { 90, 1e9, CAPPLAN_RENDER_HEALTHY } };

	for (size_t i = 0; i < d->nitems; i++)
		if (d->items[i].nforecast)
			horizon = fmax(horizon, (double)(d->items[i].forecast[d->items[i].nforecast - 1].ts -
			                                 d->as_of_ms) / (double)DAY_MS + 1);
	if (!(horizon > 0))
		horizon = 180;
	capplan_chart_ticks(0, horizon, CAPPLAN_UNIT_COUNT, 6, &t);
	bar.x = pk->x0 + lw + 6;
	bar.w = pk->w - lw - 6 - 92;
	bar.v0 = 0;
	bar.v1 = t.hi;
	for (size_t p = 0; p < pages; p++) {
		size_t n = d->nitems - p * per < per ? d->nitems - p * per : per;
		double rows_h = (double)(n ? n : 1) * SLOT;
		struct capplan_legend_entry e[] = {
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_EMERGENCY), 0.22, 0,
			  "emergency < 30 days" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), 0.18, 0,
			  "critical 30-60" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_WARNING), 0.25, 0,
			  "warning 60-90" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_HEALTHY), 0.18, 0,
			  "healthy > 90" },
			{ CAPPLAN_LEGEND_LINE, capplan_chart_ink, 1, 0.8, "pessimistic to optimistic" },
		};

		begin_page(pk, section_titles[SEC_EXHAUSTION]);
		if (p == 0)
			section_starts(pk, SEC_EXHAUSTION);
		page_title(pk, "Time to exhaustion", p > 0);
		snprintf(text, sizeof(text), "%.0f", horizon);
		intro(pk, "Days until each series is full at its forecast, most urgent first; the whisker "
		      "spans the pessimistic to the optimistic forecast. A series that does not fill "
		      "within the forecast horizon shows as \"> horizon\".", TOP + 2 * SLOT - 6, 2);
		if (d->nitems == 0) {
			intro(pk, "No resource series was assessed in this run.", top - 20, 1);
			continue;
		}
		capplan_chart_legend(&pk->cv, pk->x0, top - 20, pk->w, e, sizeof(e) / sizeof(e[0]));
		/* zones behind the bars */
		for (int z = 0; z < 4; z++) {
			double x0 = bar.x + fmin(zones[z].from, bar.v1) / bar.v1 * bar.w;
			double x1 = bar.x + fmin(zones[z].to, bar.v1) / bar.v1 * bar.w;

			cairo_rectangle(pk->cr, x0, top, x1 - x0, rows_h);
			capplan_chart_set_color(pk->cr, capplan_chart_level_color(zones[z].level),
			                        zones[z].level == CAPPLAN_RENDER_WARNING ? 0.20 : 0.12);
			cairo_fill(pk->cr);
		}
		bar_axis(pk, &bar, &t, top, rows_h, "days to full");
		/* the horizon */
		{
			double hx = bar.x + horizon / bar.v1 * bar.w;
			double dash[2] = { 3, 2 };
			struct capplan_chart_style st = style(6.5, false, capplan_chart_muted);

			cairo_save(pk->cr);
			cairo_set_dash(pk->cr, dash, 2, 0);
			cairo_set_line_width(pk->cr, 0.8);
			capplan_chart_set_color(pk->cr, capplan_chart_muted, 1);
			cairo_move_to(pk->cr, hx, top - 2);
			cairo_line_to(pk->cr, hx, top + rows_h);
			cairo_stroke(pk->cr);
			cairo_restore(pk->cr);
			snprintf(text, sizeof(text), "horizon %.0f d", horizon);
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, text, hx, top + rows_h + 24, 0, &st);
		}
		for (size_t k = 0; k < n; k++) {
			const struct capplan_render_item *it = &d->items[p * per + k];
			double y = top + (double)k * SLOT, days = it->days_to_full;
			struct capplan_chart_style st = style(7, true, capplan_chart_ink);
			struct capplan_rgb color = capplan_chart_level_color(it->level_exhaustion);
			double end;
			char a[32], b[32], c[32];

			bar_label(pk, it, pk->x0, y, lw - 4, true);
			bar.y = y + 4.5;
			bar.h = SLOT - 9;
			if (it->level == CAPPLAN_RENDER_UNKNOWN && !isfinite(days)) {
				snprintf(text, sizeof(text), "unknown");
				st.color = capplan_chart_muted;
				end = bar.x;
			} else if (!isfinite(days)) {
				/* no crossing: a pale bar to the horizon */
				struct capplan_rgb pale = rgb(0.80, 0.88, 0.82);

				capplan_chart_bar(&pk->cv, &bar, horizon, NAN, NAN, pale, false);
				snprintf(text, sizeof(text), "> horizon");
				st.color = capplan_chart_level_color(CAPPLAN_RENDER_HEALTHY);
				end = bar.x + horizon / bar.v1 * bar.w;
			} else {
				bool beyond = days > bar.v1;

				capplan_chart_bar(&pk->cv, &bar, days, it->days_to_full_pessimistic,
				                  it->days_to_full_optimistic, color, beyond);
				fmt_days(days, a, sizeof(a));
				if (isfinite(it->days_to_full_pessimistic) && isfinite(it->days_to_full_optimistic)) {
					fmt_days(it->days_to_full_pessimistic, b, sizeof(b));
					fmt_days(it->days_to_full_optimistic, c, sizeof(c));
					snprintf(text, sizeof(text), "%s d (%s-%s)", a, b, c);
				} else {
					snprintf(text, sizeof(text), "%s days", a);
				}
				end = bar.x + fmin(days, bar.v1) / bar.v1 * bar.w + (beyond ? bar.h * 0.6 : 0);
				if (isfinite(it->days_to_full_optimistic))
					end = fmax(end, bar.x + fmin(it->days_to_full_optimistic, bar.v1) /
					                        bar.v1 * bar.w);
			}
			capplan_chart_text_box(&pk->cv, text, end + 4, y, 0, SLOT, &st);
		}
	}
}

struct headroom_row {
	size_t item;          /* (size_t)-1: a service heading */
	const char *service;
	bool continued;
};

static void
headroom(struct packet *pk)
{
	const struct capplan_review_data *d = pk->d;
	size_t nrows = 0, per = CAPPLAN_PDF_BARS_PER_PAGE, r = 0;
	struct headroom_row *rows = calloc(2 * d->nitems + 1, sizeof(*rows));
	bool *done = calloc(d->nitems + 1, sizeof(*done));
	double hi = 0.3, lo = 0, top = TOP + 2 * SLOT + 44, lw = pk->w * 0.33;
	struct capplan_chart_ticks t;
	struct capplan_chart_hbar bar;
	bool first = true;

	if (!rows || !done) {
		free(rows);
		free(done);
		pk->oom = 1;
		return;
	}
	/* services in order of their most urgent series; series by urgency within */
	for (size_t i = 0; i < d->nitems; i++) {
		if (done[i])
			continue;
		rows[nrows++] = (struct headroom_row){ (size_t)-1, d->items[i].service, false };
		for (size_t j = i; j < d->nitems; j++)
			if (!done[j] && strcmp(d->items[j].service, d->items[i].service) == 0) {
				done[j] = true;
				rows[nrows++] = (struct headroom_row){ j, d->items[j].service, false };
			}
	}
	free(done);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];

		if (isfinite(it->headroom)) {
			hi = fmax(hi, it->headroom);
			lo = fmin(lo, it->headroom);
		}
		if (isfinite(it->headroom_target))
			hi = fmax(hi, it->headroom_target);
	}
	capplan_chart_ticks(fmax(lo, -1), fmin(hi, 1), CAPPLAN_UNIT_RATIO, 6, &t);
	bar.x = pk->x0 + lw + 6;
	bar.w = pk->w - lw - 6 - 92;
	bar.v0 = t.lo;
	bar.v1 = t.hi;
	do {
		size_t n = 0;
		double y;
		struct capplan_legend_entry e[] = {
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_HEALTHY), 1, 0,
			  "below warning" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_WARNING), 1, 0,
			  "warning to critical" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), 1, 0,
			  "above critical" },
			{ CAPPLAN_LEGEND_LINE, capplan_chart_ink, 1, 1.6, "headroom target" },
		};

		begin_page(pk, section_titles[SEC_HEADROOM]);
		if (first)
			section_starts(pk, SEC_HEADROOM);
		page_title(pk, "Headroom by service", !first);
		intro(pk, "Headroom is the share of capacity left above the 30-day peak. Bars are "
		      "coloured by the utilisation at that peak against the series' thresholds; the black "
		      "tick is the plan's headroom target.", TOP + 2 * SLOT - 6, 2);
		if (nrows == 0) {
			intro(pk, "No resource series was assessed in this run.", top - 20, 1);
			break;
		}
		capplan_chart_legend(&pk->cv, pk->x0, top - 20, pk->w, e, sizeof(e) / sizeof(e[0]));
		/* how many rows this page holds (a continued service repeats its heading) */
		{
			size_t k = r, used = 0;

			if (k < nrows && rows[k].item != (size_t)-1)
				used++;
			while (k < nrows && used < per) {
				used++;
				k++;
			}
			n = used;
		}
		bar_axis(pk, &bar, &t, top, (double)n * SLOT, "headroom above the 30-day peak");
		y = top;
		for (size_t k = 0; k < n; k++, y += SLOT) {
			struct headroom_row row;
			struct capplan_chart_style st;

			if (k == 0 && r < nrows && rows[r].item != (size_t)-1 && !first)
				row = (struct headroom_row){ (size_t)-1, rows[r].service, true };
			else
				row = rows[r++];
			if (row.item == (size_t)-1) {
				size_t len = strlen(row.service) + 32;
				char *text = malloc(len);
				struct capplan_rgb fill = rgb(0.89, 0.92, 0.96);

				cairo_rectangle(pk->cr, pk->x0, y + 2, pk->w, SLOT - 4);
				capplan_chart_set_color(pk->cr, fill, 1);
				cairo_fill(pk->cr);
				st = style(7.8, true, capplan_chart_accent);
				if (text) {
					snprintf(text, len, "%s%s", row.service[0] ? row.service : "(no service)",
					         row.continued ? " (continued)" : "");
					capplan_chart_text_box(&pk->cv, text, pk->x0 + 4, y, pk->w - 8, SLOT, &st);
					free(text);
				}
				continue;
			}
			{
				const struct capplan_render_item *it = &d->items[row.item];
				double h = it->headroom;
				enum capplan_render_level lv = capplan_chart_util_level(
					isfinite(h) ? 1 - h : NAN, it->threshold_warning, it->threshold_critical);
				char a[32], b[32], text[96];
				double end;

				bar_label(pk, it, pk->x0 + 8, y, lw - 12, false);
				bar.y = y + 4.5;
				bar.h = SLOT - 9;
				st = style(7, true, capplan_chart_ink);
				if (!isfinite(h)) {
					snprintf(text, sizeof(text), "unknown");
					st.color = capplan_chart_muted;
					end = bar.x + (fmax(0, bar.v0) - bar.v0) / (bar.v1 - bar.v0) * bar.w;
				} else {
					capplan_chart_bar(&pk->cv, &bar, h, NAN, NAN, capplan_chart_level_color(lv),
					                  false);
					fmt_pct(h, a, sizeof(a));
					fmt_pct(it->headroom_target, b, sizeof(b));
					snprintf(text, sizeof(text), "%s (target %s)", a, b);
					end = bar.x + (fmin(fmax(h, 0), bar.v1) - bar.v0) / (bar.v1 - bar.v0) * bar.w;
				}
				if (isfinite(it->headroom_target) && it->headroom_target >= bar.v0 &&
				    it->headroom_target <= bar.v1) {
					double tx = bar.x + (it->headroom_target - bar.v0) / (bar.v1 - bar.v0) * bar.w;

					cairo_set_line_width(pk->cr, 1.6);
					capplan_chart_set_color(pk->cr, capplan_chart_ink, 1);
					cairo_move_to(pk->cr, tx, bar.y - 2.5);
					cairo_line_to(pk->cr, tx, bar.y + bar.h + 2.5);
					cairo_stroke(pk->cr);
					end = fmax(end, tx);
				}
				capplan_chart_text_box(&pk->cv, text, end + 4, y, 0, SLOT, &st);
			}
		}
		first = false;
	} while (r < nrows);
	free(rows);
}

/* ---- forecast vs actual ---- */

static void
accuracy_panel(struct packet *pk, const struct capplan_render_accuracy *a, double x, double y,
               double w, double h)
{
	const struct capplan_review_data *d = pk->d;
	const struct capplan_render_item *it = a->item < d->nitems ? &d->items[a->item] : NULL;
	enum capplan_chart_unit unit = it ? unit_of(it) : CAPPLAN_UNIT_COUNT;
	struct capplan_chart_style st;
	struct capplan_chart_frame f = { &pk->cv, x + 46, 0, w - 56, 0, a->first_ts, a->last_ts, 0, 1 };
	struct capplan_chart_ticks yt;
	struct capplan_chart_date_ticks xt;
	double lo = INFINITY, hi = -INFINITY, cy = y + 8;
	char b1[32], b2[32];

	capplan_chart_round_rect(pk->cr, x, y, w, h - 8, 4);
	cairo_set_line_width(pk->cr, 0.5);
	capplan_chart_set_color(pk->cr, capplan_chart_rule, 1);
	cairo_stroke(pk->cr);
	st = style(8.2, true, capplan_chart_ink);
	capplan_chart_text(&pk->cv, it ? it->resource : "?", x + 8, cy, w - 16, &st);
	cy += 11;
	st = style(6.6, false, capplan_chart_muted);
	if (it && it->labels_text[0])
		capplan_chart_text(&pk->cv, it->labels_text, x + 8, cy, w - 16, &st);
	else
		capplan_chart_text(&pk->cv, it ? it->service : "", x + 8, cy, w - 16, &st);
	cy += 9;
	fmt_date(a->forecast_as_of, b1, sizeof(b1));
	fmt_date(a->last_ts, b2, sizeof(b2));
	{
		size_t len = strlen(a->method) + 160;
		char *line = malloc(len);

		if (line) {
			snprintf(line, len, "The forecast of run %" PRId64 " (%s) made %s, against %ld actual "
			         "samples up to %s", a->run_id, a->method, b1, a->points, b2);
			st.max_lines = 2;
			capplan_chart_text(&pk->cv, line, x + 8, cy, w - 16, &st);
			free(line);
		}
	}
	cy += 26;

	/* the chart */
	for (size_t i = 0; i < a->nforecast; i++) {
		const struct capplan_day *dy = &a->forecast[i];
		double v[3] = { dy->mean, dy->lo95, dy->hi95 };

		for (int k = 0; k < 3; k++)
			if (isfinite(v[k])) {
				lo = fmin(lo, v[k]);
				hi = fmax(hi, v[k]);
			}
	}
	for (size_t i = 0; i < a->nactual; i++)
		if (isfinite(a->actual[i].mean)) {
			lo = fmin(lo, a->actual[i].mean);
			hi = fmax(hi, a->actual[i].mean);
		}
	f.y = cy;
	f.h = h - 8 - (cy - y) - 58;
	if (f.t1 <= f.t0)
		f.t1 = f.t0 + DAY_MS;
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	{
		double pad = (hi - lo) * 0.08;

		capplan_chart_ticks(lo - pad, hi + pad, unit, 4, &yt);
	}
	capplan_chart_date_ticks(f.t0, f.t1, (int)(f.w / 34), &xt);
	capplan_chart_axes(&f, &yt, &xt);
	capplan_chart_band(&f, a->forecast, a->nforecast, CAPPLAN_DAY_LO95, CAPPLAN_DAY_HI95,
	                   capplan_chart_accent, 0.15);
	capplan_chart_line(&f, a->forecast, a->nforecast, CAPPLAN_DAY_MEAN, capplan_chart_accent, 1.3, 3);
	capplan_chart_line(&f, a->actual, a->nactual, CAPPLAN_DAY_MEAN, capplan_chart_ink, 1.2, 0);
	if (!a->nforecast && !a->nactual)
		capplan_chart_empty(&f, "No daily values to chart.");
	{
		struct capplan_legend_entry e[] = {
			{ CAPPLAN_LEGEND_LINE, capplan_chart_ink, 1, 1.2, "actual" },
			{ CAPPLAN_LEGEND_DASH, capplan_chart_accent, 1, 1.3, "forecast" },
			{ CAPPLAN_LEGEND_AREA, capplan_chart_accent, 0.15, 0, "95% interval" },
		};

		capplan_chart_legend(&pk->cv, f.x, f.y + f.h + 14, f.w, e, 3);
	}

	/* the figures */
	{
		double fy = y + h - 8 - 22, cw = (w - 16) / 5;
		const char *labels[5] = { "MAE", "MAPE", "Bias", "80% coverage", "95% coverage" };
		char vals[5][40];
		struct capplan_rgb fills[5];
		bool has[5] = { false, false, false, true, true };
		double cov[2] = { a->coverage80, a->coverage95 }, nominal[2] = { 0.80, 0.95 };

		capplan_chart_format_value(a->mae, unit, false, vals[0], sizeof(vals[0]));
		fmt_pct(a->mape, vals[1], sizeof(vals[1]));
		capplan_chart_format_value(a->bias, unit, true, vals[2], sizeof(vals[2]));
		for (int k = 0; k < 2; k++) {
			enum capplan_render_level lv = !isfinite(cov[k]) ? CAPPLAN_RENDER_UNKNOWN
			                               : cov[k] >= nominal[k] - 0.05 ? CAPPLAN_RENDER_HEALTHY
			                               : cov[k] >= nominal[k] - 0.20 ? CAPPLAN_RENDER_WARNING
			                                                             : CAPPLAN_RENDER_CRITICAL;

			fmt_pct(cov[k], vals[3 + k], sizeof(vals[3 + k]));
			fills[3 + k] = capplan_chart_level_fill(lv);
		}
		for (int k = 0; k < 5; k++) {
			double cx = x + 8 + k * cw;

			if (has[k]) {
				capplan_chart_round_rect(pk->cr, cx + 1, fy, cw - 2, 20, 2);
				capplan_chart_set_color(pk->cr, fills[k], 1);
				cairo_fill(pk->cr);
			}
			st = style(5.8, false, capplan_chart_muted);
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, labels[k], cx, fy + 1.5, cw, &st);
			st = style(7.2, true, capplan_chart_ink);
			st.condensed = true;
			st.align = CAPPLAN_ALIGN_CENTER;
			capplan_chart_text(&pk->cv, vals[k], cx, fy + 9, cw, &st);
		}
	}
}

static void
accuracy(struct packet *pk)
{
	const struct capplan_review_data *d = pk->d;
	size_t per = CAPPLAN_PDF_ACCURACY_PER_PAGE;
	size_t pages = d->naccuracy ? (d->naccuracy + per - 1) / per : 1;
	double top = TOP + 2 * SLOT + 18, pw = (pk->w - 14) / 2, ph = (pk->bottom - top) / 3;

	for (size_t p = 0; p < pages; p++) {
		begin_page(pk, section_titles[SEC_ACCURACY]);
		if (p == 0)
			section_starts(pk, SEC_ACCURACY);
		page_title(pk, "Forecast vs actual", p > 0);
		intro(pk, "Earlier forecasts against the daily means that arrived since. MAE and bias in "
		      "the series' unit (bias above zero: the forecast was too high); coverage is the "
		      "share of actuals inside the interval, green near its nominal level.",
		      TOP + 2 * SLOT - 6, 2);
		if (d->naccuracy == 0) {
			intro(pk, "No earlier forecast has actuals to compare with yet.", top + 4, 1);
			continue;
		}
		for (size_t k = 0; k < per && p * per + k < d->naccuracy; k++)
			accuracy_panel(pk, &d->accuracy[p * per + k], pk->x0 + (double)(k % 2) * (pw + 14),
			               top + (double)(k / 2) * ph, pw, ph);
	}
}

/* ---- scenarios and N+2 ---- */

static void
scenarios(struct packet *pk)
{
	static const struct column cols[] = {
		{ "Resource", 0.21, CAPPLAN_ALIGN_LEFT }, { "Service", 0.10, CAPPLAN_ALIGN_LEFT },
		{ "Factor", 0.07, CAPPLAN_ALIGN_RIGHT }, { "Demand", 0.12, CAPPLAN_ALIGN_RIGHT },
		{ "Capacity needed", 0.12, CAPPLAN_ALIGN_RIGHT },
		{ "Nodes at full load", 0.10, CAPPLAN_ALIGN_RIGHT },
		{ "N+2 nodes", 0.08, CAPPLAN_ALIGN_RIGHT }, { "To add", 0.07, CAPPLAN_ALIGN_RIGHT },
		{ "Exhausts", 0.13, CAPPLAN_ALIGN_RIGHT },
	};
	struct column ncols[] = {
		{ "Resource", 0.22, CAPPLAN_ALIGN_LEFT }, { "Service", 0.11, CAPPLAN_ALIGN_LEFT },
		{ "Nodes now", 0.08, CAPPLAN_ALIGN_RIGHT }, { "Per node", 0.11, CAPPLAN_ALIGN_RIGHT },
		{ "N+2 needed", 0.09, CAPPLAN_ALIGN_RIGHT }, { "To add", 0.07, CAPPLAN_ALIGN_RIGHT },
		{ "Order nodes by", 0.14, CAPPLAN_ALIGN_RIGHT }, { NULL, 0.09, CAPPLAN_ALIGN_RIGHT },
		{ NULL, 0.09, CAPPLAN_ALIGN_RIGHT },
	};
	const struct capplan_review_data *d = pk->d;
	struct table t = { cols, 9, 1, 7, 0 }, nt = { ncols, 9, 1, 7, 0 };
	struct capplan_chart_style st = style(7.5, false, capplan_chart_muted);
	struct capplan_rgb red = capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL);
	char q1[48], q2[48];

	pk->title = section_titles[SEC_SCENARIOS];
	flow_page(pk, false);
	section_starts(pk, SEC_SCENARIOS);
	flow_line(pk, "Each scenario of the plan applied to today's demand: the capacity that keeps "
	          "the headroom target, and the nodes it takes.", &st);
	if (d->nscenarios == 0)
		flow_line(pk, "The plan defines no scenario.", &st);
	else
		table_begin(pk, &t);
	for (size_t s = 0; s < d->nscenarios; s++) {
		const struct capplan_render_scenario *sc = &d->scenarios[s];
		const struct capplan_render_item *it = sc->item < d->nitems ? &d->items[sc->item] : NULL;
		char f[40], dem[40], need[40], nf[24], nn[24], na[24], ex[40];
		struct cell c[9];

		if (s == 0 || strcmp(sc->scenario, d->scenarios[s - 1].scenario) != 0) {
			size_t len = strlen(sc->scenario) + strlen(sc->type) + 16;
			char *g = malloc(len);

			if (g) {
				snprintf(g, len, "%s \xc2\xb7 %s", sc->scenario, sc->type);
				table_group(pk, &t, g);
				free(g);
			} else {
				pk->oom = 1;
			}
		}
		capplan_chart_format_number(sc->factor, 2, f + 2, sizeof(f) - 2);
		{
			char *p = f + 2;

			/* "×10", "×1.1" */
			if (strchr(p, '.')) {
				size_t n = strlen(p);

				while (n && p[n - 1] == '0')
					p[--n] = '\0';
				if (n && p[n - 1] == '.')
					p[--n] = '\0';
			}
			f[0] = '\xc3';
			f[1] = '\x97';
		}
		if (!isfinite(sc->factor))
			snprintf(f, sizeof(f), "n/a");
		capplan_chart_format_value(sc->demand, it ? unit_of(it) : CAPPLAN_UNIT_COUNT, false, dem,
		                           sizeof(dem));
		capplan_chart_format_value(sc->capacity_needed, it ? unit_of(it) : CAPPLAN_UNIT_COUNT, false,
		                           need, sizeof(need));
		fmt_count(sc->nodes_full_load, nf, sizeof(nf));
		fmt_count(sc->nodes_needed, nn, sizeof(nn));
		fmt_count(sc->nodes_to_add, na, sizeof(na));
		if (!sc->exhausts_at)
			snprintf(ex, sizeof(ex), "beyond horizon");
		else if (sc->exhausts_at <= d->as_of_ms)
			snprintf(ex, sizeof(ex), "at once");
		else
			fmt_date(sc->exhausts_at, ex, sizeof(ex));
		c[0] = cell(it ? it->resource : "?");
		c[0].bold = true;
		c[1] = cell(it ? it->service : "");
		c[2] = cell(f);
		c[3] = cell(dem);
		c[4] = cell(need);
		c[5] = cell(nf);
		c[6] = cell(nn);
		c[7] = cell(na);
		if (sc->nodes_to_add > 0) {
			c[7].ink = red;
			c[7].bold = true;
		}
		c[8] = sc->exhausts_at ? cell_fill(ex, capplan_chart_level_fill(CAPPLAN_RENDER_CRITICAL),
		                                   capplan_chart_ink, true)
		                       : cell(ex);
		table_row(pk, &t, c);
	}

	/* N+2 node counts */
	snprintf(q1, sizeof(q1), "Nodes %s", pk->quarter);
	snprintf(q2, sizeof(q2), "Nodes %s", pk->next_quarter);
	ncols[7].title = q1;
	ncols[8].title = q2;
	flow_heading(pk, "N+2 node counts", d->nitems ? 2 : 1);
	if (d->nitems == 0)
		flow_line(pk, "No resource series was assessed in this run.", &st);
	else
		table_begin(pk, &nt);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		char now[24], per[40], need[24], add[24], ob[48], a1[24], a2[24];
		struct cell c[9];

		fmt_count(it->nodes, now, sizeof(now));
		fmt_val(it, it->node_capacity, false, per, sizeof(per));
		fmt_count(it->nodes_needed, need, sizeof(need));
		fmt_count(it->nodes_to_add, add, sizeof(add));
		fmt_date(it->nodes_order_by, ob, sizeof(ob));
		fmt_count(it->nodes_quarter1, a1, sizeof(a1));
		fmt_count(it->nodes_quarter2, a2, sizeof(a2));
		c[0] = cell(it->resource);
		c[0].bold = true;
		c[1] = cell(it->service);
		c[2] = cell(now);
		c[3] = cell(per);
		c[4] = cell(need);
		c[5] = cell(add);
		if (it->nodes_to_add > 0) {
			c[5].ink = red;
			c[5].bold = true;
		}
		c[6] = cell(ob);
		if (it->nodes_order_by && it->nodes_order_by <= d->as_of_ms) {
			c[6].ink = red;
			c[6].bold = true;
		}
		c[7] = cell(a1);
		c[8] = cell(a2);
		table_row(pk, &nt, c);
	}
}

/* ---- right-sizing and cost ---- */

static void
cost(struct packet *pk)
{
	static const struct column rcols[] = {
		{ "Resource", 0.24, CAPPLAN_ALIGN_LEFT }, { "Service", 0.12, CAPPLAN_ALIGN_LEFT },
		{ "Utilisation", 0.10, CAPPLAN_ALIGN_RIGHT }, { "Nodes", 0.13, CAPPLAN_ALIGN_RIGHT },
		{ "Capacity", 0.21, CAPPLAN_ALIGN_RIGHT }, { NULL, 0.20, CAPPLAN_ALIGN_RIGHT },
	};
	struct column rc[6], cc[9];
	static const struct column ccols[] = {
		{ "Resource", 0.21, CAPPLAN_ALIGN_LEFT }, { "Service", 0.10, CAPPLAN_ALIGN_LEFT },
		{ NULL, 0.11, CAPPLAN_ALIGN_RIGHT },
		{ "Nodes now", 0.08, CAPPLAN_ALIGN_RIGHT }, { NULL, 0.11, CAPPLAN_ALIGN_RIGHT },
		{ NULL, 0.09, CAPPLAN_ALIGN_RIGHT }, { NULL, 0.10, CAPPLAN_ALIGN_RIGHT },
		{ NULL, 0.09, CAPPLAN_ALIGN_RIGHT }, { NULL, 0.11, CAPPLAN_ALIGN_RIGHT },
	};
	const struct capplan_review_data *d = pk->d;
	struct table rt = { rc, 6, 1, 7, 0 }, ct = { cc, 9, 1, 7, 0 };
	struct capplan_chart_style st = style(7.5, false, capplan_chart_muted);
	char h_save[48], h_unit[48], h_now[48], h_n1[48], h_c1[48], h_n2[48], h_c2[48];
	char text[256], a[48], b[48];
	double saving = 0, tot[3] = { 0, 0, 0 };
	size_t nright = 0, unknown[3] = { 0, 0, 0 };
	struct capplan_rgb total_fill = rgb(0.89, 0.92, 0.96);

	memcpy(rc, rcols, sizeof(rc));
	memcpy(cc, ccols, sizeof(cc));
	snprintf(h_save, sizeof(h_save), "Saving a month (%s)", d->currency);
	rc[5].title = h_save;
	snprintf(h_unit, sizeof(h_unit), "Per node-month (%s)", d->currency);
	snprintf(h_now, sizeof(h_now), "Now: a quarter (%s)", d->currency);
	snprintf(h_n1, sizeof(h_n1), "Nodes %s", pk->quarter);
	snprintf(h_c1, sizeof(h_c1), "%s (%s)", pk->quarter, d->currency);
	snprintf(h_n2, sizeof(h_n2), "Nodes %s", pk->next_quarter);
	snprintf(h_c2, sizeof(h_c2), "%s (%s)", pk->next_quarter, d->currency);
	cc[2].title = h_unit;
	cc[4].title = h_now;
	cc[5].title = h_n1;
	cc[6].title = h_c1;
	cc[7].title = h_n2;
	cc[8].title = h_c2;

	pk->title = section_titles[SEC_COST];
	flow_page(pk, false);
	section_starts(pk, SEC_COST);
	for (size_t i = 0; i < d->nitems; i++)
		nright += d->items[i].rightsize;
	flow_heading(pk, "Right-sizing recommendations", nright ? 2 : 1);
	if (nright == 0)
		flow_line(pk, "No series is over-provisioned: nothing to right-size.", &st);
	else
		table_begin(pk, &rt);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		char util[32], nodes[64], capa[96], save[48], n0[24], n1[24];
		struct cell c[6];

		if (!it->rightsize)
			continue;
		fmt_pct(it->utilisation, util, sizeof(util));
		fmt_count(it->nodes, n0, sizeof(n0));
		fmt_count(it->rightsize_nodes, n1, sizeof(n1));
		snprintf(nodes, sizeof(nodes), "%s \xe2\x86\x92 %s", n0, n1);
		fmt_val(it, it->capacity, false, a, sizeof(a));
		fmt_val(it, it->rightsize_capacity, false, b, sizeof(b));
		snprintf(capa, sizeof(capa), "%s \xe2\x86\x92 %s", a, b);
		fmt_money(it->rightsize_saving_monthly, save, sizeof(save));
		if (isfinite(it->rightsize_saving_monthly))
			saving += it->rightsize_saving_monthly;
		c[0] = cell(it->resource);
		c[0].bold = true;
		c[1] = cell(it->service);
		c[2] = cell(util);
		c[3] = cell(nodes);
		c[4] = cell(capa);
		c[5] = cell_fill(save, capplan_chart_level_fill(CAPPLAN_RENDER_HEALTHY), capplan_chart_ink,
		                 true);
		table_row(pk, &rt, c);
	}
	if (nright) {
		struct cell c[6];

		fmt_money(saving, a, sizeof(a));
		for (int k = 0; k < 6; k++)
			c[k] = cell_fill("", total_fill, capplan_chart_ink, true);
		c[0].text = "Total";
		c[5].text = a;
		table_row(pk, &rt, c);
		fmt_money(saving * 3, b, sizeof(b));
		snprintf(text, sizeof(text), "Right-sizing saves %s %s a month, %s %s a quarter.",
		         d->currency, a, d->currency, b);
		flow_line(pk, text, &st);
	}

	snprintf(text, sizeof(text), "Cost per quarter (%s)", d->currency);
	flow_heading(pk, text, 3);
	snprintf(text, sizeof(text), "Now: a quarter at today's nodes; %s and %s: at the nodes each "
	         "quarter needs with N+2.", pk->quarter, pk->next_quarter);
	flow_line(pk, text, &st);
	if (d->prices_from) {
		snprintf(text, sizeof(text), "Priced at the unit costs of %s, not those of the plan the "
		         "run was made with.", d->prices_from);
		flow_line(pk, text, &st);
	}
	if (d->nitems == 0)
		flow_line(pk, "No resource series was assessed in this run.", &st);
	else
		table_begin(pk, &ct);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		char unit_cost[32], n0[24], c0[32], n1[24], c1[32], n2[24], c2[32];
		const double costs[3] = { it->cost_quarter_current, it->cost_quarter1, it->cost_quarter2 };
		struct cell c[9];

		fmt_money(it->unit_cost, unit_cost, sizeof(unit_cost));
		fmt_count(it->nodes, n0, sizeof(n0));
		fmt_money(it->cost_quarter_current, c0, sizeof(c0));
		fmt_count(it->nodes_quarter1, n1, sizeof(n1));
		fmt_money(it->cost_quarter1, c1, sizeof(c1));
		fmt_count(it->nodes_quarter2, n2, sizeof(n2));
		fmt_money(it->cost_quarter2, c2, sizeof(c2));
		for (int k = 0; k < 3; k++) {
			if (isfinite(costs[k]))
				tot[k] += costs[k];
			else
				unknown[k]++;
		}
		c[0] = cell(it->resource);
		c[0].bold = true;
		c[1] = cell(it->service);
		c[2] = cell(unit_cost);
		c[3] = cell(n0);
		c[4] = cell(c0);
		c[5] = cell(n1);
		c[6] = cell(c1);
		c[7] = cell(n2);
		c[8] = cell(c2);
		if (isfinite(it->cost_quarter2) && isfinite(it->cost_quarter_current) &&
		    it->cost_quarter2 > it->cost_quarter_current)
			c[8].ink = capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL);
		table_row(pk, &ct, c);
	}
	if (d->nitems) {
		struct cell c[9];
		char t0[32], t1[32], t2[32], label[64];
		size_t unk = unknown[0] > unknown[2] ? unknown[0] : unknown[2];

		fmt_money(tot[0], t0, sizeof(t0));
		fmt_money(tot[1], t1, sizeof(t1));
		fmt_money(tot[2], t2, sizeof(t2));
		if (unk)
			snprintf(label, sizeof(label), "Total (%zu without a cost)", unk);
		else
			snprintf(label, sizeof(label), "Total");
		for (int k = 0; k < 9; k++)
			c[k] = cell_fill("", total_fill, capplan_chart_ink, true);
		c[0].text = label;
		c[4].text = t0;
		c[6].text = t1;
		c[8].text = t2;
		table_row(pk, &ct, c);
	}
}

/* ---- the two passes ---- */

static cairo_status_t
to_file(void *closure, const unsigned char *data, unsigned int length)
{
	FILE *fp = closure;

	return fwrite(data, 1, length, fp) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- the gauges and resource pages, drawn ahead on another core ---- */

/*
 * The gauges and the resource pages are most of the packet, and each page
 * costs about as much to lay out and draw (pango, cairo's recording) as it
 * does to write out (cairo's PDF: numbers, deflate).  In the drawing pass a
 * helper thread, with a canvas of its own, draws each of these pages whole
 * (frame included: the rehearsal says which page number each gets) into a
 * recording surface, a few pages ahead; the main thread keeps the page
 * count, the outline and the sections, and replays each page into the PDF.
 * The pages are the same as drawn in one thread; only the work is shared.
 */
#define AHEAD_PAGES 6        /* recorded pages waiting at most: memory stays bounded */

struct ahead {
	struct packet wk;            /* the helper's copy of the packet, drawing on its own canvas */
	cairo_surface_t **pages;     /* per job: the recorded page, until replayed */
	size_t ngauges, n;           /* jobs: the gauges pages, then one per item */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t moved;
	size_t drawn, taken;         /* pages recorded; replayed (under lock) */
	bool stop, failed;           /* under lock */
};

static void *
ahead_main(void *arg)
{
	struct ahead *a = arg;
	cairo_rectangle_t page = { 0, 0, a->wk.pw, a->wk.ph };
	bool ok = true;

	for (size_t i = 0; i < a->n && ok; i++) {
		cairo_surface_t *rec;
		cairo_t *cr;

		pthread_mutex_lock(&a->lock);
		while (!a->stop && i >= a->taken + AHEAD_PAGES)
			pthread_cond_wait(&a->moved, &a->lock);
		ok = !a->stop;
		pthread_mutex_unlock(&a->lock);
		if (!ok)
			break;
		rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
		cr = cairo_create(rec);
		if (i == 0)
			ok = capplan_canvas_init(&a->wk.cv, cr) == 0;
		else
			capplan_canvas_retarget(&a->wk.cv, cr);
		a->wk.cr = cr;
		if (ok && i < a->ngauges)
			gauges_body(&a->wk, i, true);
		else if (ok)
			item_body(&a->wk, i - a->ngauges, true);
		ok = ok && !a->wk.oom && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
		cairo_destroy(cr);
		a->wk.cr = NULL;
		pthread_mutex_lock(&a->lock);
		a->pages[i] = rec;
		a->drawn = i + 1;
		a->failed = !ok;
		pthread_cond_broadcast(&a->moved);
		pthread_mutex_unlock(&a->lock);
	}
	capplan_canvas_release(&a->wk.cv);
	return NULL;
}

/* Start the helper on pk's gauges and resource pages; false (draw them here) when it cannot start. */
static bool
ahead_start(struct ahead *a, const struct packet *pk)
{
	memset(a, 0, sizeof(*a));
	a->ngauges = gauge_pages(pk->d);
	a->n = a->ngauges + pk->d->nitems;
	a->pages = calloc(a->n + 1, sizeof(*a->pages));
	if (!a->pages)
		return false;
	a->wk = *pk;
	a->wk.cr = NULL;
	memset(&a->wk.cv, 0, sizeof(a->wk.cv));
	a->wk.surface = NULL;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->moved, NULL);
	if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->moved);
		free(a->pages);
		a->pages = NULL;
		return false;
	}
	return true;
}

/* Replay job i's page once the helper has it; false (pk->oom set) when it failed. */
static bool
ahead_replay(struct ahead *a, struct packet *pk, size_t i)
{
	cairo_surface_t *rec;

	pthread_mutex_lock(&a->lock);
	while (a->drawn <= i && !a->failed)
		pthread_cond_wait(&a->moved, &a->lock);
	rec = a->drawn > i && !(a->failed && a->drawn == i + 1) ? a->pages[i] : NULL;
	a->pages[i] = NULL;
	a->taken = i + 1;
	pthread_cond_broadcast(&a->moved);
	pthread_mutex_unlock(&a->lock);
	if (!rec) {
		pk->oom = 1;   /* the helper ran out of memory or cairo failed: say so, stop */
		return false;
	}
	cairo_save(pk->cr);
	cairo_set_source_surface(pk->cr, rec, 0, 0);
	cairo_paint(pk->cr);
	cairo_restore(pk->cr);
	cairo_surface_destroy(rec);
	return true;
}

/* Stop the helper, wait for it, free what it recorded and nobody replayed. */
static void
ahead_end(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->moved);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	for (size_t i = 0; i < a->n; i++)
		if (a->pages[i])
			cairo_surface_destroy(a->pages[i]);
	free(a->pages);
	a->pages = NULL;
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->moved);
}

/* The gauges pages, then a page per resource: replayed from the helper a, or drawn here. */
static void
gauges_and_items(struct packet *pk, struct ahead *a)
{
	size_t ngauges = gauge_pages(pk->d);

	for (size_t p = 0; p < ngauges; p++) {
		gauges_head(pk, p, !a);
		if (!a)
			gauges_body(pk, p, false);
		else if (!ahead_replay(a, pk, p))
			return;
	}
	for (size_t i = 0; i < pk->d->nitems; i++) {
		item_head(pk, i, !a);
		if (!a)
			item_body(pk, i, false);
		else if (!ahead_replay(a, pk, ngauges + i))
			return;
	}
}

/* The pages in order: both passes run exactly this. */
static void
draw_pages(struct packet *pk)
{
	pk->page = 0;
	pk->open = false;
	cover(pk);
	if (pk->part == CAPPLAN_PART_ACCURACY) {
		accuracy(pk);
		end_page(pk);
		return;
	}
	summary(pk);
	{
		struct ahead a;
		bool helped = pk->final && pk->d->nitems > 1 && ahead_start(&a, pk);

		gauges_and_items(pk, helped ? &a : NULL);
		if (helped)
			ahead_end(&a);
	}
	exhaustion(pk);
	headroom(pk);
	accuracy(pk);
	scenarios(pk);
	cost(pk);
	end_page(pk);
}

/* The rehearsal: count the pages and find where each section starts. */
static int
rehearse(struct packet *pk, struct capplan_error *err)
{
	capplan_canvas_init_dry(&pk->cv);
	pk->cr = pk->cv.cr;
	draw_pages(pk);
	capplan_canvas_release(&pk->cv);
	pk->cr = NULL;
	if (pk->oom)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	pk->total = pk->page;
	pk->final = true;
	return 0;
}

/* The drawing pass, into fp. */
static int
draw(struct packet *pk, FILE *fp, struct capplan_error *err)
{
	const struct capplan_review_data *d = pk->d;
	cairo_status_t status;
	char title[64], creator[96];
	int rc = -1;

	pk->surface = cairo_pdf_surface_create_for_stream(to_file, fp, pk->pw, pk->ph);
	if (cairo_surface_status(pk->surface) != CAIRO_STATUS_SUCCESS) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot start the PDF: %s",
		                  cairo_status_to_string(cairo_surface_status(pk->surface)));
		cairo_surface_destroy(pk->surface);
		return -1;
	}
	cairo_pdf_surface_restrict_to_version(pk->surface, CAIRO_PDF_VERSION_1_5);
	snprintf(title, sizeof(title), "%s", pk->doc_title);
	snprintf(creator, sizeof(creator), "capplan %s", d->version ? d->version : "");
	cairo_pdf_surface_set_metadata(pk->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(pk->surface, CAIRO_PDF_METADATA_SUBJECT,
	                               "Quarterly capacity review packet");
	cairo_pdf_surface_set_metadata(pk->surface, CAIRO_PDF_METADATA_CREATOR, creator);
	pk->cr = cairo_create(pk->surface);
	if (capplan_canvas_init(&pk->cv, pk->cr) < 0) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "pango cannot lay out text on the PDF");
		goto done;
	}
	draw_pages(pk);
	if (pk->oom) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
		goto done;
	}
	if (pk->misnumbered) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "page %d of the packet is not where its rehearsal"
		                  " put it", pk->misnumbered);
		goto done;
	}
	if (pk->page != pk->total) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "the packet has %d pages, its rehearsal %d",
		                  pk->page, pk->total);
		goto done;
	}
	status = cairo_status(pk->cr);
	if (status == CAIRO_STATUS_SUCCESS) {
		cairo_surface_finish(pk->surface);
		status = cairo_surface_status(pk->surface);
	}
	if (status == CAIRO_STATUS_WRITE_ERROR)
		capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "cannot write the PDF: %s",
		                  cairo_status_to_string(status));
	else if (status != CAIRO_STATUS_SUCCESS)
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot draw the PDF: %s",
		                  cairo_status_to_string(status));
	else
		rc = 0;
done:
	capplan_canvas_release(&pk->cv);
	cairo_destroy(pk->cr);
	cairo_surface_destroy(pk->surface);
	pk->cr = NULL;
	pk->surface = NULL;
	return rc;
}

int
capplan_paper_parse(const char *name, enum capplan_paper *paper)
{
	if (strcasecmp(name, "a4") == 0)
		*paper = CAPPLAN_PAPER_A4;
	else if (strcasecmp(name, "letter") == 0)
		*paper = CAPPLAN_PAPER_LETTER;
	else
		return -1;
	return 0;
}

int
capplan_pdf_packet_write(const struct capplan_review_data *d, const char *dir, enum capplan_paper paper,
                         enum capplan_render_part part, struct capplan_error *err)
{
	const char *name = part == CAPPLAN_PART_ACCURACY ? CAPPLAN_PDF_ACCURACY_NAME : CAPPLAN_PDF_PACKET_NAME;
	struct capplan_atomic_file f;
	struct packet pk;
	char date[32];

	memset(&pk, 0, sizeof(pk));
	pk.d = d;
	pk.part = part;
	pk.pw = paper == CAPPLAN_PAPER_LETTER ? 612 : 595.2756;
	pk.ph = paper == CAPPLAN_PAPER_LETTER ? 792 : 841.8898;
	pk.x0 = MARGIN;
	pk.x1 = pk.pw - MARGIN;
	pk.w = pk.x1 - pk.x0;
	pk.bottom = pk.ph - BOTTOM_GAP;
	if (d->year > 0 && d->quarter >= 1 && d->quarter <= 4)
		snprintf(pk.quarter, sizeof(pk.quarter), "%04d-Q%d", d->year, d->quarter);
	else
		fmt_quarter(d->as_of_ms, pk.quarter, sizeof(pk.quarter));
	pk.next_from = d->quarter_start_ms[1];
	if (!pk.next_from)
		pk.next_from = capplan_time_add_months(capplan_time_month_start(d->as_of_ms), 3);
	pk.next_to = capplan_time_add_months(pk.next_from, 3);
	fmt_quarter(pk.next_from, pk.next_quarter, sizeof(pk.next_quarter));
	fmt_date(d->as_of_ms, date, sizeof(date));
	{
		int64_t in_day = ((d->as_of_ms % DAY_MS) + DAY_MS) % DAY_MS;

		snprintf(pk.as_of, sizeof(pk.as_of), "%s %02d:%02d UTC", date, (int)(in_day / 3600000),
		         (int)(in_day / 60000 % 60));
	}

	if (part == CAPPLAN_PART_ACCURACY)
		snprintf(pk.doc_title, sizeof(pk.doc_title), "Forecast vs actual %.7s", date);
	else
		snprintf(pk.doc_title, sizeof(pk.doc_title), "Capacity review %s", pk.quarter);
	if (rehearse(&pk, err) < 0)
		return -1;

	if (capplan_atomic_open(&f, dir, name, err) < 0)
		return -1;
	if (draw(&pk, f.fp, err) < 0) {
		capplan_atomic_abandon(&f);
		return capplan_error_prefix(err, "%s/%s", dir, name);
	}
	return capplan_atomic_commit(&f, err);
}
