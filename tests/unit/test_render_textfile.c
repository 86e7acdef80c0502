/*
 * tests/unit/test_render_textfile.c: the alerting feed and the summary
 * (lib/render/textfile.c), written from the in-memory review into a
 * temporary folder and read back by independent readers: promtool (check
 * metrics, check rules, test rules), a small exposition-format reader here,
 * libyaml and libcsv.
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <csv.h>
#include <yajl/yajl_tree.h>
#include <yaml.h>

#include "render/textfile.h"
#include "render_fixture.h"
#include "suites.h"
#include "util/strbuf.h"

#define AS_OF_S 1790812800.0   /* the fixture's as_of, 2026-10-01T00:00:00Z */

/* ---- a temporary folder ---- */

static int
make_dir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/capplan-textfile-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* The names in dir (not . and ..), sorted, as "a,b,c". */
static void
list_dir(const char *dir, struct capplan_strbuf *out)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	capplan_strbuf_reset(out);
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 && strcmp(ents[i]->d_name, "..") != 0)
			capplan_strbuf_appendf(out, "%s%s", out->len ? "," : "", ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static void
remove_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!dp)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

static char *
path_in(const char *dir, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

/* Run a shell command; its exit status, its output (stdout and stderr) in out. */
static int
run(const char *cmd, struct capplan_strbuf *out)
{
	char buf[4096];
	FILE *p;
	size_t n;
	int status;

	capplan_strbuf_reset(out);
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		capplan_strbuf_append(out, buf, n);
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) != 0)
		fprintf(stderr, "\n%s: exit %d:\n%s\n", cmd, WEXITSTATUS(status),
		        capplan_strbuf_str(out));
	return WEXITSTATUS(status);
}

/* ---- an exposition-format reader, enough for our own files ---- */

#define MAX_LABELS 24

struct sample {
	char name[128];
	size_t nlabels;
	char *label[MAX_LABELS], *value[MAX_LABELS];
	double v;
	char text[512];   /* the series as written: name{...} */
};

static void
sample_release(struct sample *s)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		free(s->label[i]);
		free(s->value[i]);
	}
	s->nlabels = 0;
}

static const char *
sample_label(const struct sample *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (strcmp(s->label[i], name) == 0)
			return s->value[i];
	return NULL;
}

/* Parse one sample line; 0, or -1 when it is not one. */
static int
parse_sample(const char *line, struct sample *s)
{
	const char *p = line;
	char *end;
	size_t n = strcspn(p, "{ ");

	memset(s, 0, sizeof(*s));
	if (n == 0 || n >= sizeof(s->name))
		return -1;
	memcpy(s->name, p, n);
	p += n;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			struct capplan_strbuf v = CAPPLAN_STRBUF_INIT;

			n = strcspn(p, "=");
			if (!p[n] || p[n + 1] != '"' || s->nlabels == MAX_LABELS)
				return sample_release(s), -1;
			s->label[s->nlabels] = strndup(p, n);
			p += n + 2;
			for (; *p != '"'; p++) {
				if (!*p)
					return capplan_strbuf_release(&v), free(s->label[s->nlabels]),
					       sample_release(s), -1;
				if (*p == '\\') {
					p++;
					if (*p == 'n')
						capplan_strbuf_append_char(&v, '\n');
					else if (*p == '\\' || *p == '"')
						capplan_strbuf_append_char(&v, *p);
					else
						return capplan_strbuf_release(&v), free(s->label[s->nlabels]),
						       sample_release(s), -1;
				} else {
					capplan_strbuf_append_char(&v, *p);
				}
			}
			s->value[s->nlabels++] = capplan_strbuf_detach(&v);
			p++;
			if (*p == ',')
				p++;
		}
		p++;
	}
	if ((size_t)(p - line) >= sizeof(s->text) || *p != ' ')
		return sample_release(s), -1;
	memcpy(s->text, line, (size_t)(p - line));
	s->v = strtod(p + 1, &end);
	if (end == p + 1 || (*end && *end != '\n'))
		return sample_release(s), -1;
	return 0;
}

