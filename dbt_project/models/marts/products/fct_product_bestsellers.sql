-- Bestsellers per calendar month (UTC) and currency: each SKU's units and revenue, its rank
-- among SKUs, and its product's totals and rank among products. Ranks are competition
-- ranks (rank()): equal revenue shares a rank and the next one skips.
with monthly as (
    select
        cast({{ dbt.date_trunc('month', 'sales_date') }} as date) as period_month,
        currency,
        sku_id,
        max(product_id) as product_id,
        sum(units_sold) as units_sold,
        sum(orders) as orders,
        sum(revenue_cents) as revenue_cents
    from {{ ref('fct_product_sales_daily') }}
    group by cast({{ dbt.date_trunc('month', 'sales_date') }} as date), currency, sku_id
),

products as (
    select
        period_month,
        currency,
        product_id,
        sum(units_sold) as product_units_sold,
        sum(revenue_cents) as product_revenue_cents
    from monthly
    group by period_month, currency, product_id
),

products_ranked as (
    select
        *,
        rank() over (
            partition by period_month, currency order by product_revenue_cents desc
        ) as product_revenue_rank,
        rank() over (
            partition by period_month, currency order by product_units_sold desc
        ) as product_units_rank
    from products
)

select
    monthly.period_month,
    monthly.currency,
    monthly.sku_id,
    monthly.product_id,
    cast(catalog_products.product_name as {{ dbt.type_string() }}) as product_name,
    cast(skus.sku_name as {{ dbt.type_string() }}) as sku_name,
    cast(monthly.units_sold as bigint) as units_sold,
    cast(monthly.orders as bigint) as orders,
    cast(monthly.revenue_cents as bigint) as revenue_cents,
    cast(
        rank() over (
            partition by monthly.period_month, monthly.currency
            order by monthly.revenue_cents desc
        ) as bigint
    ) as revenue_rank,
    cast(
        rank() over (
            partition by monthly.period_month, monthly.currency
            order by monthly.units_sold desc
        ) as bigint
    ) as units_rank,
    cast(products_ranked.product_units_sold as bigint) as product_units_sold,
    cast(products_ranked.product_revenue_cents as bigint) as product_revenue_cents,
    cast(products_ranked.product_revenue_rank as bigint) as product_revenue_rank,
    cast(products_ranked.product_units_rank as bigint) as product_units_rank
from monthly
inner join products_ranked
    on monthly.period_month = products_ranked.period_month
    and monthly.currency = products_ranked.currency
    and monthly.product_id = products_ranked.product_id
left join {{ ref('stg_oltp__skus') }} as skus on monthly.sku_id = skus.sku_id
left join {{ ref('stg_oltp__products') }} as catalog_products
    on monthly.product_id = catalog_products.product_id
