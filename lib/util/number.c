/*
 * lib/util/number.c: sample values as Prometheus writes them.
 */
#include "util/number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longer than any double Prometheus writes (%.17g-like forms are ~25 bytes). */
#define VALUE_MAX_LEN 64

int
capplan_value_parse(const char *text, size_t len, double *value)
{
	char buf[VALUE_MAX_LEN + 1];
	const char *p;
	char *end;
	double v;

	if (len == 0 || len > VALUE_MAX_LEN)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (memchr(buf, '\0', len))
		return -1;

	p = buf + (buf[0] == '+' || buf[0] == '-');
	if (strcasecmp(p, "nan") == 0) {
		if (p != buf)
			return -1;   /* Prometheus never signs NaN */
		*value = NAN;
		return 0;
	}
	if (strcasecmp(p, "inf") == 0) {
		*value = buf[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	/*
	 * strtod also takes hex floats, "infinity", "nan(...)" and leading
	 * spaces; only plain decimal notation is a Prometheus value.
	 */
	for (const char *q = p; *q; q++)
		if (!strchr("0123456789.eE+-", *q))
			return -1;
	if (!(p[0] >= '0' && p[0] <= '9') && !(p[0] == '.' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	errno = 0;
	v = strtod(buf, &end);
	if (*end != '\0')
		return -1;
	/* Overflow to ±HUGE_VAL is an error; underflow to a denormal or zero is a value. */
	if (errno == ERANGE && isinf(v))
		return -1;
	*value = v;
	return 0;
}
