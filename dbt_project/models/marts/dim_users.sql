with orders as (
    select
        user_id,
        min(created_at) as first_order_at,
        max(created_at) as last_order_at,
        count(*) filter (where is_paid) as paid_orders,
        coalesce(sum(total_cents) filter (where is_paid), 0) as lifetime_value_cents
    from {{ ref('int_orders_enriched') }}
    group by user_id
)

select
    users.user_id,
    users.role,
    users.created_at,
    orders.first_order_at,
    orders.last_order_at,
    cast(coalesce(orders.paid_orders, 0) as bigint) as paid_orders,
    cast(coalesce(orders.lifetime_value_cents, 0) as bigint) as lifetime_value_cents
from {{ ref('stg_oltp__users') }} as users
left join orders on users.user_id = orders.user_id
