select
    cast(id as varchar) as category_id,
    cast(parent_id as varchar) as parent_category_id,
    cast(name as varchar) as category_name,
    cast(slug as varchar) as category_slug,
    -- materialised path of ids from the root, "/root/child/"; depth 0 at the root
    cast(path as varchar) as category_path_ids,
    cast(depth as integer) as category_depth,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'categories') }}
