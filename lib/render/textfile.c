/*
 * lib/render/textfile.c: the alerting feed and the summary.
 *
 * What the three files hold, and why unknown values are left out, is in
 * textfile.h.  Label sets are parsed with YAJL's tree API, the rules written
 * with libyaml's emitter; the escaping of exposition label values, PromQL
 * strings and CSV fields is here.
 */
#include "render/textfile.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>
#include <yaml.h>

#include "render/atomic_file.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

#define DAY_SECONDS 86400.0

/* The framework's times to exhaustion, days: emergency, critical, warning. */
#define TTE_EMERGENCY_DAYS 30
#define TTE_CRITICAL_DAYS 60
#define TTE_WARNING_DAYS 90

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* ---- numbers ---- */

#define NUM_BUFSZ 40

/*
 * The shortest of %.15g, %.16g, %.17g that reads back to v (so 0.7, not
 * 0.69999999999999996); NaN, +Inf, -Inf as Prometheus writes them.
 */
static const char *
fmt_num(char *buf, double v)
{
	if (isnan(v) || isinf(v)) {
		snprintf(buf, NUM_BUFSZ, "%s", isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
		return buf;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, NUM_BUFSZ, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* ms since the epoch as Unix seconds. */
static double
seconds_of(int64_t ms)
{
	return (double)ms / 1000.0;
}

/* The earliest order-by date of an item (warning, critical, full, nodes for N+2), or 0. */
static int64_t
earliest_order_by(const struct capplan_render_item *it)
{
	const int64_t at[] = { it->order_by_warning, it->order_by_critical, it->order_by_full,
	                       it->nodes_order_by };
	int64_t best = 0;

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (at[i] != 0 && (best == 0 || at[i] < best))
			best = at[i];
	return best;
}

/* ---- escaping ---- */

/* A label value in the exposition format: \\ \" \n. */
static int
append_label_value(struct capplan_strbuf *sb, const char *s)
{
	for (; *s; s++) {
		int rc;

		switch (*s) {
		case '\\': rc = capplan_strbuf_append_str(sb, "\\\\"); break;
		case '"': rc = capplan_strbuf_append_str(sb, "\\\""); break;
		case '\n': rc = capplan_strbuf_append_str(sb, "\\n"); break;
		default: rc = capplan_strbuf_append_char(sb, *s); break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * name="value", with a comma in front unless first; nothing for an empty
 * value (to Prometheus an empty label is no label).
 */
static int
append_label(struct capplan_strbuf *sb, const char *name, const char *value)
{
	if (!*value)
		return 0;
	if (sb->len && capplan_strbuf_append_char(sb, ',') < 0)
		return -1;
	if (capplan_strbuf_append_str(sb, name) < 0 || capplan_strbuf_append_str(sb, "=\"") < 0 ||
	    append_label_value(sb, value) < 0)
		return -1;
	return capplan_strbuf_append_char(sb, '"');
}

/*
 * A PromQL double-quoted string: \\ \" \n \r \t, other control bytes as \xNN;
 * everything else (UTF-8 included) as it is.
 */
static int
append_promql_string(struct capplan_strbuf *sb, const char *s)
{
	if (capplan_strbuf_append_char(sb, '"') < 0)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int rc;

		if (c == '\\')
			rc = capplan_strbuf_append_str(sb, "\\\\");
		else if (c == '"')
			rc = capplan_strbuf_append_str(sb, "\\\"");
		else if (c == '\n')
			rc = capplan_strbuf_append_str(sb, "\\n");
		else if (c == '\r')
			rc = capplan_strbuf_append_str(sb, "\\r");
		else if (c == '\t')
			rc = capplan_strbuf_append_str(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			rc = capplan_strbuf_appendf(sb, "\\x%02x", c);
		else
			rc = capplan_strbuf_append_char(sb, (char)c);
		if (rc < 0)
			return -1;
	}
	return capplan_strbuf_append_char(sb, '"');
}

/* ---- label names ---- */

/* Label names capplan puts on samples and alerts itself. */
static const char *const own_labels[] = {
	"alertname", "kind", "level", "method", "metric", "note", "resource", "service", "severity",
	"unit",
};

static bool
is_own_label(const char *name)
{
	for (size_t i = 0; i < sizeof(own_labels) / sizeof(own_labels[0]); i++)
		if (strcmp(name, own_labels[i]) == 0)
			return true;
	return false;
}

static bool
ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

struct names {
	char **v;
	size_t n, cap;
};

static bool
names_has(const struct names *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->v[i], name) == 0)
			return true;
	return false;
}

/* Keep name (taking it over). */
static int
names_add(struct names *u, char *name)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 8;
		char **v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -1;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = name;
	return 0;
}

static void
names_release(struct names *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

/*
 * A series label name as a classic Prometheus label name, different from
 * capplan's own and from those in used (textfile.h says how).  The result is
 * added to used; returned, or NULL when memory runs out.
 */
static const char *
label_name(const char *key, struct names *used)
{
	struct capplan_strbuf base = CAPPLAN_STRBUF_INIT, cand = CAPPLAN_STRBUF_INIT;
	const char *p;
	char *name;
	bool leading, reserved;

	for (p = key; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80 && c < 0xc0)
			continue;   /* a UTF-8 continuation byte: its character has its '_' */
		if (capplan_strbuf_append_char(&base, ascii_alnum(c) || c == '_' ? (char)c : '_') < 0)
			goto fail;
	}
	leading = base.len == 0 || (base.data[0] >= '0' && base.data[0] <= '9');
	if (capplan_strbuf_appendf(&cand, "%s%s", leading ? "_" : "", capplan_strbuf_str(&base)) < 0)
		goto fail;
	reserved = is_own_label(cand.data) || strncmp(cand.data, "__", 2) == 0 ||
	           strcmp(cand.data, "_") == 0;   /* "_" + "_2" would be reserved */
	capplan_strbuf_reset(&base);
	if (capplan_strbuf_appendf(&base, "%s%s", reserved ? "series_" : "", cand.data) < 0)
		goto fail;
	capplan_strbuf_reset(&cand);
	if (capplan_strbuf_append_str(&cand, base.data) < 0)
		goto fail;
	for (unsigned k = 2; names_has(used, cand.data); k++) {
		capplan_strbuf_reset(&cand);
		if (capplan_strbuf_appendf(&cand, "%s_%u", base.data, k) < 0)
			goto fail;
	}
	capplan_strbuf_release(&base);
	name = capplan_strbuf_detach(&cand);
	if (names_add(used, name) < 0) {
		free(name);
		return NULL;
	}
	return name;
fail:
	capplan_strbuf_release(&base);
	capplan_strbuf_release(&cand);
	return NULL;
}

/* ---- an item's label set on the samples ---- */

/* A data error about an item's labels: "resource \"NAME\": labels: WHAT". */
static int item_error(struct capplan_error *err, const struct capplan_render_item *it,
                      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
item_error(struct capplan_error *err, const struct capplan_render_item *it, const char *fmt, ...)
{
	char q[CAPPLAN_QUOTE_BUFSZ];
	va_list ap;

	va_start(ap, fmt);
	capplan_error_setv(err, CAPPLAN_EX_DATAERR, fmt, ap);
	va_end(ap);
	capplan_quote(q, sizeof(q), it->resource, strlen(it->resource));
	return capplan_error_prefix(err, "resource \"%s\": labels", q);
}

/*
 * resource="...",service="...",kind="...",metric="..." and the series' own
 * labels from labels_json, into sb (emptied first).
 */
static int
item_labels(const struct capplan_render_item *it, struct capplan_strbuf *sb,
            struct capplan_error *err)
{
	struct names used = { NULL, 0, 0 };
	char errbuf[256], q[CAPPLAN_QUOTE_BUFSZ];
	yajl_val root = NULL;
	int rc = -1;

	capplan_strbuf_reset(sb);
	if (append_label(sb, "resource", it->resource) < 0 ||
	    append_label(sb, "service", it->service) < 0 || append_label(sb, "kind", it->kind) < 0 ||
	    append_label(sb, "metric", it->metric) < 0)
		return oom(err);
	if (!it->labels_json[0])
		return 0;
	errbuf[0] = '\0';
	root = yajl_tree_parse(it->labels_json, errbuf, sizeof(errbuf));
	if (!root) {
		errbuf[strcspn(errbuf, "\n")] = '\0';   /* YAJL's first line; the rest is a drawing */
		capplan_quote(q, sizeof(q), it->labels_json, strlen(it->labels_json));
		return item_error(err, it, "not JSON (%s): \"%s\"", errbuf, q);
	}
	if (!YAJL_IS_OBJECT(root)) {
		capplan_quote(q, sizeof(q), it->labels_json, strlen(it->labels_json));
		item_error(err, it, "not a JSON object: \"%s\"", q);
		goto done;
	}
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *key = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];
		const char *name;

		if (!YAJL_IS_STRING(v)) {
			capplan_quote(q, sizeof(q), key, strlen(key));
			item_error(err, it, "the value of \"%s\" is not a string", q);
			goto done;
		}
		name = label_name(key, &used);
		if (!name || append_label(sb, name, YAJL_GET_STRING(v)) < 0) {
			oom(err);
			goto done;
		}
	}
	rc = 0;
done:
	yajl_tree_free(root);
	names_release(&used);
	return rc;
}

/* ---- capplan.prom ---- */

/* A value of an item: 1 and *v when known, 0 when the sample is left out. */
typedef int (*item_value_fn)(const struct capplan_render_item *it, double *v);

static int
v_alert_level(const struct capplan_render_item *it, double *v)
{
	*v = it->level == CAPPLAN_RENDER_UNKNOWN ? -1 : (double)it->level;
	return 1;
}

static int
known(double x, double *v)
{
	*v = x;
	return !isnan(x);
}

static int
v_utilisation(const struct capplan_render_item *it, double *v)
{
	return known(it->utilisation, v);
}

static int
v_headroom(const struct capplan_render_item *it, double *v)
{
	return known(it->headroom, v);
}

static int
v_until_warning(const struct capplan_render_item *it, double *v)
{
	return known(it->days_to_warning * DAY_SECONDS, v);
}

static int
v_until_critical(const struct capplan_render_item *it, double *v)
{
	return known(it->days_to_critical * DAY_SECONDS, v);
}

static int
v_until_full(const struct capplan_render_item *it, double *v)
{
	return known(it->days_to_full * DAY_SECONDS, v);
}

static int
v_full_at(const struct capplan_render_item *it, double *v)
{
	*v = seconds_of(it->full_at);
	return it->full_at != 0;
}

static int
v_order_by(const struct capplan_render_item *it, double *v)
{
	int64_t at = earliest_order_by(it);

	*v = seconds_of(at);
	return at != 0;
}

static int
v_nodes(const struct capplan_render_item *it, double *v)
{
	*v = (double)it->nodes;
	return it->nodes >= 0;
}

static int
v_nodes_needed(const struct capplan_render_item *it, double *v)
{
	*v = (double)it->nodes_needed;
	return it->nodes_needed >= 0;
}

static const struct family {
	const char *name, *help;
	item_value_fn value;   /* NULL: capacity_assessment_info */
} families[] = {
	{ "capacity_alert_level",
	  "The capplan alert level of a resource series: 0 healthy, 1 warning, 2 critical, "
	  "3 emergency, -1 unknown (see capacity_assessment_info).", v_alert_level },
	{ "capacity_assessment_info",
	  "The unit, chosen forecast method, level and (when unknown) why, of a resource series; "
	  "always 1.", NULL },
	{ "capacity_utilization_ratio",
	  "Current usage as a fraction of capacity (left out when unknown).", v_utilisation },
	{ "capacity_headroom_ratio",
	  "Capacity minus the 30-day peak, as a fraction of capacity.", v_headroom },
	{ "capacity_seconds_until_warning",
	  "Seconds from the run's as_of until the forecast crosses the warning threshold "
	  "(left out when not ahead within the horizon).", v_until_warning },
	{ "capacity_seconds_until_critical",
	  "Seconds from the run's as_of until the forecast crosses the critical threshold "
	  "(left out when not ahead within the horizon).", v_until_critical },
	{ "capacity_seconds_until_full",
	  "Seconds from the run's as_of until the forecast reaches capacity "
	  "(left out when not within capacity_forecast_horizon_seconds).", v_until_full },
	{ "capacity_full_timestamp_seconds",
	  "Unix time at which the forecast reaches capacity (left out when not within the horizon).",
	  v_full_at },
	{ "capacity_order_by_timestamp_seconds",
	  "Unix time of the earliest order-by date (warning, critical, full, or nodes for "
	  "N+redundancy), lead time included; may be past.", v_order_by },
	{ "capacity_nodes", "Nodes in service now.", v_nodes },
	{ "capacity_nodes_needed",
	  "Nodes needed for the forecast peak with the headroom target and N+redundancy.",
	  v_nodes_needed },
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

static void
family_header(FILE *fp, const char *name, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int
print_info(const struct capplan_review_data *d, char *const *labels, FILE *fp,
           struct capplan_error *err)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;

	family_header(fp, families[1].name, families[1].help);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];

		capplan_strbuf_reset(&sb);
		if (capplan_strbuf_append_str(&sb, labels[i]) < 0 ||
		    append_label(&sb, "unit", it->unit) < 0 ||
		    append_label(&sb, "method", it->method) < 0 ||
		    append_label(&sb, "level", capplan_render_level_name(it->level)) < 0 ||
		    append_label(&sb, "note", it->note) < 0) {
			capplan_strbuf_release(&sb);
			return oom(err);
		}
		fprintf(fp, "%s{%s} 1\n", families[1].name, sb.data);
	}
	capplan_strbuf_release(&sb);
	return 0;
}

int
capplan_textfile_print_prom(const struct capplan_review_data *d, FILE *fp,
                            struct capplan_error *err)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	char **labels = calloc(d->nitems ? d->nitems : 1, sizeof(*labels));
	char num[NUM_BUFSZ];
	size_t horizon_days = 0;
	int rc = -1;

	if (!labels)
		return oom(err);
	for (size_t i = 0; i < d->nitems; i++) {
		if (item_labels(&d->items[i], &sb, err) < 0)
			goto done;
		labels[i] = capplan_strbuf_detach(&sb);
		if (!labels[i]) {
			oom(err);
			goto done;
		}
		if (d->items[i].nforecast > horizon_days)
			horizon_days = d->items[i].nforecast;
	}

	family_header(fp, "capacity_last_run_timestamp_seconds",
	              "Unix time of the as_of of the capplan model run this feed was written from.");
	fprintf(fp, "capacity_last_run_timestamp_seconds %s\n", fmt_num(num, seconds_of(d->as_of_ms)));
	if (capplan_strbuf_appendf(&sb, "%" PRId64, d->run_id) < 0)
		goto nomem;
	{
		struct capplan_strbuf info = CAPPLAN_STRBUF_INIT;

		if (append_label(&info, "run_id", sb.data) < 0 ||
		    append_label(&info, "version", d->version ? d->version : "") < 0) {
			capplan_strbuf_release(&info);
			goto nomem;
		}
		family_header(fp, "capacity_run_info",
		              "The capplan model run this feed was written from, and capplan's version; "
		              "always 1.");
		fprintf(fp, "capacity_run_info{%s} 1\n", info.data);
		capplan_strbuf_release(&info);
	}
	if (horizon_days > 0) {
		family_header(fp, "capacity_forecast_horizon_seconds",
		              "How far ahead of as_of the forecasts reach; a resource series without "
		              "capacity_seconds_until_full does not run full within it.");
		fprintf(fp, "capacity_forecast_horizon_seconds %s\n",
		        fmt_num(num, (double)horizon_days * DAY_SECONDS));
	}

	for (size_t f = 0; f < NFAMILIES; f++) {
		const struct family *fam = &families[f];
		bool any = false;
		double v;

		if (!fam->value) {
			if (d->nitems && print_info(d, labels, fp, err) < 0)
				goto done;
			continue;
		}
		for (size_t i = 0; i < d->nitems && !any; i++)
			any = fam->value(&d->items[i], &v);
		if (!any)
			continue;   /* no family without samples */
		family_header(fp, fam->name, fam->help);
		for (size_t i = 0; i < d->nitems; i++)
			if (fam->value(&d->items[i], &v))
				fprintf(fp, "%s{%s} %s\n", fam->name, labels[i], fmt_num(num, v));
	}
	rc = 0;
	goto done;
nomem:
	oom(err);
done:
	for (size_t i = 0; i < d->nitems; i++)
		free(labels[i]);
	free(labels);
	capplan_strbuf_release(&sb);
	return rc;
}

