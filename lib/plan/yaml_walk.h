/*
 * lib/plan/yaml_walk.h: walking a libyaml document with a key path, for
 * configuration files whose every error names "FILE:LINE:COLUMN: KEY.PATH".
 *
 * A walk keeps the key path of the node being read ("resources[2].thresholds"),
 * so that every message says where it is twice: the line and column of the
 * node (from libyaml's marks, printed 1-based) and the path of keys to it
 * (list entries counted from 0).  Errors have status CAPPLAN_EX_CONFIG.
 *
 * Null values (an empty value, ~, null) count as absent.  Numbers may be
 * quoted or not: the text of the scalar is what counts, not its YAML tag.
 */
#ifndef CAPPLAN_PLAN_YAML_WALK_H
#define CAPPLAN_PLAN_YAML_WALK_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "util/error.h"

#define CAPPLAN_YAML_PATH_MAX 512

struct capplan_yaml_walk {
	yaml_document_t *doc;
	const char *name;                   /* the file, in messages */
	struct capplan_error *err;
	char path[CAPPLAN_YAML_PATH_MAX];   /* "" at the top */
	size_t pathlen;
};

/* A key a map may hold; capplan_yaml_map fills in the two nodes. */
struct capplan_yaml_field {
	const char *key;
	yaml_node_t *keynode;   /* the key, when present */
	yaml_node_t *value;     /* its value, when present and not null */
};

void capplan_yaml_walk_init(struct capplan_yaml_walk *w, yaml_document_t *doc, const char *name,
                            struct capplan_error *err);

/*
 * Parse len bytes of YAML into doc: exactly one document, which may be empty
 * (then doc has no root node).  Returns 0, or -1 with err set to
 * "NAME:LINE:COLUMN: WHAT" from libyaml's report (CAPPLAN_EX_CONFIG), or
 * CAPPLAN_EX_SOFTWARE when memory runs out.  On success the caller deletes doc.
 */
int capplan_yaml_parse(const char *name, const char *text, size_t len, yaml_document_t *doc,
                       struct capplan_error *err);

/* Add ".key" (or "key" at the top) or "[i]" to the path; returns the length to pop back to. */
size_t capplan_yaml_push_key(struct capplan_yaml_walk *w, const char *key, size_t len);
size_t capplan_yaml_push_index(struct capplan_yaml_walk *w, size_t i);
void capplan_yaml_pop(struct capplan_yaml_walk *w, size_t len);

/* Set err to "NAME:LINE:COLUMN: PATH: WHAT" at node (or at mark); returns -1. */
int capplan_yaml_fail(struct capplan_yaml_walk *w, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int capplan_yaml_fail_mark(struct capplan_yaml_walk *w, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Out of memory: "NAME: out of memory", CAPPLAN_EX_SOFTWARE; returns -1. */
int capplan_yaml_no_memory(struct capplan_yaml_walk *w);

/* The node at a 1-based index of the document (from a pair or a sequence item). */
yaml_node_t *capplan_yaml_node(const struct capplan_yaml_walk *w, int index);

/* Whether node is a null scalar: empty, ~, null, Null or NULL, unquoted. */
int capplan_yaml_is_null(const yaml_node_t *node);
/* "a map", "a list", "a string" (for "expected ..., got ..."). */
const char *capplan_yaml_kind(const yaml_node_t *node);
/* The scalar's text (NUL-terminated by libyaml). */
const char *capplan_yaml_text(const yaml_node_t *node);

/*
 * Check that node is a map whose keys are strings, each once, all among
 * fields[0..n); fill in each field's keynode and value (NULL when absent).
 * Errors: "expected a map, got a list", "unknown key; allowed: a, b, c" (at the
 * key, with a guess when a key is one or two letters off), "duplicate key
 * (first at line N)".  The path is not changed.  Returns 0 or -1.
 */
int capplan_yaml_map(struct capplan_yaml_walk *w, const yaml_node_t *node,
                     struct capplan_yaml_field *fields, size_t n);
/* The same for a map with keys of the user's choosing (labels, multipliers). */
int capplan_yaml_free_map(struct capplan_yaml_walk *w, const yaml_node_t *node);
/* A list, or -1 with "expected a list, got ...". */
int capplan_yaml_list(struct capplan_yaml_walk *w, const yaml_node_t *node);

/*
 * A required field: 0 when it has a value; otherwise -1 with "missing key
 * \"KEY\"" at map (when the key is absent) or "KEY: has no value" at the key.
 */
int capplan_yaml_require(struct capplan_yaml_walk *w, const yaml_node_t *map,
                         const struct capplan_yaml_field *f);

/*
 * A field's scalar text: 1 and *text, 0 when the field is absent, or -1 when
 * it is not a scalar ("expected WHAT, got a map") or holds a NUL byte.  The
 * path has the field's key on return when the result is 1 (pop it back to
 * *mark); unchanged otherwise.
 */
int capplan_yaml_scalar(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                        const char *what, const char **text, size_t *mark);

/*
 * Typed fields: 1 when set, 0 when absent (out untouched), -1 on error.
 * string: a copy (malloc'd; never ""), the caller frees it.
 * integer: decimal digits with an optional sign, in [min, max].
 * number: decimal or exponent form, finite.
 * duration: Prometheus syntax with a unit, > 0 (a bare number is refused).
 * time: RFC 3339, a date, or Unix seconds.
 */
int capplan_yaml_get_string(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                            char **out);
int capplan_yaml_get_int(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                         long min, long max, long *out);
int capplan_yaml_get_number(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                            double *out);
int capplan_yaml_get_duration(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                              int64_t *out);
int capplan_yaml_get_time(struct capplan_yaml_walk *w, const struct capplan_yaml_field *f,
                          int64_t *out);

#endif
