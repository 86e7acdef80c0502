/*
 * lib/model/score.c: how good a forecast was, once the actual values are known.
 */
#include "model/score.h"

#include <math.h>

double
capplan_mase_scale(const double *train, size_t n, size_t m)
{
	double sum = 0;
	size_t k = 0;

	if (m == 0)
		m = 1;
	for (size_t i = m; i < n; i++) {
		if (isnan(train[i]) || isnan(train[i - m]))
			continue;
		sum += fabs(train[i] - train[i - m]);
		k++;
	}
	if (k == 0 || sum == 0)
		return NAN;
	return sum / (double)k;
}

double
capplan_mase(const double *actual, const double *forecast, size_t h, double scale)
{
	double sum = 0;
	size_t k = 0;

	if (!(scale > 0))
		return NAN;
	for (size_t i = 0; i < h; i++) {
		if (isnan(actual[i]))
			continue;
		sum += fabs(actual[i] - forecast[i]);
		k++;
	}
	return k ? sum / (double)k / scale : NAN;
}

double
capplan_coverage(const double *actual, const double *lo, const double *hi, size_t h)
{
	size_t in = 0, k = 0;

	for (size_t i = 0; i < h; i++) {
		if (isnan(actual[i]))
			continue;
		k++;
		if (actual[i] >= lo[i] && actual[i] <= hi[i])
			in++;
	}
	return k ? (double)in / (double)k : NAN;
}
