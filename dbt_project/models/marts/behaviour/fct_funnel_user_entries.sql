-- User funnel entries (definitions in _behaviour.yml): a person enters on each day they view
-- a product, at that day's first product view, and converts through the later steps in order
-- within var('funnel_conversion_window_days') of entering, across sessions and devices.
-- Incremental by person like fct_sessions: an entry depends on its person's sessions only,
-- so a run with a window replaces the entries of the people whose sessions changed.
-- depends_on: {{ ref('int_sessions_changed_people') }}
{{ config(on_schema_change='fail', **people_incremental_config()) }}
{%- set steps = funnel_steps() %}
{%- set window_days = var('funnel_conversion_window_days', 14) | int %}

-- Only the columns used: read twice, the CTE is materialised.
with sessions as (
    select
        session_key, person_key, stitched_user_id, session_date, product_view_at, channel,
        device, visitor_type
    from {{ ref('fct_sessions') }}
    where {{ changed_people_only('person_key') }}
),

first_views as (
    select
        person_key,
        stitched_user_id,
        session_date,
        session_key,
        product_view_at,
        channel,
        coalesce(device, '(not set)') as device,
        visitor_type,
        row_number() over (
            partition by person_key, session_date order by product_view_at, session_key
        ) as view_rank
    from sessions
    where product_view_at is not null
),

entries as (
    select
        md5(person_key || '|' || cast(session_date as {{ dbt.type_string() }})) as anchor_key,
        person_key,
        stitched_user_id,
        session_date as entry_date,
        session_key as entry_session_key,
        channel,
        device,
        visitor_type,
        product_view_at as step_1_at,
        {{ dbt.dateadd('day', window_days, 'product_view_at') }} as window_end_at
    from first_views
    where view_rank = 1
),

-- Later steps of the person's sessions, whichever device; quarantined sessions are not in
-- fct_sessions and so not here.
step_events as (
    select
        sessions.person_key,
        events.event_type,
        events.occurred_at
    from {{ ref('int_events_sessionized') }} as events
    inner join sessions on sessions.session_key = events.session_key
    where events.event_type in ({{ quoted_list(steps[1:]) }})
),

{{ sequential_funnel_ctes('entries', 'step_events', 'person_key', bounded=true) }}

select
    entries.anchor_key as entry_key,
    entries.person_key,
    entries.stitched_user_id,
    entries.entry_date,
    entries.entry_session_key,
    entries.channel,
    entries.device,
    entries.visitor_type,
    entries.step_1_at as product_view_at,
    {%- for step in steps[1:] %}
    reached_{{ loop.index + 1 }}.reached_at as {{ step }}_at,
    {%- endfor %}
    entries.window_end_at,
    cast(
        1
        {%- for step in steps[1:] %}
        + case when reached_{{ loop.index + 1 }}.reached_at is not null then 1 else 0 end
        {%- endfor %}
        as integer
    ) as steps_reached
from entries
{%- for step in steps[1:] %}
left join reached_{{ loop.index + 1 }}
    on reached_{{ loop.index + 1 }}.anchor_key = entries.anchor_key
{%- endfor %}
