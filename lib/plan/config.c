/*
 * lib/plan/config.c: the plan file (plan.yml) that drives every stage.
 *
 * The file is parsed whole by libyaml into a document (lib/plan/yaml_walk.c
 * does the generic part: key paths, places, maps with known keys, scalars),
 * then walked once in a fixed order: version, prometheus, history, horizon,
 * currency, defaults, drivers, resources, scenarios.  Drivers come before
 * resources and scenarios because those name them; defaults come before
 * resources because a resource's thresholds are checked after merging.
 * The first problem found ends the walk: one message, one place.
 *
 * Decisions where the brief was loose:
 *  - A threshold pair that is out of order is blamed on the key written in
 *    the map being read (a resource's warning: 90% against the default
 *    critical 85% is the resource's fault, at its warning key).
 *  - Levels must be strictly ordered: two equal levels would make one of them
 *    unreachable, which is never what was meant.
 *  - A capacity that looks like a number with a suffix ("4TB", "4 Tib") is a
 *    quantity, and an error when the suffix is unknown; only text that cannot
 *    be a quantity ("sum(...)") is PromQL.  Otherwise a typo in a suffix would
 *    silently become a query.
 *  - Durations must carry a unit: capplan_duration_parse reads "90" as 90
 *    seconds, as the Prometheus API does, but in a plan "lead_time: 90" is far
 *    more likely to mean days.
 */
#include "plan/config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/yaml_walk.h"
#include "util/number.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* A plan is a few kilobytes; anything this large is not one. */
#define PLAN_MAX_BYTES (16 * 1024 * 1024)
#define HOUR_MS INT64_C(3600000)
#define DAY_MS CAPPLAN_MS_PER_DAY
/* nodes x node_capacity may differ from capacity by this much (rounded per-node figures). */
#define CAPACITY_TOLERANCE 0.01
#define MAX_NODES 1000000L
#define MAX_REDUNDANCY 1000L

#define FIELD(key) { key, NULL, NULL }
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[CAPPLAN_NKINDS] = {
	"cpu", "memory", "disk", "network", "deployment_slots", "cpu_allocation",
	"memory_allocation", "storage_allocation", "gpu_allocation", "bid_queue_depth",
	"bid_latency_p95", "api_requests", "db_connections"
};

static const char *const unit_names[CAPPLAN_NUNITS] = {
	"bytes", "bytes_per_second", "cores", "ratio", "percent", "count", "requests_per_second",
	"seconds"
};

static const char *const scenario_names[] = { "multiplier", "spike", "growth" };

/* ---- names ---- */

const char *
capplan_kind_name(enum capplan_kind kind)
{
	return (unsigned)kind < CAPPLAN_NKINDS ? kind_names[kind] : "?";
}

const char *
capplan_unit_name(enum capplan_unit unit)
{
	return (unsigned)unit < CAPPLAN_NUNITS ? unit_names[unit] : "?";
}

const char *
capplan_scenario_type_name(enum capplan_scenario_type type)
{
	return (unsigned)type < NFIELDS(scenario_names) ? scenario_names[type] : "?";
}

static int
name_index(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

int
capplan_kind_parse(const char *name, enum capplan_kind *kind)
{
	int i = name_index(kind_names, CAPPLAN_NKINDS, name);

	if (i < 0)
		return -1;
	*kind = (enum capplan_kind)i;
	return 0;
}

int
capplan_unit_parse(const char *name, enum capplan_unit *unit)
{
	int i = name_index(unit_names, CAPPLAN_NUNITS, name);

	if (i < 0)
		return -1;
	*unit = (enum capplan_unit)i;
	return 0;
}

/* "a, b, c" into buf (cut when it does not fit). */
static const char *
join(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);

		if (k < 0 || (size_t)k >= size - used)
			break;
		used += (size_t)k;
	}
	return buf;
}

/* ---- numbers ---- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the decimal number at the start of s ([+-]d[.d][e[+-]d]), 0 when none. */
static size_t
number_prefix(const char *s, int *has_exponent)
{
	size_t i = 0, digits = 0;

	*has_exponent = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; is_digit(s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;

		if (s[j] == '+' || s[j] == '-')
			j++;
		if (is_digit(s[j])) {
			while (is_digit(s[j]))
				j++;
			i = j;
			*has_exponent = 1;
		}
	}
	return i;
}

int
capplan_quantity_parse(const char *text, double *value)
{
	static const struct {
		const char *suffix;
		double factor;
	} suffixes[] = {
		/* Binary ones first: "Ki" must not be read as "K" then "i". */
		{ "Ki", 1024.0 },
		{ "Mi", 1048576.0 },
		{ "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 },
		{ "Pi", 1125899906842624.0 },
		{ "k", 1e3 },
		{ "K", 1e3 },
		{ "M", 1e6 },
		{ "G", 1e9 },
		{ "T", 1e12 },
		{ "P", 1e15 },
		{ "", 1.0 },
	};
	int has_exponent;
	size_t n = number_prefix(text, &has_exponent);
	const char *rest;
	double v;

	if (n == 0 || capplan_value_parse(text, n, &v) < 0)
		return -1;
	rest = text + n;
	while (*rest == ' ')
		rest++;
	for (size_t i = 0; i < NFIELDS(suffixes); i++) {
		size_t len = strlen(suffixes[i].suffix);

		if (strncmp(rest, suffixes[i].suffix, len) != 0)
			continue;
		if (strcmp(rest + len, "") != 0 && strcmp(rest + len, "B") != 0)
			continue;
		v *= suffixes[i].factor;
		if (!isfinite(v))
			return -1;
		*value = v;
		return 0;
	}
	return -1;
}

int
capplan_ratio_parse(const char *text, double *value)
{
	char buf[80];
	int has_exponent;
	size_t len = strlen(text), n = number_prefix(text, &has_exponent);
	double v;

	if (n == 0)
		return -1;
	if (n == len) {
		if (capplan_value_parse(text, n, &v) < 0 || !isfinite(v))
			return -1;
		*value = v;
		return 0;
	}
	if (n + 1 != len || text[n] != '%' || n + 4 > sizeof(buf))
		return -1;
	/*
	 * "33.3%" is read as the decimal 33.3e-2, so the result is the double
	 * nearest to 0.333, exactly as if "0.333" had been written; dividing the
	 * double 33.3 by 100 can land one unit in the last place away.
	 */
	memcpy(buf, text, n);
	if (has_exponent) {
		if (capplan_value_parse(buf, n, &v) < 0)
			return -1;
		v /= 100.0;
	} else {
		memcpy(buf + n, "e-2", 3);
		if (capplan_value_parse(buf, n + 3, &v) < 0)
			return -1;
	}
	if (!isfinite(v))
		return -1;
	*value = v;
	return 0;
}

/* A ratio as a percentage for messages: 0.85 -> "85%". */
static const char *
format_ratio(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.6g%%", v * 100.0);
	return buf;
}

/* A duration for messages: whole days as days ("60d", not "8w4d"), others in Prometheus syntax. */
static const char *
format_duration(char *buf, size_t size, double ms)
{
	char d[CAPPLAN_DURATION_BUFSZ];
	int64_t v = (int64_t)ms;

	if (v % DAY_MS == 0)
		snprintf(buf, size, "%" PRId64 "d", v / DAY_MS);
	else
		snprintf(buf, size, "%s", capplan_duration_format(v, d));
	return buf;
}

/* ---- the plan ---- */

void
capplan_plan_defaults_init(struct capplan_plan_defaults *d)
{
	d->thresholds.warning = 0.70;
	d->thresholds.critical = 0.85;
	d->thresholds.emergency = 0.95;
	d->exhaustion.warning_ms = 90 * DAY_MS;
	d->exhaustion.critical_ms = 60 * DAY_MS;
	d->exhaustion.emergency_ms = 30 * DAY_MS;
	d->headroom = 0.25;
	d->redundancy = 2;
	d->lead_time_ms = 30 * DAY_MS;
	d->rightsize_floor = 0.30;
	d->deployment_low = 0.50;
	d->deployment_high = 0.80;
}

void
capplan_plan_free(struct capplan_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->ndrivers; i++) {
		struct capplan_driver *d = &plan->drivers[i];

		free(d->name);
		free(d->query);
		free(d->metric);
		free(d->unit);
	}
	for (size_t i = 0; i < plan->nresources; i++) {
		struct capplan_resource *r = &plan->resources[i];

		free(r->name);
		free(r->service);
		free(r->usage);
		free(r->metric);
		free(r->capacity_query);
		free(r->capacity_metric);
		free(r->drivers);
		free(r->elasticity);
		capplan_labels_release(&r->labels);
	}
	for (size_t i = 0; i < plan->nscenarios; i++) {
		struct capplan_scenario *s = &plan->scenarios[i];

		free(s->name);
		free(s->multipliers);
		free(s->drivers);
	}
	free(plan->drivers);
	free(plan->resources);
	free(plan->scenarios);
	free(plan->prometheus_url);
	free(plan->path);
	free(plan);
}

