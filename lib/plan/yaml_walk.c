/*
 * lib/plan/yaml_walk.c: walking a libyaml document with a key path.
 *
 * We use libyaml's document API: the whole file is small, and every node
 * keeps its start mark, so a check made long after parsing (a threshold
 * compared with a default, a driver named before it is known) can still name
 * its line and column.  libyaml's marks count from 0, lines and columns in
 * characters; messages print them from 1, as editors do.
 *
 * libyaml leaves to us what YAML calls schema checks: duplicate keys in a
 * map (the spec forbids them, libyaml keeps both), and the type of a scalar
 * (we look at its text, so "3" and 3 are the same number).
 */
#include "plan/yaml_walk.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/number.h"
#include "util/timeutil.h"

/* ---- parsing ---- */

/*
 * The 0-based line and column (in characters) of byte offset off, counting
 * line breaks as libyaml does (LF, CRLF, lone CR).
 */
static void
offset_place(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t l = 0, c = 0;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n' || (ch == '\r' && !(i + 1 < len && text[i + 1] == '\n'))) {
			l++;
			c = 0;
		} else if (ch != '\r' && (ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/* The byte at a 0-based line and column (in characters), or -1 when there is none. */
static int
byte_at(const char *text, size_t len, size_t line, size_t col)
{
	size_t i = 0, l = 0, c = 0;

	while (i < len && l < line) {
		if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < len && text[i + 1] == '\n')))
			l++;
		i++;
	}
	for (; i < len; i++) {
		if (((unsigned char)text[i] & 0xC0) == 0x80)
			continue;
		if (c++ == col)
			return (unsigned char)text[i];
	}
	return -1;
}

static int
parser_error(const yaml_parser_t *p, const char *name, const char *text, size_t len,
             struct capplan_error *err)
{
	size_t line, col;
	const char *problem = p->problem ? p->problem : "invalid YAML";

	switch (p->error) {
	case YAML_NO_ERROR:     /* libyaml fails some allocations without saying so */
	case YAML_MEMORY_ERROR:
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", name);
	case YAML_READER_ERROR:
		offset_place(text, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s (byte 0x%02X)",
			                         name, line + 1, col + 1, problem,
			                         (unsigned)p->problem_value & 0xFFu);
		return capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s", name, line + 1,
		                         col + 1, problem);
	default:
		break;
	}
	line = p->problem_mark.line;
	col = p->problem_mark.column;
	if (p->context)
		capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s (%s at %zu:%zu)", name,
		                  line + 1, col + 1, problem, p->context, p->context_mark.line + 1,
		                  p->context_mark.column + 1);
	else
		capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s", name, line + 1, col + 1,
		                  problem);
	if (byte_at(text, len, line, col) == '\t')
		capplan_error_hint(err, "YAML indents with spaces, not tabs");
	else if (strstr(problem, "mapping values are not allowed"))
		capplan_error_hint(err, "a value holding \": \" must be quoted: 'like: this'");
	return -1;
}

int
capplan_yaml_parse(const char *name, const char *text, size_t len, yaml_document_t *doc,
                   struct capplan_error *err)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	if (!yaml_parser_initialize(&parser))
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	/* On failure yaml_parser_load deletes the document itself. */
	if (!yaml_parser_load(&parser, doc)) {
		parser_error(&parser, name, text, len, err);
		goto done;
	}
	if (!yaml_document_get_root_node(doc)) {
		rc = 0;
		goto done;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		yaml_document_delete(doc);
		parser_error(&parser, name, text, len, err);
		goto done;
	}
	root = yaml_document_get_root_node(&extra);
	if (root) {
		capplan_error_set(err, CAPPLAN_EX_CONFIG,
		                  "%s:%zu:%zu: a second document; the file must hold one", name,
		                  root->start_mark.line + 1, root->start_mark.column + 1);
		yaml_document_delete(&extra);
		yaml_document_delete(doc);
		goto done;
	}
	yaml_document_delete(&extra);
	rc = 0;
done:
	yaml_parser_delete(&parser);
	return rc;
}

