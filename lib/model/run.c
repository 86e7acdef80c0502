/*
 * lib/model/run.c: one capplan-model run, from the series in PostgreSQL to
 * the forecasts stored back.
 */
#include "model/run.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "model/registry.h"
#include "model/seasonal.h"
#include "series.h"
#include "util/strbuf.h"
#include "util/timeutil.h"

/* Series per batch: the first, and at most. */
#define FIRST_BATCH 16
#define MAX_BATCH 64
/* What a batch may hold, roughly: samples read, and forecast points computed (5 doubles each). */
#define SAMPLE_BUDGET ((size_t)2 * 1000 * 1000)
#define POINT_BUDGET ((size_t)1000 * 1000)
/* Calendar candidates of the seasonal period: a day, a week, a year. */
#define MAX_PERIODS 8
#define MAX_JOBS 256

static int
oom(struct capplan_error *err)
{
	return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "out of memory");
}

/* ---- methods ---- */

static void
hint_known(struct capplan_error *err)
{
	struct capplan_strbuf sb = CAPPLAN_STRBUF_INIT;
	size_t count;
	const struct capplan_method_desc *all = capplan_methods(&count);

	for (size_t i = 0; i < count; i++)
		capplan_strbuf_appendf(&sb, "%s%s", i ? ", " : "", all[i].name);
	capplan_error_hint(err, "known methods: %s", capplan_strbuf_str(&sb));
	capplan_strbuf_release(&sb);
}

int
capplan_model_methods(const char *list, struct capplan_method_desc *out, size_t max,
                      size_t *count, struct capplan_error *err)
{
	size_t nall;
	const struct capplan_method_desc *all = capplan_methods(&nall);
	unsigned char wanted[CAPPLAN_MODEL_MAX_METHODS] = { 0 };
	const char *p = list;

	*count = 0;
	if (nall > CAPPLAN_MODEL_MAX_METHODS)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "%zu methods: at most %d are supported",
		                         nall, CAPPLAN_MODEL_MAX_METHODS);
	for (size_t i = 0; i < nall; i++)
		wanted[i] = !list || all[i].baseline;
	while (list) {
		size_t len = strcspn(p, ",");
		char q[CAPPLAN_QUOTE_BUFSZ];
		size_t i;

		for (i = 0; i < nall; i++)
			if (strlen(all[i].name) == len && strncmp(all[i].name, p, len) == 0)
				break;
		if (len == 0) {
			capplan_error_set(err, CAPPLAN_EX_USAGE, "--methods: empty method name in \"%s\"",
			                  capplan_quote(q, sizeof(q), list, strlen(list)));
			hint_known(err);
			return -1;
		}
		if (i == nall) {
			capplan_error_set(err, CAPPLAN_EX_USAGE, "--methods: unknown method \"%s\"",
			                  capplan_quote(q, sizeof(q), p, len));
			hint_known(err);
			return -1;
		}
		wanted[i] = 1;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	for (size_t i = 0; i < nall; i++) {
		if (!wanted[i])
			continue;
		if (*count == max)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "too many methods");
		out[(*count)++] = all[i];
	}
	return 0;
}

/* ---- the seasonal period ---- */

/*
 * Autocorrelation at lag of the first differences d[i] = y[i + 1] - y[i]:
 * sum of (d[i] - mean)(d[i + lag] - mean) over the pairs where both are
 * defined, over the sum of squares of all defined d (the usual estimator,
 * which weighs a lag by how much of the series it spans).  NaN when the
 * differences do not vary.
 */
static double
diff_autocorrelation(const double *y, size_t n, size_t lag, double mean, double ss)
{
	double sum = 0;

	if (!(ss > 0) || n < lag + 2)
		return NAN;
	for (size_t i = 0; i + 1 + lag < n; i++) {
		double a = y[i + 1] - y[i], b = y[i + lag + 1] - y[i + lag];

		if (isnan(a) || isnan(b))
			continue;
		sum += (a - mean) * (b - mean);
	}
	return sum / ss;
}

