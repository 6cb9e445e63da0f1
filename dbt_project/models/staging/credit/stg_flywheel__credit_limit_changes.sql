-- credit_limit_changed: every move of a line's limit ledger (opened, use, restore, adjust)
-- and every status change, with the line's limit, used and available after it.
with events as (
    {{ deduplicated_events(['credit_limit_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as change_kind,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'limit_cents') }} as bigint) as limit_cents,
    cast({{ json_text('payload', 'used_cents') }} as bigint) as used_cents,
    cast({{ json_text('payload', 'available_cents') }} as bigint) as available_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as line_status,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id
from events
