/*
 * lib/plan/config.h: the plan file (plan.yml) that drives every stage.
 *
 * One YAML document, read with libyaml.  Every key, its type and its default
 * (reports/plan.example.yml is the same list with a worked example):
 *
 *   version: 1                    required, must be 1
 *   prometheus:                   optional map
 *     url: http://host:9090       http:// or https://; required when any driver or
 *                                 resource has a PromQL query (query, usage, capacity)
 *     step: 1h                    ingest resolution, a duration; default 1h
 *   history: 365d                 how much history to ingest and fit; default 365d
 *   horizon: 180d                 how far to forecast; default 180d
 *   currency: USD                 ISO 4217 code (three capital letters); default USD
 *   defaults:                     every key optional; the framework's values shown
 *     thresholds: {warning: 70%, critical: 85%, emergency: 95%}
 *                                 utilisation levels, ratios in (0, 1], strictly rising;
 *                                 a partial map keeps the other values
 *     exhaustion: {warning: 90d, critical: 60d, emergency: 30d}
 *                                 days to exhaustion: warning up to 90, critical
 *                                 under 60, emergency under 30, healthy above 90
 *                                 (lib/plan/assess.h); durations, strictly
 *                                 falling; a partial map keeps the others
 *     headroom: 25%               headroom target, a ratio in [0, 1)
 *     redundancy: 2               spare nodes (N+2), an integer >= 0
 *     lead_time: 30d              time to get capacity in place, a duration
 *     rightsize_floor: 30%        p95 utilisation below this: right-size; [0, 1)
 *     deployment_utilisation: {low: 50%, high: 80%}
 *                                 healthy band for deployment-slot and allocation kinds,
 *                                 0 <= low < high <= 1
 *   drivers:                      optional list of business series
 *     - name: transactions        required, [a-z0-9_-]+, unique
 *       query: 'sum(rate(...))'   PromQL; optional (the series may be loaded from files)
 *       metric: tx_per_second     stored series name; default: name
 *       unit: tx/s                free text for reports; default none
 *   resources:                    optional list
 *     - name: validator-disk      required, [A-Za-z0-9][A-Za-z0-9_.:-]*, unique
 *       service: validator        required, free text
 *       kind: disk                required: cpu memory disk network deployment_slots
 *                                 cpu_allocation memory_allocation storage_allocation
 *                                 gpu_allocation bid_queue_depth bid_latency_p95
 *                                 api_requests db_connections
 *       unit: bytes               required: bytes bytes_per_second cores ratio percent
 *                                 count requests_per_second seconds
 *       usage: 'PromQL'           optional; without it the series is loaded from files
 *       metric: disk_used_bytes   stored name of the usage series; default: name
 *       capacity: 4TiB            a quantity > 0 (number with optional K M G T P or
 *                                 Ki Mi Gi Ti Pi, optional B: "4TiB", "1.5e12", "10k"),
 *                                 or a PromQL string; default nodes x node_capacity
 *       capacity_metric: NAME     stored name of the capacity series; default
 *                                 "<metric>:capacity" when capacity is PromQL; alone
 *                                 (no capacity) it names a series loaded from files;
 *                                 not allowed with a fixed capacity
 *       nodes: 3                  current node count, integer >= 1; default 1
 *       node_capacity: 1.333TiB   per node, a quantity > 0; default capacity / nodes
 *                                 when nodes is given (else unknown: not sized as nodes)
 *                                 when capacity is fixed.  When both are fixed,
 *                                 capacity must be nodes x node_capacity within 1%.
 *                                 One of capacity, capacity_metric, node_capacity
 *                                 is required.
 *       redundancy: 2             overrides defaults.redundancy
 *       headroom: 25%             overrides defaults.headroom
 *       lead_time: 8w             overrides defaults.lead_time
 *       unit_cost: 40             cost per node per month in currency, >= 0; default 0
 *       thresholds: {...}         partial override of defaults.thresholds; checked
 *                                 after merging
 *       exhaustion: {...}         partial override of defaults.exhaustion; same
 *       drivers: [transactions]   names from drivers:, each once; default none
 *       scales_with: {transactions: 0.8}
 *                                 elasticity of usage to a driver, a number > 0;
 *                                 drivers named here are added to drivers; a
 *                                 driver listed without one has 1.0
 *       labels: {instance: "x"}   only the stored series with these labels; default none
 *   scenarios:                    optional list
 *     - name: mainnet launch      required, free text, unique
 *       type: multiplier          required: multiplier spike growth
 *       start: 2027-01-15         RFC 3339 or a date; required for multiplier and
 *                                 spike, optional for growth (default: forecast start)
 *       multipliers: {transactions: 10}   multiplier only, required: driver -> factor > 0
 *       factor: 100               spike only, required, > 0
 *       duration: 24h             spike only, required
 *       drivers: [users]          spike and growth: the drivers it applies to;
 *                                 default all of the plan's drivers
 *       monthly: 10%              growth only, required: compound month over month,
 *                                 above -100%
 *
 * Ratios are written "70%" or 0.7; durations in Prometheus syntax with a unit
 * ("90d", "1h30m"; a bare number is refused, it would be seconds).  Numbers
 * may be quoted or not.  A key with an empty (null) value counts as absent.
 *
 * Errors are one message "FILE:LINE:COLUMN: KEY.PATH: WHAT" (1-based line and
 * column; list entries as resources[2], counted from 0), for instance
 *   plan.yml:14:16: resources[2].thresholds.warning: 90% is above critical (85%)
 * with status CAPPLAN_EX_CONFIG; an unreadable file is CAPPLAN_EX_NOINPUT.
 */
