-- Alerts as the shop raised and acknowledged them (transactional_api/alerts), one row per
-- event: alert_raised carries the finding, alert_acknowledged who saw it (user_id).
with events as (
    {{ deduplicated_events(['alert_raised', 'alert_acknowledged']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(event_type as {{ dbt.type_string() }}) as event_type,
    cast(occurred_at as timestamp) as occurred_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'alert_id') }} as {{ dbt.type_string() }}) as alert_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as alert_kind,
    cast({{ json_text('payload', 'source') }} as {{ dbt.type_string() }}) as alert_source,
    cast({{ json_text('payload', 'metric') }} as {{ dbt.type_string() }}) as metric_name,
    cast({{ json_text('payload', 'direction') }} as {{ dbt.type_string() }}) as direction,
    cast({{ json_text('payload', 'metric_date') }} as date) as metric_date,
    cast({{ json_text('payload', 'window_start') }} as timestamp) as window_start,
    cast({{ json_text('payload', 'window_end') }} as timestamp) as window_end,
    cast({{ json_text('payload', 'value') }} as double) as metric_value,
    cast({{ json_text('payload', 'expected') }} as double) as expected_value,
    cast({{ json_text('payload', 'lower_bound') }} as double) as lower_bound,
    cast({{ json_text('payload', 'upper_bound') }} as double) as upper_bound,
    cast({{ json_text('payload', 'z_score') }} as double) as z_score,
    cast({{ json_text('payload', 'failures') }} as bigint) as failures,
    cast({{ json_text('payload', 'attempts') }} as bigint) as attempts,
    cast({{ json_text('payload', 'message') }} as {{ dbt.type_string() }}) as message
from events
