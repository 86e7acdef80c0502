-- 005: forecast against actual.  Every model run scores the chosen forecasts
-- of the earlier succeeded runs against the samples that have arrived for
-- their horizons up to its own as_of (lib/model/store.c), in its transaction;
-- the view capplan.forecast_accuracy shows, per earlier run and series, the
-- newest such evaluation.  Forecast and sample meet on the same timestamp:
-- Prometheus loads on a fixed step (capplan-ingest aligns the range to it)
-- land on the forecast's grid.

CREATE TABLE IF NOT EXISTS capplan.accuracy (
    evaluated_in    bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    run_id          bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    series_id       integer NOT NULL,
    method          text NOT NULL,
    points          integer NOT NULL,       -- forecast points with an actual
    first_ts        timestamptz NOT NULL,
    last_ts         timestamptz NOT NULL,
    mae             double precision,
    mape            double precision,       -- mean |actual - forecast| / |actual|, actuals of 0 left out
    bias            double precision,       -- mean (forecast - actual): > 0 over-forecast
    coverage80      double precision,       -- share of actuals inside the 80% interval
    coverage95      double precision,
    PRIMARY KEY (evaluated_in, run_id, series_id)
);

CREATE OR REPLACE VIEW capplan.forecast_accuracy AS
    SELECT DISTINCT ON (a.run_id, a.series_id)
           s.metric, s.labels, a.run_id, r.as_of AS forecast_as_of, a.method, a.points,
           a.first_ts, a.last_ts, a.mae, a.mape, a.bias, a.coverage80, a.coverage95,
           a.evaluated_in, e.as_of AS evaluated_as_of
    FROM capplan.accuracy a
    JOIN capplan.model_runs r ON r.id = a.run_id
    JOIN capplan.model_runs e ON e.id = a.evaluated_in AND e.status = 'succeeded'
    JOIN capplan.series s ON s.id = a.series_id
    ORDER BY a.run_id, a.series_id, a.evaluated_in DESC;

COMMENT ON VIEW capplan.forecast_accuracy IS
    'Public: per earlier model run and series, its chosen forecast against the actuals that arrived since (newest evaluation): MAE, MAPE, bias, share of actuals inside the 80%/95% intervals.';
