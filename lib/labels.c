/*
 * lib/labels.c: a series' label set, and its canonical forms.
 *
 * A set is a plain array searched linearly: a series has a handful of labels
 * (rarely more than 20), where a hash or a tree would cost more than it saves.
 */
#include "labels.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of a label name an error message quotes. */

/* The state of capplan_labels_parse_series. */
struct series_parser {
	const char *text;
	size_t pos;                   /* byte offset of the next character */
	char *metric;                 /* malloc'd, or NULL */
	struct capplan_labels *labels;
	struct capplan_strbuf name;   /* the label name being read, unquoted */
	struct capplan_strbuf value;  /* its value, unquoted */
	struct capplan_error *err;
};

static int parse_fail(struct series_parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ASCII only: <ctype.h> answers per locale, and these grammars are not localised. */
static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_label_start(char c)
{
	return is_alpha(c) || c == '_';
}

static int
is_label_char(char c)
{
	return is_label_start(c) || is_digit(c);
}

static int
is_metric_start(char c)
{
	return is_label_start(c) || c == ':';
}

static int
is_metric_char(char c)
{
	return is_label_char(c) || c == ':';
}

/* Whitespace as the PromQL lexer has it. */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_quote(char c)
{
	return c == '"' || c == '\'' || c == '`';
}

int
capplan_metric_name_valid(const char *s, size_t len)
{
	if (len == 0 || !is_metric_start(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_metric_char(s[i]))
			return 0;
	return 1;
}

int
capplan_label_name_valid(const char *s, size_t len)
{
	if (len == 0 || !is_label_start(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_label_char(s[i]))
			return 0;
	return 1;
}

/*
 * Strict UTF-8 (RFC 3629): no overlong forms, no UTF-16 surrogates, nothing
 * above U+10FFFF, as PostgreSQL's UTF-8 text would refuse them.
 */
int
capplan_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		unsigned char lo = 0x80, hi = 0xBF;   /* the range of the second byte */
		size_t more;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
		} else if (c == 0xE0) {
			more = 2;
			lo = 0xA0;
		} else if (c == 0xED) {
			more = 2;
			hi = 0x9F;
		} else if (c >= 0xE1 && c <= 0xEF) {
			more = 2;
		} else if (c == 0xF0) {
			more = 3;
			lo = 0x90;
		} else if (c >= 0xF1 && c <= 0xF3) {
			more = 3;
		} else if (c == 0xF4) {
			more = 3;
			hi = 0x8F;
		} else {
			return 0;
		}
		if (len - i - 1 < more || p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= more; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return 0;
		i += more + 1;
	}
	return 1;
}

static int
out_of_memory(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* A NUL-terminated malloc'd copy of s[0, len), or NULL. */
static char *
copy_bytes(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		if (len)
			memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Undo what a failed append wrote: out is as the caller passed it. */
static void
truncate_to(struct capplan_strbuf *out, size_t len)
{
	out->len = len;
	if (out->data)
		out->data[len] = '\0';
}

/* Index of the label called name[0, len), or l->count. */
static size_t
find_label(const struct capplan_labels *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->count; i++)
		if (strncmp(l->items[i].name, name, len) == 0 && l->items[i].name[len] == '\0')
			return i;
	return l->count;
}

static int
labels_reserve(struct capplan_labels *l, size_t extra)
{
	struct capplan_label *items;
	size_t cap;

	if (extra <= l->cap - l->count)
		return 0;
	if (extra > SIZE_MAX / sizeof(*items) / 2 - l->count)
		return -1;
	cap = l->cap ? l->cap : 8;
	while (cap < l->count + extra)
		cap *= 2;
	items = realloc(l->items, cap * sizeof(*items));
	if (!items)
		return -1;
	l->items = items;
	l->cap = cap;
	return 0;
}

static int
check_name(const char *name, size_t len, struct capplan_error *err)
{
	if (len == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "empty label name");
	if (memchr(name, '\0', len))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "label name contains a NUL byte");
	if (!capplan_utf8_valid(name, len))
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "label name is not valid UTF-8");
	return 0;
}

