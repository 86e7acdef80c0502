/*
 * lib/render/reprice.c: a model run's costs at the plan's prices.
 */
#include "render/reprice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/sizing.h"

static const struct capplan_resource *
plan_resource(const struct capplan_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->nresources; i++)
		if (strcmp(plan->resources[i].name, name) == 0)
			return &plan->resources[i];
	return NULL;
}

/*
 * A cost the run left out (NaN: no node capacity, or no node count for that
 * quarter) stays out; the others are the same node counts at the new price.
 */
static void
reprice_item(struct capplan_render_item *it, double unit_cost)
{
	it->unit_cost = unit_cost;
	if (isfinite(it->cost_quarter_current))
		it->cost_quarter_current = capplan_cost_quarterly(it->nodes, unit_cost);
	if (isfinite(it->cost_quarter1))
		it->cost_quarter1 = capplan_cost_quarterly(it->nodes_quarter1, unit_cost);
	if (isfinite(it->cost_quarter2))
		it->cost_quarter2 = capplan_cost_quarterly(it->nodes_quarter2, unit_cost);
	if (isfinite(it->rightsize_saving_monthly))
		it->rightsize_saving_monthly = capplan_cost_monthly(it->nodes - it->rightsize_nodes,
		                                                    unit_cost);
}

int
capplan_review_data_reprice(struct capplan_review_data *d, const struct capplan_plan *plan,
                            struct capplan_error *err)
{
	char *from;

	/* all or nothing: look every resource up before changing one */
	for (size_t i = 0; i < d->nitems; i++) {
		const char *name = d->items[i].resource;
		char q[CAPPLAN_QUOTE_BUFSZ];

		if (plan_resource(plan, name))
			continue;
		capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s: resources: no resource \"%s\", which run %lld"
		                  " assessed", plan->path ? plan->path : "plan",
		                  capplan_quote(q, sizeof(q), name, strlen(name)), (long long)d->run_id);
		return capplan_error_hint(err, "Render with the plan of that run, or run capplan-model"
		                          " --config with this one first.");
	}
	from = strdup(plan->path ? plan->path : "plan");
	if (!from)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < d->nitems; i++)
		reprice_item(&d->items[i], plan_resource(plan, d->items[i].resource)->unit_cost);
	memcpy(d->currency, plan->currency, sizeof(d->currency));
	free(d->prices_from);
	d->prices_from = from;
	return 0;
}
