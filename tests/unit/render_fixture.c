/*
 * tests/unit/render_fixture.c: a review in memory, for the writers' tests.
 */
#include "render_fixture.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DAY INT64_C(86400000)
#define AS_OF INT64_C(1790812800000)   /* 2026-10-01T00:00:00Z */
#define GIB 1073741824.0
#define TIB (1024 * GIB)

static char *
dup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static void *
zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

/* A year of daily history and 180 days of forecast of a line with a weekly wobble. */
static void
days(struct capplan_render_item *it, double now, double per_day, double wobble, double band)
{
	it->nhistory = 365;
	it->history = zalloc(it->nhistory, sizeof(*it->history));
	for (size_t i = 0; i < it->nhistory; i++) {
		struct capplan_day *d = &it->history[i];
		double back = (double)(it->nhistory - i);

		d->ts = AS_OF - (int64_t)(it->nhistory - i) * DAY;
		d->mean = now - per_day * back + wobble * sin((double)i * 2 * M_PI / 7);
		d->max = d->mean + wobble / 2;
		d->lo80 = d->hi80 = d->lo95 = d->hi95 = NAN;
	}
	it->nforecast = 180;
	it->forecast = zalloc(it->nforecast, sizeof(*it->forecast));
	for (size_t k = 0; k < it->nforecast; k++) {
		struct capplan_day *d = &it->forecast[k];
		double ahead = (double)(k + 1), spread = band * sqrt(ahead / 30.0);

		d->ts = AS_OF + (int64_t)k * DAY;
		d->mean = now + per_day * ahead;
		d->max = d->mean + wobble / 2;
		d->lo80 = d->mean - 0.65 * spread;
		d->hi80 = d->max + 0.65 * spread;
		d->lo95 = d->mean - spread;
		d->hi95 = d->max + spread;
	}
}

static void
item(struct capplan_render_item *it, const char *resource, const char *service, const char *kind,
     const char *unit, const char *metric, const char *labels_json, const char *labels_text)
{
	memset(it, 0, sizeof(*it));
	it->resource = dup(resource);
	it->service = dup(service);
	it->kind = dup(kind);
	it->unit = dup(unit);
	it->metric = dup(metric);
	it->labels_json = dup(labels_json);
	it->labels_text = dup(labels_text);
	it->method = dup("linear");
	it->note = dup("");
	it->threshold_warning = 0.70;
	it->threshold_critical = 0.85;
	it->threshold_emergency = 0.95;
	it->lead_time_ms = 30 * DAY;
	it->redundancy = 2;
	it->headroom_target = 0.25;
	it->nodes_needed = it->nodes_to_add = it->rightsize_nodes = -1;
	it->nodes_quarter1 = it->nodes_quarter2 = -1;
	it->days_to_warning = it->days_to_critical = it->days_to_full = NAN;
	it->days_to_full_pessimistic = it->days_to_full_optimistic = NAN;
	it->rightsize_capacity = it->rightsize_saving_monthly = NAN;
	it->months_to_exhaustion = NAN;
}

/* The derived numbers of an item from current, capacity and growth per day. */
static void
derive(struct capplan_render_item *it, double current, double capacity, double per_day)
{
	it->current = current;
	it->capacity = capacity;
	it->utilisation = current / capacity;
	it->peak_30d = current * 1.01;
	it->p95_30d = current * 0.99;
	it->headroom = (capacity - it->peak_30d) / capacity;
	it->growth_per_day = per_day;
	it->growth_per_month = per_day * 30.4375;
	it->growth_rate_monthly = it->growth_per_month / current;
	it->forecast_peak = current + (per_day > 0 ? per_day * 180 : 0);
	/* crossings only within the 180-day horizon, as capplan-model stores them */
	if (per_day > 0 && (capacity - current) / per_day <= 180) {
		it->days_to_full = (capacity - current) / per_day;
		it->full_at = AS_OF + (int64_t)(it->days_to_full * DAY);
		it->order_by_full = it->full_at - it->lead_time_ms;
		it->months_to_exhaustion = log(capacity / current) / log(1 + it->growth_rate_monthly);
		if (current < it->threshold_critical * capacity) {
			it->days_to_critical = (it->threshold_critical * capacity - current) / per_day;
			it->critical_at = AS_OF + (int64_t)(it->days_to_critical * DAY);
			it->order_by_critical = it->critical_at - it->lead_time_ms;
		}
	}
	it->order_by_passed = it->order_by_full && it->order_by_full <= AS_OF;
}

