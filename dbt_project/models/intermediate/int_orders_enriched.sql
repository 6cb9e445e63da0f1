with orders as (
    select * from {{ ref('stg_oltp__orders') }}
),

item_counts as (
    select
        order_id,
        sum(quantity) as item_count
    from {{ ref('stg_oltp__order_items') }}
    group by order_id
)

select
    orders.*,
    cast(coalesce(item_counts.item_count, 0) as bigint) as item_count,
    orders.paid_at is not null as is_paid,
    cast(orders.created_at as date) as order_date,
    cast(orders.paid_at as date) as paid_date
from orders
left join item_counts on orders.order_id = item_counts.order_id
