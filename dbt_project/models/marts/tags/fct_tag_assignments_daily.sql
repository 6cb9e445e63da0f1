-- Manual tags put on and taken off shoppers per tag and UTC day (days with a change only),
-- and how many shoppers carry the tag at the end of that day. Assigning a tag a shopper
-- already has and removing one they lack emit nothing, so the running sum of
-- assigned - removed is the count of shoppers tagged.
with assignments as (
    select * from {{ ref('stg_flywheel__user_tag_assignments') }}
),

daily as (
    select
        tag,
        changed_date,
        sum(case when event_type = 'user_tag_assigned' then 1 else 0 end) as assigned,
        sum(case when event_type = 'user_tag_unassigned' then 1 else 0 end) as removed
    from assignments
    group by tag, changed_date
)

select
    cast(changed_date as date) as activity_date,
    cast(tag as {{ dbt.type_string() }}) as tag,
    cast(assigned as bigint) as users_assigned,
    cast(removed as bigint) as users_removed,
    cast(sum(assigned - removed) over (
        partition by tag order by changed_date rows between unbounded preceding and current row
    ) as bigint) as users_tagged
from daily