/* The name is valid already: the message names it. */
static int
check_value(const char *name, size_t name_len, const char *value, size_t len,
            struct capplan_error *err)
{
	char quoted[CAPPLAN_QUOTE_BUFSZ];
	const char *why;

	if (memchr(value, '\0', len))
		why = "contains a NUL byte";
	else if (!capplan_utf8_valid(value, len))
		why = "is not valid UTF-8";
	else
		return 0;
	capplan_quote(quoted, sizeof(quoted), name, name_len);
	return capplan_error_set(err, CAPPLAN_EX_DATAERR, "value of label \"%s\" %s", quoted, why);
}

void
capplan_labels_init(struct capplan_labels *l)
{
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

void
capplan_labels_release(struct capplan_labels *l)
{
	capplan_labels_clear(l);
	free(l->items);
	capplan_labels_init(l);
}

void
capplan_labels_clear(struct capplan_labels *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].name);
		free(l->items[i].value);
	}
	l->count = 0;
}

int
capplan_labels_add(struct capplan_labels *l, const char *name, size_t name_len,
                   const char *value, size_t value_len, struct capplan_error *err)
{
	struct capplan_label *item;
	char quoted[CAPPLAN_QUOTE_BUFSZ];

	if (check_name(name, name_len, err) < 0 ||
	    check_value(name, name_len, value, value_len, err) < 0)
		return -1;
	if (find_label(l, name, name_len) < l->count) {
		capplan_quote(quoted, sizeof(quoted), name, name_len);
		return capplan_error_set(err, CAPPLAN_EX_DATAERR, "duplicate label \"%s\"", quoted);
	}
	if (labels_reserve(l, 1) < 0)
		return out_of_memory(err);
	item = &l->items[l->count];
	item->name = copy_bytes(name, name_len);
	item->value = copy_bytes(value, value_len);
	if (!item->name || !item->value) {
		free(item->name);
		free(item->value);
		return out_of_memory(err);
	}
	l->count++;
	return 0;
}

int
capplan_labels_set(struct capplan_labels *l, const char *name, const char *value,
                   struct capplan_error *err)
{
	size_t name_len = strlen(name), value_len = strlen(value), i;
	char *copy;

	if (check_name(name, name_len, err) < 0 ||
	    check_value(name, name_len, value, value_len, err) < 0)
		return -1;
	i = find_label(l, name, name_len);
	if (i == l->count)
		return capplan_labels_add(l, name, name_len, value, value_len, err);
	copy = copy_bytes(value, value_len);
	if (!copy)
		return out_of_memory(err);
	free(l->items[i].value);
	l->items[i].value = copy;
	return 0;
}

const char *
capplan_labels_get(const struct capplan_labels *l, const char *name)
{
	size_t i = find_label(l, name, strlen(name));

	return i < l->count ? l->items[i].value : NULL;
}

void
capplan_labels_remove(struct capplan_labels *l, const char *name)
{
	size_t i = find_label(l, name, strlen(name));

	if (i == l->count)
		return;
	free(l->items[i].name);
	free(l->items[i].value);
	/* Shift rather than swap in the last one, so a sorted set stays sorted. */
	memmove(&l->items[i], &l->items[i + 1], (l->count - i - 1) * sizeof(l->items[0]));
	l->count--;
}

static int
compare_labels(const void *a, const void *b)
{
	const struct capplan_label *la = a;
	const struct capplan_label *lb = b;

	/* strcmp compares as unsigned char: byte order, as PostgreSQL's "C" collation. */
	return strcmp(la->name, lb->name);
}

void
capplan_labels_sort(struct capplan_labels *l)
{
	if (l->count > 1)
		qsort(l->items, l->count, sizeof(l->items[0]), compare_labels);
}

int
capplan_labels_copy(struct capplan_labels *dst, const struct capplan_labels *src,
                    struct capplan_error *err)
{
	if (dst == src)
		return 0;
	capplan_labels_clear(dst);
	if (labels_reserve(dst, src->count) < 0)
		return out_of_memory(err);
	for (size_t i = 0; i < src->count; i++) {
		struct capplan_label *item = &dst->items[i];

		item->name = copy_bytes(src->items[i].name, strlen(src->items[i].name));
		item->value = copy_bytes(src->items[i].value, strlen(src->items[i].value));
		if (!item->name || !item->value) {
			free(item->name);
			free(item->value);
			capplan_labels_clear(dst);
			return out_of_memory(err);
		}
		dst->count++;
	}
	return 0;
}

