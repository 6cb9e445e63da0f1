-- SKUs that hold stock and do not sell, as of the warehouse's latest day (the last day of
-- fct_daily_stock_positions): on hand > 0 (all locations) that day, no paid sale in the
-- var('slow_mover_days') = N days ending that day, and stock on hand since at least N days
-- before it (a SKU received last week is new, not slow).
{% set slow_days = var('slow_mover_days', 30) | int %}
with as_of as (
    select max(position_date) as as_of_date
    from {{ ref('fct_daily_stock_positions') }}
),

daily_stock as (
    select
        positions.position_date,
        positions.sku_id,
        max(positions.product_id) as product_id,
        sum(positions.on_hand) as on_hand
    from {{ ref('fct_daily_stock_positions') }} as positions
    group by positions.position_date, positions.sku_id
),

stocked as (
    select
        daily_stock.sku_id,
        max(daily_stock.product_id) as product_id,
        min(case when daily_stock.on_hand > 0 then daily_stock.position_date end)
            as first_stocked_date,
        sum(case when daily_stock.position_date = as_of.as_of_date then daily_stock.on_hand end)
            as on_hand
    from daily_stock
    cross join as_of
    group by daily_stock.sku_id
),

last_sales as (
    select
        lines.sku_id,
        max(lines.paid_date) as last_sold_date
    from {{ ref('int_order_lines_paid') }} as lines
    cross join as_of
    where lines.paid_date <= as_of.as_of_date
    group by lines.sku_id
),

measured as (
    select
        as_of.as_of_date,
        stocked.sku_id,
        stocked.product_id,
        stocked.on_hand,
        stocked.first_stocked_date,
        {{ dbt.datediff('stocked.first_stocked_date', 'as_of.as_of_date', 'day') }}
            as days_in_stock,
        last_sales.last_sold_date,
        {{ dbt.datediff('last_sales.last_sold_date', 'as_of.as_of_date', 'day') }}
            as days_since_last_sale
    from stocked
    cross join as_of
    left join last_sales on stocked.sku_id = last_sales.sku_id
    where stocked.on_hand > 0
)

select
    measured.sku_id,
    cast(measured.product_id as {{ dbt.type_string() }}) as product_id,
    cast(catalog_products.product_name as {{ dbt.type_string() }}) as product_name,
    cast(skus.sku_name as {{ dbt.type_string() }}) as sku_name,
    cast(measured.as_of_date as date) as as_of_date,
    cast(measured.on_hand as bigint) as on_hand,
    cast(measured.first_stocked_date as date) as first_stocked_date,
    cast(measured.days_in_stock as bigint) as days_in_stock,
    cast(measured.last_sold_date as date) as last_sold_date,
    cast(measured.days_since_last_sale as bigint) as days_since_last_sale,
    cast({{ slow_days }} as bigint) as slow_mover_days
from measured
left join {{ ref('stg_oltp__skus') }} as skus on measured.sku_id = skus.sku_id
left join {{ ref('stg_oltp__products') }} as catalog_products
    on measured.product_id = catalog_products.product_id
where measured.days_in_stock >= {{ slow_days }}
    and (measured.days_since_last_sale is null or measured.days_since_last_sale >= {{ slow_days }})
