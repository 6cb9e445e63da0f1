-- sub_order_created events: one per sub-order (one merchant's goods from one location) as it
-- was placed, with its money in integer cents of currency. Its lines are
-- stg_flywheel__sub_order_lines; what happened to it next, the status-change events.
with events as (
    {{ deduplicated_events(['sub_order_created']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as created_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'warehouse_id') }} as {{ dbt.type_string() }}) as warehouse_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as sub_order_kind,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'subtotal_cents') }} as bigint) as subtotal_cents,
    cast({{ json_text('payload', 'discount_cents') }} as bigint) as discount_cents,
    cast({{ json_text('payload', 'shipping_cents') }} as bigint) as shipping_cents,
    cast({{ json_text('payload', 'tax_cents') }} as bigint) as tax_cents,
    cast({{ json_text('payload', 'total_cents') }} as bigint) as total_cents,
    cast({{ json_text('payload', 'shipping_region') }} as {{ dbt.type_string() }}) as shipping_region
from events
