-- One row per alert the shop raised, with its first acknowledgement.
with events as (
    select * from {{ ref('stg_flywheel__alert_events') }}
),

raised as (
    select * from events where event_type = 'alert_raised'
),

acknowledged as (
    select
        alert_id,
        min(occurred_at) as acknowledged_at,
        min(user_id) as acknowledged_by  -- the service emits one acknowledgement per alert
    from events
    where event_type = 'alert_acknowledged'
    group by alert_id
)

select
    raised.alert_id,
    raised.alert_kind,
    raised.alert_source,
    raised.metric_name,
    raised.direction,
    raised.metric_date,
    raised.window_start,
    raised.window_end,
    raised.metric_value,
    raised.expected_value,
    raised.lower_bound,
    raised.upper_bound,
    raised.z_score,
    raised.failures,
    raised.attempts,
    raised.message,
    raised.occurred_at as raised_at,
    cast(raised.occurred_at as date) as raised_date,
    acknowledged.acknowledged_at,
    acknowledged.acknowledged_by,
    acknowledged.alert_id is not null as is_acknowledged
from raised
left join acknowledged on raised.alert_id = acknowledged.alert_id
