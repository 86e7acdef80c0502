/*
 * tests/unit/test_plan_config.c: the plan file (lib/plan/config.c, lib/plan/yaml_walk.c).
 *
 * Valid plans are tests/fixtures/plan/full.yml (every key away from its
 * default) and reports/plan.example.yml (the documented example and the
 * framework's worked example).  Each kind of error is a small plan in
 * memory, named "plan.yml", whose message must begin with the exact
 * "plan.yml:LINE:COLUMN: KEY.PATH: WHAT" worked out by hand from the text.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "plan/config.h"
#include "suites.h"
#include "util/error.h"

#define DAY INT64_C(86400000)
#define HOUR INT64_C(3600000)
#define KI 1024.0
#define TI (KI * KI * KI * KI)

/* An assertion whose message holds what was wanted and what came, so a failure says both. */
static void
check(int ok, unsigned line, const char *what, const char *want, const char *got)
{
	char msg[3 * 1024 + 64];

	snprintf(msg, sizeof(msg), "%s: want \"%s\", got \"%s\"", what, want, got);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

static struct capplan_plan *
load_fixture(const char *file, struct capplan_error *err, char *path, size_t pathsz)
{
	snprintf(path, pathsz, "%s/%s", capplan_test_fixtures, file);
	return capplan_plan_load(path, err);
}

/* Load text as "plan.yml"; the plan must be refused with status 78 and a message starting with prefix. */
static void
expect_error(const char *text, const char *prefix, unsigned line)
{
	struct capplan_error err;
	struct capplan_plan *plan;

	capplan_error_clear(&err);
	plan = capplan_plan_load_string("plan.yml", text, strlen(text), &err);
	check(plan == NULL, line, "refused", prefix, plan ? "a plan" : err.msg);
	capplan_plan_free(plan);
	check(err.status == CAPPLAN_EX_CONFIG, line, "status 78", prefix, err.msg);
	check(strncmp(err.msg, prefix, strlen(prefix)) == 0, line, "message", prefix, err.msg);
	check(strchr(err.msg, '\n') == NULL, line, "one line", prefix, err.msg);
}

#define EXPECT_ERROR(text, prefix) expect_error((text), (prefix), __LINE__)

/* Load text as "plan.yml"; it must be accepted (the caller frees it). */
static struct capplan_plan *
expect_plan(const char *text, unsigned line)
{
	struct capplan_error err;
	struct capplan_plan *plan;

	capplan_error_clear(&err);
	plan = capplan_plan_load_string("plan.yml", text, strlen(text), &err);
	check(plan != NULL, line, "accepted", "", plan ? "" : err.msg);
	return plan;
}

#define EXPECT_PLAN(text) expect_plan((text), __LINE__)

/* ---- number parsing ---- */

static void
test_quantity_parse(void)
{
	static const struct {
		const char *text;
		double value;
	} good[] = {
		{ "250", 250.0 },
		{ "1.5e12", 1.5e12 },
		{ "10k", 10e3 },
		{ "10K", 10e3 },
		{ "2TiB", 2 * TI },
		{ "500GiB", 500 * KI * KI * KI },
		{ "1.333TiB", 1.333 * TI },
		{ "4TB", 4e12 },
		{ "4 TB", 4e12 },
		{ "1.25GB", 1.25e9 },
		{ "3M", 3e6 },
		{ "1Pi", KI * KI * KI * KI * KI },
		{ "2P", 2e15 },
		{ "64Ki", 65536.0 },
		{ "16Mi", 16.0 * KI * KI },
		{ "100B", 100.0 },
		{ ".5", 0.5 },
		{ "-3k", -3000.0 },
		{ "1e3k", 1e6 },
	};
	static const char *const bad[] = {
		"", "k", "TiB", "4TIB", "4 Tib", "4m", "4E", "4Ei", "1e400", "NaN", "Inf", "4kk",
		"0x10", "1,000", "4 T B", "4iB", "sum(x)",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		double v = -1;
		char got[64];

		snprintf(got, sizeof(got), "%.17g", v);
		if (capplan_quantity_parse(good[i].text, &v) == 0)
			snprintf(got, sizeof(got), "%.17g", v);
		else
			snprintf(got, sizeof(got), "refused");
		check(v == good[i].value, __LINE__, "quantity", good[i].text, got);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v;

		check(capplan_quantity_parse(bad[i], &v) < 0, __LINE__, "quantity refused", bad[i],
		      "accepted");
	}
}

static void
test_ratio_parse(void)
{
	static const struct {
		const char *text;
		double value;
	} good[] = {
		{ "70%", 0.70 },
		{ "0.7", 0.7 },
		{ "85%", 0.85 },
		{ "33.3%", 0.333 },    /* the double nearest 0.333, not 33.3 / 100 */
		{ "12.5%", 0.125 },
		{ "100%", 1.0 },
		{ "0%", 0.0 },
		{ "-2.5%", -0.025 },
		{ "1e1%", 0.1 },
		{ "1", 1.0 },
	};
	static const char *const bad[] = { "", "%", "70 %", "70%%", "seventy", "0.7.1", "70%x",
		                           "nan", "inf%" };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		double v = -1;
		char got[64];

		if (capplan_ratio_parse(good[i].text, &v) == 0)
			snprintf(got, sizeof(got), "%.17g", v);
		else
			snprintf(got, sizeof(got), "refused");
		check(v == good[i].value, __LINE__, "ratio", good[i].text, got);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v;

		check(capplan_ratio_parse(bad[i], &v) < 0, __LINE__, "ratio refused", bad[i],
		      "accepted");
	}
}

static void
test_names(void)
{
	enum capplan_kind k;
	enum capplan_unit u;

	CU_ASSERT_STRING_EQUAL(capplan_kind_name(CAPPLAN_KIND_BID_LATENCY_P95), "bid_latency_p95");
	CU_ASSERT_STRING_EQUAL(capplan_kind_name(CAPPLAN_KIND_DB_CONNECTIONS), "db_connections");
	CU_ASSERT_STRING_EQUAL(capplan_kind_name((enum capplan_kind)CAPPLAN_NKINDS), "?");
	CU_ASSERT_STRING_EQUAL(capplan_unit_name(CAPPLAN_UNIT_REQUESTS_PER_SECOND),
	                       "requests_per_second");
	CU_ASSERT_STRING_EQUAL(capplan_unit_name(CAPPLAN_UNIT_SECONDS), "seconds");
	CU_ASSERT_STRING_EQUAL(capplan_scenario_type_name(CAPPLAN_SCENARIO_GROWTH), "growth");
	for (int i = 0; i < CAPPLAN_NKINDS; i++) {
		CU_ASSERT_EQUAL(capplan_kind_parse(capplan_kind_name((enum capplan_kind)i), &k), 0);
		CU_ASSERT_EQUAL((int)k, i);
	}
	for (int i = 0; i < CAPPLAN_NUNITS; i++) {
		CU_ASSERT_EQUAL(capplan_unit_parse(capplan_unit_name((enum capplan_unit)i), &u), 0);
		CU_ASSERT_EQUAL((int)u, i);
	}
	CU_ASSERT_EQUAL(capplan_kind_parse("CPU", &k), -1);
	CU_ASSERT_EQUAL(capplan_unit_parse("byte", &u), -1);
}

