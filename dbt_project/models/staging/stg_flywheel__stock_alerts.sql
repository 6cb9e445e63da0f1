-- stock_low events: sellable units (on_hand - reserved) of a SKU at a location fell to its
-- safety stock.
with events as (
    {{ deduplicated_events(['stock_low']) }}
)

select
    cast(event_id as varchar) as event_id,
    cast(occurred_at as timestamp) as alerted_at,
    cast({{ json_text('payload', 'sku_id') }} as varchar) as sku_id,
    cast({{ json_text('payload', 'warehouse_id') }} as varchar) as warehouse_id,
    cast({{ json_text('payload', 'sellable') }} as bigint) as sellable_units,
    cast({{ json_text('payload', 'safety_stock') }} as bigint) as safety_stock
from events
