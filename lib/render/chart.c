/*
 * lib/render/chart.c: drawing primitives for the review packet (cairo + pango).
 */
#include "render/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/polyline.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define DAY_MS INT64_C(86400000)

/* ---- units, ticks and numbers ---- */

enum capplan_chart_unit
capplan_chart_unit_of(const char *name)
{
	static const struct {
		const char *name;
		enum capplan_chart_unit unit;
	} units[] = {
		{ "bytes", CAPPLAN_UNIT_BYTES },
		{ "bytes_per_second", CAPPLAN_UNIT_BYTES_PER_SECOND },
		{ "requests_per_second", CAPPLAN_UNIT_REQUESTS_PER_SECOND },
		{ "cores", CAPPLAN_UNIT_CORES },
		{ "ratio", CAPPLAN_UNIT_RATIO },
		{ "percent", CAPPLAN_UNIT_PERCENT },
		{ "seconds", CAPPLAN_UNIT_SECONDS },
		{ "count", CAPPLAN_UNIT_COUNT },
	};
	size_t len;

	if (!name)
		return CAPPLAN_UNIT_COUNT;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(name, units[i].name) == 0)
			return units[i].unit;
	len = strlen(name);
	if (len > 11 && strcmp(name + len - 11, "_per_second") == 0)
		return CAPPLAN_UNIT_PER_SECOND;
	return CAPPLAN_UNIT_COUNT;
}

/* The label scale and suffix for values up to maxabs in this unit. */
static void
unit_scale(enum capplan_chart_unit unit, double maxabs, double *scale, const char **suffix)
{
	static const char *const bytes[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB" };
	static const char *const bps[] = { " B/s", " KiB/s", " MiB/s", " GiB/s", " TiB/s", " PiB/s",
		                           " EiB/s" };
	static const char *const req[] = { " req/s", "k req/s", "M req/s", "G req/s" };
	static const char *const rate[] = { "/s", "k/s", "M/s", "G/s" };
	static const char *const count[] = { "", "k", "M", "G" };
	static const char *const cores[] = { " cores", "k cores", "M cores", "G cores" };
	const char *const *names = count;
	int k = 0;

	if (!isfinite(maxabs))
		maxabs = 0;
	switch (unit) {
	case CAPPLAN_UNIT_BYTES:
	case CAPPLAN_UNIT_BYTES_PER_SECOND:
		*scale = 1;
		while (k < 6 && maxabs >= *scale * 1024) {
			*scale *= 1024;
			k++;
		}
		*suffix = unit == CAPPLAN_UNIT_BYTES ? bytes[k] : bps[k];
		return;
	case CAPPLAN_UNIT_RATIO:
		*scale = 0.01;
		*suffix = "%";
		return;
	case CAPPLAN_UNIT_PERCENT:
		*scale = 1;
		*suffix = "%";
		return;
	case CAPPLAN_UNIT_SECONDS:
		if (maxabs > 0 && maxabs < 1) {
			*scale = 0.001;
			*suffix = " ms";
		} else if (maxabs < 120) {
			*scale = 1;
			*suffix = " s";
		} else if (maxabs < 7200) {
			*scale = 60;
			*suffix = " min";
		} else if (maxabs < 2 * 86400) {
			*scale = 3600;
			*suffix = " h";
		} else {
			*scale = 86400;
			*suffix = " d";
		}
		return;
	case CAPPLAN_UNIT_REQUESTS_PER_SECOND: names = req; break;
	case CAPPLAN_UNIT_PER_SECOND: names = rate; break;
	case CAPPLAN_UNIT_CORES: names = cores; break;
	case CAPPLAN_UNIT_COUNT: names = count; break;
	}
	/* plain numbers up to 9,999; then k, M, G */
	*scale = 1;
	while (k < 3 && maxabs >= *scale * 10000) {
		*scale *= 1000;
		k++;
	}
	*suffix = names[k];
}

/* Decimals needed to print multiples of step (in label scale) exactly. */
static int
decimals_for(double step)
{
	int d = 0;

	while (d < 6) {
		double x = step * pow(10, d);

		if (fabs(x - round(x)) < 1e-6 * fmax(1, fabs(x)))
			break;
		d++;
	}
	return d;
}

int
capplan_chart_ticks(double lo, double hi, enum capplan_chart_unit unit, int max_intervals,
                    struct capplan_chart_ticks *t)
{
	static const double general[] = { 1, 2, 2.5, 5 };
	static const double percent[] = { 1, 2.5, 5 };
	const double *mult = general;
	size_t nmult = 4;
	double a, b, step = 0;
	long first = 0, last = 0;
	int e0;

	memset(t, 0, sizeof(*t));
	t->unit = unit;
	if (!isfinite(lo) || !isfinite(hi))
		return -1;
	if (hi < lo) {
		double x = lo;

		lo = hi;
		hi = x;
	}
	if (max_intervals < 2)
		max_intervals = 2;
	if (max_intervals > CAPPLAN_CHART_MAX_TICKS - 1)
		max_intervals = CAPPLAN_CHART_MAX_TICKS - 1;
	unit_scale(unit, fmax(fabs(lo), fabs(hi)), &t->scale, &t->suffix);
	if (unit == CAPPLAN_UNIT_RATIO || unit == CAPPLAN_UNIT_PERCENT) {
		mult = percent;
		nmult = 3;
	}
	a = lo / t->scale;
	b = hi / t->scale;
	if (b - a <= 1e-12 * fmax(fabs(a), fabs(b))) {
		if (a == 0 && b == 0)
			b = unit == CAPPLAN_UNIT_RATIO ? 100 : 1;
		else if (a > 0)
			a = 0;
		else if (b < 0)
			b = 0;
		else
			b = a + 1;
	}
	e0 = (int)floor(log10((b - a) / max_intervals)) - 1;
	for (int e = e0; e <= e0 + 4 && step == 0; e++)
		for (size_t i = 0; i < nmult; i++) {
			double s = mult[i] * pow(10, e);

			first = (long)floor(a / s + 1e-9);
			last = (long)ceil(b / s - 1e-9);
			if (last - first >= 1 && last - first <= max_intervals) {
				step = s;
				break;
			}
		}
	if (step == 0)
		return -1;
	t->decimals = decimals_for(step);
	t->n = (size_t)(last - first + 1);
	for (size_t i = 0; i < t->n; i++) {
		double v = (double)(first + (long)i) * step;

		/* print-exact values: 0.1 * 3 is 0.30000000000000004 */
		v = round(v * pow(10, t->decimals)) / pow(10, t->decimals);
		t->v[i] = v * t->scale;
	}
	t->step = step * t->scale;
	t->lo = t->v[0];
	t->hi = t->v[t->n - 1];
	return 0;
}

void
capplan_chart_format_number(double v, int decimals, char *buf, size_t size)
{
	char digits[64], *dot;
	size_t intlen, o = 0;
	const char *p;

	if (size == 0)
		return;
	if (!isfinite(v) || fabs(v) >= 1e18) {
		snprintf(buf, size, "%s", isnan(v) ? "n/a" : v > 0 ? "\xe2\x88\x9e" : "-\xe2\x88\x9e");
		return;
	}
	snprintf(digits, sizeof(digits), "%.*f", decimals, fabs(v));
	/* -0.0 and values that round to zero print without a sign */
	if (v < 0 && strspn(digits, "0.") != strlen(digits) && o + 1 < size)
		buf[o++] = '-';
	dot = strchr(digits, '.');
	intlen = dot ? (size_t)(dot - digits) : strlen(digits);
	for (p = digits; *p && o + 1 < size; p++) {
		size_t left = intlen - (size_t)(p - digits);

		if (p > digits && (size_t)(p - digits) < intlen && left % 3 == 0) {
			buf[o++] = ',';
			if (o + 1 >= size)
				break;
		}
		buf[o++] = *p;
	}
	buf[o] = '\0';
}

void
capplan_chart_tick_label(const struct capplan_chart_ticks *t, double v, char *buf, size_t size)
{
	char num[64];
	double x = v / t->scale;

	if (fabs(x) < 1e-9 * fmax(1, fabs(t->step / t->scale)))
		x = 0;
	capplan_chart_format_number(x, x == 0 ? 0 : t->decimals, num, sizeof(num));
	/* zero bytes are just 0, whatever the axis unit */
	snprintf(buf, size, "%s%s", num, x == 0 && t->unit != CAPPLAN_UNIT_RATIO &&
	         t->unit != CAPPLAN_UNIT_PERCENT ? "" : t->suffix);
}

/* Drop trailing zeros after the decimal point: "4.00" -> "4", "2.50" -> "2.5". */
static void
trim_zeros(char *s)
{
	char *dot = strchr(s, '.'), *end;

	if (!dot)
		return;
	end = s + strlen(s);
	while (end > dot + 1 && end[-1] == '0')
		*--end = '\0';
	if (end == dot + 1)
		*dot = '\0';
}

void
capplan_chart_format_value(double v, enum capplan_chart_unit unit, bool sign, char *buf, size_t size)
{
	char num[64];
	double scale, x;
	const char *suffix;
	int decimals;

	if (!isfinite(v)) {
		snprintf(buf, size, "n/a");
		return;
	}
	unit_scale(unit, fabs(v), &scale, &suffix);
	x = v / scale;
	if (unit == CAPPLAN_UNIT_COUNT && x == round(x))
		decimals = 0;
	else if (fabs(x) >= 100)
		decimals = 0;
	else if (fabs(x) >= 10)
		decimals = 1;
	else
		decimals = 2;
	capplan_chart_format_number(x, decimals, num, sizeof(num));
	trim_zeros(num);
	if (strcmp(num, "0") == 0 && unit != CAPPLAN_UNIT_RATIO && unit != CAPPLAN_UNIT_PERCENT &&
	    unit != CAPPLAN_UNIT_COUNT)
		unit_scale(unit, 0, &scale, &suffix);
	snprintf(buf, size, "%s%s%s", sign && x > 0 && strcmp(num, "0") != 0 ? "+" : "", num, suffix);
}

/* Days since the epoch to a civil date (Howard Hinnant's algorithm). */
static void
civil(int64_t ms, int *year, int *month, int *day)
{
	int64_t z = (ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS)) + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)m;
	*year = (int)(yoe + era * 400 + (m <= 2));
}