/* ---- valid plans ---- */

static void
test_minimal_defaults(void)
{
	struct capplan_plan *plan = EXPECT_PLAN("version: 1\n");

	if (!plan)
		return;
	CU_ASSERT_EQUAL(plan->version, 1);
	CU_ASSERT_PTR_NULL(plan->prometheus_url);
	CU_ASSERT_EQUAL(plan->step_ms, HOUR);
	CU_ASSERT_EQUAL(plan->history_ms, 365 * DAY);
	CU_ASSERT_EQUAL(plan->horizon_ms, 180 * DAY);
	CU_ASSERT_STRING_EQUAL(plan->currency, "USD");
	CU_ASSERT_EQUAL(plan->defaults.thresholds.warning, 0.70);
	CU_ASSERT_EQUAL(plan->defaults.thresholds.critical, 0.85);
	CU_ASSERT_EQUAL(plan->defaults.thresholds.emergency, 0.95);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.warning_ms, 90 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.critical_ms, 60 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.emergency_ms, 30 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.headroom, 0.25);
	CU_ASSERT_EQUAL(plan->defaults.redundancy, 2);
	CU_ASSERT_EQUAL(plan->defaults.lead_time_ms, 30 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.rightsize_floor, 0.30);
	CU_ASSERT_EQUAL(plan->defaults.deployment_low, 0.50);
	CU_ASSERT_EQUAL(plan->defaults.deployment_high, 0.80);
	CU_ASSERT_EQUAL(plan->ndrivers, 0);
	CU_ASSERT_EQUAL(plan->nresources, 0);
	CU_ASSERT_EQUAL(plan->nscenarios, 0);
	CU_ASSERT_STRING_EQUAL(plan->path, "plan.yml");
	capplan_plan_free(plan);
	capplan_plan_free(NULL);
}

