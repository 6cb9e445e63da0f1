-- Units paid per day per SKU and location, zero-filled: every (SKU, location) has a row for
-- each day from its first paid unit to the warehouse's latest day, so a forecast reads a
-- regular series (a day without sales is a 0, not a missing row).
with created as (
    -- the first sub_order_created of a sub-order: one re-emitted under a new event_id
    -- counts once (as in int_sub_orders_lifecycle)
    select event_id, sub_order_id
    from (
        select
            event_id,
            sub_order_id,
            row_number() over (partition by sub_order_id order by created_at, event_id)
                as emission_rank
        from {{ ref('stg_flywheel__sub_orders') }}
    ) as ranked
    where emission_rank = 1
),

paid_lines as (
    select
        cast(sub_orders.paid_at as date) as demand_date,
        lines.sku_id,
        sub_orders.warehouse_id,
        lines.quantity,
        sub_orders.sub_order_id
    from {{ ref('stg_flywheel__sub_order_lines') }} as lines
    inner join created on lines.event_id = created.event_id
    inner join {{ ref('fct_sub_orders') }} as sub_orders
        on created.sub_order_id = sub_orders.sub_order_id
    where sub_orders.paid_at is not null
        and sub_orders.warehouse_id is not null
),

daily as (
    select
        demand_date,
        sku_id,
        warehouse_id,
        sum(quantity) as units_paid,
        count(distinct sub_order_id) as paid_sub_orders
    from paid_lines
    group by demand_date, sku_id, warehouse_id
),

series as (
    select
        sku_id,
        warehouse_id,
        min(demand_date) as first_date
    from daily
    group by sku_id, warehouse_id
),

-- the latest day is the last day any landed event happened on, not the last sale: a
-- quiet last day is a 0 of every series
span as (
    select
        (select min(demand_date) from daily) as first_date,
        (select cast(max(occurred_at) as date) from {{ ref('stg_flywheel__events') }})
            as last_date
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
)

select
    cast(days.day as date) as demand_date,
    series.sku_id,
    series.warehouse_id,
    cast(coalesce(daily.units_paid, 0) as bigint) as units_paid,
    cast(coalesce(daily.paid_sub_orders, 0) as bigint) as paid_sub_orders
from series
inner join days on days.day >= series.first_date
left join daily
    on series.sku_id = daily.sku_id
    and series.warehouse_id = daily.warehouse_id
    and days.day = daily.demand_date
