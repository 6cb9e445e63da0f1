-- member_level_changed events (transactional_api/members): a member moved up at once
-- (upgrade, the growth that did it) or down at a period end (downgrade, period_end set).
with events as (
    {{ deduplicated_events(['member_level_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(occurred_at as date) as changed_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'from_level') }} as {{ dbt.type_string() }}) as from_level,
    cast({{ json_text('payload', 'to_level') }} as {{ dbt.type_string() }}) as to_level,
    cast({{ json_text('payload', 'direction') }} as {{ dbt.type_string() }}) as direction,
    cast({{ json_text('payload', 'window_growth') }} as bigint) as window_growth,
    cast({{ json_text('payload', 'period_end') }} as timestamp) as period_end
from events
