with paid as (
    select
        paid_date as kpi_date,
        sum(total_cents) as gmv_cents,
        count(*) as paid_orders,
        count(distinct user_id) as buyers
    from {{ ref('int_orders_enriched') }}
    where is_paid
    group by paid_date
),

sessions as (
    select
        session_date as kpi_date,
        count(*) as sessions,
        count(*) filter (where reached_order_paid) as converted_sessions
    from {{ ref('int_sessions_aggregated') }}
    group by session_date
),

-- Dated by the day the refund became due, not by the order or its payment attempt.
refunds as (
    select
        due_date as kpi_date,
        count(*) as refunds_due,
        sum(amount_cents) as refunds_due_cents
    from {{ ref('int_refunds_due') }}
    group by due_date
),

-- A day with only refunds falling due still gets a row: money owed must not vanish.
days as (
    select kpi_date from paid
    union
    select kpi_date from sessions
    union
    select kpi_date from refunds
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
    cast(coalesce(refunds.refunds_due_cents, 0) as bigint) as refunds_due_cents
from days
left join paid on days.kpi_date = paid.kpi_date
left join sessions on days.kpi_date = sessions.kpi_date
left join refunds on days.kpi_date = refunds.kpi_date
