-- One row per flash sale: what it offered, what the crowd asked for, what sold and what it
-- cost. A unit is sold when its reservation's order is paid; the discount is what the
-- flash price gave away against the list price on those units.
with sales as (
    select * from {{ ref('stg_flywheel__flash_sales') }}
),

reservations as (
    select * from {{ ref('stg_flywheel__flash_reservations') }}
),

paid as (
    select distinct order_id
    from {{ ref('stg_flywheel__payment_events') }}
    where payment_event = 'paid'
),

ordered as (
    select
        r.sale_id,
        r.token,
        r.order_id,
        r.quantity,
        r.reserved_at,
        case when paid.order_id is not null then r.quantity else 0 end as paid_units
    from reservations as r
    left join paid on paid.order_id = r.order_id
    where r.reservation_event = 'ordered'
),

per_sale as (
    select
        sale_id,
        count(*) as reservations_ordered,
        sum(quantity) as units_ordered,
        sum(paid_units) as units_sold,
        min(reserved_at) as first_reserved_at,
        max(reserved_at) as last_reserved_at
    from ordered
    group by sale_id
),

released as (
    select
        sale_id,
        sum(quantity) as units_released,
        sum(case when to_pool then quantity else 0 end) as units_back_to_pool
    from reservations
    where reservation_event = 'released'
    group by sale_id
)

select
    sales.sale_id,
    sales.sale_name,
    sales.sku_id,
    sales.merchant_id,
    sales.currency,
    sales.list_price_cents,
    sales.flash_price_cents,
    sales.quantity,
    sales.per_user_limit,
    sales.starts_at,
    sales.ends_at,
    cast(sales.end_status as {{ dbt.type_string() }}) as end_status,
    coalesce(sales.requests, 0) as requests,
    coalesce(sales.sold_out_answers, 0) as sold_out_answers,
    coalesce(sales.rate_limited_answers, 0) as rate_limited_answers,
    cast(coalesce(per_sale.reservations_ordered, 0) as bigint) as reservations_ordered,
    cast(coalesce(per_sale.units_ordered, 0) as bigint) as units_ordered,
    cast(coalesce(released.units_released, 0) as bigint) as units_released,
    cast(coalesce(released.units_back_to_pool, 0) as bigint) as units_back_to_pool,
    cast(coalesce(per_sale.units_sold, 0) as bigint) as units_sold,
    cast(coalesce(per_sale.units_sold, 0) as double) / sales.quantity as sell_through,
    per_sale.first_reserved_at,
    sales.sold_out_at,
    case
        when sales.sold_out_at is not null
            then cast({{ dbt.datediff('sales.starts_at', 'sales.sold_out_at', 'second') }}
                      as bigint)
    end as seconds_to_sell_out,
    cast(coalesce(per_sale.units_sold, 0) * sales.flash_price_cents as bigint)
        as flash_revenue_cents,
    cast(coalesce(per_sale.units_sold, 0) * (sales.list_price_cents - sales.flash_price_cents)
         as bigint) as flash_discount_cents,
    sales.reconciled
from sales
left join per_sale on per_sale.sale_id = sales.sale_id
left join released on released.sale_id = sales.sale_id
