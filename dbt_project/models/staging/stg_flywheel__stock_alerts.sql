-- stock_low events: sellable units (on_hand - reserved) of a SKU at a location fell to its
-- safety stock.
with events as (
    {{ deduplicated_events(['stock_low']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as alerted_at,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'warehouse_id') }} as {{ dbt.type_string() }}) as warehouse_id,
    cast({{ json_text('payload', 'sellable') }} as bigint) as sellable_units,
    cast({{ json_text('payload', 'safety_stock') }} as bigint) as safety_stock
from events
