-- tracking_event events: every distinct carrier event of a shipment (replays are dropped
-- before the outbox). tracked_at is the carrier's time, received_at ours. is_applied is
-- false for an event that arrived after a later one and did not move the shipment;
-- shipment_status is the shipment's status after it.
with events as (
    {{ deduplicated_events(['tracking_event']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as tracked_at,
    cast({{ json_text('payload', 'received_at') }} as timestamp) as received_at,
    cast({{ json_text('payload', 'shipment_id') }} as {{ dbt.type_string() }}) as shipment_id,
    cast({{ json_text('payload', 'carrier') }} as {{ dbt.type_string() }}) as carrier,
    cast({{ json_text('payload', 'tracking_number') }} as {{ dbt.type_string() }}) as tracking_number,
    cast({{ json_text('payload', 'carrier_event_id') }} as {{ dbt.type_string() }}) as carrier_event_id,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as tracking_status,
    cast({{ json_text('payload', 'location') }} as {{ dbt.type_string() }}) as location,
    cast({{ json_text('payload', 'applied') }} as boolean) as is_applied,
    cast({{ json_text('payload', 'shipment_status') }} as {{ dbt.type_string() }}) as shipment_status
from events
