-- sku_price_changed events: one row per price change of a SKU (old price NULL for the first).
with events as (
    {{ deduplicated_events(['sku_price_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'old_price_cents') }} as bigint) as old_price_cents,
    cast({{ json_text('payload', 'new_price_cents') }} as bigint) as new_price_cents,
    cast(user_id as {{ dbt.type_string() }}) as actor_user_id
from events
