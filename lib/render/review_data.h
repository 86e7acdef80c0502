/*
 * lib/render/review_data.h: everything the review packet shows, read once.
 *
 * capplan-render reads one model run from PostgreSQL into this structure
 * (lib/render/review_data.c) and hands it to each writer: the PDF packet
 * (pdf_packet.c), the finance workbook (xlsx_budget.c), the alerting feed and
 * summary (textfile.c).  The writers never touch the database, so each can be
 * tested with a structure built in memory.
 *
 * Times are ms since the epoch, UTC; 0 means "none" (not within the horizon,
 * no order-by date).  Numbers that are unknown are NaN; counts that are
 * unknown are -1.  Strings are UTF-8, never NULL ("" when absent), and are
 * data: label values and names may hold quotes, newlines, '=' or anything
 * else, and every writer must escape them for its format.
 */
#ifndef CAPPLAN_RENDER_REVIEW_DATA_H
#define CAPPLAN_RENDER_REVIEW_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "util/error.h"

/*
 * What a writer makes of the data: the whole quarterly review, or only its
 * forecast-vs-actual part (the monthly check-in: the PDF section and the
 * workbook sheet, in files of their own).
 */
enum capplan_render_part { CAPPLAN_PART_REVIEW, CAPPLAN_PART_ACCURACY };

/* One day of a series: for charts (history and forecast at a glance). */
struct capplan_day {
	int64_t ts;                /* the day's start, 00:00 UTC */
	double mean, max;          /* of the samples, or of the forecast's yhat */
	double lo80, hi80;         /* forecast days: the day's lowest lo80, highest hi80 */
	double lo95, hi95;         /* forecast days: likewise; NaN for history days */
};

/* The levels in the order of urgency (the worse the larger). */
enum capplan_render_level {
	CAPPLAN_RENDER_HEALTHY,
	CAPPLAN_RENDER_WARNING,
	CAPPLAN_RENDER_CRITICAL,
	CAPPLAN_RENDER_EMERGENCY,
	CAPPLAN_RENDER_UNKNOWN
};

/* One assessed resource series (a row of capplan.assessments) with its days. */
struct capplan_render_item {
	char *resource, *service, *kind, *unit;   /* unit: bytes, bytes_per_second, cores, ratio,
	                                             percent, count, requests_per_second, seconds */
	char *metric;
	char *labels_json;                        /* {"instance":"a",...}; "{}" for none */
	char *labels_text;                        /* instance="a", job="b" (for people); "" for none */
	char *method;                             /* chosen forecast method; "" when none */
	char *note;                               /* why the level is unknown; "" otherwise */
	enum capplan_render_level level, level_utilisation, level_exhaustion;
	double current, capacity, utilisation, peak_30d, p95_30d, headroom;
	double threshold_warning, threshold_critical, threshold_emergency;   /* fractions: 0.70 ... */
	double days_to_warning, days_to_critical, days_to_full;              /* NaN: not within the horizon */
	double days_to_full_pessimistic, days_to_full_optimistic;
	int64_t warning_at, critical_at, full_at, full_at_pessimistic, full_at_optimistic;
	int64_t order_by_warning, order_by_critical, order_by_full, nodes_order_by;
	bool order_by_passed;
	int64_t lead_time_ms;
	double growth_per_day, growth_per_month, growth_rate_monthly, months_to_exhaustion;
	long nodes, redundancy, nodes_needed, nodes_to_add;
	double node_capacity, headroom_target, forecast_peak;
	bool rightsize;
	double rightsize_capacity, rightsize_saving_monthly;
	long rightsize_nodes;
	double unit_cost, cost_quarter_current, cost_quarter1, cost_quarter2;
	long nodes_quarter1, nodes_quarter2;
	/* the last 12 months (daily), then the chosen forecast (daily) */
	struct capplan_day *history;
	size_t nhistory;
	struct capplan_day *forecast;
	size_t nforecast;
};

/* One scenario for one resource series (capplan.scenario_results). */
struct capplan_render_scenario {
	char *scenario, *type;                    /* type: multiplier, spike, growth */
	size_t item;                              /* index into items */
	double factor, demand, capacity_needed;
	long nodes_full_load, nodes_needed, nodes_to_add;
	int64_t exhausts_at;                      /* 0: not within the horizon */
};

/* An earlier forecast against what happened (capplan.forecast_accuracy), per resource series. */
struct capplan_render_accuracy {
	size_t item;                              /* index into items */
	int64_t run_id, forecast_as_of, first_ts, last_ts;
	char *method;
	long points;
	double mae, mape, bias, coverage80, coverage95;
	/* the earlier forecast's daily yhat/lo95/hi95 over [first_ts, last_ts], and the actuals' daily mean */
	struct capplan_day *forecast, *actual;
	size_t nforecast, nactual;
};

struct capplan_review_data {
	int64_t run_id;
	int64_t as_of_ms;
	int year, quarter;                        /* the calendar quarter holding as_of: 2026, 4 */
	int64_t quarter_start_ms[2];              /* the quarter under way and the next (the cost columns) */
	char currency[4];                         /* "USD" */
	char *version;                            /* capplan version of the run */
	char *prices_from;                        /* the plan that priced it (render --config);
	                                             NULL: the run's own plan */
	struct capplan_render_item *items;        /* sorted by urgency: level (worst first), then days to full */
	size_t nitems;
	struct capplan_render_scenario *scenarios;   /* by scenario (plan order), then item */
	size_t nscenarios;
	struct capplan_render_accuracy *accuracy;
	size_t naccuracy;
};

/*
 * Read run run_id (0: the newest succeeded run that has assessments).  0, or
 * -1 with err set: CAPPLAN_EX_NOINPUT when there is no such run (the hint
 * says to run capplan-model --config), CAPPLAN_EX_UNAVAILABLE for a lost
 * database.  data is released again on failure.
 */
int capplan_review_data_load(struct capplan_db *db, int64_t run_id, struct capplan_review_data *data,
                             struct capplan_error *err);

void capplan_review_data_release(struct capplan_review_data *data);

/* "healthy", "warning", "critical", "emergency", "unknown". */
const char *capplan_render_level_name(enum capplan_render_level level);

#endif