size_t
capplan_model_period(const double *y, size_t n, int64_t step_ms)
{
	size_t cand[MAX_PERIODS], ncand, best = 0;
	double mean = 0, ss = 0, best_r = NAN;
	size_t count = 0;

	ncand = capplan_seasonal_periods(step_ms, n, cand, MAX_PERIODS);
	if (ncand == 0)
		return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		double d = y[i + 1] - y[i];

		if (!isnan(d)) {
			mean += d;
			count++;
		}
	}
	if (count > 0) {
		mean /= (double)count;
		for (size_t i = 0; i + 1 < n; i++) {
			double d = y[i + 1] - y[i];

			if (!isnan(d))
				ss += (d - mean) * (d - mean);
		}
	}
	for (size_t k = 0; k < ncand; k++) {
		double r = diff_autocorrelation(y, n, cand[k], mean, ss);

		if (!isnan(r) && (isnan(best_r) || r > best_r)) {
			best_r = r;
			best = k;
		}
	}
	return cand[best];
}

uint64_t
capplan_model_seed(int32_t series_id)
{
	/* splitmix64 (Steele, Lea and Flood 2014): neighbouring ids give unrelated seeds */
	uint64_t z = (uint64_t)(uint32_t)series_id + UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* ---- one series ---- */

/* The naive baseline: the one method that needs nothing but a last value. */
static int
naive_index(const struct capplan_model_config *cfg)
{
	for (size_t i = 0; i < cfg->nmethods; i++)
		if (cfg->methods[i].baseline && !cfg->methods[i].needs_period)
			return (int)i;
	return -1;
}

/* A forecast that is not h finite points is a failure of its method, not a number to store. */
static void
check_forecasts(struct capplan_series_fit *fit, size_t h)
{
	for (size_t i = 0; i < fit->nresults; i++) {
		struct capplan_method_result *r = &fit->results[i];
		size_t k = 0;

		if (!r->ok)
			continue;
		if (r->forecast.h == h)
			while (k < h && isfinite(r->forecast.yhat[k]))
				k++;
		if (r->forecast.h == h && k == h)
			continue;
		if (r->forecast.h != h)
			snprintf(r->error, sizeof(r->error), "gave %zu forecast points, not %zu",
			         r->forecast.h, h);
		else
			snprintf(r->error, sizeof(r->error), "forecast is not finite at step %zu", k + 1);
		capplan_forecast_release(&r->forecast);
		r->ok = 0;
	}
}

/* The lowest mean MASE among the methods that fitted; else the naive; else the first that fitted. */
static int
choose(const struct capplan_model_config *cfg, const struct capplan_series_fit *fit)
{
	int best = -1, naive = naive_index(cfg);

	for (size_t i = 0; i < fit->nresults; i++) {
		const struct capplan_method_result *r = &fit->results[i];

		if (r->ok && !isnan(r->mase) && (best < 0 || r->mase < fit->results[best].mase))
			best = (int)i;
	}
	if (best >= 0)
		return best;
	if (naive >= 0 && fit->results[naive].ok)
		return naive;
	for (size_t i = 0; i < fit->nresults; i++)
		if (fit->results[i].ok)
			return (int)i;
	return -1;
}

static void
skip(struct capplan_series_fit *fit, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
skip(struct capplan_series_fit *fit, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fit->skip_reason, sizeof(fit->skip_reason), fmt, ap);
	va_end(ap);
}

/* A constant series: the naive forecast, chosen, and every other method skipped. */
static int
fit_constant(const struct capplan_model_config *cfg, const struct capplan_series *s,
             struct capplan_series_fit *fit, size_t h, struct capplan_error *err)
{
	int naive = naive_index(cfg);
	double value = NAN;
	struct capplan_fit_input in = { s->y, s->n, s->start_ms, s->step_ms, 0,
	                                capplan_model_seed(fit->series_id), NULL, 0, s->months };
	struct capplan_error ferr;
	struct capplan_method_result *r;

	for (size_t i = 0; i < s->n && isnan(value); i++)
		value = s->y[i];
	skip(fit, "constant: every value is %.17g", value);
	if (naive < 0)
		return 0;
	r = &fit->results[naive];
	capplan_error_clear(&ferr);
	if (r->method->fit(&in, h, &r->forecast, &r->info, &ferr) < 0) {
		if (ferr.status == CAPPLAN_EX_SOFTWARE)
			return capplan_error_set(err, ferr.status, "%s: %s", r->method->name, ferr.msg);
		snprintf(r->error, sizeof(r->error), "%s", ferr.msg);
		return 0;
	}
	r->ok = 1;
	check_forecasts(fit, h);
	fit->chosen = r->ok ? naive : -1;
	return 0;
}

static int
cmp_uses(const void *key, const void *elem)
{
	int32_t id = *(const int32_t *)key;
	int32_t other = ((const struct capplan_series_drivers *)elem)->series_id;

	return (id > other) - (id < other);
}

/*
 * The driver features of a series, if the plan gives it drivers: one array
 * of s->n + h values per driver, on the series' grid, in *values (one block;
 * the caller frees it) with the row pointers in *rows.  0 (*count 0 when the
 * series has no drivers), or -1 when memory runs out.
 */
static int
driver_features(const struct capplan_model_config *cfg, int32_t series_id,
                const struct capplan_series *s, size_t h, double **values, double ***rows,
                size_t *count, struct capplan_error *err)
{
	const struct capplan_series_drivers *u = NULL;
	size_t total = s->n + h;

	*values = NULL;
	*rows = NULL;
	*count = 0;
	if (cfg->nuses > 0)
		u = bsearch(&series_id, cfg->uses, cfg->nuses, sizeof(*cfg->uses), cmp_uses);
	if (!u || u->ndrivers == 0)
		return 0;
	*values = malloc(u->ndrivers * total * sizeof(double));
	*rows = malloc(u->ndrivers * sizeof(double *));
	if (!*values || !*rows) {
		free(*values);
		free(*rows);
		*values = NULL;
		*rows = NULL;
		return oom(err);
	}
	for (size_t k = 0; k < u->ndrivers; k++) {
		(*rows)[k] = *values + k * total;
		capplan_driver_path_sample(&cfg->drivers[u->drivers[k]], s->start_ms, s->step_ms, s->months,
		                           (*rows)[k], total);
	}
	*count = u->ndrivers;
	return 0;
}

int
capplan_model_fit_series(const struct capplan_model_config *cfg, int32_t series_id,
                         const int64_t *ts, const double *values, size_t n,
                         struct capplan_series_fit *out, struct capplan_error *err)
{
	struct capplan_series s;
	struct capplan_error perr;
	struct capplan_fit_input in;
	char step[CAPPLAN_DURATION_BUFSZ];
	double *driver_values = NULL, **driver_rows = NULL;
	size_t ndrivers = 0;
	uint64_t h;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->series_id = series_id;
	out->chosen = -1;
	out->results = calloc(cfg->nmethods ? cfg->nmethods : 1, sizeof(*out->results));
	if (!out->results)
		return oom(err);
	out->nresults = cfg->nmethods;
	for (size_t i = 0; i < cfg->nmethods; i++) {
		struct capplan_method_result *r = &out->results[i];

		r->method = &cfg->methods[i];
		r->mase = r->coverage80 = r->coverage95 = NAN;
		capplan_fit_info_init(&r->info);
	}
	if (n == 0) {
		skip(out, "no samples in the window");
		return 0;
	}
	capplan_error_clear(&perr);
	if (capplan_series_prepare(ts, values, n, NULL, &s, &perr) < 0) {
		if (perr.status == CAPPLAN_EX_SOFTWARE)
			return capplan_error_set(err, perr.status, "%s", perr.msg);
		skip(out, "cannot be put on a grid: %s", perr.msg);
		return 0;
	}
	out->prepared = 1;
	out->status = s.status;
	out->step_ms = s.step_ms;
	out->months = s.months;
	out->last_ms = capplan_grid_time(s.start_ms, s.step_ms, s.months, (int64_t)s.n - 1);
	out->points = s.n;
	out->filled = s.filled;
	out->missing = s.missing;
	capplan_duration_format(s.step_ms, step);
	h = (uint64_t)(cfg->horizon_ms / s.step_ms);
	if (s.status == CAPPLAN_SERIES_TOO_SHORT) {
		skip(out, "too short: %zu points with a value", s.observed);
	} else if (h == 0) {
		skip(out, "the horizon is shorter than the series' step (%s)", step);
	} else if (h > CAPPLAN_MODEL_MAX_HORIZON_POINTS) {
		skip(out, "the horizon is %llu steps of %s: more than %d", (unsigned long long)h, step,
		     CAPPLAN_MODEL_MAX_HORIZON_POINTS);
	} else if (s.status == CAPPLAN_SERIES_CONSTANT) {
		out->h = (size_t)h;
		rc = fit_constant(cfg, &s, out, (size_t)h, err);
	} else {
		out->h = (size_t)h;
		out->period = capplan_model_period(s.y, s.n, s.step_ms);
		rc = driver_features(cfg, series_id, &s, (size_t)h, &driver_values, &driver_rows, &ndrivers,
		                     err);
		in = (struct capplan_fit_input){ s.y, s.n, s.start_ms, s.step_ms, out->period,
		                                 capplan_model_seed(series_id),
		                                 (const double *const *)driver_rows, ndrivers, s.months };
		if (rc == 0)
			rc = capplan_select(&in, (size_t)h, cfg->methods, cfg->nmethods, NULL, out->results,
			                    &out->chosen, err);
		if (rc == 0) {
			check_forecasts(out, (size_t)h);
			out->chosen = choose(cfg, out);
		}
	}
	free(driver_rows);
	free(driver_values);
	capplan_series_release(&s);
	return rc;
}

/* ---- the worker pool ---- */

struct job {
	int32_t id;
	size_t first, n;                 /* its samples in the batch */
	struct capplan_series_fit fit;
	int rc;
	struct capplan_error err;
};

struct batch {
	struct capplan_sample_batch samples;
	struct job *jobs;
	size_t count;
	size_t next;                     /* next job to hand out */
	size_t remaining;                /* jobs not finished */
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work;             /* a batch was queued, or stop */
	pthread_cond_t done;             /* a batch was finished */
	struct batch *queue[2];
	size_t nqueue;
	int stop;
	const struct capplan_model_config *cfg;
	pthread_t *threads;
	size_t nthreads;
};

static void
run_job(const struct capplan_model_config *cfg, struct batch *b, struct job *j)
{
	capplan_error_clear(&j->err);
	j->rc = capplan_model_fit_series(cfg, j->id, b->samples.ts + j->first,
	                                 b->samples.value + j->first, j->n, &j->fit, &j->err);
}

/* A job to do, under the lock: the first not handed out of the queued batches. */
static struct batch *
next_job(struct pool *p, size_t *index)
{
	for (size_t q = 0; q < p->nqueue; q++) {
		struct batch *b = p->queue[q];

		if (b->next < b->count) {
			*index = b->next++;
			return b;
		}
	}
	return NULL;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = NULL;
		size_t i = 0;

		while (!p->stop && !(b = next_job(p, &i)))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		pthread_mutex_unlock(&p->mu);
		run_job(p->cfg, b, &b->jobs[i]);
		pthread_mutex_lock(&p->mu);
		if (--b->remaining == 0)
			pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int
pool_start(struct pool *p, const struct capplan_model_config *cfg, unsigned jobs,
           struct capplan_error *err)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot create a mutex");
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->threads = calloc(jobs, sizeof(*p->threads));
	if (!p->threads)
		return oom(err);
	for (unsigned i = 0; i < jobs; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "cannot start worker thread %u", i + 1);
		p->nthreads++;
	}
	return 0;
}

