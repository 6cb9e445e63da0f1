-- A periodic snapshot built from the ledger: every (SKU, location) gets a row for each day
-- from its first movement to the warehouse's latest day, movements or not, so levels on
-- quiet days (slow movers) are rows too and averages over days need no gap filling.
with flows as (
    select * from {{ ref('int_stock_movements_aggregated_to_days') }}
),

stocked as (
    select
        sku_id,
        warehouse_id,
        min(movement_date) as first_date
    from flows
    group by sku_id, warehouse_id
),

-- The warehouse's latest day is the last day any landed event happened on, not the last
-- stock movement: a location without movements that day still has its level.
span as (
    select
        (select min(movement_date) from flows) as first_date,
        (select cast(max(occurred_at) as date) from {{ ref('stg_flywheel__events') }})
            as last_date
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
),

grid as (
    select
        stocked.sku_id,
        stocked.warehouse_id,
        days.day as position_date
    from stocked
    inner join days on days.day >= stocked.first_date
),

positions as (
    select
        grid.position_date,
        grid.sku_id,
        grid.warehouse_id,
        sum(coalesce(flows.on_hand_delta, 0)) over (
            partition by grid.sku_id, grid.warehouse_id order by grid.position_date
            rows between unbounded preceding and current row
        ) as on_hand,
        sum(coalesce(flows.reserved_delta, 0)) over (
            partition by grid.sku_id, grid.warehouse_id order by grid.position_date
            rows between unbounded preceding and current row
        ) as reserved,
        coalesce(flows.units_in, 0) as units_in,
        coalesce(flows.units_out, 0) as units_out,
        coalesce(flows.units_deducted, 0) as units_deducted,
        coalesce(flows.units_reserved, 0) as units_reserved,
        coalesce(flows.units_released, 0) as units_released,
        coalesce(flows.units_expired, 0) as units_expired,
        coalesce(flows.movements, 0) as movements
    from grid
    left join flows
        on grid.sku_id = flows.sku_id
        and grid.warehouse_id = flows.warehouse_id
        and grid.position_date = flows.movement_date
)

select
    positions.position_date,
    positions.sku_id,
    positions.warehouse_id,
    skus.product_id,
    cast(positions.on_hand as bigint) as on_hand,
    cast(positions.reserved as bigint) as reserved,
    cast(positions.on_hand - positions.reserved as bigint) as sellable,
    cast(positions.units_in as bigint) as units_in,
    cast(positions.units_out as bigint) as units_out,
    cast(positions.units_deducted as bigint) as units_deducted,
    cast(positions.units_reserved as bigint) as units_reserved,
    cast(positions.units_released as bigint) as units_released,
    cast(positions.units_expired as bigint) as units_expired,
    cast(positions.movements as bigint) as movements
from positions
left join {{ ref('stg_oltp__skus') }} as skus on positions.sku_id = skus.sku_id
