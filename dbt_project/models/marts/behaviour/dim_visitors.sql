-- One row per person (a stitched account, else an anonymous visitor) with their first touch
-- (definitions in _behaviour.yml). Incremental by person like fct_sessions: a run with a
-- window replaces the rows of the people whose sessions changed.
-- depends_on: {{ ref('int_sessions_changed_people') }}
{{ config(on_schema_change='fail', **people_incremental_config()) }}

{%- set first_session = {
    'session_key': 'first_session_key', 'session_date': 'first_session_date',
    'traffic_source': 'first_touch_source', 'traffic_medium': 'first_touch_medium',
    'traffic_campaign': 'first_touch_campaign', 'channel': 'first_touch_channel',
    'landing_page': 'first_landing_page', 'device': 'first_device'} %}

-- One pass over the sessions: the totals, and the first session's attributes (exactly one
-- session per person has person_session_number 1), without joining the sessions back.
with people as (
    select
        person_key,
        max(stitched_user_id) as stitched_user_id,
        count(distinct visitor_key) as visitors,
        count(*) as sessions,
        sum(case when is_engaged then 1 else 0 end) as engaged_sessions,
        sum(case when reached_order_paid then 1 else 0 end) as converted_sessions,
        min(session_start_at) as first_seen_at,
        max(session_end_at) as last_seen_at,
        {%- for column, name in first_session.items() %}
        max(case when person_session_number = 1 then {{ column }} end) as {{ name }}
            {{- "," if not loop.last }}
        {%- endfor %}
    from {{ ref('fct_sessions') }}
    where {{ changed_people_only('person_key') }}
    group by person_key
)

select
    person_key,
    stitched_user_id,
    cast(visitors as bigint) as visitors,
    cast(sessions as bigint) as sessions,
    cast(engaged_sessions as bigint) as engaged_sessions,
    cast(converted_sessions as bigint) as converted_sessions,
    first_seen_at,
    last_seen_at,
    {%- for name in first_session.values() %}
    {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from people
