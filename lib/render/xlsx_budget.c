/*
 * lib/render/xlsx_budget.c: capacity-budget.xlsx, the review for finance.
 *
 * libxlsxwriter keeps the whole workbook in memory until workbook_close and
 * then writes it by file name: to the temporary name of an atomic file, whose
 * stream is closed first (capplan_atomic_commit then syncs it by name).  A
 * cell write that fails is remembered (the first one) and reported after the
 * last sheet, so the sheet code reads as a list of cells.
 */
#include "render/xlsx_budget.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#include "render/atomic_file.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)
#define EXCEL_UNIX_EPOCH 25569.0   /* 1970-01-01 as an Excel serial day */
#define TEXT_MAX 32000             /* UTF-16 units of text per cell; Excel's limit is 32767 */
#define CHARTS_MAX 6               /* line charts of the most urgent series */

#define SHEET_BUDGET "Budget"
#define SHEET_FORECAST "Forecast"
#define SHEET_ACCURACY "Forecast-vs-Actual"
#define SHEET_SCENARIOS "Scenarios"
#define SHEET_ASSESSMENTS "Assessments"
#define SHEET_CHARTS "Charts"
#define SHEET_ABOUT "About"

#define COLOR_HEAD 0xD9E1F2
#define COLOR_INPUT 0xFFF2CC
#define COLOR_HISTORY 0x1F77B4
#define COLOR_FORECAST 0xFF7F0E
#define COLOR_CAPACITY 0xD62728

/*
 * Number formats by unit: the cells keep the raw value, the format scales it
 * for people (commas after the digits divide by 1000 each).  A unit not
 * listed is shown as a plain number.
 */
static const struct {
	const char *unit, *format;
} unit_formats[] = {
	{ "bytes", "#,##0.00,,,\" GB\"" },
	{ "bytes_per_second", "#,##0.00,,\" MB/s\"" },
	{ "cores", "#,##0.00\" cores\"" },
	{ "ratio", "0.0%" },
	{ "percent", "0.0\" %\"" },
	{ "count", "General" },
	{ "requests_per_second", "#,##0.0\" req/s\"" },
	{ "seconds", "#,##0.000\" s\"" },
};

/* The workbook being written. */
struct xb {
	const struct capplan_review_data *d;
	enum capplan_render_part part;
	lxw_workbook *wb;
	lxw_format *head, *title, *bold, *wrap, *wrapped, *integer, *dec1, *pct, *date, *month, *datetime;
	lxw_format *money, *money_input, *money_total, *total_label, *factor, *redundancy;
	lxw_format *units[sizeof(unit_formats) / sizeof(unit_formats[0])];
	char money_format[48];       /* '#,##0.00 "USD"' */
	char currency[4];            /* "USD", or "" when d->currency is not a currency code */
	char currency_note[16];      /* " (USD)", or "" */
	char quarter[2][16];         /* "2026-Q4", "2027-Q1" */
	struct capplan_strbuf text;  /* the cell text being written */
	struct capplan_strbuf tmp;   /* text being composed */
	bool oom;
	lxw_error lerr;              /* the first write that failed, and where */
	const char *lerr_sheet;
	lxw_row_t lerr_row;
	lxw_col_t lerr_col;
};

/* ---- cells ---- */

static void
note(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, lxw_error e)
{
	if (e == LXW_NO_ERROR || b->lerr != LXW_NO_ERROR)
		return;
	b->lerr = e;
	b->lerr_sheet = ws->name;
	b->lerr_row = row;
	b->lerr_col = col;
}

/* One UTF-8 character at s: its code point and length (*n), or -1 (and *n = 1) when invalid. */
static long
utf8_next(const unsigned char *s, size_t len, size_t *n)
{
	unsigned c = s[0];
	size_t k;
	long cp;

	*n = 1;
	if (c < 0x80)
		return (long)c;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, cp = c & 0x07;
	else
		return -1;
	if (len < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*n = k;
	return cp;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "_xHHHH_" at s: what Excel reads as an escaped character in a string. */
static bool
is_excel_escape(const char *s, size_t len)
{
	return len >= 7 && s[0] == '_' && (s[1] == 'x' || s[1] == 'X') && is_hex(s[2]) &&
	       is_hex(s[3]) && is_hex(s[4]) && is_hex(s[5]) && s[6] == '_';
}

/*
 * Data text as a cell holds it: valid UTF-8 (U+FFFD for a bad byte and for
 * the non-characters U+FFFE/U+FFFF, which XML refuses), "_xHHHH_" escaped as
 * "_x005F_xHHHH_" (Excel's escape for '_'), cut at TEXT_MAX with "...".
 * libxlsxwriter itself escapes control characters and XML's specials.
 */
static const char *
cell_text(struct xb *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), units = 0, limit = SIZE_MAX;
	int rc = 0;

	/* cut only what does not fit: the text's length in UTF-16 units, escapes included */
	for (size_t i = 0, n; i < len; i += n) {
		long cp = utf8_next(p + i, len - i, &n);

		units += (cp > 0xFFFF ? 2 : 1) + (cp == '_' && is_excel_escape(s + i, len - i) ? 6 : 0);
	}
	if (units > TEXT_MAX)
		limit = TEXT_MAX - 3;
	units = 0;
	capplan_strbuf_reset(&b->text);
	for (size_t i = 0, n; i < len && rc == 0; i += n) {
		long cp = utf8_next(p + i, len - i, &n);
		bool esc = cp == '_' && is_excel_escape(s + i, len - i);
		size_t w = (cp > 0xFFFF ? 2 : 1) + (esc ? 6 : 0);

		if (units + w > limit) {
			rc = capplan_strbuf_append_str(&b->text, "...");
			break;
		}
		if (esc)
			rc |= capplan_strbuf_append_str(&b->text, "_x005F");
		if (cp < 0 || cp == 0xFFFE || cp == 0xFFFF)
			rc |= capplan_strbuf_append_str(&b->text, "\xEF\xBF\xBD");
		else
			rc |= capplan_strbuf_append(&b->text, s + i, n);
		units += w;
	}
	if (rc != 0) {
		b->oom = true;
		return "";
	}
	return capplan_strbuf_str(&b->text);
}

static void
put_text(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
         lxw_format *f)
{
	note(b, ws, row, col, worksheet_write_string(ws, row, col, cell_text(b, s), f));
}

/* A number; NaN and infinities leave the cell empty. */
static void
put_num(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
	if (isfinite(v))
		note(b, ws, row, col, worksheet_write_number(ws, row, col, v, f));
}

/* A count; negative (unknown) leaves the cell empty. */
static void
put_count(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, long v, lxw_format *f)
{
	if (v >= 0)
		note(b, ws, row, col, worksheet_write_number(ws, row, col, (double)v, f));
}

/* A date cell (an Excel serial day in UTC); 0 leaves the cell empty. */
static void
put_date(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t ms, lxw_format *f)
{
	double serial = (double)ms / (double)DAY_MS + EXCEL_UNIX_EPOCH;

	if (ms != 0)
		note(b, ws, row, col, worksheet_write_number(ws, row, col, serial, f));
}

/* A formula of cell references only (never data), with the value computed here as its result. */
static void
put_formula(struct xb *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *formula,
            double value, lxw_format *f)
{
	note(b, ws, row, col, worksheet_write_formula_num(ws, row, col, formula, f, value));
}

/* "A1" names of cells for formulas. */
typedef char cellname[LXW_MAX_CELL_NAME_LENGTH];

static const char *
ref(cellname buf, lxw_row_t row, lxw_col_t col)
{
	lxw_rowcol_to_cell(buf, row, col);
	return buf;
}

/* Text composed in b->tmp (then written with put_text); "" when memory runs out. */
#define COMPOSE(b, ...)                                                                    \
	(capplan_strbuf_reset(&(b)->tmp), capplan_strbuf_appendf(&(b)->tmp, __VA_ARGS__) < 0 \
	                                          ? ((b)->oom = true, "")                        \
	                                          : capplan_strbuf_str(&(b)->tmp))

/* A header row: bold on blue, wrapped, with the widths. */
static void
header(struct xb *b, lxw_worksheet *ws, const char *const *names, const double *widths, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		put_text(b, ws, 0, (lxw_col_t)c, names[c], b->head);
		note(b, ws, 0, (lxw_col_t)c,
		     worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL));
	}
	note(b, ws, 0, 0, worksheet_set_row(ws, 0, 45, NULL));
}

