-- One row per sub-order with its merchant and location named, its money, when it reached
-- each status, where it is now and how long shipping and delivery took.
select
    sub_orders.sub_order_id,
    sub_orders.order_id,
    sub_orders.user_id,
    sub_orders.merchant_id,
    merchants.merchant_name,
    sub_orders.warehouse_id,
    warehouses.warehouse_name,
    sub_orders.sub_order_kind,
    sub_orders.shipping_region,
    sub_orders.currency,
    sub_orders.subtotal_cents,
    sub_orders.discount_cents,
    sub_orders.shipping_cents,
    sub_orders.tax_cents,
    sub_orders.total_cents,
    sub_orders.line_count,
    sub_orders.units,
    sub_orders.status,
    sub_orders.created_at,
    sub_orders.paid_at,
    sub_orders.picking_at,
    sub_orders.packed_at,
    sub_orders.shipped_at,
    sub_orders.delivered_at,
    sub_orders.completed_at,
    sub_orders.cancelled_at,
    sub_orders.cancel_reason,
    cast(sub_orders.created_at as date) as created_date,
    sub_orders.paid_at is not null as is_paid,
    sub_orders.is_replacement,
    sub_orders.is_cancelled_after_payment,
    sub_orders.is_intercepted,
    sub_orders.interceptions,
    sub_orders.is_paused,
    sub_orders.hold_reason,
    sub_orders.shipment_id,
    sub_orders.carrier,
    sub_orders.tracking_number,
    cast(
        {{ seconds_between('sub_orders.paid_at', 'sub_orders.shipped_at') }} / 3600.0
        as double
    ) as hours_to_ship,
    cast(
        {{ seconds_between('sub_orders.shipped_at', 'sub_orders.delivered_at') }} / 3600.0
        as double
    ) as hours_to_deliver
from {{ ref('int_sub_orders_lifecycle') }} as sub_orders
left join {{ ref('stg_oltp__merchants') }} as merchants
    on sub_orders.merchant_id = merchants.merchant_id
left join {{ ref('stg_oltp__warehouses') }} as warehouses
    on sub_orders.warehouse_id = warehouses.warehouse_id