/* The samples of family name in the file, at most max, each released by the caller. */
static size_t
read_family(const char *path, const char *name, struct sample *out, size_t max)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;

	if (!fp)
		return 0;
	while (getline(&line, &cap, fp) > 0) {
		struct sample s;

		if (line[0] == '#' || parse_sample(line, &s) < 0)
			continue;
		if (strcmp(s.name, name) == 0 && n < max)
			out[n++] = s;
		else
			sample_release(&s);
	}
	free(line);
	fclose(fp);
	return n;
}

/* The one sample of family name whose resource is resource, into s; 0 or -1. */
static int
find_sample(const char *path, const char *name, const char *resource, struct sample *s)
{
	struct sample all[16];
	size_t n = read_family(path, name, all, 16);
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		const char *r = sample_label(&all[i], "resource");

		if (rc < 0 && r && strcmp(r, resource) == 0) {
			*s = all[i];
			rc = 0;
		} else {
			sample_release(&all[i]);
		}
	}
	return rc;
}

/* ---- capplan.prom ---- */

static void
test_prom(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], cmd[256];
	struct sample s, all[16];
	size_t n;

	render_fixture_build(&d);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	path_in(dir, CAPPLAN_TEXTFILE_PROM, path, sizeof(path));

	/* valid, and no lint (HELP on every family, base units, no _total on gauges) */
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), "");

	/* the hostile resource and label value come back as they were */
	CU_ASSERT_FATAL(find_sample(path, "capacity_utilization_ratio",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "instance"), RENDER_FIXTURE_HOSTILE_LABEL);
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "service"), "validator");
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "kind"), "disk");
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "metric"), "disk_used_bytes");
	CU_ASSERT_EQUAL(s.nlabels, 5);
	CU_ASSERT(s.v == d.items[0].utilisation);   /* exactly: the text reads back to the double */
	sample_release(&s);

	CU_ASSERT_FATAL(find_sample(path, "capacity_seconds_until_full",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	CU_ASSERT(s.v == d.items[0].days_to_full * 86400);
	sample_release(&s);
	CU_ASSERT_FATAL(find_sample(path, "capacity_full_timestamp_seconds",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	CU_ASSERT(s.v == (double)d.items[0].full_at / 1000);
	sample_release(&s);
	/* the earliest order-by: nodes for N+2, ten days before as_of */
	CU_ASSERT_FATAL(find_sample(path, "capacity_order_by_timestamp_seconds",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	CU_ASSERT_DOUBLE_EQUAL(s.v, AS_OF_S - 10 * 86400, 0);
	sample_release(&s);

	/* the unknown item: level -1, why in the info, no utilisation or days */
	CU_ASSERT_FATAL(find_sample(path, "capacity_alert_level", "api-db-connections", &s) == 0);
	CU_ASSERT_DOUBLE_EQUAL(s.v, -1, 0);
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "instance"), "db-1");
	sample_release(&s);
	CU_ASSERT_FATAL(find_sample(path, "capacity_assessment_info", "api-db-connections", &s) == 0);
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "level"), "unknown");
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "note"), "no sample in the 30 days up to as_of");
	CU_ASSERT_PTR_NULL(sample_label(&s, "method"));   /* "" is no label */
	sample_release(&s);
	CU_ASSERT(find_sample(path, "capacity_utilization_ratio", "api-db-connections", &s) < 0);
	CU_ASSERT(find_sample(path, "capacity_seconds_until_full", "api-db-connections", &s) < 0);

	/* levels 3 2 1 0 -1 in the fixture's order */
	n = read_family(path, "capacity_alert_level", all, 16);
	CU_ASSERT_EQUAL(n, d.nitems);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_DOUBLE_EQUAL(all[i].v, i < 4 ? 3.0 - (double)i : -1, 0);
		sample_release(&all[i]);
	}
	n = read_family(path, "capacity_last_run_timestamp_seconds", all, 16);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_DOUBLE_EQUAL(all[0].v, AS_OF_S, 0);
		CU_ASSERT_EQUAL(all[0].nlabels, 0);
		sample_release(&all[0]);
	}
	n = read_family(path, "capacity_forecast_horizon_seconds", all, 16);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_DOUBLE_EQUAL(all[0].v, 180 * 86400.0, 0);
		sample_release(&all[0]);
	}

	/* no temporary file left behind */
	list_dir(dir, &out);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), CAPPLAN_TEXTFILE_PROM);

	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* Series label names made valid and unique; odd values. */
