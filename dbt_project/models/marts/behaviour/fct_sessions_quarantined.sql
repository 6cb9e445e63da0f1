-- Sessions longer than var('session_max_hours'): kept here for a person to look at (a bot,
-- a kiosk, a client with a stuck clock), out of fct_sessions and every funnel and KPI.
{{ config(materialized='incremental', on_schema_change='fail',
          **day_incremental_config('session_date')) }}

with events as (
    select *
    from {{ ref('int_events_sessionized') }}
    where is_quarantined
        and {{ incremental_window('session_date') }}
)

select
    session_key,
    min(visitor_key) as visitor_key,
    max(user_id) as user_id,
    min(session_date) as session_date,
    min(occurred_at) as session_start_at,
    max(occurred_at) as session_end_at,
    cast({{ seconds_between('min(occurred_at)', 'max(occurred_at)') }} as double)
        as duration_seconds,
    cast(count(*) as bigint) as events,
    cast(sum(case when event_type = 'product_view' then 1 else 0 end) as bigint)
        as product_views,
    cast(sum(case when event_type = 'order_paid' then 1 else 0 end) as bigint) as orders_paid,
    'longer than {{ var("session_max_hours", 24) }} hours' as quarantine_reason
from events
group by session_key
