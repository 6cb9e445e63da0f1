-- One row per session that is not quarantined (definitions in _sessions.yml), before
-- identity stitching: what the session's own events say. Incremental by session_date like
-- int_events_sessionized, from which it reads the same window.
{{ config(materialized='incremental', on_schema_change='fail',
          **day_incremental_config('session_date')) }}

{%- set min_seconds = var('engaged_session_min_seconds', 10) %}
{%- set min_views = var('engaged_session_min_views', 2) | int %}
{%- set conversions = var('engaged_session_conversion_events', ['order_created', 'order_paid']) %}
{%- set steps = funnel_steps() %}

{%- set in_window -%}
    not is_quarantined and {{ incremental_window('session_date') }}
{%- endset %}

-- Read twice (the columns the aggregate needs, then the funnel steps) rather than kept in
-- a CTE: DuckDB would materialise it.
with events as (
    select
        session_key, visitor_key, session_date, event_index, event_type, occurred_at,
        user_id, utm_source, utm_medium, utm_campaign, referrer, device,
        case
            when event_type = 'page_view' then {{ json_text('payload', 'page') }}
            when event_type = 'product_view' then '/products/' || product_id
        end as page
    from {{ ref('int_events_sessionized') }}
    where {{ in_window }}
),

-- One pass: each value is taken from the event whose event_index is least among those
-- that carry it (the campaign from the first event naming a UTM source, else the first
-- referrer; the landing page from the first page or product view).
facts as (
    select
        session_key,
        min(visitor_key) as visitor_key,
        min(session_date) as session_date,
        min(occurred_at) as session_start_at,
        max(occurred_at) as session_end_at,
        count(*) as events,
        sum(case when event_type in ('page_view', 'product_view') then 1 else 0 end)
            as page_views,
        sum(case when event_type in ({{ quoted_list(conversions) }}) then 1 else 0 end)
            as conversion_events,
        min(case when event_type = 'product_view' then occurred_at end) as step_1_at,
        {%- for column in ['utm_source', 'utm_medium', 'utm_campaign'] %}
        {{ value_at_min(column, 'case when utm_source is not null then event_index end') }}
            as {{ column }},
        {%- endfor %}
        {{ value_at_min('referrer', "case when referrer <> '' then event_index end") }}
            as referrer,
        {{ value_at_min('page', 'case when page is not null then event_index end') }}
            as landing_page,
        {{ value_at_min('device', 'case when device is not null then event_index end') }}
            as device,
        {{ value_at_max('user_id', 'case when user_id is not null then event_index end') }}
            as user_id
    from events
    group by session_key
),

anchors as (
    select session_key as anchor_key, session_key, step_1_at from facts
),

step_events as (
    select session_key, event_type, occurred_at
    from {{ ref('int_events_sessionized') }}
    where event_type in ({{ quoted_list(steps[1:]) }}) and {{ in_window }}
),

{{ sequential_funnel_ctes('anchors', 'step_events', 'session_key') }},

sourced as (
    select
        *,
        {{ referrer_host('referrer') }} as referrer_host,
        {{ seconds_between('session_start_at', 'session_end_at') }} as duration_seconds
    from facts
),

traffic as (
    select
        *,
        case
            when utm_source is not null then utm_source
            when referrer_host is not null and referrer_host <> '' then referrer_host
            else '(direct)'
        end as traffic_source,
        case
            when utm_source is not null then coalesce(utm_medium, '(not set)')
            when referrer_host is not null and referrer_host <> '' then 'referral'
            else '(none)'
        end as traffic_medium,
        case
            when utm_source is not null then coalesce(utm_campaign, '(not set)')
            when referrer_host is not null and referrer_host <> '' then '(referral)'
            else '(direct)'
        end as traffic_campaign
    from sourced
)

select
    traffic.session_key,
    traffic.visitor_key,
    traffic.user_id,
    traffic.session_start_at,
    traffic.session_end_at,
    traffic.session_date,
    traffic.utm_source,
    traffic.utm_medium,
    traffic.utm_campaign,
    traffic.device,
    cast(traffic.events as bigint) as events,
    cast(traffic.page_views as bigint) as page_views,
    cast(traffic.duration_seconds as double) as duration_seconds,
    traffic.conversion_events > 0 as has_conversion,
    traffic.duration_seconds > {{ min_seconds }}
        or traffic.page_views >= {{ min_views }}
        or traffic.conversion_events > 0 as is_engaged,
    coalesce(traffic.landing_page, '(not set)') as landing_page,
    nullif(traffic.referrer_host, '') as referrer_host,
    traffic.traffic_source,
    traffic.traffic_medium,
    traffic.traffic_campaign,
    {{ channel_group('traffic.traffic_source', 'traffic.traffic_medium') }} as channel,
    traffic.step_1_at as product_view_at,
    {%- for step in steps[1:] %}
    reached_{{ loop.index + 1 }}.reached_at as {{ step }}_at,
    {%- endfor %}
    {%- for step in steps %}
    {%- if loop.first %}
    traffic.step_1_at is not null as reached_{{ step }}{{ "," if not loop.last }}
    {%- else %}
    reached_{{ loop.index }}.reached_at is not null as reached_{{ step }}{{ "," if not loop.last }}
    {%- endif %}
    {%- endfor %}
from traffic
{%- for step in steps[1:] %}
left join reached_{{ loop.index + 1 }}
    on reached_{{ loop.index + 1 }}.anchor_key = traffic.session_key
{%- endfor %}