static void
test_prom_label_names(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], cmd[256];
	struct sample s;
	static const char *const want[][2] = {
		{ "series__", "empty" }, { "_1st", "digit" }, { "series___meta", "reserved" },
		{ "http_status", "200" }, { "series_kind", "own" }, { "series_kind_2", "taken" },
		{ "series___2", "umlaut" }, { "a_b", "plain" }, { "a_b_2", "dot" },
	};
	char *memtext = NULL;
	size_t memlen = 0;
	FILE *mem;

	render_fixture_build(&d);
	free(d.items[1].labels_json);
	d.items[1].labels_json = strdup("{\"\":\"empty\",\"1st\":\"digit\",\"__meta\":\"reserved\","
	                                "\"http.status\":\"200\",\"kind\":\"own\","
	                                "\"series_kind\":\"taken\",\"\xc3\xbc\":\"umlaut\","
	                                "\"a_b\":\"plain\",\"a.b\":\"dot\",\"none\":\"\"}");
	d.items[1].utilisation = INFINITY;
	d.items[1].headroom = -INFINITY;
	mem = open_memstream(&memtext, &memlen);
	CU_ASSERT_FATAL(mem != NULL);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	path_in(dir, CAPPLAN_TEXTFILE_PROM, path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), "");

	CU_ASSERT_FATAL(find_sample(path, "capacity_utilization_ratio", "provider-memory", &s) == 0);
	CU_ASSERT_EQUAL(s.nlabels, 4 + sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *v = sample_label(&s, want[i][0]);

		CU_ASSERT_PTR_NOT_NULL(v);
		if (v)
			CU_ASSERT_STRING_EQUAL(v, want[i][1]);
	}
	CU_ASSERT_STRING_EQUAL(sample_label(&s, "kind"), "memory");
	CU_ASSERT(isinf(s.v) && s.v > 0);
	sample_release(&s);
	CU_ASSERT_FATAL(find_sample(path, "capacity_headroom_ratio", "provider-memory", &s) == 0);
	CU_ASSERT(isinf(s.v) && s.v < 0);
	sample_release(&s);

	/* infinities in the summary too, as Prometheus writes them */
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_print_summary_csv(&d, mem, &err), 0);
	fflush(mem);
	CU_ASSERT_PTR_NOT_NULL(strstr(memtext, ",+Inf,-Inf,"));
	fclose(mem);
	free(memtext);

	/* labels that are not an object of strings: a data error naming the resource, no file */
	free(d.items[1].labels_json);
	d.items[1].labels_json = strdup("{\"instance\":1}");
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, dir, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "provider-memory"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "capplan.prom"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "instance"));
	free(d.items[1].labels_json);
	d.items[1].labels_json = strdup("[\"a\"");
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, dir, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_DATAERR);
	CU_ASSERT_PTR_NULL(strchr(err.msg, '\n'));
	/* the earlier file stays, no temporary file */
	list_dir(dir, &out);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), CAPPLAN_TEXTFILE_PROM);

	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* ---- capacity-alerts.yml ---- */

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *
scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

/*
 * Load the rules file; the rules' alert, expr and labels.severity into the
 * arrays (at most max).  The number of rules, or -1 when it does not parse.
 */
static int
load_rules(const char *path, char **alert, char **expr, char **severity, int max)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *groups, *group, *rules;
	FILE *fp = fopen(path, "rb");
	int n = 0;

	if (!fp)
		return -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_parser_delete(&parser);
		fclose(fp);
		return -1;
	}
	groups = map_get(&doc, yaml_document_get_root_node(&doc), "groups");
	if (groups && groups->type == YAML_SEQUENCE_NODE &&
	    groups->data.sequence.items.top - groups->data.sequence.items.start == 1) {
		group = yaml_document_get_node(&doc, *groups->data.sequence.items.start);
		rules = map_get(&doc, group, "rules");
		if (strcmp(scalar(map_get(&doc, group, "name")), "capplan") != 0)
			n = -1;
		else if (rules && rules->type == YAML_SEQUENCE_NODE)
			for (yaml_node_item_t *i = rules->data.sequence.items.start;
			     i < rules->data.sequence.items.top && n < max; i++) {
				yaml_node_t *r = yaml_document_get_node(&doc, *i);

				alert[n] = strdup(scalar(map_get(&doc, r, "alert")));
				expr[n] = strdup(scalar(map_get(&doc, r, "expr")));
				severity[n] = strdup(scalar(map_get(&doc, map_get(&doc, r, "labels"),
				                                    "severity")));
				n++;
			}
	} else {
		n = -1;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	return n;
}

