-- order_duties_assessed events (transactional_api/duties): an order to another country
-- than the shop's, with the duties and import tax it was charged at placement. Money in
-- integer minor units of currency.
with events as (
    {{ deduplicated_events(['order_duties_assessed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as assessed_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'origin_country') }} as {{ dbt.type_string() }}) as origin_country,
    cast({{ json_text('payload', 'destination_country') }} as {{ dbt.type_string() }}) as destination_country,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'goods_cents') }} as bigint) as goods_cents,
    cast({{ json_text('payload', 'duties_cents') }} as bigint) as duties_cents,
    cast({{ json_text('payload', 'import_tax_cents') }} as bigint) as import_tax_cents
from events
