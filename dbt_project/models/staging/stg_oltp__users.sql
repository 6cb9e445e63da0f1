select
    cast(id as {{ dbt.type_string() }}) as user_id,
    cast(email as {{ dbt.type_string() }}) as email,
    cast(role as {{ dbt.type_string() }}) as role,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'users') }}
