-- virtual_fulfilment events: a virtual SKU of an order was delivered by its supplier (or
-- failed to be).
with events as (
    {{ deduplicated_events(['virtual_fulfilment']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as fulfilled_at,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('payload', 'quantity') }} as bigint) as quantity,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as status,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'supplier_reference') }} as {{ dbt.type_string() }}) as supplier_reference,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
