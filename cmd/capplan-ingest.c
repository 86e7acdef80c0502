/*
 * cmd/capplan-ingest.c: load metric history into PostgreSQL.
 *
 * Option parsing, the loop over inputs, and exit statuses; the work is in lib/.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "ingest/copy_sink.h"
#include "labels.h"
#include "sources/csv_in.h"
#include "sources/prom_http.h"
#include "plan/config.h"
#include "plan/queries.h"
#include "sources/prom_json.h"
#include "util/error.h"
#include "util/timeutil.h"
#include "version.h"

static const char *progname = "capplan-ingest";

enum format { FORMAT_AUTO, FORMAT_JSON, FORMAT_CSV };

struct ingest_args {
	const char *db;
	enum format format;
	enum capplan_csv_layout layout;
	const char *metric;
	struct capplan_labels labels;
	int drop_nan;
	int quiet;
	int progress;                       /* stderr is a terminal and not --quiet */
	const char *url;
	const char *query;
	const char *start, *end, *step;
	const char *config;
	struct capplan_plan *plan;          /* --config, or NULL */
	const char *source;                 /* names the input in the summary; NULL: URL and query */
	struct capplan_prom_fetch_options fetch;
};

static void
usage(void)
{
	printf("%s loads metric history into PostgreSQL for capplan.\n\n", progname);
	printf("Usage:\n");
	printf("  %s [OPTION]... FILE...\n", progname);
	printf("  %s [OPTION]... --prometheus=URL --query=PROMQL --start=TIME [--end=TIME] [--step=DURATION]\n",
	       progname);
	printf("  %s [OPTION]... --config=PLAN [--start=TIME] [--end=TIME] [--step=DURATION]\n\n",
	       progname);
	printf("Each FILE (\"-\" for standard input) is a saved Prometheus API answer (query_range or\n"
	       "query, JSON) or a CSV export; each input is loaded in one transaction, whole or not at all.\n\n");
	printf("Input options:\n");
	printf("  -f, --format=json|csv      input format (default: from the name, else the content)\n");
	printf("      --csv-layout=auto|long|wide\n"
	       "                             long: timestamp,value rows; wide: Grafana's Time + one column per series\n");
	printf("  -m, --metric=NAME          metric name for series without __name__ and for long CSV\n");
	printf("  -l, --label=NAME=VALUE     add a label to every series (repeatable)\n");
	printf("      --drop-nan             leave NaN samples out (default: keep them, they are real values)\n");
	printf("\nPrometheus options:\n");
	printf("  -p, --prometheus=URL       base URL of the Prometheus server (http://host:9090)\n");
	printf("  -Q, --query=PROMQL         the query whose history to load\n");
	printf("      --start=TIME           RFC 3339, Unix seconds, or now-DURATION (now-395d)\n");
	printf("      --end=TIME             default: now\n");
	printf("      --step=DURATION        resolution, e.g. 1h, 5m (default: 1h)\n");
	printf("      --max-in-flight=N      requests at once (default: 2)\n");
	printf("      --max-samples=N        samples per request at most (default: 1000000)\n");
	printf("      --timeout=DURATION     per request (default: 2m)\n");
	printf("      --retries=N            on 5xx and connection errors (default: 3)\n");
	printf("      --bearer-token-file=FILE  send the file's first line as a bearer token\n");
	printf("      --cacert=FILE          CA certificates for https\n");
	printf("\nPlan options:\n");
	printf("  -c, --config=PLAN          load every query of the plan (plan.yml): its drivers, its\n"
	       "                             resources' usage and capacity, each stored under the plan's\n"
	       "                             name for it, from the plan's Prometheus (or --prometheus);\n"
	       "                             --start defaults to --end minus the plan's history, --step\n"
	       "                             to the plan's step\n");
	printf("\nConnection options:\n");
	printf("  -d, --db=CONNINFO          libpq connection string or URI (default: PG* environment)\n");
	printf("\nGeneral options:\n");
	printf("  -q, --quiet                no summary lines, no progress\n");
	printf("  -V, --version              print the version and exit\n");
	printf("  -?, --help                 show this help and exit\n");
	printf("\nExit status: 0 ok, 64 usage, 65 bad input data, 66 input missing, 69 database or\n"
	       "Prometheus unavailable, 70 internal error, 78 bad plan (or a query of it that\n"
	       "Prometheus rejects).\n");
}

static int
usage_error(struct capplan_error *err, const char *what, const char *arg)
{
	return capplan_error_usage(err, progname, what, arg);
}

/* The one place that prints a diagnostic: the error, then what to do. */
static int
report(const struct capplan_error *err)
{
	return capplan_error_report(stderr, progname, err);
}

