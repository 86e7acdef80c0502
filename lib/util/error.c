/*
 * lib/util/error.c: error values that carry an exit status and a place.
 */
#include "util/error.h"

#include <stdio.h>
#include <string.h>

void
capplan_error_clear(struct capplan_error *err)
{
	err->status = 0;
	err->msg[0] = '\0';
	err->hint[0] = '\0';
}

int
capplan_error_setv(struct capplan_error *err, int status, const char *fmt, va_list ap)
{
	err->status = status;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	err->hint[0] = '\0';
	return -1;
}

int
capplan_error_set(struct capplan_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	capplan_error_setv(err, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
capplan_error_prefix(struct capplan_error *err, const char *fmt, ...)
{
	char prefix[CAPPLAN_ERROR_MAX];
	char old[CAPPLAN_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	if (err->status == 0)
		err->status = CAPPLAN_EX_SOFTWARE;
	return -1;
}

int
capplan_error_hint(struct capplan_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return -1;
}
