-- reach_campaign_created, reach_campaign_updated and reach_campaign_status_changed events:
-- a campaign's name, trigger and channel over time, and its lifecycle moves (to_status is
-- NULL on creations and edits). user_id is the operator who acted.
with events as (
    {{ deduplicated_events(['reach_campaign_created', 'reach_campaign_updated',
                            'reach_campaign_status_changed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as changed_at,
    cast(user_id as {{ dbt.type_string() }}) as actor_id,
    cast({{ json_text('payload', 'campaign_id') }} as {{ dbt.type_string() }}) as campaign_id,
    cast({{ json_text('payload', 'name') }} as {{ dbt.type_string() }}) as campaign_name,
    cast({{ json_text('payload', 'trigger_kind') }} as {{ dbt.type_string() }}) as trigger_kind,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'from_status') }} as {{ dbt.type_string() }}) as from_status,
    cast({{ json_text('payload', 'to_status') }} as {{ dbt.type_string() }}) as to_status
from events
