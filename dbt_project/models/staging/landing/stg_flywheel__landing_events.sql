-- landing_page_view, slot_impression and slot_click events
-- (transactional_api/events/landing_events.py): one row per event_id, sent by storefront
-- clients, with the page or the slot and creative, and the envelope's UTM context.
with events as (
    {{ deduplicated_events(['landing_page_view', 'slot_impression', 'slot_click']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(
        case event_type
            when 'landing_page_view' then 'page_view'
            when 'slot_impression' then 'slot_impression'
            when 'slot_click' then 'slot_click'
        end as {{ dbt.type_string() }}
    ) as landing_event,
    cast(occurred_at as timestamp) as occurred_at,
    cast(occurred_at as date) as occurred_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
    cast(session_id as {{ dbt.type_string() }}) as session_id,
    cast(utm_source as {{ dbt.type_string() }}) as utm_source,
    cast(utm_medium as {{ dbt.type_string() }}) as utm_medium,
    cast(utm_campaign as {{ dbt.type_string() }}) as utm_campaign,
    cast({{ json_text('payload', 'page_id') }} as {{ dbt.type_string() }}) as page_id,
    cast({{ json_text('payload', 'slug') }} as {{ dbt.type_string() }}) as page_slug,
    cast({{ json_text('payload', 'slot') }} as {{ dbt.type_string() }}) as slot,
    cast({{ json_text('payload', 'creative_id') }} as {{ dbt.type_string() }}) as creative_id,
    cast({{ json_text('payload', 'category_id') }} as {{ dbt.type_string() }}) as category_id
from events
