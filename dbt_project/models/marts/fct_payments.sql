-- One row per payment attempt with its outcome, and the money captured and refunded on it.
with refunds as (
    select payment_id, sum(amount_cents) as refunded_cents
    from {{ ref('int_refunds') }}
    where refund_status = 'refunded'
    group by payment_id
)

select
    payments.payment_id,
    payments.order_id,
    payments.user_id,
    payments.channel,
    payments.currency,
    payments.amount_cents,
    payments.outcome,
    payments.started_at,
    payments.authorized_at,
    payments.captured_at,
    payments.paid_at,
    payments.failed_at,
    payments.failure_reason,
    payments.refund_due_at,
    payments.refund_due_reason,
    cast(coalesce(payments.started_at, payments.captured_at, payments.failed_at,
                  payments.refund_due_at) as date) as payment_date,
    payments.minutes_to_pay,
    cast(case when payments.captured_at is not null then payments.amount_cents else 0 end
         as bigint) as captured_cents,
    cast(coalesce(refunds.refunded_cents, 0) as bigint) as refunded_cents
from {{ ref('int_payments_lifecycle') }} as payments
left join refunds on payments.payment_id = refunds.payment_id
