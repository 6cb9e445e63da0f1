-- credit_application_decided: one row per application, decided at once (approved with a
-- limit and a line, or declined with a reason code).
with events as (
    {{ deduplicated_events(['credit_application_decided']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as decided_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'application_id') }} as {{ dbt.type_string() }}) as application_id,
    cast({{ json_text('payload', 'decision') }} as {{ dbt.type_string() }}) as decision,
    cast({{ json_text('payload', 'reason_code') }} as {{ dbt.type_string() }}) as reason_code,
    cast({{ json_text('payload', 'limit_cents') }} as bigint) as limit_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'score') }} as bigint) as score,
    cast({{ json_text('payload', 'model') }} as {{ dbt.type_string() }}) as model,
    cast({{ json_text('payload', 'income_band') }} as {{ dbt.type_string() }}) as income_band,
    cast({{ json_text('payload', 'employment_status') }} as {{ dbt.type_string() }}) as employment_status,
    cast({{ json_text('payload', 'purpose') }} as {{ dbt.type_string() }}) as purpose,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id
from events