/*
 * Append s as a JSON string: \" \\ and the control characters escaped (the
 * short forms where JSON has one), everything else as is.  Runs of plain
 * bytes are appended in one piece.
 */
static int
append_json_string(struct capplan_strbuf *out, const char *s)
{
	const char *run = s;

	if (capplan_strbuf_append_char(out, '"') < 0)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		default: snprintf(esc, sizeof(esc), "\\u%04x", c); break;
		}
		if (capplan_strbuf_append(out, run, (size_t)(s - run)) < 0 ||
		    capplan_strbuf_append_str(out, esc) < 0)
			return -1;
		run = s + 1;
	}
	if (capplan_strbuf_append(out, run, (size_t)(s - run)) < 0 ||
	    capplan_strbuf_append_char(out, '"') < 0)
		return -1;
	return 0;
}

int
capplan_labels_to_json(struct capplan_labels *l, struct capplan_strbuf *out,
                       struct capplan_error *err)
{
	size_t start = out->len;

	capplan_labels_sort(l);
	/*
	 * The items are public and may have been filled by hand: check them
	 * all before writing, so that a bad set leaves out as it was.  A
	 * duplicate would be silently dropped by jsonb; sorted, it is adjacent.
	 */
	for (size_t i = 0; i < l->count; i++) {
		const char *name = l->items[i].name;
		const char *value = l->items[i].value;

		if (check_name(name, strlen(name), err) < 0 ||
		    check_value(name, strlen(name), value, strlen(value), err) < 0)
			return -1;
		if (i > 0 && strcmp(l->items[i - 1].name, name) == 0) {
			char quoted[CAPPLAN_QUOTE_BUFSZ];

			capplan_quote(quoted, sizeof(quoted), name, strlen(name));
			return capplan_error_set(err, CAPPLAN_EX_DATAERR, "duplicate label \"%s\"",
			                         quoted);
		}
	}

	if (capplan_strbuf_append_char(out, '{') < 0)
		goto oom;
	for (size_t i = 0; i < l->count; i++) {
		if ((i > 0 && capplan_strbuf_append_char(out, ',') < 0) ||
		    append_json_string(out, l->items[i].name) < 0 ||
		    capplan_strbuf_append_char(out, ':') < 0 ||
		    append_json_string(out, l->items[i].value) < 0)
			goto oom;
	}
	if (capplan_strbuf_append_char(out, '}') < 0)
		goto oom;
	return 0;

oom:
	truncate_to(out, start);
	return out_of_memory(err);
}

/* Append s double-quoted with the exposition format's escapes: \\ \" \n. */
static int
append_prom_string(struct capplan_strbuf *out, const char *s)
{
	const char *run = s;

	if (capplan_strbuf_append_char(out, '"') < 0)
		return -1;
	for (; *s; s++) {
		const char *esc;

		switch (*s) {
		case '\\': esc = "\\\\"; break;
		case '"': esc = "\\\""; break;
		case '\n': esc = "\\n"; break;
		default: continue;
		}
		if (capplan_strbuf_append(out, run, (size_t)(s - run)) < 0 ||
		    capplan_strbuf_append(out, esc, 2) < 0)
			return -1;
		run = s + 1;
	}
	if (capplan_strbuf_append(out, run, (size_t)(s - run)) < 0 ||
	    capplan_strbuf_append_char(out, '"') < 0)
		return -1;
	return 0;
}

int
capplan_labels_format_series(const char *metric, struct capplan_labels *l,
                             struct capplan_strbuf *out)
{
	size_t start = out->len;
	int has_metric = metric && *metric;
	int classic = has_metric && capplan_metric_name_valid(metric, strlen(metric));
	int first = 1;

