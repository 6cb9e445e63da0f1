{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **day_incremental_config('revenue_date'),
) }}
-- GMV against net revenue per UTC day and currency, every part kept apart (see
-- int_revenue_movements): gross - discounts + shipping + tax = GMV, and GMV - refunds -
-- cancellations after payment = net revenue, the same net revenue as fct_daily_kpis.
with daily as (
    select
        movement_date as revenue_date,
        currency,
        sum(paid_orders) as paid_orders,
        sum(gross_cents) as gross_cents,
        sum(discount_cents) as discount_cents,
        sum(shipping_cents) as shipping_cents,
        sum(tax_cents) as tax_cents,
        sum(gmv_cents) as gmv_cents,
        sum(points_paid_cents) as points_paid_cents,
        sum(refunds) as refunds,
        sum(refunded_cents) as refunded_cents,
        sum(cancelled_after_payment_cents) as cancelled_after_payment_cents
    from {{ ref('int_revenue_movements') }}
    where {{ incremental_window('movement_date') }}
    group by movement_date, currency
)

select
    revenue_date,
    currency,
    cast(paid_orders as bigint) as paid_orders,
    cast(gross_cents as bigint) as gross_cents,
    cast(discount_cents as bigint) as discount_cents,
    cast(shipping_cents as bigint) as shipping_cents,
    cast(tax_cents as bigint) as tax_cents,
    cast(gmv_cents as bigint) as gmv_cents,
    cast(refunds as bigint) as refunds,
    cast(refunded_cents as bigint) as refunded_cents,
    cast(cancelled_after_payment_cents as bigint) as cancelled_after_payment_cents,
    {{ net_revenue_columns() }},
    cast(points_paid_cents as bigint) as points_paid_cents
from daily