/* ---- the walk ---- */

void
capplan_yaml_walk_init(struct capplan_yaml_walk *w, yaml_document_t *doc, const char *name,
                       struct capplan_error *err)
{
	w->doc = doc;
	w->name = name;
	w->err = err;
	w->path[0] = '\0';
	w->pathlen = 0;
}

static void
path_append(struct capplan_yaml_walk *w, const char *s)
{
	size_t n = strlen(s);

	/* A path too long for the buffer is cut, never overrun. */
	if (w->pathlen + n >= sizeof(w->path))
		n = sizeof(w->path) - 1 - w->pathlen;
	memcpy(w->path + w->pathlen, s, n);
	w->pathlen += n;
	w->path[w->pathlen] = '\0';
}

static int
is_plain_key(const char *key, size_t len)
{
	if (len == 0 || len > CAPPLAN_QUOTE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

size_t
capplan_yaml_push_key(struct capplan_yaml_walk *w, const char *key, size_t len)
{
	size_t old = w->pathlen;
	char buf[CAPPLAN_QUOTE_BUFSZ + 4];

	if (w->pathlen > 0)
		path_append(w, ".");
	if (is_plain_key(key, len)) {
		memcpy(buf, key, len);
		buf[len] = '\0';
		path_append(w, buf);
	} else {
		char quoted[CAPPLAN_QUOTE_BUFSZ];

		snprintf(buf, sizeof(buf), "\"%s\"", capplan_quote(quoted, sizeof(quoted), key, len));
		path_append(w, buf);
	}
	return old;
}

size_t
capplan_yaml_push_index(struct capplan_yaml_walk *w, size_t i)
{
	size_t old = w->pathlen;
	char buf[32];

	snprintf(buf, sizeof(buf), "[%zu]", i);
	path_append(w, buf);
	return old;
}

void
capplan_yaml_pop(struct capplan_yaml_walk *w, size_t len)
{
	if (len <= w->pathlen) {
		w->pathlen = len;
		w->path[len] = '\0';
	}
}

static int fail_markv(struct capplan_yaml_walk *w, yaml_mark_t mark, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static int
fail_markv(struct capplan_yaml_walk *w, yaml_mark_t mark, const char *fmt, va_list ap)
{
	char what[CAPPLAN_ERROR_MAX];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (w->pathlen > 0)
		return capplan_error_set(w->err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s: %s", w->name,
		                         mark.line + 1, mark.column + 1, w->path, what);
	return capplan_error_set(w->err, CAPPLAN_EX_CONFIG, "%s:%zu:%zu: %s", w->name,
	                         mark.line + 1, mark.column + 1, what);
}

int
capplan_yaml_fail_mark(struct capplan_yaml_walk *w, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_markv(w, mark, fmt, ap);
	va_end(ap);
	return -1;
}

int
capplan_yaml_fail(struct capplan_yaml_walk *w, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_markv(w, at->start_mark, fmt, ap);
	va_end(ap);
	return -1;
}

int
capplan_yaml_no_memory(struct capplan_yaml_walk *w)
{
	return capplan_error_set(w->err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", w->name);
}

yaml_node_t *
capplan_yaml_node(const struct capplan_yaml_walk *w, int index)
{
	return yaml_document_get_node(w->doc, index);
}

int
capplan_yaml_is_null(const yaml_node_t *node)
{
	const char *s;

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)node->data.scalar.value;
	return strcmp(s, "") == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *
capplan_yaml_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a map";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_SCALAR_NODE:
		return capplan_yaml_is_null(node) ? "nothing" : "a string";
	default:
		return "nothing";
	}
}

const char *
capplan_yaml_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* ---- maps ---- */

/* Levenshtein distance of a and b, or more than max when it is more (short strings only). */
static size_t
edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[33];

	if (la > 32 || lb > 32)
		return max + 1;
	if (la > lb + max || lb > la + max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

int
capplan_yaml_free_map(struct capplan_yaml_walk *w, const yaml_node_t *node)
{
	const yaml_node_pair_t *start, *top;

	if (node->type != YAML_MAPPING_NODE)
		return capplan_yaml_fail(w, node, "expected a map, got %s", capplan_yaml_kind(node));
	start = node->data.mapping.pairs.start;
	top = node->data.mapping.pairs.top;
	for (const yaml_node_pair_t *p = start; p < top; p++) {
		const yaml_node_t *key = capplan_yaml_node(w, p->key);
		size_t len;

		if (key->type != YAML_SCALAR_NODE)
			return capplan_yaml_fail(w, key, "expected a key name, got %s",
			                         capplan_yaml_kind(key));
		len = key->data.scalar.length;
		if (memchr(key->data.scalar.value, '\0', len))
			return capplan_yaml_fail(w, key, "a key holds a NUL character");
		for (const yaml_node_pair_t *q = start; q < p; q++) {
			const yaml_node_t *other = capplan_yaml_node(w, q->key);

			if (other->type == YAML_SCALAR_NODE && other->data.scalar.length == len &&
			    memcmp(other->data.scalar.value, key->data.scalar.value, len) == 0) {
				capplan_yaml_push_key(w, capplan_yaml_text(key), len);
				return capplan_yaml_fail(w, key, "duplicate key (first at line %zu)",
				                         other->start_mark.line + 1);
			}
		}
	}
	return 0;
}

static int
unknown_key(struct capplan_yaml_walk *w, const yaml_node_t *key,
            const struct capplan_yaml_field *fields, size_t n)
{
	char allowed[CAPPLAN_ERROR_MAX / 2];
	char guess[96] = "";
	size_t used = 0;
	const char *text = capplan_yaml_text(key);

	allowed[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(allowed + used, sizeof(allowed) - used, "%s%s", i ? ", " : "",
		                 fields[i].key);

		if (k < 0 || (size_t)k >= sizeof(allowed) - used)
			break;
		used += (size_t)k;
	}
	/* A guess: one or two letters off, or the start of a key ("warn"). */
	for (size_t i = 0; i < n && !guess[0]; i++)
		if (strlen(text) > 2 && (edit_distance(text, fields[i].key, 2) <= 2 ||
		                         strncmp(fields[i].key, text, strlen(text)) == 0))
			snprintf(guess, sizeof(guess), " (did you mean \"%s\"?)", fields[i].key);
	capplan_yaml_push_key(w, text, key->data.scalar.length);
	return capplan_yaml_fail(w, key, "unknown key%s; allowed: %s", guess, allowed);
}

int
capplan_yaml_map(struct capplan_yaml_walk *w, const yaml_node_t *node,
                 struct capplan_yaml_field *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fields[i].keynode = NULL;
		fields[i].value = NULL;
	}
	if (capplan_yaml_free_map(w, node) < 0)
		return -1;
	for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
	     p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *key = capplan_yaml_node(w, p->key);
		yaml_node_t *value = capplan_yaml_node(w, p->value);
		size_t i;

		for (i = 0; i < n; i++)
			if (strlen(fields[i].key) == key->data.scalar.length &&
			    strcmp(fields[i].key, capplan_yaml_text(key)) == 0)
				break;
		if (i == n)
			return unknown_key(w, key, fields, n);
		fields[i].keynode = key;
		fields[i].value = capplan_yaml_is_null(value) ? NULL : value;
	}
	return 0;
}

int
capplan_yaml_list(struct capplan_yaml_walk *w, const yaml_node_t *node)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return capplan_yaml_fail(w, node, "expected a list, got %s", capplan_yaml_kind(node));
	return 0;
}

