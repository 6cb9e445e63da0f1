select
    cast(id as varchar) as sku_id,
    cast(product_id as varchar) as product_id,
    cast(code as varchar) as sku_code,
    cast(name as varchar) as sku_name,
    cast(price_cents as bigint) as price_cents,
    cast(currency as varchar) as currency,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'skus') }}
