-- Landing events with the session and visitor int_events_sessionized put them in (NULL for
-- an event with neither an account nor an anonymous id, which builds no session).
select
    landing.event_id,
    landing.landing_event,
    landing.occurred_at,
    landing.occurred_date,
    landing.page_id,
    landing.page_slug,
    landing.slot,
    landing.creative_id,
    sessions.session_key,
    sessions.visitor_key
from {{ ref('stg_flywheel__landing_events') }} as landing
left join {{ ref('int_events_sessionized') }} as sessions
    on sessions.event_id = landing.event_id
