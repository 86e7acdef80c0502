-- 006: the days a review shows.  A model run made with a plan stores, in its
-- transaction and beside its assessments, the daily summary of what each
-- assessed series' charts show: the year of history up to the run's as_of
-- (the mean and the largest of the day's samples, NaN and infinities left
-- out) and the chosen forecast (the mean and largest point forecast, the
-- widest 80% and 95% bounds of the day).  capplan-render reads these few
-- rows instead of aggregating a year of samples per series, and a packet
-- re-rendered later shows the history as the run saw it, whatever retention
-- has removed since.  Days are UTC calendar days.

CREATE TABLE IF NOT EXISTS capplan.history_days (
    run_id          bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    series_id       integer NOT NULL,
    day             date NOT NULL,
    mean            double precision NOT NULL,
    max             double precision NOT NULL,
    samples         integer NOT NULL,
    PRIMARY KEY (run_id, series_id, day)
);

CREATE TABLE IF NOT EXISTS capplan.forecast_days (
    run_id          bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    series_id       integer NOT NULL,
    method          text NOT NULL,
    day             date NOT NULL,
    yhat_mean       double precision NOT NULL,
    yhat_max        double precision NOT NULL,
    lo80            double precision,
    hi80            double precision,
    lo95            double precision,
    hi95            double precision,
    PRIMARY KEY (run_id, series_id, method, day)
);

COMMENT ON TABLE capplan.history_days IS
    'Per model run with a plan and assessed series: the daily mean and max of the year of samples up to the run''s as_of (UTC days), as the review packet charts them.';
COMMENT ON TABLE capplan.forecast_days IS
    'Per model run with a plan and assessed series: the chosen forecast by UTC day (mean and max point forecast, lowest lo80/lo95, highest hi80/hi95), as the review packet charts it.';
