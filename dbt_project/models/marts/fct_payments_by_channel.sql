-- Daily payment activity per channel and currency, each figure dated by the UTC day it
-- happened: attempts started, attempts that paid their order, failures, the minutes from
-- start to paid, money captured and money refunded through the channel.
with payments as (
    select * from {{ ref('int_payments_lifecycle') }}
),

activity as (
    select
        cast(started_at as date) as payment_date, channel, currency,
        1 as started, 0 as succeeded, 0 as failed, cast(null as double) as minutes_to_pay,
        0 as captured_cents, 0 as refunded_cents
    from payments
    where started_at is not null

    union all

    select
        cast(paid_at as date), channel, currency,
        0, 1, 0, minutes_to_pay,
        0, 0
    from payments
    where paid_at is not null

    union all

    select
        cast(failed_at as date), channel, currency,
        0, 0, 1, cast(null as double),
        0, 0
    from payments
    where failed_at is not null

    union all

    select
        cast(captured_at as date), channel, currency,
        0, 0, 0, cast(null as double),
        amount_cents, 0
    from payments
    where captured_at is not null

    union all

    select
        cast(refunded_at as date), channel, currency,
        0, 0, 0, cast(null as double),
        0, amount_cents
    from {{ ref('int_refunds') }}
    where refund_status = 'refunded'
)

select
    payment_date,
    channel,
    currency,
    cast(sum(started) as bigint) as payments_started,
    cast(sum(succeeded) as bigint) as payments_succeeded,
    cast(sum(failed) as bigint) as payments_failed,
    cast(
        case when sum(succeeded) + sum(failed) = 0 then null
        else sum(succeeded) / cast(sum(succeeded) + sum(failed) as double) end
        as double
    ) as success_rate,
    cast({{ percentile('minutes_to_pay', 0.5) }} as double) as median_minutes_to_pay,
    cast({{ percentile('minutes_to_pay', 0.9) }} as double) as p90_minutes_to_pay,
    cast(sum(captured_cents) as bigint) as captured_cents,
    cast(sum(refunded_cents) as bigint) as refunded_cents
from activity
group by payment_date, channel, currency