/* Stop the workers (each finishes the series in hand) and wait for them. */
static void
pool_stop(struct pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	memset(p, 0, sizeof(*p));
}

static void
pool_submit(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->next = 0;
	b->remaining = b->count;
	p->queue[p->nqueue++] = b;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* Wait until every job of b (the oldest queued batch) is done, and take it off the queue. */
static void
pool_wait(struct pool *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	while (b->remaining > 0)
		pthread_cond_wait(&p->done, &p->mu);
	for (size_t q = 0; q < p->nqueue; q++)
		if (p->queue[q] == b) {
			memmove(&p->queue[q], &p->queue[q + 1], (p->nqueue - q - 1) * sizeof(p->queue[0]));
			p->nqueue--;
			break;
		}
	pthread_mutex_unlock(&p->mu);
}

/* ---- batches ---- */

static void
batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->count; i++)
		capplan_series_fit_release(&b->jobs[i].fit);
	free(b->jobs);
	b->jobs = NULL;
	b->count = 0;
}

/* Read the samples of ids[0..count) and make a job of each series. */
static int
batch_read(struct capplan_db *db, const struct capplan_series_filter *f, const int32_t *ids,
           size_t count, struct batch *b, struct capplan_error *err)
{
	batch_clear(b);
	if (capplan_store_read_batch(db, f, ids, count, &b->samples, err) < 0)
		return -1;
	b->jobs = calloc(count, sizeof(*b->jobs));
	if (!b->jobs)
		return oom(err);
	for (size_t i = 0; i < count; i++) {
		b->jobs[i].id = ids[i];
		b->jobs[i].first = b->samples.offset[i];
		b->jobs[i].n = b->samples.offset[i + 1] - b->samples.offset[i];
		b->jobs[i].fit.chosen = -1;
	}
	b->count = count;
	return 0;
}

