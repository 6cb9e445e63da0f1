-- supplier_changed events (transactional_api/procurement): one row per event_id, the
-- supplier's name and status as of then, and what happened (created, updated, suspended,
-- reactivated).
with events as (
    {{ deduplicated_events(['supplier_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast({{ json_text('payload', 'supplier_id') }} as {{ dbt.type_string() }}) as supplier_id,
    cast({{ json_text('payload', 'name') }} as {{ dbt.type_string() }}) as supplier_name,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as status,
    cast({{ json_text('payload', 'action') }} as {{ dbt.type_string() }}) as action
from events
