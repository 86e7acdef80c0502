/*
 * cmd/capplan-model.c: fit forecasting models to the history in PostgreSQL
 * and store the forecasts.
 *
 * Option parsing, the summary and exit statuses; the work is in lib/model/run.c.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "model/registry.h"
#include "model/run.h"
#include "plan/check.h"
#include "plan/config.h"
#include "plan/model_inputs.h"
#include "plan/review_store.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timeutil.h"
#include "version.h"

static const char *progname = "capplan-model";

#define DEFAULT_HISTORY "365d"
#define DEFAULT_HORIZON "180d"
#define MAX_JOBS 256

struct model_args {
	const char *db;
	const char **metrics;
	size_t nmetrics;
	const char *as_of, *history, *horizon, *methods, *forecasts, *config;
	struct capplan_plan *plan;         /* --config, or NULL */
	struct capplan_plan_model_inputs inputs;
	int64_t as_of_ms;
	struct capplan_review_summary review;
	long long jobs;
	int check;                         /* --check: the weekly checklist, no model run */
	double growth_factor;
	int quiet;
	int progress;                      /* stderr is a terminal and not --quiet */
	int progress_shown;
};

static void
usage(void)
{
	size_t count;
	const struct capplan_method_desc *all = capplan_methods(&count);

	printf("%s fits forecasting models to the history in PostgreSQL and stores the forecasts.\n\n",
	       progname);
	printf("Usage:\n");
	printf("  %s [OPTION]...\n\n", progname);
	printf("Every series with samples in the window (all of them, or those of the metrics given)\n"
	       "is prepared on its own regular grid, every method is scored by rolling-origin\n"
	       "backtest, the best is marked chosen, and every method's scores and the chosen\n"
	       "forecast are stored, in one transaction; capplan.latest_forecast then shows them.\n\n");
	printf("Selection options:\n");
	printf("  -c, --config=PLAN          the plan (plan.yml): model its resources' usage series and\n"
	       "                             its drivers, the drivers as forest features of the\n"
	       "                             resources that name them; its history and horizon\n"
	       "                             are the defaults\n");
	printf("  -m, --metric=NAME          model the series of this metric (repeatable; default: all)\n");
	printf("      --as-of=TIME           use samples at or before TIME: RFC 3339, Unix seconds, now,\n"
	       "                             or now-DURATION (default: now)\n");
	printf("      --history=DURATION|all how far back from --as-of to look (default: %s)\n",
	       DEFAULT_HISTORY);
	printf("\nModel options:\n");
	printf("      --horizon=DURATION     how far ahead to forecast (default: %s); the points are the\n"
	       "                             horizon divided by each series' own step\n", DEFAULT_HORIZON);
	printf("      --methods=LIST         comma-separated methods to fit (default: all); the naive and\n"
	       "                             seasonal-naive baselines are always scored\n");
	printf("      --forecasts=chosen|all store the forecast points of the chosen method only\n"
	       "                             (default), or of every method that fitted\n");
	printf("  -j, --jobs=N               fit N series at once, in threads (default: 1)\n");
	printf("\nWeekly check:\n");
	printf("      --check                answer the weekly checklist from the newest assessed run,\n"
	       "                             fit nothing: anything critical or emergency, forecasts off\n"
	       "                             their intervals, surprise growth, order-by dates within 30\n"
	       "                             days; exit 0 when all is calm, 1 when something needs\n"
	       "                             attention (--quiet: print only then)\n");
	printf("      --growth-factor=F      growth per day more than F times the previous run's is a\n"
	       "                             surprise (default 2)\n");
	printf("\nConnection options:\n");
	printf("  -d, --db=CONNINFO          libpq connection string or URI (default: PG* environment)\n");
	printf("\nGeneral options:\n");
	printf("  -q, --quiet                no summary line, no progress\n");
	printf("  -V, --version              print the version and exit\n");
	printf("  -?, --help                 show this help and exit\n");
	printf("\nMethods:");
	for (size_t i = 0; i < count; i++)
		printf("%s %s", i ? "," : "", all[i].name);
	printf("\n\nExit status: 0 ok (--check: all calm), 1 --check: attention needed, 64 usage,\n"
	       "65 bad input data (an unknown metric, no samples at or before --as-of, a driver that is\n"
	       "not one series), 66 no history at all (--check: no assessed run; --config: the plan\n"
	       "cannot be read), 69 database unavailable, 70 internal error, 78 bad plan.\n");
}

static int
usage_error(struct capplan_error *err, const char *what, const char *arg)
{
	return capplan_error_usage(err, progname, what, arg);
}

/* The one place that prints a diagnostic: the error, then what to do. */
static int
report(struct model_args *a, const struct capplan_error *err)
{
	if (a->progress_shown)
		fprintf(stderr, "\n");
	a->progress_shown = 0;
	return capplan_error_report(stderr, progname, err);
}

