-- risk_decision_made events (transactional_api/events/risk_events.py), one row per decision:
-- every challenge and block, and a sample of allows. reasons: the rule codes as landed
-- (JSON text, most severe first); stg_flywheel__risk_decision_reasons has one row per code.
with events as (
    {{ deduplicated_events(['risk_decision_made']) }}
)

select
    cast({{ json_text('payload', 'decision_id') }} as {{ dbt.type_string() }}) as decision_id,
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as decided_at,
    cast(occurred_at as date) as decided_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'action') }} as {{ dbt.type_string() }}) as action,
    cast({{ json_text('payload', 'outcome') }} as {{ dbt.type_string() }}) as outcome,
    cast({{ json_text('payload', 'score') }} as bigint) as score,
    cast({{ json_text('payload', 'reasons') }} as {{ dbt.type_string() }}) as reasons,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id
from events