void
capplan_chart_format_date(int64_t ms, char *buf, size_t size)
{
	int y, m, d;

	if (ms == 0) {
		snprintf(buf, size, "\xe2\x80\x94");
		return;
	}
	civil(ms, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The first day start at or after t. */
static int64_t
day_ceil(int64_t t)
{
	int64_t d = t >= 0 ? t / DAY_MS : -((-t) / DAY_MS);

	if (d * DAY_MS < t)
		d++;
	return d * DAY_MS;
}

/* Ticks of one candidate step; count only when out is NULL. */
static size_t
date_ticks_of(int64_t t0, int64_t t1, int months, int days, int64_t *out, size_t cap)
{
	size_t n = 0;

	if (months) {
		int y, m, d;
		int64_t t;

		civil(t0, &y, &m, &d);
		t = capplan_time_from_civil(y, m, 1, 0, 0, 0, 0);
		while (t < t0 || (m - 1) % months != 0) {
			if (++m > 12) {
				m = 1;
				y++;
			}
			t = capplan_time_from_civil(y, m, 1, 0, 0, 0, 0);
		}
		while (t <= t1) {
			if (out && n < cap)
				out[n] = t;
			n++;
			if (n > 1000)
				break;
			m += months;
			while (m > 12) {
				m -= 12;
				y++;
			}
			t = capplan_time_from_civil(y, m, 1, 0, 0, 0, 0);
		}
	} else {
		int64_t t = day_ceil(t0);

		/* weeks start on Mondays: day 4 since the epoch (1970-01-05) was one */
		if (days >= 7)
			while ((((t / DAY_MS - 4) % days) + days) % days != 0)
				t += DAY_MS;
		for (; t <= t1; t += days * DAY_MS) {
			if (out && n < cap)
				out[n] = t;
			n++;
			if (n > 1000)
				break;
		}
	}
	return n;
}

int
capplan_chart_date_ticks(int64_t t0, int64_t t1, int max_labels, struct capplan_chart_date_ticks *t)
{
	static const struct {
		int months, days;
	} steps[] = { { 0, 1 }, { 0, 2 }, { 0, 7 }, { 0, 14 }, { 1, 0 }, { 2, 0 }, { 3, 0 },
		      { 6, 0 }, { 12, 0 }, { 24, 0 }, { 60, 0 }, { 120, 0 } };

	memset(t, 0, sizeof(*t));
	if (t1 <= t0 || t1 - t0 > INT64_C(200) * 366 * DAY_MS)
		return -1;
	if (max_labels < 2)
		max_labels = 2;
	if (max_labels > CAPPLAN_CHART_MAX_TICKS)
		max_labels = CAPPLAN_CHART_MAX_TICKS;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t n = date_ticks_of(t0, t1, steps[i].months, steps[i].days, NULL, 0);

		if (n > (size_t)max_labels)
			continue;
		t->step_months = steps[i].months;
		t->step_days = steps[i].days;
		t->n = date_ticks_of(t0, t1, steps[i].months, steps[i].days, t->t,
		                     CAPPLAN_CHART_MAX_TICKS);
		if (t->step_months > 1 && t->step_months <= 12) {
			int64_t all[4 * CAPPLAN_CHART_MAX_TICKS];
			size_t nall = date_ticks_of(t0, t1, t->step_months == 12 ? 3 : 1, 0, all,
			                            sizeof(all) / sizeof(all[0]));

			if (nall > sizeof(all) / sizeof(all[0]))
				nall = sizeof(all) / sizeof(all[0]);
			for (size_t k = 0; k < nall; k++) {
				bool major = false;

				for (size_t j = 0; j < t->n; j++)
					major = major || t->t[j] == all[k];
				if (!major)
					t->minor[t->nminor++] = all[k];
			}
		}
		return 0;
	}
	return -1;
}

void
capplan_chart_date_label(const struct capplan_chart_date_ticks *t, int64_t ms, char *buf, size_t size)
{
	int y, m, d;

	civil(ms, &y, &m, &d);
	if (t->step_months >= 12)
		snprintf(buf, size, "%d", y);
	else if (t->step_months)
		snprintf(buf, size, "%s %d", month_names[m - 1], y);
	else
		snprintf(buf, size, "%d %s", d, month_names[m - 1]);
}

int
capplan_chart_ols(const struct capplan_day *days, size_t n, int64_t from, int64_t to, int64_t at,
                  double *slope_per_day, double *value_at)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0, mx, my, vx, cxy;

	for (size_t i = 0; i < n; i++) {
		double x, y = days[i].mean;

		if (days[i].ts < from || days[i].ts > to || !isfinite(y))
			continue;
		x = (double)(days[i].ts - at) / (double)DAY_MS;
		sx += x;
		sy += y;
		k++;
	}
	if (k < 2)
		return -1;
	mx = sx / k;
	my = sy / k;
	/* centred sums: stable for values in the 1e12 (bytes) */
	for (size_t i = 0; i < n; i++) {
		double x, y = days[i].mean;

		if (days[i].ts < from || days[i].ts > to || !isfinite(y))
			continue;
		x = (double)(days[i].ts - at) / (double)DAY_MS - mx;
		sxx += x * x;
		sxy += x * (y - my);
	}
	vx = sxx;
	cxy = sxy;
	if (vx <= 0)
		return -1;
	*slope_per_day = cxy / vx;
	*value_at = my - *slope_per_day * mx;
	return 0;
}

