-- One row per payment attempt, rebuilt from its events (stg_flywheel__payment_events): its
-- channel, money and when it started, was authorized, captured, paid its order, failed or
-- became owed back. Each step counts once per payment (its first event: a step re-emitted
-- under a new event_id adds nothing). Payments from before payment_started existed (only
-- order_paid / payment_failed / payment_refund_due) have no channel: 'unknown'.
with steps as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by payment_id, payment_event order by occurred_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__payment_events') }}
        where payment_id is not null
    ) as ranked
    where emission_rank = 1
),

payments as (
    select
        payment_id,
        max(order_id) as order_id,
        max(user_id) as user_id,
        max(channel) as channel,
        max(currency) as currency,
        coalesce(
            max(case when payment_event = 'started' then amount_cents end),
            max(case when payment_event = 'captured' then amount_cents end),
            max(amount_cents)
        ) as amount_cents,
        min(case when payment_event = 'started' then occurred_at end) as started_at,
        min(case when payment_event = 'authorized' then occurred_at end) as authorized_at,
        min(case when payment_event = 'captured' then occurred_at end) as captured_at,
        min(case when payment_event = 'paid' then occurred_at end) as paid_at,
        min(case when payment_event = 'failed' then occurred_at end) as failed_at,
        max(case when payment_event = 'failed' then reason end) as failure_reason,
        min(case when payment_event = 'refund_due' then occurred_at end) as refund_due_at,
        max(case when payment_event = 'refund_due' then reason end) as refund_due_reason
    from steps
    group by payment_id
)

select
    payment_id,
    order_id,
    user_id,
    coalesce(channel, 'unknown') as channel,
    currency,
    cast(amount_cents as bigint) as amount_cents,
    started_at,
    authorized_at,
    -- a payment older than payment_captured shows its capture only as order_paid
    coalesce(captured_at, paid_at) as captured_at,
    paid_at,
    failed_at,
    failure_reason,
    refund_due_at,
    refund_due_reason,
    cast(
        case
            when paid_at is not null then 'paid'
            when refund_due_at is not null then 'refund_due'
            when failed_at is not null then 'failed'
            else 'pending'
        end as {{ dbt.type_string() }}
    ) as outcome,
    cast({{ seconds_between('started_at', 'paid_at') }} / 60.0 as double) as minutes_to_pay
from payments