static void
free_rules(char **alert, char **expr, char **severity, int n)
{
	for (int i = 0; i < n; i++) {
		free(alert[i]);
		free(expr[i]);
		free(severity[i]);
	}
}

static int
rule_index(char **alert, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(alert[i], name) == 0)
			return i;
	return -1;
}

static void
test_rules(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], cmd[256];
	char *alert[32], *expr[32], *severity[32];
	int n, i;

	render_fixture_build(&d);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);
	path_in(dir, CAPPLAN_TEXTFILE_RULES, path, sizeof(path));
	snprintf(cmd, sizeof(cmd), "promtool check rules %s 2>&1", path);
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(capplan_strbuf_str(&out), "SUCCESS: 10 rules found"));

	n = load_rules(path, alert, expr, severity, 32);
	CU_ASSERT_EQUAL_FATAL(n, 10);
	/* the framework's exhaustion alert, counted from now */
	i = rule_index(alert, n, "CapacityExhaustionEmergency");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i], "capacity_full_timestamp_seconds - time() < 30 * 86400");
	CU_ASSERT_STRING_EQUAL(severity[i], "critical");
	i = rule_index(alert, n, "CapacityExhaustionWarning");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i],
	                       "capacity_full_timestamp_seconds - time() >= 60 * 86400 <= 90 * 86400");
	i = rule_index(alert, n, "CapacityUtilizationCritical");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(expr[i], "capacity_utilization_ratio{kind=\"disk\"} >= 0.85 < 0.95\n"
	                                      "or capacity_utilization_ratio{kind=\"memory\"} >= 0.85 < 0.95\n"));
	CU_ASSERT_STRING_EQUAL(severity[i], "warning");
	i = rule_index(alert, n, "CapacityOrderBy");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i], "capacity_order_by_timestamp_seconds - time() < 30 * 86400");
	i = rule_index(alert, n, "CapacityFeedStale");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i], "time() - capacity_last_run_timestamp_seconds > 8 * 86400");
	free_rules(alert, expr, severity, n);

	/* two disks with different thresholds: one matcher per resource, the hostile name escaped */
	free(d.items[1].kind);
	d.items[1].kind = strdup("disk");
	d.items[1].threshold_warning = 0.6;
	d.items[1].threshold_critical = 0.8;
	d.items[1].threshold_emergency = 0.9;
	{
		struct capplan_textfile_rules_options o = { 2, 45 };

		CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_alert_rules(&d, &o, dir, &err), 0);
	}
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	n = load_rules(path, alert, expr, severity, 32);
	CU_ASSERT_EQUAL_FATAL(n, 10);
	i = rule_index(alert, n, "CapacityUtilizationEmergency");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i],
	                       "capacity_utilization_ratio{kind=\"disk\",resource=\"=cmd|' /C calc'!A0 "
	                       "\\\"disk\\\" \xc3\xbc\"} >= 0.95\n"
	                       "or capacity_utilization_ratio{kind=\"disk\",resource=\"provider-memory\"}"
	                       " >= 0.9\n"
	                       "or capacity_utilization_ratio{kind=\"api_requests\"} >= 0.95\n"
	                       "or capacity_utilization_ratio{kind=\"deployment_slots\"} >= 0.95\n"
	                       "or capacity_utilization_ratio{kind=\"db_connections\"} >= 0.95");
	i = rule_index(alert, n, "CapacityOrderBy");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i], "capacity_order_by_timestamp_seconds - time() < 45 * 86400");
	i = rule_index(alert, n, "CapacityFeedStale");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_STRING_EQUAL(expr[i], "time() - capacity_last_run_timestamp_seconds > 2 * 86400");
	free_rules(alert, expr, severity, n);

	/* control characters, quotes, blanks at the ends: PromQL escapes, libyaml picks a quoting */
	free(d.items[1].resource);
	d.items[1].resource = strdup(" line\none\ttab \\ 'end\x01 ");
	free(d.items[2].kind);
	d.items[2].kind = strdup("api\r\"requests");
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	n = load_rules(path, alert, expr, severity, 32);
	CU_ASSERT_EQUAL_FATAL(n, 10);
	i = rule_index(alert, n, "CapacityUtilizationWarning");
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(expr[i], "\nor capacity_utilization_ratio{kind=\"disk\",resource="
	                                      "\" line\\none\\ttab \\\\ 'end\\x01 \"} >= 0.6 < 0.8\n"
	                                      "or capacity_utilization_ratio{kind=\"api\\r\\\"requests\"} "
	                                      ">= 0.7 < 0.85\n"));
	free_rules(alert, expr, severity, n);

	{
		struct capplan_textfile_rules_options o = { 0, 30 };

		CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, &o, dir, &err), -1);
		CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_USAGE);
		o.stale_days = 8;
		o.order_within_days = NAN;
		CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, &o, dir, &err), -1);
	}
	list_dir(dir, &out);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), CAPPLAN_TEXTFILE_RULES);
	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* A YAML double-quoted scalar (for the promtool test file). */
