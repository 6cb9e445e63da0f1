select
    cast(id as varchar) as user_id,
    cast(email as varchar) as email,
    cast(role as varchar) as role,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'users') }}
