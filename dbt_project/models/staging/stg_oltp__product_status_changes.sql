select
    cast(id as bigint) as product_status_change_id,
    cast(product_id as varchar) as product_id,
    cast(action as varchar) as action,
    cast(from_status as varchar) as from_status,
    cast(to_status as varchar) as to_status,
    cast(reason as varchar) as reason,
    cast(actor_id as varchar) as actor_user_id,
    cast(created_at as timestamp) as changed_at
from {{ source('oltp', 'product_status_changes') }}