static void
yaml_dq(struct capplan_strbuf *sb, const char *s)
{
	capplan_strbuf_append_char(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			capplan_strbuf_appendf(sb, "\\%c", *s);
		else if (*s == '\n')
			capplan_strbuf_append_str(sb, "\\n");
		else
			capplan_strbuf_append_char(sb, *s);
	}
	capplan_strbuf_append_char(sb, '"');
}

/* exp_labels of a sample: its labels and the rule's. */
static void
exp_labels(struct capplan_strbuf *t, const struct sample *s, const char *severity,
           const char *level)
{
	capplan_strbuf_append_str(t, "          exp_labels:\n");
	for (size_t i = 0; i < s->nlabels; i++) {
		capplan_strbuf_appendf(t, "            %s: ", s->label[i]);
		yaml_dq(t, s->value[i]);
		capplan_strbuf_append_char(t, '\n');
	}
	capplan_strbuf_appendf(t, "            severity: %s\n", severity);
	if (level)
		capplan_strbuf_appendf(t, "            level: %s\n", level);
}

/*
 * The rules fire on the feed as the packet says: promtool test rules, with
 * the samples of capplan.prom as the input series (their label text copied
 * as it is: the exposition's escapes are PromQL's), timestamps moved so that
 * time() at the evaluation is the run's as_of.
 */