static void
test_resource_defaults(void)
{
	struct capplan_plan *plan = EXPECT_PLAN(
		"version: 1\n"
		"defaults: {headroom: 20%, lead_time: 2w, thresholds: {warning: 60%}}\n"
		"resources:\n"
		"  - {name: a, service: s, kind: disk, unit: bytes, capacity: 3TiB, nodes: 3}\n");
	const struct capplan_resource *r;

	if (!plan)
		return;
	r = capplan_plan_find_resource(plan, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NULL(capplan_plan_find_resource(plan, "b"));
	CU_ASSERT_STRING_EQUAL(r->metric, "a");
	CU_ASSERT_PTR_NULL(r->usage);
	CU_ASSERT_PTR_NULL(r->capacity_query);
	CU_ASSERT_PTR_NULL(r->capacity_metric);
	CU_ASSERT_EQUAL(r->capacity, 3 * TI);
	CU_ASSERT_EQUAL(r->node_capacity, TI);
	CU_ASSERT_EQUAL(r->nodes, 3);
	CU_ASSERT_EQUAL(r->redundancy, 2);
	CU_ASSERT_EQUAL(r->headroom, 0.20);
	CU_ASSERT_EQUAL(r->lead_time_ms, 14 * DAY);
	CU_ASSERT_EQUAL(r->unit_cost, 0.0);
	CU_ASSERT_EQUAL(r->thresholds.warning, 0.60);
	CU_ASSERT_EQUAL(r->thresholds.critical, 0.85);
	CU_ASSERT_EQUAL(r->exhaustion.warning_ms, 90 * DAY);
	CU_ASSERT_EQUAL(r->ndrivers, 0);
	CU_ASSERT_EQUAL(r->labels.count, 0);
	CU_ASSERT_EQUAL(r->line, 4);
	CU_ASSERT_EQUAL(r->column, 5);
	capplan_plan_free(plan);
}

static void
test_full_fixture(void)
{
	struct capplan_error err;
	struct capplan_plan *plan;
	const struct capplan_resource *r;
	const struct capplan_scenario *s;
	char path[512];

	capplan_error_clear(&err);
	plan = load_fixture("plan/full.yml", &err, path, sizeof(path));
	check(plan != NULL, __LINE__, "full.yml loads", "", err.msg);
	if (!plan)
		return;
	CU_ASSERT_STRING_EQUAL(plan->path, path);
	CU_ASSERT_STRING_EQUAL(plan->prometheus_url, "https://prometheus.example.net:9090/");
	CU_ASSERT_EQUAL(plan->step_ms, 5 * 60000);
	CU_ASSERT_EQUAL(plan->history_ms, 365 * DAY);
	CU_ASSERT_EQUAL(plan->horizon_ms, 26 * 7 * DAY);
	CU_ASSERT_STRING_EQUAL(plan->currency, "EUR");
	CU_ASSERT_EQUAL(plan->defaults.thresholds.warning, 0.6);
	CU_ASSERT_EQUAL(plan->defaults.thresholds.critical, 0.8);
	CU_ASSERT_EQUAL(plan->defaults.thresholds.emergency, 0.9);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.warning_ms, 120 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.critical_ms, 45 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.exhaustion.emergency_ms, 14 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.headroom, 0.2);
	CU_ASSERT_EQUAL(plan->defaults.redundancy, 1);
	CU_ASSERT_EQUAL(plan->defaults.lead_time_ms, 42 * DAY);
	CU_ASSERT_EQUAL(plan->defaults.rightsize_floor, 0.25);
	CU_ASSERT_EQUAL(plan->defaults.deployment_low, 0.40);
	CU_ASSERT_EQUAL(plan->defaults.deployment_high, 0.85);

	CU_ASSERT_EQUAL_FATAL(plan->ndrivers, 2);
	CU_ASSERT_STRING_EQUAL(plan->drivers[0].name, "users");
	CU_ASSERT_STRING_EQUAL(plan->drivers[0].query, "sum(api_active_users)");
	CU_ASSERT_STRING_EQUAL(plan->drivers[0].metric, "users");
	CU_ASSERT_PTR_NULL(plan->drivers[0].unit);
	CU_ASSERT_STRING_EQUAL(plan->drivers[1].metric, "chain_tps");
	CU_ASSERT_STRING_EQUAL(plan->drivers[1].unit, "tx/s");
	CU_ASSERT_EQUAL(plan->drivers[1].line, 24);
	CU_ASSERT_EQUAL(plan->drivers[1].column, 5);

	CU_ASSERT_EQUAL_FATAL(plan->nresources, 3);
	r = &plan->resources[0];
	CU_ASSERT_STRING_EQUAL(r->name, "db.disk-01");
	CU_ASSERT_STRING_EQUAL(r->service, "database");
	CU_ASSERT_EQUAL(r->kind, CAPPLAN_KIND_STORAGE_ALLOCATION);
	CU_ASSERT_EQUAL(r->unit, CAPPLAN_UNIT_BYTES);
	CU_ASSERT_STRING_EQUAL(r->metric, "db_disk_used");
	CU_ASSERT(isnan(r->capacity));
	CU_ASSERT_STRING_EQUAL(r->capacity_query, "sum(node_filesystem_size_bytes)");
	CU_ASSERT_STRING_EQUAL(r->capacity_metric, "db_disk_used:capacity");
	CU_ASSERT_EQUAL(r->nodes, 4);
	CU_ASSERT(isnan(r->node_capacity));
	CU_ASSERT_EQUAL(r->redundancy, 0);
	CU_ASSERT_EQUAL(r->headroom, 0.0);
	CU_ASSERT_EQUAL(r->lead_time_ms, 90 * 60000);
	CU_ASSERT_EQUAL(r->unit_cost, 12.5);
	/* thresholds and exhaustion merged over the plan's defaults, not the framework's */
	CU_ASSERT_EQUAL(r->thresholds.warning, 0.6);
	CU_ASSERT_EQUAL(r->thresholds.critical, 0.82);
	CU_ASSERT_EQUAL(r->thresholds.emergency, 0.9);
	CU_ASSERT_EQUAL(r->exhaustion.warning_ms, 120 * DAY);
	CU_ASSERT_EQUAL(r->exhaustion.critical_ms, 45 * DAY);
	CU_ASSERT_EQUAL(r->exhaustion.emergency_ms, 7 * DAY);
	/* drivers [tx_rate], then users added by scales_with */
	CU_ASSERT_EQUAL_FATAL(r->ndrivers, 2);
	CU_ASSERT_EQUAL(r->drivers[0], 1);
	CU_ASSERT_EQUAL(r->elasticity[0], 2.0);
	CU_ASSERT_EQUAL(r->drivers[1], 0);
	CU_ASSERT_EQUAL(r->elasticity[1], 0.5);
	CU_ASSERT_EQUAL(r->labels.count, 2);
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&r->labels, "instance"), "db-1:9100");
	CU_ASSERT_STRING_EQUAL(capplan_labels_get(&r->labels, "mountpoint"), "/data");

	r = &plan->resources[1];
	CU_ASSERT_EQUAL(r->kind, CAPPLAN_KIND_BID_QUEUE_DEPTH);
	CU_ASSERT_EQUAL(r->unit, CAPPLAN_UNIT_COUNT);
	CU_ASSERT(isnan(r->capacity));
	CU_ASSERT_PTR_NULL(r->capacity_query);
	CU_ASSERT_STRING_EQUAL(r->capacity_metric, "provider_bid_queue_capacity");
	CU_ASSERT_EQUAL(r->node_capacity, 10000.0);
	CU_ASSERT_EQUAL(r->redundancy, 1);

	r = &plan->resources[2];
	CU_ASSERT_EQUAL(r->capacity, 40.0);
	CU_ASSERT_EQUAL(r->node_capacity, 8.0);
	CU_ASSERT_EQUAL(r->nodes, 5);

	CU_ASSERT_EQUAL_FATAL(plan->nscenarios, 3);
	s = &plan->scenarios[0];
	CU_ASSERT_STRING_EQUAL(s->name, "launch");
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_MULTIPLIER);
	CU_ASSERT(s->has_start);
	CU_ASSERT_EQUAL(s->start_ms, INT64_C(1800010800000));   /* 2027-01-15T11:00:00Z */
	CU_ASSERT_EQUAL_FATAL(s->nmultipliers, 1);
	CU_ASSERT_EQUAL(s->multipliers[0].driver, 1);
	CU_ASSERT_EQUAL(s->multipliers[0].factor, 2.5);
	CU_ASSERT_EQUAL(s->ndrivers, 0);
	s = &plan->scenarios[1];
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_SPIKE);
	CU_ASSERT_EQUAL(s->start_ms, INT64_C(1780272000000));   /* 2026-06-01 */
	CU_ASSERT_EQUAL(s->factor, 0.5);
	CU_ASSERT_EQUAL(s->duration_ms, 36 * HOUR);
	CU_ASSERT_EQUAL_FATAL(s->ndrivers, 2);                  /* every driver */
	CU_ASSERT_EQUAL(s->drivers[0], 0);
	CU_ASSERT_EQUAL(s->drivers[1], 1);
	s = &plan->scenarios[2];
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_GROWTH);
	CU_ASSERT_EQUAL(s->start_ms, INT64_C(1767225600000));   /* 2026-01-01 */
	CU_ASSERT_EQUAL(s->monthly, -0.025);
	CU_ASSERT_EQUAL_FATAL(s->ndrivers, 1);
	CU_ASSERT_EQUAL(s->drivers[0], 0);
	CU_ASSERT_EQUAL(s->line, 68);
	CU_ASSERT_EQUAL(s->column, 5);
	capplan_plan_free(plan);
}

static const struct capplan_resource *
find(const struct capplan_plan *plan, const char *name)
{
	const struct capplan_resource *r = capplan_plan_find_resource(plan, name);

	check(r != NULL, __LINE__, "resource present", name, "missing");
	return r;
}

