/*
 * lib/util/strbuf.c: a growable byte buffer, always NUL-terminated.
 */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
capplan_strbuf_init(struct capplan_strbuf *sb)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
}

void
capplan_strbuf_release(struct capplan_strbuf *sb)
{
	free(sb->data);
	capplan_strbuf_init(sb);
}

void
capplan_strbuf_reset(struct capplan_strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

int
capplan_strbuf_reserve(struct capplan_strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 / 2 - sb->len)
		return -1;
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->data, cap);
	if (!p)
		return -1;
	sb->data = p;
	sb->cap = cap;
	return 0;
}

int
capplan_strbuf_append(struct capplan_strbuf *sb, const void *data, size_t len)
{
	if (capplan_strbuf_reserve(sb, len) < 0)
		return -1;
	if (len)
		memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
	return 0;
}

int
capplan_strbuf_append_str(struct capplan_strbuf *sb, const char *s)
{
	return capplan_strbuf_append(sb, s, strlen(s));
}

int
capplan_strbuf_append_char(struct capplan_strbuf *sb, char c)
{
	return capplan_strbuf_append(sb, &c, 1);
}

int
capplan_strbuf_appendf(struct capplan_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || capplan_strbuf_reserve(sb, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

const char *
capplan_strbuf_str(const struct capplan_strbuf *sb)
{
	return sb->data ? sb->data : "";
}

char *
capplan_strbuf_detach(struct capplan_strbuf *sb)
{
	char *p = sb->data;

	if (!p)
		p = calloc(1, 1);
	capplan_strbuf_init(sb);
	return p;
}
