-- translation_changed events (transactional_api/translations): one row per text put or
-- deleted. actor_id is the operator who acted (NULL for an import).
with events as (
    {{ deduplicated_events(['translation_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'entity_type') }} as {{ dbt.type_string() }}) as entity_type,
    cast({{ json_text('payload', 'entity_id') }} as {{ dbt.type_string() }}) as entity_id,
    cast({{ json_text('payload', 'field') }} as {{ dbt.type_string() }}) as field,
    cast({{ json_text('payload', 'lang') }} as {{ dbt.type_string() }}) as lang,
    cast({{ json_text('payload', 'action') }} as {{ dbt.type_string() }}) as action
from events
