select
    cast(id as {{ dbt.type_string() }}) as merchant_id,
    cast(slug as {{ dbt.type_string() }}) as merchant_slug,
    cast(name as {{ dbt.type_string() }}) as merchant_name,
    cast(region as {{ dbt.type_string() }}) as region,
    cast(city as {{ dbt.type_string() }}) as city,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'merchants') }}