static void
print_summary(const struct ingest_args *a, const char *source, const struct capplan_ingest_summary *s,
              int64_t started)
{
	double secs = (double)(capplan_time_now() - started) / 1000.0;

	if (a->quiet)
		return;
	printf("%s: %" PRIu64 " series, %" PRIu64 " samples new, %" PRIu64 " duplicate, %" PRIu64
	       " skipped, %.2f s\n", source, s->series, s->samples_new, s->samples_dup,
	       s->samples_skipped, secs);
	fflush(stdout);
}

static void
on_warning(void *ctx, const char *input, const char *text)
{
	const struct ingest_args *a = ctx;

	if (!a->quiet)
		fprintf(stderr, "%s: %s: warning from Prometheus: %s\n", progname, input, text);
}

static void
on_progress(void *ctx, size_t done, size_t planned, uint64_t samples)
{
	const struct ingest_args *a = ctx;

	if (a->progress)
		fprintf(stderr, "\r%s: %zu/%zu requests, %" PRIu64 " samples", progname, done, planned,
		        samples);
}

static enum format
format_of(const struct ingest_args *a, const char *path, FILE *fp)
{
	const char *dot = strrchr(path, '.');
	int c;

	if (a->format != FORMAT_AUTO)
		return a->format;
	if (dot && strcmp(dot, ".json") == 0)
		return FORMAT_JSON;
	if (dot && strcmp(dot, ".csv") == 0)
		return FORMAT_CSV;
	/* By content: a JSON answer starts with '{'.  Blank space before it is not data. */
	while ((c = getc(fp)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		;
	if (c != EOF)
		ungetc(c, fp);
	return c == '{' ? FORMAT_JSON : FORMAT_CSV;
}

static int
ingest_file(struct capplan_db *db, struct ingest_args *a, const char *path,
            struct capplan_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "(stdin)" : path;
	struct capplan_copy_sink_options so = { name, CAPPLAN_POS_LINE, a->drop_nan };
	struct capplan_ingest_summary sum;
	struct capplan_copy_sink *cs = NULL;
	int64_t started = capplan_time_now();
	struct stat st;
	FILE *fp;
	int rc = -1;

	fp = is_stdin ? stdin : fopen(path, "rb");
	if (!fp)
		return capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
	if (!is_stdin && fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: is a directory", path);
	}
	if (format_of(a, path, fp) == FORMAT_JSON) {
		struct capplan_prom_json_options jo = { a->metric, &a->labels, on_warning, a, 0 };

		so.pos_kind = CAPPLAN_POS_BYTE_OFFSET;
		cs = capplan_copy_sink_new(db, &so, err);
		if (!cs || capplan_prom_json_read(fp, name, &jo, capplan_copy_sink_sink(cs), 0, err) < 0)
			goto done;
	} else {
		struct capplan_csv_options co = { a->metric, &a->labels, a->layout };

		cs = capplan_copy_sink_new(db, &so, err);
		if (!cs || capplan_csv_read(fp, name, &co, capplan_copy_sink_sink(cs), 0, err) < 0)
			goto done;
	}
	if (capplan_copy_sink_commit(cs, &sum, err) < 0)
		goto done;
	print_summary(a, name, &sum, started);
	rc = 0;
done:
	/* A read error surfaces as EIO from the parsers; a directory as EISDIR. */
	if (rc < 0 && err->status == 0)
		capplan_error_set(err, CAPPLAN_EX_NOINPUT, "%s: read error", name);
	capplan_copy_sink_free(cs);
	if (!is_stdin)
		fclose(fp);
	return rc;
}

static int
ingest_prometheus(struct capplan_db *db, struct ingest_args *a, struct capplan_error *err)
{
	char source[1024];
	struct capplan_copy_sink_options so = { source, CAPPLAN_POS_NONE, a->drop_nan };
	struct capplan_ingest_summary sum;
	struct capplan_copy_sink *cs;
	int64_t started = capplan_time_now();
	int rc = -1;

	if (a->source)
		snprintf(source, sizeof(source), "%s", a->source);
	else
		snprintf(source, sizeof(source), "%s %s", a->url, a->query);
	cs = capplan_copy_sink_new(db, &so, err);
	if (!cs)
		return -1;
	if (capplan_prom_fetch(&a->fetch, capplan_copy_sink_sink(cs), err) < 0)
		goto done;
	if (a->progress)
		fprintf(stderr, "\n");
	if (capplan_copy_sink_commit(cs, &sum, err) < 0)
		goto done;
	print_summary(a, source, &sum, started);
	rc = 0;
done:
	if (rc < 0 && a->progress)
		fprintf(stderr, "\n");
	capplan_copy_sink_free(cs);
	return rc;
}

/*
 * Every query of the plan, each in its own transaction (a rerun loads only
 * what is new); the first failure stops, named by its place in the plan.
 */
static int
ingest_plan(struct capplan_db *db, struct ingest_args *a, struct capplan_error *err)
{
	struct capplan_plan_query *q;
	char source[256];
	size_t n;
	int rc = 0;

	if (capplan_plan_queries(a->plan, &q, &n, err) < 0)
		return -1;
	a->fetch.json.force_metric = 1;
	a->source = source;
	for (size_t i = 0; i < n && rc == 0; i++) {
		snprintf(source, sizeof(source), "%s: %s", a->config, q[i].where);
		a->fetch.query = q[i].query;
		a->fetch.json.metric = q[i].metric;
		rc = ingest_prometheus(db, a, err);
		if (rc < 0 && err->status == CAPPLAN_EX_USAGE) {
			/* a query Prometheus refused is the plan's fault, not the command line's */
			err->status = CAPPLAN_EX_CONFIG;
			capplan_error_hint(err, "fix the query in the plan");
		}
		if (rc < 0)
			capplan_error_prefix(err, "%s", source);
	}
	if (n == 0 && !a->quiet)
		printf("%s: no queries in the plan\n", a->config);
	free(q);
	return rc;
}

static int
parse_label(struct ingest_args *a, const char *arg, struct capplan_error *err)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--label %s: expected NAME=VALUE", arg);
	if (strncmp(arg, "__name__=", 9) == 0)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--label %s: use --metric for the name", arg);
	if (capplan_labels_add(&a->labels, arg, (size_t)(eq - arg), eq + 1, strlen(eq + 1), err) < 0) {
		err->status = CAPPLAN_EX_USAGE;
		return capplan_error_prefix(err, "--label %s", arg);
	}
	return 0;
}

static int
parse_count(const char *opt, const char *arg, long long min, long long *out, struct capplan_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v < min)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "%s %s: expected a whole number >= %lld", opt,
		                         arg, min);
	*out = v;
	return 0;
}

