-- after_sales_decided events: the merchant or an operator approved or rejected a request,
-- with a reason.
with events as (
    {{ deduplicated_events(['after_sales_decided']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as decided_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'reason_code') }} as {{ dbt.type_string() }}) as reason_code,
    cast({{ json_text('payload', 'decision') }} as {{ dbt.type_string() }}) as decision,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as decision_reason,
    cast({{ json_text('payload', 'actor_id') }} as {{ dbt.type_string() }}) as actor_user_id
from events
