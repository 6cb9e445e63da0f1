-- growth_recorded events: one signed row of a member's growth ledger each (source
-- order_paid, refund, review, adjustment, sign_in, share or birthday); window_growth is
-- the member's growth over the levels' rolling window right after the entry.
with events as (
    {{ deduplicated_events(['growth_recorded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as recorded_at,
    cast(occurred_at as date) as recorded_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'growth') }} as bigint) as growth,
    cast({{ json_text('payload', 'source') }} as {{ dbt.type_string() }}) as growth_source,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'source_event_id') }} as {{ dbt.type_string() }})
        as source_event_id,
    cast({{ json_text('payload', 'window_growth') }} as bigint) as window_growth
from events
