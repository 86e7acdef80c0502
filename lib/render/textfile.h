/*
 * lib/render/textfile.h: the alerting feed and the summary.
 *
 * Three outputs of capplan-render, each written atomically (atomic_file.h)
 * into an output folder:
 *
 * capplan.prom: gauges in Prometheus's text exposition format, for
 * node_exporter's textfile collector (--collector.textfile.directory).  No
 * sample timestamps (the collector refuses them).  Names follow Prometheus's
 * conventions, base units only (promtool check metrics is clean; it rejects
 * a gauge named capacity_days_until_full), so times to exhaustion are
 * seconds, not days:
 *   capacity_last_run_timestamp_seconds    as_of of the model run (no labels)
 *   capacity_run_info{run_id,version}      1
 *   capacity_forecast_horizon_seconds      how far the forecasts reach (no labels)
 * and per resource series, labelled resource, service, kind, metric and the
 * series' own labels:
 *   capacity_alert_level                   0 healthy 1 warning 2 critical 3 emergency, -1 unknown
 *   capacity_assessment_info{unit,method,level,note}   1
 *   capacity_utilization_ratio             current / capacity
 *   capacity_headroom_ratio                (capacity - 30-day peak) / capacity
 *   capacity_seconds_until_warning         from as_of, by the chosen forecast
 *   capacity_seconds_until_critical        (both left out when already past)
 *   capacity_seconds_until_full
 *   capacity_full_timestamp_seconds        when it runs full (as_of + the above)
 *   capacity_order_by_timestamp_seconds    the earliest order-by date (warning,
 *                                          critical, full, N+2 nodes); may be past
 *   capacity_nodes, capacity_nodes_needed  now, and for N+redundancy at the
 *                                          forecast peak with the headroom target
 * A value that is unknown (NaN; a time that is "none": not within the
 * horizon, no order-by date; a count of -1) is left out: no sample, rather
 * than NaN, so that "capacity_full_timestamp_seconds - time() < 30 * 86400"
 * can never fire on a resource that is not running out, and the absence of
 * capacity_seconds_until_full means "not within capacity_forecast_horizon_seconds".
 * The one exception is capacity_alert_level: an unknown assessment (no recent
 * samples, say) is -1, kept below healthy so ">= 1" never fires on it, and
 * visible to the CapacityAssessmentUnknown alert.  Infinite values are
 * written +Inf / -Inf.  Values are the shortest decimal text that reads back
 * to the same double (at most 17 significant digits).
 *
 * Label values are escaped as the exposition format requires (\\, \", \n);
 * a label whose value is empty is left out (to Prometheus it is no label).
 * A series label name is made a classic Prometheus name: every character
 * outside [a-zA-Z0-9_] becomes '_' (one '_' per UTF-8 character), '_' goes in
 * front of a leading digit (or of an empty name); a name capplan uses itself
 * (alertname, kind, level, method, metric, note, resource, service, severity,
 * unit), one beginning with "__" (reserved to Prometheus) and "_" get
 * "series_" in front; a name that still equals one already on the sample gets
 * "_2", "_3"...  ({"http.status":"200","kind":"x"}: http_status="200",
 * series_kind="x".)  Two series whose label sets differ only in what this
 * changes would come out as one (promtool check metrics reports it).
 * Scraped by a node_exporter with honor_labels false (the default), series
 * labels named job or instance arrive as exported_job, exported_instance.
 *
 * capacity-alerts.yml: Prometheus alerting rules, one group "capplan", over
 * the gauges above, written with libyaml's emitter.  Every alert carries
 * level (the framework's: warning, critical, emergency) and severity:
 * critical (pages) at the emergency level, warning (a ticket) below it.
 * Bands do not overlap, so a resource series fires at most one alert per
 * question, with the same bounds as lib/plan/assess.c:
 *   CapacityExhaustion{Emergency,Critical,Warning}: runs full in < 30 days,
 *       in [30, 60), in [60, 90], counted from now (time()), not from as_of,
 *       so a feed some days old does not overstate the days left; the
 *       framework's "capacity_days_until_full < 30".  (The framework's 30/60/90
 *       days: per-resource times to exhaustion are not in the review.)
 *   CapacityUtilization{Emergency,Critical,Warning}: capacity_utilization_ratio
 *       >= the resource's emergency threshold, in [critical, emergency), in
 *       [warning, critical).  One rule per level whose expression is an "or"
 *       of one term per kind (a kind matcher: {kind="disk"} >= 0.85 < 0.95)
 *       or, for a kind whose resources do not share all three thresholds,
 *       one term per resource (kind and resource matchers).  Not one rule per
 *       kind: promtool counts rules of one name and label set as duplicates,
 *       and a rule label naming the kind would be a template (data must not
 *       become one).
 *   CapacityOrderBy: the earliest order-by date within 30 days, or passed.
 *   CapacityAssessmentUnknown: a series whose level is unknown.
 *   CapacityFeedStale: capacity_last_run_timestamp_seconds older than
 *       stale_days; CapacityFeedMissing: no feed at all.
 * Resource and kind names enter PromQL only as double-quoted strings with
 * \\ \" \n \r \t and \xNN for other control bytes; YAML quoting is libyaml's.
 *
 * summary.csv: one row per resource series, after a header row, for scripts:
 *   resource,service,kind,unit,metric,labels,level,level_utilisation,
 *   level_exhaustion,current,capacity,utilisation,headroom,days_to_full,
 *   full_at,order_by,order_by_passed,nodes,nodes_needed,nodes_to_add,
 *   growth_per_day,method,note
 * RFC 4180 quoting (a field holding a comma, a double quote, CR or LF is
 * quoted, quotes doubled), UTF-8 without a byte-order mark, rows ending in LF
 * (not CRLF: friendlier to cut and awk; every CSV reader takes both).  labels
 * is the series' label set as JSON; times RFC 3339 UTC; numbers as in
 * capplan.prom, empty when unknown (NaN, a time of 0, a count of -1);
 * order_by_passed is true or false.  Fields are data and written as they
 * are: a resource named "=SUM(...)" stays so.  Open it in a spreadsheet
 * through a text import with every column as text, not by double-clicking.
 */