/* The size of the next batch, from the largest series and forecast seen so far. */
static size_t
next_batch_size(size_t max_samples, size_t max_points, unsigned jobs)
{
	size_t size = MAX_BATCH;

	if (max_samples > 0 && SAMPLE_BUDGET / max_samples < size)
		size = SAMPLE_BUDGET / max_samples;
	if (max_points > 0 && POINT_BUDGET / max_points < size)
		size = POINT_BUDGET / max_points;
	/* never fewer than the workers can take at once */
	if (size < jobs)
		size = jobs;
	return size ? size : 1;
}

static double
monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the run ---- */

struct run_state {
	struct capplan_db *db;
	const struct capplan_model_options *o;
	struct capplan_model_summary *sum;
	struct capplan_series_filter filter;
	struct capplan_model_config cfg;
	struct pool pool;
	int pool_started;
	struct batch batches[2];
	int32_t *ids;
	size_t nids;
	size_t max_samples, max_points;
	/* drivers: their fitted paths, and which series use which */
	struct capplan_driver_path *paths;
	size_t npaths;
	int32_t *driver_ids;               /* per options->driver_metrics */
	struct capplan_series_drivers *uses;
	size_t nuses;
};

/* Store a finished batch and count it. */
static int
batch_store(struct run_state *st, struct batch *b, struct capplan_error *err)
{
	struct capplan_series_fit *fits;
	int rc;

	for (size_t i = 0; i < b->count; i++) {
		const struct job *j = &b->jobs[i];

		if (j->rc < 0) {
			*err = j->err;
			return capplan_error_prefix(err, "series %d", (int)j->id);
		}
	}
	fits = malloc((b->count ? b->count : 1) * sizeof(*fits));
	if (!fits)
		return oom(err);
	for (size_t i = 0; i < b->count; i++)
		fits[i] = b->jobs[i].fit;
	rc = capplan_store_write_fits(st->db, st->sum->run_id, fits, b->count, st->o->all_forecasts,
	                              err);
	free(fits);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < b->count; i++) {
		const struct capplan_series_fit *fit = &b->jobs[i].fit;
		size_t n = b->jobs[i].n, points = fit->h * st->cfg.nmethods;

		if (fit->chosen >= 0)
			st->sum->chosen[fit->chosen]++;
		if (fit->chosen >= 0 && !fit->skip_reason[0])
			st->sum->fitted++;
		else
			st->sum->skipped++;
		if (n > st->max_samples)
			st->max_samples = n;
		if (points > st->max_points)
			st->max_points = points;
	}
	return 0;
}