#ifndef CAPPLAN_PLAN_CONFIG_H
#define CAPPLAN_PLAN_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "util/error.h"

enum capplan_kind {
	CAPPLAN_KIND_CPU,
	CAPPLAN_KIND_MEMORY,
	CAPPLAN_KIND_DISK,
	CAPPLAN_KIND_NETWORK,
	CAPPLAN_KIND_DEPLOYMENT_SLOTS,      /* provider daemons: deployments per provider */
	CAPPLAN_KIND_CPU_ALLOCATION,        /* provider daemons: resources leased out */
	CAPPLAN_KIND_MEMORY_ALLOCATION,
	CAPPLAN_KIND_STORAGE_ALLOCATION,
	CAPPLAN_KIND_GPU_ALLOCATION,
	CAPPLAN_KIND_BID_QUEUE_DEPTH,
	CAPPLAN_KIND_BID_LATENCY_P95,
	CAPPLAN_KIND_API_REQUESTS,
	CAPPLAN_KIND_DB_CONNECTIONS
};
#define CAPPLAN_NKINDS 13

enum capplan_unit {
	CAPPLAN_UNIT_BYTES,
	CAPPLAN_UNIT_BYTES_PER_SECOND,
	CAPPLAN_UNIT_CORES,
	CAPPLAN_UNIT_RATIO,
	CAPPLAN_UNIT_PERCENT,
	CAPPLAN_UNIT_COUNT,
	CAPPLAN_UNIT_REQUESTS_PER_SECOND,
	CAPPLAN_UNIT_SECONDS
};
#define CAPPLAN_NUNITS 8

enum capplan_scenario_type {
	CAPPLAN_SCENARIO_MULTIPLIER,
	CAPPLAN_SCENARIO_SPIKE,
	CAPPLAN_SCENARIO_GROWTH
};

/* Utilisation levels as fractions of capacity: warning < critical < emergency. */
struct capplan_thresholds {
	double warning;
	double critical;
	double emergency;
};

/* Time-to-exhaustion levels in ms: warning > critical > emergency. */
struct capplan_exhaustion {
	int64_t warning_ms;
	int64_t critical_ms;
	int64_t emergency_ms;
};

struct capplan_plan_defaults {
	struct capplan_thresholds thresholds;   /* 0.70 0.85 0.95 */
	struct capplan_exhaustion exhaustion;   /* 90d 60d 30d */
	double headroom;                        /* 0.25 */
	int redundancy;                         /* 2 */
	int64_t lead_time_ms;                   /* 30d */
	double rightsize_floor;                 /* 0.30 */
	double deployment_low;                  /* 0.50 */
	double deployment_high;                 /* 0.80 */
};

struct capplan_driver {
	char *name;
	char *query;            /* PromQL, or NULL */
	char *metric;           /* stored series name (name when not given) */
	char *unit;             /* or NULL */
	int line, column;       /* of its map in the plan file */
};

