-- One row per line of a paid order: what a product mart counts as a sale. The OLTP holds
-- one row per order and line, so an order paid twice or whose events were delivered twice
-- still sells its lines once, dated by the day it was paid (UTC). A line's revenue is what
-- the shopper paid for the goods (unit price x quantity - line discount), without tax or
-- shipping; list_price_cents falls back to the unit price for lines placed before list
-- prices were recorded (stored as 0).
select
    items.order_item_id,
    items.order_id,
    orders.user_id,
    items.sku_id,
    items.product_id,
    orders.currency,
    items.quantity,
    cast(
        case when items.list_price_cents > 0 then items.list_price_cents
        else items.unit_price_cents end
        as bigint
    ) as list_price_cents,
    items.unit_price_cents,
    items.discount_cents,
    items.line_total_cents,
    orders.paid_at,
    orders.paid_date
from {{ ref('stg_oltp__order_items') }} as items
inner join {{ ref('int_orders_enriched') }} as orders on items.order_id = orders.order_id
where orders.is_paid
