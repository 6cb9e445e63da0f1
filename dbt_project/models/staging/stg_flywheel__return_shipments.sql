-- return_shipped events: the shopper sent the goods of a request back (carrier and
-- tracking number of the return parcel).
with events as (
    {{ deduplicated_events(['return_shipped']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as return_shipped_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'carrier') }} as {{ dbt.type_string() }}) as carrier,
    cast({{ json_text('payload', 'tracking_number') }} as {{ dbt.type_string() }}) as tracking_number
from events