const struct capplan_resource *
capplan_plan_find_resource(const struct capplan_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->nresources; i++)
		if (strcmp(plan->resources[i].name, name) == 0)
			return &plan->resources[i];
	return NULL;
}

const struct capplan_driver *
capplan_plan_find_driver(const struct capplan_plan *plan, const char *name, size_t *index)
{
	for (size_t i = 0; i < plan->ndrivers; i++)
		if (strcmp(plan->drivers[i].name, name) == 0) {
			if (index)
				*index = i;
			return &plan->drivers[i];
		}
	return NULL;
}

/* ---- the walk ---- */

struct loader {
	struct capplan_yaml_walk w;
	struct capplan_plan *plan;
	/* The first PromQL query met, for "needs prometheus.url". */
	const yaml_node_t *query_node;
	char query_path[CAPPLAN_YAML_PATH_MAX];
};

static size_t
push(struct loader *L, const char *key)
{
	return capplan_yaml_push_key(&L->w, key, strlen(key));
}

static void
pop(struct loader *L, size_t mark)
{
	capplan_yaml_pop(&L->w, mark);
}

static size_t
list_length(const yaml_node_t *node)
{
	return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
}

static yaml_node_t *
list_item(const struct loader *L, const yaml_node_t *node, size_t i)
{
	return capplan_yaml_node(&L->w, node->data.sequence.items.start[i]);
}

static const char *
quote(char *buf, const char *text)
{
	return capplan_quote(buf, CAPPLAN_QUOTE_BUFSZ, text, strlen(text));
}

/* Remember the first query's place, under the current path plus key. */
static void
note_query(struct loader *L, const struct capplan_yaml_field *f)
{
	if (L->query_node || !f->value)
		return;
	L->query_node = f->value;
	snprintf(L->query_path, sizeof(L->query_path), "%s%s%s", L->w.path,
	         L->w.pathlen ? "." : "", f->key);
}

/*
 * A ratio field within lo..hi (each end excluded when its flag says open).
 * Same returns as the capplan_yaml_get_* functions.
 */
static int
get_ratio(struct loader *L, const struct capplan_yaml_field *f, double lo, int lo_open,
          double hi, int hi_open, double *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(&L->w, f, "a ratio such as 70% or 0.7", &text, &mark);
	double v;

	if (rc <= 0)
		return rc;
	if (capplan_ratio_parse(text, &v) < 0)
		return capplan_yaml_fail(&L->w, f->value,
		                         "expected a ratio such as 70%% or 0.7, got \"%s\"",
		                         quote(q, text));
	if ((lo_open ? v <= lo : v < lo) || (hi_open ? v >= hi : v > hi)) {
		if (isinf(hi))
			return capplan_yaml_fail(&L->w, f->value, "%s must be above %g%%",
			                         quote(q, text), lo * 100.0);
		return capplan_yaml_fail(&L->w, f->value, "%s is outside %c%g, %g%c",
		                         quote(q, text), lo_open ? '(' : '[', lo, hi,
		                         hi_open ? ')' : ']');
	}
	pop(L, mark);
	*out = v;
	return 1;
}

/* A quantity field, > 0. */
static int
get_quantity(struct loader *L, const struct capplan_yaml_field *f, double *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(&L->w, f, "a quantity such as 4TiB", &text, &mark);
	double v;

	if (rc <= 0)
		return rc;
	if (capplan_quantity_parse(text, &v) < 0)
		return capplan_yaml_fail(&L->w, f->value,
		                         "expected a quantity such as 4TiB, 500GiB, 1.5e12 or 250, "
		                         "got \"%s\"", quote(q, text));
	if (!(v > 0))
		return capplan_yaml_fail(&L->w, f->value, "must be greater than zero, got %s",
		                         quote(q, text));
	pop(L, mark);
	*out = v;
	return 1;
}

/* A positive number field (factors, elasticities). */
static int
get_positive(struct loader *L, const struct capplan_yaml_field *f, double *out)
{
	double v;
	int rc = capplan_yaml_get_number(&L->w, f, &v);

	if (rc <= 0)
		return rc;
	if (!(v > 0)) {
		size_t mark = push(L, f->key);

		capplan_yaml_fail(&L->w, f->value, "must be greater than zero, got %s",
		                  capplan_yaml_text(f->value));
		pop(L, mark);
		return -1;
	}
	*out = v;
	return 1;
}

