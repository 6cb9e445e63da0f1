-- points_mall_given_back events: one row per redemption undone (its order cancelled,
-- refunded or returned): the points it gave back and the mall units restocked (cancel).
with events as (
    {{ deduplicated_events(['points_mall_given_back']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast({{ json_text('payload', 'redemption_id') }} as {{ dbt.type_string() }})
        as redemption_id,
    cast(occurred_at as timestamp) as given_back_at,
    cast(occurred_at as date) as given_back_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'item_id') }} as {{ dbt.type_string() }}) as item_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as item_kind,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'points') }} as bigint) as points,
    cast({{ json_text('payload', 'points_value_cents') }} as bigint) as points_value_cents,
    cast({{ json_text('payload', 'units_restocked') }} as bigint) as units_restocked
from events
