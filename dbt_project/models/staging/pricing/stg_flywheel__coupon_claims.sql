-- coupon_claimed events: one row per coupon issued to a shopper, by channel (claim: the
-- shopper took it, grant: an operator or a rule gave it, code: redeemed from a code).
-- value_cents is set on amount coupons only.
with events as (
    {{ deduplicated_events(['coupon_claimed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as claimed_at,
    cast(occurred_at as date) as claimed_date,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'coupon_id') }} as {{ dbt.type_string() }}) as coupon_id,
    cast({{ json_text('payload', 'template_id') }} as {{ dbt.type_string() }}) as template_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as kind,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'campaign') }} as {{ dbt.type_string() }}) as campaign,
    cast({{ json_text('payload', 'value_cents') }} as bigint) as value_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'valid_from') }} as timestamp) as valid_from,
    cast({{ json_text('payload', 'valid_until') }} as timestamp) as valid_until
from events
