/*
 * lib/render/reprice.h: a model run's costs at the plan's prices.
 *
 * A model run stores what each resource costs at the unit costs of the plan
 * it was made with.  Prices change more often than capacity does, and finance
 * should not need a new model run to see a new price:
 * capplan-render --config prices the run's node counts (today's, and what the
 * quarter under way and the next need) and its right-sizing savings at the
 * plan's unit costs and currency.  Levels, sizes and thresholds stay the
 * run's: they were assessed against its plan.
 */
#ifndef CAPPLAN_RENDER_REPRICE_H
#define CAPPLAN_RENDER_REPRICE_H

#include "plan/config.h"
#include "render/review_data.h"
#include "util/error.h"

/*
 * Every resource series of d is priced at the unit cost of the plan's
 * resource of the same name, in the plan's currency, and d->prices_from is
 * set to the plan's path.  0, or -1 with err set and d unchanged:
 * CAPPLAN_EX_CONFIG when a resource the run assessed is not in the plan.
 */
int capplan_review_data_reprice(struct capplan_review_data *d, const struct capplan_plan *plan,
                                struct capplan_error *err);

#endif
