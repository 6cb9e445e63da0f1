-- Money the shop owes back to shoppers, one row per payment. The API marks a payment
-- refund_due at most once, so a second event for the same payment (whatever its event_id)
-- is a re-emission, not more money: the earliest one counts. Plain row_number() rather
-- than QUALIFY keeps this runnable on engines without QUALIFY (Spark).
with refund_events as (
    select
        event_id,
        order_id,
        {{ json_text('payload', 'payment_id') }} as payment_id,
        {{ json_text('payload', 'amount_cents') }} as amount_cents,
        {{ json_text('payload', 'currency') }} as currency,
        {{ json_text('payload', 'reason') }} as reason,
        occurred_at
    from {{ ref('stg_flywheel__events') }}
    where event_type = 'payment_refund_due'
),

ranked as (
    select
        *,
        row_number() over (
            partition by payment_id order by occurred_at, event_id
        ) as delivery_rank
    from refund_events
)

select
    order_id,
    payment_id,
    cast(amount_cents as bigint) as amount_cents,
    currency,
    reason,
    occurred_at as due_at,
    cast(occurred_at as date) as due_date
from ranked
where delivery_rank = 1
