-- Paid orders per UTC order day, storefront market and order currency, with GMV in the
-- order's currency and in the base currency at each order's own rate (definitions in
-- _markets.yml).
with orders as (
    select order_id, order_date, currency, total_cents + points_discount_cents as gmv_minor
    from {{ ref('int_orders_enriched') }}
    where is_paid
),

fixed as (
    select * from {{ ref('stg_flywheel__order_currencies') }}
),

priced as (
    select
        orders.order_id,
        orders.order_date,
        coalesce(fixed.market_code, 'base') as market_code,
        orders.currency,
        coalesce(fixed.base_currency, orders.currency) as base_currency,
        orders.gmv_minor,
        coalesce(fixed.fx_rate_e9, 1000000000) as fx_rate_e9,
        -- minor units of the base currency per minor unit of the order's, as 10^d
        coalesce(fixed.base_minor_units - fixed.minor_units, 0) as unit_shift
    from orders
    left join fixed on orders.order_id = fixed.order_id
),

converted as (
    select
        priced.*,
        cast(round(
            cast(gmv_minor as decimal(38, 0)) * fx_rate_e9
            * (case when unit_shift > 0 then {{ markets_pow10('unit_shift') }} else 1 end)
            / (cast(1000000000 as decimal(38, 0))
               * (case when unit_shift < 0 then {{ markets_pow10('-unit_shift') }} else 1 end)),
            0) as bigint) as gmv_base_minor
    from priced
)

select
    cast(order_date as date) as order_date,
    cast(market_code as {{ dbt.type_string() }}) as market_code,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(base_currency as {{ dbt.type_string() }}) as base_currency,
    cast(count(*) as bigint) as orders,
    cast(sum(gmv_minor) as bigint) as gmv_minor,
    cast(sum(gmv_base_minor) as bigint) as gmv_base_minor
from converted
group by order_date, market_code, currency, base_currency
