-- audience_created, audience_updated and audience_deleted events (tags/audiences.py):
-- saved rules over tags. rule is the canonical JSON of the rule (operators' own words, no
-- personal data); NULL for a deletion. user_id is the operator who acted.
with events as (
    {{ deduplicated_events(['audience_created', 'audience_updated', 'audience_deleted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as changed_at,
    cast(occurred_at as date) as changed_date,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'audience_id') }} as {{ dbt.type_string() }}) as audience_id,
    cast({{ json_text('payload', 'name') }} as {{ dbt.type_string() }}) as audience_name,
    cast({{ json_text('payload', 'rule') }} as {{ dbt.type_string() }}) as rule_json
from events
