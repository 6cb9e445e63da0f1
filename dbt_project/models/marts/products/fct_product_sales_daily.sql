{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **day_incremental_config('sales_date'),
) }}
-- Units and revenue per SKU, UTC day and currency, from the lines of paid orders. Keyed by
-- the day of payment, so a run recomputes whole days of the incremental window.
select
    paid_date as sales_date,
    sku_id,
    currency,
    max(product_id) as product_id,
    cast(sum(quantity) as bigint) as units_sold,
    cast(count(distinct order_id) as bigint) as orders,
    cast(sum(line_total_cents) as bigint) as revenue_cents,
    cast(sum(list_price_cents * quantity) as bigint) as list_revenue_cents
from {{ ref('int_order_lines_paid') }}
where {{ incremental_window('paid_date') }}
group by paid_date, sku_id, currency