/*
 * Freeze the header row and the first column; a filter over the header and
 * last_row rows; printed landscape, one page wide, the header on every page.
 */
static void
table(struct xb *b, lxw_worksheet *ws, lxw_row_t last_row, size_t ncols)
{
	worksheet_freeze_panes(ws, 1, 1);
	note(b, ws, 0, 0, worksheet_autofilter(ws, 0, 0, last_row, (lxw_col_t)(ncols - 1)));
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	note(b, ws, 0, 0, worksheet_repeat_rows(ws, 0, 0));
}

static lxw_format *
unit_format(struct xb *b, const char *unit)
{
	for (size_t i = 0; i < sizeof(unit_formats) / sizeof(unit_formats[0]); i++)
		if (strcmp(unit, unit_formats[i].unit) == 0)
			return b->units[i];
	return NULL;
}

static const char *
unit_num_format(const char *unit)
{
	for (size_t i = 0; i < sizeof(unit_formats) / sizeof(unit_formats[0]); i++)
		if (strcmp(unit, unit_formats[i].unit) == 0)
			return unit_formats[i].format;
	return NULL;
}

static double
max_of(double a, double b)
{
	if (!isfinite(b))
		return a;
	return isnan(a) || b > a ? b : a;
}

static double
min_of(double a, double b)
{
	if (!isfinite(b))
		return a;
	return isnan(a) || b < a ? b : a;
}

/* One calendar month of daily values. */
struct month {
	int64_t start;
	size_t days;
	double peak, lo95, hi95, mean;
};

/* The month of days[*i] (consecutive days of the same month); *i moves past it. */
static void
month_of(const struct capplan_day *days, size_t n, size_t *i, struct month *m)
{
	double sum = 0;
	size_t nmean = 0;

	m->start = capplan_time_month_start(days[*i].ts);
	m->days = 0;
	m->peak = m->lo95 = m->hi95 = NAN;
	while (*i < n && capplan_time_month_start(days[*i].ts) == m->start) {
		const struct capplan_day *x = &days[(*i)++];

		m->days++;
		m->peak = max_of(m->peak, x->max);
		m->lo95 = min_of(m->lo95, x->lo95);
		m->hi95 = max_of(m->hi95, x->hi95);
		if (isfinite(x->mean)) {
			sum += x->mean;
			nmean++;
		}
	}
	m->mean = nmean ? sum / (double)nmean : NAN;
}

/* "2026-Q4" for the quarter starting at ms. */
static void
quarter_name(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "quarter");
		return;
	}
	snprintf(buf, size, "%d-Q%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
}

/* ---- formats ---- */

static lxw_format *
format_num(struct xb *b, const char *num_format)
{
	lxw_format *f = workbook_add_format(b->wb);

	if (f && num_format)
		format_set_num_format(f, num_format);
	return f;
}

