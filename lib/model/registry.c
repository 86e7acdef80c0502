/*
 * lib/model/registry.c: the forecasting methods capplan knows, by name.
 */
#include "model/registry.h"

#include <string.h>

#include "model/baselines.h"
#include "model/exponential.h"
#include "model/forest.h"
#include "model/holt_winters.h"
#include "model/linear.h"
#include "model/seasonal.h"

static const struct capplan_method_desc methods[] = {
	{ "linear", capplan_linear_forecast, 0, 0 },
	{ "exponential", capplan_exponential_forecast, 0, 0 },
	{ "seasonal", capplan_seasonal_forecast, 1, 0 },
	{ "holt-winters", capplan_holt_winters_forecast, 1, 0 },
	{ "forest", capplan_forest_forecast, 0, 0 },
	{ "naive", capplan_naive_forecast, 0, 1 },
	{ "seasonal-naive", capplan_snaive_forecast, 1, 1 },
};

const struct capplan_method_desc *
capplan_methods(size_t *count)
{
	*count = sizeof(methods) / sizeof(methods[0]);
	return methods;
}

const struct capplan_method_desc *
capplan_method_find(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	return NULL;
}
