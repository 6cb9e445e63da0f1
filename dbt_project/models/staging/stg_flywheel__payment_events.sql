-- Every step of every payment attempt, one row per event, payment_event saying which:
--   started     payment_started: the shopper chose a channel and the attempt began
--   authorized  payment_authorized: the provider approved the money (a card after its
--               challenge); capture follows
--   captured    payment_captured: the provider took the money
--   paid        order_paid: that money paid its order
--   failed      payment_failed: declined, abandoned (superseded) or unknown to the channel
--   refund_due  payment_refund_due: captured money the order cannot keep, owed back
-- A capture is followed by paid or refund_due. payment_failed, order_paid and
-- payment_refund_due are the order side's events and name no channel (channel is NULL);
-- the payment's channel is on its other events.
with events as (
    {{ deduplicated_events(['payment_started', 'payment_authorized', 'payment_captured',
                            'order_paid', 'payment_failed', 'payment_refund_due']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'payment_started' then 'started'
            when 'payment_authorized' then 'authorized'
            when 'payment_captured' then 'captured'
            when 'order_paid' then 'paid'
            when 'payment_failed' then 'failed'
            when 'payment_refund_due' then 'refund_due'
        end as {{ dbt.type_string() }}
    ) as payment_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'payment_id') }} as {{ dbt.type_string() }}) as payment_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'provider_reference') }} as {{ dbt.type_string() }}) as provider_reference,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