static int
formats(struct xb *b)
{
	const char *cur = b->d->currency;
	bool code = strnlen(cur, sizeof(b->d->currency)) == 3;

	for (int i = 0; i < 3 && code; i++)
		code = cur[i] >= 'A' && cur[i] <= 'Z';
	if (code) {
		snprintf(b->money_format, sizeof(b->money_format), "#,##0.00 \"%s\"", cur);
		snprintf(b->currency_note, sizeof(b->currency_note), " (%s)", cur);
		memcpy(b->currency, cur, 4);
	} else {
		snprintf(b->money_format, sizeof(b->money_format), "#,##0.00");
		b->currency_note[0] = '\0';
	}

	b->head = workbook_add_format(b->wb);
	b->title = workbook_add_format(b->wb);
	b->bold = workbook_add_format(b->wb);
	b->wrap = workbook_add_format(b->wb);
	b->wrapped = workbook_add_format(b->wb);
	b->integer = format_num(b, "#,##0");
	b->dec1 = format_num(b, "#,##0.0");
	b->pct = format_num(b, "0.0%");
	b->date = format_num(b, "yyyy-mm-dd");
	b->month = format_num(b, "yyyy-mm");
	b->datetime = format_num(b, "yyyy-mm-dd hh:mm \"UTC\"");
	b->money = format_num(b, b->money_format);
	b->money_input = format_num(b, b->money_format);
	b->money_total = format_num(b, b->money_format);
	b->total_label = workbook_add_format(b->wb);
	b->factor = format_num(b, "0.00\"x\"");
	b->redundancy = format_num(b, "\"N+\"0");
	for (size_t i = 0; i < sizeof(unit_formats) / sizeof(unit_formats[0]); i++)
		if (!(b->units[i] = format_num(b, unit_formats[i].format)))
			return -1;
	if (!b->head || !b->title || !b->bold || !b->wrap || !b->wrapped || !b->integer || !b->dec1 ||
	    !b->pct || !b->date || !b->month || !b->datetime || !b->money || !b->money_input ||
	    !b->money_total || !b->total_label || !b->factor || !b->redundancy)
		return -1;
	format_set_bold(b->head);
	format_set_text_wrap(b->head);
	format_set_align(b->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(b->head, COLOR_HEAD);
	format_set_bottom(b->head, LXW_BORDER_THIN);
	format_set_bold(b->title);
	format_set_font_size(b->title, 14);
	format_set_bold(b->bold);
	format_set_text_wrap(b->wrap);
	format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
	format_set_text_wrap(b->wrapped);
	format_set_bg_color(b->money_input, COLOR_INPUT);
	format_set_unlocked(b->money_input);
	format_set_bold(b->money_total);
	format_set_top(b->money_total, LXW_BORDER_THIN);
	format_set_bold(b->total_label);
	format_set_top(b->total_label, LXW_BORDER_THIN);
	return 0;
}

/* ---- Budget ---- */

enum {
	B_RESOURCE, B_SERVICE, B_KIND, B_LABELS, B_LEVEL, B_NODES, B_NODES_Q1, B_NODES_Q2, B_ADD_Q1,
	B_ADD_Q2, B_UNIT_COST, B_COST_NOW, B_COST_Q1, B_COST_Q2, B_CHANGE, B_NOTE, B_COLUMNS
};

/* Sized in nodes: a node count and a cost (NaN when the plan gives no node capacity). */
static bool
sized(const struct capplan_render_item *it)
{
	return it->nodes >= 0 && isfinite(it->unit_cost) && isfinite(it->cost_quarter_current);
}

/* Why a row's cells are empty, or what else finance should know about it. */
static const char *
budget_note(struct xb *b, const struct capplan_render_item *it)
{
	if (!sized(it))
		return it->note[0] ? COMPOSE(b, "not sized in nodes; %s", it->note)
		                   : "not sized in nodes (no node capacity in the plan)";
	if (it->nodes_quarter1 < 0 || it->nodes_quarter2 < 0)
		return "no forecast to size the quarters";
	if (it->rightsize && it->rightsize_nodes >= 0 && isfinite(it->rightsize_saving_monthly))
		return COMPOSE(b, "over-provisioned: %ld nodes would do, saving %.2f%s%s a month",
		               it->rightsize_nodes, it->rightsize_saving_monthly, b->currency[0] ? " " : "",
		               b->currency);
	return "";
}

static lxw_row_t
budget(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const double widths[B_COLUMNS] = { 28, 12, 14, 30, 10, 9, 10, 10, 10, 10, 15, 15, 15,
	                                          15, 15, 44 };
	char h[B_COLUMNS][96];
	const char *names[B_COLUMNS];
	double total[4] = { 0, 0, 0, 0 };   /* cost now, Q1, Q2, change */
	lxw_row_t last = (lxw_row_t)d->nitems;
	lxw_data_validation dv;
	static char dv_title[] = "unit cost";
	static char dv_message[] = "A cost per node per month: a number, 0 or more.";
	cellname c1, c2, c3;
	char fml[96];

	snprintf(h[B_RESOURCE], sizeof(h[0]), "resource");
	snprintf(h[B_SERVICE], sizeof(h[0]), "service");
	snprintf(h[B_KIND], sizeof(h[0]), "kind");
	snprintf(h[B_LABELS], sizeof(h[0]), "labels");
	snprintf(h[B_LEVEL], sizeof(h[0]), "level");
	snprintf(h[B_NODES], sizeof(h[0]), "nodes now");
	snprintf(h[B_NODES_Q1], sizeof(h[0]), "%s nodes", b->quarter[0]);
	snprintf(h[B_NODES_Q2], sizeof(h[0]), "%s nodes", b->quarter[1]);
	snprintf(h[B_ADD_Q1], sizeof(h[0]), "add in %s", b->quarter[0]);
	snprintf(h[B_ADD_Q2], sizeof(h[0]), "add in %s", b->quarter[1]);
	snprintf(h[B_UNIT_COST], sizeof(h[0]), "unit cost / node / month%s", b->currency_note);
	snprintf(h[B_COST_NOW], sizeof(h[0]), "cost / quarter now%s", b->currency_note);
	snprintf(h[B_COST_Q1], sizeof(h[0]), "%s cost%s", b->quarter[0], b->currency_note);
	snprintf(h[B_COST_Q2], sizeof(h[0]), "%s cost%s", b->quarter[1], b->currency_note);
	snprintf(h[B_CHANGE], sizeof(h[0]), "change %s vs now%s", b->quarter[1], b->currency_note);
	snprintf(h[B_NOTE], sizeof(h[0]), "note");
	for (int c = 0; c < B_COLUMNS; c++)
		names[c] = h[c];
	header(b, ws, names, widths, B_COLUMNS);

	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		lxw_row_t r = (lxw_row_t)(i + 1);
		long n0 = it->nodes, n1 = it->nodes_quarter1, n2 = it->nodes_quarter2;
		double cost[3];

		put_text(b, ws, r, B_RESOURCE, it->resource, NULL);
		put_text(b, ws, r, B_SERVICE, it->service, NULL);
		put_text(b, ws, r, B_KIND, it->kind, NULL);
		put_text(b, ws, r, B_LABELS, it->labels_text, NULL);
		put_text(b, ws, r, B_LEVEL, capplan_render_level_name(it->level), NULL);
		put_text(b, ws, r, B_NOTE, budget_note(b, it), b->wrapped);
		if (!sized(it))
			continue;
		put_count(b, ws, r, B_NODES, n0, b->integer);
		put_num(b, ws, r, B_UNIT_COST, it->unit_cost, b->money_input);
		cost[0] = (double)n0 * it->unit_cost * 3;
		snprintf(fml, sizeof(fml), "=%s*%s*3", ref(c1, r, B_NODES), ref(c2, r, B_UNIT_COST));
		put_formula(b, ws, r, B_COST_NOW, fml, cost[0], b->money);
		total[0] += cost[0];
		if (n1 >= 0) {
			put_count(b, ws, r, B_NODES_Q1, n1, b->integer);
			snprintf(fml, sizeof(fml), "=MAX(0,%s-%s)", ref(c1, r, B_NODES_Q1), ref(c2, r, B_NODES));
			put_formula(b, ws, r, B_ADD_Q1, fml, (double)(n1 > n0 ? n1 - n0 : 0), b->integer);
			cost[1] = (double)n1 * it->unit_cost * 3;
			snprintf(fml, sizeof(fml), "=%s*%s*3", ref(c1, r, B_NODES_Q1), ref(c2, r, B_UNIT_COST));
			put_formula(b, ws, r, B_COST_Q1, fml, cost[1], b->money);
			total[1] += cost[1];
		}
		if (n2 >= 0) {
			/* added in the next quarter: beyond what there is by the end of this one */
			long have = n1 > n0 ? n1 : n0;

			put_count(b, ws, r, B_NODES_Q2, n2, b->integer);
			snprintf(fml, sizeof(fml), "=MAX(0,%s-MAX(%s,%s))", ref(c1, r, B_NODES_Q2),
			         ref(c2, r, B_NODES), ref(c3, r, B_NODES_Q1));
			put_formula(b, ws, r, B_ADD_Q2, fml, (double)(n2 > have ? n2 - have : 0), b->integer);
			cost[2] = (double)n2 * it->unit_cost * 3;
			snprintf(fml, sizeof(fml), "=%s*%s*3", ref(c1, r, B_NODES_Q2), ref(c2, r, B_UNIT_COST));
			put_formula(b, ws, r, B_COST_Q2, fml, cost[2], b->money);
			total[2] += cost[2];
			snprintf(fml, sizeof(fml), "=%s-%s", ref(c1, r, B_COST_Q2), ref(c2, r, B_COST_NOW));
			put_formula(b, ws, r, B_CHANGE, fml, cost[2] - cost[0], b->money);
			total[3] += cost[2] - cost[0];
		}
	}

	if (d->nitems > 0) {
		lxw_row_t t = last + 1;

		put_text(b, ws, t, B_RESOURCE, "total", b->total_label);
		for (int c = B_SERVICE; c < B_COST_NOW; c++)
			note(b, ws, t, (lxw_col_t)c, worksheet_write_blank(ws, t, (lxw_col_t)c, b->total_label));
		for (int k = 0; k < 4; k++) {
			lxw_col_t c = (lxw_col_t)(B_COST_NOW + k);

			snprintf(fml, sizeof(fml), "=SUM(%s:%s)", ref(c1, 1, c), ref(c2, last, c));
			put_formula(b, ws, t, c, fml, total[k], b->money_total);
		}
		note(b, ws, t, B_NOTE, worksheet_write_blank(ws, t, B_NOTE, b->total_label));

		memset(&dv, 0, sizeof(dv));
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		dv.value_number = 0;
		dv.error_title = dv_title;
		dv.error_message = dv_message;
		note(b, ws, 1, B_UNIT_COST,
		     worksheet_data_validation_range(ws, 1, B_UNIT_COST, last, B_UNIT_COST, &dv));
	} else {
		put_text(b, ws, 1, B_RESOURCE, "no resource was assessed in this run", NULL);
	}
	table(b, ws, last, B_COLUMNS);
	return last + 1;
}

