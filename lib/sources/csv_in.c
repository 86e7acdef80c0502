/*
 * lib/sources/csv_in.c: CSV history through libcsv.
 *
 * The input streams through libcsv in chunks; only the first row (until the
 * layout is known), the series handles of the header and the values of the
 * current row are kept, so memory does not grow with the input.  A row's
 * samples go to the sink only once the whole row has been read and checked,
 * so a short row never leaves half of itself behind.
 *
 * Places in messages.  libcsv does not report positions, so we count lines
 * ourselves: every chunk is fed to libcsv in pieces that end just after a CR
 * or LF, and libcsv only ends a row on an unquoted CR or LF, so a row always
 * ends on the last byte of a piece and we know which line every callback
 * belongs to.  LF, CRLF and a lone CR each end one line.  A quoted field may
 * span lines; every message (and the pos handed to the sink) names the line
 * where the row begins, which is where an editor should jump to, plus the
 * field number (1-based) when one field is at fault.  Malformed quoting is
 * reported at the line where the row holding it begins too; for a quote
 * that is never closed (found only at the end) that is the row it opened in.
 *
 * Decisions where the format is loose:
 *  - Spaces and tabs around a field are not part of it: libcsv already drops
 *    them around unquoted fields, and we trim quoted ones the same way, so
 *    quoting never changes a value's meaning.
 *  - An empty cell, quoted ("") or not, is the same: no sample in wide form,
 *    an error in long form.  So CSV_EMPTY_IS_NULL is not needed.
 *  - Values are read by capplan_value_parse, as the JSON source reads them.
 *  - The first row is a header when its first field is not a valid timestamp,
 *    unless all its other fields are plain numbers: then it is a data row
 *    with a bad timestamp (a series name is never a plain number), and the
 *    timestamp is what the message should be about (e.g. milliseconds).
 *  - With layout CAPPLAN_CSV_LONG, a header may name its two columns anyhow.
 *  - An input without data rows is an error; data rows whose cells are all
 *    empty are not (each empty cell is counted by sink->skip).
 *  - Fields longer than CSV_FIELD_MAX are an error: the usual cause is a
 *    quote that is never closed, which would otherwise swallow the rest of
 *    the input into one field.
 *  - Repeated timestamps are the sink's to find (it knows every series'
 *    history); we only hand it each row's line as pos.
 */
#include "sources/csv_in.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "util/number.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define CSV_CHUNK (64 * 1024)           /* bytes per fread */
#define CSV_FIELD_MAX (1024 * 1024)     /* longest field accepted */
#define CSV_BLOCK 4096                  /* libcsv's field buffer grows by this */

enum csv_phase {
	PHASE_FIRST_ROW,    /* the first row is kept until the layout is known */
	PHASE_DATA          /* the header (if any) is done; rows go to the sink */
};

struct field_span {
	size_t off;
	size_t len;
};

struct csv_state {
	/* The call. */
	const char *name;
	const struct capplan_csv_options *options;
	struct capplan_sink *sink;
	int scope;
	struct capplan_error *err;
	int failed;                 /* err is set: later callbacks do nothing */

	/* Where we are. */
	int64_t line;               /* line of the bytes being fed */
	int64_t row_line;           /* line where the current row begins */
	int in_row;                 /* a row has begun and libcsv has not ended it */
	int prev_cr;                /* the last byte fed was CR (so an LF ends no line) */
	size_t field;               /* fields of the current row so far */

	enum csv_phase phase;
	/* The first row: each field trimmed and NUL-terminated, back to back. */
	struct capplan_strbuf first_text;
	struct field_span *first;
	size_t first_count;
	size_t first_cap;

	/* From the layout decision on. */
	enum capplan_csv_layout layout;
	size_t ncols;               /* fields in every row */
	int *handles;               /* the series of fields 2..ncols */
	double *values;             /* the current row's values, per series */
	unsigned char *present;     /* whether the cell held a value */
	int64_t ts;                 /* the current row's timestamp */
	uint64_t rows;              /* data rows read */
};

static int
is_blank(unsigned char c)
{
	/* What libcsv's default space test skips around unquoted fields. */
	return c == ' ' || c == '\t';
}

