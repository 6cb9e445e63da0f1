-- reach_message_sent, reach_message_opened and reach_message_clicked events
-- (transactional_api/reach): one row per event_id, message_event saying which. user_id is
-- the recipient; sent_at is when the message went out (on opens and clicks, the send's).
with events as (
    {{ deduplicated_events(['reach_message_sent', 'reach_message_opened',
                            'reach_message_clicked']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'reach_message_sent' then 'sent'
            when 'reach_message_opened' then 'opened'
            when 'reach_message_clicked' then 'clicked'
        end as {{ dbt.type_string() }}
    ) as message_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'message_id') }} as {{ dbt.type_string() }}) as message_id,
    cast({{ json_text('payload', 'campaign_id') }} as {{ dbt.type_string() }}) as campaign_id,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'trigger_kind') }} as {{ dbt.type_string() }}) as trigger_kind,
    cast({{ json_text('payload', 'trigger_key') }} as {{ dbt.type_string() }}) as trigger_key,
    cast({{ json_text('payload', 'offer_code') }} as {{ dbt.type_string() }}) as offer_code,
    case
        when event_type = 'reach_message_sent' then cast(occurred_at as timestamp)
        else cast({{ json_text('payload', 'sent_at') }} as timestamp)
    end as sent_at
from events
