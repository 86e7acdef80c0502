/*
 * lib/util/number.h: sample values as Prometheus writes them.
 */
#ifndef CAPPLAN_UTIL_NUMBER_H
#define CAPPLAN_UTIL_NUMBER_H

#include <stddef.h>

/*
 * Parse a sample value: decimal or exponent form ("42", "-0", "1e+30",
 * "5e-324", ".5"), "NaN", "+Inf", "-Inf", "Inf" (NaN and Inf in any case).
 * The text is len bytes, not NUL-terminated; no spaces, no hex, nothing after
 * the number.  Returns 0 and sets *value, or -1 when the text is not a value.
 */
int capplan_value_parse(const char *text, size_t len, double *value);

#endif
