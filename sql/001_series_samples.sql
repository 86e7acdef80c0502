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
--
-- samples.series_id has no foreign key on purpose: the check costs a trigger
-- call per row and doubled the time of a bulk load (measured: 1,000 series x
-- 8,760 samples, 65 s with it, 16 s without).  Samples are only ever written
-- by capplan-ingest for series it has just looked up or created in the same
-- transaction.

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
    series_id   integer NOT NULL,
    ts          timestamptz NOT NULL,
    value       double precision NOT NULL,
    PRIMARY KEY (series_id, ts)
) PARTITION BY RANGE (ts);

COMMENT ON TABLE capplan.samples IS
    'Samples by series and time, partitioned by month. NaN is a real Prometheus value and is kept.';

-- Create the partition of the month that holds ts, if it does not exist yet.
-- The month table is made on its own with a CHECK constraint matching its
-- bounds and then attached: ATTACH takes only a SHARE UPDATE EXCLUSIVE lock on
-- capplan.samples (CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE and
-- block every reader until the loading transaction commits), and the CHECK
-- spares the scan that would prove the bounds.  An advisory lock serialises
-- two loads that need the same new month.  Returns the partition's name.
CREATE OR REPLACE FUNCTION capplan.ensure_sample_partition(at timestamptz)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    month_start timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_end   timestamptz := month_start + interval '1 month';
    part        text := format('samples_%s', to_char(month_start AT TIME ZONE 'UTC', 'YYYY"m"MM'));
BEGIN
    IF to_regclass(format('capplan.%I', part)) IS NOT NULL THEN
        RETURN part;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('capplan.samples partitions'));
    IF to_regclass(format('capplan.%I', part)) IS NULL THEN
        EXECUTE format('CREATE TABLE capplan.%I (LIKE capplan.samples INCLUDING ALL,'
                       ' CHECK (ts >= %L AND ts < %L))', part, month_start, month_end);
        EXECUTE format('ALTER TABLE capplan.samples ATTACH PARTITION capplan.%I'
                       ' FOR VALUES FROM (%L) TO (%L)', part, month_start, month_end);
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
