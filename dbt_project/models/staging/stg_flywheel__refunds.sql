-- refund_succeeded events: money given back through the channel of one payment. A refund
-- drawing on several payments emits one event per payment with the same refund_id, so
-- (refund_id, payment_id) identifies what was given back. reason is the code the refund
-- was made under (e.g. intercepted, refund_due, or an after-sales reason).
with events as (
    {{ deduplicated_events(['refund_succeeded']) }}
)

select
    cast(event_id as varchar) as event_id,
    cast(occurred_at as timestamp) as refunded_at,
    cast(user_id as varchar) as user_id,
    cast({{ json_text('payload', 'refund_id') }} as varchar) as refund_id,
    cast({{ json_text('payload', 'payment_id') }} as varchar) as payment_id,
    cast({{ json_text('payload', 'order_id') }} as varchar) as order_id,
    cast({{ json_text('payload', 'channel') }} as varchar) as channel,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as varchar) as currency,
    cast({{ json_text('payload', 'reason') }} as varchar) as reason,
    cast({{ json_text('payload', 'provider_reference') }} as varchar) as provider_reference
from events
