/*
 * lib/model/store.h: what the model stage reads from and writes to PostgreSQL.
 *
 * The model stage reads series and samples (capplan.series, capplan.samples)
 * and writes one capplan.model_runs row per invocation, and per series and
 * method a capplan.model_fits row and the forecast points
 * (capplan.forecast_points); see sql/002_model_runs.sql.
 *
 * A run's life, as lib/model/run.c drives it:
 *   capplan_store_run_begin        insert the run, 'running', and commit it; the
 *                                  session holds pg_advisory_lock(run id) from then on
 *   capplan_store_mark_interrupted earlier 'running' runs whose lock is free
 *                                  (their process died) become 'failed', 'interrupted'
 *   (BEGIN; list; read and write batches; capplan_store_run_succeeded; COMMIT)
 *   capplan_store_run_failed       after a ROLLBACK, in a statement of its own
 *
 * Samples are read in batches of series through a cursor with binary results
 * (memory bounded by the batch, not by the number of series), and results are
 * written with binary COPY (never a round trip per row).  Everything is in
 * the caller's transaction except run_begin, mark_interrupted and run_failed.
 */
#ifndef CAPPLAN_MODEL_STORE_H
#define CAPPLAN_MODEL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/select.h"
#include "series.h"
#include "util/error.h"
#include "util/strbuf.h"

/* ---- which series, which samples ---- */

/* The window of a run: samples with from_ms < ts <= to_ms, of the metrics named (all when none). */
struct capplan_series_filter {
	const char *const *metrics;
	size_t nmetrics;
	int64_t from_ms;           /* INT64_MIN: all history */
	int64_t to_ms;             /* the as-of time */
};

/*
 * Every metric of the filter names at least one series.  0, or -1 with err
 * set: CAPPLAN_EX_DATAERR naming the first metric that matches nothing (the
 * hint lists the metrics the database holds), or a database error.
 */
int capplan_store_check_metrics(struct capplan_db *db, const struct capplan_series_filter *f,
                                struct capplan_error *err);

/*
 * At least one series of the filter has a sample in the window.  0, or -1
 * with err set, saying why there is none: the database holds no history
 * (CAPPLAN_EX_NOINPUT), every sample is after the as-of time
 * (CAPPLAN_EX_DATAERR, "--as-of: no samples at or before T", the hint the
 * earliest sample), or none falls in the --history window (CAPPLAN_EX_DATAERR).
 */
int capplan_store_check_window(struct capplan_db *db, const struct capplan_series_filter *f,
                               struct capplan_error *err);

/*
 * The ids of the series of the filter with samples in the window, ascending,
 * into *ids (malloc'd; the caller frees it) and *count.  0, or -1 with err set.
 */
int capplan_store_list_series(struct capplan_db *db, const struct capplan_series_filter *f,
                              int32_t **ids, size_t *count, struct capplan_error *err);

/* The samples of a few series: those of ids[i] are ts/value[offset[i] .. offset[i + 1]). */
struct capplan_sample_batch {
	size_t count;              /* series */
	int32_t *ids;              /* count, ascending */
	size_t *offset;            /* count + 1 */
	int64_t *ts;               /* ms, ascending within a series */
	double *value;
	size_t nsamples, cap;
};

void capplan_sample_batch_init(struct capplan_sample_batch *b);
void capplan_sample_batch_release(struct capplan_sample_batch *b);

/*
 * Read the window's samples of ids[0..count) (ascending) into b, replacing
 * what it held (its memory is reused).  Needs an open transaction (a cursor
 * fetches the rows in pieces).  0, or -1 with err set.
 */
int capplan_store_read_batch(struct capplan_db *db, const struct capplan_series_filter *f,
                             const int32_t *ids, size_t count, struct capplan_sample_batch *b,
                             struct capplan_error *err);

/* ---- what a run computed for one series ---- */

/*
 * One series of a run: how it was prepared, and per method its backtest,
 * fit and forecast.  A method's row is stored as
 *   'ok'       results[i].ok: params, statistics, scores, and h forecast points;
 *   'skipped'  the series was not fitted (skip_reason: too short, constant, ...),
 *              or the method needs a seasonal period and the series has none;
 *   'failed'   otherwise, with results[i].error.
 * A constant series is skipped but still gets the naive forecast (ok, chosen).
 */
