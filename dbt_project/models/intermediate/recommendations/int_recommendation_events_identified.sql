-- Recommendation events with the person behind them: the signed-in user, else the account
-- the device (anonymous_id) is currently linked to (int_identity_map), so clicks made before
-- signing in can still be credited with the order placed after. visitor_key counts people:
-- that user, else the anonymous device, else the session.
with events as (
    select * from {{ ref('stg_recommendation_events') }}
),

current_links as (
    select anonymous_id, user_id
    from {{ ref('int_identity_map') }}
    where is_current
)

select
    events.event_id,
    events.recommendation_event,
    events.occurred_at,
    events.occurred_date,
    events.list_id,
    events.placement,
    events.model,
    events.model_version,
    events.variant,
    events.product_id,
    events.list_position,
    coalesce(events.user_id, current_links.user_id) as person_user_id,
    coalesce(
        events.user_id,
        current_links.user_id,
        {{ dbt.concat(["'anon:'", "events.anonymous_id"]) }},
        {{ dbt.concat(["'session:'", "events.session_id"]) }}
    ) as visitor_key
from events
left join current_links on current_links.anonymous_id = events.anonymous_id
