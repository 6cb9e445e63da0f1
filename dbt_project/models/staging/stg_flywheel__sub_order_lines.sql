-- The lines of each sub_order_created event: a full snapshot of what was bought (list price,
-- unit price paid, discount allocated, tax, weight), so later catalog or price changes never
-- change it. Money in integer cents of the sub-order's currency; amounts are per line
-- except list_price_cents and unit_price_cents, which are per unit.
with events as (
    {{ deduplicated_events(['sub_order_created']) }}
),

lines as (
    select
        event_id,
        occurred_at,
        {{ json_text('payload', 'sub_order_id') }} as sub_order_id,
        {{ json_text('payload', 'order_id') }} as order_id,
        {{ json_text('payload', 'currency') }} as currency,
        {{ explode_list(json_struct_list('payload', 'lines', [
            ['sku_id', 'varchar'], ['product_id', 'varchar'], ['quantity', 'bigint'],
            ['list_price_cents', 'bigint'], ['unit_price_cents', 'bigint'],
            ['discount_cents', 'bigint'], ['tax_cents', 'bigint'], ['weight_grams', 'bigint'],
        ])) }} as line
    from events
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as created_at,
    cast(sub_order_id as {{ dbt.type_string() }}) as sub_order_id,
    cast(order_id as {{ dbt.type_string() }}) as order_id,
    cast(line.sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(line.product_id as {{ dbt.type_string() }}) as product_id,
    cast(line.quantity as bigint) as quantity,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(line.list_price_cents as bigint) as list_price_cents,
    cast(line.unit_price_cents as bigint) as unit_price_cents,
    cast(line.discount_cents as bigint) as discount_cents,
    cast(line.tax_cents as bigint) as tax_cents,
    cast(line.weight_grams as bigint) as weight_grams
from lines
