-- credit_receivable_assigned: one row per plan whose receivable (principal + interest +
-- fee as disclosed) went to a funder, at payment or when the order completed (trigger).
with events as (
    {{ deduplicated_events(['credit_receivable_assigned']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as assigned_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id,
    cast({{ json_text('payload', 'funder') }} as {{ dbt.type_string() }}) as funder,
    cast({{ json_text('payload', 'funder_reference') }} as {{ dbt.type_string() }}) as funder_reference,
    cast({{ json_text('payload', 'receivable_cents') }} as bigint) as receivable_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'trigger') }} as {{ dbt.type_string() }}) as assign_trigger
from events
