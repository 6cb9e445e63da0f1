-- purchase_order_changed events (transactional_api/procurement): one row per event_id, a
-- purchase order moving from_status -> to_status (from_status null at creation).
with events as (
    {{ deduplicated_events(['purchase_order_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast({{ json_text('payload', 'po_id') }} as {{ dbt.type_string() }}) as po_id,
    cast({{ json_text('payload', 'supplier_id') }} as {{ dbt.type_string() }}) as supplier_id,
    cast({{ json_text('payload', 'location_id') }} as {{ dbt.type_string() }}) as location_id,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status,
    cast({{ json_text('payload', 'units_ordered') }} as bigint) as units_ordered,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'lead_time_days') }} as integer) as lead_time_days,
    cast({{ json_text('payload', 'source') }} as {{ dbt.type_string() }}) as source
from events
