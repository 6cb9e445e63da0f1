-- promotion_applied events: one row per promotion (or coupon) per placed order. A coupon's
-- row has coupon_id set and promotion_id = its template id. Amounts in integer cents of
-- the order's currency; discount_cents is off the goods (the lines' shares summed).
with events as (
    {{ deduplicated_events(['promotion_applied']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as applied_at,
    cast(occurred_at as date) as applied_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'promotion_id') }} as {{ dbt.type_string() }}) as promotion_id,
    cast({{ json_text('payload', 'coupon_id') }} as {{ dbt.type_string() }}) as coupon_id,
    cast(
        case when {{ json_text('payload', 'coupon_id') }} is null then 'promotion'
             else 'coupon' end as {{ dbt.type_string() }}
    ) as discount_source,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as kind,
    cast({{ json_text('payload', 'funded_by_merchant_id') }} as {{ dbt.type_string() }})
        as funded_by_merchant_id,
    cast({{ json_text('payload', 'campaign') }} as {{ dbt.type_string() }}) as campaign,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'discount_cents') }} as bigint) as discount_cents,
    cast(coalesce({{ json_text('payload', 'shipping_discount_cents') }}, '0') as bigint)
        as shipping_discount_cents,
    cast(coalesce({{ json_text('payload', 'gift_value_cents') }}, '0') as bigint)
        as gift_value_cents
from events
