-- The identity map (Snowplow's user mapping): every (anonymous_id, user_id) pair seen on a
-- visitor's own event (the event types that build sessions), first and last seen. The
-- latest account seen on a device is its current one (is_current). Incremental by merging:
-- the window's pairs are combined with the stored pairs of the same anonymous ids through
-- min/max, which gives the same rows however often a day is re-run or an event is late.
-- (On Spark a table rebuilt in full: macros/cross_engine/incremental_config.sql.)
{{ config(on_schema_change='fail', **keyed_incremental_config('anonymous_id')) }}

with window_links as (
    select
        anonymous_id,
        user_id,
        min(occurred_at) as first_linked_at,
        max(occurred_at) as last_linked_at
    from {{ ref('stg_flywheel__events') }}
    where anonymous_id is not null
        and user_id is not null
        and event_type in ({{ quoted_list(var('session_event_types')) }})
        {%- if is_incremental() and run_window() is not none %}
        and occurred_at >= cast({{ window_start() }} as timestamp)
        {%- endif %}
    group by anonymous_id, user_id
),

links as (
    select * from window_links
    {%- if is_incremental() %}
    union all
    select anonymous_id, user_id, first_linked_at, last_linked_at
    from {{ this }}
    where anonymous_id in (select anonymous_id from window_links)
    {%- endif %}
),

pairs as (
    select
        anonymous_id,
        user_id,
        min(first_linked_at) as first_linked_at,
        max(last_linked_at) as last_linked_at
    from links
    group by anonymous_id, user_id
)

select
    md5(anonymous_id || '|' || user_id) as identity_link_key,
    anonymous_id,
    user_id,
    first_linked_at,
    last_linked_at,
    row_number() over (
        partition by anonymous_id order by last_linked_at desc, user_id desc
    ) = 1 as is_current
from pairs
