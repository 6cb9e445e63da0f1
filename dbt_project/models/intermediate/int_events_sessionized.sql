-- Every visitor event with its session (definitions in _sessions.yml). Incremental by
-- session_date: a run recomputes the sessions starting in the window from the events around
-- it (session_read_window), so a late event re-sessionises its day and a re-run gives the
-- same rows; a session crossing midnight belongs to the day it started.
{{ config(materialized='incremental', on_schema_change='fail',
          **day_incremental_config('session_date')) }}

{%- set gap_minutes = var('session_inactivity_minutes', 30) | int %}
{%- set max_hours = var('session_max_hours', 24) | int %}

{#- What a visitor did: catalog, stock and price events carry an operator's user_id at most
    and would otherwise turn back-office work into sessions. -#}
{%- set visitor_events -%}
    coalesce(anonymous_id, user_id) is not null
    and event_type in ({{ quoted_list(var('session_event_types')) }})
    and {{ session_read_window('occurred_at') }}
{%- endset %}

-- The events are read three times rather than kept in a CTE: DuckDB would materialise
-- every column of every event just to sort three of them.
with account_only as (
    select event_id, user_id, occurred_at
    from {{ ref('stg_flywheel__events') }}
    where anonymous_id is null and {{ visitor_events }}
),

-- An event with an account but no anonymous id (a client that stops sending it after
-- sign-in, a server-side event) belongs to the device the account last signed in on at or
-- before it, so signing in never splits a session. Accounts never seen on a device stay
-- their own visitor.
device_of_account as (
    select
        signed_in.event_id,
        links.anonymous_id,
        row_number() over (
            partition by signed_in.event_id
            order by links.first_linked_at desc, links.anonymous_id desc
        ) as link_rank
    from account_only as signed_in
    inner join {{ ref('int_identity_map') }} as links
        on links.user_id = signed_in.user_id
        and links.first_linked_at <= signed_in.occurred_at
),

-- Sessionising sorts every event twice, so it runs on these three columns only; the rest
-- of the event is joined back once at the end.
visits as (
    select event_id, occurred_at, anonymous_id as visitor_key
    from {{ ref('stg_flywheel__events') }}
    where anonymous_id is not null and {{ visitor_events }}
    union all
    select
        account_only.event_id,
        account_only.occurred_at,
        coalesce(device.anonymous_id, account_only.user_id) as visitor_key
    from account_only
    left join device_of_account as device
        on device.event_id = account_only.event_id
        and device.link_rank = 1
),

gaps as (
    select
        *,
        lag(occurred_at) over (
            partition by visitor_key order by occurred_at, event_id
        ) as previous_occurred_at,
        row_number() over (
            partition by visitor_key order by occurred_at, event_id
        ) as visitor_event_number
    from visits
),

starts as (
    select
        *,
        previous_occurred_at is null
            or occurred_at > {{ dbt.dateadd('minute', gap_minutes, 'previous_occurred_at') }}
            as is_start
    from gaps
),

-- In the same order: the session's start (the latest start so far), and its end (the event
-- before the visitor's next start, else the visitor's last event).
sessions as (
    select
        event_id,
        visitor_key,
        occurred_at,
        visitor_event_number - max(case when is_start then visitor_event_number end) over (
            partition by visitor_key order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) + 1 as event_index,
        max(case when is_start then occurred_at end) over (
            partition by visitor_key order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_start_at,
        -- The first event names the session: the key survives a sign-in and later events.
        {{ last_non_null("case when is_start then md5(visitor_key || '|' || event_id) end") }}
        over (
            partition by visitor_key order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_key,
        coalesce(
            min(case when is_start then previous_occurred_at end) over (
                partition by visitor_key order by occurred_at, event_id
                rows between 1 following and unbounded following
            ),
            max(occurred_at) over (
                partition by visitor_key order by occurred_at, event_id
                rows between unbounded preceding and unbounded following
            )
        ) as session_end_at
    from starts
),

dated as (
    select
        *,
        cast(session_start_at as date) as session_date
    from sessions
    -- The first read event of a visitor may continue a session of the day before the
    -- window: that session starts before the window and is left as stored.
    where {{ incremental_window('cast(session_start_at as date)') }}
)

select
    source_events.event_id,
    source_events.event_type,
    source_events.occurred_at,
    dated.visitor_key,
    source_events.user_id,
    source_events.anonymous_id,
    source_events.session_id,
    dated.session_key,
    dated.session_start_at,
    dated.session_date,
    cast(dated.event_index as bigint) as event_index,
    dated.event_index = 1 as is_session_start,
    dated.session_end_at
        > {{ dbt.dateadd('hour', max_hours, 'dated.session_start_at') }} as is_quarantined,
    source_events.utm_source,
    source_events.utm_medium,
    source_events.utm_campaign,
    source_events.referrer,
    source_events.device,
    source_events.payload,
    source_events.product_id,
    source_events.sku_id,
    source_events.order_id
from dated
inner join (
    select * from {{ ref('stg_flywheel__events') }} where {{ visitor_events }}
) as source_events
    on source_events.event_id = dated.event_id
