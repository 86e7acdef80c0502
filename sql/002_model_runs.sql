-- 002: model runs, fits and forecasts (capplan-model).
--
-- One capplan.model_runs row per invocation.  It is inserted and committed
-- first, as 'running', so that the run can be seen and, if its process dies,
-- recognised later (it holds a session advisory lock on its id while it
-- runs).  Everything the run computes is written in one transaction that
-- also marks the run 'succeeded': a run that fails or is killed adds no fit
-- and no forecast, and the public views read succeeded runs only.

CREATE TABLE IF NOT EXISTS capplan.model_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_of           timestamptz NOT NULL,
    history_ms      bigint,                 -- NULL: all history
    horizon_ms      bigint NOT NULL CHECK (horizon_ms > 0),
    methods         text[] NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed')),
    message         text,                   -- why it failed
    version         text NOT NULL,
    series_total    integer,
    series_fitted   integer,
    series_skipped  integer                 -- too short, constant (stored as such)
);

-- Per series of a run: how it was prepared, and per method how it fitted.
CREATE TABLE IF NOT EXISTS capplan.model_fits (
    run_id          bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    series_id       integer NOT NULL,
    method          text NOT NULL,
    chosen          boolean NOT NULL DEFAULT false,
    status          text NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    error           text,
    params          jsonb NOT NULL DEFAULT '{}',
    sigma           double precision,
    sse             double precision,
    nobs            integer,
    mase            double precision,       -- mean over the backtest origins
    coverage80      double precision,
    coverage95      double precision,
    origins         integer,
    step_ms         bigint,
    period          integer,
    points          integer,                -- grid points of the history
    points_filled   integer,
    points_missing  integer,
    PRIMARY KEY (run_id, series_id, method)
);

CREATE TABLE IF NOT EXISTS capplan.forecast_points (
    run_id          bigint NOT NULL,
    series_id       integer NOT NULL,
    method          text NOT NULL,
    ts              timestamptz NOT NULL,
    yhat            double precision NOT NULL,
    lo80            double precision,
    hi80            double precision,
    lo95            double precision,
    hi95            double precision,
    PRIMARY KEY (run_id, series_id, method, ts)
);

-- forecast_points has no foreign key to model_fits on purpose: a run writes
-- millions of points (1,000 hourly series x 7 methods x 180 days is 30
-- million) and a foreign key costs a trigger call per row, as measured for
-- capplan.samples.  Only capplan-model writes them, with their fits, in one
-- transaction; capplan.delete_model_run() removes a run with its points.
CREATE OR REPLACE FUNCTION capplan.delete_model_run(run bigint)
RETURNS void
LANGUAGE sql
AS $$
    DELETE FROM capplan.forecast_points WHERE run_id = run;
    DELETE FROM capplan.model_runs WHERE id = run;
$$;

-- Public interface: the forecasts of the newest succeeded run.
CREATE OR REPLACE VIEW capplan.latest_forecast AS
    SELECT s.metric, s.labels, p.method, f.chosen, p.ts, p.yhat, p.lo80, p.hi80, p.lo95, p.hi95
    FROM capplan.forecast_points p
    JOIN capplan.model_fits f USING (run_id, series_id, method)
    JOIN capplan.series s ON s.id = p.series_id
    WHERE p.run_id = (SELECT max(id) FROM capplan.model_runs WHERE status = 'succeeded');

COMMENT ON VIEW capplan.latest_forecast IS
    'Public: every method''s forecast with 80%/95% intervals from the newest succeeded model run; chosen marks the method the backtest picked.';