void
render_fixture_build(struct capplan_review_data *d)
{
	struct capplan_render_item *it;

	memset(d, 0, sizeof(*d));
	d->run_id = 7;
	d->as_of_ms = AS_OF;
	d->year = 2026;
	d->quarter = 4;
	d->quarter_start_ms[0] = AS_OF;
	d->quarter_start_ms[1] = INT64_C(1798761600000);   /* 2027-01-01 */
	memcpy(d->currency, "USD", 4);
	d->version = dup("0.1.0");
	d->nitems = 5;
	d->items = zalloc(d->nitems, sizeof(*d->items));

	/* 0: emergency disk, hostile names */
	it = &d->items[0];
	item(it, RENDER_FIXTURE_HOSTILE_RESOURCE, "validator", "disk", "bytes", "disk_used_bytes",
	     "{\"instance\":\"" "a \\\"quoted\\\"\\\\ value\\nline two \xc3\xa9" "\"}",
	     "instance=\"a \\\"quoted\\\"\\\\ value\\nline two \xc3\xa9\"");
	it->level = it->level_utilisation = CAPPLAN_RENDER_EMERGENCY;
	it->level_exhaustion = CAPPLAN_RENDER_EMERGENCY;
	it->nodes = 3;
	it->node_capacity = 4 * TIB / 3;
	it->unit_cost = 40;
	derive(it, 3.85 * TIB, 4 * TIB, 6 * GIB);
	it->nodes_needed = 6;
	it->nodes_to_add = 3;
	it->nodes_order_by = AS_OF - 10 * DAY;
	it->cost_quarter_current = 3 * 40 * 3;
	it->nodes_quarter1 = 5;
	it->cost_quarter1 = 5 * 40 * 3;
	it->nodes_quarter2 = 6;
	it->cost_quarter2 = 6 * 40 * 3;
	days(it, it->current, it->growth_per_day, 20 * GIB, 50 * GIB);

	/* 1: critical memory */
	it = &d->items[1];
	item(it, "provider-memory", "provider", "memory", "bytes", "provider_memory_used_bytes", "{}", "");
	it->level = it->level_utilisation = CAPPLAN_RENDER_CRITICAL;
	it->level_exhaustion = CAPPLAN_RENDER_WARNING;
	it->nodes = 10;
	it->node_capacity = 256 * GIB;
	it->unit_cost = 310;
	derive(it, 2240 * GIB, 2560 * GIB, 4 * GIB);
	it->nodes_needed = 16;
	it->nodes_to_add = 6;
	it->cost_quarter_current = 10 * 310 * 3;
	it->nodes_quarter1 = 14;
	it->cost_quarter1 = 14 * 310 * 3;
	it->nodes_quarter2 = 16;
	it->cost_quarter2 = 16 * 310 * 3;
	days(it, it->current, it->growth_per_day, 30 * GIB, 60 * GIB);

	/* 2: warning API traffic */
	it = &d->items[2];
	item(it, "api-requests", "api", "api_requests", "requests_per_second", "api_requests_per_second",
	     "{}", "");
	it->method = (free(it->method), dup("holt-winters"));
	it->level = it->level_utilisation = CAPPLAN_RENDER_WARNING;
	it->level_exhaustion = CAPPLAN_RENDER_HEALTHY;
	it->nodes = 2;
	it->node_capacity = 1000;
	it->unit_cost = 280;
	derive(it, 1480, 2000, 2.5);
	it->nodes_needed = 5;
	it->nodes_to_add = 3;
	it->cost_quarter_current = 2 * 280 * 3;
	it->nodes_quarter1 = 4;
	it->cost_quarter1 = 4 * 280 * 3;
	it->nodes_quarter2 = 5;
	it->cost_quarter2 = 5 * 280 * 3;
	days(it, it->current, it->growth_per_day, 300, 150);

	/* 3: healthy, over-provisioned deployment slots: a right-sizing */
	it = &d->items[3];
	item(it, "provider-deployments", "provider", "deployment_slots", "count",
	     "provider_deployments_active", "{}", "");
	it->level = it->level_utilisation = it->level_exhaustion = CAPPLAN_RENDER_HEALTHY;
	it->nodes = 10;
	it->node_capacity = 10;
	it->unit_cost = 350;
	derive(it, 24, 100, 0.02);
	it->nodes_needed = 6;
	it->nodes_to_add = 0;
	it->rightsize = true;
	it->rightsize_nodes = 6;
	it->rightsize_capacity = 60;
	it->rightsize_saving_monthly = 4 * 350;
	it->cost_quarter_current = 10 * 350 * 3;
	it->nodes_quarter1 = 6;
	it->cost_quarter1 = 6 * 350 * 3;
	it->nodes_quarter2 = 6;
	it->cost_quarter2 = 6 * 350 * 3;
	days(it, it->current, it->growth_per_day, 3, 4);

	/* 4: unknown: no samples in 30 days */
	it = &d->items[4];
	item(it, "api-db-connections", "api", "db_connections", "count", "pg_stat_activity_count",
	     "{\"instance\":\"db-1\"}", "instance=\"db-1\"");
	it->method = (free(it->method), dup(""));
	it->note = (free(it->note), dup("no sample in the 30 days up to as_of"));
	it->level = it->level_utilisation = it->level_exhaustion = CAPPLAN_RENDER_UNKNOWN;
	it->current = it->utilisation = it->peak_30d = it->p95_30d = it->headroom = NAN;
	it->growth_per_day = it->growth_per_month = it->growth_rate_monthly = NAN;
	it->capacity = 400;
	it->nodes = 1;
	it->node_capacity = NAN;
	it->cost_quarter_current = it->cost_quarter1 = it->cost_quarter2 = NAN;

	/* scenarios: launch and viral spike on items 0-3, organic growth on all */
	{
		static const struct {
			const char *name, *type;
			double factor;
		} sc[] = { { "mainnet launch", "multiplier", 10 }, { "viral event", "spike", 100 },
		           { "organic growth", "growth", 1.1 } };
		size_t n = 0;

		d->nscenarios = 3 * 4;
		d->scenarios = zalloc(d->nscenarios, sizeof(*d->scenarios));
		for (size_t s = 0; s < 3; s++)
			for (size_t i = 0; i < 4; i++) {
				struct capplan_render_scenario *r = &d->scenarios[n++];
				const struct capplan_render_item *x = &d->items[i];

				r->scenario = dup(sc[s].name);
				r->type = dup(sc[s].type);
				r->item = i;
				r->factor = i == 0 && s < 2 ? 1 : sc[s].factor;
				r->demand = x->current * r->factor;
				r->capacity_needed = r->demand / (1 - x->headroom_target);
				r->nodes_full_load = (long)ceil(r->demand / x->node_capacity);
				r->nodes_needed = (long)ceil(r->capacity_needed / x->node_capacity) + x->redundancy;
				r->nodes_to_add = r->nodes_needed > x->nodes ? r->nodes_needed - x->nodes : 0;
				r->exhausts_at = r->demand >= x->capacity ? AS_OF : 0;
			}
	}

	/* earlier forecasts: item 2 a month ago (good), item 1 two months ago (too low) */
	d->naccuracy = 2;
	d->accuracy = zalloc(d->naccuracy, sizeof(*d->accuracy));
	for (size_t a = 0; a < 2; a++) {
		struct capplan_render_accuracy *r = &d->accuracy[a];
		const struct capplan_render_item *x = &d->items[a == 0 ? 2 : 1];
		size_t ndays = a == 0 ? 30 : 60;

		r->item = a == 0 ? 2 : 1;
		r->run_id = a == 0 ? 6 : 5;
		r->forecast_as_of = AS_OF - (int64_t)ndays * DAY;
		r->first_ts = r->forecast_as_of + DAY;
		r->last_ts = AS_OF;
		r->method = dup(a == 0 ? "holt-winters" : "linear");
		r->points = (long)ndays * 24;
		r->nforecast = r->nactual = ndays;
		r->forecast = zalloc(ndays, sizeof(*r->forecast));
		r->actual = zalloc(ndays, sizeof(*r->actual));
		for (size_t k = 0; k < ndays; k++) {
			const struct capplan_day *h = &x->history[x->nhistory - ndays + k];
			double bias = a == 0 ? 0.01 : -0.06;

			r->actual[k] = *h;
			r->forecast[k] = *h;
			r->forecast[k].mean = h->mean * (1 + bias);
			r->forecast[k].max = h->max * (1 + bias);
			r->forecast[k].lo95 = r->forecast[k].mean * 0.96;
			r->forecast[k].hi95 = r->forecast[k].mean * 1.04;
			r->forecast[k].lo80 = r->forecast[k].mean * 0.975;
			r->forecast[k].hi80 = r->forecast[k].mean * 1.025;
		}
		r->mae = fabs(a == 0 ? 0.01 : 0.06) * x->current;
		r->mape = a == 0 ? 0.01 : 0.06;
		r->bias = (a == 0 ? 0.01 : -0.06) * x->current;
		r->coverage80 = a == 0 ? 0.83 : 0.20;
		r->coverage95 = a == 0 ? 0.96 : 0.35;
	}
}