/* A value the parsers refused: a usage error that names its option. */
static int
bad_option(struct capplan_error *err, const char *opt)
{
	err->status = CAPPLAN_EX_USAGE;
	return capplan_error_prefix(err, "%s", opt);
}

/* Resolve the Prometheus options into fetch options. */
static int
prepare_fetch(struct ingest_args *a, struct capplan_error *err)
{
	int64_t now = capplan_time_now();
	struct capplan_prom_fetch_options *f = &a->fetch;

	if (!a->query && !a->plan)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--prometheus needs --query");
	if (!a->start && !a->plan)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--prometheus needs --start");
	f->url = a->url;
	f->query = a->query;
	/* The option goes in front of the parser's message: "--step: invalid duration ...". */
	if (capplan_time_parse_relative(a->end ? a->end : "now", now, &f->end_ms, err) < 0)
		return bad_option(err, "--end");
	if (!a->start)
		f->start_ms = f->end_ms - a->plan->history_ms;
	else if (capplan_time_parse_relative(a->start, now, &f->start_ms, err) < 0)
		return bad_option(err, "--start");
	if (!a->step && a->plan)
		f->step_ms = a->plan->step_ms;
	else if (capplan_duration_parse(a->step ? a->step : "1h", &f->step_ms, err) < 0)
		return bad_option(err, "--step");
	if (f->end_ms < f->start_ms)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--end is before --start");
	f->json.metric = a->metric;
	f->json.labels = &a->labels;
	f->json.on_warning = on_warning;
	f->json.warning_ctx = a;
	f->on_progress = on_progress;
	f->progress_ctx = a;
	return 0;
}

enum {
	OPT_CSV_LAYOUT = 256, OPT_DROP_NAN, OPT_START, OPT_END, OPT_STEP, OPT_IN_FLIGHT,
	OPT_MAX_SAMPLES, OPT_TIMEOUT, OPT_RETRIES, OPT_TOKEN, OPT_CACERT
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "csv-layout", required_argument, NULL, OPT_CSV_LAYOUT },
	{ "metric", required_argument, NULL, 'm' },
	{ "label", required_argument, NULL, 'l' },
	{ "drop-nan", no_argument, NULL, OPT_DROP_NAN },
	{ "prometheus", required_argument, NULL, 'p' },
	{ "query", required_argument, NULL, 'Q' },
	{ "start", required_argument, NULL, OPT_START },
	{ "end", required_argument, NULL, OPT_END },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "max-in-flight", required_argument, NULL, OPT_IN_FLIGHT },
	{ "max-samples", required_argument, NULL, OPT_MAX_SAMPLES },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "bearer-token-file", required_argument, NULL, OPT_TOKEN },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "config", required_argument, NULL, 'c' },
	{ "db", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 }
};

