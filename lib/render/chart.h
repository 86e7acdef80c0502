/*
 * lib/render/chart.h: drawing primitives for the review packet (cairo + pango).
 *
 * Two halves.  The arithmetic (no drawing, unit-tested on its own): round
 * axis ticks for a value range in a resource's unit (bytes in 1024 steps as
 * KiB/MiB/GiB/TiB, rates per second, counts, percentages, seconds, cores),
 * month/quarter ticks for a date range, and values formatted for people
 * ("3.85 TiB", "1,480 req/s", "72.5%").  The drawing: a canvas (a cairo
 * context with one pango layout), text that is always plain text, laid out
 * in a box and never overflowing it; a time chart frame with lines, bands,
 * shaded zones, a dashed capacity line and markers; horizontal bars; gauges;
 * table cells.
 *
 * All text handed to these functions is data: it is drawn with
 * pango_layout_set_text (never markup), after invalid UTF-8 is replaced, a
 * newline is shown as the two characters "\n", and other control and bidi
 * override characters are replaced, so a name can neither change the
 * layout nor smuggle markup.  Coordinates are in points (1/72 inch), y down.
 */
#ifndef CAPPLAN_RENDER_CHART_H
#define CAPPLAN_RENDER_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "render/review_data.h"

/* The one font family of the packet (fonts-dejavu-core), embedded by cairo. */
#define CAPPLAN_CHART_FONT "DejaVu Sans"

/* ---- units, ticks and numbers ---- */

enum capplan_chart_unit {
	CAPPLAN_UNIT_COUNT,                /* plain numbers: 24, 1,480, 12.5k */
	CAPPLAN_UNIT_BYTES,                /* B KiB MiB GiB TiB PiB, 1024 steps */
	CAPPLAN_UNIT_BYTES_PER_SECOND,     /* B/s ... TiB/s */
	CAPPLAN_UNIT_REQUESTS_PER_SECOND,  /* req/s */
	CAPPLAN_UNIT_PER_SECOND,           /* other rates: /s */
	CAPPLAN_UNIT_CORES,                /* cores */
	CAPPLAN_UNIT_RATIO,                /* 0..1 shown as a percentage */
	CAPPLAN_UNIT_PERCENT,              /* 0..100 shown as a percentage */
	CAPPLAN_UNIT_SECONDS               /* ms, s, min, h, d */
};

/* The unit of a plan's unit name ("bytes", "requests_per_second", ...); COUNT when unknown. */
enum capplan_chart_unit capplan_chart_unit_of(const char *name);

#define CAPPLAN_CHART_MAX_TICKS 32

struct capplan_chart_ticks {
	size_t n;
	double v[CAPPLAN_CHART_MAX_TICKS];   /* the tick values, ascending, in the data's unit */
	double lo, hi, step;                 /* lo = v[0], hi = v[n - 1] */
	enum capplan_chart_unit unit;
	double scale;                        /* a label shows v / scale ... */
	const char *suffix;                  /* ... followed by this (" TiB", "%", " req/s") */
	int decimals;                        /* ... with this many decimals */
};

/*
 * Round ticks covering [lo, hi]: a step of 1, 2, 2.5 or 5 times a power of
 * ten in the label's scale (percentages: 1, 2.5 or 5, so 0..1 gives 0%, 25%,
 * ... 100%), the smallest giving at most max_intervals intervals (at least
 * 2), the first tick at or below lo and the last at or above hi.  Bytes are
 * labelled in the largest 1024-power unit below the larger end.  An empty
 * range (lo == hi) is widened.  0, or -1 when lo or hi is not finite.
 */
int capplan_chart_ticks(double lo, double hi, enum capplan_chart_unit unit, int max_intervals,
                        struct capplan_chart_ticks *t);

/* A tick's label: "2 TiB", "1,500 req/s", "25%". */
void capplan_chart_tick_label(const struct capplan_chart_ticks *t, double v, char *buf, size_t size);

/*
 * A value for people, three significant digits in its unit: "3.85 TiB",
 * "1,480 req/s", "96.3%", "24", "1.5 h".  NaN gives "n/a".  With sign, a
 * positive value gets a '+' (growth).
 */
void capplan_chart_format_value(double v, enum capplan_chart_unit unit, bool sign, char *buf,
                                size_t size);

/* A number with thousands separators and the given decimals: "1,234.5"; NaN "n/a". */
void capplan_chart_format_number(double v, int decimals, char *buf, size_t size);

/* A date (UTC) as "2026-10-01"; 0 gives "—". */
void capplan_chart_format_date(int64_t ms, char *buf, size_t size);

struct capplan_chart_date_ticks {
	size_t n;
	int64_t t[CAPPLAN_CHART_MAX_TICKS];       /* labelled ticks */
	size_t nminor;
	int64_t minor[4 * CAPPLAN_CHART_MAX_TICKS];   /* unlabelled (months between quarters) */
	int step_months;                          /* 1, 2, 3, 6, 12; 0 when stepping in days */
	int step_days;                            /* 1, 2, 7, 14 when step_months is 0 */
};

