-- stock_moved events: one row per row of the OLTP stock ledger (movement_id). Summing
-- on_hand_delta and reserved_delta per SKU and location gives its levels.
with events as (
    {{ deduplicated_events(['stock_moved']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast({{ json_text('payload', 'movement_id') }} as bigint) as movement_id,
    cast(occurred_at as timestamp) as moved_at,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'warehouse_id') }} as {{ dbt.type_string() }}) as warehouse_id,
    cast({{ json_text('payload', 'on_hand_delta') }} as bigint) as on_hand_delta,
    cast({{ json_text('payload', 'reserved_delta') }} as bigint) as reserved_delta,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'reservation_id') }} as {{ dbt.type_string() }}) as reservation_id,
    cast(_ingested_at as timestamp) as ingested_at
from events