static void
test_example_plan(void)
{
	struct capplan_error err;
	struct capplan_plan *plan;
	const struct capplan_resource *r;
	const struct capplan_scenario *s;
	int kinds[CAPPLAN_NKINDS] = { 0 };
	size_t users, transactions, deployments;
	char path[512];

	capplan_error_clear(&err);
	plan = load_fixture("../../reports/plan.example.yml", &err, path, sizeof(path));
	check(plan != NULL, __LINE__, "plan.example.yml loads", "", err.msg);
	if (!plan)
		return;
	CU_ASSERT_STRING_EQUAL(plan->prometheus_url, "http://127.0.0.1:9090");
	CU_ASSERT_EQUAL(plan->ndrivers, 3);
	CU_ASSERT_EQUAL(plan->nresources, 16);
	CU_ASSERT_EQUAL(plan->nscenarios, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(capplan_plan_find_driver(plan, "users", &users));
	CU_ASSERT_PTR_NOT_NULL_FATAL(capplan_plan_find_driver(plan, "transactions", &transactions));
	CU_ASSERT_PTR_NOT_NULL_FATAL(capplan_plan_find_driver(plan, "deployments", &deployments));
	CU_ASSERT_PTR_NULL(capplan_plan_find_driver(plan, "nope", NULL));

	/* Every kind, and the three services. */
	for (size_t i = 0; i < plan->nresources; i++) {
		const char *svc = plan->resources[i].service;

		kinds[plan->resources[i].kind]++;
		CU_ASSERT(strcmp(svc, "validator") == 0 || strcmp(svc, "provider") == 0 ||
		          strcmp(svc, "api") == 0);
		CU_ASSERT_PTR_NOT_NULL(plan->resources[i].usage);
	}
	for (int k = 0; k < CAPPLAN_NKINDS; k++)
		check(kinds[k] > 0, __LINE__, "kind used", capplan_kind_name((enum capplan_kind)k),
		      "none");

	/* The worked example: 3 x 100 TPS, 10 x 10 deployments, 2 x 1000 RPS. */
	r = find(plan, "validator-throughput");
	if (r) {
		CU_ASSERT_EQUAL(r->nodes, 3);
		CU_ASSERT_EQUAL(r->node_capacity, 100.0);
		CU_ASSERT_EQUAL(r->capacity, 300.0);
		CU_ASSERT_EQUAL(r->unit, CAPPLAN_UNIT_REQUESTS_PER_SECOND);
		CU_ASSERT_EQUAL(r->lead_time_ms, 56 * DAY);
	}
	r = find(plan, "provider-deployments");
	if (r) {
		CU_ASSERT_EQUAL(r->kind, CAPPLAN_KIND_DEPLOYMENT_SLOTS);
		CU_ASSERT_EQUAL(r->nodes, 10);
		CU_ASSERT_EQUAL(r->node_capacity, 10.0);
		CU_ASSERT_EQUAL(r->capacity, 100.0);
	}
	r = find(plan, "api-requests");
	if (r) {
		CU_ASSERT_EQUAL(r->nodes, 2);
		CU_ASSERT_EQUAL(r->node_capacity, 1000.0);
		CU_ASSERT_EQUAL(r->capacity, 2000.0);
		CU_ASSERT_EQUAL_FATAL(r->ndrivers, 1);
		CU_ASSERT_EQUAL(r->drivers[0], users);
		CU_ASSERT_EQUAL(r->elasticity[0], 1.0);
	}
	r = find(plan, "validator-disk");
	if (r) {
		CU_ASSERT_EQUAL_FATAL(r->ndrivers, 1);
		CU_ASSERT_EQUAL(r->drivers[0], transactions);
		CU_ASSERT_EQUAL(r->elasticity[0], 0.9);
		CU_ASSERT_EQUAL(r->capacity, 4 * TI);
		CU_ASSERT_EQUAL(r->node_capacity, 1.333 * TI);
		CU_ASSERT_EQUAL(r->headroom, 0.30);
		CU_ASSERT_EQUAL(r->exhaustion.warning_ms, 120 * DAY);
		CU_ASSERT_EQUAL(r->exhaustion.critical_ms, 60 * DAY);
		CU_ASSERT_EQUAL(r->unit_cost, 40.0);
	}
	r = find(plan, "validator-cpu");
	if (r) {
		CU_ASSERT(isnan(r->capacity));
		CU_ASSERT_PTR_NOT_NULL(r->capacity_query);
		CU_ASSERT_STRING_EQUAL(r->capacity_metric, "validator_cpu_used_cores:capacity");
	}
	r = find(plan, "validator-memory");
	if (r) {
		CU_ASSERT_EQUAL(r->thresholds.warning, 0.75);
		CU_ASSERT_EQUAL(r->thresholds.critical, 0.85);
		CU_ASSERT_STRING_EQUAL(r->capacity_metric, "validator_memory_used_bytes:capacity");
	}
	r = find(plan, "provider-gpu-allocation");
	if (r)
		CU_ASSERT_STRING_EQUAL(capplan_labels_get(&r->labels, "region"), "eu-west");

	/* The three scenarios of the framework. */
	s = &plan->scenarios[0];
	CU_ASSERT_STRING_EQUAL(s->name, "mainnet launch");
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_MULTIPLIER);
	CU_ASSERT_EQUAL(s->start_ms, INT64_C(1799971200000));   /* 2027-01-15 */
	CU_ASSERT_EQUAL_FATAL(s->nmultipliers, 2);
	CU_ASSERT_EQUAL(s->multipliers[0].driver, transactions);
	CU_ASSERT_EQUAL(s->multipliers[0].factor, 10.0);
	CU_ASSERT_EQUAL(s->multipliers[1].driver, users);
	CU_ASSERT_EQUAL(s->multipliers[1].factor, 5.0);
	s = &plan->scenarios[1];
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_SPIKE);
	CU_ASSERT_EQUAL(s->factor, 100.0);
	CU_ASSERT_EQUAL(s->duration_ms, 24 * HOUR);
	CU_ASSERT_EQUAL_FATAL(s->ndrivers, 1);
	CU_ASSERT_EQUAL(s->drivers[0], users);
	s = &plan->scenarios[2];
	CU_ASSERT_EQUAL(s->type, CAPPLAN_SCENARIO_GROWTH);
	CU_ASSERT_EQUAL(s->monthly, 0.10);
	CU_ASSERT_FALSE(s->has_start);
	CU_ASSERT_EQUAL(s->ndrivers, 3);
	capplan_plan_free(plan);
}

