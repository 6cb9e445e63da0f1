-- User funnel per entry day, channel, device and new versus returning (definitions in
-- _behaviour.yml), from fct_funnel_user_entries.

with entries as (
    select * from {{ ref('fct_funnel_user_entries') }}
),

steps as (
    {{ funnel_steps_table() }}
),

counted as (
    select
        entries.entry_date,
        entries.channel,
        entries.device,
        entries.visitor_type,
        steps.step_order,
        steps.step,
        count(*) as entered,
        sum(case when entries.steps_reached >= steps.step_order then 1 else 0 end) as reached,
        sum(case when entries.steps_reached >= steps.step_order - 1 then 1 else 0 end)
            as previous
    from entries
    cross join steps
    group by entries.entry_date, entries.channel, entries.device, entries.visitor_type,
        steps.step_order, steps.step
)

select
    entry_date,
    channel,
    device,
    visitor_type,
    cast(step_order as integer) as step_order,
    cast(step as {{ dbt.type_string() }}) as step,
    cast(reached as bigint) as users,
    cast(previous as bigint) as previous_step_users,
    cast(previous - reached as bigint) as drop_off_users,
    cast(case when previous > 0 then reached / cast(previous as double) end as double)
        as step_conversion_rate,
    cast(case when entered > 0 then reached / cast(entered as double) end as double)
        as overall_conversion_rate
from counted
