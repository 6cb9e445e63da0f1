{#- A funnel step can never hold more sessions than the step before it on the same day. -#}
{% test non_increasing_funnel(model, partition_by, order_by, column_name) %}
select *
from (
    select
        {{ column_name }} as step_sessions,
        lag({{ column_name }}) over (
            partition by {{ partition_by }} order by {{ order_by }}
        ) as previous_step_sessions
    from {{ model }}
) as steps
where previous_step_sessions is not null and step_sessions > previous_step_sessions
{% endtest %}
