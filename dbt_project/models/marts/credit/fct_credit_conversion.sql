-- Orders placed per day and currency by shoppers who held an approved credit line when
-- they ordered, against the other shoppers' orders, and how many of each were paid
-- (definitions in _credit.yml).
with holders as (
    select user_id, min(decided_at) as approved_at
    from {{ ref('stg_flywheel__credit_applications') }}
    where decision = 'approved'
    group by user_id
),

orders as (
    select
        cast(orders.created_at as date) as order_date,
        orders.currency,
        case when holders.approved_at <= orders.created_at then 1 else 0 end as holder,
        case when orders.paid_at is not null then 1 else 0 end as paid
    from {{ ref('stg_oltp__orders') }} as orders
    left join holders on holders.user_id = orders.user_id
),

days as (
    select
        order_date,
        currency,
        sum(holder) as holder_orders,
        sum(holder * paid) as holder_paid,
        sum(1 - holder) as other_orders,
        sum((1 - holder) * paid) as other_paid
    from orders
    group by order_date, currency
)

select
    order_date,
    currency,
    cast(holder_orders as bigint) as line_holder_orders,
    cast(holder_paid as bigint) as line_holder_paid_orders,
    cast(case when holder_orders = 0 then null
              else cast(holder_paid as double) / cast(holder_orders as double)
         end as double) as line_holder_conversion,
    cast(other_orders as bigint) as other_orders,
    cast(other_paid as bigint) as other_paid_orders,
    cast(case when other_orders = 0 then null
              else cast(other_paid as double) / cast(other_orders as double)
         end as double) as other_conversion
from days
