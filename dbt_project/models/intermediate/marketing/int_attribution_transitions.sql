-- The first-order Markov chain of channels (int_attribution_removal_effects): how often a
-- path went from one state to the next. Converting paths are the paid orders' touches
-- (int_attribution_touches) ending in '(conversion)'; every other session of a visitor
-- (no touch of any paid order) joins that visitor's non-converting path, ending in
-- '(null)'. Paths begin at '(start)'. A channel repeated back to back is one visit of its
-- state: a self-loop does not change where the chain ends, so it is left out.
with converting as (
    select
        channel as state,
        touch_number = 1 as is_first,
        coalesce(
            lead(channel) over (partition by order_id order by touch_number),
            '(conversion)'
        ) as next_state
    from {{ ref('int_attribution_touches') }}
),

touch_sessions as (
    select distinct session_key
    from {{ ref('int_attribution_touches') }}
    where session_key is not null
),

untouched as (
    select
        -- the same user as the touches (var attribution_user_column), else the device
        coalesce(sessions.{{ var('attribution_user_column', 'user_id') }},
                 sessions.visitor_key) as path_id,
        sessions.session_key,
        sessions.session_start_at,
        {{ channel_label("coalesce(sessions.utm_source, '(direct)')",
                         "coalesce(sessions.utm_medium, '(none)')") }} as state
    from {{ ref('fct_sessions') }} as sessions
    left join touch_sessions on touch_sessions.session_key = sessions.session_key
    where touch_sessions.session_key is null
),

non_converting as (
    select
        state,
        row_number() over (
            partition by path_id order by session_start_at, session_key
        ) = 1 as is_first,
        coalesce(
            lead(state) over (partition by path_id order by session_start_at, session_key),
            '(null)'
        ) as next_state
    from untouched
),

steps as (
    select * from converting
    union all
    select * from non_converting
),

moves as (
    select state as from_state, next_state as to_state from steps
    union all
    select '(start)' as from_state, state as to_state from steps where is_first
)

select
    from_state,
    to_state,
    cast(count(*) as {{ dbt.type_bigint() }}) as transitions
from moves
where from_state <> to_state
group by from_state, to_state
