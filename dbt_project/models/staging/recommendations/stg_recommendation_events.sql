-- recommendation_shown and recommendation_clicked events
-- (transactional_api/events/recommendation_events.py): one row per event_id, one item of a
-- served list shown to (or clicked by) a visitor, with what the serving response said.
with events as (
    {{ deduplicated_events(['recommendation_shown', 'recommendation_clicked']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'recommendation_shown' then 'shown'
            when 'recommendation_clicked' then 'clicked'
        end as {{ dbt.type_string() }}
    ) as recommendation_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(occurred_at as date) as occurred_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
    cast(session_id as {{ dbt.type_string() }}) as session_id,
    cast({{ json_text('payload', 'list_id') }} as {{ dbt.type_string() }}) as list_id,
    cast({{ json_text('payload', 'placement') }} as {{ dbt.type_string() }}) as placement,
    cast({{ json_text('payload', 'model') }} as {{ dbt.type_string() }}) as model,
    cast({{ json_text('payload', 'version') }} as {{ dbt.type_string() }}) as model_version,
    cast({{ json_text('payload', 'variant') }} as {{ dbt.type_string() }}) as variant,
    cast({{ json_text('payload', 'product_id') }} as {{ dbt.type_string() }}) as product_id,
    cast({{ json_text('payload', 'position') }} as integer) as list_position
from events
