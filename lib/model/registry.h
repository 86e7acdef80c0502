/*
 * lib/model/registry.h: the forecasting methods capplan knows, by name.
 */
#ifndef CAPPLAN_MODEL_REGISTRY_H
#define CAPPLAN_MODEL_REGISTRY_H

#include <stddef.h>

#include "model/select.h"

/* Every method, baselines last; *count receives how many. */
const struct capplan_method_desc *capplan_methods(size_t *count);

/* The method called name ("linear", "holt-winters", "seasonal-naive", ...), or NULL. */
const struct capplan_method_desc *capplan_method_find(const char *name);

#endif
