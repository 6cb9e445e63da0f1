select
    cast(id as bigint) as order_item_id,
    cast(order_id as varchar) as order_id,
    cast(sku_id as varchar) as sku_id,
    cast(product_id as varchar) as product_id,
    cast(product_name as varchar) as product_name,
    cast(sku_name as varchar) as sku_name,
    cast(unit_price_cents as bigint) as unit_price_cents,
    cast(quantity as bigint) as quantity,
    cast(line_total_cents as bigint) as line_total_cents,
    cast(merchant_id as varchar) as merchant_id,
    cast(sku_kind as varchar) as sku_kind,
    cast(recipient as varchar) as recipient,
    cast(fulfilment_status as varchar) as fulfilment_status,
    cast(supplier_reference as varchar) as supplier_reference
from {{ source('oltp', 'order_items') }}
