/*
 * lib/model/score.h: how good a forecast was, once the actual values are known.
 */
#ifndef CAPPLAN_MODEL_SCORE_H
#define CAPPLAN_MODEL_SCORE_H

#include <stddef.h>

/*
 * The scale of MASE (Hyndman and Koehler 2006): the mean absolute lag-m
 * difference of the training values (m = 1 without a season), NaN pairs
 * left out.  NaN when there is no pair, or when every difference is zero.
 */
double capplan_mase_scale(const double *train, size_t n, size_t m);

/*
 * Mean absolute scaled error of forecast[0..h) against actual[0..h), NaN
 * actuals left out; NaN when no actual is finite or scale is not positive.
 */
double capplan_mase(const double *actual, const double *forecast, size_t h, double scale);

/* The share of finite actuals inside [lo, hi]; NaN when none is finite. */
double capplan_coverage(const double *actual, const double *lo, const double *hi, size_t h);

#endif
