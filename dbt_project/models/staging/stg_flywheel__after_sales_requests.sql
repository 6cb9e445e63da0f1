-- after_sales_requested events: a shopper asked for something back on one sub-order.
-- request_type refund_only (before shipping), return_refund or exchange (for
-- exchange_sku_id); reason_code the shopper's reason; requested_cents what the lines were
-- paid (goods and their tax), in integer cents of currency, before any decision.
with events as (
    {{ deduplicated_events(['after_sales_requested']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as requested_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'reason_code') }} as {{ dbt.type_string() }}) as reason_code,
    cast({{ json_text('payload', 'exchange_sku_id') }} as {{ dbt.type_string() }}) as exchange_sku_id,
    cast({{ json_text('payload', 'requested_cents') }} as bigint) as requested_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
