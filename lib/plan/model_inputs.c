/*
 * lib/plan/model_inputs.c: what capplan-model takes from the plan.
 */
#include "plan/model_inputs.h"

#include <stdlib.h>
#include <string.h>

static int
listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int
capplan_plan_model_inputs_init(struct capplan_plan_model_inputs *in, const struct capplan_plan *plan,
                               struct capplan_error *err)
{
	size_t total_links = 0;

	memset(in, 0, sizeof(*in));
	for (size_t r = 0; r < plan->nresources; r++)
		total_links += plan->resources[r].ndrivers;
	in->metrics = calloc(plan->nresources + plan->ndrivers + 1, sizeof(*in->metrics));
	in->driver_metrics = calloc(plan->ndrivers + 1, sizeof(*in->driver_metrics));
	in->links = calloc(plan->nresources + 1, sizeof(*in->links));
	in->link_drivers = calloc(total_links + 1, sizeof(*in->link_drivers));
	if (!in->metrics || !in->driver_metrics || !in->links || !in->link_drivers) {
		capplan_plan_model_inputs_release(in);
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	}
	for (size_t r = 0; r < plan->nresources; r++)
		if (!listed(in->metrics, in->nmetrics, plan->resources[r].metric))
			in->metrics[in->nmetrics++] = plan->resources[r].metric;
	for (size_t k = 0; k < plan->ndrivers; k++) {
		in->driver_metrics[in->ndriver_metrics++] = plan->drivers[k].metric;
		if (!listed(in->metrics, in->nmetrics, plan->drivers[k].metric))
			in->metrics[in->nmetrics++] = plan->drivers[k].metric;
	}
	total_links = 0;
	for (size_t r = 0; r < plan->nresources; r++) {
		const struct capplan_resource *res = &plan->resources[r];
		struct capplan_model_link *l;

		if (res->ndrivers == 0)
			continue;
		l = &in->links[in->nlinks++];
		l->metric = res->metric;
		l->drivers = in->link_drivers + total_links;
		l->ndrivers = res->ndrivers;
		memcpy(in->link_drivers + total_links, res->drivers, res->ndrivers * sizeof(size_t));
		total_links += res->ndrivers;
	}
	return 0;
}

void
capplan_plan_model_inputs_release(struct capplan_plan_model_inputs *in)
{
	free(in->metrics);
	free(in->driver_metrics);
	free(in->links);
	free(in->link_drivers);
	memset(in, 0, sizeof(*in));
}