/* Returns 0, or -1 with err set. */
static int
parse_args(int argc, char **argv, struct ingest_args *a, struct capplan_error *err)
{
	long long n;
	int c;

	a->fetch.retries = -1;
	opterr = 0;   /* our own message, through report() */
	while ((c = getopt_long(argc, argv, "c:f:m:l:p:Q:d:q", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				a->format = FORMAT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				a->format = FORMAT_CSV;
			else
				return usage_error(err, ": expected json or csv", "--format");
			break;
		case OPT_CSV_LAYOUT:
			if (strcmp(optarg, "auto") == 0)
				a->layout = CAPPLAN_CSV_AUTO;
			else if (strcmp(optarg, "long") == 0)
				a->layout = CAPPLAN_CSV_LONG;
			else if (strcmp(optarg, "wide") == 0)
				a->layout = CAPPLAN_CSV_WIDE;
			else
				return usage_error(err, ": expected auto, long or wide", "--csv-layout");
			break;
		case 'm': a->metric = optarg; break;
		case 'l':
			if (parse_label(a, optarg, err) < 0)
				return -1;
			break;
		case OPT_DROP_NAN: a->drop_nan = 1; break;
		case 'p': a->url = optarg; break;
		case 'Q': a->query = optarg; break;
		case OPT_START: a->start = optarg; break;
		case OPT_END: a->end = optarg; break;
		case OPT_STEP: a->step = optarg; break;
		case OPT_IN_FLIGHT:
			if (parse_count("--max-in-flight", optarg, 1, &n, err) < 0)
				return -1;
			a->fetch.max_in_flight = n > 64 ? 64 : (int)n;
			break;
		case OPT_MAX_SAMPLES:
			if (parse_count("--max-samples", optarg, 1, &n, err) < 0)
				return -1;
			a->fetch.max_samples = (uint64_t)n;
			break;
		case OPT_TIMEOUT:
			if (capplan_duration_parse(optarg, &a->fetch.timeout_ms, err) < 0)
				return bad_option(err, "--timeout");
			break;
		case OPT_RETRIES:
			if (parse_count("--retries", optarg, 0, &n, err) < 0)
				return -1;
			a->fetch.retries = n > 100 ? 100 : (int)n;
			break;
		case OPT_TOKEN: a->fetch.bearer_token_file = optarg; break;
		case OPT_CACERT: a->fetch.cacert = optarg; break;
		case 'd': a->db = optarg; break;
		case 'q': a->quiet = 1; break;
		default:
			return usage_error(err, ": invalid option, or its argument is missing",
			                   argv[optind - 1]);
		}
	}
	if (a->config && (optind < argc || a->query || a->metric))
		return usage_error(err, "--config loads the plan's queries: no FILE, --query or --metric "
		                   "beside it", NULL);
	if (a->config) {
		a->plan = capplan_plan_load(a->config, err);
		if (!a->plan)
			return -1;
		if (!a->url)
			a->url = a->plan->prometheus_url;
		if (!a->url)
			return capplan_error_set(err, CAPPLAN_EX_CONFIG, "%s: no prometheus.url, and no "
			                         "--prometheus", a->config);
	}
	if (a->url && optind < argc)
		return usage_error(err, "give either files or --prometheus, not both", NULL);
	if (!a->url && optind >= argc)
		return usage_error(err, "no input: give FILE... or --prometheus", NULL);
	if (!a->url && (a->query || a->start || a->end || a->step))
		return usage_error(err, "--query, --start, --end and --step need --prometheus", NULL);
	if (a->url && prepare_fetch(a, err) < 0)
		return -1;
	a->progress = !a->quiet && isatty(STDERR_FILENO);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ingest_args args;
	struct capplan_error err;
	struct capplan_db *db = NULL;
	int status = CAPPLAN_OK;

	/* As PostgreSQL's programs do: --help and --version only as the first argument. */
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0)) {
		usage();
		return CAPPLAN_OK;
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("%s (capplan) %s\n", progname, CAPPLAN_VERSION);
		return CAPPLAN_OK;
	}
	memset(&args, 0, sizeof(args));
	capplan_labels_init(&args.labels);
	capplan_error_clear(&err);
	if (parse_args(argc, argv, &args, &err) < 0) {
		status = report(&err);
		goto out;
	}
	db = capplan_db_connect(args.db, progname, &err);
	if (!db) {
		status = report(&err);
		goto out;
	}
	if (args.plan) {
		if (ingest_plan(db, &args, &err) < 0)
			status = report(&err);
	} else if (args.url) {
		if (ingest_prometheus(db, &args, &err) < 0)
			status = report(&err);
	} else {
		for (int i = optind; i < argc; i++) {
			if (ingest_file(db, &args, argv[i], &err) < 0) {
				status = report(&err);
				break;
			}
		}
	}
out:
	capplan_db_close(db);
	capplan_labels_release(&args.labels);
	capplan_plan_free(args.plan);
	return status;
}
