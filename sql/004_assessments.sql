-- 004: the capacity plan of a model run made with a plan (capplan-model --config):
-- one assessment per resource and usage series, the scenarios per resource, and
-- the public view capplan.latest_assessment.  Written in the run's transaction,
-- so a run's assessments are there exactly when the run succeeded.

CREATE TABLE IF NOT EXISTS capplan.assessments (
    run_id                  bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    resource                text NOT NULL,
    series_id               integer NOT NULL,
    service                 text NOT NULL,
    kind                    text NOT NULL,
    unit                    text NOT NULL,
    as_of                   timestamptz NOT NULL,
    method                  text,                   -- the chosen forecast's; NULL: none
    current_value           double precision,       -- the latest sample of the last 30 days
    capacity                double precision,       -- the plan's, or its capacity series' at as_of
    utilisation             double precision,       -- current / capacity
    peak_30d                double precision,
    p95_30d                 double precision,
    headroom                double precision,       -- (capacity - peak_30d) / capacity
    threshold_warning       double precision NOT NULL,   -- the plan's, fractions of capacity
    threshold_critical      double precision NOT NULL,
    threshold_emergency     double precision NOT NULL,
    level_utilisation       text NOT NULL,
    level_exhaustion        text NOT NULL,
    level                   text NOT NULL,          -- the worse of the two
    -- days and dates until warning, critical and full (100%) are crossed:
    -- by the point forecast, the upper 95% bound (pessimistic: earliest) and
    -- the lower 95% bound (optimistic: latest); NULL: not within the horizon
    days_to_warning         double precision,
    days_to_critical        double precision,
    days_to_full            double precision,
    warning_at              timestamptz,
    critical_at             timestamptz,
    full_at                 timestamptz,
    days_to_warning_pessimistic double precision,
    days_to_critical_pessimistic double precision,
    days_to_full_pessimistic double precision,
    full_at_pessimistic     timestamptz,
    days_to_full_optimistic double precision,
    full_at_optimistic      timestamptz,
    -- the order-by dates: crossing minus lead time, by the pessimistic bound
    -- for critical and full (order before the bad case), point for warning
    lead_time_ms            bigint NOT NULL,
    order_by_warning        timestamptz,
    order_by_critical       timestamptz,
    order_by_full           timestamptz,
    order_by_passed         boolean NOT NULL,       -- the earliest order-by date is at or before as_of
    growth_per_day          double precision,       -- OLS slope of the last 30 days
    growth_per_month        double precision,
    growth_rate_monthly     double precision,       -- per month / current
    days_to_full_by_trend   double precision,       -- (capacity - current) / growth per day
    months_to_exhaustion    double precision,       -- ln(capacity / current) / ln(1 + monthly rate)
    -- N+2 sizing at the forecast peak over the horizon
    nodes                   integer,
    node_capacity           double precision,
    redundancy              integer NOT NULL,
    headroom_target         double precision NOT NULL,
    forecast_peak           double precision,
    nodes_needed            integer,
    nodes_to_add            integer,
    nodes_order_by          timestamptz,            -- when the current nodes stop serving it, minus lead time
    -- right-sizing (p95 of the last 30 days below the plan's floor)
    rightsize               boolean NOT NULL,
    rightsize_capacity      double precision,
    rightsize_nodes         integer,
    rightsize_saving_monthly double precision,
    -- cost per quarter (unit_cost is per node per month, in the plan's currency)
    currency                text NOT NULL,
    unit_cost               double precision NOT NULL,
    cost_quarter_current    double precision,
    nodes_quarter1          integer,
    cost_quarter1           double precision,
    nodes_quarter2          integer,
    cost_quarter2           double precision,
    note                    text,                   -- why the level is 'unknown'
    PRIMARY KEY (run_id, resource, series_id),
    -- 'unknown': no sample in the 30 days up to as_of, or no capacity (note says which)
    CHECK (level_utilisation IN ('healthy', 'warning', 'critical', 'emergency', 'unknown')),
    CHECK (level_exhaustion IN ('healthy', 'warning', 'critical', 'emergency', 'unknown')),
    CHECK (level IN ('healthy', 'warning', 'critical', 'emergency', 'unknown'))
);

CREATE TABLE IF NOT EXISTS capplan.scenario_results (
    run_id                  bigint NOT NULL REFERENCES capplan.model_runs (id) ON DELETE CASCADE,
    scenario                text NOT NULL,
    resource                text NOT NULL,
    series_id               integer NOT NULL,
    type                    text NOT NULL CHECK (type IN ('multiplier', 'spike', 'growth')),
    ordinal                 integer NOT NULL,       -- the scenario's place in the plan, from 0
    factor                  double precision,       -- on this resource's demand (1: unaffected)
    demand                  double precision,       -- the scenario's peak demand
    capacity_needed         double precision,       -- demand / (1 - headroom target)
    nodes_full_load         integer,                -- ceil(demand / node capacity)
    nodes_needed            integer,                -- with the headroom target and N+2
    nodes_to_add            integer,
    exhausts_at             timestamptz,            -- demand first reaches capacity; NULL: not within the horizon
    PRIMARY KEY (run_id, scenario, resource, series_id)
);

-- The newest succeeded run that assessed anything.
CREATE OR REPLACE VIEW capplan.latest_assessment AS
    SELECT a.resource, a.service, a.kind, s.metric, s.labels, a.unit, a.as_of, a.method,
           a.current_value, a.capacity, a.utilisation, a.peak_30d, a.p95_30d, a.headroom,
           a.threshold_warning, a.threshold_critical, a.threshold_emergency,
           a.level_utilisation, a.level_exhaustion, a.level,
           a.days_to_warning, a.days_to_critical, a.days_to_full,
           a.warning_at, a.critical_at, a.full_at,
           a.days_to_warning_pessimistic, a.days_to_critical_pessimistic, a.days_to_full_pessimistic,
           a.full_at_pessimistic, a.days_to_full_optimistic, a.full_at_optimistic,
           a.lead_time_ms, a.order_by_warning, a.order_by_critical, a.order_by_full, a.order_by_passed,
           a.growth_per_day, a.growth_per_month, a.growth_rate_monthly, a.days_to_full_by_trend,
           a.months_to_exhaustion, a.nodes, a.node_capacity, a.redundancy, a.headroom_target,
           a.forecast_peak, a.nodes_needed, a.nodes_to_add, a.nodes_order_by,
           a.rightsize, a.rightsize_capacity, a.rightsize_nodes, a.rightsize_saving_monthly,
           a.currency, a.unit_cost, a.cost_quarter_current, a.nodes_quarter1, a.cost_quarter1,
           a.nodes_quarter2, a.cost_quarter2, a.note, a.run_id
    FROM capplan.assessments a
    JOIN capplan.series s ON s.id = a.series_id
    WHERE a.run_id = (SELECT max(r.id) FROM capplan.model_runs r
                      WHERE r.status = 'succeeded'
                        AND EXISTS (SELECT 1 FROM capplan.assessments x WHERE x.run_id = r.id));

COMMENT ON VIEW capplan.latest_assessment IS
    'Public: per resource and usage series, the capacity assessment of the newest succeeded model run made with a plan: utilisation, headroom, alert levels, days and dates to warning/critical/full, order-by dates, N+2 sizing, right-sizing and cost.';