/* ---- colours ---- */

const struct capplan_rgb capplan_chart_ink = { 0.13, 0.14, 0.16 };
const struct capplan_rgb capplan_chart_muted = { 0.42, 0.44, 0.47 };
const struct capplan_rgb capplan_chart_rule = { 0.80, 0.81, 0.83 };
const struct capplan_rgb capplan_chart_accent = { 0.12, 0.31, 0.53 };
const struct capplan_rgb capplan_chart_white = { 1, 1, 1 };

struct capplan_rgb
capplan_chart_level_color(enum capplan_render_level level)
{
	switch (level) {
	case CAPPLAN_RENDER_HEALTHY: return (struct capplan_rgb){ 0.20, 0.62, 0.30 };
	case CAPPLAN_RENDER_WARNING: return (struct capplan_rgb){ 0.96, 0.74, 0.10 };
	case CAPPLAN_RENDER_CRITICAL: return (struct capplan_rgb){ 0.85, 0.19, 0.17 };
	case CAPPLAN_RENDER_EMERGENCY: return (struct capplan_rgb){ 0.55, 0.04, 0.08 };
	case CAPPLAN_RENDER_UNKNOWN: break;
	}
	return (struct capplan_rgb){ 0.62, 0.63, 0.65 };
}

struct capplan_rgb
capplan_chart_level_fill(enum capplan_render_level level)
{
	switch (level) {
	case CAPPLAN_RENDER_HEALTHY: return (struct capplan_rgb){ 0.86, 0.95, 0.87 };
	case CAPPLAN_RENDER_WARNING: return (struct capplan_rgb){ 1.00, 0.95, 0.76 };
	case CAPPLAN_RENDER_CRITICAL: return (struct capplan_rgb){ 0.98, 0.83, 0.82 };
	case CAPPLAN_RENDER_EMERGENCY: return (struct capplan_rgb){ 0.95, 0.72, 0.72 };
	case CAPPLAN_RENDER_UNKNOWN: break;
	}
	return (struct capplan_rgb){ 0.91, 0.91, 0.92 };
}

struct capplan_rgb
capplan_chart_level_on(enum capplan_render_level level)
{
	if (level == CAPPLAN_RENDER_WARNING)
		return capplan_chart_ink;
	return capplan_chart_white;
}

enum capplan_render_level
capplan_chart_util_level(double utilisation, double warning, double critical)
{
	if (!isfinite(utilisation))
		return CAPPLAN_RENDER_UNKNOWN;
	if (isfinite(critical) && utilisation >= critical)
		return CAPPLAN_RENDER_CRITICAL;
	if (isfinite(warning) && utilisation >= warning)
		return CAPPLAN_RENDER_WARNING;
	return CAPPLAN_RENDER_HEALTHY;
}

