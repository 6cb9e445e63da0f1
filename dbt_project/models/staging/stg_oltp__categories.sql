select
    cast(id as {{ dbt.type_string() }}) as category_id,
    cast(parent_id as {{ dbt.type_string() }}) as parent_category_id,
    cast(name as {{ dbt.type_string() }}) as category_name,
    cast(slug as {{ dbt.type_string() }}) as category_slug,
    -- materialised path of ids from the root, "/root/child/"; depth 0 at the root
    cast(path as {{ dbt.type_string() }}) as category_path_ids,
    cast(depth as integer) as category_depth,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'categories') }}
