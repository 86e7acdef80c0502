/*
 * lib/util/error.c: error values that carry an exit status and a place.
 */
#include "util/error.h"

#include "labels.h"

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

const char *
capplan_quote(char *dst, size_t dstsz, const char *text, size_t len)
{
	int utf8 = capplan_utf8_valid(text, len);
	size_t n = len > CAPPLAN_QUOTE_MAX ? CAPPLAN_QUOTE_MAX : len;
	size_t o = 0;

	if (utf8 && n < len)
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	for (size_t i = 0; i < n && o + 5 < dstsz; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			dst[o++] = '\\';
			dst[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) {
			o += (size_t)snprintf(dst + o, dstsz - o, "\\x%02x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	if (n < len && o + 4 <= dstsz) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

int
capplan_error_usage(struct capplan_error *err, const char *progname, const char *what,
                    const char *arg)
{
	capplan_error_set(err, CAPPLAN_EX_USAGE, "%s%s", arg ? arg : "", what);
	return capplan_error_hint(err, "Try \"%s --help\" for more information.", progname);
}

int
capplan_error_report(FILE *fp, const char *progname, const struct capplan_error *err)
{
	fprintf(fp, "%s: %s\n", progname, err->msg);
	if (err->hint[0])
		fprintf(fp, "%s\n", err->hint);
	return err->status ? err->status : CAPPLAN_EX_SOFTWARE;
}