#ifndef CAPPLAN_RENDER_TEXTFILE_H
#define CAPPLAN_RENDER_TEXTFILE_H

#include <stdio.h>

#include "render/review_data.h"
#include "util/error.h"

#define CAPPLAN_TEXTFILE_PROM "capplan.prom"
#define CAPPLAN_TEXTFILE_RULES "capacity-alerts.yml"
#define CAPPLAN_TEXTFILE_CSV "summary.csv"

struct capplan_textfile_rules_options {
	double stale_days;          /* CapacityFeedStale after this many days; default 8 (weekly + 1) */
	double order_within_days;   /* CapacityOrderBy this many days ahead; default 30 */
};

/* The defaults above. */
void capplan_textfile_rules_options_default(struct capplan_textfile_rules_options *o);

/*
 * Write dir/capplan.prom, dir/capacity-alerts.yml (o NULL: the defaults),
 * dir/summary.csv, each whole or not at all.  0, or -1 with err set:
 * CAPPLAN_EX_CANTCREAT naming the folder or the file (the folder missing, not
 * writable, the disk full), CAPPLAN_EX_DATAERR (capplan.prom) for an item
 * whose labels_json is not a JSON object of strings (naming the resource),
 * CAPPLAN_EX_USAGE for options that are not positive numbers of days,
 * CAPPLAN_EX_SOFTWARE for memory.  On failure the earlier file is left as it
 * was.
 */
int capplan_textfile_write_prom(const struct capplan_review_data *d, const char *dir,
                                struct capplan_error *err);
int capplan_textfile_write_alert_rules(const struct capplan_review_data *d,
                                       const struct capplan_textfile_rules_options *o,
                                       const char *dir, struct capplan_error *err);
int capplan_textfile_write_summary_csv(const struct capplan_review_data *d, const char *dir,
                                       struct capplan_error *err);

/*
 * The same contents to a stream.  0, or -1 with err set (data or memory, as
 * above); write errors on fp are left for the caller to find (ferror).
 */
int capplan_textfile_print_prom(const struct capplan_review_data *d, FILE *fp,
                                struct capplan_error *err);
int capplan_textfile_print_alert_rules(const struct capplan_review_data *d,
                                       const struct capplan_textfile_rules_options *o, FILE *fp,
                                       struct capplan_error *err);
int capplan_textfile_print_summary_csv(const struct capplan_review_data *d, FILE *fp,
                                       struct capplan_error *err);

#endif
