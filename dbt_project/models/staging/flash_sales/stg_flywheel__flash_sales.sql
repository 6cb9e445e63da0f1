-- flash_sale_scheduled events (transactional_api/flash_sales): one row per sale as the
-- operator scheduled it; flash_sale_ended adds how it ended and what Redis counted.
with scheduled as (
    {{ deduplicated_events(['flash_sale_scheduled']) }}
),

ended as (
    {{ deduplicated_events(['flash_sale_ended']) }}
),

ends as (
    select
        cast({{ json_text('payload', 'sale_id') }} as {{ dbt.type_string() }}) as sale_id,
        cast(occurred_at as timestamp) as ended_at,
        cast({{ json_text('payload', 'status') }} as {{ dbt.type_string() }}) as end_status,
        cast({{ json_text('payload', 'requests') }} as bigint) as requests,
        cast({{ json_text('payload', 'won') }} as bigint) as reservations_won,
        cast({{ json_text('payload', 'sold_out') }} as bigint) as sold_out_answers,
        cast({{ json_text('payload', 'rate_limited') }} as bigint) as rate_limited_answers,
        cast({{ json_text('payload', 'over_limit') }} as bigint) as over_limit_answers,
        cast({{ json_text('payload', 'units_returned_to_stock') }} as bigint)
            as units_returned_to_stock,
        cast({{ json_text('payload', 'sold_out_at') }} as timestamp) as sold_out_at,
        cast({{ json_text('payload', 'reconciled') }} as boolean) as reconciled,
        cast({{ json_text('payload', 'differences') }} as bigint) as reconciliation_differences
    from ended
)

select
    cast({{ json_text('s.payload', 'sale_id') }} as {{ dbt.type_string() }}) as sale_id,
    cast({{ json_text('s.payload', 'name') }} as {{ dbt.type_string() }}) as sale_name,
    cast({{ json_text('s.payload', 'sku_id') }} as {{ dbt.type_string() }}) as sku_id,
    cast({{ json_text('s.payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('s.payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('s.payload', 'list_price_cents') }} as bigint) as list_price_cents,
    cast({{ json_text('s.payload', 'flash_price_cents') }} as bigint) as flash_price_cents,
    cast({{ json_text('s.payload', 'quantity') }} as bigint) as quantity,
    cast({{ json_text('s.payload', 'per_user_limit') }} as bigint) as per_user_limit,
    cast({{ json_text('s.payload', 'starts_at') }} as timestamp) as starts_at,
    cast({{ json_text('s.payload', 'ends_at') }} as timestamp) as ends_at,
    cast(s.occurred_at as timestamp) as scheduled_at,
    ends.ended_at,
    ends.end_status,
    ends.requests,
    ends.reservations_won,
    ends.sold_out_answers,
    ends.rate_limited_answers,
    ends.over_limit_answers,
    ends.units_returned_to_stock,
    ends.sold_out_at,
    ends.reconciled,
    ends.reconciliation_differences
from scheduled as s
left join ends
    on ends.sale_id = cast({{ json_text('s.payload', 'sale_id') }} as {{ dbt.type_string() }})
