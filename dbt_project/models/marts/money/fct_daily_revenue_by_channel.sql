{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **day_incremental_config('revenue_date'),
) }}
-- fct_daily_revenue split by payment channel, with the channel's payment attempts of the
-- day (fct_payments_by_channel) beside its money: summed over channels, every money column
-- equals fct_daily_revenue's.
with money as (
    select
        movement_date as revenue_date,
        currency,
        channel,
        sum(paid_orders) as paid_orders,
        sum(gmv_cents) as gmv_cents,
        sum(points_paid_cents) as points_paid_cents,
        sum(refunds) as refunds,
        sum(refunded_cents) as refunded_cents,
        sum(cancelled_after_payment_cents) as cancelled_after_payment_cents
    from {{ ref('int_revenue_movements') }}
    where {{ incremental_window('movement_date') }}
    group by movement_date, currency, channel
),

payments as (
    select
        payment_date as revenue_date,
        -- a payment known only by its failure carries no currency
        coalesce(currency, 'unknown') as currency,
        channel,
        payments_started,
        payments_succeeded,
        payments_failed
    from {{ ref('fct_payments_by_channel') }}
    -- a day with only refunds through the channel has no attempt to count
    where {{ incremental_window('payment_date') }}
        and payments_started + payments_succeeded + payments_failed > 0
),

keys as (
    select revenue_date, currency, channel from money
    union
    select revenue_date, currency, channel from payments
),

joined as (
    select
        keys.revenue_date,
        keys.currency,
        keys.channel,
        coalesce(money.paid_orders, 0) as paid_orders,
        coalesce(money.gmv_cents, 0) as gmv_cents,
        coalesce(money.points_paid_cents, 0) as points_paid_cents,
        coalesce(money.refunds, 0) as refunds,
        coalesce(money.refunded_cents, 0) as refunded_cents,
        coalesce(money.cancelled_after_payment_cents, 0) as cancelled_after_payment_cents,
        coalesce(payments.payments_started, 0) as payments_started,
        coalesce(payments.payments_succeeded, 0) as payments_succeeded,
        coalesce(payments.payments_failed, 0) as payments_failed
    from keys
    left join money
        on keys.revenue_date = money.revenue_date
        and keys.currency = money.currency
        and keys.channel = money.channel
    left join payments
        on keys.revenue_date = payments.revenue_date
        and keys.currency = payments.currency
        and keys.channel = payments.channel
)

select
    revenue_date,
    currency,
    channel,
    cast(paid_orders as bigint) as paid_orders,
    cast(gmv_cents as bigint) as gmv_cents,
    cast(refunds as bigint) as refunds,
    cast(refunded_cents as bigint) as refunded_cents,
    cast(cancelled_after_payment_cents as bigint) as cancelled_after_payment_cents,
    {{ net_revenue_columns() }},
    cast(payments_started as bigint) as payments_started,
    cast(payments_succeeded as bigint) as payments_succeeded,
    cast(payments_failed as bigint) as payments_failed,
    cast(
        case when payments_succeeded + payments_failed > 0
            then cast(payments_succeeded as double) / (payments_succeeded + payments_failed)
        end
        as double
    ) as payment_success_rate,
    cast(points_paid_cents as bigint) as points_paid_cents
from joined