static void
test_yaml_forms(void)
{
	/* Anchors and aliases, flow and block style, quoted numbers, null as absent, a BOM. */
	struct capplan_plan *plan = EXPECT_PLAN(
		"\xEF\xBB\xBFversion: \"1\"\n"
		"history:\n"
		"prometheus: {url: 'http://p:9090'}\n"
		"resources:\n"
		"  - name: a\n"
		"    service: s\n"
		"    kind: cpu\n"
		"    unit: cores\n"
		"    usage: >-\n"
		"      sum(rate(process_cpu_seconds_total[5m]))\n"
		"    node_capacity: '4'\n"
		"    nodes: 2\n"
		"    thresholds: &tight {warning: 50%, critical: 60%}\n"
		"    labels: {}\n"
		"  - {name: b, service: s, kind: cpu, unit: cores, node_capacity: 4,\n"
		"     thresholds: *tight}\n"
		"...\n");

	if (!plan)
		return;
	CU_ASSERT_EQUAL(plan->history_ms, 365 * DAY);
	CU_ASSERT_EQUAL_FATAL(plan->nresources, 2);
	CU_ASSERT_STRING_EQUAL(plan->resources[0].usage, "sum(rate(process_cpu_seconds_total[5m]))");
	CU_ASSERT_EQUAL(plan->resources[0].capacity, 8.0);
	CU_ASSERT_EQUAL(plan->resources[1].thresholds.warning, 0.5);
	CU_ASSERT_EQUAL(plan->resources[1].thresholds.critical, 0.6);
	CU_ASSERT_EQUAL(plan->resources[1].thresholds.emergency, 0.95);
	capplan_plan_free(plan);

	/* CRLF line ends count as one line each. */
	EXPECT_ERROR("version: 1\r\nhistory: 1\r\n",
	             "plan.yml:2:10: history: expected a duration with a unit");
	EXPECT_ERROR("version: 1\rhistory: 1\r", "plan.yml:2:10: history: expected a duration");
}

/* ---- errors ---- */

static void
test_error_files(void)
{
	struct capplan_error err;
	struct capplan_plan *plan;
	char path[512], want[640];

	capplan_error_clear(&err);
	plan = load_fixture("plan/no-such-file.yml", &err, path, sizeof(path));
	CU_ASSERT_PTR_NULL(plan);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_NOINPUT);
	snprintf(want, sizeof(want), "%s: cannot open: ", path);
	check(strncmp(err.msg, want, strlen(want)) == 0, __LINE__, "message", want, err.msg);

	capplan_error_clear(&err);
	plan = load_fixture("plan", &err, path, sizeof(path));   /* a folder */
	CU_ASSERT_PTR_NULL(plan);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_NOINPUT);

	/* A tab where indentation belongs: libyaml's place, and a hint. */
	capplan_error_clear(&err);
	plan = load_fixture("plan/bad_syntax.yml", &err, path, sizeof(path));
	CU_ASSERT_PTR_NULL(plan);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);
	snprintf(want, sizeof(want), "%s:4:1: found a tab character that violates indentation", path);
	check(strncmp(err.msg, want, strlen(want)) == 0, __LINE__, "message", want, err.msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.hint, "tab"));

	/* The brief's own example, placed at line 14, column 16. */
	capplan_error_clear(&err);
	plan = load_fixture("plan/resource_threshold.yml", &err, path, sizeof(path));
	CU_ASSERT_PTR_NULL(plan);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CONFIG);
	snprintf(want, sizeof(want),
	         "%s:14:16: resources[2].thresholds.warning: 90%% is above critical (85%%)", path);
	check(strncmp(err.msg, want, strlen(want)) == 0, __LINE__, "message", want, err.msg);
}

static void
test_error_syntax(void)
{
	EXPECT_ERROR("version: 1\nresources: [a, b\n",
	             "plan.yml:3:1: did not find expected ',' or ']' (while parsing a flow sequence at 2:12)");
	EXPECT_ERROR("version: 1\n  history: 30d\n",
	             "plan.yml:2:10: mapping values are not allowed in this context");
	EXPECT_ERROR("version: 1\nhistory: *nowhere\n", "plan.yml:2:10: found undefined alias");
	EXPECT_ERROR("version: 1\nhistory: 'a\xFF'\n",
	             "plan.yml:2:12: invalid leading UTF-8 octet (byte 0xFF)");
	EXPECT_ERROR("version: 1\n---\nversion: 1\n",
	             "plan.yml:3:1: a second document; the file must hold one");
	EXPECT_ERROR("", "plan.yml:1:1: empty plan; it needs at least \"version: 1\"");
	EXPECT_ERROR("# only a comment\n", "plan.yml:1:1: empty plan");
	EXPECT_ERROR("- version: 1\n", "plan.yml:1:1: expected a map of plan keys, got a list");
	EXPECT_ERROR("version 1\n", "plan.yml:1:1: expected a map of plan keys, got a string");
}

static void
test_error_top_level(void)
{
	EXPECT_ERROR("history: 30d\n", "plan.yml:1:1: missing key \"version\"");
	EXPECT_ERROR("version:\n", "plan.yml:1:1: version: has no value");
	EXPECT_ERROR("version: 2\n",
	             "plan.yml:1:10: version: unsupported version 2; this capplan reads version 1");
	EXPECT_ERROR("version: one\n", "plan.yml:1:10: version: expected a whole number, got \"one\"");
	EXPECT_ERROR("version: 1.0\n", "plan.yml:1:10: version: expected a whole number");
	EXPECT_ERROR("version: 1\nversion: 1\n",
	             "plan.yml:2:1: version: duplicate key (first at line 1)");
	EXPECT_ERROR("version: 1\nhorizn: 30d\n",
	             "plan.yml:2:1: horizn: unknown key (did you mean \"horizon\"?); allowed: version, "
	             "prometheus, history, horizon, currency, defaults, drivers, resources, scenarios");
	EXPECT_ERROR("version: 1\n? [a]\n: 1\n", "plan.yml:2:3: expected a key name, got a list");
	EXPECT_ERROR("version: 1\nhistory: 90\n",
	             "plan.yml:2:10: history: expected a duration with a unit (90d, 12h, 30m), "
	             "got \"90\"");
	EXPECT_ERROR("version: 1\nhorizon: 6 months\n",
	             "plan.yml:2:10: horizon: invalid duration \"6 months\"");
	EXPECT_ERROR("version: 1\nhorizon: {d: 1}\n",
	             "plan.yml:2:10: horizon: expected a duration, got a map");
	EXPECT_ERROR("version: 1\ncurrency: usd\n",
	             "plan.yml:2:11: currency: expected an ISO 4217 code such as USD or EUR, got \"usd\"");
	EXPECT_ERROR("version: 1\nprometheus: http://p:9090\n",
	             "plan.yml:2:13: prometheus: expected a map, got a string");
	EXPECT_ERROR("version: 1\nprometheus: {url: 'ftp://p'}\n",
	             "plan.yml:2:19: prometheus.url: expected an http:// or https:// URL, got \"ftp://p\"");
	EXPECT_ERROR("version: 1\nprometheus:\n  url: http://p\n  step: 0s\n",
	             "plan.yml:4:9: prometheus.step: invalid duration \"0s\"");
	EXPECT_ERROR("version: 1\nprometheus:\n  step: 1m\n"
	             "drivers:\n  - name: users\n    query: sum(up)\n",
	             "plan.yml:3:3: prometheus: missing key \"url\", needed by the PromQL of "
	             "drivers[0].query (line 6)");
	EXPECT_ERROR("version: 1\nprometheus:\nscenarios:\n"
	             "drivers: [{name: users, query: sum(up)}]\n",
	             "plan.yml:2:1: prometheus: missing key \"url\", needed by the PromQL of "
	             "drivers[0].query (line 4)");
	EXPECT_ERROR("version: 1\n"
	             "resources:\n"
	             "  - {name: a, service: s, kind: cpu, unit: cores, node_capacity: 1}\n"
	             "  - {name: b, service: s, kind: cpu, unit: cores, capacity: 'sum(x)'}\n",
	             "plan.yml:1:1: missing key \"prometheus\" (with url:), needed by the PromQL of "
	             "resources[1].capacity (line 4)");
}

