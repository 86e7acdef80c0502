/*
 * lib/model/baselines.h: the naive and seasonal-naive forecasts.
 *
 * Every series is scored with both, so that a method that cannot beat them
 * is visible.  Intervals are the textbook ones for these random-walk models
 * (Hyndman and Athanasopoulos, Forecasting: Principles and Practice, 5.5):
 * naive, sigma * sqrt(h); seasonal naive, sigma * sqrt(floor((h - 1) / m) + 1),
 * sigma being the standard deviation of the in-sample one-step (or
 * one-season) differences.
 */
#ifndef CAPPLAN_MODEL_BASELINES_H
#define CAPPLAN_MODEL_BASELINES_H

#include "model/forecast.h"

/* The last finite value, carried forward. */
int capplan_naive_forecast(const struct capplan_fit_input *in, size_t h, struct capplan_forecast *out,
                           struct capplan_fit_info *info, struct capplan_error *err);

/* The value one period (in->period) earlier; the last finite one of that phase. */
int capplan_snaive_forecast(const struct capplan_fit_input *in, size_t h,
                            struct capplan_forecast *out, struct capplan_fit_info *info,
                            struct capplan_error *err);

#endif
