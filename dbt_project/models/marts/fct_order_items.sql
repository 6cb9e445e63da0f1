select
    items.order_item_id,
    items.order_id,
    orders.user_id,
    items.sku_id,
    items.product_id,
    items.product_name,
    items.quantity,
    items.unit_price_cents,
    items.line_total_cents,
    orders.created_at,
    coalesce(orders.is_paid, false) as is_paid
from {{ ref('stg_oltp__order_items') }} as items
left join {{ ref('int_orders_enriched') }} as orders on items.order_id = orders.order_id