static void
test_error_defaults(void)
{
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warning: 90%}\n",
	             "plan.yml:3:25: defaults.thresholds.warning: 90% is above critical (85%); "
	             "levels go warning < critical < emergency");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {critical: 0.95}\n",
	             "plan.yml:3:26: defaults.thresholds.critical: 0.95 equals emergency (95%)");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {emergency: 150%}\n",
	             "plan.yml:3:27: defaults.thresholds.emergency: 150% is outside (0, 1]");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warning: 0}\n",
	             "plan.yml:3:25: defaults.thresholds.warning: 0 is outside (0, 1]");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warning: 70}\n",
	             "plan.yml:3:25: defaults.thresholds.warning: 70 is outside (0, 1]");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warning: high}\n",
	             "plan.yml:3:25: defaults.thresholds.warning: expected a ratio such as 70% or "
	             "0.7, got \"high\"");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: [70%]\n",
	             "plan.yml:3:15: defaults.thresholds: expected a map, got a list");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warn: 70%}\n",
	             "plan.yml:3:16: defaults.thresholds.warn: unknown key (did you mean "
	             "\"warning\"?); allowed: warning, critical, emergency");
	EXPECT_ERROR("version: 1\ndefaults:\n  thresholds: {warning: {a: 1}}\n",
	             "plan.yml:3:25: defaults.thresholds.warning: expected a ratio such as 70% or "
	             "0.7, got a map");
	EXPECT_ERROR("version: 1\ndefaults:\n  exhaustion: {critical: 100d}\n",
	             "plan.yml:3:26: defaults.exhaustion.critical: 100d is longer than warning (90d); "
	             "levels go warning > critical > emergency");
	EXPECT_ERROR("version: 1\ndefaults:\n  exhaustion: {warning: 45d}\n",
	             "plan.yml:3:25: defaults.exhaustion.warning: 45d is shorter than critical (60d)");
	EXPECT_ERROR("version: 1\ndefaults:\n  exhaustion: {emergency: 60d}\n",
	             "plan.yml:3:27: defaults.exhaustion.emergency: 60d equals critical (60d)");
	EXPECT_ERROR("version: 1\ndefaults:\n  exhaustion: {emergency: 30}\n",
	             "plan.yml:3:27: defaults.exhaustion.emergency: expected a duration with a unit");
	EXPECT_ERROR("version: 1\ndefaults:\n  headroom: 100%\n",
	             "plan.yml:3:13: defaults.headroom: 100% is outside [0, 1)");
	EXPECT_ERROR("version: 1\ndefaults:\n  headroom: -5%\n",
	             "plan.yml:3:13: defaults.headroom: -5% is outside [0, 1)");
	EXPECT_ERROR("version: 1\ndefaults:\n  redundancy: 1.5\n",
	             "plan.yml:3:15: defaults.redundancy: expected a whole number, got \"1.5\"");
	EXPECT_ERROR("version: 1\ndefaults:\n  redundancy: -1\n",
	             "plan.yml:3:15: defaults.redundancy: must be at least 0, got -1");
	EXPECT_ERROR("version: 1\ndefaults:\n  redundancy: 99999999999999999999999\n",
	             "plan.yml:3:15: defaults.redundancy: must be at most 1000");
	EXPECT_ERROR("version: 1\ndefaults:\n  lead_time: soon\n",
	             "plan.yml:3:14: defaults.lead_time: invalid duration \"soon\"");
	EXPECT_ERROR("version: 1\ndefaults:\n  rightsize_floor: 1\n",
	             "plan.yml:3:20: defaults.rightsize_floor: 1 is outside [0, 1)");
	EXPECT_ERROR("version: 1\ndefaults:\n  deployment_utilisation: {low: 90%}\n",
	             "plan.yml:3:33: defaults.deployment_utilisation.low: 90% is not below high "
	             "(80%)");
	EXPECT_ERROR("version: 1\ndefaults:\n  deployment_utilisation: {high: 0.4}\n",
	             "plan.yml:3:34: defaults.deployment_utilisation.high: 40% is not above low "
	             "(50%)");
	EXPECT_ERROR("version: 1\ndefaults: {headroom: 1%, headroom: 2%}\n",
	             "plan.yml:2:26: defaults.headroom: duplicate key (first at line 2)");
	EXPECT_ERROR("version: 1\ndefaults: {thresholds: {warning: 1%, warning: 2%}}\n",
	             "plan.yml:2:38: defaults.thresholds.warning: duplicate key");
}

/* The start of a plan with one valid resource; more keys are appended to it. */
#define RES                       \
	"version: 1\n"            \
	"resources:\n"            \
	"  - name: a\n"           \
	"    service: s\n"        \
	"    kind: disk\n"        \
	"    unit: bytes\n"

