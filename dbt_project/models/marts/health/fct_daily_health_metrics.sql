-- The shop's vital signs per day, the series the anomaly checks watch. Every day from the
-- first to the last day with any input gets a row, so a day without a single paid order
-- shows up as GMV 0 (the very drop an alert is for) instead of vanishing.
with kpis as (
    select kpi_date as metric_date, gmv_cents, paid_orders
    from {{ ref('fct_daily_kpis') }}
),

sessions as (
    select
        session_date as metric_date,
        count(*) as sessions,
        sum(case when reached_order_paid then 1 else 0 end) as converted_sessions
    from {{ ref('fct_sessions') }}
    group by session_date
),

payments as (
    select
        cast(occurred_at as date) as metric_date,
        sum(case when payment_event = 'started' then 1 else 0 end) as payment_attempts,
        sum(case when payment_event = 'failed' then 1 else 0 end) as payment_failures
    from {{ ref('stg_flywheel__payment_events') }}
    where payment_event in ('started', 'failed')
    group by cast(occurred_at as date)
),

input_days as (
    select metric_date from kpis
    union all
    select metric_date from sessions
    union all
    select metric_date from payments
),

bounds as (
    select min(metric_date) as first_day, max(metric_date) as last_day from input_days
),

days as (
    {{ day_series('first_day', 'last_day', 'bounds') }}
)

select
    days.day as metric_date,
    cast(coalesce(kpis.gmv_cents, 0) as bigint) as gmv_cents,
    cast(coalesce(kpis.paid_orders, 0) as bigint) as paid_orders,
    cast(coalesce(sessions.sessions, 0) as bigint) as sessions,
    cast(coalesce(sessions.converted_sessions, 0) as bigint) as converted_sessions,
    -- no sessions, no rate: NULL rather than a 0 that would read as a collapse
    cast(
        case when coalesce(sessions.sessions, 0) = 0 then null
        else sessions.converted_sessions * 1.0 / sessions.sessions end
        as double
    ) as conversion_rate,
    cast(coalesce(payments.payment_attempts, 0) as bigint) as payment_attempts,
    cast(coalesce(payments.payment_failures, 0) as bigint) as payment_failures
from days
left join kpis on days.day = kpis.metric_date
left join sessions on days.day = sessions.metric_date
left join payments on days.day = payments.metric_date