/* ---- Forecast ---- */

enum {
	F_RESOURCE, F_SERVICE, F_LABELS, F_UNIT, F_MONTH, F_DAYS, F_PEAK, F_LO95, F_HI95, F_MEAN,
	F_CAPACITY, F_PEAK_UTIL, F_NOTE, F_COLUMNS
};

static void
forecast(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const char *const names[F_COLUMNS] = {
		"resource", "service", "labels", "unit", "month", "days forecast",
		"forecast peak (highest daily max)", "lowest lo95", "highest hi95", "mean",
		"capacity now", "peak / capacity", "note"
	};
	static const double widths[F_COLUMNS] = { 28, 12, 30, 12, 9, 9, 16, 14, 14, 14, 14, 10, 30 };
	lxw_row_t r = 0;

	header(b, ws, names, widths, F_COLUMNS);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		lxw_format *uf = unit_format(b, it->unit);
		size_t k = 0;

		if (it->nforecast == 0) {
			r++;
			put_text(b, ws, r, F_RESOURCE, it->resource, NULL);
			put_text(b, ws, r, F_SERVICE, it->service, NULL);
			put_text(b, ws, r, F_LABELS, it->labels_text, NULL);
			put_text(b, ws, r, F_UNIT, it->unit, NULL);
			put_num(b, ws, r, F_CAPACITY, it->capacity, uf);
			put_text(b, ws, r, F_NOTE, it->note[0] ? it->note : "no forecast", NULL);
			continue;
		}
		while (k < it->nforecast) {
			struct month m;

			month_of(it->forecast, it->nforecast, &k, &m);
			r++;
			put_text(b, ws, r, F_RESOURCE, it->resource, NULL);
			put_text(b, ws, r, F_SERVICE, it->service, NULL);
			put_text(b, ws, r, F_LABELS, it->labels_text, NULL);
			put_text(b, ws, r, F_UNIT, it->unit, NULL);
			put_date(b, ws, r, F_MONTH, m.start, b->month);
			put_count(b, ws, r, F_DAYS, (long)m.days, b->integer);
			put_num(b, ws, r, F_PEAK, m.peak, uf);
			put_num(b, ws, r, F_LO95, m.lo95, uf);
			put_num(b, ws, r, F_HI95, m.hi95, uf);
			put_num(b, ws, r, F_MEAN, m.mean, uf);
			put_num(b, ws, r, F_CAPACITY, it->capacity, uf);
			if (isfinite(it->capacity) && it->capacity > 0)
				put_num(b, ws, r, F_PEAK_UTIL, m.peak / it->capacity, b->pct);
		}
	}
	table(b, ws, r, F_COLUMNS);
}

/* ---- Forecast-vs-Actual ---- */

enum {
	A_RESOURCE, A_SERVICE, A_LABELS, A_UNIT, A_RUN, A_MADE, A_FROM, A_TO, A_METHOD, A_POINTS,
	A_MAE, A_MAPE, A_BIAS, A_COV80, A_COV95, A_VERDICT, A_COLUMNS
};

static const char *
verdict(struct xb *b, const struct capplan_render_accuracy *a)
{
	if (!isfinite(a->coverage95))
		return "not scored: no actuals to compare";
	if (a->coverage95 >= 0.80)
		return "within its intervals";
	return COMPOSE(b, "off: %.0f%% of the actuals inside the 95%% interval%s",
	               100 * a->coverage95,
	               !isfinite(a->bias) || a->bias == 0 ? ""
	               : a->bias < 0                      ? "; the forecast ran low"
	                                                  : "; the forecast ran high");
}

static void
accuracy(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const char *const names[A_COLUMNS] = {
		"resource", "service", "labels", "unit", "model run", "forecast made", "compared from",
		"compared to", "method", "points", "MAE", "MAPE", "bias (forecast - actual)",
		"inside 80% interval", "inside 95% interval", "verdict"
	};
	static const double widths[A_COLUMNS] = { 28, 12, 30, 12, 8, 11, 11, 11, 13, 8, 14, 8, 14,
	                                          10, 10, 50 };

	header(b, ws, names, widths, A_COLUMNS);
	for (size_t i = 0; i < d->naccuracy; i++) {
		const struct capplan_render_accuracy *a = &d->accuracy[i];
		const struct capplan_render_item *it = &d->items[a->item];
		lxw_format *uf = unit_format(b, it->unit);
		lxw_row_t r = (lxw_row_t)(i + 1);

		put_text(b, ws, r, A_RESOURCE, it->resource, NULL);
		put_text(b, ws, r, A_SERVICE, it->service, NULL);
		put_text(b, ws, r, A_LABELS, it->labels_text, NULL);
		put_text(b, ws, r, A_UNIT, it->unit, NULL);
		put_num(b, ws, r, A_RUN, (double)a->run_id, NULL);
		put_date(b, ws, r, A_MADE, a->forecast_as_of, b->date);
		put_date(b, ws, r, A_FROM, a->first_ts, b->date);
		put_date(b, ws, r, A_TO, a->last_ts, b->date);
		put_text(b, ws, r, A_METHOD, a->method, NULL);
		put_count(b, ws, r, A_POINTS, a->points, b->integer);
		put_num(b, ws, r, A_MAE, a->mae, uf);
		put_num(b, ws, r, A_MAPE, a->mape, b->pct);
		put_num(b, ws, r, A_BIAS, a->bias, uf);
		put_num(b, ws, r, A_COV80, a->coverage80, b->pct);
		put_num(b, ws, r, A_COV95, a->coverage95, b->pct);
		put_text(b, ws, r, A_VERDICT, verdict(b, a), NULL);
	}
	table(b, ws, (lxw_row_t)d->naccuracy, A_COLUMNS);
}