static void
test_error_resources(void)
{
	EXPECT_ERROR("version: 1\nresources: {a: 1}\n",
	             "plan.yml:2:12: resources: expected a list, got a map");
	EXPECT_ERROR("version: 1\nresources:\n  - disk\n",
	             "plan.yml:3:5: resources[0]: expected a map, got a string");
	EXPECT_ERROR("version: 1\nresources:\n  - name: a\n    kind: disk\n    unit: bytes\n",
	             "plan.yml:3:5: resources[0]: missing key \"service\"");
	EXPECT_ERROR("version: 1\nresources:\n  - service: s\n",
	             "plan.yml:3:5: resources[0]: missing key \"name\"");
	EXPECT_ERROR(RES "    capacity: 1TiB\n  - service: s\n    kind: cpu\n",
	             "plan.yml:8:5: resources[1]: missing key \"name\"");
	EXPECT_ERROR("version: 1\nresources:\n  - name: a\n    service:\n",
	             "plan.yml:4:5: resources[0].service: has no value");
	EXPECT_ERROR("version: 1\nresources:\n  - name: ''\n",
	             "plan.yml:3:11: resources[0].name: must not be empty");
	EXPECT_ERROR("version: 1\nresources:\n  - name: my disk\n",
	             "plan.yml:3:11: resources[0].name: \"my disk\" is not a resource name");
	EXPECT_ERROR("version: 1\nresources:\n  - name: [a]\n",
	             "plan.yml:3:11: resources[0].name: expected a string, got a list");
	EXPECT_ERROR("version: 1\nresources:\n  - name: a\n    service: s\n    kind: ssd\n",
	             "plan.yml:5:11: resources[0].kind: unknown kind \"ssd\"; one of: cpu, memory, "
	             "disk, network, deployment_slots, cpu_allocation, memory_allocation, "
	             "storage_allocation, gpu_allocation, bid_queue_depth, bid_latency_p95, "
	             "api_requests, db_connections");
	EXPECT_ERROR("version: 1\nresources:\n  - name: a\n    service: s\n    kind: disk\n"
	             "    unit: GB\n",
	             "plan.yml:6:11: resources[0].unit: unknown unit \"GB\"; one of: bytes, "
	             "bytes_per_second, cores, ratio, percent, count, requests_per_second, seconds");
	EXPECT_ERROR(RES "    capacty: 1TiB\n",
	             "plan.yml:7:5: resources[0].capacty: unknown key (did you mean \"capacity\"?); "
	             "allowed: name, service, kind, unit, usage, metric, capacity, capacity_metric, "
	             "nodes, node_capacity, redundancy, headroom, lead_time, unit_cost, thresholds, "
	             "exhaustion, drivers, scales_with, labels");
	EXPECT_ERROR(RES "    nodes: 3\n",
	             "plan.yml:3:5: resources[0]: missing key \"capacity\" (or node_capacity, or "
	             "capacity_metric)");
	EXPECT_ERROR(RES "    capacity: 0\n",
	             "plan.yml:7:15: resources[0].capacity: must be greater than zero, got 0");
	EXPECT_ERROR(RES "    capacity: -2TiB\n",
	             "plan.yml:7:15: resources[0].capacity: must be greater than zero, got -2TiB");
	EXPECT_ERROR(RES "    capacity: 4 Tib\n",
	             "plan.yml:7:15: resources[0].capacity: expected a quantity such as 4TiB, "
	             "500GiB, 1.5e12 or 250, got \"4 Tib\"");
	EXPECT_ERROR(RES "    capacity: {value: 4}\n",
	             "plan.yml:7:15: resources[0].capacity: expected a quantity or a PromQL query, "
	             "got a map");
	EXPECT_ERROR(RES "    capacity: 4TiB\n    capacity_metric: disk_size\n",
	             "plan.yml:8:22: resources[0].capacity_metric: not used with a fixed capacity "
	             "(capacity: 4TiB)");
	EXPECT_ERROR(RES "    capacity: 4TiB\n    nodes: 3\n    node_capacity: 1TiB\n",
	             "plan.yml:9:20: resources[0].node_capacity: nodes x node_capacity = 3 x 1TiB");
	EXPECT_ERROR(RES "    node_capacity: 0.0\n",
	             "plan.yml:7:20: resources[0].node_capacity: must be greater than zero");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    nodes: 2.5\n",
	             "plan.yml:8:12: resources[0].nodes: expected a whole number, got \"2.5\"");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    nodes: 0\n",
	             "plan.yml:8:12: resources[0].nodes: must be at least 1, got 0");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    nodes: {n: 1}\n",
	             "plan.yml:8:12: resources[0].nodes: expected a whole number, got a map");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    unit_cost: -5\n",
	             "plan.yml:8:16: resources[0].unit_cost: must not be negative, got -5");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    unit_cost: $40\n",
	             "plan.yml:8:16: resources[0].unit_cost: expected a number, got \"$40\"");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    headroom: 1\n",
	             "plan.yml:8:15: resources[0].headroom: 1 is outside [0, 1)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    redundancy: two\n",
	             "plan.yml:8:17: resources[0].redundancy: expected a whole number");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    lead_time: 8 weeks\n",
	             "plan.yml:8:16: resources[0].lead_time: invalid duration \"8 weeks\"");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    usage: {q: 1}\n",
	             "plan.yml:8:12: resources[0].usage: expected a string, got a map");
	EXPECT_ERROR(RES "    capacity: 1TiB\n  - name: b\n    service: s\n    kind: cpu\n"
	             "    unit: cores\n    node_capacity: 1\n  - name: a\n",
	             "plan.yml:13:11: resources[2].name: duplicate resource \"a\" (first at line 3)");
}

static void
test_error_resource_levels(void)
{
	/* Checked after merging: the resource's key is blamed, the other value may be a default. */
	EXPECT_ERROR(RES "    capacity: 1TiB\n    thresholds: {warning: 90%}\n",
	             "plan.yml:8:27: resources[0].thresholds.warning: 90% is above critical (85%)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    thresholds: {critical: 60%}\n",
	             "plan.yml:8:28: resources[0].thresholds.critical: 60% is below warning (70%)");
	EXPECT_ERROR("version: 1\ndefaults: {thresholds: {warning: 50%, critical: 60%}}\n"
	             "resources:\n  - name: a\n    service: s\n    kind: disk\n    unit: bytes\n"
	             "    capacity: 1TiB\n    thresholds: {warning: 65%}\n",
	             "plan.yml:9:27: resources[0].thresholds.warning: 65% is above critical (60%)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    thresholds: {warning: 80%, critical: 75%}\n",
	             "plan.yml:8:27: resources[0].thresholds.warning: 80% is above critical (75%)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    thresholds: {emergency: 101%}\n",
	             "plan.yml:8:29: resources[0].thresholds.emergency: 101% is outside (0, 1]");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    exhaustion: {warning: 14d}\n",
	             "plan.yml:8:27: resources[0].exhaustion.warning: 14d is shorter than critical "
	             "(60d)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    exhaustion: {emergency: 9w}\n",
	             "plan.yml:8:29: resources[0].exhaustion.emergency: 9w is longer than critical "
	             "(60d)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    thresholds: 70%\n",
	             "plan.yml:8:17: resources[0].thresholds: expected a map, got a string");
}

#define DRV                                   \
	"version: 1\n"                        \
	"drivers:\n"                          \
	"  - name: transactions\n"            \
	"  - name: users\n"

