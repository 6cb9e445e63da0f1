-- price_floor_blocked events: a price held up at a SKU's floor. promotion_id NULL: a price
-- source was itself under the floor; order_id NULL: seen on a quote, not a placed order.
-- Per unit: floor_cents, attempted_unit_cents; blocked_cents: what the floor kept in total.
with events as (
    {{ deduplicated_events(['price_floor_blocked']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as blocked_at,
    cast(occurred_at as date) as blocked_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'promotion_id') }} as {{ dbt.type_string() }}) as promotion_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'floor_cents') }} as bigint) as floor_cents,
    cast({{ json_text('payload', 'attempted_unit_cents') }} as bigint) as attempted_unit_cents,
    cast({{ json_text('payload', 'blocked_cents') }} as bigint) as blocked_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