struct capplan_resource {
	char *name;
	char *service;
	enum capplan_kind kind;
	enum capplan_unit unit;
	char *usage;            /* PromQL, or NULL */
	char *metric;           /* stored name of the usage series (name when not given) */
	double capacity;        /* total, in unit, when fixed; NAN when it is a series */
	char *capacity_query;   /* PromQL, or NULL */
	char *capacity_metric;  /* stored name of the capacity series; NULL when fixed */
	int nodes;              /* >= 1 */
	double node_capacity;   /* in unit; NAN when unknown (a capacity series, no node_capacity) */
	int redundancy;
	double headroom;
	int64_t lead_time_ms;
	double unit_cost;       /* per node per month in plan->currency; 0 when not given */
	struct capplan_thresholds thresholds;   /* merged with the defaults */
	struct capplan_exhaustion exhaustion;   /* merged with the defaults */
	size_t *drivers;        /* indexes into plan->drivers, each once */
	double *elasticity;     /* per entry of drivers (scales_with; 1.0 by default) */
	size_t ndrivers;
	struct capplan_labels labels;   /* series selector; empty when not given */
	int line, column;
};

struct capplan_driver_factor {
	size_t driver;          /* index into plan->drivers */
	double factor;
};

struct capplan_scenario {
	char *name;
	enum capplan_scenario_type type;
	int has_start;
	int64_t start_ms;       /* when has_start */
	struct capplan_driver_factor *multipliers;   /* multiplier: in file order */
	size_t nmultipliers;
	double factor;          /* spike; 0 otherwise */
	int64_t duration_ms;    /* spike; 0 otherwise */
	size_t *drivers;        /* spike and growth: indexes into plan->drivers; all when not given */
	size_t ndrivers;
	double monthly;         /* growth: 0.10 for 10% a month; 0 otherwise */
	int line, column;
};

struct capplan_plan {
	char *path;             /* as given to capplan_plan_load; for messages */
	int version;            /* 1 */
	char *prometheus_url;   /* NULL when not given */
	int64_t step_ms;        /* 1h */
	int64_t history_ms;     /* 365d */
	int64_t horizon_ms;     /* 180d */
	char currency[4];       /* "USD" */
	struct capplan_plan_defaults defaults;
	struct capplan_driver *drivers;
	size_t ndrivers;
	struct capplan_resource *resources;
	size_t nresources;
	struct capplan_scenario *scenarios;
	size_t nscenarios;
};

/*
 * Read and check the plan file at path.  Returns a plan that the caller frees
 * with capplan_plan_free, or NULL with err set: CAPPLAN_EX_NOINPUT when the
 * file cannot be read ("PATH: cannot open: WHY"), CAPPLAN_EX_CONFIG for bad
 * content (see the top of this file), CAPPLAN_EX_SOFTWARE when memory runs out.
 */
struct capplan_plan *capplan_plan_load(const char *path, struct capplan_error *err);

/* The same for len bytes of YAML in memory, named name in messages. */
struct capplan_plan *capplan_plan_load_string(const char *name, const char *text, size_t len,
                                              struct capplan_error *err);

/* Free the plan and everything it holds; NULL is fine. */
void capplan_plan_free(struct capplan_plan *plan);

/* The framework's defaults, as listed above. */
void capplan_plan_defaults_init(struct capplan_plan_defaults *d);

/* The resource (driver) called name, or NULL; the driver's index in *index. */
const struct capplan_resource *capplan_plan_find_resource(const struct capplan_plan *plan,
                                                          const char *name);
const struct capplan_driver *capplan_plan_find_driver(const struct capplan_plan *plan,
                                                      const char *name, size_t *index);

/*
 * A quantity: a decimal number (exponent allowed) with an optional suffix
 * k K M G T P (powers of 1000) or Ki Mi Gi Ti Pi (powers of 1024), then an
 * optional B: "2TiB" "500GiB" "1.5e12" "10k" "250" "4 TB".  Finite values only;
 * the sign is kept (the caller checks the range).  Returns 0, or -1.
 */
int capplan_quantity_parse(const char *text, double *value);

/* A ratio: "70%" (0.70, rounded once from the decimal text) or "0.7".  Returns 0 or -1. */
int capplan_ratio_parse(const char *text, double *value);

/* Names as written in the plan file ("disk", "bytes_per_second", "spike"); "?" when out of range. */
const char *capplan_kind_name(enum capplan_kind kind);
const char *capplan_unit_name(enum capplan_unit unit);
const char *capplan_scenario_type_name(enum capplan_scenario_type type);
/* The reverse; 0, or -1 for an unknown name. */
int capplan_kind_parse(const char *name, enum capplan_kind *kind);
int capplan_unit_parse(const char *name, enum capplan_unit *unit);

#endif