/*
 * Ticks at calendar boundaries in [t0, t1] (ms, UTC): the smallest of 1, 2,
 * 7 (Mondays), 14 days, 1, 2, 3 (quarters), 6, 12 months (first of the
 * month) giving at most max_labels ticks; months in between are minor
 * ticks.  0, or -1 for an empty or absurd range.
 */
int capplan_chart_date_ticks(int64_t t0, int64_t t1, int max_labels,
                             struct capplan_chart_date_ticks *t);

/* A tick's label: "Jan 2027" (months), "2027" (years), "7 Sep" (days). */
void capplan_chart_date_label(const struct capplan_chart_date_ticks *t, int64_t ms, char *buf,
                              size_t size);

/*
 * Ordinary least squares of the daily means on time, over the days with
 * from <= ts <= to and a finite mean: the slope per day and the fitted value
 * at time at.  0, or -1 with fewer than two such days.
 */
int capplan_chart_ols(const struct capplan_day *days, size_t n, int64_t from, int64_t to,
                      int64_t at, double *slope_per_day, double *value_at);

/* ---- colours ---- */

struct capplan_rgb {
	double r, g, b;
};

extern const struct capplan_rgb capplan_chart_ink;      /* body text */
extern const struct capplan_rgb capplan_chart_muted;    /* secondary text */
extern const struct capplan_rgb capplan_chart_rule;     /* lines, grid */
extern const struct capplan_rgb capplan_chart_accent;   /* headings, forecast */
extern const struct capplan_rgb capplan_chart_white;

/*
 * The dashboard's colours: strong (bars, gauges) and light (table cells) for
 * a level.  Emergency is a darker red than critical.
 */
struct capplan_rgb capplan_chart_level_color(enum capplan_render_level level);
struct capplan_rgb capplan_chart_level_fill(enum capplan_render_level level);
/* Text on a level's strong colour: white on red, dark on yellow. */
struct capplan_rgb capplan_chart_level_on(enum capplan_render_level level);

/*
 * The level a utilisation falls in by the item's thresholds: green below
 * warning, yellow warning to critical, red above critical, unknown for NaN.
 */
enum capplan_render_level capplan_chart_util_level(double utilisation, double warning,
                                                   double critical);

/* ---- the canvas and text ---- */

struct capplan_canvas {
	cairo_t *cr;
	PangoFontMap *fontmap;     /* the canvas's own (see chart.c) */
	PangoContext *context;
	PangoLayout *layout;
	bool dry;                  /* a rehearsal: no text is laid out or drawn */
};

/*
 * One font map, context and layout for all text drawn on cr (which the
 * canvas does not own).  0, or -1 when pango cannot make them.
 */
int capplan_canvas_init(struct capplan_canvas *cv, cairo_t *cr);
/* Draw on another cairo context from now on (keeping the fonts and layout). */
void capplan_canvas_retarget(struct capplan_canvas *cv, cairo_t *cr);
/*
 * A canvas that draws nothing, for a rehearsal pass that only counts pages:
 * its cr is cairo's inert context (every drawing call returns at once) and
 * text functions lay nothing out and measure 0.  Nothing to release, though
 * capplan_canvas_release may be called.
 */
void capplan_canvas_init_dry(struct capplan_canvas *cv);
void capplan_canvas_release(struct capplan_canvas *cv);

enum capplan_chart_align { CAPPLAN_ALIGN_LEFT, CAPPLAN_ALIGN_CENTER, CAPPLAN_ALIGN_RIGHT };

struct capplan_chart_style {
	double size;                   /* points */
	bool bold, condensed, italic;
	enum capplan_chart_align align;
	int max_lines;                 /* 1: one line, ellipsized; n: wrap, ellipsize the n-th; 0: wrap freely */
	struct capplan_rgb color;
};

/* A style: size, bold, ink, left aligned, one line. */
struct capplan_chart_style capplan_chart_style(double size, bool bold, struct capplan_rgb color);

/*
 * Draw text (data, plain) with its top-left at (x, y) in a column w wide
 * (w <= 0: no width, never wrapped or cut).  Returns the height used.
 */
double capplan_chart_text(struct capplan_canvas *cv, const char *text, double x, double y, double w,
                          const struct capplan_chart_style *st);

/* The same, centred vertically in a box h high; returns the height of the text. */
double capplan_chart_text_box(struct capplan_canvas *cv, const char *text, double x, double y,
                              double w, double h, const struct capplan_chart_style *st);

/* The width and height text would take on one line (no wrapping). */
void capplan_chart_text_extent(struct capplan_canvas *cv, const char *text,
                               const struct capplan_chart_style *st, double *w, double *h);

/* The plain text as it is drawn (see the top of this file); the caller frees it. */
char *capplan_chart_plain_text(const char *text);

/* ---- a chart over time ---- */

struct capplan_chart_frame {
	struct capplan_canvas *cv;
	double x, y, w, h;        /* the plot area */
	int64_t t0, t1;           /* the x range, ms */
	double v0, v1;            /* the y range */
};

double capplan_chart_x(const struct capplan_chart_frame *f, int64_t t);
double capplan_chart_y(const struct capplan_chart_frame *f, double v);

