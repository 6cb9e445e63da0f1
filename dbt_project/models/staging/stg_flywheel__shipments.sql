-- shipment_created events: one parcel handed to a carrier, with the tracking number it
-- travels under. shipped_at is when it was created (the sub-orders in it moved to shipped
-- then); is_merged when several sub-orders travel in it (stg_flywheel__shipment_sub_orders).
with events as (
    {{ deduplicated_events(['shipment_created']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as shipped_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'shipment_id') }} as {{ dbt.type_string() }}) as shipment_id,
    cast({{ json_text('payload', 'carrier') }} as {{ dbt.type_string() }}) as carrier,
    cast({{ json_text('payload', 'tracking_number') }} as {{ dbt.type_string() }}) as tracking_number,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'merged') }} as boolean) as is_merged,
    cast({{ json_text('payload', 'shipping_region') }} as {{ dbt.type_string() }}) as shipping_region
from events
