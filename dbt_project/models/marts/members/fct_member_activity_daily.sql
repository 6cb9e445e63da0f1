-- Members' activity rewards per UTC day, every day from the first activity to the
-- warehouse's latest day, quiet days included: sign-ins (each member's first of the day),
-- streak bonuses, shares (rewarded or not) and birthday rewards, with the points and growth
-- they earned.
with activities as (
    select * from {{ ref('stg_flywheel__member_activities') }}
),

span as (
    select
        (select min(activity_date) from activities) as first_date,
        (select cast(max(occurred_at) as date) from {{ ref('stg_flywheel__events') }})
            as last_date
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
),

daily as (
    select
        activity_date,
        sum(case when event_type = 'sign_in_rewarded' then 1 else 0 end) as sign_ins,
        sum(case when event_type = 'sign_in_rewarded' and sign_in_bonus_points > 0
                 then 1 else 0 end) as streak_bonuses,
        sum(case when event_type = 'sign_in_rewarded' then points else 0 end)
            as sign_in_points,
        sum(case when event_type = 'product_shared' then 1 else 0 end) as shares,
        sum(case when event_type = 'product_shared' and share_rewarded then 1 else 0 end)
            as rewarded_shares,
        sum(case when event_type = 'product_shared' then points else 0 end) as share_points,
        sum(case when event_type = 'birthday_rewarded' then 1 else 0 end) as birthday_rewards,
        sum(case when event_type = 'birthday_rewarded' then points else 0 end)
            as birthday_points,
        sum(growth) as activity_growth,
        count(distinct user_id) as active_members
    from activities
    group by activity_date
)

select
    cast(days.day as date) as activity_date,
    cast(coalesce(daily.sign_ins, 0) as bigint) as sign_ins,
    cast(coalesce(daily.streak_bonuses, 0) as bigint) as streak_bonuses,
    cast(coalesce(daily.sign_in_points, 0) as bigint) as sign_in_points,
    cast(coalesce(daily.shares, 0) as bigint) as shares,
    cast(coalesce(daily.rewarded_shares, 0) as bigint) as rewarded_shares,
    cast(coalesce(daily.share_points, 0) as bigint) as share_points,
    cast(coalesce(daily.birthday_rewards, 0) as bigint) as birthday_rewards,
    cast(coalesce(daily.birthday_points, 0) as bigint) as birthday_points,
    cast(coalesce(daily.sign_in_points, 0) + coalesce(daily.share_points, 0)
         + coalesce(daily.birthday_points, 0) as bigint) as activity_points,
    cast(coalesce(daily.activity_growth, 0) as bigint) as activity_growth,
    cast(coalesce(daily.active_members, 0) as bigint) as active_members
from days
left join daily on days.day = daily.activity_date
