/*
 * lib/util/ksum.h: compensated summation (Neumaier's variant of Kahan's).
 *
 * The fits sum millions of terms of very different sizes (disk bytes near
 * 1e12 against residuals near 1); a plain running sum loses the small ones.
 */
#ifndef CAPPLAN_UTIL_KSUM_H
#define CAPPLAN_UTIL_KSUM_H

#include <math.h>

struct capplan_ksum {
	double s;   /* the running sum */
	double c;   /* what rounding took from it */
};

#define CAPPLAN_KSUM_INIT { 0, 0 }

static inline void
capplan_ksum_add(struct capplan_ksum *k, double v)
{
	double t = k->s + v;

	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static inline double
capplan_ksum_value(const struct capplan_ksum *k)
{
	return k->s + k->c;
}

#endif
