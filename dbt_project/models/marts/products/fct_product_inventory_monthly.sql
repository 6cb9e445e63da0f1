-- Per calendar month (UTC) and SKU: units sold against the units on hand, all locations
-- together. The cost of goods is not recorded anywhere, so turnover is in units, not money:
--   inventory_turnover = units sold / average units on hand
--   days_of_inventory  = period days / turnover = unit-days on hand / units sold
--   sell_through_rate  = units sold / (units sold + units on hand at the period's end)
-- The period's days are the days of the month the SKU has stock positions for (from its
-- first stock movement, up to the warehouse's latest day), so a month still running, or
-- the month a SKU was first stocked, counts only its days.
with daily_stock as (
    select
        position_date,
        sku_id,
        max(product_id) as product_id,
        sum(on_hand) as on_hand
    from {{ ref('fct_daily_stock_positions') }}
    group by position_date, sku_id
),

stock as (
    select
        cast({{ dbt.date_trunc('month', 'position_date') }} as date) as period_month,
        sku_id,
        max(product_id) as product_id,
        count(*) as period_days,
        sum(on_hand) as on_hand_days,
        max(position_date) as last_position_date
    from daily_stock
    group by cast({{ dbt.date_trunc('month', 'position_date') }} as date), sku_id
),

stock_at_end as (
    select
        stock.period_month,
        stock.sku_id,
        daily_stock.on_hand as on_hand_end
    from stock
    inner join daily_stock
        on stock.sku_id = daily_stock.sku_id
        and stock.last_position_date = daily_stock.position_date
),

sales as (
    select
        cast({{ dbt.date_trunc('month', 'sales_date') }} as date) as period_month,
        sku_id,
        max(product_id) as product_id,
        sum(units_sold) as units_sold
    from {{ ref('fct_product_sales_daily') }}
    group by cast({{ dbt.date_trunc('month', 'sales_date') }} as date), sku_id
),

keys as (
    select period_month, sku_id from stock
    union
    select period_month, sku_id from sales
)

select
    keys.period_month,
    keys.sku_id,
    cast(coalesce(stock.product_id, sales.product_id) as {{ dbt.type_string() }}) as product_id,
    cast(coalesce(sales.units_sold, 0) as bigint) as units_sold,
    cast(stock.period_days as bigint) as period_days,
    cast(cast(stock.on_hand_days as double) / stock.period_days as double) as avg_on_hand,
    cast(stock_at_end.on_hand_end as bigint) as on_hand_end,
    cast(
        case
            when stock.on_hand_days > 0
                then cast(coalesce(sales.units_sold, 0) as double) * stock.period_days
                    / stock.on_hand_days
        end
        as double
    ) as inventory_turnover,
    cast(
        case
            when coalesce(sales.units_sold, 0) > 0 and stock.on_hand_days is not null
                then cast(stock.on_hand_days as double) / sales.units_sold
        end
        as double
    ) as days_of_inventory,
    cast(
        case
            when coalesce(sales.units_sold, 0) + stock_at_end.on_hand_end > 0
                then cast(coalesce(sales.units_sold, 0) as double)
                    / (coalesce(sales.units_sold, 0) + stock_at_end.on_hand_end)
        end
        as double
    ) as sell_through_rate
from keys
left join stock on keys.period_month = stock.period_month and keys.sku_id = stock.sku_id
left join stock_at_end
    on keys.period_month = stock_at_end.period_month and keys.sku_id = stock_at_end.sku_id
left join sales on keys.period_month = sales.period_month and keys.sku_id = sales.sku_id
