-- 003: interval calibration factors per fit, and which forecasts a run stored.
-- 1. the factors by which each method's prediction intervals were stretched
-- (or narrowed) so that they would have covered as claimed on the backtest
-- (split-conformal calibration, lib/model/select.c).  1 = as the method gave
-- them; NULL for methods that were skipped or failed.  coverage80/coverage95
-- stay the backtest coverage of the method's own, uncalibrated intervals.

ALTER TABLE capplan.model_fits
    ADD COLUMN IF NOT EXISTS interval_scale80 double precision,
    ADD COLUMN IF NOT EXISTS interval_scale95 double precision;

-- Which forecasts a run stored: 'chosen' (the chosen method's, the default:
-- 1,000 hourly series x 7 methods x 180 days would be 30 million rows) or
-- 'all' (every method that fitted, capplan-model --forecasts=all).  Runs made
-- before this column existed stored every method's.
ALTER TABLE capplan.model_runs
    ADD COLUMN IF NOT EXISTS forecasts text NOT NULL DEFAULT 'all'
        CHECK (forecasts IN ('chosen', 'all'));
ALTER TABLE capplan.model_runs ALTER COLUMN forecasts SET DEFAULT 'chosen';
