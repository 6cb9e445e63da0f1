select
    cast(id as bigint) as product_status_change_id,
    cast(product_id as {{ dbt.type_string() }}) as product_id,
    cast(action as {{ dbt.type_string() }}) as action,
    cast(from_status as {{ dbt.type_string() }}) as from_status,
    cast(to_status as {{ dbt.type_string() }}) as to_status,
    cast(reason as {{ dbt.type_string() }}) as reason,
    cast(actor_id as {{ dbt.type_string() }}) as actor_user_id,
    cast(created_at as timestamp) as changed_at
from {{ source('oltp', 'product_status_changes') }}
