/*
 * lib/plan/model_inputs.h: what capplan-model takes from the plan.
 *
 * With --config, capplan-model models the usage series of every resource
 * and every driver series of the plan, and gives each resource's forest the
 * drivers the plan names for it (lib/model/drivers.h).  The history and
 * horizon defaults come from the plan too; that part is the command's.
 */
#ifndef CAPPLAN_PLAN_MODEL_INPUTS_H
#define CAPPLAN_PLAN_MODEL_INPUTS_H

#include <stddef.h>

#include "model/run.h"
#include "plan/config.h"
#include "util/error.h"

struct capplan_plan_model_inputs {
	const char **metrics;              /* the resources' usage metrics, then the drivers', each once */
	size_t nmetrics;
	const char **driver_metrics;       /* per plan driver, in the plan's order */
	size_t ndriver_metrics;
	struct capplan_model_link *links;  /* per resource with drivers */
	size_t nlinks;
	size_t *link_drivers;              /* the links' driver indexes, one block */
};

/*
 * Fill in from plan; the strings are the plan's (keep it alive as long as
 * in).  0, or -1 with err set (out of memory).
 */
int capplan_plan_model_inputs_init(struct capplan_plan_model_inputs *in,
                                   const struct capplan_plan *plan, struct capplan_error *err);

void capplan_plan_model_inputs_release(struct capplan_plan_model_inputs *in);

#endif
