-- sub_order_intercepted events: an operator's circuit breaker on one sub-order before it
-- shipped. action pause or resume holds or releases it; cancel cancels it and refunds
-- refunded_cents (integer cents of currency) of what was paid for it.
with events as (
    {{ deduplicated_events(['sub_order_intercepted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as intercepted_at,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'action') }} as {{ dbt.type_string() }}) as action,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'actor_id') }} as {{ dbt.type_string() }}) as actor_user_id,
    cast(coalesce({{ json_text('payload', 'refunded_cents') }}, '0') as bigint)
        as refunded_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