/* A string field whose text must be one of names[0..n); its index in *out. */
static int
get_choice(struct loader *L, const struct capplan_yaml_field *f, const char *what,
           const char *const *names, size_t n, int *out)
{
	char q[CAPPLAN_QUOTE_BUFSZ], list[CAPPLAN_ERROR_MAX / 2];
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(&L->w, f, what, &text, &mark);
	int i;

	if (rc <= 0)
		return rc;
	i = name_index(names, n, text);
	if (i < 0)
		return capplan_yaml_fail(&L->w, f->value, "unknown %s \"%s\"; one of: %s", f->key,
		                         quote(q, text), join(list, sizeof(list), names, n));
	pop(L, mark);
	*out = i;
	return 1;
}

static int
matches(const char *s, const char *first, const char *rest)
{
	if (!*s || !strchr(first, *s))
		return 0;
	for (s++; *s; s++)
		if (!strchr(rest, *s))
			return 0;
	return 1;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

/*
 * Check one pair of levels after merging: v[a] must be below v[b] (rising)
 * or above it (falling).  The key written in this map is blamed; the other
 * value may come from the defaults.
 */
struct levels {
	const char *names[3];
	double v[3];
	const yaml_node_t *at[3];   /* the value written here, or NULL (from the defaults) */
	int rising;
	const char *(*format)(char *, size_t, double);
	const char *order;          /* e.g. "warning < critical < emergency" */
};

static int
check_pair(struct loader *L, const struct levels *lv, int a, int b)
{
	char vb[64];
	int ok = lv->rising ? lv->v[a] < lv->v[b] : lv->v[a] > lv->v[b];
	int blame = lv->at[a] ? a : b;
	int other = blame == a ? b : a;
	/* Whether the blamed value lies above the other. */
	int above = lv->v[blame] > lv->v[other];
	const char *rel;

	if (ok)
		return 0;
	if (lv->v[blame] == lv->v[other])
		rel = "equals";
	else if (lv->rising)
		rel = above ? "is above" : "is below";
	else
		rel = above ? "is longer than" : "is shorter than";
	if (!lv->at[blame])
		return 0;   /* both from the defaults, already checked there */
	/* Values written in this map as written; a default as the framework writes it. */
	push(L, lv->names[blame]);
	return capplan_yaml_fail(&L->w, lv->at[blame], "%s %s %s (%s); levels go %s",
	                         capplan_yaml_text(lv->at[blame]), rel, lv->names[other],
	                         lv->at[other] ? capplan_yaml_text(lv->at[other])
	                                       : lv->format(vb, sizeof(vb), lv->v[other]),
	                         lv->order);
}

static int
check_levels(struct loader *L, const struct levels *lv)
{
	if (check_pair(L, lv, 0, 1) < 0 || check_pair(L, lv, 1, 2) < 0)
		return -1;
	return 0;
}

/* thresholds: {warning, critical, emergency}, merged over base. */
static int
load_thresholds(struct loader *L, const struct capplan_yaml_field *f,
                const struct capplan_thresholds *base, struct capplan_thresholds *out)
{
	struct capplan_yaml_field tf[] = { FIELD("warning"), FIELD("critical"), FIELD("emergency") };
	struct levels lv = {
		{ "warning", "critical", "emergency" },
		{ base->warning, base->critical, base->emergency },
		{ NULL, NULL, NULL }, 1, format_ratio, "warning < critical < emergency"
	};
	size_t mark;

	*out = *base;
	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_map(&L->w, f->value, tf, NFIELDS(tf)) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (get_ratio(L, &tf[i], 0.0, 1, 1.0, 0, &lv.v[i]) < 0)
			return -1;
		lv.at[i] = tf[i].value;
	}
	if (check_levels(L, &lv) < 0)
		return -1;
	out->warning = lv.v[0];
	out->critical = lv.v[1];
	out->emergency = lv.v[2];
	pop(L, mark);
	return 0;
}

/* exhaustion: {warning, critical, emergency} durations, merged over base. */
static int
load_exhaustion(struct loader *L, const struct capplan_yaml_field *f,
                const struct capplan_exhaustion *base, struct capplan_exhaustion *out)
{
	struct capplan_yaml_field ef[] = { FIELD("warning"), FIELD("critical"), FIELD("emergency") };
	int64_t ms[3] = { base->warning_ms, base->critical_ms, base->emergency_ms };
	struct levels lv = {
		{ "warning", "critical", "emergency" },
		{ 0, 0, 0 },
		{ NULL, NULL, NULL }, 0, format_duration, "warning > critical > emergency"
	};
	size_t mark;

	*out = *base;
	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_map(&L->w, f->value, ef, NFIELDS(ef)) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (capplan_yaml_get_duration(&L->w, &ef[i], &ms[i]) < 0)
			return -1;
		lv.v[i] = (double)ms[i];
		lv.at[i] = ef[i].value;
	}
	if (check_levels(L, &lv) < 0)
		return -1;
	out->warning_ms = ms[0];
	out->critical_ms = ms[1];
	out->emergency_ms = ms[2];
	pop(L, mark);
	return 0;
}

static int
load_deployment_band(struct loader *L, const struct capplan_yaml_field *f,
                     struct capplan_plan_defaults *d)
{
	struct capplan_yaml_field bf[] = { FIELD("low"), FIELD("high") };
	char a[64], b[64];
	size_t mark;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_map(&L->w, f->value, bf, NFIELDS(bf)) < 0 ||
	    get_ratio(L, &bf[0], 0.0, 0, 1.0, 0, &d->deployment_low) < 0 ||
	    get_ratio(L, &bf[1], 0.0, 0, 1.0, 0, &d->deployment_high) < 0)
		return -1;
	if (!(d->deployment_low < d->deployment_high)) {
		int blame = bf[1].value && !bf[0].value;

		push(L, bf[blame].key);
		return capplan_yaml_fail(&L->w, bf[blame].value,
		                         "%s %s %s (%s); the band goes low < high",
		                         format_ratio(a, sizeof(a), blame ? d->deployment_high
		                                                          : d->deployment_low),
		                         blame ? "is not above" : "is not below", bf[!blame].key,
		                         format_ratio(b, sizeof(b), blame ? d->deployment_low
		                                                          : d->deployment_high));
	}
	pop(L, mark);
	return 0;
}

