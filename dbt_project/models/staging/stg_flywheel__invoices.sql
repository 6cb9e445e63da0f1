-- invoice_issued events: a numbered invoice for one merchant's part of a completed order.
-- Money in integer cents of currency.
with events as (
    {{ deduplicated_events(['invoice_issued']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as issued_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'invoice_id') }} as {{ dbt.type_string() }}) as invoice_id,
    cast({{ json_text('payload', 'number') }} as {{ dbt.type_string() }}) as invoice_number,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'subtotal_cents') }} as bigint) as subtotal_cents,
    cast({{ json_text('payload', 'discount_cents') }} as bigint) as discount_cents,
    cast({{ json_text('payload', 'shipping_cents') }} as bigint) as shipping_cents,
    cast({{ json_text('payload', 'tax_cents') }} as bigint) as tax_cents,
    cast({{ json_text('payload', 'total_cents') }} as bigint) as total_cents
from events
