-- A visitor is the anonymous id when the client sent one, else the user id; a new session
-- starts with a visitor's first event or after more than 30 minutes without events.
-- Only the event types in var('session_event_types') build sessions: what a visitor did
-- (behaviour and their orders and payments). Catalog, stock and price events carry an
-- operator's user_id at most and would otherwise turn back-office work into sessions.
with events as (
    select
        *,
        coalesce(anonymous_id, user_id) as visitor_key
    from {{ ref('stg_flywheel__events') }}
    where coalesce(anonymous_id, user_id) is not null
        and event_type in ({{ quoted_list(var('session_event_types')) }})
),

gaps as (
    select
        *,
        lag(occurred_at) over (
            partition by visitor_key order by occurred_at, event_id
        ) as previous_occurred_at
    from events
),

flagged as (
    select
        *,
        case
            when previous_occurred_at is null then 1
            when occurred_at - previous_occurred_at > interval 30 minute then 1
            else 0
        end as is_session_start
    from gaps
),

numbered as (
    select
        *,
        sum(is_session_start) over (
            partition by visitor_key order by occurred_at, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from flagged
)

select
    event_id,
    event_type,
    occurred_at,
    visitor_key,
    user_id,
    anonymous_id,
    session_id,
    md5(visitor_key || '|' || cast(session_number as varchar)) as session_key,
    cast(session_number as bigint) as session_number,
    is_session_start = 1 as is_session_start,
    utm_source,
    utm_medium,
    utm_campaign,
    referrer,
    device,
    payload,
    product_id,
    sku_id,
    order_id
from numbered
