-- 001: series and their samples.
--
-- A series is a metric name plus its canonical label set (labels other than
-- __name__, as a jsonb object; jsonb equality ignores key order, so the pair is
-- the identity).  Samples are (series, ts, value); the primary key makes a
-- re-load of the same data a no-op.
--
-- samples is partitioned by month of ts.  Twelve months of 10,000 hourly series
-- is 88 million rows: per-month partitions keep each primary-key index small
-- enough to stay in memory while loading, let old history be dropped or
-- archived a month at a time without a DELETE, and let a query for a time
-- range touch only its months.  Partitions are created by
-- capplan.ensure_sample_partition() as data arrives.

CREATE TABLE IF NOT EXISTS capplan.series (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    metric      text NOT NULL CHECK (metric <> ''),
    labels      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
    first_seen  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (metric, labels)
);

COMMENT ON TABLE capplan.series IS
    'One row per series: metric name plus canonical label set (without __name__).';

CREATE TABLE IF NOT EXISTS capplan.samples (
    series_id   integer NOT NULL REFERENCES capplan.series (id) ON DELETE CASCADE,
    ts          timestamptz NOT NULL,
    value       double precision NOT NULL,
    PRIMARY KEY (series_id, ts)
) PARTITION BY RANGE (ts);

COMMENT ON TABLE capplan.samples IS
    'Samples by series and time, partitioned by month. NaN is a real Prometheus value and is kept.';

-- Create the partition of the month that holds ts, if it does not exist yet.
-- Serialised by an advisory lock so that two loads touching the same new month
-- do not race.  Returns the partition's name.
CREATE OR REPLACE FUNCTION capplan.ensure_sample_partition(at timestamptz)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_end   timestamptz := month_start + interval '1 month';
    part        text := format('samples_%s', to_char(month_start AT TIME ZONE 'UTC', 'YYYY"m"MM'));
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('capplan.samples partitions'));
    IF to_regclass(format('capplan.%I', part)) IS NULL THEN
        EXECUTE format('CREATE TABLE capplan.%I PARTITION OF capplan.samples FOR VALUES FROM (%L) TO (%L)',
                       part, month_start, month_end);
    END IF;
    RETURN part;
END;
$$;

-- One row per load: what came in, from where, and what it added.
CREATE TABLE IF NOT EXISTS capplan.ingest_runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    series          integer NOT NULL,
    samples_new     bigint NOT NULL,
    samples_dup     bigint NOT NULL,
    samples_skipped bigint NOT NULL,
    first_ts        timestamptz,
    last_ts         timestamptz
);

-- Public interface: every sample with its series' identity.
CREATE OR REPLACE VIEW capplan.series_samples AS
    SELECT s.metric, s.labels, x.ts, x.value
    FROM capplan.samples x
    JOIN capplan.series s ON s.id = x.series_id;

COMMENT ON VIEW capplan.series_samples IS
    'Public: metric, labels (jsonb), ts, value for every stored sample.';
