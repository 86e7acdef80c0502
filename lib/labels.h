/*
 * lib/labels.h: a series' label set, and its canonical forms.
 *
 * A series is identified by its metric name plus its canonical label set: the
 * labels other than __name__, sorted by name, each name once.  The canonical
 * label set is stored as JSON (jsonb in PostgreSQL).  Label values are data: any
 * UTF-8 text without NUL, including quotes, commas, newlines and SQL text; they
 * round-trip unchanged.  Label names are non-empty UTF-8 without NUL: the classic
 * [a-zA-Z_][a-zA-Z0-9_]* and, as Prometheus 3 allows, any other UTF-8 name.
 */
#ifndef CAPPLAN_LABELS_H
#define CAPPLAN_LABELS_H

#include <stddef.h>

#include "util/error.h"
#include "util/strbuf.h"

struct capplan_label {
	char *name;
	char *value;
};

struct capplan_labels {
	struct capplan_label *items;   /* sorted by name once capplan_labels_sort ran */
	size_t count;
	size_t cap;
};

#define CAPPLAN_LABELS_INIT { NULL, 0, 0 }

void capplan_labels_init(struct capplan_labels *l);
/* Free every name and value and the array; leaves an empty set. */
void capplan_labels_release(struct capplan_labels *l);
/* Remove all labels, keeping the array. */
void capplan_labels_clear(struct capplan_labels *l);

/*
 * Add a label, copying name and value (len bytes each; value may hold any
 * byte but NUL).  A name already present is an error ("duplicate label
 * \"NAME\"").  An empty name, or a name or value that is not UTF-8 without
 * NUL, is an error.  Returns 0
 * or -1 with err set (CAPPLAN_EX_DATAERR, no place: the caller adds it).
 */
int capplan_labels_add(struct capplan_labels *l, const char *name, size_t name_len,
                       const char *value, size_t value_len, struct capplan_error *err);

/* Set or replace a label (copying both); returns 0 or -1 on memory or a bad name. */
int capplan_labels_set(struct capplan_labels *l, const char *name, const char *value,
                       struct capplan_error *err);

/* The value of NAME, or NULL. */
const char *capplan_labels_get(const struct capplan_labels *l, const char *name);

/* Remove NAME if present, freeing it. */
void capplan_labels_remove(struct capplan_labels *l, const char *name);

/* Sort by name (byte order); the canonical order. */
void capplan_labels_sort(struct capplan_labels *l);

/* Copy src into dst (dst is cleared first).  Returns 0 or -1 (memory). */
int capplan_labels_copy(struct capplan_labels *dst, const struct capplan_labels *src,
                        struct capplan_error *err);

/*
 * Append the canonical JSON object to out: keys sorted, no spaces, strings
 * escaped per RFC 8259 (\" \\ and control characters; everything else as is,
 * UTF-8).  {"instance":"a","job":"node"}; an empty set is {}.  Sorts l first.
 * Returns 0 or -1 (memory, or a value that is not valid UTF-8: err set).
 */
int capplan_labels_to_json(struct capplan_labels *l, struct capplan_strbuf *out,
                           struct capplan_error *err);

/*
 * Append the series in Prometheus notation: metric{a="x",b="y\"z"} with values
 * escaped as the exposition format does (\\, \", \n).  metric may be NULL or "".
 * A label name that is not a classic identifier is written quoted ("http.status"="x").
 */
int capplan_labels_format_series(const char *metric, struct capplan_labels *l,
                                 struct capplan_strbuf *out);

/*
 * Parse Prometheus series notation, as Grafana writes it in CSV headers:
 *   node_filesystem_avail_bytes{instance="a",mountpoint="/"}
 *   {__name__="up",job="x"}        {instance="a"}        up
 *   {"http.status"="200"}          (Prometheus 3 quoted names)
 * Values are double-quoted with \\ \" \n escapes (single quotes and backquotes
 * are accepted too, as PromQL does); spaces around names, '=' and ',' are
 * allowed; a trailing comma is allowed.  *metric receives a malloc'd copy of
 * the name (from before the brace or from __name__), or NULL when there is
 * none; __name__ is not kept in labels.  Returns 0 or -1 with err set
 * (CAPPLAN_EX_DATAERR, "at character N: WHY").
 */
int capplan_labels_parse_series(const char *text, char **metric, struct capplan_labels *labels,
                                struct capplan_error *err);

/* Whether s (len bytes) is a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
int capplan_metric_name_valid(const char *s, size_t len);
/* Whether s (len bytes) is a valid label name: [a-zA-Z_][a-zA-Z0-9_]*. */
int capplan_label_name_valid(const char *s, size_t len);
/* Whether s (len bytes) is valid UTF-8 without NUL. */
int capplan_utf8_valid(const char *s, size_t len);

#endif
