-- Each merchant's day: sales of its paid sub-orders, after-sales refunds and requests, how
-- fast it shipped, from fct_sub_orders and fct_after_sales (not re-derived here), and the
-- commission settlement booked that day.
with sub_orders as (
    select * from {{ ref('fct_sub_orders') }}
),

after_sales as (
    select * from {{ ref('fct_after_sales') }}
),

paid as (
    select
        merchant_id,
        currency,
        cast(paid_at as date) as activity_date,
        sum(total_cents) as gmv_cents,
        count(*) as paid_sub_orders
    from sub_orders
    where paid_at is not null
    group by merchant_id, currency, cast(paid_at as date)
),

shipped as (
    select
        merchant_id,
        currency,
        cast(shipped_at as date) as activity_date,
        count(*) as sub_orders_shipped,
        avg(hours_to_ship) as mean_hours_to_ship
    from sub_orders
    where shipped_at is not null and paid_at is not null
    group by merchant_id, currency, cast(shipped_at as date)
),

requests as (
    select
        merchant_id,
        currency,
        requested_date as activity_date,
        count(*) as after_sales_requests
    from after_sales
    group by merchant_id, currency, requested_date
),

refunds as (
    select
        merchant_id,
        currency,
        cast(refunded_at as date) as activity_date,
        sum(refunded_cents) as refund_cents
    from after_sales
    where refunded_at is not null
    group by merchant_id, currency, cast(refunded_at as date)
),

-- accrued at settlement less given back by refunds, on the day the entries were booked
commission as (
    select
        merchant_id,
        currency,
        cast(recorded_at as date) as activity_date,
        sum(commission_cents) as commission_cents
    from {{ ref('stg_flywheel__settlement_entries') }}
    group by merchant_id, currency, cast(recorded_at as date)
),

days as (
    select merchant_id, currency, activity_date from paid
    union
    select merchant_id, currency, activity_date from shipped
    union
    select merchant_id, currency, activity_date from requests
    union
    select merchant_id, currency, activity_date from refunds
    union
    select merchant_id, currency, activity_date from commission
)

select
    cast(days.merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(merchants.merchant_name as {{ dbt.type_string() }}) as merchant_name,
    cast(days.activity_date as date) as activity_date,
    cast(days.currency as {{ dbt.type_string() }}) as currency,
    cast(coalesce(paid.gmv_cents, 0) as bigint) as gmv_cents,
    cast(coalesce(refunds.refund_cents, 0) as bigint) as refund_cents,
    cast(coalesce(paid.gmv_cents, 0) - coalesce(refunds.refund_cents, 0) as bigint)
        as net_revenue_cents,
    cast(coalesce(paid.paid_sub_orders, 0) as bigint) as paid_sub_orders,
    cast(coalesce(requests.after_sales_requests, 0) as bigint) as after_sales_requests,
    cast(
        case
            when coalesce(paid.paid_sub_orders, 0) > 0
                then coalesce(requests.after_sales_requests, 0) * 1.0 / paid.paid_sub_orders
        end as double
    ) as after_sales_rate,
    cast(coalesce(shipped.sub_orders_shipped, 0) as bigint) as sub_orders_shipped,
    cast(shipped.mean_hours_to_ship as double) as mean_hours_to_ship,
    cast(coalesce(commission.commission_cents, 0) as bigint) as commission_cents
from days
left join paid
    on days.merchant_id = paid.merchant_id and days.currency = paid.currency
    and days.activity_date = paid.activity_date
left join shipped
    on days.merchant_id = shipped.merchant_id and days.currency = shipped.currency
    and days.activity_date = shipped.activity_date
left join requests
    on days.merchant_id = requests.merchant_id and days.currency = requests.currency
    and days.activity_date = requests.activity_date
left join refunds
    on days.merchant_id = refunds.merchant_id and days.currency = refunds.currency
    and days.activity_date = refunds.activity_date
left join commission
    on days.merchant_id = commission.merchant_id and days.currency = commission.currency
    and days.activity_date = commission.activity_date
left join {{ ref('stg_oltp__merchants') }} as merchants
    on days.merchant_id = merchants.merchant_id
