-- One row per shopper who led a group or shared one: invites sent (share links created),
-- joins through their links, groups they led that formed, and new users their links
-- brought in (joiners registered recently or with no earlier order).
with events as (
    select * from {{ ref('stg_flywheel__group_buy_events') }}
),

shares as (
    select user_id, count(*) as invites_sent
    from events
    where group_event = 'share_created'
    group by user_id
),

joins as (
    select inviter_user_id as user_id, count(*) as joined, sum(new_user) as new_users_acquired
    from events
    where group_event = 'joined' and inviter_user_id is not null
    group by inviter_user_id
),

led as (
    select
        leader_user_id as user_id,
        count(distinct case when group_event = 'opened' then group_id end) as groups_led,
        count(distinct case when group_event = 'formed' then group_id end) as groups_formed
    from (
        select group_id, user_id as leader_user_id, group_event from events
        where group_event = 'opened'
        union all
        select group_id, leader_user_id, group_event from events
        where group_event = 'formed'
    ) as g
    group by leader_user_id
),

people as (
    select user_id from shares
    union
    select user_id from joins
    union
    select user_id from led
)

select
    cast(people.user_id as {{ dbt.type_string() }}) as user_id,
    cast(coalesce(shares.invites_sent, 0) as bigint) as invites_sent,
    cast(coalesce(joins.joined, 0) as bigint) as joined,
    cast(coalesce(led.groups_led, 0) as bigint) as groups_led,
    cast(coalesce(led.groups_formed, 0) as bigint) as groups_formed,
    cast(coalesce(joins.new_users_acquired, 0) as bigint) as new_users_acquired
from people
left join shares on shares.user_id = people.user_id
left join joins on joins.user_id = people.user_id
left join led on led.user_id = people.user_id