static int
load_defaults(struct loader *L, const struct capplan_yaml_field *f)
{
	struct capplan_plan_defaults *d = &L->plan->defaults;
	struct capplan_plan_defaults framework;
	struct capplan_yaml_field df[] = {
		FIELD("thresholds"), FIELD("exhaustion"), FIELD("headroom"), FIELD("redundancy"),
		FIELD("lead_time"), FIELD("rightsize_floor"), FIELD("deployment_utilisation")
	};
	long redundancy = d->redundancy;
	size_t mark;

	if (!f->value)
		return 0;
	capplan_plan_defaults_init(&framework);
	mark = push(L, f->key);
	if (capplan_yaml_map(&L->w, f->value, df, NFIELDS(df)) < 0 ||
	    load_thresholds(L, &df[0], &framework.thresholds, &d->thresholds) < 0 ||
	    load_exhaustion(L, &df[1], &framework.exhaustion, &d->exhaustion) < 0 ||
	    get_ratio(L, &df[2], 0.0, 0, 1.0, 1, &d->headroom) < 0 ||
	    capplan_yaml_get_int(&L->w, &df[3], 0, MAX_REDUNDANCY, &redundancy) < 0 ||
	    capplan_yaml_get_duration(&L->w, &df[4], &d->lead_time_ms) < 0 ||
	    get_ratio(L, &df[5], 0.0, 0, 1.0, 1, &d->rightsize_floor) < 0 ||
	    load_deployment_band(L, &df[6], d) < 0)
		return -1;
	d->redundancy = (int)redundancy;
	pop(L, mark);
	return 0;
}

static int
load_prometheus(struct loader *L, const struct capplan_yaml_field *f)
{
	struct capplan_yaml_field pf[] = { FIELD("url"), FIELD("step") };
	char q[CAPPLAN_QUOTE_BUFSZ];
	size_t mark;
	int rc;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_map(&L->w, f->value, pf, NFIELDS(pf)) < 0)
		return -1;
	rc = capplan_yaml_get_string(&L->w, &pf[0], &L->plan->prometheus_url);
	if (rc < 0)
		return -1;
	if (rc > 0 && strncmp(L->plan->prometheus_url, "http://", 7) != 0 &&
	    strncmp(L->plan->prometheus_url, "https://", 8) != 0) {
		push(L, "url");
		return capplan_yaml_fail(&L->w, pf[0].value,
		                         "expected an http:// or https:// URL, got \"%s\"",
		                         quote(q, L->plan->prometheus_url));
	}
	if (capplan_yaml_get_duration(&L->w, &pf[1], &L->plan->step_ms) < 0)
		return -1;
	pop(L, mark);
	return 0;
}

/* "unknown driver \"x\"; drivers: a, b" at node. */
static int
unknown_driver(struct loader *L, const yaml_node_t *at, const char *name)
{
	char q[CAPPLAN_QUOTE_BUFSZ], list[CAPPLAN_ERROR_MAX / 2];
	size_t used = 0;

	list[0] = '\0';
	for (size_t i = 0; i < L->plan->ndrivers; i++) {
		int k = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                 L->plan->drivers[i].name);

		if (k < 0 || (size_t)k >= sizeof(list) - used)
			break;
		used += (size_t)k;
	}
	if (L->plan->ndrivers == 0)
		return capplan_yaml_fail(&L->w, at, "unknown driver \"%s\"; the plan has no drivers",
		                         quote(q, name));
	return capplan_yaml_fail(&L->w, at, "unknown driver \"%s\"; drivers: %s", quote(q, name),
	                         list);
}

/* A driver's index from a scalar node naming it (the path already names the node). */
static int
driver_ref(struct loader *L, const yaml_node_t *node, size_t *index)
{
	const char *name;

	if (node->type != YAML_SCALAR_NODE || capplan_yaml_is_null(node))
		return capplan_yaml_fail(&L->w, node, "expected a driver name, got %s",
		                         capplan_yaml_kind(node));
	name = capplan_yaml_text(node);
	if (!capplan_plan_find_driver(L->plan, name, index))
		return unknown_driver(L, node, name);
	return 0;
}

/*
 * A list of driver names into *out (malloc'd, with room for extra more), each
 * once.  Not given: *out stays NULL and 0 is returned.
 */
static int
load_driver_list(struct loader *L, const struct capplan_yaml_field *f, size_t extra,
                 size_t **out, size_t *n)
{
	size_t mark, count;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_list(&L->w, f->value) < 0)
		return -1;
	count = list_length(f->value);
	*out = calloc(count + extra + 1, sizeof(**out));
	if (!*out)
		return capplan_yaml_no_memory(&L->w);
	for (size_t i = 0; i < count; i++) {
		const yaml_node_t *item = list_item(L, f->value, i);
		size_t at = capplan_yaml_push_index(&L->w, i), index;

		if (driver_ref(L, item, &index) < 0)
			return -1;
		for (size_t j = 0; j < *n; j++)
			if ((*out)[j] == index)
				return capplan_yaml_fail(&L->w, item, "driver \"%s\" listed twice",
				                         L->plan->drivers[index].name);
		(*out)[(*n)++] = index;
		pop(L, at);
	}
	pop(L, mark);
	return 0;
}

/* Every driver of the plan, for a scenario that names none. */
static int
all_drivers(struct loader *L, size_t **out, size_t *n)
{
	*out = calloc(L->plan->ndrivers + 1, sizeof(**out));
	if (!*out)
		return capplan_yaml_no_memory(&L->w);
	for (size_t i = 0; i < L->plan->ndrivers; i++)
		(*out)[i] = i;
	*n = L->plan->ndrivers;
	return 0;
}

static int
load_driver(struct loader *L, const yaml_node_t *node, size_t i)
{
	struct capplan_yaml_field f[] = { FIELD("name"), FIELD("query"), FIELD("metric"),
	                                  FIELD("unit") };
	struct capplan_driver *d = &L->plan->drivers[i];
	char q[CAPPLAN_QUOTE_BUFSZ];

	d->line = (int)node->start_mark.line + 1;
	d->column = (int)node->start_mark.column + 1;
	if (capplan_yaml_map(&L->w, node, f, NFIELDS(f)) < 0 ||
	    capplan_yaml_require(&L->w, node, &f[0]) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[0], &d->name) < 0)
		return -1;
	if (!matches(d->name, LOWER DIGITS "_-", LOWER DIGITS "_-")) {
		push(L, "name");
		return capplan_yaml_fail(&L->w, f[0].value,
		                         "\"%s\" is not a driver name: lower-case letters, digits, "
		                         "'_' and '-' only", quote(q, d->name));
	}
	for (size_t j = 0; j < i; j++)
		if (strcmp(L->plan->drivers[j].name, d->name) == 0) {
			push(L, "name");
			return capplan_yaml_fail(&L->w, f[0].value,
			                         "duplicate driver \"%s\" (first at line %d)",
			                         quote(q, d->name), L->plan->drivers[j].line);
		}
	if (capplan_yaml_get_string(&L->w, &f[1], &d->query) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[2], &d->metric) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[3], &d->unit) < 0)
		return -1;
	note_query(L, &f[1]);
	if (!d->metric && !(d->metric = strdup(d->name)))
		return capplan_yaml_no_memory(&L->w);
	return 0;
}

