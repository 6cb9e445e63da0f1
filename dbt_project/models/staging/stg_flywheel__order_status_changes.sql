-- order_status_changed events: every move of a parent order's customer-facing status
-- (pending_payment, paid, preparing, shipped, delivered, completed, after_sales, cancelled),
-- which the API derives from its sub-orders.
with events as (
    {{ deduplicated_events(['order_status_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status
from events
