select
    cast(id as varchar) as category_id,
    cast(parent_id as varchar) as parent_category_id,
    cast(name as varchar) as category_name,
    cast(slug as varchar) as category_slug,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'categories') }}
