-- sub_order_status_changed events: every move of a sub-order's fulfilment-side status
-- (awaiting_payment -> allocated -> picking -> packed -> shipped -> delivered -> completed,
-- or -> cancelled before shipping; a virtual sub-order goes allocated -> delivered).
-- Moving to allocated is the sub-order being paid.
with events as (
    {{ deduplicated_events(['sub_order_status_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'warehouse_id') }} as {{ dbt.type_string() }}) as warehouse_id,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
