select
    cast(id as varchar) as merchant_id,
    cast(slug as varchar) as merchant_slug,
    cast(name as varchar) as merchant_name,
    cast(region as varchar) as region,
    cast(city as varchar) as city,
    cast(status as varchar) as status,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'merchants') }}