static void
test_rules_fire(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf t = CAPPLAN_STRBUF_INIT, out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], cmd[256];
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	struct sample s;
	const double eval_s = 120;   /* eval_time 2m */

	render_fixture_build(&d);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);

	capplan_strbuf_append_str(&t, "rule_files:\n  - " CAPPLAN_TEXTFILE_RULES "\n"
	                          "evaluation_interval: 1m\ntests:\n  - interval: 1m\n"
	                          "    input_series:\n");
	fp = fopen(path_in(dir, CAPPLAN_TEXTFILE_PROM, path, sizeof(path)), "r");
	CU_ASSERT_FATAL(fp != NULL);
	while (getline(&line, &cap, fp) > 0) {
		double v;
		char num[64];

		if (line[0] == '#' || parse_sample(line, &s) < 0)
			continue;
		v = s.v;
		if (strstr(s.name, "_timestamp_seconds"))
			v = v - AS_OF_S + eval_s;
		snprintf(num, sizeof(num), "%.17g", v);
		capplan_strbuf_append_str(&t, "      - series: '");
		for (const char *c = s.text; *c; c++)
			capplan_strbuf_append_str(&t, *c == '\'' ? "''" : (char[2]){ *c, 0 });
		capplan_strbuf_appendf(&t, "'\n        values: '%s %s %s %s %s'\n", num, num, num, num,
		                       num);
		sample_release(&s);
	}
	free(line);
	fclose(fp);

	capplan_strbuf_append_str(&t, "    alert_rule_test:\n");
	/* item 0: 96.25% of its disk, emergency; full in 25.6 days */
	CU_ASSERT_FATAL(find_sample(path, "capacity_utilization_ratio",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	capplan_strbuf_append_str(&t, "      - eval_time: 2m\n        alertname: CapacityUtilizationEmergency\n"
	                          "        exp_alerts:\n        - \n");
	exp_labels(&t, &s, "critical", "emergency");
	capplan_strbuf_append_str(&t, "          exp_annotations:\n            summary: ");
	yaml_dq(&t, RENDER_FIXTURE_HOSTILE_RESOURCE " (validator) at 96.25% of its disk capacity");
	capplan_strbuf_append_str(&t, "\n            description: ");
	yaml_dq(&t, "disk disk_used_bytes of " RENDER_FIXTURE_HOSTILE_RESOURCE " (validator) is at "
	        "96.25% of capacity: at or above its emergency threshold (95%).");
	capplan_strbuf_append_char(&t, '\n');
	sample_release(&s);

	CU_ASSERT_FATAL(find_sample(path, "capacity_full_timestamp_seconds",
	                            RENDER_FIXTURE_HOSTILE_RESOURCE, &s) == 0);
	capplan_strbuf_append_str(&t, "      - eval_time: 2m\n        alertname: CapacityExhaustionEmergency\n"
	                          "        exp_alerts:\n        - \n");
	exp_labels(&t, &s, "critical", "emergency");
	capplan_strbuf_append_str(&t, "          exp_annotations:\n            summary: ");
	/* 25.6 days less a millisecond (the fixture truncates to ms) */
	yaml_dq(&t, RENDER_FIXTURE_HOSTILE_RESOURCE " (validator) runs full in 25d 14h 23m 59s");
	capplan_strbuf_append_str(&t, "\n            description: ");
	yaml_dq(&t, "By capplan's forecast, disk disk_used_bytes of " RENDER_FIXTURE_HOSTILE_RESOURCE
	        " (validator) reaches its capacity within 30 days: the framework's emergency level. "
	        "Add capacity or shed load now.");
	capplan_strbuf_append_char(&t, '\n');
	sample_release(&s);

	/* item 1 (87.5% of memory) critical, item 2 (74% of API capacity) warning: labels only */
	CU_ASSERT_FATAL(find_sample(path, "capacity_utilization_ratio", "provider-memory", &s) == 0);
	capplan_strbuf_append_str(&t, "      - eval_time: 2m\n        alertname: CapacityUtilizationCritical\n"
	                          "        exp_alerts:\n        - \n");
	exp_labels(&t, &s, "warning", "critical");
	capplan_strbuf_append_str(&t, "          exp_annotations:\n            summary: "
	                          "\"provider-memory (provider) at 87.5% of its memory capacity\"\n"
	                          "            description: \"memory provider_memory_used_bytes of "
	                          "provider-memory (provider) is at 87.5% of capacity: at or above its "
	                          "critical threshold (85%), below emergency (95%).\"\n");
	sample_release(&s);

	/* nothing runs full in 30 to 60 days; the feed is fresh */
	capplan_strbuf_append_str(&t, "      - eval_time: 2m\n        alertname: CapacityExhaustionCritical\n"
	                          "        exp_alerts: []\n"
	                          "      - eval_time: 2m\n        alertname: CapacityFeedStale\n"
	                          "        exp_alerts: []\n"
	                          "      - eval_time: 2m\n        alertname: CapacityFeedMissing\n"
	                          "        exp_alerts: []\n");

	/* the unknown item, why in its description */
	CU_ASSERT_FATAL(find_sample(path, "capacity_assessment_info", "api-db-connections", &s) == 0);
	capplan_strbuf_append_str(&t, "      - eval_time: 2m\n        alertname: CapacityAssessmentUnknown\n"
	                          "        exp_alerts:\n        - \n");
	exp_labels(&t, &s, "warning", NULL);
	capplan_strbuf_append_str(&t, "          exp_annotations:\n            summary: "
	                          "\"capplan could not assess api-db-connections (api)\"\n"
	                          "            description: \"no sample in the 30 days up to as_of. "
	                          "Until it is fixed, this resource series has no capacity alerts.\"\n");
	sample_release(&s);

	fp = fopen(path_in(dir, "test.yml", path, sizeof(path)), "w");
	CU_ASSERT_FATAL(fp != NULL);
	fputs(capplan_strbuf_str(&t), fp);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "cd %s && promtool test rules test.yml 2>&1", dir);
	CU_ASSERT_EQUAL(run(cmd, &out), 0);

	capplan_strbuf_release(&t);
	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* ---- summary.csv ---- */

struct csv_rows {
	size_t nrows, nfields;
	char *field[8][32];   /* rows x fields */
	size_t count[8];
	bool overflow;
};

static void
on_field(void *data, size_t len, void *arg)
{
	struct csv_rows *r = arg;

	if (r->nrows >= 8 || r->nfields >= 32) {
		r->overflow = true;
		return;
	}
	r->field[r->nrows][r->nfields++] = strndup(data ? data : "", len);
}

static void
on_row(int c, void *arg)
{
	struct csv_rows *r = arg;

	(void)c;
	if (r->nrows < 8)
		r->count[r->nrows++] = r->nfields;
	r->nfields = 0;
}

static void
test_summary_csv(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], buf[4096], errbuf[128];
	struct csv_parser p;
	struct csv_rows r;
	FILE *fp;
	size_t n;
	yajl_val labels;
	const char *inst_path[] = { "instance", NULL };

	render_fixture_build(&d);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL_FATAL(capplan_textfile_write_summary_csv(&d, dir, &err), 0);

	memset(&r, 0, sizeof(r));
	CU_ASSERT_FATAL(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) == 0);
	fp = fopen(path_in(dir, CAPPLAN_TEXTFILE_CSV, path, sizeof(path)), "rb");
	CU_ASSERT_FATAL(fp != NULL);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		CU_ASSERT_EQUAL(csv_parse(&p, buf, n, on_field, on_row, &r), n);
	CU_ASSERT_EQUAL(csv_fini(&p, on_field, on_row, &r), 0);
	csv_free(&p);
	fclose(fp);

	CU_ASSERT_FALSE(r.overflow);
	CU_ASSERT_EQUAL_FATAL(r.nrows, d.nitems + 1);
	for (size_t i = 0; i < r.nrows; i++)
		CU_ASSERT_EQUAL(r.count[i], 23);
	CU_ASSERT_STRING_EQUAL(r.field[0][0], "resource");
	CU_ASSERT_STRING_EQUAL(r.field[0][5], "labels");
	CU_ASSERT_STRING_EQUAL(r.field[0][22], "note");
	/* the hostile row: the resource as it is (no quote added in front of '='), the labels' JSON */
	CU_ASSERT_STRING_EQUAL(r.field[1][0], RENDER_FIXTURE_HOSTILE_RESOURCE);
	CU_ASSERT_STRING_EQUAL(r.field[1][5], d.items[0].labels_json);
	labels = yajl_tree_parse(r.field[1][5], errbuf, sizeof(errbuf));
	CU_ASSERT_PTR_NOT_NULL_FATAL(labels);
	CU_ASSERT_STRING_EQUAL(YAJL_GET_STRING(yajl_tree_get(labels, inst_path, yajl_t_string)),
	                       RENDER_FIXTURE_HOSTILE_LABEL);
	yajl_tree_free(labels);
	CU_ASSERT_STRING_EQUAL(r.field[1][6], "emergency");
	CU_ASSERT(strtod(r.field[1][9], NULL) == d.items[0].current);
	CU_ASSERT(strtod(r.field[1][11], NULL) == d.items[0].utilisation);
	CU_ASSERT(strtod(r.field[1][13], NULL) == d.items[0].days_to_full);
	CU_ASSERT_STRING_EQUAL(r.field[1][14], "2026-10-26T14:23:59.999Z");
	CU_ASSERT_STRING_EQUAL(r.field[1][15], "2026-09-21T00:00:00Z");   /* nodes for N+2 */
	CU_ASSERT_STRING_EQUAL(r.field[1][16], "true");
	CU_ASSERT_STRING_EQUAL(r.field[1][18], "6");
	CU_ASSERT_STRING_EQUAL(r.field[1][21], "linear");
	/* the unknown row: empty where unknown */
	CU_ASSERT_STRING_EQUAL(r.field[5][0], "api-db-connections");
	CU_ASSERT_STRING_EQUAL(r.field[5][6], "unknown");
	CU_ASSERT_STRING_EQUAL(r.field[5][9], "");
	CU_ASSERT_STRING_EQUAL(r.field[5][10], "400");
	CU_ASSERT_STRING_EQUAL(r.field[5][13], "");
	CU_ASSERT_STRING_EQUAL(r.field[5][14], "");
	CU_ASSERT_STRING_EQUAL(r.field[5][15], "");
	CU_ASSERT_STRING_EQUAL(r.field[5][16], "false");
	CU_ASSERT_STRING_EQUAL(r.field[5][18], "");
	CU_ASSERT_STRING_EQUAL(r.field[5][22], "no sample in the 30 days up to as_of");
	for (size_t i = 0; i < r.nrows && i < 8; i++)
		for (size_t j = 0; j < r.count[i] && j < 32; j++)
			free(r.field[i][j]);

	list_dir(dir, &out);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), CAPPLAN_TEXTFILE_CSV);
	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* ---- all three; a folder that is not there ---- */

