-- One row per paid order of a signed-in buyer, with its money net of what was given back
-- later (revenue refunds and paid sub-orders cancelled before shipping: the deductions
-- int_revenue_movements dates and fct_daily_kpis takes off GMV), whenever it was given back.
-- purchase_day_number numbers the buyer's distinct purchase days (1 = first day): several
-- orders on one day are one transaction for the BG/NBD and the repurchase rate.
with paid as (
    select order_id, user_id, paid_at, paid_date, total_cents
    from {{ ref('int_orders_enriched') }}
    where is_paid and user_id is not null
),

given_back as (
    select
        order_id,
        sum(refunded_cents + cancelled_after_payment_cents) as given_back_cents
    from {{ ref('int_revenue_movements') }}
    where movement_kind in ('refund', 'cancellation')
    group by order_id
)

select
    cast(paid.order_id as {{ dbt.type_string() }}) as order_id,
    cast(paid.user_id as {{ dbt.type_string() }}) as user_id,
    paid.paid_at,
    cast(paid.paid_date as date) as paid_date,
    cast(paid.total_cents as bigint) as gmv_cents,
    cast(coalesce(given_back.given_back_cents, 0) as bigint) as given_back_cents,
    cast(paid.total_cents - coalesce(given_back.given_back_cents, 0) as bigint) as net_cents,
    cast(
        dense_rank() over (partition by paid.user_id order by paid.paid_date) as bigint
    ) as purchase_day_number
from paid
left join given_back on paid.order_id = given_back.order_id