struct capplan_series_fit {
	int32_t series_id;
	int prepared;              /* the grid fields below are known */
	enum capplan_series_status status;
	char skip_reason[256];     /* "" when the series was fitted */
	int64_t step_ms;
	int months;                /* calendar grid of this many months, 0: fixed step */
	int64_t last_ms;           /* time of the last grid point; forecasts follow it */
	size_t points, filled, missing;
	size_t period;             /* seasonal period given to the methods, 0: none */
	size_t h;                  /* forecast points of every ok method */
	size_t nresults;
	struct capplan_method_result *results;   /* nresults (malloc'd) */
	int chosen;                /* index into results, or -1 */
};

/* Free the results and their forecasts; leaves fit empty.  NULL-safe on the arrays. */
void capplan_series_fit_release(struct capplan_series_fit *fit);

/* The status a result is stored with: "ok", "skipped" or "failed". */
const char *capplan_series_fit_status(const struct capplan_series_fit *fit, size_t i);

/*
 * A fit's parameters as a JSON object, appended to out: {"slope":0.5,"period":24}.
 * Names are escaped as JSON strings; values are numbers (%.17g, which reads
 * back to the same double), NaN and the infinities null.  0, or -1 when
 * memory runs out.
 */
int capplan_store_params_json(const struct capplan_fit_info *info, struct capplan_strbuf *out);

/* ---- the run ---- */

struct capplan_run_record {
	int64_t as_of_ms;
	int64_t history_ms;        /* 0: all history */
	int64_t horizon_ms;
	const struct capplan_method_desc *methods;
	size_t nmethods;
	const char *version;
	int all_forecasts;         /* store every method's forecast, not only the chosen one's */
};

/*
 * Insert the run ('running') and take pg_advisory_lock(id) for the session,
 * in a transaction of its own that is committed here: other sessions never
 * see the row without the lock held.  *run_id receives the id.  0, or -1.
 */
int capplan_store_run_begin(struct capplan_db *db, const struct capplan_run_record *rec,
                            int64_t *run_id, struct capplan_error *err);

/*
 * Mark 'failed' with message 'interrupted' every other 'running' run whose
 * advisory lock is free: the process that held it is gone.  *marked receives
 * how many.  Outside a transaction.  0, or -1.
 */
int capplan_store_mark_interrupted(struct capplan_db *db, int64_t run_id, size_t *marked,
                                   struct capplan_error *err);

/*
 * Write fits[0..count): model_fits rows and forecast points, by binary COPY:
 * the points of every method that fitted when all_forecasts, else those of
 * the chosen method only.  0, or -1.
 */
int capplan_store_write_fits(struct capplan_db *db, int64_t run_id,
                             const struct capplan_series_fit *fits, size_t count,
                             int all_forecasts, struct capplan_error *err);

/*
 * Score the chosen forecasts of every earlier succeeded run made before
 * as_of against the samples that arrived for them up to as_of (exact
 * timestamps), into capplan.accuracy as evaluated in run_id; *scored
 * receives how many (run, series) pairs.  In the run's transaction.  0, or -1.
 */
int capplan_store_accuracy(struct capplan_db *db, int64_t run_id, int64_t as_of_ms, size_t *scored,
                           struct capplan_error *err);

/* Mark the run 'succeeded' with its counts (in the run's transaction, before COMMIT).  0, or -1. */
int capplan_store_run_succeeded(struct capplan_db *db, int64_t run_id, size_t total, size_t fitted,
                                size_t skipped, struct capplan_error *err);

/*
 * Mark the run 'failed' with message, outside a transaction (after the
 * ROLLBACK), and release its advisory lock.  Best effort: the connection
 * may be gone, and then the next run marks it.  0, or -1 with err set.
 */
int capplan_store_run_failed(struct capplan_db *db, int64_t run_id, const char *message,
                             struct capplan_error *err);

/* Release the run's advisory lock (after COMMIT).  0, or -1. */
int capplan_store_run_unlock(struct capplan_db *db, int64_t run_id, struct capplan_error *err);

#endif
