-- user_tag_assigned and user_tag_unassigned events: an operator put a manual tag on a
-- shopper or took it off. user_id in the envelope is the operator; the shopper is
-- tagged_user_id. Automatic tags never come back as events (see fct_user_auto_tags).
with events as (
    {{ deduplicated_events(['user_tag_assigned', 'user_tag_unassigned']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as changed_at,
    cast(occurred_at as date) as changed_date,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'tag') }} as {{ dbt.type_string() }}) as tag,
    cast({{ json_text('payload', 'tagged_user_id') }} as {{ dbt.type_string() }})
        as tagged_user_id,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
