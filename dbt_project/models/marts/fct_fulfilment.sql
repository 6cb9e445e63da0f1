-- How fast goods leave and arrive, per UTC day of shipping, location, shipping region and
-- carrier: sub-orders shipped that day, how many of them are delivered by now, and the hours
-- from paid to shipped and from shipped to delivered (mean, median, 90th percentile).
with shipped as (
    select
        *,
        {{ seconds_between('paid_at', 'shipped_at') }} / 3600.0 as hours_to_ship,
        {{ seconds_between('shipped_at', 'delivered_at') }} / 3600.0 as hours_to_deliver
    from {{ ref('int_sub_orders_lifecycle') }}
    where shipped_at is not null
)

select
    cast(shipped.shipped_at as date) as shipped_date,
    shipped.warehouse_id,
    max(warehouses.warehouse_name) as warehouse_name,
    shipped.shipping_region,
    shipped.carrier,
    cast(count(*) as bigint) as sub_orders_shipped,
    cast(sum(case when shipped.delivered_at is not null then 1 else 0 end) as bigint)
        as sub_orders_delivered,
    cast(avg(shipped.hours_to_ship) as double) as avg_hours_to_ship,
    cast({{ percentile('shipped.hours_to_ship', 0.5) }} as double) as median_hours_to_ship,
    cast({{ percentile('shipped.hours_to_ship', 0.9) }} as double) as p90_hours_to_ship,
    cast(avg(shipped.hours_to_deliver) as double) as avg_hours_to_deliver,
    cast({{ percentile('shipped.hours_to_deliver', 0.5) }} as double)
        as median_hours_to_deliver,
    cast({{ percentile('shipped.hours_to_deliver', 0.9) }} as double) as p90_hours_to_deliver
from shipped
left join {{ ref('stg_oltp__warehouses') }} as warehouses
    on shipped.warehouse_id = warehouses.warehouse_id
group by
    cast(shipped.shipped_at as date), shipped.warehouse_id, shipped.shipping_region,
    shipped.carrier
