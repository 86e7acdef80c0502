/*
 * lib/model/forecast.c: what every forecasting method takes and gives.
 */
#include "model/forecast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
capplan_forecast_init(struct capplan_forecast *f, size_t h, struct capplan_error *err)
{
	double *block;

	memset(f, 0, sizeof(*f));
	/* One block for the five arrays: one allocation, one free. */
	block = malloc((h ? h : 1) * 5 * sizeof(double));
	if (!block)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < h * 5; i++)
		block[i] = NAN;
	f->h = h;
	f->yhat = block;
	f->lo80 = block + h;
	f->hi80 = block + 2 * h;
	f->lo95 = block + 3 * h;
	f->hi95 = block + 4 * h;
	return 0;
}

void
capplan_forecast_release(struct capplan_forecast *f)
{
	free(f->yhat);
	memset(f, 0, sizeof(*f));
}

void
capplan_fit_info_init(struct capplan_fit_info *info)
{
	memset(info, 0, sizeof(*info));
	for (size_t i = 0; i < CAPPLAN_FIT_MAX_PARAMS; i++)
		info->params[i] = NAN;
	info->sigma = NAN;
	info->sse = NAN;
}

void
capplan_fit_info_param(struct capplan_fit_info *info, const char *name, double value)
{
	if (info->nparams >= CAPPLAN_FIT_MAX_PARAMS)
		return;
	info->param_names[info->nparams] = name;
	info->params[info->nparams] = value;
	info->nparams++;
}