typedef int (*item_loader)(struct loader *L, const yaml_node_t *node, size_t i);

/*
 * A list of maps under f: *items (n + 1 of size bytes, zeroed) each loaded
 * by one(L, node, i), which fills item i.  *count is raised before an item is
 * loaded, so that capplan_plan_free releases a half-loaded one on failure.
 */
static int
load_list(struct loader *L, const struct capplan_yaml_field *f, void **items, size_t size,
          size_t *count, item_loader one)
{
	size_t mark, n;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_list(&L->w, f->value) < 0)
		return -1;
	n = list_length(f->value);
	*items = calloc(n + 1, size);
	if (!*items)
		return capplan_yaml_no_memory(&L->w);
	for (size_t i = 0; i < n; i++) {
		size_t at = capplan_yaml_push_index(&L->w, i);

		*count = i + 1;
		if (one(L, list_item(L, f->value, i), i) < 0)
			return -1;
		pop(L, at);
	}
	pop(L, mark);
	return 0;
}

static int
load_drivers(struct loader *L, const struct capplan_yaml_field *f)
{
	return load_list(L, f, (void **)&L->plan->drivers, sizeof(*L->plan->drivers), &L->plan->ndrivers,
	                 load_driver);
}

/* capacity: a quantity, or PromQL.  Text that looks like a number with a suffix is a quantity. */
static int
quantity_like(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');

	if (!(is_digit(*p) || (*p == '.' && is_digit(p[1]))))
		return 0;
	for (; *s; s++)
		if (!strchr(LOWER UPPER DIGITS ".+- ", *s))
			return 0;
	return 1;
}

static int
load_capacity(struct loader *L, const struct capplan_yaml_field *f, struct capplan_resource *r)
{
	const char *text;
	size_t mark;
	int rc = capplan_yaml_scalar(&L->w, f, "a quantity or a PromQL query", &text, &mark);

	if (rc <= 0)
		return rc;
	pop(L, mark);
	if (quantity_like(text))
		return get_quantity(L, f, &r->capacity);
	r->capacity_query = strdup(text);
	if (!r->capacity_query)
		return capplan_yaml_no_memory(&L->w);
	note_query(L, f);
	return 1;
}

/* scales_with: {driver: elasticity}; drivers named here join r->drivers. */
static int
load_scales_with(struct loader *L, const struct capplan_yaml_field *f, struct capplan_resource *r)
{
	size_t mark;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_free_map(&L->w, f->value) < 0)
		return -1;
	for (const yaml_node_pair_t *p = f->value->data.mapping.pairs.start;
	     p < f->value->data.mapping.pairs.top; p++) {
		yaml_node_t *key = capplan_yaml_node(&L->w, p->key);
		struct capplan_yaml_field ef = { capplan_yaml_text(key), key,
		                                 capplan_yaml_node(&L->w, p->value) };
		size_t index, j, at;
		double e = 1.0;

		if (capplan_yaml_is_null(ef.value))
			ef.value = NULL;
		at = push(L, ef.key);
		if (driver_ref(L, key, &index) < 0)
			return -1;
		pop(L, at);
		if (capplan_yaml_require(&L->w, f->value, &ef) < 0 || get_positive(L, &ef, &e) < 0)
			return -1;
		for (j = 0; j < r->ndrivers; j++)
			if (r->drivers[j] == index)
				break;
		if (j == r->ndrivers)
			r->drivers[r->ndrivers++] = index;
		r->elasticity[j] = e;
	}
	pop(L, mark);
	return 0;
}

static int
load_labels(struct loader *L, const struct capplan_yaml_field *f, struct capplan_resource *r)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	size_t mark;

	if (!f->value)
		return 0;
	mark = push(L, f->key);
	if (capplan_yaml_free_map(&L->w, f->value) < 0)
		return -1;
	for (const yaml_node_pair_t *p = f->value->data.mapping.pairs.start;
	     p < f->value->data.mapping.pairs.top; p++) {
		yaml_node_t *key = capplan_yaml_node(&L->w, p->key);
		yaml_node_t *value = capplan_yaml_node(&L->w, p->value);
		const char *name = capplan_yaml_text(key);
		size_t len = key->data.scalar.length, at = capplan_yaml_push_key(&L->w, name, len);
		struct capplan_error tmp;

		if (!capplan_label_name_valid(name, len))
			return capplan_yaml_fail(&L->w, key,
			                         "\"%s\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)",
			                         quote(q, name));
		if (value->type != YAML_SCALAR_NODE)
			return capplan_yaml_fail(&L->w, value, "expected a label value, got %s",
			                         capplan_yaml_kind(value));
		if (capplan_yaml_is_null(value))
			return capplan_yaml_fail(&L->w, key,
			                         "has no value (write \"\" for an empty one)");
		if (capplan_labels_add(&r->labels, name, len, capplan_yaml_text(value),
		                       value->data.scalar.length, &tmp) < 0)
			return capplan_yaml_fail(&L->w, value, "%s", tmp.msg);
		pop(L, at);
	}
	pop(L, mark);
	return 0;
}

enum {
	R_NAME, R_SERVICE, R_KIND, R_UNIT, R_USAGE, R_METRIC, R_CAPACITY, R_CAPACITY_METRIC,
	R_NODES, R_NODE_CAPACITY, R_REDUNDANCY, R_HEADROOM, R_LEAD_TIME, R_UNIT_COST,
	R_THRESHOLDS, R_EXHAUSTION, R_DRIVERS, R_SCALES_WITH, R_LABELS, R_NFIELDS
};

/* nodes, capacity, node_capacity and capacity_metric together. */
static int
settle_capacity(struct loader *L, const yaml_node_t *node, const struct capplan_yaml_field *f,
                struct capplan_resource *r)
{
	int fixed = !isnan(r->capacity);
	int has_node_capacity = !isnan(r->node_capacity);

