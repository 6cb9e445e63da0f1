-- Demand is never negative, and a day with paid sub-orders has at least one unit per
-- sub-order (and none without): rows returned are failures.
select demand_date, sku_id, warehouse_id, units_paid, paid_sub_orders
from {{ ref('fct_sku_daily_demand') }}
where units_paid < 0
    or units_paid < paid_sub_orders
    or (paid_sub_orders = 0 and units_paid <> 0)