void
capplan_chart_set_color(cairo_t *cr, struct capplan_rgb c, double alpha)
{
	if (alpha >= 1)
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
	else
		cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void
capplan_chart_round_rect(cairo_t *cr, double x, double y, double w, double h, double r)
{
	r = fmin(r, fmin(w, h) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
	cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
	cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
	cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
	cairo_close_path(cr);
}

/* ---- the canvas and text ---- */

int
capplan_canvas_init(struct capplan_canvas *cv, cairo_t *cr)
{
	memset(cv, 0, sizeof(*cv));
	cv->cr = cr;
	/*
	 * A font map of our own rather than pango's per-thread default: its
	 * caches of fonts and fontconfig patterns go when the canvas does,
	 * instead of living (and growing) for the rest of the process.
	 */
	cv->fontmap = pango_cairo_font_map_new();
	if (cv->fontmap)
		cv->context = pango_font_map_create_context(cv->fontmap);
	if (cv->context) {
		/*
		 * Glyphs where the font puts them: rounding their positions to
		 * whole points is for screens, and on paper it spaces the letters
		 * of small text unevenly (and makes the PDF spell out a correction
		 * after nearly every glyph).
		 */
		pango_context_set_round_glyph_positions(cv->context, FALSE);
		pango_cairo_update_context(cr, cv->context);
		cv->layout = pango_layout_new(cv->context);
	}
	if (!cv->layout) {
		capplan_canvas_release(cv);
		return -1;
	}
	return 0;
}

void
capplan_canvas_init_dry(struct capplan_canvas *cv)
{
	memset(cv, 0, sizeof(*cv));
	/* cairo's context for a NULL target is its static error object: calls on it do nothing */
	cv->cr = cairo_create(NULL);
	cv->dry = true;
}

void
capplan_canvas_retarget(struct capplan_canvas *cv, cairo_t *cr)
{
	cv->cr = cr;
	pango_cairo_update_context(cr, cv->context);
}

void
capplan_canvas_release(struct capplan_canvas *cv)
{
	if (cv->layout)
		g_object_unref(cv->layout);
	if (cv->context)
		g_object_unref(cv->context);
	if (cv->fontmap)
		g_object_unref(cv->fontmap);
	cv->layout = NULL;
	cv->context = NULL;
	cv->fontmap = NULL;
	if (cv->dry)
		cairo_destroy(cv->cr);
	cv->cr = NULL;
}

struct capplan_chart_style
capplan_chart_style(double size, bool bold, struct capplan_rgb color)
{
	struct capplan_chart_style st;

	memset(&st, 0, sizeof(st));
	st.size = size;
	st.bold = bold;
	st.align = CAPPLAN_ALIGN_LEFT;
	st.max_lines = 1;
	st.color = color;
	return st;
}

static int
append_unichar(struct capplan_strbuf *sb, gunichar c)
{
	char u[8];
	int len = g_unichar_to_utf8(c, u);

	return capplan_strbuf_append(sb, u, (size_t)len);
}

char *
capplan_chart_plain_text(const char *text)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	gchar *valid = g_utf8_make_valid(text ? text : "", -1);
	int rc = 0;

	for (const gchar *p = valid; *p && rc == 0; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '\n')
			rc = capplan_strbuf_append_str(&sb, "\\n");
		else if (c == '\r')
			rc = capplan_strbuf_append_str(&sb, "\\r");
		else if (c == '\t' || c == 0x2028 || c == 0x2029)
			rc = capplan_strbuf_append_char(&sb, ' ');
		else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
		         (c >= 0x2066 && c <= 0x2069))
			rc = append_unichar(&sb, 0xfffd);
		else
			rc = capplan_strbuf_append(&sb, p, (size_t)(g_utf8_next_char(p) - p));
	}
	g_free(valid);
	if (rc < 0) {
		capplan_strbuf_release(&sb);
		return NULL;
	}
	if (!sb.data)
		return strdup("");
	return capplan_strbuf_detach(&sb);
}

/* Lay text out in the canvas's layout; false when there is nothing to draw. */
static bool
layout_text(struct capplan_canvas *cv, const char *text, double w,
            const struct capplan_chart_style *st)
{
	PangoFontDescription *fd;
	char *plain;
	PangoLayout *l = cv->layout;

	if (cv->dry || !l)
		return false;
	plain = capplan_chart_plain_text(text);
	if (!plain)
		return false;
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, CAPPLAN_CHART_FONT);
	pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_stretch(fd, st->condensed ? PANGO_STRETCH_CONDENSED
	                                                     : PANGO_STRETCH_NORMAL);
	pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_OBLIQUE : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, plain, -1);
	free(plain);
	if (w > 0) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_ellipsize(l, st->max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
		pango_layout_set_height(l, st->max_lines > 0 ? -st->max_lines : -1);
		pango_layout_set_alignment(l, st->align == CAPPLAN_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
		                              : st->align == CAPPLAN_ALIGN_CENTER ? PANGO_ALIGN_CENTER
		                                                                  : PANGO_ALIGN_LEFT);
	} else {
		pango_layout_set_width(l, -1);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_NONE);
		pango_layout_set_height(l, -1);
		pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
	}
	return true;
}

static void
layout_size(struct capplan_canvas *cv, double *w, double *h)
{
	int pw, ph;

	pango_layout_get_size(cv->layout, &pw, &ph);
	*w = (double)pw / PANGO_SCALE;
	*h = (double)ph / PANGO_SCALE;
}

static void
show_layout(struct capplan_canvas *cv, double x, double y, double w,
            const struct capplan_chart_style *st)
{
	double lw, lh;

	if (w <= 0 && st->align != CAPPLAN_ALIGN_LEFT) {
		layout_size(cv, &lw, &lh);
		x -= st->align == CAPPLAN_ALIGN_RIGHT ? lw : lw / 2;
	}
	capplan_chart_set_color(cv->cr, st->color, 1);
	cairo_move_to(cv->cr, x, y);
	pango_cairo_update_layout(cv->cr, cv->layout);
	pango_cairo_show_layout(cv->cr, cv->layout);
}

