-- Level distribution and movement per UTC day. A member counts from the day of their first
-- members event (growth, points or a level change) at the base level until a change; the
-- level at the end of a day is the last change of that day. Movement counts every change:
-- upgrades_in / downgrades_in by the level moved to, upgrades_out / downgrades_out by the
-- level left.
{% set base_level = var('members_base_level', 'regular') %}

with changes as (
    select * from {{ ref('stg_flywheel__member_level_changes') }}
),

members as (
    select user_id, min(first_date) as first_date
    from (
        select user_id, recorded_date as first_date
        from {{ ref('stg_flywheel__growth_entries') }}
        union all
        select user_id, recorded_date as first_date
        from {{ ref('stg_flywheel__points_entries') }}
        union all
        select user_id, changed_date as first_date from changes
    ) as firsts
    group by user_id
),

span as (
    select
        (select min(first_date) from members) as first_date,
        (select cast(max(occurred_at) as date) from {{ ref('stg_flywheel__events') }})
            as last_date
),

days as (
    {{ day_series('first_date', 'last_date', 'span') }}
),

-- a member's level spells: the base level from the first day, then one per day with a
-- change (the day's last change wins, and wins over the base level on the first day)
spell_starts as (
    select user_id, first_date as valid_from, '{{ base_level }}' as level, 0 as priority,
        cast(null as timestamp) as changed_at, cast(null as {{ dbt.type_string() }}) as event_id
    from members
    union all
    select user_id, changed_date as valid_from, to_level as level, 1 as priority,
        changed_at, event_id
    from changes
),

ranked as (
    select
        user_id,
        valid_from,
        level,
        row_number() over (
            partition by user_id, valid_from
            order by priority desc, changed_at desc, event_id desc
        ) as rank_in_day
    from spell_starts
),

spells as (
    select
        user_id,
        valid_from,
        level,
        lead(valid_from) over (partition by user_id order by valid_from) as valid_to
    from ranked
    where rank_in_day = 1
),

level_counts as (
    select
        days.day as activity_date,
        spells.level,
        count(*) as members
    from days
    inner join spells
        on days.day >= spells.valid_from
        and (spells.valid_to is null or days.day < spells.valid_to)
    group by days.day, spells.level
),

moves as (
    select
        changed_date as activity_date,
        to_level as level,
        case when direction = 'upgrade' then 1 else 0 end as upgrades_in,
        case when direction = 'downgrade' then 1 else 0 end as downgrades_in,
        0 as upgrades_out,
        0 as downgrades_out
    from changes
    union all
    select
        changed_date as activity_date,
        from_level as level,
        0 as upgrades_in,
        0 as downgrades_in,
        case when direction = 'upgrade' then 1 else 0 end as upgrades_out,
        case when direction = 'downgrade' then 1 else 0 end as downgrades_out
    from changes
),

combined as (
    select activity_date, level, members, 0 as upgrades_in, 0 as downgrades_in,
        0 as upgrades_out, 0 as downgrades_out
    from level_counts
    union all
    select activity_date, level, 0 as members, upgrades_in, downgrades_in, upgrades_out,
        downgrades_out
    from moves
)

select
    cast(activity_date as date) as activity_date,
    cast(level as {{ dbt.type_string() }}) as level,
    cast(sum(members) as bigint) as members,
    cast(sum(upgrades_in) as bigint) as upgrades_in,
    cast(sum(downgrades_in) as bigint) as downgrades_in,
    cast(sum(upgrades_out) as bigint) as upgrades_out,
    cast(sum(downgrades_out) as bigint) as downgrades_out
from combined
group by activity_date, level
