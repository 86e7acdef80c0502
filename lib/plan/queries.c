/*
 * lib/plan/queries.c: the PromQL a plan asks capplan-ingest to load.
 */
#include "plan/queries.h"

#include <stdio.h>
#include <stdlib.h>

int
capplan_plan_queries(const struct capplan_plan *plan, struct capplan_plan_query **out, size_t *count,
                     struct capplan_error *err)
{
	size_t n = 0, max = plan->ndrivers + 2 * plan->nresources;
	struct capplan_plan_query *q = calloc(max ? max : 1, sizeof(*q));

	*out = NULL;
	*count = 0;
	if (!q)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t k = 0; k < plan->ndrivers; k++) {
		const struct capplan_driver *d = &plan->drivers[k];

		if (!d->query)
			continue;
		snprintf(q[n].where, sizeof(q[n].where), "drivers[%zu] (%s)", k, d->name);
		q[n].metric = d->metric;
		q[n++].query = d->query;
	}
	for (size_t r = 0; r < plan->nresources; r++) {
		const struct capplan_resource *res = &plan->resources[r];

		if (res->usage) {
			snprintf(q[n].where, sizeof(q[n].where), "resources[%zu] (%s) usage", r, res->name);
			q[n].metric = res->metric;
			q[n++].query = res->usage;
		}
		if (res->capacity_query) {
			snprintf(q[n].where, sizeof(q[n].where), "resources[%zu] (%s) capacity", r, res->name);
			q[n].metric = res->capacity_metric;
			q[n++].query = res->capacity_query;
		}
	}
	*out = q;
	*count = n;
	return 0;
}