int
capplan_yaml_require(struct capplan_yaml_walk *w, const yaml_node_t *map,
                     const struct capplan_yaml_field *f)
{
	if (f->value)
		return 0;
	if (f->keynode) {
		capplan_yaml_push_key(w, f->key, strlen(f->key));
		return capplan_yaml_fail(w, f->keynode, "has no value");
	}
	return capplan_yaml_fail(w, map, "missing key \"%s\"", f->key);
}

/* ---- scalars ---- */

int
capplan_yaml_scalar(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                    const char *what, const char **text, size_t *mark)
{
	const yaml_node_t *v = f->value;
	size_t old;

	if (!v)
		return 0;
	old = capplan_yaml_push_key(w, f->key, strlen(f->key));
	if (v->type != YAML_SCALAR_NODE) {
		capplan_yaml_fail(w, v, "expected %s, got %s", what, capplan_yaml_kind(v));
		capplan_yaml_pop(w, old);
		return -1;
	}
	if (memchr(v->data.scalar.value, '\0', v->data.scalar.length)) {
		capplan_yaml_fail(w, v, "holds a NUL character");
		capplan_yaml_pop(w, old);
		return -1;
	}
	*text = capplan_yaml_text(v);
	*mark = old;
	return 1;
}

/* "\"TEXT\"" quoted for a message into buf (CAPPLAN_QUOTE_BUFSZ bytes). */
static const char *
quoted(char *buf, const char *text)
{
	return capplan_quote(buf, CAPPLAN_QUOTE_BUFSZ, text, strlen(text));
}