static void
on_progress(void *ctx, size_t done, size_t total)
{
	struct model_args *a = ctx;

	if (!a->progress)
		return;
	fprintf(stderr, "\r%s: %zu/%zu series", progname, done, total);
	a->progress_shown = 1;
}

static void
print_summary(struct model_args *a, const struct capplan_model_options *o,
              const struct capplan_model_summary *s)
{
	if (a->progress_shown)
		fprintf(stderr, "\n");
	a->progress_shown = 0;
	if (a->quiet)
		return;
	printf("run %" PRId64 ": %zu series, %zu fitted, %zu skipped; chosen:", s->run_id, s->series,
	       s->fitted, s->skipped);
	for (size_t i = 0; i < o->nmethods; i++)
		printf("%s %s %zu", i ? "," : "", o->methods[i].name, s->chosen[i]);
	if (s->interrupted)
		printf("; %zu interrupted run%s marked failed", s->interrupted, s->interrupted == 1 ? "" : "s");
	if (s->accuracy_scored)
		printf("; %zu earlier forecast%s scored against actuals", s->accuracy_scored,
		       s->accuracy_scored == 1 ? "" : "s");
	printf("; %.2f s\n", s->seconds);
	if (a->plan) {
		const struct capplan_review_summary *r = &a->review;

		printf("run %" PRId64 ": %zu resource series assessed: %zu healthy, %zu warning, %zu critical,"
		       " %zu emergency, %zu unknown", s->run_id, r->assessed, r->level[0], r->level[1],
		       r->level[2], r->level[3], r->unknown);
		if (r->no_series)
			printf("; %zu resource%s with no series", r->no_series, r->no_series == 1 ? "" : "s");
		printf("\n");
	}
	fflush(stdout);
}

/* A value the parsers refused: a usage error that names its option. */
static int
bad_option(struct capplan_error *err, const char *opt)
{
	err->status = CAPPLAN_EX_USAGE;
	return capplan_error_prefix(err, "%s", opt);
}

static int
parse_jobs(const char *arg, long long *out, struct capplan_error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > MAX_JOBS)
		return capplan_error_set(err, CAPPLAN_EX_USAGE,
		                         "--jobs %s: expected a whole number from 1 to %d", arg, MAX_JOBS);
	*out = v;
	return 0;
}

enum { OPT_AS_OF = 256, OPT_HISTORY, OPT_HORIZON, OPT_METHODS, OPT_FORECASTS, OPT_CHECK,
       OPT_GROWTH_FACTOR };

/* After the forecasts, in the run's transaction: the plan's assessments. */
static int
review(void *ctx, struct capplan_db *db, int64_t run_id, struct capplan_error *err)
{
	struct model_args *a = ctx;

	return capplan_review_run(db, run_id, a->as_of_ms, a->plan, &a->review, err);
}

/* Load --config and take the metrics, drivers and defaults from it.  0, or -1 with err set. */
static int
use_plan(struct model_args *a, struct capplan_model_options *o, struct capplan_error *err)
{
	a->plan = capplan_plan_load(a->config, err);
	if (!a->plan || capplan_plan_model_inputs_init(&a->inputs, a->plan, err) < 0)
		return -1;
	if (a->nmetrics == 0) {
		o->metrics = a->inputs.metrics;
		o->nmetrics = a->inputs.nmetrics;
	}
	o->driver_metrics = a->inputs.driver_metrics;
	o->ndriver_metrics = a->inputs.ndriver_metrics;
	o->links = a->inputs.links;
	o->nlinks = a->inputs.nlinks;
	if (!a->history)
		o->history_ms = a->plan->history_ms;
	if (!a->horizon)
		o->horizon_ms = a->plan->horizon_ms;
	a->as_of_ms = o->as_of_ms;
	o->after_fits = review;
	o->after_fits_ctx = a;
	return 0;
}

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "metric", required_argument, NULL, 'm' },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "horizon", required_argument, NULL, OPT_HORIZON },
	{ "methods", required_argument, NULL, OPT_METHODS },
	{ "forecasts", required_argument, NULL, OPT_FORECASTS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "growth-factor", required_argument, NULL, OPT_GROWTH_FACTOR },
	{ "jobs", required_argument, NULL, 'j' },
	{ "db", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 }
};

/* Parse the command line into a and the run's options o.  0, or -1 with err set. */
static int
parse_args(int argc, char **argv, struct model_args *a, struct capplan_model_options *o,
           struct capplan_method_desc *methods, struct capplan_error *err)
{
	int64_t now = capplan_time_now();
	int c;