static void
test_error_drivers(void)
{
	EXPECT_ERROR("version: 1\ndrivers:\n  - name: Users\n",
	             "plan.yml:3:11: drivers[0].name: \"Users\" is not a driver name: lower-case "
	             "letters, digits, '_' and '-' only");
	EXPECT_ERROR(DRV "  - name: users\n",
	             "plan.yml:5:11: drivers[2].name: duplicate driver \"users\" (first at line 4)");
	EXPECT_ERROR(DRV "  - query: sum(x)\n", "plan.yml:5:5: drivers[2]: missing key \"name\"");
	EXPECT_ERROR(DRV "  - name: x\n    querry: sum(x)\n",
	             "plan.yml:6:5: drivers[2].querry: unknown key (did you mean \"query\"?); "
	             "allowed: name, query, metric, unit");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    drivers: [users, tx]\n",
	             "plan.yml:11:22: resources[0].drivers[1]: unknown driver \"tx\"; drivers: "
	             "transactions, users");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    drivers: [users]\n",
	             "plan.yml:8:15: resources[0].drivers[0]: unknown driver \"users\"; the plan has "
	             "no drivers");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    drivers: [users, users]\n",
	             "plan.yml:11:22: resources[0].drivers[1]: driver \"users\" listed twice");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    drivers: users\n",
	             "plan.yml:11:14: resources[0].drivers: expected a list, got a string");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    drivers: [[users]]\n",
	             "plan.yml:11:15: resources[0].drivers[0]: expected a driver name, got a list");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    scales_with: {users: 0}\n",
	             "plan.yml:11:26: resources[0].scales_with.users: must be greater than zero, "
	             "got 0");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    scales_with: {usrs: 1}\n",
	             "plan.yml:11:19: resources[0].scales_with.usrs: unknown driver \"usrs\"");
	EXPECT_ERROR(DRV "resources:\n  - name: a\n    service: s\n    kind: cpu\n    unit: cores\n"
	             "    node_capacity: 1\n    scales_with: {users: }\n",
	             "plan.yml:11:19: resources[0].scales_with.users: has no value");
}

static void
test_error_labels(void)
{
	EXPECT_ERROR(RES "    capacity: 1TiB\n    labels: {0bad: x}\n",
	             "plan.yml:8:14: resources[0].labels.0bad: \"0bad\" is not a label name");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    labels: {job: [a]}\n",
	             "plan.yml:8:19: resources[0].labels.job: expected a label value, got a list");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    labels: {job: a, job: b}\n",
	             "plan.yml:8:22: resources[0].labels.job: duplicate key (first at line 8)");
	EXPECT_ERROR(RES "    capacity: 1TiB\n    labels: [job]\n",
	             "plan.yml:8:13: resources[0].labels: expected a map, got a list");
}

static void
test_error_scenarios(void)
{
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: surge\n",
	             "plan.yml:7:11: scenarios[0].type: unknown type \"surge\"; one of: multiplier, "
	             "spike, growth");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    multipliers: {users: 2}\n",
	             "plan.yml:6:5: scenarios[0]: missing key \"start\"");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-13-01\n"
	             "    multipliers: {users: 2}\n",
	             "plan.yml:8:12: scenarios[0].start: invalid timestamp \"2027-13-01\"");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-01-01\n",
	             "plan.yml:6:5: scenarios[0]: missing key \"multipliers\"");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-01-01\n"
	             "    multipliers: {}\n",
	             "plan.yml:9:18: scenarios[0].multipliers: names no driver");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-01-01\n"
	             "    multipliers: {users: 2, tx: 10}\n",
	             "plan.yml:9:29: scenarios[0].multipliers.tx: unknown driver \"tx\"; drivers: "
	             "transactions, users");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-01-01\n"
	             "    multipliers: {users: -1}\n",
	             "plan.yml:9:26: scenarios[0].multipliers.users: must be greater than zero, got -1");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: multiplier\n    start: 2027-01-01\n"
	             "    factor: 3\n",
	             "plan.yml:9:5: scenarios[0].factor: not a key of a multiplier scenario; its "
	             "keys: name, type, start, multipliers");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: growth\n    monthly: 10%\n"
	             "    duration: 1d\n",
	             "plan.yml:9:5: scenarios[0].duration: not a key of a growth scenario; its keys: "
	             "name, type, start, drivers, monthly");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: spike\n    start: 2027-01-01\n"
	             "    factor: 100\n",
	             "plan.yml:6:5: scenarios[0]: missing key \"duration\"");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: spike\n    start: 2027-01-01\n"
	             "    factor: 0\n    duration: 1d\n",
	             "plan.yml:9:13: scenarios[0].factor: must be greater than zero, got 0");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: spike\n    start: 2027-01-01\n"
	             "    factor: 10\n    duration: 24\n",
	             "plan.yml:10:15: scenarios[0].duration: expected a duration with a unit");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: spike\n    start: 2027-01-01\n"
	             "    factor: 10\n    duration: 1d\n    drivers: [people]\n",
	             "plan.yml:11:15: scenarios[0].drivers[0]: unknown driver \"people\"");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: growth\n    monthly: -150%\n",
	             "plan.yml:8:14: scenarios[0].monthly: -150% must be above -100%");
	EXPECT_ERROR(DRV "scenarios:\n  - name: x\n    type: growth\n",
	             "plan.yml:6:5: scenarios[0]: missing key \"monthly\"");
	EXPECT_ERROR(DRV "scenarios:\n  - {name: x, type: growth, monthly: 1%}\n"
	             "  - {name: x, type: growth, monthly: 2%}\n",
	             "plan.yml:7:12: scenarios[1].name: duplicate scenario \"x\" (first at line 6)");
	EXPECT_ERROR(DRV "scenarios:\n  - type: growth\n",
	             "plan.yml:6:5: scenarios[0]: missing key \"name\"");
}

int
register_plan_config_suite(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "quantities", test_quantity_parse },
		{ "ratios", test_ratio_parse },
		{ "kind, unit and type names", test_names },
		{ "version alone: every default", test_minimal_defaults },
		{ "a resource takes the plan's defaults", test_resource_defaults },
		{ "every key away from its default (full.yml)", test_full_fixture },
		{ "reports/plan.example.yml and the worked example", test_example_plan },
		{ "YAML forms: anchors, flow, quoting, null, BOM, CR", test_yaml_forms },
		{ "files: missing, a folder, bad syntax, the brief's example", test_error_files },
		{ "YAML syntax errors: libyaml's place", test_error_syntax },
		{ "top-level keys", test_error_top_level },
		{ "defaults", test_error_defaults },
		{ "resources", test_error_resources },
		{ "resource levels after merging", test_error_resource_levels },
		{ "drivers and references to them", test_error_drivers },
		{ "labels", test_error_labels },
		{ "scenarios", test_error_scenarios },
	};
	CU_pSuite suite = CU_add_suite("plan_config", NULL, NULL);

	if (!suite)
		return -1;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}
