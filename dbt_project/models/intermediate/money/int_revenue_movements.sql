-- Every movement of revenue, one row each, dated by the UTC day it happened:
--   order_paid    an order paid (OLTP: one row per order, so an order paid twice or whose
--                 payment events were delivered twice counts once), with its money split
--                 into gross at list price, discounts, shipping and tax
--   refund        money of a paid order given back (int_refunds.is_revenue_refund), on the
--                 day the refund was issued, not the day of its order
--   cancellation  a paid sub-order cancelled before shipping, at its total, on the day it was
--                 cancelled (as fct_daily_kpis counts it)
-- channel: the payment channel that paid the order (its first paid payment; 'unknown' when
-- no payment event names one); a refund's own channel.
with items as (
    select
        order_id,
        sum(
            case when list_price_cents > 0 then list_price_cents else unit_price_cents end
            * quantity
        ) as gross_cents
    from {{ ref('stg_oltp__order_items') }}
    group by order_id
),

paying_payments as (
    select order_id, channel
    from (
        select
            order_id,
            channel,
            row_number() over (partition by order_id order by paid_at, payment_id)
                as paid_rank
        from {{ ref('int_payments_lifecycle') }}
        where paid_at is not null and order_id is not null
    ) as ranked
    where paid_rank = 1
),

paid_orders as (
    select
        orders.order_id,
        orders.paid_date,
        orders.currency,
        coalesce(paying_payments.channel, 'unknown') as channel,
        -- orders placed before lines were recorded: their goods at the order's subtotal
        coalesce(items.gross_cents, orders.subtotal_cents) as gross_cents,
        orders.shipping_cents,
        orders.tax_cents,
        orders.total_cents,
        orders.points_discount_cents
    from {{ ref('int_orders_enriched') }} as orders
    left join items on orders.order_id = items.order_id
    left join paying_payments on orders.order_id = paying_payments.order_id
    where orders.is_paid
),

movements as (
    select
        'order:' || order_id as movement_key,
        'order_paid' as movement_kind,
        paid_date as movement_date,
        order_id,
        currency,
        channel,
        1 as paid_orders,
        gross_cents,
        -- everything taken off the list price: markdowns and line discounts alike, so that
        -- gross - discounts + shipping + tax = the order's value before points (GMV), to
        -- the cent; points are a means of payment, not a discount
        gross_cents + shipping_cents + tax_cents - total_cents - points_discount_cents
            as discount_cents,
        shipping_cents,
        tax_cents,
        total_cents + points_discount_cents as gmv_cents,
        points_discount_cents as points_paid_cents,
        0 as refunds,
        0 as refunded_cents,
        0 as cancelled_after_payment_cents
    from paid_orders

    union all

    select
        'refund:' || refund_key,
        'refund',
        refund_date,
        order_id,
        currency,
        channel,
        0, 0, 0, 0, 0, 0, 0,
        1,
        amount_cents,
        0
    from {{ ref('int_refunds') }}
    where refund_status = 'refunded' and is_revenue_refund

    union all

    select
        'cancellation:' || sub_orders.sub_order_id,
        'cancellation',
        cast(sub_orders.cancelled_at as date),
        sub_orders.order_id,
        sub_orders.currency,
        coalesce(paying_payments.channel, 'unknown'),
        0, 0, 0, 0, 0, 0, 0,
        0,
        0,
        sub_orders.total_cents
    from {{ ref('int_sub_orders_lifecycle') }} as sub_orders
    left join paying_payments on sub_orders.order_id = paying_payments.order_id
    where sub_orders.is_cancelled_after_payment
)

select
    cast(movement_key as {{ dbt.type_string() }}) as movement_key,
    cast(movement_kind as {{ dbt.type_string() }}) as movement_kind,
    cast(movement_date as date) as movement_date,
    cast(order_id as {{ dbt.type_string() }}) as order_id,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(paid_orders as bigint) as paid_orders,
    cast(gross_cents as bigint) as gross_cents,
    cast(discount_cents as bigint) as discount_cents,
    cast(shipping_cents as bigint) as shipping_cents,
    cast(tax_cents as bigint) as tax_cents,
    cast(gmv_cents as bigint) as gmv_cents,
    cast(points_paid_cents as bigint) as points_paid_cents,
    cast(refunds as bigint) as refunds,
    cast(refunded_cents as bigint) as refunded_cents,
    cast(cancelled_after_payment_cents as bigint) as cancelled_after_payment_cents
from movements