static void
test_atomic(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], missing[128];

	render_fixture_build(&d);
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_summary_csv(&d, dir, &err), 0);
	/* again, over the earlier files */
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_summary_csv(&d, dir, &err), 0);
	list_dir(dir, &out);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out),
	                       CAPPLAN_TEXTFILE_RULES "," CAPPLAN_TEXTFILE_PROM "," CAPPLAN_TEXTFILE_CSV);

	snprintf(missing, sizeof(missing), "%s/no-such-folder", dir);
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, missing, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CANTCREAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, missing));
	CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, NULL, missing, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CANTCREAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no-such-folder"));
	CU_ASSERT_EQUAL(capplan_textfile_write_summary_csv(&d, missing, &err), -1);
	CU_ASSERT_EQUAL(err.status, CAPPLAN_EX_CANTCREAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no-such-folder"));

	capplan_strbuf_release(&out);
	remove_dir(dir);
	capplan_review_data_release(&d);
}

/* Nothing to say: no items (a plan with no resources yet). */
static void
test_empty(void)
{
	struct capplan_review_data d;
	struct capplan_error err;
	struct capplan_strbuf out = CAPPLAN_STRBUF_INIT;
	char dir[64], path[128], cmd[256];

	memset(&d, 0, sizeof(d));
	d.run_id = 1;
	d.as_of_ms = (int64_t)AS_OF_S * 1000;
	CU_ASSERT_FATAL(make_dir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_prom(&d, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_alert_rules(&d, NULL, dir, &err), 0);
	CU_ASSERT_EQUAL(capplan_textfile_write_summary_csv(&d, dir, &err), 0);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1",
	         path_in(dir, CAPPLAN_TEXTFILE_PROM, path, sizeof(path)));
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	CU_ASSERT_STRING_EQUAL(capplan_strbuf_str(&out), "");
	snprintf(cmd, sizeof(cmd), "promtool check rules %s 2>&1",
	         path_in(dir, CAPPLAN_TEXTFILE_RULES, path, sizeof(path)));
	CU_ASSERT_EQUAL(run(cmd, &out), 0);
	capplan_strbuf_release(&out);
	remove_dir(dir);
}

int
register_render_textfile_suite(void)
{
	CU_pSuite s = CU_add_suite("render_textfile", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "capplan.prom: promtool clean, hostile labels round-trip", test_prom) ||
	    !CU_add_test(s, "capplan.prom: label names made valid and unique, Inf, bad labels",
	                 test_prom_label_names) ||
	    !CU_add_test(s, "capacity-alerts.yml: promtool, libyaml, per-resource matchers",
	                 test_rules) ||
	    !CU_add_test(s, "capacity-alerts.yml: the alerts fire on the feed (promtool test rules)",
	                 test_rules_fire) ||
	    !CU_add_test(s, "summary.csv: libcsv reads the hostile fields back", test_summary_csv) ||
	    !CU_add_test(s, "atomic writes, a missing folder", test_atomic) ||
	    !CU_add_test(s, "no items", test_empty))
		return -1;
	return 0;
}
