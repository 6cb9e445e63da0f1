-- Money given back, one row per refund and payment it drew on (refund_succeeded; a refund
-- re-emitted under a new event_id counts once), and money still owed back: a payment whose
-- captured money became due back (int_refunds_due) and that refunds have not fully repaid
-- yet gets one 'owed' row for the rest.
--
-- refund_kind says why the money went back:
--   owed_back     it repays a payment that became due back (captured after it failed, for
--                 an order that could not take it, virtual goods that failed): a refund on
--                 that payment at or after it fell due, and the outstanding rows
--   interception  an operator cancelled the paid sub-order (refund reason 'intercepted')
--   after_sales   an after-sales request's refund (after_sales_refunded names the refund)
--   other         anything else (an operator's refund)
-- is_revenue_refund: money that counted in GMV (the payment paid its order) given back,
-- except what fct_daily_kpis already counts as a cancellation after payment at the
-- sub-order's total: interception refunds, after-sales refunds of a sub-order that ended
-- cancelled (refund only, before shipping), and repaying failed virtual goods of an order
-- whose virtual sub-order was cancelled for it. fct_daily_kpis deducts exactly these.
with given as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by refund_id, payment_id order by refunded_at, event_id
            ) as emission_rank
        from {{ ref('stg_flywheel__refunds') }}
    ) as ranked
    where emission_rank = 1
),

owed as (
    select * from {{ ref('int_refunds_due') }}
),

payments as (
    select payment_id, channel, paid_at
    from {{ ref('int_payments_lifecycle') }}
),

orders as (
    select order_id, user_id, paid_at
    from {{ ref('int_orders_enriched') }}
),

after_sales as (
    select refund_id, max(request_id) as request_id, max(sub_order_id) as sub_order_id
    from {{ ref('stg_flywheel__after_sales_refunds') }}
    group by refund_id
),

after_sales_requests as (
    select request_id, reason_code, requested_at
    from {{ ref('int_after_sales_requests') }}
),

sub_orders as (
    select sub_order_id, order_id, cancel_reason, is_cancelled_after_payment
    from {{ ref('int_sub_orders_lifecycle') }}
),

orders_with_failed_virtual_goods as (
    select distinct order_id
    from sub_orders
    where is_cancelled_after_payment and cancel_reason = 'virtual_fulfilment_failed'
),

given_classified as (
    select
        given.refund_id,
        given.payment_id,
        given.order_id,
        given.user_id,
        given.channel,
        given.currency,
        given.amount_cents,
        given.refunded_at,
        case
            when owed.due_at is not null then 'owed_back'
            when given.reason = 'intercepted' then 'interception'
            when after_sales.refund_id is not null then 'after_sales'
            else 'other'
        end as refund_kind,
        coalesce(owed.reason, after_sales_requests.reason_code, given.reason) as reason_code,
        coalesce(owed.due_at, after_sales_requests.requested_at) as requested_at,
        owed.due_at,
        payments.paid_at is not null
            and given.reason <> 'intercepted'
            and not coalesce(sub_orders.is_cancelled_after_payment, false)
            and not (
                owed.reason = 'virtual_fulfilment_failed'
                and failed_virtual.order_id is not null
            ) as is_revenue_refund
    from given
    left join owed
        on given.payment_id = owed.payment_id and given.refunded_at >= owed.due_at
    left join payments on given.payment_id = payments.payment_id
    left join after_sales on given.refund_id = after_sales.refund_id
    left join after_sales_requests on after_sales.request_id = after_sales_requests.request_id
    left join sub_orders on after_sales.sub_order_id = sub_orders.sub_order_id
    left join orders_with_failed_virtual_goods as failed_virtual
        on given.order_id = failed_virtual.order_id
),

repaid as (
    select payment_id, sum(amount_cents) as repaid_cents
    from given_classified
    where due_at is not null
    group by payment_id
),

outstanding as (
    select
        owed.payment_id,
        owed.order_id,
        owed.currency,
        owed.amount_cents - coalesce(repaid.repaid_cents, 0) as amount_cents,
        owed.reason,
        owed.due_at
    from owed
    left join repaid on owed.payment_id = repaid.payment_id
    where owed.amount_cents > coalesce(repaid.repaid_cents, 0)
),

unioned as (
    select
        refund_id || ':' || payment_id as refund_key,
        refund_id,
        payment_id,
        order_id,
        user_id,
        channel,
        currency,
        amount_cents,
        'refunded' as refund_status,
        refund_kind,
        reason_code,
        is_revenue_refund,
        requested_at,
        refunded_at
    from given_classified

    union all

    select
        'owed:' || outstanding.payment_id as refund_key,
        cast(null as {{ dbt.type_string() }}) as refund_id,
        outstanding.payment_id,
        outstanding.order_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        payments.channel,
        outstanding.currency,
        outstanding.amount_cents,
        'owed' as refund_status,
        'owed_back' as refund_kind,
        outstanding.reason as reason_code,
        false as is_revenue_refund,
        outstanding.due_at as requested_at,
        cast(null as timestamp) as refunded_at
    from outstanding
    left join payments on outstanding.payment_id = payments.payment_id
)

select
    cast(unioned.refund_key as {{ dbt.type_string() }}) as refund_key,
    cast(unioned.refund_id as {{ dbt.type_string() }}) as refund_id,
    cast(unioned.payment_id as {{ dbt.type_string() }}) as payment_id,
    cast(unioned.order_id as {{ dbt.type_string() }}) as order_id,
    cast(coalesce(unioned.user_id, orders.user_id) as {{ dbt.type_string() }}) as user_id,
    cast(coalesce(unioned.channel, 'unknown') as {{ dbt.type_string() }}) as channel,
    cast(unioned.currency as {{ dbt.type_string() }}) as currency,
    cast(unioned.amount_cents as bigint) as amount_cents,
    cast(unioned.refund_status as {{ dbt.type_string() }}) as refund_status,
    cast(unioned.refund_kind as {{ dbt.type_string() }}) as refund_kind,
    cast(unioned.reason_code as {{ dbt.type_string() }}) as reason_code,
    coalesce(unioned.is_revenue_refund, false) as is_revenue_refund,
    orders.paid_at as order_paid_at,
    unioned.requested_at,
    unioned.refunded_at,
    cast(coalesce(unioned.refunded_at, unioned.requested_at) as date) as refund_date,
    cast(
        {{ seconds_between('unioned.requested_at', 'unioned.refunded_at') }} / 3600.0
        as double
    ) as hours_to_resolve
from unioned
left join orders on unioned.order_id = orders.order_id