/* ---- capacity-alerts.yml ---- */

void
capplan_textfile_rules_options_default(struct capplan_textfile_rules_options *o)
{
	o->stale_days = 8;
	o->order_within_days = 30;
}

struct yw {
	yaml_emitter_t e;
	int failed;
};

static void
y_event(struct yw *y, yaml_event_t *ev, int made)
{
	if (y->failed)
		return;
	if (!made || !yaml_emitter_emit(&y->e, ev))
		y->failed = 1;
}

static void
y_str(struct yw *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (y->failed)
		return;
	y_event(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s,
	                                             (int)strlen(s), 1, 1, style));
}

/* key: value, the value in style (plain for identifiers, single-quoted for text). */
static void
y_pair(struct yw *y, const char *key, const char *value, yaml_scalar_style_t style)
{
	y_str(y, key, YAML_PLAIN_SCALAR_STYLE);
	y_str(y, value, style);
}

static void
y_map(struct yw *y)
{
	yaml_event_t ev;

	if (!y->failed)
		y_event(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		                                                    YAML_BLOCK_MAPPING_STYLE));
}

static void
y_map_end(struct yw *y)
{
	yaml_event_t ev;

	if (!y->failed)
		y_event(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void
y_seq(struct yw *y)
{
	yaml_event_t ev;

	if (!y->failed)
		y_event(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		                                                     YAML_BLOCK_SEQUENCE_STYLE));
}

static void
y_seq_end(struct yw *y)
{
	yaml_event_t ev;

	if (!y->failed)
		y_event(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

struct rule {
	const char *alert, *expr, *for_, *severity, *level, *summary, *description;
};

static void
y_rule(struct yw *y, const struct rule *r)
{
	y_map(y);
	y_pair(y, "alert", r->alert, YAML_PLAIN_SCALAR_STYLE);
	/* several terms: one a line, as a literal block */
	y_pair(y, "expr", r->expr, strchr(r->expr, '\n') ? YAML_LITERAL_SCALAR_STYLE :
	       YAML_SINGLE_QUOTED_SCALAR_STYLE);
	if (r->for_)
		y_pair(y, "for", r->for_, YAML_PLAIN_SCALAR_STYLE);
	y_str(y, "labels", YAML_PLAIN_SCALAR_STYLE);
	y_map(y);
	y_pair(y, "severity", r->severity, YAML_PLAIN_SCALAR_STYLE);
	if (r->level)
		y_pair(y, "level", r->level, YAML_PLAIN_SCALAR_STYLE);
	y_map_end(y);
	y_str(y, "annotations", YAML_PLAIN_SCALAR_STYLE);
	y_map(y);
	y_pair(y, "summary", r->summary, YAML_SINGLE_QUOTED_SCALAR_STYLE);
	y_pair(y, "description", r->description, YAML_SINGLE_QUOTED_SCALAR_STYLE);
	y_map_end(y);
	y_map_end(y);
}

static const char *const level_names[] = { "warning", "critical", "emergency" };
static const char *const level_titles[] = { "Warning", "Critical", "Emergency" };

static const char *
severity_of(int level)
{
	return level == 2 ? "critical" : "warning";   /* pages at the emergency level only */
}

/* The three exhaustion rules. */
static int
exhaustion_rules(struct yw *y, struct capplan_strbuf *expr, struct capplan_strbuf *alert,
                 struct capplan_strbuf *desc)
{
	static const int lo[] = { TTE_CRITICAL_DAYS, TTE_EMERGENCY_DAYS, 0 };
	static const int hi[] = { TTE_WARNING_DAYS, TTE_CRITICAL_DAYS, TTE_EMERGENCY_DAYS };

	for (int l = 2; l >= 0; l--) {
		struct rule r;

		capplan_strbuf_reset(expr);
		capplan_strbuf_reset(alert);
		capplan_strbuf_reset(desc);
		if (capplan_strbuf_append_str(expr, "capacity_full_timestamp_seconds - time()") < 0 ||
		    (lo[l] > 0 && capplan_strbuf_appendf(expr, " >= %d * 86400", lo[l]) < 0) ||
		    capplan_strbuf_appendf(expr, " %s %d * 86400", l == 0 ? "<=" : "<", hi[l]) < 0 ||
		    capplan_strbuf_appendf(alert, "CapacityExhaustion%s", level_titles[l]) < 0)
			return -1;
		if (l == 2) {
			if (capplan_strbuf_appendf(desc, "By capplan's forecast, {{ $labels.kind }} "
			                           "{{ $labels.metric }} of {{ $labels.resource }} "
			                           "({{ $labels.service }}) reaches its capacity within "
			                           "%d days: the framework's emergency level. Add "
			                           "capacity or shed load now.", hi[l]) < 0)
				return -1;
		} else if (capplan_strbuf_appendf(desc, "By capplan's forecast, {{ $labels.kind }} "
		                                  "{{ $labels.metric }} of {{ $labels.resource }} "
		                                  "({{ $labels.service }}) reaches its capacity in "
		                                  "%d to %d days: the framework's %s level. Plan "
		                                  "the order (capacity_order_by_timestamp_seconds).",
		                                  lo[l], hi[l], level_names[l]) < 0)
			return -1;
		r.alert = alert->data;
		r.expr = expr->data;
		r.for_ = NULL;
		r.severity = severity_of(l);
		r.level = level_names[l];
		r.summary = "{{ $labels.resource }} ({{ $labels.service }}) runs full in "
		            "{{ $value | humanizeDuration }}";
		r.description = desc->data;
		y_rule(y, &r);
	}
	return 0;
}

static bool
same_thresholds(const struct capplan_render_item *a, const struct capplan_render_item *b)
{
	return a->threshold_warning == b->threshold_warning &&
	       a->threshold_critical == b->threshold_critical &&
	       a->threshold_emergency == b->threshold_emergency;
}

static bool
thresholds_known(const struct capplan_render_item *it)
{
	return isfinite(it->threshold_warning) && isfinite(it->threshold_critical) &&
	       isfinite(it->threshold_emergency);
}

/* The index of the first item of its kind (with known thresholds), and of its resource. */
static size_t
first_of(const struct capplan_review_data *d, size_t i, bool resource_too)
{
	const struct capplan_render_item *it = &d->items[i];

	for (size_t j = 0; j < i; j++) {
		const struct capplan_render_item *x = &d->items[j];

		if (thresholds_known(x) && strcmp(x->kind, it->kind) == 0 &&
		    (!resource_too || strcmp(x->resource, it->resource) == 0))
			return j;
	}
	return i;
}

/*
 * Append the term of one level for a matcher (kind=..., and resource=... when
 * per_resource) with its thresholds, after "\nor " when expr is not empty;
 * nothing for an empty band.  *lo and *hi collect the bounds: NaN when the
 * terms disagree.
 */
static int
utilisation_term(struct capplan_strbuf *expr, const struct capplan_render_item *it,
                 bool per_resource, int l, double *lo, double *hi)
{
	const double t[3] = { it->threshold_warning, it->threshold_critical,
	                      it->threshold_emergency };
	char num[NUM_BUFSZ];
	bool first = expr->len == 0;

	if (l < 2 && !(t[l] < t[l + 1]))
		return 0;   /* an empty band */
	if ((!first && capplan_strbuf_append_str(expr, "\nor ") < 0) ||
	    capplan_strbuf_append_str(expr, "capacity_utilization_ratio{kind=") < 0 ||
	    append_promql_string(expr, it->kind) < 0 ||
	    (per_resource && (capplan_strbuf_append_str(expr, ",resource=") < 0 ||
	                      append_promql_string(expr, it->resource) < 0)) ||
	    capplan_strbuf_appendf(expr, "} >= %s", fmt_num(num, t[l])) < 0 ||
	    (l < 2 && capplan_strbuf_appendf(expr, " < %s", fmt_num(num, t[l + 1])) < 0))
		return -1;
	if (first) {
		*lo = t[l];
		*hi = l < 2 ? t[l + 1] : NAN;
	} else {
		if (*lo != t[l])
			*lo = NAN;
		if (l < 2 && *hi != t[l + 1])
			*hi = NAN;
	}
	return 0;
}

/* The terms of one level: per kind, or per resource where a kind's thresholds differ. */
static int
utilisation_expr(const struct capplan_review_data *d, int l, struct capplan_strbuf *expr,
                 double *lo, double *hi)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];
		bool uniform = true;

		if (!thresholds_known(it) || first_of(d, i, false) != i)
			continue;   /* a kind's terms are written at its first item */
		for (size_t j = i + 1; j < d->nitems && uniform; j++)
			if (thresholds_known(&d->items[j]) && strcmp(d->items[j].kind, it->kind) == 0)
				uniform = same_thresholds(&d->items[j], it);
		if (uniform) {
			if (utilisation_term(expr, it, false, l, lo, hi) < 0)
				return -1;
			continue;
		}
		for (size_t j = i; j < d->nitems; j++) {
			const struct capplan_render_item *x = &d->items[j];

			if (thresholds_known(x) && strcmp(x->kind, it->kind) == 0 &&
			    first_of(d, j, true) == j && utilisation_term(expr, x, true, l, lo, hi) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * One rule per level over all kinds, the terms joined by "or" (promtool
 * counts rules of one name and one label set as duplicates, and labels
 * naming the kind would be templates: data must not go there).
 */
static int
utilisation_rules(struct yw *y, const struct capplan_review_data *d, struct capplan_strbuf *expr,
                  struct capplan_strbuf *alert, struct capplan_strbuf *desc)
{
	for (int l = 2; l >= 0; l--) {
		double lo = NAN, hi = NAN;
		char plo[NUM_BUFSZ], phi[NUM_BUFSZ];
		struct rule r;
		int n;

		capplan_strbuf_reset(expr);
		capplan_strbuf_reset(alert);
		capplan_strbuf_reset(desc);
		if (utilisation_expr(d, l, expr, &lo, &hi) < 0)
			return -1;
		if (expr->len == 0)
			continue;
		fmt_num(plo, 100 * lo);
		fmt_num(phi, 100 * hi);
		n = capplan_strbuf_appendf(desc, "{{ $labels.kind }} {{ $labels.metric }} of "
		                           "{{ $labels.resource }} ({{ $labels.service }}) is at "
		                           "{{ $value | humanizePercentage }} of capacity: at or above "
		                           "its %s threshold", level_names[l]);
		if (n == 0 && !isnan(lo))
			n = capplan_strbuf_appendf(desc, " (%s%%)", plo);
		if (n == 0 && l < 2)
			n = capplan_strbuf_appendf(desc, ", below %s%s%s%s", level_names[l + 1],
			                           isnan(hi) ? "" : " (", isnan(hi) ? "" : phi,
			                           isnan(hi) ? "" : "%)");
		if (n < 0 || capplan_strbuf_append_char(desc, '.') < 0 ||
		    capplan_strbuf_appendf(alert, "CapacityUtilization%s", level_titles[l]) < 0)
			return -1;
		r.alert = alert->data;
		r.expr = expr->data;
		r.for_ = NULL;
		r.severity = severity_of(l);
		r.level = level_names[l];
		r.summary = "{{ $labels.resource }} ({{ $labels.service }}) at "
		            "{{ $value | humanizePercentage }} of its {{ $labels.kind }} capacity";
		r.description = desc->data;
		y_rule(y, &r);
	}
	return 0;
}

static int
other_rules(struct yw *y, const struct capplan_textfile_rules_options *o,
            struct capplan_strbuf *expr, struct capplan_strbuf *desc)
{
	char days[NUM_BUFSZ];
	struct rule r;

	capplan_strbuf_reset(expr);
	capplan_strbuf_reset(desc);
	fmt_num(days, o->order_within_days);
	if (capplan_strbuf_appendf(expr, "capacity_order_by_timestamp_seconds - time() < %s * 86400",
	                           days) < 0 ||
	    capplan_strbuf_appendf(desc, "The earliest order-by date of {{ $labels.resource }} "
	                           "({{ $labels.service }}) is {{ $value | humanizeDuration }} from "
	                           "now (negative: already passed), within %s days: order now so the "
	                           "capacity arrives before the level is reached.", days) < 0)
		return -1;
	r = (struct rule){ "CapacityOrderBy", expr->data, NULL, "warning", NULL,
	                   "Order capacity for {{ $labels.resource }} ({{ $labels.service }})",
	                   desc->data };
	y_rule(y, &r);

	r = (struct rule){ "CapacityAssessmentUnknown", "capacity_assessment_info{level=\"unknown\"}",
	                   NULL, "warning", NULL,
	                   "capplan could not assess {{ $labels.resource }} ({{ $labels.service }})",
	                   "{{ $labels.note }}. Until it is fixed, this resource series has no "
	                   "capacity alerts." };
	y_rule(y, &r);

	capplan_strbuf_reset(expr);
	capplan_strbuf_reset(desc);
	fmt_num(days, o->stale_days);
	if (capplan_strbuf_appendf(expr, "time() - capacity_last_run_timestamp_seconds > %s * 86400",
	                           days) < 0 ||
	    capplan_strbuf_appendf(desc, "No capplan run for more than %s days: the capacity alerts "
	                           "speak of an old forecast. Run the capacity pipeline "
	                           "(capplan-ingest, capplan-model, capplan-render).", days) < 0)
		return -1;
	r = (struct rule){ "CapacityFeedStale", expr->data, NULL, "warning", NULL,
	                   "The capplan feed is {{ $value | humanizeDuration }} old", desc->data };
	y_rule(y, &r);

	r = (struct rule){ "CapacityFeedMissing", "absent(capacity_last_run_timestamp_seconds)", "1h",
	                   "warning", NULL, "No capplan feed",
	                   "No series capacity_last_run_timestamp_seconds: capplan.prom is not in "
	                   "node_exporter's textfile folder, or is not scraped. No capacity alert "
	                   "can fire." };
	y_rule(y, &r);
	return 0;
}

int
capplan_textfile_print_alert_rules(const struct capplan_review_data *d,
                                   const struct capplan_textfile_rules_options *o, FILE *fp,
                                   struct capplan_error *err)
{
	struct capplan_textfile_rules_options defaults;
	struct capplan_strbuf expr = CAPPLAN_STRBUF_INIT, alert = CAPPLAN_STRBUF_INIT;
	struct capplan_strbuf desc = CAPPLAN_STRBUF_INIT;
	char when[CAPPLAN_TIME_BUFSZ];
	struct yw y;
	yaml_event_t ev;
	int rc = -1;

	if (!o) {
		capplan_textfile_rules_options_default(&defaults);
		o = &defaults;
	}
	if (!(o->stale_days > 0 && isfinite(o->stale_days)) ||
	    !(o->order_within_days > 0 && isfinite(o->order_within_days)))
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "alert rules: the feed's age (%g days) "
		                         "and the order-by warning (%g days) must be positive numbers "
		                         "of days", o->stale_days, o->order_within_days);
	memset(&y, 0, sizeof(y));
	if (!yaml_emitter_initialize(&y.e))
		return oom(err);
	yaml_emitter_set_output_file(&y.e, fp);
	yaml_emitter_set_unicode(&y.e, 1);
	yaml_emitter_set_width(&y.e, -1);
	yaml_emitter_set_indent(&y.e, 2);
	yaml_emitter_set_break(&y.e, YAML_LN_BREAK);

	fprintf(fp, "# Prometheus alerting rules written by capplan-render from run %" PRId64
	        " (as of %s).\n# Regenerated on every run: edit plan.yml, not this file.\n",
	        d->run_id, capplan_time_format(d->as_of_ms, when));
	y_event(&y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	y_event(&y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	y_map(&y);
	y_str(&y, "groups", YAML_PLAIN_SCALAR_STYLE);
	y_seq(&y);
	y_map(&y);
	y_pair(&y, "name", "capplan", YAML_PLAIN_SCALAR_STYLE);
	y_str(&y, "rules", YAML_PLAIN_SCALAR_STYLE);
	y_seq(&y);
	if (exhaustion_rules(&y, &expr, &alert, &desc) < 0 ||
	    utilisation_rules(&y, d, &expr, &alert, &desc) < 0 ||
	    other_rules(&y, o, &expr, &desc) < 0) {
		oom(err);
		goto done;
	}
	y_seq_end(&y);
	y_map_end(&y);
	y_seq_end(&y);
	y_map_end(&y);
	y_event(&y, &ev, yaml_document_end_event_initialize(&ev, 1));
	y_event(&y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y.failed && !yaml_emitter_flush(&y.e))
		y.failed = 1;
	if (y.failed) {
		capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "YAML emitter: %s",
		                  y.e.problem ? y.e.problem : "out of memory");
		goto done;
	}
	rc = 0;
done:
	yaml_emitter_delete(&y.e);
	capplan_strbuf_release(&expr);
	capplan_strbuf_release(&alert);
	capplan_strbuf_release(&desc);
	return rc;
}

/* ---- summary.csv ---- */

/* One field, quoted when it holds a comma, a quote, CR or LF (RFC 4180). */
static void
csv_field(FILE *fp, const char *s, bool first)
{
	if (!first)
		fputc(',', fp);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
csv_num(FILE *fp, double v)
{
	char num[NUM_BUFSZ];

	csv_field(fp, isnan(v) ? "" : fmt_num(num, v), false);
}

static void
csv_time(FILE *fp, int64_t ms)
{
	char when[CAPPLAN_TIME_BUFSZ];

	csv_field(fp, ms ? capplan_time_format(ms, when) : "", false);
}

static void
csv_count(FILE *fp, long n)
{
	char num[NUM_BUFSZ];

	snprintf(num, sizeof(num), "%ld", n);
	csv_field(fp, n >= 0 ? num : "", false);
}

static const char *const csv_columns[] = {
	"resource", "service", "kind", "unit", "metric", "labels", "level", "level_utilisation",
	"level_exhaustion", "current", "capacity", "utilisation", "headroom", "days_to_full",
	"full_at", "order_by", "order_by_passed", "nodes", "nodes_needed", "nodes_to_add",
	"growth_per_day", "method", "note",
};

int
capplan_textfile_print_summary_csv(const struct capplan_review_data *d, FILE *fp,
                                   struct capplan_error *err)
{
	(void)err;
	for (size_t c = 0; c < sizeof(csv_columns) / sizeof(csv_columns[0]); c++)
		csv_field(fp, csv_columns[c], c == 0);
	fputc('\n', fp);
	for (size_t i = 0; i < d->nitems; i++) {
		const struct capplan_render_item *it = &d->items[i];

		csv_field(fp, it->resource, true);
		csv_field(fp, it->service, false);
		csv_field(fp, it->kind, false);
		csv_field(fp, it->unit, false);
		csv_field(fp, it->metric, false);
		csv_field(fp, it->labels_json, false);
		csv_field(fp, capplan_render_level_name(it->level), false);
		csv_field(fp, capplan_render_level_name(it->level_utilisation), false);
		csv_field(fp, capplan_render_level_name(it->level_exhaustion), false);
		csv_num(fp, it->current);
		csv_num(fp, it->capacity);
		csv_num(fp, it->utilisation);
		csv_num(fp, it->headroom);
		csv_num(fp, it->days_to_full);
		csv_time(fp, it->full_at);
		csv_time(fp, earliest_order_by(it));
		csv_field(fp, it->order_by_passed ? "true" : "false", false);
		csv_count(fp, it->nodes);
		csv_count(fp, it->nodes_needed);
		csv_count(fp, it->nodes_to_add);
		csv_num(fp, it->growth_per_day);
		csv_field(fp, it->method, false);
		csv_field(fp, it->note, false);
		fputc('\n', fp);
	}
	return 0;
}

/* ---- into the output folder ---- */

typedef int (*print_fn)(const struct capplan_review_data *d,
                        const struct capplan_textfile_rules_options *o, FILE *fp,
                        struct capplan_error *err);

static int
p_prom(const struct capplan_review_data *d, const struct capplan_textfile_rules_options *o,
       FILE *fp, struct capplan_error *err)
{
	(void)o;
	return capplan_textfile_print_prom(d, fp, err);
}

static int
p_csv(const struct capplan_review_data *d, const struct capplan_textfile_rules_options *o,
      FILE *fp, struct capplan_error *err)
{
	(void)o;
	return capplan_textfile_print_summary_csv(d, fp, err);
}

static int
write_atomic(const struct capplan_review_data *d, const struct capplan_textfile_rules_options *o,
             const char *dir, const char *name, print_fn print, struct capplan_error *err)
{
	struct capplan_atomic_file f;

	if (capplan_atomic_open(&f, dir, name, err) < 0)
		return -1;
	if (print(d, o, f.fp, err) < 0) {
		capplan_error_prefix(err, "%s", f.path);
		capplan_atomic_abandon(&f);
		return -1;
	}
	return capplan_atomic_commit(&f, err);
}

int
capplan_textfile_write_prom(const struct capplan_review_data *d, const char *dir,
                            struct capplan_error *err)
{
	return write_atomic(d, NULL, dir, CAPPLAN_TEXTFILE_PROM, p_prom, err);
}

int
capplan_textfile_write_alert_rules(const struct capplan_review_data *d,
                                   const struct capplan_textfile_rules_options *o,
                                   const char *dir, struct capplan_error *err)
{
	return write_atomic(d, o, dir, CAPPLAN_TEXTFILE_RULES, capplan_textfile_print_alert_rules,
	                    err);
}

int
capplan_textfile_write_summary_csv(const struct capplan_review_data *d, const char *dir,
                                   struct capplan_error *err)
{
	return write_atomic(d, NULL, dir, CAPPLAN_TEXTFILE_CSV, p_csv, err);
}