	if (fixed && r->capacity_metric) {
		push(L, "capacity_metric");
		return capplan_yaml_fail(&L->w, f[R_CAPACITY_METRIC].value,
		                         "not used with a fixed capacity (capacity: %s)",
		                         capplan_yaml_text(f[R_CAPACITY].value));
	}
	if (fixed && has_node_capacity) {
		double total = r->nodes * r->node_capacity;

		if (fabs(total - r->capacity) > CAPACITY_TOLERANCE * r->capacity) {
			push(L, "node_capacity");
			return capplan_yaml_fail(&L->w, f[R_NODE_CAPACITY].value,
			                         "nodes x node_capacity = %d x %s = %.6g, but capacity "
			                         "is %s = %.6g; they must agree within 1%%",
			                         r->nodes, capplan_yaml_text(f[R_NODE_CAPACITY].value),
			                         total, capplan_yaml_text(f[R_CAPACITY].value),
			                         r->capacity);
		}
	} else if (fixed) {
		/* shared by the nodes named; without a node count it is one volume, not nodes */
		if (f[R_NODES].value)
			r->node_capacity = r->capacity / r->nodes;
	} else if (!r->capacity_query && !r->capacity_metric) {
		if (!has_node_capacity)
			return capplan_yaml_fail(&L->w, node,
			                         "missing key \"capacity\" (or node_capacity, or "
			                         "capacity_metric)");
		r->capacity = r->nodes * r->node_capacity;
	}
	if (r->capacity_query && !r->capacity_metric) {
		struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

		if (capplan_strbuf_appendf(&sb, "%s:capacity", r->metric) < 0)
			return capplan_yaml_no_memory(&L->w);
		r->capacity_metric = capplan_strbuf_detach(&sb);
	}
	return 0;
}

static int
load_resource(struct loader *L, const yaml_node_t *node, size_t i)
{
	struct capplan_resource *r = &L->plan->resources[i];
	const struct capplan_plan_defaults *d = &L->plan->defaults;
	struct capplan_yaml_field f[R_NFIELDS] = {
		FIELD("name"), FIELD("service"), FIELD("kind"), FIELD("unit"), FIELD("usage"),
		FIELD("metric"), FIELD("capacity"), FIELD("capacity_metric"), FIELD("nodes"),
		FIELD("node_capacity"), FIELD("redundancy"), FIELD("headroom"), FIELD("lead_time"),
		FIELD("unit_cost"), FIELD("thresholds"), FIELD("exhaustion"), FIELD("drivers"),
		FIELD("scales_with"), FIELD("labels")
	};
	char q[CAPPLAN_QUOTE_BUFSZ];
	long nodes = 1, redundancy = d->redundancy;
	int kind = 0, unit = 0;
	size_t extra;

	r->line = (int)node->start_mark.line + 1;
	r->column = (int)node->start_mark.column + 1;
	r->capacity = NAN;
	r->node_capacity = NAN;
	r->headroom = d->headroom;
	r->lead_time_ms = d->lead_time_ms;
	r->thresholds = d->thresholds;
	r->exhaustion = d->exhaustion;
	if (capplan_yaml_map(&L->w, node, f, R_NFIELDS) < 0)
		return -1;

	/* Required, in the order a reader expects them. */
	if (capplan_yaml_require(&L->w, node, &f[R_NAME]) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[R_NAME], &r->name) < 0)
		return -1;
	if (!matches(r->name, LOWER UPPER DIGITS, LOWER UPPER DIGITS "_.:-")) {
		push(L, "name");
		return capplan_yaml_fail(&L->w, f[R_NAME].value,
		                         "\"%s\" is not a resource name: letters, digits, '_', '.', "
		                         "':' and '-', starting with a letter or digit",
		                         quote(q, r->name));
	}
	for (size_t j = 0; j < i; j++)
		if (strcmp(L->plan->resources[j].name, r->name) == 0) {
			push(L, "name");
			return capplan_yaml_fail(&L->w, f[R_NAME].value,
			                         "duplicate resource \"%s\" (first at line %d)",
			                         quote(q, r->name), L->plan->resources[j].line);
		}
	if (capplan_yaml_require(&L->w, node, &f[R_SERVICE]) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[R_SERVICE], &r->service) < 0 ||
	    capplan_yaml_require(&L->w, node, &f[R_KIND]) < 0 ||
	    get_choice(L, &f[R_KIND], "a kind", kind_names, CAPPLAN_NKINDS, &kind) < 0 ||
	    capplan_yaml_require(&L->w, node, &f[R_UNIT]) < 0 ||
	    get_choice(L, &f[R_UNIT], "a unit", unit_names, CAPPLAN_NUNITS, &unit) < 0)
		return -1;
	r->kind = (enum capplan_kind)kind;
	r->unit = (enum capplan_unit)unit;

	if (capplan_yaml_get_string(&L->w, &f[R_USAGE], &r->usage) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[R_METRIC], &r->metric) < 0)
		return -1;
	note_query(L, &f[R_USAGE]);
	if (!r->metric && !(r->metric = strdup(r->name)))
		return capplan_yaml_no_memory(&L->w);

	if (capplan_yaml_get_int(&L->w, &f[R_NODES], 1, MAX_NODES, &nodes) < 0)
		return -1;
	r->nodes = (int)nodes;
	if (load_capacity(L, &f[R_CAPACITY], r) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[R_CAPACITY_METRIC], &r->capacity_metric) < 0 ||
	    get_quantity(L, &f[R_NODE_CAPACITY], &r->node_capacity) < 0 ||
	    settle_capacity(L, node, f, r) < 0)
		return -1;

	if (capplan_yaml_get_int(&L->w, &f[R_REDUNDANCY], 0, MAX_REDUNDANCY, &redundancy) < 0 ||
	    get_ratio(L, &f[R_HEADROOM], 0.0, 0, 1.0, 1, &r->headroom) < 0 ||
	    capplan_yaml_get_duration(&L->w, &f[R_LEAD_TIME], &r->lead_time_ms) < 0 ||
	    capplan_yaml_get_number(&L->w, &f[R_UNIT_COST], &r->unit_cost) < 0)
		return -1;
	r->redundancy = (int)redundancy;
	if (r->unit_cost < 0) {
		push(L, "unit_cost");
		return capplan_yaml_fail(&L->w, f[R_UNIT_COST].value, "must not be negative, got %s",
		                         capplan_yaml_text(f[R_UNIT_COST].value));
	}
	if (load_thresholds(L, &f[R_THRESHOLDS], &d->thresholds, &r->thresholds) < 0 ||
	    load_exhaustion(L, &f[R_EXHAUSTION], &d->exhaustion, &r->exhaustion) < 0)
		return -1;

	/* drivers, then scales_with (which may add more). */
	extra = f[R_SCALES_WITH].value && f[R_SCALES_WITH].value->type == YAML_MAPPING_NODE
	        ? (size_t)(f[R_SCALES_WITH].value->data.mapping.pairs.top -
	                   f[R_SCALES_WITH].value->data.mapping.pairs.start)
	        : 0;
	if (load_driver_list(L, &f[R_DRIVERS], extra, &r->drivers, &r->ndrivers) < 0)
		return -1;
	if (!r->drivers && !(r->drivers = calloc(extra + 1, sizeof(*r->drivers))))
		return capplan_yaml_no_memory(&L->w);
	r->elasticity = calloc(r->ndrivers + extra + 1, sizeof(*r->elasticity));
	if (!r->elasticity)
		return capplan_yaml_no_memory(&L->w);
	for (size_t j = 0; j < r->ndrivers; j++)
		r->elasticity[j] = 1.0;
	if (load_scales_with(L, &f[R_SCALES_WITH], r) < 0 || load_labels(L, &f[R_LABELS], r) < 0)
		return -1;
	return 0;
}

