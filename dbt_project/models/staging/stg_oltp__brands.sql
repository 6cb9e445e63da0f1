select
    cast(id as {{ dbt.type_string() }}) as brand_id,
    cast(slug as {{ dbt.type_string() }}) as brand_slug,
    cast(name as {{ dbt.type_string() }}) as brand_name,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'brands') }}