double
capplan_chart_text(struct capplan_canvas *cv, const char *text, double x, double y, double w,
                   const struct capplan_chart_style *st)
{
	double lw, lh;

	if (!layout_text(cv, text, w, st))
		return 0;
	layout_size(cv, &lw, &lh);
	show_layout(cv, x, y, w, st);
	return lh;
}

double
capplan_chart_text_box(struct capplan_canvas *cv, const char *text, double x, double y, double w,
                       double h, const struct capplan_chart_style *st)
{
	double lw, lh;

	if (!layout_text(cv, text, w, st))
		return 0;
	layout_size(cv, &lw, &lh);
	show_layout(cv, x, y + (h - lh) / 2, w, st);
	return lh;
}

void
capplan_chart_text_extent(struct capplan_canvas *cv, const char *text,
                          const struct capplan_chart_style *st, double *w, double *h)
{
	*w = *h = 0;
	if (layout_text(cv, text, 0, st))
		layout_size(cv, w, h);
}

/* ---- a chart over time ---- */

double
capplan_chart_x(const struct capplan_chart_frame *f, int64_t t)
{
	if (f->t1 <= f->t0)
		return f->x;
	return f->x + (double)(t - f->t0) / (double)(f->t1 - f->t0) * f->w;
}

double
capplan_chart_y(const struct capplan_chart_frame *f, double v)
{
	if (!(f->v1 > f->v0))
		return f->y + f->h;
	return f->y + f->h - (v - f->v0) / (f->v1 - f->v0) * f->h;
}

static void
clip_plot(const struct capplan_chart_frame *f)
{
	cairo_save(f->cv->cr);
	cairo_rectangle(f->cv->cr, f->x, f->y, f->w, f->h);
	cairo_clip(f->cv->cr);
}

static void
set_dash(cairo_t *cr, double dash)
{
	if (dash > 0) {
		double d[2] = { dash, dash * 0.7 };

		cairo_set_dash(cr, d, 2, 0);
	} else {
		cairo_set_dash(cr, NULL, 0, 0);
	}
}

void
capplan_chart_axes(struct capplan_chart_frame *f, const struct capplan_chart_ticks *yt,
                   const struct capplan_chart_date_ticks *xt)
{
	cairo_t *cr = f->cv->cr;
	struct capplan_chart_style st = capplan_chart_style(7, false, capplan_chart_muted);
	char label[64];

	f->v0 = yt->lo;
	f->v1 = yt->hi;
	cairo_save(cr);
	cairo_set_line_width(cr, 0.4);
	set_dash(cr, 0);
	/* minor (months) then major date lines */
	cairo_set_source_rgb(cr, 0.94, 0.94, 0.95);
	for (size_t i = 0; i < xt->nminor; i++) {
		double x = round(capplan_chart_x(f, xt->minor[i])) + 0.5;

		cairo_move_to(cr, x, f->y);
		cairo_line_to(cr, x, f->y + f->h);
	}
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.86, 0.87, 0.88);
	for (size_t i = 0; i < xt->n; i++) {
		double x = capplan_chart_x(f, xt->t[i]);

		cairo_move_to(cr, x, f->y);
		cairo_line_to(cr, x, f->y + f->h + 3);
	}
	for (size_t i = 0; i < yt->n; i++) {
		double y = capplan_chart_y(f, yt->v[i]);

		cairo_move_to(cr, f->x - 3, y);
		cairo_line_to(cr, f->x + f->w, y);
	}
	cairo_stroke(cr);
	/* the axes */
	cairo_set_line_width(cr, 0.8);
	cairo_set_source_rgb(cr, 0.35, 0.36, 0.38);
	cairo_move_to(cr, f->x, f->y);
	cairo_line_to(cr, f->x, f->y + f->h);
	cairo_line_to(cr, f->x + f->w, f->y + f->h);
	cairo_stroke(cr);
	cairo_restore(cr);

	st.align = CAPPLAN_ALIGN_RIGHT;
	for (size_t i = 0; i < yt->n; i++) {
		double y = capplan_chart_y(f, yt->v[i]);

		capplan_chart_tick_label(yt, yt->v[i], label, sizeof(label));
		capplan_chart_text(f->cv, label, f->x - 5, y - 4.5, 0, &st);
	}
	st.align = CAPPLAN_ALIGN_CENTER;
	for (size_t i = 0; i < xt->n; i++) {
		capplan_chart_date_label(xt, xt->t[i], label, sizeof(label));
		capplan_chart_text(f->cv, label, capplan_chart_x(f, xt->t[i]), f->y + f->h + 4, 0, &st);
	}
}

double
capplan_day_value(const struct capplan_day *d, enum capplan_day_field field)
{
	switch (field) {
	case CAPPLAN_DAY_MEAN: return d->mean;
	case CAPPLAN_DAY_MAX: return d->max;
	case CAPPLAN_DAY_LO80: return d->lo80;
	case CAPPLAN_DAY_HI80: return d->hi80;
	case CAPPLAN_DAY_LO95: return d->lo95;
	case CAPPLAN_DAY_HI95: return d->hi95;
	}
	return NAN;
}

/* Keep far-off points within cairo's fixed-point range. */
static double
clamp_y(const struct capplan_chart_frame *f, double y)
{
	return fmax(f->y - 4 * f->h, fmin(f->y + 5 * f->h, y));
}

/*
 * How far a point may lie from the line drawn instead of through it: a ninth
 * of a point (0.04 mm), matplotlib's threshold for the same simplification.
 */
#define SIMPLIFY_TOLERANCE (1.0 / 9)

/* Room for the points of one line or band edge, and the simplifier's scratch. */
struct trace {
	struct capplan_point *pt;
	bool *keep;
	size_t *stack;
	size_t n;
};