/* Strip spaces and tabs at both ends, in place; s has room for a NUL at s[*len]. */
static char *
trim(char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && is_blank((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
	*len = n;
	return s;
}

/* "NAME:LINE[:COLUMN]: " in front of the message in err; marks the state failed. */
static int
place(struct csv_state *st, size_t col)
{
	st->failed = 1;
	if (col > 0)
		return capplan_error_prefix(st->err, "%s:%" PRId64 ":%zu", st->name, st->row_line, col);
	return capplan_error_prefix(st->err, "%s:%" PRId64, st->name, st->row_line);
}

/* A data error at the current row (col 0: the row as a whole). */
static int fail_at(struct csv_state *st, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_at(struct csv_state *st, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	capplan_error_setv(st->err, CAPPLAN_EX_DATAERR, fmt, ap);
	va_end(ap);
	return place(st, col);
}

static int
no_memory(struct csv_state *st)
{
	st->failed = 1;
	return capplan_error_set(st->err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", st->name);
}

/* Whether s equals lower (ASCII letters only), ignoring case; no locale involved. */
static int
ascii_caseeq(const char *s, const char *lower)
{
	for (; *s && *lower; s++, lower++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		if (c != *lower)
			return 0;
	}
	return *s == '\0' && *lower == '\0';
}

/* Plain decimal notation only: what a number in a header cell would look like. */
static int
is_plain_number(const char *s)
{
	double v;

	if (*s == '\0' || strpbrk(s, "nNiI"))
		return 0;
	return capplan_value_parse(s, strlen(s), &v) == 0;
}

static const char *
metric_option(const struct csv_state *st)
{
	const char *m = st->options->metric;

	/* An empty --metric names nothing; the sink needs a non-empty name. */
	return m && *m ? m : NULL;
}

static char *
first_field(const struct csv_state *st, size_t i)
{
	return st->first_text.data + st->first[i].off;
}

/* ---- the first row ---- */

static int
keep_first_field(struct csv_state *st, char *s, size_t len)
{
	struct field_span span;

	s = trim(s, &len);
	if (st->first_count == st->first_cap) {
		size_t cap = st->first_cap ? st->first_cap * 2 : 16;
		struct field_span *grown = realloc(st->first, cap * sizeof(*grown));

		if (!grown)
			return no_memory(st);
		st->first = grown;
		st->first_cap = cap;
	}
	span.off = st->first_text.len;
	span.len = len;
	/* The NUL after each field makes it a C string for the parsers. */
	if (capplan_strbuf_append(&st->first_text, s, len) < 0 ||
	    capplan_strbuf_append_char(&st->first_text, '\0') < 0)
		return no_memory(st);
	st->first[st->first_count++] = span;
	return 0;
}

static int
first_row_is_header(const struct csv_state *st)
{
	struct capplan_error scratch;
	int64_t ms;

	if (capplan_time_parse(first_field(st, 0), &ms, &scratch) == 0)
		return 0;
	if (st->first_count < 2)
		return 1;
	for (size_t i = 1; i < st->first_count; i++)
		if (!is_plain_number(first_field(st, i)))
			return 1;
	return 0;
}

static enum capplan_csv_layout
choose_layout(const struct csv_state *st, int header)
{
	if (st->options->layout != CAPPLAN_CSV_AUTO)
		return st->options->layout;
	if (!header)
		return CAPPLAN_CSV_LONG;
	if (st->first_count == 2 && ascii_caseeq(first_field(st, 1), "value"))
		return CAPPLAN_CSV_LONG;
	return CAPPLAN_CSV_WIDE;
}

static int
check_header_text(struct csv_state *st)
{
	for (size_t i = 0; i < st->first_count; i++)
		if (!capplan_utf8_valid(first_field(st, i), st->first[i].len))
			return fail_at(st, i + 1, "header is not valid UTF-8 (or holds a NUL byte)");
	return 0;
}

static int
alloc_columns(struct csv_state *st, size_t ncols)
{
	st->ncols = ncols;
	st->handles = calloc(ncols - 1, sizeof(*st->handles));
	st->values = calloc(ncols - 1, sizeof(*st->values));
	st->present = calloc(ncols - 1, sizeof(*st->present));
	if (!st->handles || !st->values || !st->present)
		return no_memory(st);
	return 0;
}

static int
setup_long(struct csv_state *st, int header)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	const char *metric = metric_option(st);
	int handle;

	if (!metric) {
		st->failed = 1;
		return capplan_error_set(st->err, CAPPLAN_EX_USAGE, "%s: long-form CSV needs --metric",
		                         st->name);
	}
	if (header && st->first_count != 2)
		return fail_at(st, 0, "expected 2 fields, got %zu", st->first_count);
	if (alloc_columns(st, 2) < 0)
		return -1;
	if (st->options->labels && capplan_labels_copy(&labels, st->options->labels, st->err) < 0) {
		capplan_labels_release(&labels);
		st->failed = 1;
		return -1;
	}
	handle = st->sink->open_series(st->sink, st->scope, metric, &labels, st->row_line, st->err);
	capplan_labels_release(&labels);
	if (handle < 0) {
		st->failed = 1;   /* the sink's message stands as it is */
		return -1;
	}
	st->handles[0] = handle;
	return 0;
}

/* Add options->labels to a column's labels; a different value for a name is an error. */
static int
add_option_labels(struct csv_state *st, size_t col, const char *shown,
                  struct capplan_labels *labels)
{
	const struct capplan_labels *extra = st->options->labels;

	for (size_t i = 0; extra && i < extra->count; i++) {
		const struct capplan_label *l = &extra->items[i];
		const char *have = capplan_labels_get(labels, l->name);
		char b1[CAPPLAN_QUOTE_BUFSZ], b2[CAPPLAN_QUOTE_BUFSZ], b3[CAPPLAN_QUOTE_BUFSZ];

		if (have && strcmp(have, l->value) != 0)
			return fail_at(st, col, "column \"%s\" has %s=\"%s\", but --label gives \"%s\"",
			               shown, capplan_quote(b1, sizeof(b1), l->name, strlen(l->name)),
			               capplan_quote(b2, sizeof(b2), have, strlen(have)),
			               capplan_quote(b3, sizeof(b3), l->value, strlen(l->value)));
		if (!have && capplan_labels_add(labels, l->name, strlen(l->name), l->value,
		                                strlen(l->value), st->err) < 0)
			return place(st, col);
	}
	return 0;
}

/* Header field col (2..ncols) names a series: open it and keep its handle. */
static int
open_column(struct csv_state *st, size_t col)
{
	struct capplan_labels labels = CAPPLAN_LABELS_INIT;
	const char *text = first_field(st, col - 1);
	char shown[CAPPLAN_QUOTE_BUFSZ];
	char *metric = NULL;
	const char *use;
	int handle;
	int rc = -1;

	capplan_quote(shown, sizeof(shown), text, st->first[col - 1].len);
	if (*text == '\0') {
		fail_at(st, col, "column %zu has an empty header", col);
		goto done;
	}
	if (capplan_labels_parse_series(text, &metric, &labels, st->err) < 0) {
		st->err->status = CAPPLAN_EX_DATAERR;
		capplan_error_prefix(st->err, "invalid series \"%s\"", shown);
		place(st, col);
		goto done;
	}
	use = metric && *metric ? metric : metric_option(st);
	if (!use) {
		fail_at(st, col, "column \"%s\" has no metric name; give --metric", shown);
		goto done;
	}
	if (add_option_labels(st, col, shown, &labels) < 0)
		goto done;
	handle = st->sink->open_series(st->sink, st->scope, use, &labels, st->row_line, st->err);
	if (handle < 0) {
		st->failed = 1;
		goto done;
	}
	/* The sink gives a series opened again in a scope the same handle. */
	for (size_t i = 0; i + 2 < col; i++) {
		if (st->handles[i] == handle) {
			fail_at(st, col, "column \"%s\" is the same series as column %zu", shown, i + 2);
			goto done;
		}
	}
	st->handles[col - 2] = handle;
	rc = 0;
done:
	free(metric);
	capplan_labels_release(&labels);
	return rc;
}

static int
setup_wide(struct csv_state *st, int header)
{
	if (!header)
		return fail_at(st, 1, "wide CSV needs a header row naming the series; "
		               "the first field is a timestamp");
	if (st->first_count < 2)
		return fail_at(st, 0, "a wide CSV header needs a time column and at least one "
		               "series column");
	if (alloc_columns(st, st->first_count) < 0)
		return -1;
	for (size_t col = 2; col <= st->ncols; col++)
		if (open_column(st, col) < 0)
			return -1;
	return 0;
}

static int data_field(struct csv_state *st, char *s, size_t len);
static int data_row_end(struct csv_state *st);

/* The first row is complete: decide the layout, then treat it as header or data. */
static int
first_row_done(struct csv_state *st)
{
	int header = first_row_is_header(st);
	int rc;

	st->layout = choose_layout(st, header);
	st->phase = PHASE_DATA;
	if (header && check_header_text(st) < 0)
		return -1;
	if (st->layout == CAPPLAN_CSV_LONG)
		rc = setup_long(st, header);
	else
		rc = setup_wide(st, header);
	if (rc == 0 && !header) {
		st->field = 0;
		for (size_t i = 0; i < st->first_count && rc == 0; i++) {
			st->field++;
			rc = data_field(st, first_field(st, i), st->first[i].len);
		}
		if (rc == 0)
			rc = data_row_end(st);
	}
	/* Only the header's handles are needed from here on. */
	capplan_strbuf_release(&st->first_text);
	free(st->first);
	st->first = NULL;
	st->first_count = st->first_cap = 0;
	return rc;
}

/* ---- data rows ---- */

static int
data_time(struct csv_state *st, const char *s, size_t len)
{
	char shown[CAPPLAN_QUOTE_BUFSZ];

	/* capplan_time_parse reads a C string: a NUL inside would hide the rest. */
	if (memchr(s, '\0', len))
		return fail_at(st, 1, "invalid timestamp \"%s\": holds a NUL byte",
		               capplan_quote(shown, sizeof(shown), s, len));
	if (capplan_time_parse(s, &st->ts, st->err) < 0) {
		st->err->status = CAPPLAN_EX_DATAERR;
		return place(st, 1);
	}
	return 0;
}

static int
data_field(struct csv_state *st, char *s, size_t len)
{
	size_t col = st->field;
	char shown[CAPPLAN_QUOTE_BUFSZ];
	size_t i;

	if (col > st->ncols)
		return 0;   /* counted; the row's end reports it */
	s = trim(s, &len);
	if (col == 1)
		return data_time(st, s, len);
	i = col - 2;
	if (len == 0) {
		if (st->layout == CAPPLAN_CSV_LONG)
			return fail_at(st, col, "empty value");
		st->present[i] = 0;   /* a wide cell without a sample */
		return 0;
	}
	if (capplan_value_parse(s, len, &st->values[i]) < 0)
		return fail_at(st, col, "invalid value \"%s\"", capplan_quote(shown, sizeof(shown), s, len));
	st->present[i] = 1;
	return 0;
}

static int
data_row_end(struct csv_state *st)
{
	if (st->field != st->ncols)
		return fail_at(st, 0, "expected %zu fields, got %zu", st->ncols, st->field);
	for (size_t i = 0; i + 1 < st->ncols; i++) {
		if (!st->present[i]) {
			st->sink->skip(st->sink, 1);
			continue;
		}
		if (st->sink->add_sample(st->sink, st->handles[i], st->ts, st->values[i],
		                         st->row_line, st->err) < 0) {
			st->failed = 1;
			return -1;
		}
	}
	st->rows++;
	return 0;
}

/* ---- libcsv's callbacks ---- */

static void
on_field(void *data, size_t len, void *arg)
{
	struct csv_state *st = arg;
	char none[1] = "";
	char *s = data ? data : none;

	if (st->failed)
		return;
	st->field++;
	if (st->phase == PHASE_FIRST_ROW)
		keep_first_field(st, s, len);
	else
		data_field(st, s, len);
}

static void
on_row(int c, void *arg)
{
	struct csv_state *st = arg;

	(void)c;
	st->in_row = 0;
	if (!st->failed) {
		if (st->phase == PHASE_FIRST_ROW)
			first_row_done(st);
		else
			data_row_end(st);
	}
	st->field = 0;
}

/* ---- feeding libcsv ---- */

/*
 * Before a piece goes to libcsv: if no row is open and the piece holds
 * anything but blanks and line ends, a row begins on this line (libcsv skips
 * blank lines and begins a row at any other byte).
 */
static void
note_row_start(struct csv_state *st, const char *s, size_t len)
{
	if (st->in_row)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_blank(c) && c != '\r' && c != '\n') {
			st->in_row = 1;
			st->row_line = st->line;
			st->field = 0;
			return;
		}
	}
}

static void
count_line_end(struct csv_state *st, char last)
{
	if (last == '\r') {
		st->line++;
		st->prev_cr = 1;
	} else {
		if (last == '\n' && !st->prev_cr)
			st->line++;
		st->prev_cr = 0;
	}
}

static int
parser_error(struct csv_state *st, int code)
{
	if (code == CSV_EPARSE)
		return fail_at(st, 0, "malformed CSV: a quote inside an unquoted field, or text after "
		               "a closing quote (%s)", csv_strerror(code));
	st->failed = 1;
	return capplan_error_set(st->err, CAPPLAN_EX_SOFTWARE, "%s:%" PRId64 ": CSV parser: %s",
	                         st->name, st->row_line, csv_strerror(code));
}

static int
feed(struct csv_state *st, struct csv_parser *p, const char *buf, size_t len)
{
	size_t start = 0;

	while (start < len) {
		size_t end = start;
		size_t n;

		while (end < len && buf[end] != '\n' && buf[end] != '\r')
			end++;
		if (end < len)
			end++;   /* the piece ends with its line end */
		n = end - start;
		note_row_start(st, buf + start, n);
		if (csv_parse(p, buf + start, n, on_field, on_row, st) != n && !st->failed)
			return parser_error(st, csv_error(p));
		if (st->failed)
			return -1;
		if (csv_get_buffer_size(p) > CSV_FIELD_MAX)
			return fail_at(st, 0, "malformed CSV: a field longer than %d bytes; "
			               "is a quote not closed?", CSV_FIELD_MAX);
		count_line_end(st, buf[end - 1]);
		start = end;
	}
	return 0;
}

static const struct capplan_csv_options default_options = { NULL, NULL, CAPPLAN_CSV_AUTO };

int
capplan_csv_read(FILE *fp, const char *name, const struct capplan_csv_options *options,
                 struct capplan_sink *sink, int scope, struct capplan_error *err)
{
	struct csv_state st;
	struct csv_parser parser;
	int parser_ready = 0;
	char *buf = NULL;
	int first_chunk = 1;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	st.name = name ? name : "-";
	st.options = options ? options : &default_options;
	st.sink = sink;
	st.scope = scope;
	st.err = err;
	st.line = 1;
	st.row_line = 1;
	st.phase = PHASE_FIRST_ROW;
	capplan_strbuf_init(&st.first_text);

	/* A usage mistake is worth reporting before reading anything. */
	if (st.options->layout == CAPPLAN_CSV_LONG && !metric_option(&st)) {
		capplan_error_set(err, CAPPLAN_EX_USAGE, "%s: long-form CSV needs --metric", st.name);
		goto done;
	}
	buf = malloc(CSV_CHUNK);
	if (!buf || csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		no_memory(&st);
		goto done;
	}
	parser_ready = 1;
	/* libcsv's default 128-byte steps would mean many reallocs for a long header. */
	csv_set_blk_size(&parser, CSV_BLOCK);

	for (;;) {
		size_t n = fread(buf, 1, CSV_CHUNK, fp);
		size_t skip = 0;

		/* Excel starts UTF-8 CSV with a byte order mark; it is not part of the header. */
		if (first_chunk && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			skip = 3;
		first_chunk = 0;
		if (feed(&st, &parser, buf + skip, n - skip) < 0)
			goto done;
		if (n < CSV_CHUNK)
			break;
	}
	if (ferror(fp)) {
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: cannot read: %s", st.name,
		                  strerror(errno));
		goto done;
	}
	/* The last row may lack its line end; csv_fini ends it (or finds an open quote). */
	if (csv_fini(&parser, on_field, on_row, &st) != 0) {
		fail_at(&st, 0, "malformed CSV: a quoted field is not closed at the end of the input "
		        "(%s)", csv_strerror(csv_error(&parser)));
		goto done;
	}
	if (st.failed)
		goto done;
	if (st.rows == 0) {
		capplan_error_set(err, CAPPLAN_EX_DATAERR, "%s: empty input, no samples", st.name);
		goto done;
	}
	rc = 0;
done:
	if (parser_ready)
		csv_free(&parser);
	free(buf);
	capplan_strbuf_release(&st.first_text);
	free(st.first);
	free(st.handles);
	free(st.values);
	free(st.present);
	return rc;
}
