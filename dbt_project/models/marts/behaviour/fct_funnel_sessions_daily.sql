-- Session funnel per day, channel, device and new versus returning (definitions in
-- _behaviour.yml): how many sessions reached each step in order, and how many fell away.
{%- set steps = funnel_steps() %}

with slices as (
    select
        session_date,
        channel,
        coalesce(device, '(not set)') as device,
        visitor_type,
        count(*) as sessions_total,
        {%- for step in steps %}
        sum(case when reached_{{ step }} then 1 else 0 end) as step_{{ loop.index }}
            {{- "," if not loop.last }}
        {%- endfor %}
    from {{ ref('fct_sessions') }}
    group by session_date, channel, coalesce(device, '(not set)'), visitor_type
),

steps as (
    {{ funnel_steps_table() }}
),

counted as (
    select
        slices.session_date,
        slices.channel,
        slices.device,
        slices.visitor_type,
        steps.step_order,
        steps.step,
        slices.step_1 as entered,
        case steps.step_order
            {%- for step in steps %}
            when {{ loop.index }} then slices.step_{{ loop.index }}
            {%- endfor %}
        end as reached,
        case steps.step_order
            when 1 then slices.sessions_total
            {%- for step in steps[1:] %}
            when {{ loop.index + 1 }} then slices.step_{{ loop.index }}
            {%- endfor %}
        end as previous
    from slices
    cross join steps
)

select
    session_date,
    channel,
    device,
    visitor_type,
    cast(step_order as integer) as step_order,
    cast(step as {{ dbt.type_string() }}) as step,
    cast(reached as bigint) as sessions,
    cast(previous as bigint) as previous_step_sessions,
    cast(previous - reached as bigint) as drop_off_sessions,
    cast(case when previous > 0 then reached / cast(previous as double) end as double)
        as step_conversion_rate,
    cast(case when entered > 0 then reached / cast(entered as double) end as double)
        as overall_conversion_rate
from counted