/* ---- drivers ---- */

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_uses_entries(const void *a, const void *b)
{
	return cmp_i32(&((const struct capplan_series_drivers *)a)->series_id,
	               &((const struct capplan_series_drivers *)b)->series_id);
}

/* The ids of the series of one metric with samples in the run's window. */
static int
series_of_metric(struct run_state *st, const char *metric, int32_t **ids, size_t *count,
                 struct capplan_error *err)
{
	struct capplan_series_filter f = st->filter;
	const char *one[1] = { metric };

	f.metrics = one;
	f.nmetrics = 1;
	return capplan_store_list_series(st->db, &f, ids, count, err);
}

static int
is_driver(const struct run_state *st, int32_t id)
{
	for (size_t k = 0; k < st->o->ndriver_metrics; k++)
		if (st->driver_ids[k] == id)
			return 1;
	return 0;
}

/*
 * Find the one series of each driver metric, and the series that use them,
 * before the run is recorded: a driver metric with no series in the window,
 * or with several (a driver is one series: aggregate it in its query), is
 * bad input, like an unknown --metric.
 */
static int
resolve_drivers(struct run_state *st, struct capplan_error *err)
{
	const struct capplan_model_options *o = st->o;
	int32_t *ids = NULL;
	size_t count = 0, cap = 0;

	st->driver_ids = calloc(o->ndriver_metrics, sizeof(*st->driver_ids));
	if (!st->driver_ids)
		return oom(err);
	for (size_t k = 0; k < o->ndriver_metrics; k++) {
		if (series_of_metric(st, o->driver_metrics[k], &ids, &count, err) < 0)
			return -1;
		if (count != 1) {
			free(ids);
			capplan_error_set(err, CAPPLAN_EX_DATAERR,
			                  "driver metric \"%s\": %zu series with samples in the window", 
			                  o->driver_metrics[k], count);
			return capplan_error_hint(err, "a driver must be one series: aggregate it in its "
			                          "query, e.g. sum(...)");
		}
		st->driver_ids[k] = ids[0];
		free(ids);
	}
	for (size_t j = 0; j < o->nlinks; j++) {
		const struct capplan_model_link *l = &o->links[j];

		if (l->ndrivers == 0)
			continue;
		if (series_of_metric(st, l->metric, &ids, &count, err) < 0)
			return -1;
		for (size_t i = 0; i < count; i++) {
			if (is_driver(st, ids[i]))
				continue;   /* a driver's own forest does without the others */
			if (st->nuses == cap) {
				size_t ncap = cap ? 2 * cap : 16;
				struct capplan_series_drivers *u = realloc(st->uses, ncap * sizeof(*u));

				if (!u) {
					free(ids);
					return oom(err);
				}
				st->uses = u;
				cap = ncap;
			}
			st->uses[st->nuses++] = (struct capplan_series_drivers){ ids[i], l->drivers,
			                                                         l->ndrivers };
		}
		free(ids);
	}
	/* by series id, and a series named by two links keeps the first */
	if (st->nuses > 1) {
		size_t kept = 1;

		qsort(st->uses, st->nuses, sizeof(*st->uses), cmp_uses_entries);
		for (size_t i = 1; i < st->nuses; i++)
			if (st->uses[i].series_id != st->uses[kept - 1].series_id)
				st->uses[kept++] = st->uses[i];
		st->nuses = kept;
	}
	return 0;
}

