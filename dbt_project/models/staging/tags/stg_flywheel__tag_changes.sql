-- tag_created and tag_status_changed events (tags/service.py): a tag definition's lifecycle,
-- created -> active -> retired. user_id is the operator who acted.
with events as (
    {{ deduplicated_events(['tag_created', 'tag_status_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as changed_at,
    cast(occurred_at as date) as changed_date,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'tag') }} as {{ dbt.type_string() }}) as tag,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as tag_kind,
    -- a creation has no from_status; the tag starts in 'created'
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast(coalesce({{ json_text('payload', 'to_status') }}, 'created')
         as {{ dbt.type_string() }}) as to_status
from events
