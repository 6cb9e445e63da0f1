-- Which sub-orders left in which parcel: one row per sub-order of each shipment_created
-- event. A sub-order travels in exactly one shipment.
with events as (
    {{ deduplicated_events(['shipment_created']) }}
),

links as (
    select
        event_id,
        occurred_at,
        {{ json_text('payload', 'shipment_id') }} as shipment_id,
        {{ json_text('payload', 'carrier') }} as carrier,
        {{ json_text('payload', 'tracking_number') }} as tracking_number,
        {{ explode_list(json_string_list(json_text('payload', 'sub_order_ids'))) }}
            as sub_order_id
    from events
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as shipped_at,
    cast(shipment_id as {{ dbt.type_string() }}) as shipment_id,
    cast(sub_order_id as {{ dbt.type_string() }}) as sub_order_id,
    cast(carrier as {{ dbt.type_string() }}) as carrier,
    cast(tracking_number as {{ dbt.type_string() }}) as tracking_number
from links
