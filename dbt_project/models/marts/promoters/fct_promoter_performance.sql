-- Each promoter's day: buyers bound, referred orders and their value, and what the
-- commissions cost (accrued less reversed), in one currency.
{% set currency = var('promoters_currency', 'USD') %}

with activity as (
    select * from {{ ref('stg_flywheel__promoter_activity') }}
),

paid as (
    select order_id, max(amount_cents) as paid_cents
    from {{ ref('stg_flywheel__payment_events') }}
    where payment_event = 'paid' and currency = '{{ currency }}'
    group by order_id
),

daily as (
    select
        promoter_id,
        cast(occurred_at as date) as activity_date,
        activity,
        buyer_id,
        order_id,
        commission_level,
        case when currency = '{{ currency }}' then amount_cents else 0 end as amount_cents
    from activity
),

referred_orders as (
    -- an order counts on the day its level-1 commission accrued
    select distinct promoter_id, activity_date, order_id
    from daily
    where activity = 'accrued' and commission_level = 1
),

gmv as (
    select
        referred_orders.promoter_id,
        referred_orders.activity_date,
        count(*) as orders,
        sum(coalesce(paid.paid_cents, 0)) as gmv_cents
    from referred_orders
    left join paid on paid.order_id = referred_orders.order_id
    group by referred_orders.promoter_id, referred_orders.activity_date
),

money as (
    select
        promoter_id,
        activity_date,
        count(distinct case when activity = 'bound' then buyer_id end) as bound_buyers,
        sum(case when activity = 'accrued' then amount_cents else 0 end)
            as commission_accrued_cents,
        sum(case when activity = 'accrued' and commission_level = 2 then amount_cents
                 else 0 end) as level2_accrued_cents,
        sum(case when activity = 'held' then amount_cents else 0 end) as commission_held_cents,
        sum(case when activity = 'reversed' then amount_cents else 0 end)
            as commission_reversed_cents,
        sum(case when activity = 'matured' then amount_cents else 0 end)
            as commission_matured_cents
    from daily
    group by promoter_id, activity_date
)

select
    cast(money.promoter_id as {{ dbt.type_string() }}) as promoter_id,
    cast(money.activity_date as date) as activity_date,
    cast(money.bound_buyers as bigint) as bound_buyers,
    cast(coalesce(gmv.orders, 0) as bigint) as orders,
    cast(coalesce(gmv.gmv_cents, 0) as bigint) as gmv_cents,
    cast(money.commission_accrued_cents as bigint) as commission_accrued_cents,
    cast(money.level2_accrued_cents as bigint) as level2_accrued_cents,
    cast(money.commission_held_cents as bigint) as commission_held_cents,
    cast(money.commission_reversed_cents as bigint) as commission_reversed_cents,
    cast(money.commission_matured_cents as bigint) as commission_matured_cents,
    cast(money.commission_accrued_cents - money.commission_reversed_cents as bigint)
        as net_commission_cost_cents,
    cast('{{ currency }}' as {{ dbt.type_string() }}) as currency
from money
left join gmv
    on gmv.promoter_id = money.promoter_id
    and gmv.activity_date = money.activity_date
