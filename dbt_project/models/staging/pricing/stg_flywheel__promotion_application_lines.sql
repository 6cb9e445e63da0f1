-- The lines of each promotion_applied event: the discount one promotion (or coupon) gave
-- one order line (sku), and the merchant selling it. Integer cents of the order's currency.
with events as (
    {{ deduplicated_events(['promotion_applied']) }}
),

lines as (
    select
        event_id,
        occurred_at,
        {{ json_text('payload', 'order_id') }} as order_id,
        {{ json_text('payload', 'promotion_id') }} as promotion_id,
        {{ json_text('payload', 'coupon_id') }} as coupon_id,
        {{ json_text('payload', 'currency') }} as currency,
        {{ explode_list(json_struct_list('payload', 'lines', [
            ['sku_id', 'varchar'], ['product_id', 'varchar'], ['merchant_id', 'varchar'],
            ['discount_cents', 'bigint'],
        ])) }} as line
    from events
)

select
    {{ dbt.hash(dbt.concat(["event_id", "'|'", "line.sku_id"])) }} as application_line_key,
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as applied_at,
    cast(order_id as {{ dbt.type_string() }}) as order_id,
    cast(promotion_id as {{ dbt.type_string() }}) as promotion_id,
    cast(coupon_id as {{ dbt.type_string() }}) as coupon_id,
    cast(line.sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(line.product_id as {{ dbt.type_string() }}) as product_id,
    cast(line.merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(line.discount_cents as bigint) as discount_cents
from lines
