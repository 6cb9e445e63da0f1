-- after_sales_exchanged events: returned units replaced by exchange_sku_id in a new
-- sub-order (replacement_sub_order_id) paid by them (value_cents). One per replacement
-- sub-order: a replacement split over two locations gives two.
with events as (
    {{ deduplicated_events(['after_sales_exchanged']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as exchanged_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'replacement_sub_order_id') }} as {{ dbt.type_string() }})
        as replacement_sub_order_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'exchange_sku_id') }} as {{ dbt.type_string() }}) as exchange_sku_id,
    cast({{ json_text('payload', 'quantity') }} as bigint) as quantity,
    cast({{ json_text('payload', 'value_cents') }} as bigint) as value_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