/* ---- Scenarios ---- */

enum {
	S_SCENARIO, S_TYPE, S_RESOURCE, S_SERVICE, S_LABELS, S_UNIT, S_FACTOR, S_DEMAND, S_NEEDED_CAP,
	S_CAPACITY, S_NODES, S_FULL_LOAD, S_REDUNDANCY, S_NEEDED, S_ADD, S_EXHAUSTS, S_COLUMNS
};

static void
scenarios(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const char *const names[S_COLUMNS] = {
		"scenario", "type", "resource", "service", "labels", "unit", "factor", "demand",
		"capacity needed (with headroom)", "capacity now", "nodes now", "nodes at full load",
		"redundancy", "nodes needed", "nodes to add", "exhausts today's capacity on"
	};
	static const double widths[S_COLUMNS] = { 18, 11, 28, 12, 30, 12, 8, 14, 16, 14, 8, 9, 10, 9,
	                                          9, 14 };

	header(b, ws, names, widths, S_COLUMNS);
	for (size_t i = 0; i < d->nscenarios; i++) {
		const struct capplan_render_scenario *s = &d->scenarios[i];
		const struct capplan_render_item *it = &d->items[s->item];
		lxw_format *uf = unit_format(b, it->unit);
		lxw_row_t r = (lxw_row_t)(i + 1);

		put_text(b, ws, r, S_SCENARIO, s->scenario, NULL);
		put_text(b, ws, r, S_TYPE, s->type, NULL);
		put_text(b, ws, r, S_RESOURCE, it->resource, NULL);
		put_text(b, ws, r, S_SERVICE, it->service, NULL);
		put_text(b, ws, r, S_LABELS, it->labels_text, NULL);
		put_text(b, ws, r, S_UNIT, it->unit, NULL);
		put_num(b, ws, r, S_FACTOR, s->factor, b->factor);
		put_num(b, ws, r, S_DEMAND, s->demand, uf);
		put_num(b, ws, r, S_NEEDED_CAP, s->capacity_needed, uf);
		put_num(b, ws, r, S_CAPACITY, it->capacity, uf);
		if (s->nodes_needed >= 0) {
			put_count(b, ws, r, S_NODES, it->nodes, b->integer);
			put_count(b, ws, r, S_REDUNDANCY, it->redundancy, b->redundancy);
		}
		put_count(b, ws, r, S_FULL_LOAD, s->nodes_full_load, b->integer);
		put_count(b, ws, r, S_NEEDED, s->nodes_needed, b->integer);
		put_count(b, ws, r, S_ADD, s->nodes_to_add, b->integer);
		put_date(b, ws, r, S_EXHAUSTS, s->exhausts_at, b->date);
	}
	table(b, ws, (lxw_row_t)d->nscenarios, S_COLUMNS);
}

/* ---- Assessments ---- */

static void
assessments(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const char *const names[] = {
		"resource", "service", "kind", "metric", "labels", "unit", "method", "level",
		"level by utilisation", "level by exhaustion", "current", "capacity", "utilisation",
		"peak 30d", "p95 30d", "headroom", "headroom target", "warning at", "critical at",
		"emergency at", "days to warning", "days to critical", "days to full",
		"days to full (pessimistic)", "days to full (optimistic)", "warning on", "critical on",
		"full on", "full on (pessimistic)", "full on (optimistic)", "order by (warning)",
		"order by (critical)", "order by (full)", "order nodes by", "order-by passed",
		"lead time (days)", "growth / day", "growth / month", "growth rate / month",
		"months to exhaustion", "nodes", "redundancy", "node capacity", "nodes needed",
		"nodes to add", "forecast peak", "right-size nodes", "right-size capacity",
		"right-size saving / month", "note"
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	static const double widths[N] = { 28, 12, 14, 24, 30, 12, 12, 10, 10, 10, 14, 14, 9, 14,
	                                  14, 9, 9, 8, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 11, 11,
	                                  11, 11, 11, 11, 8, 8, 14, 14, 9, 9, 7, 9, 14, 8, 8, 14, 9,
	                                  14, 14, 36 };
	char buf[64];

	snprintf(buf, sizeof(buf), "right-size saving / month%s", b->currency_note);
	{
		const char *h[N];

		memcpy(h, names, sizeof(h));
		h[N - 2] = buf;
		header(b, ws, h, widths, N);
	}
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		lxw_format *uf = unit_format(b, it->unit);
		lxw_row_t r = (lxw_row_t)(i + 1);
		lxw_col_t c = 0;

		put_text(b, ws, r, c++, it->resource, NULL);
		put_text(b, ws, r, c++, it->service, NULL);
		put_text(b, ws, r, c++, it->kind, NULL);
		put_text(b, ws, r, c++, it->metric, NULL);
		put_text(b, ws, r, c++, it->labels_text, NULL);
		put_text(b, ws, r, c++, it->unit, NULL);
		put_text(b, ws, r, c++, it->method, NULL);
		put_text(b, ws, r, c++, capplan_render_level_name(it->level), NULL);
		put_text(b, ws, r, c++, capplan_render_level_name(it->level_utilisation), NULL);
		put_text(b, ws, r, c++, capplan_render_level_name(it->level_exhaustion), NULL);
		put_num(b, ws, r, c++, it->current, uf);
		put_num(b, ws, r, c++, it->capacity, uf);
		put_num(b, ws, r, c++, it->utilisation, b->pct);
		put_num(b, ws, r, c++, it->peak_30d, uf);
		put_num(b, ws, r, c++, it->p95_30d, uf);
		put_num(b, ws, r, c++, it->headroom, b->pct);
		put_num(b, ws, r, c++, it->headroom_target, b->pct);
		put_num(b, ws, r, c++, it->threshold_warning, b->pct);
		put_num(b, ws, r, c++, it->threshold_critical, b->pct);
		put_num(b, ws, r, c++, it->threshold_emergency, b->pct);
		put_num(b, ws, r, c++, it->days_to_warning, b->dec1);
		put_num(b, ws, r, c++, it->days_to_critical, b->dec1);
		put_num(b, ws, r, c++, it->days_to_full, b->dec1);
		put_num(b, ws, r, c++, it->days_to_full_pessimistic, b->dec1);
		put_num(b, ws, r, c++, it->days_to_full_optimistic, b->dec1);
		put_date(b, ws, r, c++, it->warning_at, b->date);
		put_date(b, ws, r, c++, it->critical_at, b->date);
		put_date(b, ws, r, c++, it->full_at, b->date);
		put_date(b, ws, r, c++, it->full_at_pessimistic, b->date);
		put_date(b, ws, r, c++, it->full_at_optimistic, b->date);
		put_date(b, ws, r, c++, it->order_by_warning, b->date);
		put_date(b, ws, r, c++, it->order_by_critical, b->date);
		put_date(b, ws, r, c++, it->order_by_full, b->date);
		put_date(b, ws, r, c++, it->nodes_order_by, b->date);
		put_text(b, ws, r, c++, it->order_by_passed ? "yes" : "", NULL);
		put_num(b, ws, r, c++, (double)it->lead_time_ms / (double)DAY_MS, b->dec1);
		put_num(b, ws, r, c++, it->growth_per_day, uf);
		put_num(b, ws, r, c++, it->growth_per_month, uf);
		put_num(b, ws, r, c++, it->growth_rate_monthly, b->pct);
		put_num(b, ws, r, c++, it->months_to_exhaustion, b->dec1);
		put_count(b, ws, r, c++, it->nodes, b->integer);
		put_count(b, ws, r, c++, it->redundancy, b->redundancy);
		put_num(b, ws, r, c++, it->node_capacity, uf);
		put_count(b, ws, r, c++, it->nodes_needed, b->integer);
		put_count(b, ws, r, c++, it->nodes_to_add, b->integer);
		put_num(b, ws, r, c++, it->forecast_peak, uf);
		if (it->rightsize) {
			put_count(b, ws, r, c, it->rightsize_nodes, b->integer);
			put_num(b, ws, r, c + 1, it->rightsize_capacity, uf);
			put_num(b, ws, r, c + 2, it->rightsize_saving_monthly, b->money);
		}
		c += 3;
		put_text(b, ws, r, c++, it->note, NULL);
	}
	table(b, ws, (lxw_row_t)d->nitems, N);
}

