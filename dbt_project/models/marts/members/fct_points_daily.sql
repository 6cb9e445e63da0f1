-- The points flow per UTC day, every day from the first points entry to the warehouse's
-- latest day: points earned, spent, expired, reversed and refunded (spent points given back
-- after a cancellation or a refund) that day, the day's net, and the
-- points outstanding (every member's balance summed) at the end of the day.
with entries as (
    select * from {{ ref('stg_flywheel__points_entries') }}
),

span as (
    select
        (select min(recorded_date) from entries) as first_date,
        (select cast(max(occurred_at) as date) from {{ ref('stg_flywheel__events') }})
            as last_date
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
),

daily as (
    select
        recorded_date,
        sum(case when event_type = 'points_earned' then points else 0 end) as points_earned,
        sum(case when event_type = 'points_spent' then points else 0 end) as points_spent,
        sum(case when event_type = 'points_expired' then points else 0 end) as points_expired,
        sum(case when event_type = 'points_reversed' then points else 0 end)
            as points_reversed,
        sum(case when event_type = 'points_refunded' then points else 0 end)
            as points_refunded,
        sum(signed_points) as net_points,
        count(distinct user_id) as active_members
    from entries
    group by recorded_date
)

select
    cast(days.day as date) as activity_date,
    cast(coalesce(daily.points_earned, 0) as bigint) as points_earned,
    cast(coalesce(daily.points_spent, 0) as bigint) as points_spent,
    cast(coalesce(daily.points_expired, 0) as bigint) as points_expired,
    cast(coalesce(daily.points_reversed, 0) as bigint) as points_reversed,
    cast(coalesce(daily.points_refunded, 0) as bigint) as points_refunded,
    cast(coalesce(daily.net_points, 0) as bigint) as net_points,
    cast(sum(coalesce(daily.net_points, 0)) over (
        order by days.day rows between unbounded preceding and current row
    ) as bigint) as points_outstanding,
    cast(coalesce(daily.active_members, 0) as bigint) as active_members
from days
left join daily on days.day = daily.recorded_date