/* The path of a fitted driver series: its grid and its chosen forecast. */
static int
driver_path(const struct batch *b, const struct job *j, struct capplan_driver_path *p,
            struct capplan_error *err)
{
	const struct capplan_series_fit *fit = &j->fit;
	const struct capplan_method_result *r = fit->chosen >= 0 ? &fit->results[fit->chosen] : NULL;
	struct capplan_series s;
	struct capplan_error perr;
	int rc;

	memset(p, 0, sizeof(*p));
	if (j->n == 0)
		return 0;   /* no path: the forest's driver feature is NaN, its rows unused */
	capplan_error_clear(&perr);
	if (capplan_series_prepare(b->samples.ts + j->first, b->samples.value + j->first, j->n, NULL,
	                           &s, &perr) < 0) {
		if (perr.status != CAPPLAN_EX_SOFTWARE)
			return 0;
		*err = perr;
		return -1;
	}
	rc = capplan_driver_path_init(p, &s, r && r->ok ? r->forecast.yhat : NULL,
	                              r && r->ok ? r->forecast.h : 0, err);
	capplan_series_release(&s);
	return rc;
}

/*
 * Fit the driver series before the others (in this thread: they are few),
 * store them like any series, keep their paths for the forests of the
 * series that use them, and take them out of the list still to do.
 */
