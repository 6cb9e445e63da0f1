-- Installment uptake per day orders were paid and currency: how many paid orders were
-- paid on credit, and the average order value of credit orders against the others
-- (definitions in _credit.yml).
with paid as (
    select
        orders.order_id,
        orders.currency,
        cast(orders.paid_at as date) as paid_date,
        orders.total_cents,
        case when plans.plan_id is null then 0 else 1 end as on_credit
    from {{ ref('stg_oltp__orders') }} as orders
    left join {{ ref('stg_flywheel__installment_plans') }} as plans
        on plans.order_id = orders.order_id
    where orders.paid_at is not null
),

days as (
    select
        paid_date,
        currency,
        count(*) as paid_orders,
        sum(on_credit) as credit_orders,
        sum(case when on_credit = 1 then total_cents else 0 end) as credit_gmv_cents,
        sum(case when on_credit = 0 then total_cents else 0 end) as other_gmv_cents
    from paid
    group by paid_date, currency
)

select
    paid_date,
    currency,
    cast(paid_orders as bigint) as paid_orders,
    cast(credit_orders as bigint) as credit_orders,
    cast(paid_orders - credit_orders as bigint) as other_orders,
    cast(cast(credit_orders as double) / cast(paid_orders as double) as double) as credit_share,
    cast(credit_gmv_cents as bigint) as credit_gmv_cents,
    cast(other_gmv_cents as bigint) as other_gmv_cents,
    cast(case when credit_orders = 0 then null
              else cast(credit_gmv_cents as double) / cast(credit_orders as double)
         end as double) as credit_aov_cents,
    cast(case when paid_orders = credit_orders then null
              else cast(other_gmv_cents as double) / cast(paid_orders - credit_orders as double)
         end as double) as other_aov_cents,
    cast(case when credit_orders = 0 or paid_orders = credit_orders or other_gmv_cents = 0
              then null
              else (cast(credit_gmv_cents as double) / cast(credit_orders as double))
                   / (cast(other_gmv_cents as double) / cast(paid_orders - credit_orders as double))
                   - 1
         end as double) as aov_lift
from days
