/*
 * lib/plan/queries.h: the PromQL a plan asks capplan-ingest to load.
 *
 * Every driver with a query, every resource's usage query and its capacity
 * query (when the capacity is a series, not a number), each with the name
 * its series are stored under and its place in the plan for messages.
 */
#ifndef CAPPLAN_PLAN_QUERIES_H
#define CAPPLAN_PLAN_QUERIES_H

#include <stddef.h>

#include "plan/config.h"
#include "util/error.h"

struct capplan_plan_query {
	char where[160];           /* "resources[2] (validator-disk) usage" */
	const char *metric;        /* stored name: the plan's metric, capacity_metric or driver metric */
	const char *query;         /* PromQL */
};

/*
 * The plan's queries in plan order (drivers, then per resource usage and
 * capacity) into *out (malloc'd array; the strings are the plan's) and *count.
 * 0, or -1 with err set (out of memory).
 */
int capplan_plan_queries(const struct capplan_plan *plan, struct capplan_plan_query **out,
                         size_t *count, struct capplan_error *err);

#endif