static int
fit_drivers(struct run_state *st, struct capplan_error *err)
{
	size_t n = st->o->ndriver_metrics, kept = 0;
	int32_t *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct batch *b = &st->batches[0];
	int rc = -1;

	if (!sorted)
		return oom(err);
	memcpy(sorted, st->driver_ids, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_i32);
	/* two driver metrics naming one series: fitted once */
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || sorted[i] != sorted[kept - 1])
			sorted[kept++] = sorted[i];
	st->paths = calloc(n ? n : 1, sizeof(*st->paths));
	if (!st->paths) {
		oom(err);
		goto done;
	}
	st->npaths = n;
	if (batch_read(st->db, &st->filter, sorted, kept, b, err) < 0)
		goto done;
	for (size_t i = 0; i < b->count; i++)
		run_job(&st->cfg, b, &b->jobs[i]);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < b->count; i++)
			if (b->jobs[i].id == st->driver_ids[k] && b->jobs[i].rc == 0 &&
			    driver_path(b, &b->jobs[i], &st->paths[k], err) < 0)
				goto done;
	if (batch_store(st, b, err) < 0)
		goto done;
	batch_clear(b);
	/* the rest of the run without them */
	{
		size_t left = 0;

		for (size_t i = 0; i < st->nids; i++)
			if (!bsearch(&st->ids[i], sorted, kept, sizeof(*sorted), cmp_i32))
				st->ids[left++] = st->ids[i];
		st->sum->series = left + kept;
		st->nids = left;
	}
	st->cfg.drivers = st->paths;
	st->cfg.ndrivers = st->npaths;
	st->cfg.uses = st->uses;
	st->cfg.nuses = st->nuses;
	rc = 0;
done:
	free(sorted);
	return rc;
}

static void
drivers_release(struct run_state *st)
{
	for (size_t k = 0; k < st->npaths; k++)
		capplan_driver_path_release(&st->paths[k]);
	free(st->paths);
	free(st->driver_ids);
	free(st->uses);
}

/*
 * Read, fit and store every series.  Two batches are in flight: while the
 * workers fit one, this thread reads the next and then stores the one before.
 */
static int
fit_all(struct run_state *st, struct capplan_error *err)
{
	size_t pos = 0, done = 0, take;
	int cur = 0;

	take = st->nids < FIRST_BATCH ? st->nids : FIRST_BATCH;
	if (batch_read(st->db, &st->filter, st->ids, take, &st->batches[0], err) < 0)
		return -1;
	pos = take;
	pool_submit(&st->pool, &st->batches[0]);
	while (st->batches[cur].count > 0) {
		struct batch *b = &st->batches[cur], *next = &st->batches[1 - cur];

		if (pos < st->nids) {
			take = next_batch_size(st->max_samples, st->max_points, st->o->jobs);
			if (take > st->nids - pos)
				take = st->nids - pos;
			if (batch_read(st->db, &st->filter, st->ids + pos, take, next, err) < 0)
				return -1;
			pos += take;
			pool_submit(&st->pool, next);
		}
		pool_wait(&st->pool, b);
		if (batch_store(st, b, err) < 0)
			return -1;
		done += b->count;
		batch_clear(b);
		if (st->o->on_progress)
			st->o->on_progress(st->o->progress_ctx, done, st->nids);
		cur = 1 - cur;
	}
	return 0;
}

