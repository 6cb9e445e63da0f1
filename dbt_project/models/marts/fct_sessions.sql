-- One row per session with its stitched person, touches and funnel (definitions in
-- _behaviour.yml). Incremental by person: a session's person (stitching) and the person's
-- history (new versus returning, last non-direct touch) can change rows of any day, so a
-- run with a window recomputes every session of the people whose sessions changed
-- (int_sessions_changed_people) and replaces their rows; a run without one, everyone.
-- depends_on: {{ ref('int_sessions_changed_people') }}
{{ config(on_schema_change='fail', **people_incremental_config()) }}

{%- set lookback_days = var('last_touch_lookback_days', 90) | int %}
{%- set person_window =
    "partition by person_key order by session_start_at, session_key "
    ~ "rows between unbounded preceding and current row" %}

with identity_map as (
    select anonymous_id, user_id
    from {{ ref('int_identity_map') }}
    where is_current
),

sessions as (
    select
        sessions.*,
        coalesce(sessions.user_id, identity_map.user_id) as stitched_user_id
    from {{ ref('int_sessions_aggregated') }} as sessions
    left join identity_map on identity_map.anonymous_id = sessions.visitor_key
    {%- if is_incremental() and run_window() is not none %}
    -- The sessions that can be a changed person's: by their account, their device, or the
    -- account their device is stitched to (the exact test follows in people).
    where {{ changed_people_only('sessions.user_id') }}
        or {{ changed_people_only('sessions.visitor_key') }}
        or sessions.visitor_key in (
            select anonymous_id from identity_map
            where {{ changed_people_only('identity_map.user_id') }})
    {%- endif %}
),

people as (
    select
        *,
        coalesce(stitched_user_id, visitor_key) as person_key,
        case when channel <> 'Direct' then session_start_at end as touch_at
    from sessions
    where {{ changed_people_only('coalesce(stitched_user_id, visitor_key)') }}
),

touches as (
    select
        *,
        row_number() over (
            partition by person_key order by session_start_at, session_key
        ) as person_session_number,
        {{ last_non_null('touch_at') }} over ({{ person_window }}) as last_touch_at,
        {{ last_non_null("case when touch_at is not null then traffic_source end") }}
            over ({{ person_window }}) as last_touch_source,
        {{ last_non_null("case when touch_at is not null then traffic_medium end") }}
            over ({{ person_window }}) as last_touch_medium,
        {{ last_non_null("case when touch_at is not null then traffic_campaign end") }}
            over ({{ person_window }}) as last_touch_campaign,
        {{ last_non_null("case when touch_at is not null then channel end") }}
            over ({{ person_window }}) as last_touch_channel
    from people
),

attributed as (
    select
        *,
        last_touch_at is not null
            and last_touch_at >= {{ dbt.dateadd('day', -1 * lookback_days, 'session_start_at') }}
            as has_last_touch
    from touches
)

select
    session_key,
    visitor_key,
    user_id,
    session_start_at,
    session_end_at,
    session_date,
    utm_source,
    utm_medium,
    utm_campaign,
    device,
    events,
    reached_product_view,
    reached_add_to_cart,
    reached_checkout_started,
    reached_order_created,
    reached_order_paid,
    stitched_user_id,
    person_key,
    cast(person_session_number as bigint) as person_session_number,
    case when person_session_number = 1 then 'new' else 'returning' end as visitor_type,
    is_engaged,
    duration_seconds,
    page_views,
    has_conversion,
    landing_page,
    referrer_host,
    traffic_source,
    traffic_medium,
    traffic_campaign,
    channel,
    case when has_last_touch then last_touch_source else '(direct)' end as last_touch_source,
    case when has_last_touch then last_touch_medium else '(none)' end as last_touch_medium,
    case when has_last_touch then last_touch_campaign else '(direct)' end
        as last_touch_campaign,
    case when has_last_touch then last_touch_channel else 'Direct' end as last_touch_channel,
    product_view_at,
    add_to_cart_at,
    checkout_started_at,
    order_created_at,
    order_paid_at
from attributed
