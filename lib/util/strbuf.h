/*
 * lib/util/strbuf.h: a growable byte buffer, always NUL-terminated.
 */
#ifndef CAPPLAN_UTIL_STRBUF_H
#define CAPPLAN_UTIL_STRBUF_H

#include <stddef.h>

struct capplan_strbuf {
	char *data;     /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define CAPPLAN_STRBUF_INIT { NULL, 0, 0 }

void capplan_strbuf_init(struct capplan_strbuf *sb);
void capplan_strbuf_release(struct capplan_strbuf *sb);
/* Empty it, keeping the memory. */
void capplan_strbuf_reset(struct capplan_strbuf *sb);
/* Appends return 0, or -1 when memory runs out (the buffer is unchanged). */
int capplan_strbuf_reserve(struct capplan_strbuf *sb, size_t extra);
int capplan_strbuf_append(struct capplan_strbuf *sb, const void *data, size_t len);
int capplan_strbuf_append_str(struct capplan_strbuf *sb, const char *s);
int capplan_strbuf_append_char(struct capplan_strbuf *sb, char c);
int capplan_strbuf_appendf(struct capplan_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The text, "" when empty (never NULL). */
const char *capplan_strbuf_str(const struct capplan_strbuf *sb);
/* Hand the memory over to the caller (who frees it); the buffer is left empty. */
char *capplan_strbuf_detach(struct capplan_strbuf *sb);

#endif
