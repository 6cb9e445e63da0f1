select
    cast(id as varchar) as product_id,
    cast(category_id as varchar) as category_id,
    cast(merchant_id as varchar) as merchant_id,
    cast(name as varchar) as product_name,
    cast(description as varchar) as product_description,
    cast(status as varchar) as status,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'products') }}