/* ---- Charts ---- */

/* A month of the chart table: history and forecast peaks, forecast hi95. */
struct chart_row {
	int64_t month;
	double history, forecast, hi95;
};

#define CHART_DATA_COL 18     /* the tables start in column S, to the right of the charts */
#define CHART_DATA_WIDTH 6    /* month, history, forecast, hi95, capacity, a spacer */
#define CHART_ROWS 18         /* rows from one chart's top to the next's */
#define CHART_COLS 9

static void
chart_place(struct xb *b, lxw_worksheet *ws, lxw_chart *chart, int slot)
{
	lxw_chart_options o;

	memset(&o, 0, sizeof(o));
	o.x_scale = 1.1;
	o.y_scale = 1.15;
	note(b, ws, 0, 0,
	     worksheet_insert_chart_opt(ws, (lxw_row_t)((slot / 2) * CHART_ROWS),
	                                (lxw_col_t)((slot % 2) * CHART_COLS), chart, &o));
}

/* The cost per quarter (the Budget totals row, so the chart follows edits). */
static void
cost_chart(struct xb *b, lxw_worksheet *ws, lxw_row_t totals)
{
	lxw_chart *chart = workbook_add_chart(b->wb, LXW_CHART_COLUMN);
	lxw_chart_series *s;
	lxw_chart_fill fill = { .color = COLOR_HISTORY };

	if (!chart) {
		b->oom = true;
		return;
	}
	chart_title_set_name(chart, "Cost per quarter");
	s = chart_add_series(chart, NULL, NULL);
	if (!s) {
		b->oom = true;
		return;
	}
	chart_series_set_categories(s, SHEET_BUDGET, 0, B_COST_NOW, 0, B_COST_Q2);
	chart_series_set_values(s, SHEET_BUDGET, totals, B_COST_NOW, totals, B_COST_Q2);
	chart_series_set_name(s, "total");
	chart_series_set_fill(s, &fill);
	chart_series_set_labels(s);
	chart_series_set_labels_num_format(s, b->money_format);
	chart_axis_set_num_format(chart->y_axis, b->money_format);
	chart_axis_set_min(chart->y_axis, 0);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	chart_place(b, ws, chart, 0);
}

/* The monthly table of one series for its chart; the number of months in *n. */
static struct chart_row *
chart_rows(const struct capplan_render_item *it, size_t *n)
{
	struct chart_row *rows = calloc(it->nhistory + it->nforecast + 1, sizeof(*rows));
	size_t k = 0;

	*n = 0;
	if (!rows)
		return NULL;
	while (k < it->nhistory) {
		struct month m;

		month_of(it->history, it->nhistory, &k, &m);
		rows[*n] = (struct chart_row){ m.start, m.peak, NAN, NAN };
		(*n)++;
	}
	k = 0;
	while (k < it->nforecast) {
		struct month m;

		month_of(it->forecast, it->nforecast, &k, &m);
		/* a month both ended in history and began in the forecast shares its row */
		if (*n == 0 || rows[*n - 1].month != m.start)
			rows[(*n)++] = (struct chart_row){ m.start, NAN, NAN, NAN };
		rows[*n - 1].forecast = max_of(rows[*n - 1].forecast, m.peak);
		rows[*n - 1].hi95 = max_of(rows[*n - 1].hi95, m.hi95);
	}
	return rows;
}

