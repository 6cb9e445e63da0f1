-- order_currency_fixed events (transactional_api/markets/checkout.py): one row per order
-- placed in a storefront market, with its currency, the rate to the base currency used at
-- placement and both currencies' ISO 4217 minor units.
with events as (
    {{ deduplicated_events(['order_currency_fixed']) }}
),

ranked as (
    select
        events.*,
        row_number() over (
            partition by {{ json_text('payload', 'order_id') }}
            order by occurred_at, event_id
        ) as order_rank
    from events
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'market') }} as {{ dbt.type_string() }}) as market_code,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'minor_units') }} as integer) as minor_units,
    cast({{ json_text('payload', 'rate_e9') }} as bigint) as fx_rate_e9,
    cast({{ json_text('payload', 'base_currency') }} as {{ dbt.type_string() }})
        as base_currency,
    cast({{ json_text('payload', 'base_minor_units') }} as integer) as base_minor_units,
    cast({{ json_text('payload', 'total_minor') }} as bigint) as total_minor
from ranked
where order_rank = 1