/* Without memory for it, trace_add draws every point as it comes. */
static void
trace_init(struct trace *tr, size_t cap)
{
	size_t each = sizeof(struct capplan_point) + sizeof(bool) + sizeof(size_t);
	char *room = cap > 0 ? malloc(cap * each) : NULL;

	tr->n = 0;
	tr->pt = (struct capplan_point *)room;
	tr->stack = room ? (size_t *)(room + cap * sizeof(struct capplan_point)) : NULL;
	tr->keep = room ? (bool *)(room + cap * (sizeof(struct capplan_point) + sizeof(size_t)))
	                : NULL;
}

static void
trace_release(struct trace *tr)
{
	free(tr->pt);
	tr->pt = NULL;
}

/* Adds a point, or without room draws it at once (move: the first of a path). */
static void
trace_add(struct trace *tr, cairo_t *cr, double x, double y, bool move)
{
	if (tr->pt) {
		tr->pt[tr->n++] = (struct capplan_point){ x, y };
	} else if (move) {
		cairo_move_to(cr, x, y);
	} else {
		cairo_line_to(cr, x, y);
	}
}

/* Draws the points added since the last flush, simplified (move: start a new path). */
static void
trace_flush(struct trace *tr, cairo_t *cr, bool move)
{
	if (!tr->pt || tr->n == 0)
		return;
	capplan_polyline_simplify(tr->pt, tr->n, SIMPLIFY_TOLERANCE, tr->keep, tr->stack);
	for (size_t i = 0; i < tr->n; i++) {
		if (!tr->keep[i])
			continue;
		if (i == 0 && move)
			cairo_move_to(cr, tr->pt[i].x, tr->pt[i].y);
		else
			cairo_line_to(cr, tr->pt[i].x, tr->pt[i].y);
	}
	tr->n = 0;
}

void
capplan_chart_line(struct capplan_chart_frame *f, const struct capplan_day *days, size_t n,
                   enum capplan_day_field field, struct capplan_rgb color, double width, double dash)
{
	cairo_t *cr = f->cv->cr;
	struct trace tr;
	bool pen = false;

	if (f->cv->dry)
		return;
	trace_init(&tr, n);
	clip_plot(f);
	cairo_new_path(cr);
	for (size_t i = 0; i < n; i++) {
		double v = capplan_day_value(&days[i], field);
		double x = capplan_chart_x(f, days[i].ts);

		if (!isfinite(v)) {
			trace_flush(&tr, cr, true);
			pen = false;
			continue;
		}
		trace_add(&tr, cr, x, clamp_y(f, capplan_chart_y(f, v)), !pen);
		pen = true;
	}
	trace_flush(&tr, cr, true);
	trace_release(&tr);
	capplan_chart_set_color(cr, color, 1);
	cairo_set_line_width(cr, width);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	set_dash(cr, dash);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static bool
band_at(const struct capplan_day *d, enum capplan_day_field lo, enum capplan_day_field hi)
{
	return isfinite(capplan_day_value(d, lo)) && isfinite(capplan_day_value(d, hi));
}

void
capplan_chart_band(struct capplan_chart_frame *f, const struct capplan_day *days, size_t n,
                   enum capplan_day_field lo, enum capplan_day_field hi, struct capplan_rgb color,
                   double alpha)
{
	cairo_t *cr = f->cv->cr;
	struct trace tr;
	size_t i = 0;

	if (f->cv->dry)
		return;
	trace_init(&tr, n);
	clip_plot(f);
	cairo_new_path(cr);
	while (i < n) {
		size_t j;

		while (i < n && !band_at(&days[i], lo, hi))
			i++;
		j = i;
		while (j < n && band_at(&days[j], lo, hi))
			j++;
		if (j > i) {
			/* the upper edge forwards, then the lower edge back: each simplified alone */
			for (size_t k = i; k < j; k++)
				trace_add(&tr, cr, capplan_chart_x(f, days[k].ts),
				          clamp_y(f, capplan_chart_y(f, capplan_day_value(&days[k], hi))),
				          k == i);
			trace_flush(&tr, cr, true);
			for (size_t k = j; k-- > i;)
				trace_add(&tr, cr, capplan_chart_x(f, days[k].ts),
				          clamp_y(f, capplan_chart_y(f, capplan_day_value(&days[k], lo))),
				          false);
			trace_flush(&tr, cr, false);
			cairo_close_path(cr);
		}
		i = j;
	}
	trace_release(&tr);
	capplan_chart_set_color(cr, color, alpha);
	cairo_fill(cr);
	cairo_restore(cr);
}

void
capplan_chart_zone(struct capplan_chart_frame *f, double v0, double v1, struct capplan_rgb color,
                   double alpha)
{
	double y0, y1;

	if (!isfinite(v0) || !isfinite(v1) || v1 <= v0)
		return;
	y0 = clamp_y(f, capplan_chart_y(f, v0));
	y1 = clamp_y(f, capplan_chart_y(f, v1));
	clip_plot(f);
	cairo_rectangle(f->cv->cr, f->x, y1, f->w, y0 - y1);
	capplan_chart_set_color(f->cv->cr, color, alpha);
	cairo_fill(f->cv->cr);
	cairo_restore(f->cv->cr);
}

void
capplan_chart_segment(struct capplan_chart_frame *f, int64_t t0, double v0, int64_t t1, double v1,
                      struct capplan_rgb color, double width, double dash)
{
	cairo_t *cr = f->cv->cr;

