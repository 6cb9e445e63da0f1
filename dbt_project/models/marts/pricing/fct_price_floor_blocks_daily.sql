-- Prices the floor held up, per SKU, UTC day and currency: what operators look at to see
-- which promotions pushed which SKUs below their floors.
select
    {{ dbt.hash(dbt.concat([
        "sku_id", "'|'", "cast(blocked_date as " ~ dbt.type_string() ~ ")", "'|'", "currency"
    ])) }} as block_day_key,
    sku_id,
    blocked_date,
    currency,
    cast(count(*) as bigint) as blocks,
    cast(sum(case when order_id is null then 1 else 0 end) as bigint) as quote_blocks,
    cast(count(distinct order_id) as bigint) as orders_involved,
    cast(count(distinct promotion_id) as bigint) as promotions_involved,
    cast(sum(case when promotion_id is null then 1 else 0 end) as bigint)
        as price_source_blocks,
    cast(sum(blocked_cents) as bigint) as blocked_cents,
    cast(min(floor_cents) as bigint) as min_floor_cents,
    cast(min(attempted_unit_cents) as bigint) as lowest_attempted_unit_cents,
    max(blocked_at) as last_blocked_at
from {{ ref('stg_flywheel__price_floor_blocks') }}
group by sku_id, blocked_date, currency
