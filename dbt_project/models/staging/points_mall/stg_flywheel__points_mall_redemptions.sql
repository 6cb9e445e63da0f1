-- points_mall_redeemed events (transactional_api/points_mall): one row per redemption.
-- points and cash_cents cover every unit; points_value_cents is the points' worth at the
-- shop's point value when redeemed (members_points_per_currency_unit).
with events as (
    {{ deduplicated_events(['points_mall_redeemed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast({{ json_text('payload', 'redemption_id') }} as {{ dbt.type_string() }})
        as redemption_id,
    cast(occurred_at as timestamp) as redeemed_at,
    cast(occurred_at as date) as redeemed_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'item_id') }} as {{ dbt.type_string() }}) as item_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as item_kind,
    cast({{ json_text('payload', 'quantity') }} as bigint) as quantity,
    cast({{ json_text('payload', 'points') }} as bigint) as points,
    cast({{ json_text('payload', 'cash_cents') }} as bigint) as cash_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'points_value_cents') }} as bigint) as points_value_cents,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'coupon_id') }} as {{ dbt.type_string() }}) as coupon_id
from events
