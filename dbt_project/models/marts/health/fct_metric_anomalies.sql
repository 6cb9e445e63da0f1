{#- z-score of each day's metric against the same weekday of the previous weeks, as
    elementary's anomaly tests do it with day_of_week seasonality. The knobs are dbt vars
    (dbt_project.yml). -#}
{%- set weeks = var('anomaly_history_weeks', 6) | int -%}
{%- set min_points = var('anomaly_min_history_points', 3) | int -%}
{%- set threshold = var('anomaly_z_threshold', 3) | float -%}
{%- if weeks < 1 or min_points < 2 or threshold <= 0 -%}
    {{ exceptions.raise_compiler_error(
        "anomaly_history_weeks >= 1, anomaly_min_history_points >= 2 and "
        ~ "anomaly_z_threshold > 0 are required") }}
{%- endif %}

with daily as (
    select * from {{ ref('fct_daily_health_metrics') }}
),

-- One row per day and metric; a day without sessions has no conversion rate to judge.
metrics as (
    select metric_date, 'gmv_cents' as metric_name, cast(gmv_cents as double) as metric_value
    from daily
    union all
    select metric_date, 'paid_orders', cast(paid_orders as double) from daily
    union all
    select metric_date, 'conversion_rate', cast(conversion_rate as double)
    from daily
    where conversion_rate is not null
    union all
    select metric_date, 'payment_failures', cast(payment_failures as double) from daily
),

-- The same weekday 1..N weeks back: a Saturday is measured against Saturdays only.
history as (
    select
        observed.metric_date,
        observed.metric_name,
        count(past.metric_value) as history_points,
        avg(past.metric_value) as history_mean,
        stddev_samp(past.metric_value) as history_stddev
    from metrics as observed
    left join metrics as past
        on past.metric_name = observed.metric_name
        and past.metric_date in (
            {%- for week in range(1, weeks + 1) %}
            cast({{ dbt.dateadd('day', -7 * week, 'observed.metric_date') }} as date)
            {{- ',' if not loop.last }}
            {%- endfor %}
        )
    group by observed.metric_date, observed.metric_name
),

scored as (
    select
        metrics.metric_date,
        metrics.metric_name,
        metrics.metric_value,
        history.history_points,
        history.history_mean,
        history.history_stddev,
        history.history_points >= {{ min_points }} as has_history,
        -- A flat history (stddev 0) has no band to measure against: no score, as in
        -- elementary, rather than an infinite one.
        case
            when history.history_points >= {{ min_points }} and history.history_stddev > 0
            then (metrics.metric_value - history.history_mean) / history.history_stddev
        end as z_score
    from metrics
    inner join history
        on metrics.metric_date = history.metric_date
        and metrics.metric_name = history.metric_name
)

select
    metric_date,
    cast(metric_name as {{ dbt.type_string() }}) as metric_name,
    metric_value,
    cast(history_points as bigint) as history_points,
    history_mean,
    history_stddev,
    z_score,
    cast(case when has_history then history_mean - {{ threshold }} * history_stddev end
         as double) as lower_bound,
    cast(case when has_history then history_mean + {{ threshold }} * history_stddev end
         as double) as upper_bound,
    cast(
        case when z_score > {{ threshold }} then 'above'
        when z_score < -{{ threshold }} then 'below' end
        as {{ dbt.type_string() }}
    ) as direction,
    -- The day the build runs on is still filling up: it is charted but never flagged.
    metric_date < cast('{{ run_started_at.strftime("%Y-%m-%d") }}' as date) as is_complete_day,
    coalesce(
        metric_date < cast('{{ run_started_at.strftime("%Y-%m-%d") }}' as date)
        and (z_score > {{ threshold }} or z_score < -{{ threshold }}),
        false
    ) as is_anomaly
from scored
