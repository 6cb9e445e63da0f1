-- merchant_status_changed events: each merchant's lifecycle moves (approval to
-- pending_deposit, deposit to active, suspensions, reinstatements, closing). user_id is
-- the operator or staff member who acted.
with events as (
    {{ deduplicated_events(['merchant_status_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'actor_id') }} as {{ dbt.type_string() }}) as actor_id
from events