static int
load_resources(struct loader *L, const struct capplan_yaml_field *f)
{
	return load_list(L, f, (void **)&L->plan->resources, sizeof(*L->plan->resources),
	                 &L->plan->nresources, load_resource);
}

enum {
	S_NAME, S_TYPE, S_START, S_MULTIPLIERS, S_FACTOR, S_DURATION, S_DRIVERS, S_MONTHLY,
	S_NFIELDS
};

/* The keys each scenario type takes, as a bit set over S_*. */
#define S_BIT(k) (1u << (k))
#define S_COMMON (S_BIT(S_NAME) | S_BIT(S_TYPE) | S_BIT(S_START))

static const unsigned scenario_keys[] = {
	[CAPPLAN_SCENARIO_MULTIPLIER] = S_COMMON | S_BIT(S_MULTIPLIERS),
	[CAPPLAN_SCENARIO_SPIKE] = S_COMMON | S_BIT(S_FACTOR) | S_BIT(S_DURATION) | S_BIT(S_DRIVERS),
	[CAPPLAN_SCENARIO_GROWTH] = S_COMMON | S_BIT(S_MONTHLY) | S_BIT(S_DRIVERS),
};

static int
load_multipliers(struct loader *L, const struct capplan_yaml_field *f, struct capplan_scenario *s)
{
	size_t mark, n;

	mark = push(L, f->key);
	if (capplan_yaml_free_map(&L->w, f->value) < 0)
		return -1;
	n = (size_t)(f->value->data.mapping.pairs.top - f->value->data.mapping.pairs.start);
	if (n == 0)
		return capplan_yaml_fail(&L->w, f->value, "names no driver; write {driver: factor}");
	s->multipliers = calloc(n, sizeof(*s->multipliers));
	if (!s->multipliers)
		return capplan_yaml_no_memory(&L->w);
	for (const yaml_node_pair_t *p = f->value->data.mapping.pairs.start;
	     p < f->value->data.mapping.pairs.top; p++) {
		yaml_node_t *key = capplan_yaml_node(&L->w, p->key);
		struct capplan_yaml_field mf = { capplan_yaml_text(key), key,
		                                 capplan_yaml_node(&L->w, p->value) };
		struct capplan_driver_factor *m = &s->multipliers[s->nmultipliers];
		size_t at;

		if (capplan_yaml_is_null(mf.value))
			mf.value = NULL;
		at = push(L, mf.key);
		if (driver_ref(L, key, &m->driver) < 0)
			return -1;
		pop(L, at);
		if (capplan_yaml_require(&L->w, f->value, &mf) < 0 ||
		    get_positive(L, &mf, &m->factor) < 0)
			return -1;
		s->nmultipliers++;
	}
	pop(L, mark);
	return 0;
}

static int
load_scenario(struct loader *L, const yaml_node_t *node, size_t i)
{
	struct capplan_scenario *s = &L->plan->scenarios[i];
	struct capplan_yaml_field f[S_NFIELDS] = {
		FIELD("name"), FIELD("type"), FIELD("start"), FIELD("multipliers"), FIELD("factor"),
		FIELD("duration"), FIELD("drivers"), FIELD("monthly")
	};
	char q[CAPPLAN_QUOTE_BUFSZ];
	int type = 0, rc;
	unsigned keys;

	s->line = (int)node->start_mark.line + 1;
	s->column = (int)node->start_mark.column + 1;
	if (capplan_yaml_map(&L->w, node, f, S_NFIELDS) < 0 ||
	    capplan_yaml_require(&L->w, node, &f[S_NAME]) < 0 ||
	    capplan_yaml_get_string(&L->w, &f[S_NAME], &s->name) < 0)
		return -1;
	for (size_t j = 0; j < i; j++)
		if (strcmp(L->plan->scenarios[j].name, s->name) == 0) {
			push(L, "name");
			return capplan_yaml_fail(&L->w, f[S_NAME].value,
			                         "duplicate scenario \"%s\" (first at line %d)",
			                         quote(q, s->name), L->plan->scenarios[j].line);
		}
	if (capplan_yaml_require(&L->w, node, &f[S_TYPE]) < 0 ||
	    get_choice(L, &f[S_TYPE], "a scenario type", scenario_names, NFIELDS(scenario_names),
	               &type) < 0)
		return -1;
	s->type = (enum capplan_scenario_type)type;

	/* Keys of another type are a mistake, not something to ignore. */
	keys = scenario_keys[s->type];
	for (size_t k = 0; k < S_NFIELDS; k++) {
		const char *names[S_NFIELDS];
		size_t nnames = 0;
		char list[256];

		if (!f[k].keynode || (keys & S_BIT(k)))
			continue;
		for (size_t j = 0; j < S_NFIELDS; j++)
			if (keys & S_BIT(j))
				names[nnames++] = f[j].key;
		push(L, f[k].key);
		return capplan_yaml_fail(&L->w, f[k].keynode,
		                         "not a key of a %s scenario; its keys: %s",
		                         scenario_names[s->type],
		                         join(list, sizeof(list), names, nnames));
	}

	if (s->type != CAPPLAN_SCENARIO_GROWTH &&
	    capplan_yaml_require(&L->w, node, &f[S_START]) < 0)
		return -1;
	rc = capplan_yaml_get_time(&L->w, &f[S_START], &s->start_ms);
	if (rc < 0)
		return -1;
	s->has_start = rc > 0;

	switch (s->type) {
	case CAPPLAN_SCENARIO_MULTIPLIER:
		if (capplan_yaml_require(&L->w, node, &f[S_MULTIPLIERS]) < 0 ||
		    load_multipliers(L, &f[S_MULTIPLIERS], s) < 0)
			return -1;
		break;
	case CAPPLAN_SCENARIO_SPIKE:
		if (capplan_yaml_require(&L->w, node, &f[S_FACTOR]) < 0 ||
		    get_positive(L, &f[S_FACTOR], &s->factor) < 0 ||
		    capplan_yaml_require(&L->w, node, &f[S_DURATION]) < 0 ||
		    capplan_yaml_get_duration(&L->w, &f[S_DURATION], &s->duration_ms) < 0)
			return -1;
		break;
	case CAPPLAN_SCENARIO_GROWTH:
		if (capplan_yaml_require(&L->w, node, &f[S_MONTHLY]) < 0 ||
		    get_ratio(L, &f[S_MONTHLY], -1.0, 1, INFINITY, 0, &s->monthly) < 0)
			return -1;
		break;
	}
	if (s->type != CAPPLAN_SCENARIO_MULTIPLIER) {
		if (load_driver_list(L, &f[S_DRIVERS], 0, &s->drivers, &s->ndrivers) < 0)
			return -1;
		if (!s->drivers && all_drivers(L, &s->drivers, &s->ndrivers) < 0)
			return -1;
	}
	return 0;
}

