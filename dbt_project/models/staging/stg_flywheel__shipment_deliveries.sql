-- shipment_delivered events: a parcel arrived. shipped_at is when it was handed over,
-- delivered_at the carrier's time of delivery.
with events as (
    {{ deduplicated_events(['shipment_delivered']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast({{ json_text('payload', 'shipment_id') }} as {{ dbt.type_string() }}) as shipment_id,
    cast({{ json_text('payload', 'carrier') }} as {{ dbt.type_string() }}) as carrier,
    cast({{ json_text('payload', 'tracking_number') }} as {{ dbt.type_string() }}) as tracking_number,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'shipping_region') }} as {{ dbt.type_string() }}) as shipping_region,
    cast({{ json_text('payload', 'shipped_at') }} as timestamp) as shipped_at,
    cast({{ json_text('payload', 'delivered_at') }} as timestamp) as delivered_at
from events