static void
item_chart(struct xb *b, lxw_worksheet *ws, const struct capplan_render_item *it, int k, int slot)
{
	static const char *const names[5] = { "month", "history (monthly peak)",
		                               "forecast (monthly peak)", "forecast 95% upper",
		                               "capacity" };
	lxw_col_t base = (lxw_col_t)(CHART_DATA_COL + k * CHART_DATA_WIDTH);
	lxw_format *uf = unit_format(b, it->unit);
	const char *axis_format = unit_num_format(it->unit);
	struct chart_row *rows;
	size_t n;
	lxw_chart *chart;
	lxw_row_t first = 2, last;
	lxw_chart_font title_font = { .size = 11, .bold = LXW_TRUE };
	static const struct {
		const char *name;
		lxw_color_t color;
		float width;
		uint8_t dash;
	} lines[4] = {
		{ "history (monthly peak)", COLOR_HISTORY, 2.25f, LXW_CHART_LINE_DASH_SOLID },
		{ "forecast (monthly peak)", COLOR_FORECAST, 2.25f, LXW_CHART_LINE_DASH_SOLID },
		{ "forecast 95% upper", COLOR_FORECAST, 1.25f, LXW_CHART_LINE_DASH_DASH },
		{ "capacity", COLOR_CAPACITY, 1.5f, LXW_CHART_LINE_DASH_LONG_DASH },
	};

	rows = chart_rows(it, &n);
	if (!rows) {
		b->oom = true;
		return;
	}
	/* the title cell: data text, referred to by the chart (never a chart title string) */
	capplan_strbuf_reset(&b->tmp);
	if (capplan_strbuf_append_str(&b->tmp, it->resource) < 0 ||
	    (it->labels_text[0] && capplan_strbuf_appendf(&b->tmp, " {%s}", it->labels_text) < 0))
		b->oom = true;
	put_text(b, ws, 0, base, capplan_strbuf_str(&b->tmp), b->bold);
	for (int c = 0; c < 5; c++) {
		put_text(b, ws, 1, (lxw_col_t)(base + c), names[c], b->head);
		note(b, ws, 1, base,
		     worksheet_set_column(ws, (lxw_col_t)(base + c), (lxw_col_t)(base + c),
		                          c == 0 ? 9 : 14, NULL));
	}
	for (size_t i = 0; i < n; i++) {
		lxw_row_t r = (lxw_row_t)(first + i);

		put_date(b, ws, r, base, rows[i].month, b->month);
		put_num(b, ws, r, (lxw_col_t)(base + 1), rows[i].history, uf);
		put_num(b, ws, r, (lxw_col_t)(base + 2), rows[i].forecast, uf);
		put_num(b, ws, r, (lxw_col_t)(base + 3), rows[i].hi95, uf);
		put_num(b, ws, r, (lxw_col_t)(base + 4), it->capacity, uf);
	}
	free(rows);
	if (n == 0)
		return;
	last = (lxw_row_t)(first + n - 1);

	chart = workbook_add_chart(b->wb, LXW_CHART_LINE);
	if (!chart) {
		b->oom = true;
		return;
	}
	chart_title_set_name_range(chart, SHEET_CHARTS, 0, base);
	chart_title_set_name_font(chart, &title_font);
	for (int s = 0; s < 4; s++) {
		lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
		lxw_chart_line line = { .color = lines[s].color, .width = lines[s].width,
		                        .dash_type = lines[s].dash };

		if (!series) {
			b->oom = true;
			return;
		}
		chart_series_set_categories(series, SHEET_CHARTS, first, base, last, base);
		chart_series_set_values(series, SHEET_CHARTS, first, (lxw_col_t)(base + 1 + s), last,
		                        (lxw_col_t)(base + 1 + s));
		chart_series_set_name(series, lines[s].name);
		chart_series_set_line(series, &line);
	}
	chart_show_blanks_as(chart, LXW_CHART_BLANKS_AS_GAP);
	chart_axis_set_num_format(chart->x_axis, "mmm yy");
	if (axis_format)
		chart_axis_set_num_format(chart->y_axis, axis_format);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
	chart_place(b, ws, chart, slot);
}

static void
charts(struct xb *b, lxw_worksheet *ws, lxw_row_t totals)
{
	const struct capplan_review_data *d = b->d;
	int k = 0;

	if (d->nitems > 0)
		cost_chart(b, ws, totals);
	for (size_t i = 0; i < d->nitems && k < CHARTS_MAX; i++) {
		const struct capplan_render_item *it = &d->items[i];

		if (it->level == CAPPLAN_RENDER_UNKNOWN || it->nhistory + it->nforecast == 0)
			continue;
		item_chart(b, ws, it, k, k + 1);
		k++;
	}
}

/* ---- About ---- */

static void
about(struct xb *b, lxw_worksheet *ws)
{
	const struct capplan_review_data *d = b->d;
	static const char *const sheets[][2] = {
		{ SHEET_BUDGET,
		  "One row per resource series: nodes now and recommended for the quarter under way and "
		  "the next (peak forecast demand with the headroom target, plus the redundancy), nodes "
		  "to add, and the cost per quarter. The yellow unit costs are the inputs: edit one (or "
		  "a node count) and the costs, the totals and the cost chart recalculate. Rows not "
		  "sized in nodes have empty cells and stay out of the totals." },
		{ SHEET_FORECAST,
		  "Per series and calendar month, the chosen daily forecast: the month's peak, its 95% "
		  "interval's extremes, the mean, and the capacity now." },
		{ SHEET_ACCURACY,
		  "Earlier forecasts against the actuals that arrived since: MAE, MAPE, bias and how "
		  "many actuals fell inside the 80% and 95% intervals. A forecast is off when fewer than "
		  "80% fell inside its 95% interval." },
		{ SHEET_SCENARIOS,
		  "What-if demand per scenario and series: the capacity and nodes it would need, and "
		  "when it would exhaust today's capacity." },
		{ SHEET_ASSESSMENTS,
		  "Everything assessed per series: levels, utilisation, headroom, days and dates to "
		  "warning, critical and full, order-by dates, growth, sizing and right-sizing." },
		{ SHEET_CHARTS,
		  "The cost per quarter, and the monthly peak (history, forecast, 95% upper bound) "
		  "against capacity of the most urgent series; their data to the right." },
		{ "Units",
		  "Cells hold values in the resource's unit (the unit column); bytes are shown in GB "
		  "(10^9 bytes), bytes per second in MB/s, ratios as percentages. Dates are UTC." },
	};
	lxw_row_t r = 0;
	bool part = b->part == CAPPLAN_PART_ACCURACY;

	note(b, ws, 0, 0, worksheet_set_column(ws, 0, 0, 22, NULL));
	note(b, ws, 0, 1, worksheet_set_column(ws, 1, 1, 100, b->wrap));
	put_text(b, ws, r++, 0, part ? "Forecast vs actual" : "Capacity budget", b->title);
	r++;
	put_text(b, ws, r, 0, "model run", b->bold);
	put_num(b, ws, r++, 1, (double)d->run_id, NULL);
	put_text(b, ws, r, 0, "as of", b->bold);
	put_date(b, ws, r++, 1, d->as_of_ms, b->datetime);
	put_text(b, ws, r, 0, "quarter under way", b->bold);
	put_text(b, ws, r++, 1, b->quarter[0], NULL);
	put_text(b, ws, r, 0, "next quarter", b->bold);
	put_text(b, ws, r++, 1, b->quarter[1], NULL);
	put_text(b, ws, r, 0, "currency", b->bold);
	put_text(b, ws, r++, 1, b->currency[0] ? b->currency : "(not a currency code)", NULL);
	put_text(b, ws, r, 0, "unit costs", b->bold);
	if (d->prices_from) {
		char from[512];

		snprintf(from, sizeof(from), "from %s, at render time", d->prices_from);
		put_text(b, ws, r++, 1, from, b->wrap);
	} else {
		put_text(b, ws, r++, 1, "from the plan the model run was made with", NULL);
	}
	put_text(b, ws, r, 0, "capplan", b->bold);
	put_text(b, ws, r++, 1, d->version ? d->version : "", NULL);
	r++;
	put_text(b, ws, r, 0, "sheet", b->head);
	put_text(b, ws, r++, 1, "what it holds", b->head);
	for (size_t i = 0; i < sizeof(sheets) / sizeof(sheets[0]); i++) {
		if (part && strcmp(sheets[i][0], SHEET_ACCURACY) != 0 && strcmp(sheets[i][0], "Units") != 0)
			continue;   /* a sheet this workbook does not have */
		put_text(b, ws, r, 0, sheets[i][0], b->wrap);
		put_text(b, ws, r++, 1, sheets[i][1], b->wrap);
	}
}