static int
load_scenarios(struct loader *L, const struct capplan_yaml_field *f)
{
	return load_list(L, f, (void **)&L->plan->scenarios, sizeof(*L->plan->scenarios),
	                 &L->plan->nscenarios, load_scenario);
}

static int
load_root(struct loader *L, const yaml_node_t *root)
{
	enum {
		P_VERSION, P_PROMETHEUS, P_HISTORY, P_HORIZON, P_CURRENCY, P_DEFAULTS, P_DRIVERS,
		P_RESOURCES, P_SCENARIOS, P_NFIELDS
	};
	struct capplan_yaml_field f[P_NFIELDS] = {
		FIELD("version"), FIELD("prometheus"), FIELD("history"), FIELD("horizon"),
		FIELD("currency"), FIELD("defaults"), FIELD("drivers"), FIELD("resources"),
		FIELD("scenarios")
	};
	struct capplan_plan *plan = L->plan;
	char *currency = NULL;
	long version = 0;
	int rc;

	if (root->type != YAML_MAPPING_NODE)
		return capplan_yaml_fail(&L->w, root, "expected a map of plan keys, got %s",
		                         capplan_yaml_kind(root));
	if (capplan_yaml_map(&L->w, root, f, P_NFIELDS) < 0 ||
	    capplan_yaml_require(&L->w, root, &f[P_VERSION]) < 0 ||
	    capplan_yaml_get_int(&L->w, &f[P_VERSION], 0, 1000000, &version) < 0)
		return -1;
	if (version != 1) {
		push(L, "version");
		return capplan_yaml_fail(&L->w, f[P_VERSION].value,
		                         "unsupported version %ld; this capplan reads version 1",
		                         version);
	}
	plan->version = 1;
	if (load_prometheus(L, &f[P_PROMETHEUS]) < 0 ||
	    capplan_yaml_get_duration(&L->w, &f[P_HISTORY], &plan->history_ms) < 0 ||
	    capplan_yaml_get_duration(&L->w, &f[P_HORIZON], &plan->horizon_ms) < 0)
		return -1;

	rc = capplan_yaml_get_string(&L->w, &f[P_CURRENCY], &currency);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		char q[CAPPLAN_QUOTE_BUFSZ];

		if (strlen(currency) != 3 || !matches(currency, UPPER, UPPER)) {
			push(L, "currency");
			capplan_yaml_fail(&L->w, f[P_CURRENCY].value,
			                  "expected an ISO 4217 code such as USD or EUR, got \"%s\"",
			                  quote(q, currency));
			free(currency);
			return -1;
		}
		memcpy(plan->currency, currency, 4);
		free(currency);
	}

	if (load_defaults(L, &f[P_DEFAULTS]) < 0 || load_drivers(L, &f[P_DRIVERS]) < 0 ||
	    load_resources(L, &f[P_RESOURCES]) < 0 || load_scenarios(L, &f[P_SCENARIOS]) < 0)
		return -1;

	if (L->query_node && !plan->prometheus_url) {
		size_t line = L->query_node->start_mark.line + 1;
		const yaml_node_t *prometheus = f[P_PROMETHEUS].value ? f[P_PROMETHEUS].value
		                                                      : f[P_PROMETHEUS].keynode;

		if (prometheus) {
			push(L, "prometheus");
			return capplan_yaml_fail(&L->w, prometheus,
			                         "missing key \"url\", needed by the PromQL of %s "
			                         "(line %zu)", L->query_path, line);
		}
		return capplan_yaml_fail(&L->w, root,
		                         "missing key \"prometheus\" (with url:), needed by the "
		                         "PromQL of %s (line %zu)", L->query_path, line);
	}
	return 0;
}

struct capplan_plan *
capplan_plan_load_string(const char *name, const char *text, size_t len,
                         struct capplan_error *err)
{
	struct capplan_plan *plan = NULL;
	struct loader L;
	yaml_document_t doc;
	const yaml_node_t *root;

	if (capplan_yaml_parse(name, text, len, &doc, err) < 0)
		return NULL;
	memset(&L, 0, sizeof(L));
	capplan_yaml_walk_init(&L.w, &doc, name, err);
	plan = calloc(1, sizeof(*plan));
	if (!plan || !(plan->path = strdup(name))) {
		capplan_yaml_no_memory(&L.w);
		goto fail;
	}
	plan->version = 1;
	plan->step_ms = HOUR_MS;
	plan->history_ms = 365 * DAY_MS;
	plan->horizon_ms = 180 * DAY_MS;
	memcpy(plan->currency, "USD", 4);
	capplan_plan_defaults_init(&plan->defaults);
	L.plan = plan;

	root = yaml_document_get_root_node(&doc);
	if (!root || capplan_yaml_is_null(root)) {
		yaml_mark_t mark = { 0, 0, 0 };

		capplan_yaml_fail_mark(&L.w, root ? root->start_mark : mark,
		                       "empty plan; it needs at least \"version: 1\"");
		goto fail;
	}
	if (load_root(&L, root) < 0)
		goto fail;
	yaml_document_delete(&doc);
	return plan;

fail:
	capplan_plan_free(plan);
	yaml_document_delete(&doc);
	return NULL;
}

struct capplan_plan *
capplan_plan_load(const char *path, struct capplan_error *err)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	struct capplan_plan *plan = NULL;
	char chunk[16384];
	FILE *fp;
	size_t n;

	fp = fopen(path, "rb");
	if (!fp) {
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: cannot open: %s", path,
		                  strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (sb.len + n > PLAN_MAX_BYTES) {
			capplan_error_set(err, CAPPLAN_EX_CONFIG,
			                  "%s: larger than %d MiB; not a plan file", path,
			                  PLAN_MAX_BYTES / (1024 * 1024));
			goto done;
		}
		if (capplan_strbuf_append(&sb, chunk, n) < 0) {
			capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%s: out of memory", path);
			goto done;
		}
	}
	if (ferror(fp)) {
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: cannot read: %s", path,
		                  strerror(errno));
		goto done;
	}
	plan = capplan_plan_load_string(path, capplan_strbuf_str(&sb), sb.len, err);
done:
	capplan_strbuf_release(&sb);
	fclose(fp);
	return plan;
}
