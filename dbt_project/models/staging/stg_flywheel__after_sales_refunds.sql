-- after_sales_refunded events: the money an after-sales request gave back, and the refund
-- (refund_id, see stg_flywheel__refunds) that carried it. shipping_cents is the part that
-- is the sub-order's shipping fee (refunded only with the whole sub-order).
with events as (
    {{ deduplicated_events(['after_sales_refunded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as refunded_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'reason_code') }} as {{ dbt.type_string() }}) as reason_code,
    cast({{ json_text('payload', 'refund_id') }} as {{ dbt.type_string() }}) as refund_id,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'shipping_cents') }} as bigint) as shipping_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