static int
run_transaction(struct run_state *st, struct capplan_error *err)
{
	/* One snapshot for the whole run: samples that arrive meanwhile do not mix in. */
	if (capplan_db_exec(st->db, "begin the run's transaction",
	                    "BEGIN ISOLATION LEVEL REPEATABLE READ", err) < 0 ||
	    capplan_store_list_series(st->db, &st->filter, &st->ids, &st->nids, err) < 0)
		return -1;
	st->sum->series = st->nids;
	if (st->nids == 0)
		return capplan_error_set(err, CAPPLAN_EX_DATAERR,
		                         "database: the series of the window were deleted meanwhile");
	if (st->o->ndriver_metrics > 0 && fit_drivers(st, err) < 0)
		return -1;
	if (pool_start(&st->pool, &st->cfg, st->o->jobs, err) < 0) {
		st->pool_started = 1;
		return -1;
	}
	st->pool_started = 1;
	if (st->nids > 0 && fit_all(st, err) < 0)
		return -1;
	pool_stop(&st->pool);
	st->pool_started = 0;
	if (capplan_store_accuracy(st->db, st->sum->run_id, st->o->as_of_ms, &st->sum->accuracy_scored,
	                           err) < 0)
		return -1;
	if (st->o->after_fits && st->o->after_fits(st->o->after_fits_ctx, st->db, st->sum->run_id, err) < 0)
		return -1;
	if (capplan_store_run_succeeded(st->db, st->sum->run_id, st->nids, st->sum->fitted,
	                                st->sum->skipped, err) < 0 ||
	    capplan_db_commit(st->db, err) < 0)
		return -1;
	return 0;
}

int
capplan_model_run(struct capplan_db *db, const struct capplan_model_options *o,
                  struct capplan_model_summary *sum, struct capplan_error *err)
{
	struct run_state st;
	struct capplan_run_record rec;
	struct capplan_error ignored;
	double started = monotonic_seconds();
	int rc = -1;

	memset(sum, 0, sizeof(*sum));
	memset(&st, 0, sizeof(st));
	if (o->nmethods == 0 || o->nmethods > CAPPLAN_MODEL_MAX_METHODS || o->jobs == 0 ||
	    o->jobs > MAX_JOBS || o->horizon_ms <= 0)
		return capplan_error_set(err, CAPPLAN_EX_SOFTWARE, "model run: bad options");
	/* Methods report GSL failures through return codes; GSL must not abort the process. */
	gsl_set_error_handler_off();
	st.db = db;
	st.o = o;
	st.sum = sum;
	st.filter.metrics = o->metrics;
	st.filter.nmetrics = o->nmetrics;
	st.filter.to_ms = o->as_of_ms;
	st.filter.from_ms = o->history_ms > 0 && o->as_of_ms - CAPPLAN_TIME_MIN_MS > o->history_ms
	                    ? o->as_of_ms - o->history_ms : INT64_MIN;
	st.cfg.methods = o->methods;
	st.cfg.nmethods = o->nmethods;
	st.cfg.horizon_ms = o->horizon_ms;
	capplan_sample_batch_init(&st.batches[0].samples);
	capplan_sample_batch_init(&st.batches[1].samples);

	/*
	 * JIT compilation costs more than it saves on the short, simple queries
	 * of a run (a few hundred ms for every batch read).  Then bad input is
	 * found before anything is recorded.
	 */
	if (capplan_db_exec(db, "configure the session", "SET jit = off", err) < 0 ||
	    capplan_store_check_metrics(db, &st.filter, err) < 0 ||
	    capplan_store_check_window(db, &st.filter, err) < 0 ||
	    (o->ndriver_metrics > 0 && resolve_drivers(&st, err) < 0))
		goto out;
	rec.as_of_ms = o->as_of_ms;
	rec.history_ms = o->history_ms;
	rec.horizon_ms = o->horizon_ms;
	rec.methods = o->methods;
	rec.nmethods = o->nmethods;
	rec.version = o->version ? o->version : "";
	rec.all_forecasts = o->all_forecasts;
	if (capplan_store_run_begin(db, &rec, &sum->run_id, err) < 0)
		goto out;
	if (capplan_store_mark_interrupted(db, sum->run_id, &sum->interrupted, err) < 0 ||
	    run_transaction(&st, err) < 0) {
		if (st.pool_started)
			pool_stop(&st.pool);
		capplan_db_rollback(db);
		capplan_store_run_failed(db, sum->run_id, err->msg, &ignored);
		goto out;
	}
	capplan_store_run_unlock(db, sum->run_id, &ignored);
	rc = 0;
out:
	batch_clear(&st.batches[0]);
	batch_clear(&st.batches[1]);
	capplan_sample_batch_release(&st.batches[0].samples);
	capplan_sample_batch_release(&st.batches[1].samples);
	free(st.ids);
	drivers_release(&st);
	sum->seconds = monotonic_seconds() - started;
	return rc;
}
