-- Low-stock alerts with what an operator needs to act on them: names, the alert's own
-- figures and the level now (the latest OLTP snapshot).
with alerts as (
    select
        *,
        row_number() over (
            partition by sku_id, warehouse_id order by alerted_at desc, event_id desc
        ) as recency_rank
    from {{ ref('stg_flywheel__stock_alerts') }}
)

select
    alerts.event_id as alert_id,
    alerts.alerted_at,
    cast(alerts.alerted_at as date) as alert_date,
    alerts.sku_id,
    skus.sku_code,
    skus.sku_name,
    skus.product_id,
    products.product_name,
    alerts.warehouse_id,
    warehouses.warehouse_name,
    alerts.sellable_units,
    alerts.safety_stock,
    alerts.recency_rank = 1 as is_latest,
    levels.on_hand as current_on_hand,
    levels.reserved as current_reserved,
    levels.sellable as current_sellable,
    levels.safety_stock as current_safety_stock,
    levels.safety_stock > 0 and levels.sellable <= levels.safety_stock as is_still_low
from alerts
left join {{ ref('stg_oltp__skus') }} as skus on alerts.sku_id = skus.sku_id
left join {{ ref('stg_oltp__products') }} as products on skus.product_id = products.product_id
left join {{ ref('stg_oltp__warehouses') }} as warehouses
    on alerts.warehouse_id = warehouses.warehouse_id
left join {{ ref('stg_oltp__stock_levels') }} as levels
    on alerts.sku_id = levels.sku_id and alerts.warehouse_id = levels.warehouse_id
