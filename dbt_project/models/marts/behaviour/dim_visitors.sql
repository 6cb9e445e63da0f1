-- One row per person (a stitched account, else an anonymous visitor) with their first touch
-- (definitions in _behaviour.yml).
with sessions as (
    select * from {{ ref('fct_sessions') }}
),

totals as (
    select
        person_key,
        max(stitched_user_id) as stitched_user_id,
        count(distinct visitor_key) as visitors,
        count(*) as sessions,
        sum(case when is_engaged then 1 else 0 end) as engaged_sessions,
        sum(case when reached_order_paid then 1 else 0 end) as converted_sessions,
        min(session_start_at) as first_seen_at,
        max(session_end_at) as last_seen_at
    from sessions
    group by person_key
)

select
    totals.person_key,
    totals.stitched_user_id,
    cast(totals.visitors as bigint) as visitors,
    cast(totals.sessions as bigint) as sessions,
    cast(totals.engaged_sessions as bigint) as engaged_sessions,
    cast(totals.converted_sessions as bigint) as converted_sessions,
    totals.first_seen_at,
    totals.last_seen_at,
    first_session.session_key as first_session_key,
    first_session.session_date as first_session_date,
    first_session.traffic_source as first_touch_source,
    first_session.traffic_medium as first_touch_medium,
    first_session.traffic_campaign as first_touch_campaign,
    first_session.channel as first_touch_channel,
    first_session.landing_page as first_landing_page,
    first_session.device as first_device
from totals
inner join sessions as first_session
    on first_session.person_key = totals.person_key
    and first_session.person_session_number = 1