/* ---- the workbook ---- */

static int
check_indexes(const struct capplan_review_data *d, struct capplan_error *err)
{
	for (size_t i = 0; i < d->nscenarios; i++)
		if (d->scenarios[i].item >= d->nitems)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
			                         "scenario row %zu refers to series %zu of %zu", i,
			                         d->scenarios[i].item, d->nitems);
	for (size_t i = 0; i < d->naccuracy; i++)
		if (d->accuracy[i].item >= d->nitems)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE,
			                         "accuracy row %zu refers to series %zu of %zu", i,
			                         d->accuracy[i].item, d->nitems);
	return 0;
}

static int
properties(struct xb *b)
{
	const struct capplan_review_data *d = b->d;
	struct capplan_strbuf title = CAPPLAN_STRBUF_INIT, subject = CAPPLAN_STRBUF_INIT;
	static char author[] = "capplan";
	lxw_doc_properties p;
	int rc = -1;

	if (capplan_strbuf_appendf(&title, "%s %s", b->part == CAPPLAN_PART_ACCURACY ? "Forecast vs actual"
	                           : "Capacity budget", b->quarter[0]) < 0 ||
	    capplan_strbuf_appendf(&subject, "capplan capacity review, model run %lld",
	                           (long long)d->run_id) < 0)
		goto out;
	memset(&p, 0, sizeof(p));
	p.title = title.data;
	p.subject = subject.data;
	p.author = author;
	/* the review's time, not the wall clock: the same review gives the same file */
	p.created = (time_t)(d->as_of_ms / 1000);
	rc = workbook_set_properties(b->wb, &p) == LXW_NO_ERROR ? 0 : -1;
out:
	capplan_strbuf_release(&title);
	capplan_strbuf_release(&subject);
	return rc;
}

int
capplan_xlsx_budget_write(const struct capplan_review_data *d, const char *dir,
                          enum capplan_render_part part, struct capplan_error *err)
{
	const char *name = part == CAPPLAN_PART_ACCURACY ? CAPPLAN_XLSX_ACCURACY_NAME : CAPPLAN_XLSX_BUDGET_NAME;
	struct capplan_atomic_file f;
	struct xb b;
	lxw_workbook_options opt;
	lxw_worksheet *ws[7];
	lxw_row_t totals;
	lxw_error e;
	char *tmpdir = NULL;
	static const char *const sheet_names[7] = { SHEET_BUDGET, SHEET_FORECAST, SHEET_ACCURACY,
		                                    SHEET_SCENARIOS, SHEET_ASSESSMENTS, SHEET_CHARTS,
		                                    SHEET_ABOUT };

	if (check_indexes(d, err) < 0)
		return -1;
	if (capplan_atomic_open(&f, dir, name, err) < 0)
		return -1;
	/* libxlsxwriter writes by name; commit then syncs the file by name */
	fclose(f.fp);
	f.fp = NULL;

	memset(&b, 0, sizeof(b));
	b.d = d;
	b.part = part;
	capplan_strbuf_init(&b.text);
	capplan_strbuf_init(&b.tmp);
	if (d->quarter_start_ms[0] != 0)
		quarter_name(b.quarter[0], sizeof(b.quarter[0]), d->quarter_start_ms[0]);
	else
		snprintf(b.quarter[0], sizeof(b.quarter[0]), "%d-Q%d", d->year, d->quarter);
	if (d->quarter_start_ms[1] != 0)
		quarter_name(b.quarter[1], sizeof(b.quarter[1]), d->quarter_start_ms[1]);
	else
		snprintf(b.quarter[1], sizeof(b.quarter[1]), "%d-Q%d", d->year + (d->quarter == 4),
		         d->quarter % 4 + 1);

	/* its scratch files beside the output: a folder known to be writable */
	tmpdir = strdup(dir);
	memset(&opt, 0, sizeof(opt));
	opt.tmpdir = tmpdir;
	if (!tmpdir || !(b.wb = workbook_new_opt(f.tmp_path, &opt)) || formats(&b) < 0 ||
	    properties(&b) < 0)
		goto oom;
	if (part == CAPPLAN_PART_ACCURACY) {
		if (!(ws[0] = workbook_add_worksheet(b.wb, SHEET_ACCURACY)) ||
		    !(ws[1] = workbook_add_worksheet(b.wb, SHEET_ABOUT)))
			goto oom;
		accuracy(&b, ws[0]);
		about(&b, ws[1]);
	} else {
		for (int i = 0; i < 7; i++)
			if (!(ws[i] = workbook_add_worksheet(b.wb, sheet_names[i])))
				goto oom;
		totals = budget(&b, ws[0]);
		forecast(&b, ws[1]);
		accuracy(&b, ws[2]);
		scenarios(&b, ws[3]);
		assessments(&b, ws[4]);
		charts(&b, ws[5], totals);
		about(&b, ws[6]);
	}
	if (b.oom)
		goto oom;
	if (b.lerr != LXW_NO_ERROR) {
		cellname c;

		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: sheet %s, cell %s: %s", f.path,
		                  b.lerr_sheet, ref(c, b.lerr_row, b.lerr_col), lxw_strerror(b.lerr));
		goto fail;
	}

	e = workbook_close(b.wb);
	b.wb = NULL;
	if (e != LXW_NO_ERROR) {
		capplan_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CAPPLAN_EX_SOFTWARE
		                                                           : CAPPLAN_EX_CANTCREAT,
		                  "%s: cannot write the workbook: %s", f.path, lxw_strerror(e));
		goto fail;
	}
	free(tmpdir);
	capplan_strbuf_release(&b.text);
	capplan_strbuf_release(&b.tmp);
	return capplan_atomic_commit(&f, err);

oom:
	capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", f.path);
fail:
	if (b.wb)
		lxw_workbook_free(b.wb);
	free(tmpdir);
	capplan_strbuf_release(&b.text);
	capplan_strbuf_release(&b.tmp);
	capplan_atomic_abandon(&f);
	return -1;
}
