-- Days of cover per SKU and location: the stock on hand at the OLTP snapshot over the mean
-- units paid per day of the last cover_window_days days of the demand mart.
{% set window_days = var('replenishment_cover_window_days', 28) %}

with demand as (
    select * from {{ ref('fct_sku_daily_demand') }}
),

latest as (
    select max(demand_date) as last_date from demand
),

recent as (
    select
        demand.sku_id,
        demand.warehouse_id,
        sum(demand.units_paid) as units_paid,
        count(*) as days_observed
    from demand
    cross join latest
    where demand.demand_date > {{ dbt.dateadd('day', -window_days, 'latest.last_date') }}
    group by demand.sku_id, demand.warehouse_id
),

stock as (
    select sku_id, warehouse_id, on_hand, reserved, sellable
    from {{ ref('stg_oltp__stock_levels') }}
),

measured as (
    select
        stock.sku_id,
        stock.warehouse_id,
        stock.on_hand,
        stock.reserved,
        stock.sellable,
        coalesce(recent.units_paid, 0) as units_paid,
        -- a series younger than the window is averaged over the days it has
        coalesce(recent.days_observed, 0) as days_observed
    from stock
    left join recent
        on stock.sku_id = recent.sku_id and stock.warehouse_id = recent.warehouse_id
)

select
    sku_id,
    warehouse_id,
    cast(on_hand as bigint) as on_hand,
    cast(reserved as bigint) as reserved,
    cast(sellable as bigint) as sellable,
    cast(units_paid as bigint) as units_paid_in_window,
    cast(days_observed as bigint) as days_observed,
    cast({{ window_days }} as integer) as window_days,
    cast(
        case when days_observed > 0 then cast(units_paid as double) / days_observed end
        as double
    ) as mean_daily_demand,
    cast(
        -- doubles, not decimals: Spark rounds a decimal quotient to 6 places
        case when units_paid > 0 then cast(on_hand as double) * days_observed / units_paid end
        as double
    ) as days_of_cover
from measured