/*
 * Grid lines and labels: y ticks at the left (in their unit), date ticks
 * below (minor ticks as lighter lines), the axes.  Also sets v0, v1 from the
 * y ticks.
 */
void capplan_chart_axes(struct capplan_chart_frame *f, const struct capplan_chart_ticks *yt,
                        const struct capplan_chart_date_ticks *xt);

/* Which number of a day to draw. */
enum capplan_day_field {
	CAPPLAN_DAY_MEAN, CAPPLAN_DAY_MAX, CAPPLAN_DAY_LO80, CAPPLAN_DAY_HI80,
	CAPPLAN_DAY_LO95, CAPPLAN_DAY_HI95
};

double capplan_day_value(const struct capplan_day *d, enum capplan_day_field field);

/* A line through the days' field, broken where it is NaN; clipped to the plot. dash <= 0: solid. */
void capplan_chart_line(struct capplan_chart_frame *f, const struct capplan_day *days, size_t n,
                        enum capplan_day_field field, struct capplan_rgb color, double width,
                        double dash);

/* The area between two fields of the days (an interval), filled; alpha 0..1. */
void capplan_chart_band(struct capplan_chart_frame *f, const struct capplan_day *days, size_t n,
                        enum capplan_day_field lo, enum capplan_day_field hi, struct capplan_rgb color,
                        double alpha);

/* A horizontal zone from value v0 to v1 across the plot (threshold zones). */
void capplan_chart_zone(struct capplan_chart_frame *f, double v0, double v1, struct capplan_rgb color,
                        double alpha);

/* A straight segment from (t0, v0) to (t1, v1) (trend lines); clipped. */
void capplan_chart_segment(struct capplan_chart_frame *f, int64_t t0, double v0, int64_t t1, double v1,
                           struct capplan_rgb color, double width, double dash);

/*
 * A horizontal line at v across the plot (dash > 0: dashed), with a label
 * just above its right end (NULL: none).
 */
void capplan_chart_hline(struct capplan_chart_frame *f, double v, struct capplan_rgb color,
                         double width, double dash, const char *label);

/* A vertical line at t (the "now" line), with a label at its foot, left of it (NULL: none). */
void capplan_chart_vline(struct capplan_chart_frame *f, int64_t t, struct capplan_rgb color,
                         double width, double dash, const char *label);

/*
 * A crossing date: a dot at (t, v), a thin dotted line down to the axis and
 * a label in a white box near the top of the plot, in lane 0, 1, 2 ... (each
 * lane a line lower) so that labels of close dates do not overlap.
 */
void capplan_chart_marker(struct capplan_chart_frame *f, int64_t t, double v, struct capplan_rgb color,
                          const char *label, int lane);

/* A box with the text "text" in the middle of the plot (no data). */
void capplan_chart_empty(struct capplan_chart_frame *f, const char *text);

/* ---- legend, gauges, bars, tables ---- */

enum capplan_legend_kind { CAPPLAN_LEGEND_LINE, CAPPLAN_LEGEND_DASH, CAPPLAN_LEGEND_AREA,
	CAPPLAN_LEGEND_DOT };

struct capplan_legend_entry {
	enum capplan_legend_kind kind;
	struct capplan_rgb color;
	double alpha, width;
	const char *text;
};

/* Legend entries in a row (wrapping to more rows within w); returns the height used. */
double capplan_chart_legend(struct capplan_canvas *cv, double x, double y, double w,
                            const struct capplan_legend_entry *e, size_t n);

/*
 * A semicircle gauge centred at (cx, cy) (the middle of its flat side) of
 * radius r: the scale 0..100% with green / yellow / red zones at the item's
 * warning and critical thresholds as an outer ring, the value as an arc in
 * its zone's colour with a pointer, the percentage in the hollow.  NaN draws
 * a grey "n/a".  Values above 100% peg the pointer at the end and still
 * print the number.
 */
void capplan_chart_gauge(struct capplan_canvas *cv, double cx, double cy, double r, double utilisation,
                         double warning, double critical);

/*
 * A horizontal bar in the rectangle (x, y, w, h) of a bar chart whose value
 * axis maps v0..v1 to x..x+w: from max(v0, 0) to value (clamped; "beyond"
 * draws an arrow head past the end), with an optional whisker lo..hi (NaN:
 * none).
 */
struct capplan_chart_hbar {
	double x, y, w, h;
	double v0, v1;
};

void capplan_chart_bar(struct capplan_canvas *cv, const struct capplan_chart_hbar *b, double value,
                       double lo, double hi, struct capplan_rgb color, bool beyond);

/* A table cell: fill (NULL: none), a hairline below, text in the middle with padding. */
void capplan_chart_cell(struct capplan_canvas *cv, double x, double y, double w, double h,
                        const char *text, const struct capplan_rgb *fill,
                        const struct capplan_chart_style *st);

/* A rounded rectangle path (for boxes and badges). */
void capplan_chart_round_rect(cairo_t *cr, double x, double y, double w, double h, double r);

/* Set the source colour (with alpha). */
void capplan_chart_set_color(cairo_t *cr, struct capplan_rgb c, double alpha);

#endif
