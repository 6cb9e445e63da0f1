-- refund_succeeded events: money given back through the channel of one payment. A refund
-- drawing on several payments emits one event per payment with the same refund_id, so
-- (refund_id, payment_id) identifies what was given back. reason is the code the refund
-- was made under (e.g. intercepted, refund_due, or an after-sales reason).
with events as (
    {{ deduplicated_events(['refund_succeeded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as refunded_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'refund_id') }} as {{ dbt.type_string() }}) as refund_id,
    cast({{ json_text('payload', 'payment_id') }} as {{ dbt.type_string() }}) as payment_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'provider_reference') }} as {{ dbt.type_string() }}) as provider_reference
from events
