select
    cast(id as varchar) as brand_id,
    cast(slug as varchar) as brand_slug,
    cast(name as varchar) as brand_name,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'brands') }}