	capplan_labels_sort(l);
	if (classic && capplan_strbuf_append_str(out, metric) < 0)
		goto oom;
	/* A bare classic name is the whole series: "up", not "up{}". */
	if (classic && l->count == 0)
		return 0;
	if (capplan_strbuf_append_char(out, '{') < 0)
		goto oom;
	/*
	 * A metric name that is not classic cannot stand before the brace;
	 * __name__ says the same thing in a form capplan_labels_parse_series
	 * (and PromQL) read back.
	 */
	if (has_metric && !classic) {
		if (capplan_strbuf_append_str(out, "__name__=") < 0 ||
		    append_prom_string(out, metric) < 0)
			goto oom;
		first = 0;
	}
	for (size_t i = 0; i < l->count; i++) {
		const char *name = l->items[i].name;

		if (!first && capplan_strbuf_append_char(out, ',') < 0)
			goto oom;
		first = 0;
		if (capplan_label_name_valid(name, strlen(name))) {
			if (capplan_strbuf_append_str(out, name) < 0)
				goto oom;
		} else if (append_prom_string(out, name) < 0) {
			goto oom;
		}
		if (capplan_strbuf_append_char(out, '=') < 0 ||
		    append_prom_string(out, l->items[i].value) < 0)
			goto oom;
	}
	if (capplan_strbuf_append_char(out, '}') < 0)
		goto oom;
	return 0;

oom:
	truncate_to(out, start);
	return -1;
}

/*
 * Series notation, by recursive descent:
 *
 *   series  = space [metric] space ["{" space [labels] "}" space]
 *   labels  = label space {"," space label space} ["," space]
 *   label   = (name | string) space "=" space string
 *   string  = '"' ... '"' | "'" ... "'" | "`" ... "`"
 *
 * Positions in messages count characters (UTF-8 sequences), from 1.
 */

