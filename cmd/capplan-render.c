/*
 * cmd/capplan-render.c: write the review packet of one model run.
 *
 * Option parsing, the summary and exit statuses; the reading is in
 * lib/render/review_data.c, the writers in lib/render/.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/db.h"
#include "plan/config.h"
#include "render/pdf_packet.h"
#include "render/reprice.h"
#include "render/review_data.h"
#include "render/textfile.h"
#include "render/xlsx_budget.h"
#include "util/error.h"
#include "version.h"

static const char *progname = "capplan-render";

struct render_args {
	const char *db;
	const char *run;
	const char *out;
	const char *config;
	enum capplan_paper paper;
	enum capplan_render_part part;
	int quiet;
};

static void
usage(void)
{
	printf("%s writes the capacity review packet of a model run.\n\n", progname);
	printf("Usage:\n");
	printf("  %s [OPTION]... --out=DIR\n\n", progname);
	printf("From the assessments of one model run made with a plan (capplan-model --config), it\n"
	       "writes into DIR, each file whole or not at all:\n"
	       "  capacity-review.pdf   the quarterly review packet: summary, gauges, a chart per\n"
	       "                        resource, time to exhaustion, headroom, forecast vs actual,\n"
	       "                        scenarios, N+2, right-sizing and cost\n"
	       "  capacity-budget.xlsx  the finance workbook: budget with live formulas, forecast,\n"
	       "                        forecast vs actual, scenarios, charts\n"
	       "  capplan.prom          gauges for node_exporter's textfile collector\n"
	       "  capacity-alerts.yml   Prometheus alerting rules on those gauges\n"
	       "  summary.csv           one row per resource series, for scripts\n"
	       "With --only=forecast-vs-actual (the monthly check-in) it writes only\n"
	       "  forecast-vs-actual.pdf   a cover and the forecast-vs-actual section\n"
	       "  forecast-vs-actual.xlsx  the Forecast-vs-Actual sheet\n\n");
	printf("Options:\n");
	printf("  -o, --out=DIR              the output folder (created when missing)\n");
	printf("  -r, --run=ID|latest        the model run (default: the newest with assessments)\n");
	printf("  -c, --config=PLAN          price the run at this plan's unit costs and currency\n"
	       "                             (default: the prices of the plan the run was made with)\n");
	printf("      --paper=a4|letter      the PDF's page size (default: a4)\n");
	printf("      --only=forecast-vs-actual  write the forecast-vs-actual part alone\n");
	printf("\nConnection options:\n");
	printf("  -d, --db=CONNINFO          libpq connection string or URI (default: PG* environment)\n");
	printf("\nGeneral options:\n");
	printf("  -q, --quiet                no summary lines\n");
	printf("  -V, --version              print the version and exit\n");
	printf("  -?, --help                 show this help and exit\n");
	printf("\nExit status: 0 ok, 64 usage, 66 no assessed run or no plan file, 69 database\n"
	       "unavailable, 70 internal error, 73 cannot create output, 78 bad plan, or a resource\n"
	       "of the run missing from it.\n");
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

enum { OPT_PAPER = 256, OPT_ONLY };

static const struct option long_options[] = {
	{ "out", required_argument, NULL, 'o' },
	{ "run", required_argument, NULL, 'r' },
	{ "config", required_argument, NULL, 'c' },
	{ "paper", required_argument, NULL, OPT_PAPER },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "db", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 }
};

static int
parse_args(int argc, char **argv, struct render_args *a, int64_t *run_id, struct capplan_error *err)
{
	int c;

	a->paper = CAPPLAN_PAPER_A4;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:r:c:d:q", long_options, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'r': a->run = optarg; break;
		case 'c': a->config = optarg; break;
		case OPT_PAPER:
			if (strcmp(optarg, "a4") == 0)
				a->paper = CAPPLAN_PAPER_A4;
			else if (strcmp(optarg, "letter") == 0)
				a->paper = CAPPLAN_PAPER_LETTER;
			else
				return capplan_error_set(err, CAPPLAN_EX_USAGE, "--paper %s: expected a4 or letter",
				                         optarg);
			break;
		case OPT_ONLY:
			if (strcmp(optarg, "forecast-vs-actual") != 0)
				return capplan_error_set(err, CAPPLAN_EX_USAGE,
				                         "--only %s: expected forecast-vs-actual", optarg);
			a->part = CAPPLAN_PART_ACCURACY;
			break;
		case 'd': a->db = optarg; break;
		case 'q': a->quiet = 1; break;
		default:
			return usage_error(err, ": invalid option, or its argument is missing", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(err, ": unexpected argument", argv[optind]);
	if (!a->out || !*a->out)
		return usage_error(err, "--out is required: the folder to write the packet into", NULL);
	*run_id = 0;
	if (a->run && strcmp(a->run, "latest") != 0) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(a->run, &end, 10);
		if (errno || *end || end == a->run || v < 1)
			return capplan_error_set(err, CAPPLAN_EX_USAGE,
			                         "--run %s: expected a run id (a whole number) or latest", a->run);
		*run_id = v;
	}
	return 0;
}

/* The output folder: made when missing (its parent must exist). */
static int
make_out(const char *dir, struct capplan_error *err)
{
	struct stat st;

	if (mkdir(dir, 0755) == 0 || (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
		return 0;
	return capplan_error_set(err, CAPPLAN_EX_CANTCREAT, "%s: cannot make the output folder: %s", dir,
	                         errno == EEXIST ? "a file of that name is in the way" : strerror(errno));
}

/* The writers other than the PDF: the workbook, and for the whole review the three text files. */
struct other_writers {
	const struct capplan_review_data *d;
	const struct render_args *a;
	int rc;
	struct capplan_error err;
};

static void *
write_others(void *arg)
{
	struct other_writers *w = arg;
	const struct render_args *a = w->a;

	capplan_error_clear(&w->err);
	w->rc = capplan_xlsx_budget_write(w->d, a->out, a->part, &w->err) < 0 ||
	        (a->part == CAPPLAN_PART_REVIEW &&
	         (capplan_textfile_write_prom(w->d, a->out, &w->err) < 0 ||
	          capplan_textfile_write_alert_rules(w->d, NULL, a->out, &w->err) < 0 ||
	          capplan_textfile_write_summary_csv(w->d, a->out, &w->err) < 0)) ? -1 : 0;
	return NULL;
}

/*
 * The writers only read d and each writes files of its own: the PDF, the
 * longest, here, the others meanwhile in a thread (or after it, when no
 * thread can be had).  The first failure is reported, the PDF's first.
 */
static int
write_all(const struct capplan_review_data *d, const struct render_args *a, struct capplan_error *err)
{
	struct other_writers w = { d, a, 0, { 0 } };
	pthread_t thread;
	bool threaded = pthread_create(&thread, NULL, write_others, &w) == 0;
	int rc = capplan_pdf_packet_write(d, a->out, a->paper, a->part, err);

	if (threaded)
		pthread_join(thread, NULL);
	else if (rc == 0)
		write_others(&w);
	if (rc == 0 && w.rc < 0) {
		*err = w.err;
		rc = -1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct render_args args;
	struct capplan_review_data data;
	struct capplan_error err;
	struct capplan_db *db = NULL;
	struct capplan_plan *plan = NULL;
	int64_t run_id;
	int status = CAPPLAN_OK;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0)) {
		usage();
		return CAPPLAN_OK;
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("%s (capplan) %s\n", progname, CAPPLAN_VERSION);
		return CAPPLAN_OK;
	}
	memset(&args, 0, sizeof(args));
	memset(&data, 0, sizeof(data));
	capplan_error_clear(&err);
	if (parse_args(argc, argv, &args, &run_id, &err) < 0 || make_out(args.out, &err) < 0 ||
	    (args.config && !(plan = capplan_plan_load(args.config, &err)))) {
		status = report(&err);
		goto out;
	}
	db = capplan_db_connect(args.db, progname, &err);
	if (!db || capplan_review_data_load(db, run_id, &data, &err) < 0 ||
	    (plan && capplan_review_data_reprice(&data, plan, &err) < 0) ||
	    write_all(&data, &args, &err) < 0) {
		status = report(&err);
		goto out;
	}
	if (!args.quiet && args.part == CAPPLAN_PART_ACCURACY)
		printf("run %" PRId64 ": %zu earlier forecasts scored against actuals -> %s:"
		       " forecast-vs-actual.pdf, forecast-vs-actual.xlsx\n", data.run_id, data.naccuracy,
		       args.out);
	else if (!args.quiet)
		printf("run %" PRId64 " (%d-Q%d): %zu resource series, %zu scenario rows, %zu earlier forecasts"
		       " -> %s: capacity-review.pdf, capacity-budget.xlsx, capplan.prom, capacity-alerts.yml,"
		       " summary.csv\n", data.run_id, data.year, data.quarter, data.nitems, data.nscenarios,
		       data.naccuracy, args.out);
out:
	capplan_review_data_release(&data);
	capplan_plan_free(plan);
	capplan_db_close(db);
	return status;
}
