select
    cast(id as {{ dbt.type_string() }}) as landing_page_id,
    cast(slug as {{ dbt.type_string() }}) as page_slug,
    cast(title as {{ dbt.type_string() }}) as page_title,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(version as integer) as page_version,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at
from {{ source('oltp', 'landing_pages') }}
