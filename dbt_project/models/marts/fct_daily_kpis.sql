-- One row per day. Incremental by kpi_date: a run recomputes the days
-- [run_from - lookback_days, run_to] (every day on a full build) from the whole inputs,
-- each measure dated by its own day, and replaces them, so a re-run gives the same rows.
{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **day_incremental_config('kpi_date'),
) }}

with paid as (
    select
        paid_date as kpi_date,
        -- the order's value before points (points are a means of payment, not a discount)
        sum(total_cents + points_discount_cents) as gmv_cents,
        sum(points_discount_cents) as points_paid_cents,
        count(*) as paid_orders,
        count(distinct user_id) as buyers
    from {{ ref('int_orders_enriched') }}
    where is_paid and {{ incremental_window('paid_date') }}
    group by paid_date
),

sessions as (
    select
        session_date as kpi_date,
        count(*) as sessions,
        sum(case when reached_order_paid then 1 else 0 end) as converted_sessions
    from {{ ref('int_sessions_aggregated') }}
    where {{ incremental_window('session_date') }}
    group by session_date
),

-- Dated by the day the refund became due, not by the order or its payment attempt.
refunds as (
    select
        due_date as kpi_date,
        count(*) as refunds_due,
        sum(amount_cents) as refunds_due_cents
    from {{ ref('int_refunds_due') }}
    where {{ incremental_window('due_date') }}
    group by due_date
),

-- What net revenue takes off GMV, each dated by the day it happened: money of paid orders
-- given back (int_refunds.is_revenue_refund: not the refund a cancellation made, not money
-- that never counted in GMV), and paid sub-orders cancelled before shipping, at their total.
revenue_refunds as (
    select
        refund_date as kpi_date,
        sum(amount_cents) as refunded_cents
    from {{ ref('int_refunds') }}
    where is_revenue_refund and {{ incremental_window('refund_date') }}
    group by refund_date
),

cancellations as (
    select
        cast(cancelled_at as date) as kpi_date,
        sum(total_cents) as cancelled_after_payment_cents
    from {{ ref('int_sub_orders_lifecycle') }}
    where is_cancelled_after_payment and {{ incremental_window('cast(cancelled_at as date)') }}
    group by cast(cancelled_at as date)
),

-- A day with only refunds falling due still gets a row: money owed must not vanish.
days as (
    select kpi_date from paid
    union
    select kpi_date from sessions
    union
    select kpi_date from refunds
    union
    select kpi_date from revenue_refunds
    union
    select kpi_date from cancellations
)

select
    days.kpi_date,
    cast(coalesce(paid.gmv_cents, 0) as bigint) as gmv_cents,
    cast(coalesce(paid.paid_orders, 0) as bigint) as paid_orders,
    cast(
        case when coalesce(paid.paid_orders, 0) = 0 then 0
        else round(paid.gmv_cents / paid.paid_orders) end
        as bigint
    ) as aov_cents,
    cast(coalesce(paid.buyers, 0) as bigint) as buyers,
    cast(coalesce(sessions.sessions, 0) as bigint) as sessions,
    cast(coalesce(sessions.converted_sessions, 0) as bigint) as converted_sessions,
    cast(
        case when coalesce(sessions.sessions, 0) = 0 then 0
        else sessions.converted_sessions / sessions.sessions end
        as double
    ) as conversion_rate,
    cast(coalesce(refunds.refunds_due, 0) as bigint) as refunds_due,
    cast(coalesce(refunds.refunds_due_cents, 0) as bigint) as refunds_due_cents,
    cast(coalesce(revenue_refunds.refunded_cents, 0) as bigint) as refunded_cents,
    cast(coalesce(cancellations.cancelled_after_payment_cents, 0) as bigint)
        as cancelled_after_payment_cents,
    cast(
        coalesce(paid.gmv_cents, 0) - coalesce(paid.points_paid_cents, 0)
        - coalesce(revenue_refunds.refunded_cents, 0)
        - coalesce(cancellations.cancelled_after_payment_cents, 0)
        as bigint
    ) as net_revenue_cents,
    cast(coalesce(paid.points_paid_cents, 0) as bigint) as points_paid_cents,
    cast(coalesce(paid.gmv_cents, 0) - coalesce(paid.points_paid_cents, 0) as bigint)
        as paid_revenue_cents
from days
left join paid on days.kpi_date = paid.kpi_date
left join sessions on days.kpi_date = sessions.kpi_date
left join refunds on days.kpi_date = refunds.kpi_date
left join revenue_refunds on days.kpi_date = revenue_refunds.kpi_date
left join cancellations on days.kpi_date = cancellations.kpi_date
