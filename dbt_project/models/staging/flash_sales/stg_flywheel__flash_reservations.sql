-- flash_reservation_ordered and flash_reservation_released events: one row per event_id.
-- reserved_at is when Redis gave the shopper the unit (the hot path writes no event);
-- a release says whether the unit went back to the sale's pool or to the shop's stock.
with events as (
    {{ deduplicated_events(['flash_reservation_ordered', 'flash_reservation_released']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'flash_reservation_ordered' then 'ordered'
            when 'flash_reservation_released' then 'released'
        end as {{ dbt.type_string() }}
    ) as reservation_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'token') }} as {{ dbt.type_string() }}) as token,
    cast({{ json_text('payload', 'sale_id') }} as {{ dbt.type_string() }}) as sale_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'quantity') }} as bigint) as quantity,
    cast({{ json_text('payload', 'reserved_at') }} as timestamp) as reserved_at,
    cast({{ json_text('payload', 'to_pool') }} as boolean) as to_pool
from events
