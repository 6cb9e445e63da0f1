-- The lines of each after_sales_requested event: which SKU and how many units the shopper
-- asked about, one row per line.
with events as (
    {{ deduplicated_events(['after_sales_requested']) }}
),

lines as (
    select
        event_id,
        occurred_at,
        {{ json_text('payload', 'request_id') }} as request_id,
        {{ json_text('payload', 'sub_order_id') }} as sub_order_id,
        {{ explode_list(json_struct_list('payload', 'lines', [
            ['sku_id', 'varchar'], ['quantity', 'bigint'], ['warehouse_id', 'varchar'],
        ])) }} as line
    from events
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as requested_at,
    cast(request_id as {{ dbt.type_string() }}) as request_id,
    cast(sub_order_id as {{ dbt.type_string() }}) as sub_order_id,
    cast(line.sku_id as {{ dbt.type_string() }}) as sku_id,
    cast(line.quantity as bigint) as quantity,
    cast(line.warehouse_id as {{ dbt.type_string() }}) as warehouse_id
from lines
