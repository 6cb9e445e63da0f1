-- return_inspected events: the returned goods of a request arrived and were inspected;
-- accepted_quantity of requested_quantity units were accepted (back on hand).
with events as (
    {{ deduplicated_events(['return_inspected']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as inspected_at,
    cast({{ json_text('payload', 'request_id') }} as {{ dbt.type_string() }}) as request_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'sub_order_id') }} as {{ dbt.type_string() }}) as sub_order_id,
    cast({{ json_text('payload', 'type') }} as {{ dbt.type_string() }}) as request_type,
    cast({{ json_text('payload', 'requested_quantity') }} as bigint) as requested_quantity,
    cast({{ json_text('payload', 'accepted_quantity') }} as bigint) as accepted_quantity,
    cast({{ json_text('payload', 'note') }} as {{ dbt.type_string() }}) as note,
    cast({{ json_text('payload', 'actor_id') }} as {{ dbt.type_string() }}) as actor_user_id
from events
