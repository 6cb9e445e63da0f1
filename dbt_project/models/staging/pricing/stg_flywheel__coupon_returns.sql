-- coupon_returned events: a redeemed coupon given back because its order was cancelled
-- or expired unpaid.
with events as (
    {{ deduplicated_events(['coupon_returned']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as returned_at,
    cast(occurred_at as date) as returned_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'coupon_id') }} as {{ dbt.type_string() }}) as coupon_id,
    cast({{ json_text('payload', 'template_id') }} as {{ dbt.type_string() }}) as template_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason
from events
