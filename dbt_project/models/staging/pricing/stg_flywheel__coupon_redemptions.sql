-- coupon_redeemed events: a coupon used on a placed order; discount_cents is everything it
-- took off (goods and shipping), integer cents of currency.
with events as (
    {{ deduplicated_events(['coupon_redeemed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as redeemed_at,
    cast(occurred_at as date) as redeemed_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'coupon_id') }} as {{ dbt.type_string() }}) as coupon_id,
    cast({{ json_text('payload', 'template_id') }} as {{ dbt.type_string() }}) as template_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'discount_cents') }} as bigint) as discount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