	if (!isfinite(v0) || !isfinite(v1))
		return;
	clip_plot(f);
	cairo_move_to(cr, capplan_chart_x(f, t0), clamp_y(f, capplan_chart_y(f, v0)));
	cairo_line_to(cr, capplan_chart_x(f, t1), clamp_y(f, capplan_chart_y(f, v1)));
	capplan_chart_set_color(cr, color, 1);
	cairo_set_line_width(cr, width);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	set_dash(cr, dash);
	cairo_stroke(cr);
	cairo_restore(cr);
}

void
capplan_chart_hline(struct capplan_chart_frame *f, double v, struct capplan_rgb color, double width,
                    double dash, const char *label)
{
	cairo_t *cr = f->cv->cr;
	double y;

	if (!isfinite(v) || v < f->v0 || v > f->v1)
		return;
	y = capplan_chart_y(f, v);
	cairo_save(cr);
	cairo_move_to(cr, f->x, y);
	cairo_line_to(cr, f->x + f->w, y);
	capplan_chart_set_color(cr, color, 1);
	cairo_set_line_width(cr, width);
	set_dash(cr, dash);
	cairo_stroke(cr);
	cairo_restore(cr);
	if (label) {
		struct capplan_chart_style st = capplan_chart_style(7, true, color);

		st.align = CAPPLAN_ALIGN_RIGHT;
		capplan_chart_text(f->cv, label, f->x + f->w - 3, y - 10, 0, &st);
	}
}

void
capplan_chart_vline(struct capplan_chart_frame *f, int64_t t, struct capplan_rgb color, double width,
                    double dash, const char *label)
{
	cairo_t *cr = f->cv->cr;
	double x;

	if (t < f->t0 || t > f->t1)
		return;
	x = capplan_chart_x(f, t);
	cairo_save(cr);
	cairo_move_to(cr, x, f->y);
	cairo_line_to(cr, x, f->y + f->h);
	capplan_chart_set_color(cr, color, 1);
	cairo_set_line_width(cr, width);
	set_dash(cr, dash);
	cairo_stroke(cr);
	cairo_restore(cr);
	if (label) {
		struct capplan_chart_style st = capplan_chart_style(6.5, false, color);

		st.align = CAPPLAN_ALIGN_RIGHT;
		capplan_chart_text(f->cv, label, x - 2, f->y + f->h - 10, 0, &st);
	}
}

void
capplan_chart_marker(struct capplan_chart_frame *f, int64_t t, double v, struct capplan_rgb color,
                     const char *label, int lane)
{
	cairo_t *cr = f->cv->cr;
	struct capplan_chart_style st = capplan_chart_style(6.5, true, color);
	double x, y, tw, th, ly, lx;

	if (t < f->t0 || t > f->t1)
		return;
	x = capplan_chart_x(f, t);
	y = isfinite(v) && v >= f->v0 && v <= f->v1 ? capplan_chart_y(f, v) : NAN;
	ly = f->y + 3 + lane * 11;
	cairo_save(cr);
	{
		double d[2] = { 1, 1.5 };

		cairo_set_dash(cr, d, 2, 0);
	}
	cairo_set_line_width(cr, 0.7);
	capplan_chart_set_color(cr, color, 1);
	cairo_move_to(cr, x, ly + 9);
	cairo_line_to(cr, x, f->y + f->h);
	cairo_stroke(cr);
	cairo_restore(cr);
	if (isfinite(y)) {
		cairo_arc(cr, x, y, 3, 0, 2 * M_PI);
		capplan_chart_set_color(cr, color, 1);
		cairo_fill_preserve(cr);
		cairo_set_line_width(cr, 1);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_stroke(cr);
	}
	if (!label)
		return;
	capplan_chart_text_extent(f->cv, label, &st, &tw, &th);
	lx = x + 3;
	if (lx + tw + 3 > f->x + f->w)
		lx = x - 3 - tw;
	capplan_chart_round_rect(cr, lx - 2, ly - 0.5, tw + 4, th + 1, 2);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
	cairo_fill_preserve(cr);
	capplan_chart_set_color(cr, color, 1);
	cairo_set_line_width(cr, 0.5);
	cairo_stroke(cr);
	capplan_chart_text(f->cv, label, lx, ly, 0, &st);
}

void
capplan_chart_empty(struct capplan_chart_frame *f, const char *text)
{
	struct capplan_chart_style st = capplan_chart_style(9, false, capplan_chart_muted);

	cairo_rectangle(f->cv->cr, f->x, f->y, f->w, f->h);
	cairo_set_source_rgb(f->cv->cr, 0.96, 0.96, 0.97);
	cairo_fill(f->cv->cr);
	st.align = CAPPLAN_ALIGN_CENTER;
	st.max_lines = 3;
	capplan_chart_text_box(f->cv, text, f->x + 20, f->y, f->w - 40, f->h, &st);
}

/* ---- legend, gauges, bars, tables ---- */

double
capplan_chart_legend(struct capplan_canvas *cv, double x, double y, double w,
                     const struct capplan_legend_entry *e, size_t n)
{
	cairo_t *cr = cv->cr;
	struct capplan_chart_style st = capplan_chart_style(7, false, capplan_chart_ink);
	double cx = x, cy = y, row = 11;

	for (size_t i = 0; i < n; i++) {
		double tw, th, need;

		capplan_chart_text_extent(cv, e[i].text, &st, &tw, &th);
		need = 18 + tw + 12;
		if (cx > x && cx + need > x + w) {
			cx = x;
			cy += row;
		}
		cairo_save(cr);
		capplan_chart_set_color(cr, e[i].color, e[i].alpha > 0 ? e[i].alpha : 1);
		switch (e[i].kind) {
		case CAPPLAN_LEGEND_AREA:
			cairo_rectangle(cr, cx, cy + 1.5, 14, 7);
			cairo_fill(cr);
			break;
		case CAPPLAN_LEGEND_DOT:
			cairo_arc(cr, cx + 7, cy + 5, 3, 0, 2 * M_PI);
			cairo_fill(cr);
			break;
		case CAPPLAN_LEGEND_LINE:
		case CAPPLAN_LEGEND_DASH:
			cairo_set_line_width(cr, e[i].width > 0 ? e[i].width : 1.2);
			set_dash(cr, e[i].kind == CAPPLAN_LEGEND_DASH ? 3 : 0);
			cairo_move_to(cr, cx, cy + 5);
			cairo_line_to(cr, cx + 14, cy + 5);
			cairo_stroke(cr);
			break;
		}
		cairo_restore(cr);
		capplan_chart_text(cv, e[i].text, cx + 18, cy, 0, &st);
		cx += need;
	}
	return cy + row - y;
}

static void
arc_band(cairo_t *cr, double cx, double cy, double r0, double r1, double f0, double f1)
{
	double a0 = M_PI + M_PI * fmax(0, fmin(1, f0));
	double a1 = M_PI + M_PI * fmax(0, fmin(1, f1));

	if (a1 <= a0)
		return;
	cairo_new_sub_path(cr);
	cairo_arc(cr, cx, cy, r1, a0, a1);
	cairo_arc_negative(cr, cx, cy, r0, a1, a0);
	cairo_close_path(cr);
}

void
capplan_chart_gauge(struct capplan_canvas *cv, double cx, double cy, double r, double utilisation,
                    double warning, double critical)
{
	cairo_t *cr = cv->cr;
	struct capplan_chart_style st = capplan_chart_style(r * 0.28, true, capplan_chart_ink);
	double inner = r * 0.68, zone_in = r * 0.88;
	double warn = isfinite(warning) ? warning : 0.70, crit = isfinite(critical) ? critical : 0.85;
	enum capplan_render_level lv = capplan_chart_util_level(utilisation, warn, crit);
	char text[64];

	cairo_save(cr);
	set_dash(cr, 0);
	/* the track, and the threshold zones as a thin outer ring */
	arc_band(cr, cx, cy, inner, zone_in - 1.5, 0, 1);
	cairo_set_source_rgb(cr, 0.91, 0.92, 0.93);
	cairo_fill(cr);
	arc_band(cr, cx, cy, zone_in, r, 0, warn);
	capplan_chart_set_color(cr, capplan_chart_level_color(CAPPLAN_RENDER_HEALTHY), 1);
	cairo_fill(cr);
	arc_band(cr, cx, cy, zone_in, r, warn, crit);
	capplan_chart_set_color(cr, capplan_chart_level_color(CAPPLAN_RENDER_WARNING), 1);
	cairo_fill(cr);
	arc_band(cr, cx, cy, zone_in, r, crit, 1);
	capplan_chart_set_color(cr, capplan_chart_level_color(CAPPLAN_RENDER_CRITICAL), 1);
	cairo_fill(cr);
	if (isfinite(utilisation)) {
		double u = fmax(0, fmin(1, utilisation)), a = M_PI + M_PI * u;

		arc_band(cr, cx, cy, inner, zone_in - 1.5, 0, u);
		capplan_chart_set_color(cr, capplan_chart_level_color(lv), 1);
		cairo_fill(cr);
		/* a pointer across the ring at the value */
		cairo_set_line_width(cr, 2);
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		capplan_chart_set_color(cr, capplan_chart_ink, 1);
		cairo_move_to(cr, cx + cos(a) * (inner - 3), cy + sin(a) * (inner - 3));
		cairo_line_to(cr, cx + cos(a) * (r + 3), cy + sin(a) * (r + 3));
		cairo_stroke(cr);
		capplan_chart_format_value(utilisation, CAPPLAN_UNIT_RATIO, false, text, sizeof(text));
	} else {
		snprintf(text, sizeof(text), "n/a");
		st.color = capplan_chart_muted;
	}
	cairo_restore(cr);
	/* the number in the hollow of the arc, sitting on its flat side */
	st.align = CAPPLAN_ALIGN_CENTER;
	capplan_chart_text(cv, text, cx, cy - r * 0.28 * 1.25, 0, &st);
	/* the scale's ends */
	st = capplan_chart_style(6, false, capplan_chart_muted);
	st.align = CAPPLAN_ALIGN_CENTER;
	capplan_chart_text(cv, "0%", cx - (inner + r) / 2, cy + 2, 0, &st);
	capplan_chart_text(cv, "100%", cx + (inner + r) / 2, cy + 2, 0, &st);
}

void
capplan_chart_bar(struct capplan_canvas *cv, const struct capplan_chart_hbar *b, double value,
                  double lo, double hi, struct capplan_rgb color, bool beyond)
{
	cairo_t *cr = cv->cr;
	double span = b->v1 - b->v0, base, x0, x1, ym = b->y + b->h / 2;

	if (!(span > 0) || !isfinite(value))
		return;
#define BX(v) (b->x + (fmax(b->v0, fmin(b->v1, (v))) - b->v0) / span * b->w)
	base = fmax(b->v0, 0);
	x0 = BX(fmin(base, value));
	x1 = BX(fmax(base, value));
	cairo_save(cr);
	set_dash(cr, 0);
	cairo_rectangle(cr, x0, b->y, x1 - x0, b->h);
	capplan_chart_set_color(cr, color, 1);
	cairo_fill(cr);
	if (beyond) {
		cairo_move_to(cr, x1, b->y - 1.5);
		cairo_line_to(cr, x1 + b->h * 0.6, ym);
		cairo_line_to(cr, x1, b->y + b->h + 1.5);
		cairo_close_path(cr);
		cairo_fill(cr);
	}
	if (isfinite(lo) && isfinite(hi) && hi > lo) {
		double wl = BX(lo), wh = BX(hi), cap = b->h * 0.35;

		cairo_set_line_width(cr, 0.8);
		capplan_chart_set_color(cr, capplan_chart_ink, 1);
		cairo_move_to(cr, wl, ym);
		cairo_line_to(cr, wh, ym);
		if (lo >= b->v0) {
			cairo_move_to(cr, wl, ym - cap);
			cairo_line_to(cr, wl, ym + cap);
		}
		if (hi <= b->v1) {
			cairo_move_to(cr, wh, ym - cap);
			cairo_line_to(cr, wh, ym + cap);
		}
		cairo_stroke(cr);
	}
#undef BX
	cairo_restore(cr);
}

void
capplan_chart_cell(struct capplan_canvas *cv, double x, double y, double w, double h, const char *text,
                   const struct capplan_rgb *fill, const struct capplan_chart_style *st)
{
	cairo_t *cr = cv->cr;

	if (fill) {
		cairo_rectangle(cr, x, y, w, h);
		capplan_chart_set_color(cr, *fill, 1);
		cairo_fill(cr);
	}
	cairo_save(cr);
	set_dash(cr, 0);
	cairo_set_line_width(cr, 0.3);
	cairo_set_source_rgb(cr, 0.82, 0.83, 0.85);
	cairo_move_to(cr, x, y + h - 0.15);
	cairo_line_to(cr, x + w, y + h - 0.15);
	cairo_stroke(cr);
	cairo_restore(cr);
	if (text && *text)
		capplan_chart_text_box(cv, text, x + 3, y, w - 6, h, st);
}