static size_t
char_number(const char *text, size_t at)
{
	size_t n = 1;

	for (size_t i = 0; i < at; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int
parse_fail(struct series_parser *p, size_t at, const char *fmt, ...)
{
	char why[CAPPLAN_ERROR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return capplan_error_set(p->err, CAPPLAN_EX_DATAERR, "at character %zu: %s",
	                         char_number(p->text, at), why);
}

static void
skip_space(struct series_parser *p)
{
	while (is_space(p->text[p->pos]))
		p->pos++;
}

/*
 * A quoted string at p->pos, unquoted into dst.  Double and single quotes
 * take PromQL's escapes \\ \" \' \n \t \r; backquotes take none, as in Go.
 */
static int
parse_string(struct series_parser *p, struct capplan_strbuf *dst)
{
	const char *s = p->text;
	size_t open = p->pos, i = p->pos + 1, run = i;
	char quote = s[open];

	capplan_strbuf_reset(dst);
	/* So that dst->data is "" rather than NULL for an empty string. */
	if (capplan_strbuf_append(dst, "", 0) < 0)
		return out_of_memory(p->err);
	for (;;) {
		char c = s[i], unescaped;

		if (c == '\0')
			return parse_fail(p, open, "unterminated quoted string");
		if (c == quote)
			break;
		if (c != '\\' || quote == '`') {
			i++;
			continue;
		}
		switch (s[i + 1]) {
		case '\\': unescaped = '\\'; break;
		case '"': unescaped = '"'; break;
		case '\'': unescaped = '\''; break;
		case 'n': unescaped = '\n'; break;
		case 't': unescaped = '\t'; break;
		case 'r': unescaped = '\r'; break;
		case '\0':
			return parse_fail(p, open, "unterminated quoted string");
		default:
			if (s[i + 1] > ' ' && s[i + 1] < 0x7F)
				return parse_fail(p, i, "invalid escape sequence '\\%c'", s[i + 1]);
			return parse_fail(p, i, "invalid escape sequence");
		}
		if (capplan_strbuf_append(dst, s + run, i - run) < 0 ||
		    capplan_strbuf_append_char(dst, unescaped) < 0)
			return out_of_memory(p->err);
		i += 2;
		run = i;
	}
	if (capplan_strbuf_append(dst, s + run, i - run) < 0)
		return out_of_memory(p->err);
	p->pos = i + 1;
	return 0;
}

/* One name="value" pair; __name__ becomes the metric. */
static int
parse_label(struct series_parser *p)
{
	const char *s = p->text;
	size_t name_at = p->pos, value_at;

	if (is_quote(s[p->pos])) {
		if (parse_string(p, &p->name) < 0)
			return -1;
	} else if (is_label_start(s[p->pos])) {
		while (is_label_char(s[p->pos]))
			p->pos++;
		capplan_strbuf_reset(&p->name);
		if (capplan_strbuf_append(&p->name, s + name_at, p->pos - name_at) < 0)
			return out_of_memory(p->err);
	} else {
		return parse_fail(p, p->pos, "expected a label name or '}'");
	}
	skip_space(p);
	if (s[p->pos] != '=')
		return parse_fail(p, p->pos, "expected '=' after label name");
	p->pos++;
	skip_space(p);
	value_at = p->pos;
	if (!is_quote(s[p->pos]))
		return parse_fail(p, p->pos, "expected a quoted label value");
	if (parse_string(p, &p->value) < 0)
		return -1;

	if (strcmp(capplan_strbuf_str(&p->name), "__name__") == 0) {
		if (p->metric)
			return parse_fail(p, name_at, "metric name given twice");
		if (p->value.len == 0)
			return parse_fail(p, value_at, "empty metric name");
		if (!capplan_utf8_valid(p->value.data, p->value.len))
			return parse_fail(p, value_at, "metric name is not valid UTF-8");
		p->metric = copy_bytes(p->value.data, p->value.len);
		if (!p->metric)
			return out_of_memory(p->err);
		return 0;
	}
	if (capplan_labels_add(p->labels, p->name.data, p->name.len, p->value.data, p->value.len,
	                       p->err) < 0)
		return capplan_error_prefix(p->err, "at character %zu", char_number(s, name_at));
	return 0;
}

/* The labels after '{', through the closing '}'. */
static int
parse_label_list(struct series_parser *p)
{
	for (;;) {
		skip_space(p);
		/* Right after '{', or after a comma: PromQL allows a trailing one. */
		if (p->text[p->pos] == '}') {
			p->pos++;
			return 0;
		}
		if (parse_label(p) < 0)
			return -1;
		skip_space(p);
		if (p->text[p->pos] == '}') {
			p->pos++;
			return 0;
		}
		if (p->text[p->pos] != ',')
			return parse_fail(p, p->pos, "expected ',' or '}' after label value");
		p->pos++;
	}
}

static int
parse_series(struct series_parser *p)
{
	const char *s = p->text;
	size_t at;

	skip_space(p);
	at = p->pos;
	if (is_metric_start(s[p->pos])) {
		while (is_metric_char(s[p->pos]))
			p->pos++;
		p->metric = copy_bytes(s + at, p->pos - at);
		if (!p->metric)
			return out_of_memory(p->err);
		skip_space(p);
		if (s[p->pos] != '{' && s[p->pos] != '\0')
			return parse_fail(p, p->pos, "expected '{' or the end after the metric name");
	} else if (s[p->pos] != '{') {
		return parse_fail(p, p->pos, "expected a metric name or '{'");
	}
	if (s[p->pos] == '{') {
		p->pos++;
		if (parse_label_list(p) < 0)
			return -1;
		skip_space(p);
		if (s[p->pos] != '\0')
			return parse_fail(p, p->pos, "unexpected text after '}'");
	}
	return 0;
}

int
capplan_labels_parse_series(const char *text, char **metric, struct capplan_labels *labels,
                            struct capplan_error *err)
{
	struct series_parser p;
	int rc;

	p.text = text;
	p.pos = 0;
	p.metric = NULL;
	p.labels = labels;
	capplan_strbuf_init(&p.name);
	capplan_strbuf_init(&p.value);
	p.err = err;

	*metric = NULL;
	capplan_labels_clear(labels);
	rc = parse_series(&p);
	capplan_strbuf_release(&p.name);
	capplan_strbuf_release(&p.value);
	if (rc < 0) {
		/* Nothing half-done reaches the caller. */
		free(p.metric);
		capplan_labels_clear(labels);
		return -1;
	}
	capplan_labels_sort(labels);
	*metric = p.metric;
	return 0;
}
