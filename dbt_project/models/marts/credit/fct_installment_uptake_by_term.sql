-- Orders paid on credit per day, currency and term (definitions in _credit.yml).
with credit as (
    select
        cast(orders.paid_at as date) as paid_date,
        orders.currency,
        plans.term_months,
        orders.total_cents
    from {{ ref('stg_flywheel__installment_plans') }} as plans
    inner join {{ ref('stg_oltp__orders') }} as orders
        on orders.order_id = plans.order_id
    where orders.paid_at is not null
),

paid as (
    select cast(paid_at as date) as paid_date, currency, count(*) as paid_orders
    from {{ ref('stg_oltp__orders') }}
    where paid_at is not null
    group by cast(paid_at as date), currency
)

select
    credit.paid_date,
    credit.currency,
    credit.term_months,
    cast(count(*) as bigint) as credit_orders,
    cast(sum(credit.total_cents) as bigint) as credit_gmv_cents,
    cast(cast(sum(credit.total_cents) as double) / cast(count(*) as double) as double)
        as credit_aov_cents,
    cast(cast(count(*) as double) / cast(max(paid.paid_orders) as double) as double)
        as share_of_paid_orders
from credit
inner join paid on paid.paid_date = credit.paid_date and paid.currency = credit.currency
group by credit.paid_date, credit.currency, credit.term_months
