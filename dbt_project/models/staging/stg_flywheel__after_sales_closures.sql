-- after_sales_closed events: a request ended. resolution refunded, exchanged, rejected,
-- withdrawn or nothing_accepted (the returned goods failed inspection); refunded_cents and
-- exchanged_cents what it settled; opened_at when it was requested, so time to resolve
-- needs no other event.
with events as (
    {{ deduplicated_events(['after_sales_closed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as closed_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'reason_code') }} as {{ dbt.type_string() }}) as reason_code,
    cast({{ json_text('payload', 'resolution') }} as {{ dbt.type_string() }}) as resolution,
    cast({{ json_text('payload', 'refunded_cents') }} as bigint) as refunded_cents,
    cast({{ json_text('payload', 'exchanged_cents') }} as bigint) as exchanged_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'opened_at') }} as timestamp) as opened_at,
    cast({{ json_text('payload', 'replacement_sub_order_id') }} as {{ dbt.type_string() }})
        as replacement_sub_order_id
from events