	a->jobs = 1;
	opterr = 0;   /* our own message, through report() */
	while ((c = getopt_long(argc, argv, "c:m:j:d:q", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 'm':
			if (!*optarg)
				return usage_error(err, ": empty metric name", "--metric");
			a->metrics[a->nmetrics++] = optarg;
			break;
		case OPT_AS_OF: a->as_of = optarg; break;
		case OPT_HISTORY: a->history = optarg; break;
		case OPT_HORIZON: a->horizon = optarg; break;
		case OPT_METHODS: a->methods = optarg; break;
		case OPT_FORECASTS: a->forecasts = optarg; break;
		case OPT_CHECK: a->check = 1; break;
		case OPT_GROWTH_FACTOR: {
			char *end;

			a->growth_factor = strtod(optarg, &end);
			if (*end || end == optarg || !(a->growth_factor > 1) || a->growth_factor > 1e6)
				return capplan_error_set(err, CAPPLAN_EX_USAGE,
				                         "--growth-factor %s: expected a number above 1", optarg);
			break;
		}
		case 'j':
			if (parse_jobs(optarg, &a->jobs, err) < 0)
				return -1;
			break;
		case 'd': a->db = optarg; break;
		case 'q': a->quiet = 1; break;
		default:
			return usage_error(err, ": invalid option, or its argument is missing",
			                   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(err, ": unexpected argument", argv[optind]);

	o->metrics = a->metrics;
	o->nmetrics = a->nmetrics;
	if (capplan_time_parse_relative(a->as_of ? a->as_of : "now", now, &o->as_of_ms, err) < 0)
		return bad_option(err, "--as-of");
	if (a->history && strcmp(a->history, "all") == 0)
		o->history_ms = 0;
	else if (capplan_duration_parse(a->history ? a->history : DEFAULT_HISTORY, &o->history_ms, err) < 0)
		return bad_option(err, "--history");
	if (capplan_duration_parse(a->horizon ? a->horizon : DEFAULT_HORIZON, &o->horizon_ms, err) < 0)
		return bad_option(err, "--horizon");
	if (capplan_model_methods(a->methods, methods, CAPPLAN_MODEL_MAX_METHODS, &o->nmethods, err) < 0)
		return -1;
	o->methods = methods;
	o->jobs = (unsigned)a->jobs;
	if (a->forecasts && strcmp(a->forecasts, "all") != 0 && strcmp(a->forecasts, "chosen") != 0)
		return capplan_error_set(err, CAPPLAN_EX_USAGE, "--forecasts %s: expected chosen or all",
		                         a->forecasts);
	o->all_forecasts = a->forecasts && strcmp(a->forecasts, "all") == 0;
	if (a->config && use_plan(a, o, err) < 0)
		return -1;
	o->version = CAPPLAN_VERSION;
	o->on_progress = on_progress;
	o->progress_ctx = a;
	a->progress = !a->quiet && isatty(STDERR_FILENO);
	return 0;
}

/* --check: print the checklist's answers; 0 all calm, 1 attention, or an error's status. */
static int
weekly_check(struct model_args *a, struct capplan_db *db, struct capplan_error *err)
{
	struct capplan_check check;
	int status;

	if (capplan_check_run(db, a->growth_factor, &check, err) < 0) {
		capplan_check_release(&check);
		return report(a, err);
	}
	status = capplan_check_total(&check) > 0 ? CAPPLAN_ATTENTION : CAPPLAN_OK;
	if (!a->quiet || status != CAPPLAN_OK)
		fwrite(check.report.data, 1, check.report.len, stdout);
	capplan_check_release(&check);
	return status;
}

int
main(int argc, char **argv)
{
	struct model_args args;
	struct capplan_model_options options;
	struct capplan_model_summary summary;
	struct capplan_method_desc methods[CAPPLAN_MODEL_MAX_METHODS];
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
	memset(&options, 0, sizeof(options));
	capplan_error_clear(&err);
	/* Every --metric fits: there are fewer of them than arguments. */
	args.metrics = calloc((size_t)argc, sizeof(*args.metrics));
	if (!args.metrics) {
		capplan_error_set(&err, CAPPLAN_EX_SOFTWARE, "out of memory");
		status = report(&args, &err);
		goto out;
	}
	if (parse_args(argc, argv, &args, &options, methods, &err) < 0) {
		status = report(&args, &err);
		goto out;
	}
	db = capplan_db_connect(args.db, progname, &err);
	if (!db) {
		status = report(&args, &err);
		goto out;
	}
	if (args.check) {
		status = weekly_check(&args, db, &err);
		goto out;
	}
	if (capplan_model_run(db, &options, &summary, &err) < 0) {
		status = report(&args, &err);
		goto out;
	}
	print_summary(&args, &options, &summary);
out:
	capplan_db_close(db);
	capplan_plan_model_inputs_release(&args.inputs);
	capplan_plan_free(args.plan);
	free(args.metrics);
	return status;
}