int
capplan_yaml_get_string(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                        char **out)
{
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(w, f, "a string", &text, &mark);
	char *copy;

	if (rc <= 0)
		return rc;
	if (*text == '\0')
		return capplan_yaml_fail(w, f->value, "must not be empty");
	copy = strdup(text);
	if (!copy)
		return capplan_yaml_no_memory(w);
	capplan_yaml_pop(w, mark);
	free(*out);
	*out = copy;
	return 1;
}

int
capplan_yaml_get_int(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f, long min,
                     long max, long *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	const char *text, *p;
	size_t mark;
	int rc = capplan_yaml_scalar(w, f, "a whole number", &text, &mark);
	char *end;
	long v;

	if (rc <= 0)
		return rc;
	p = text + (*text == '+' || *text == '-');
	if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
		return capplan_yaml_fail(w, f->value, "expected a whole number, got \"%s\"",
		                         quoted(q, text));
	/* Out of range, strtol gives LONG_MIN or LONG_MAX: below min or above max. */
	v = strtol(text, &end, 10);
	if (v < min)
		return capplan_yaml_fail(w, f->value, "must be at least %ld, got %s", min,
		                         quoted(q, text));
	if (v > max)
		return capplan_yaml_fail(w, f->value, "must be at most %ld, got %s", max,
		                         quoted(q, text));
	capplan_yaml_pop(w, mark);
	*out = v;
	return 1;
}

int
capplan_yaml_get_number(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                        double *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(w, f, "a number", &text, &mark);
	double v;

	if (rc <= 0)
		return rc;
	if (capplan_value_parse(text, strlen(text), &v) < 0 || !isfinite(v))
		return capplan_yaml_fail(w, f->value, "expected a number, got \"%s\"",
		                         quoted(q, text));
	capplan_yaml_pop(w, mark);
	*out = v;
	return 1;
}

int
capplan_yaml_get_duration(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                          int64_t *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	struct capplan_error tmp;
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(w, f, "a duration", &text, &mark);
	int64_t ms;

	if (rc <= 0)
		return rc;
	/* capplan_duration_parse reads a bare number as seconds; in a plan that is a slip. */
	if (strspn(text, "0123456789.+-") == strlen(text))
		return capplan_yaml_fail(w, f->value,
		                         "expected a duration with a unit (90d, 12h, 30m), got \"%s\"",
		                         quoted(q, text));
	if (capplan_duration_parse(text, &ms, &tmp) < 0)
		return capplan_yaml_fail(w, f->value, "%s", tmp.msg);
	capplan_yaml_pop(w, mark);
	*out = ms;
	return 1;
}

int
capplan_yaml_get_time(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                      int64_t *out)
{
	struct capplan_error tmp;
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(w, f, "a date or an RFC 3339 time", &text, &mark);
	int64_t ms;

	if (rc <= 0)
		return rc;
	if (capplan_time_parse(text, &ms, &tmp) < 0)
		return capplan_yaml_fail(w, f->value, "%s", tmp.msg);
	capplan_yaml_pop(w, mark);
	*out = ms;
	return 1;
}
