select
    cast(id as {{ dbt.type_string() }}) as campaign_id,
    cast(name as {{ dbt.type_string() }}) as campaign_name,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(channel as {{ dbt.type_string() }}) as channel,
    cast(trigger_kind as {{ dbt.type_string() }}) as trigger_kind,
    cast(created_at as timestamp) as created_at,
    cast(updated_at as timestamp) as updated_at
from {{ source('oltp', 'reach_campaigns') }}
