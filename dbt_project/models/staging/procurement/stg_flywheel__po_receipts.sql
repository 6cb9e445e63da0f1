-- po_receipt_recorded events (transactional_api/procurement): one row per receipt of a
-- purchase order, its accepted units (into stock) and rejected units (quality).
with events as (
    {{ deduplicated_events(['po_receipt_recorded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast({{ json_text('payload', 'receipt_id') }} as {{ dbt.type_string() }}) as receipt_id,
    cast({{ json_text('payload', 'po_id') }} as {{ dbt.type_string() }}) as po_id,
    cast({{ json_text('payload', 'supplier_id') }} as {{ dbt.type_string() }}) as supplier_id,
    cast({{ json_text('payload', 'location_id') }} as {{ dbt.type_string() }}) as location_id,
    cast({{ json_text('payload', 'accepted') }} as bigint) as accepted_units,
    cast({{ json_text('payload', 'rejected') }} as bigint) as rejected_units,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
