select
    cast(sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(quota as bigint) as presale_quota,
    cast(taken as bigint) as presale_taken,
    cast(ship_from_date as date) as ship_from_date,
    cast(updated_at as timestamp) as updated_at
from {{ source('oltp', 'presale_allotments') }}
