-- ABC classes of products per calendar month (UTC) and currency, by revenue (Pareto).
-- Products are sorted by revenue, highest first (ties by product_id, so the order is
-- stable); a product's class depends on the share of revenue of the products BEFORE it:
-- below 80% -> A, below 95% -> B, else C. So the product that crosses 80% is A and the
-- one that crosses 95% is B. The comparisons are in integer cents (x 100 against the
-- total x 80), so a boundary met exactly is never lost to floating point.
with products as (
    select
        cast({{ dbt.date_trunc('month', 'sales_date') }} as date) as period_month,
        currency,
        product_id,
        sum(units_sold) as units_sold,
        sum(revenue_cents) as revenue_cents
    from {{ ref('fct_product_sales_daily') }}
    group by cast({{ dbt.date_trunc('month', 'sales_date') }} as date), currency, product_id
),

cumulated as (
    select
        *,
        row_number() over (
            partition by period_month, currency order by revenue_cents desc, product_id
        ) as revenue_rank,
        sum(revenue_cents) over (
            partition by period_month, currency order by revenue_cents desc, product_id
            rows between unbounded preceding and current row
        ) as cumulative_cents,
        sum(revenue_cents) over (partition by period_month, currency) as total_cents
    from products
    where revenue_cents > 0
)

select
    period_month,
    currency,
    product_id,
    cast(units_sold as bigint) as units_sold,
    cast(revenue_cents as bigint) as revenue_cents,
    cast(revenue_rank as bigint) as revenue_rank,
    cast(cumulative_cents as bigint) as cumulative_revenue_cents,
    cast(total_cents as bigint) as period_revenue_cents,
    cast(cast(revenue_cents as double) / total_cents as double) as revenue_share,
    cast(cast(cumulative_cents - revenue_cents as double) / total_cents as double)
        as cumulative_share_before,
    cast(cast(cumulative_cents as double) / total_cents as double) as cumulative_share,
    cast(
        case
            when (cumulative_cents - revenue_cents) * 100 < total_cents * 80 then 'A'
            when (cumulative_cents - revenue_cents) * 100 < total_cents * 95 then 'B'
            else 'C'
        end
        as {{ dbt.type_string() }}
    ) as abc_class
from cumulated
