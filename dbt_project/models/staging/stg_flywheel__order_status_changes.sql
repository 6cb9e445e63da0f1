-- order_status_changed events: every move of a parent order's customer-facing status
-- (pending_payment, paid, preparing, shipped, delivered, completed, after_sales, cancelled),
-- which the API derives from its sub-orders.
with events as (
    {{ deduplicated_events(['order_status_changed']) }}
)

select
    cast(event_id as varchar) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as varchar) as user_id,
    cast({{ json_text('payload', 'order_id') }} as varchar) as order_id,
    cast({{ json_text('payload', 'from_status') }} as varchar) as from_status,
    cast({{ json_text('payload', 'to_status') }} as varchar) as to_status
from events
