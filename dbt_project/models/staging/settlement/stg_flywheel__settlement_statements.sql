-- settlement_statement_issued events (transactional_api/settlement): one row per statement,
-- its figures as issued (signed cents, what the merchant gains).
with events as (
    {{ deduplicated_events(['settlement_statement_issued']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as issued_at,
    cast({{ json_text('payload', 'statement_id') }} as {{ dbt.type_string() }}) as statement_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'cycle') }} as {{ dbt.type_string() }}) as cycle,
    cast({{ json_text('payload', 'period_key') }} as {{ dbt.type_string() }}) as period_key,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'sub_order_count') }} as bigint) as sub_order_count,
    cast({{ json_text('payload', 'gross_cents') }} as bigint) as gross_cents,
    cast({{ json_text('payload', 'commission_cents') }} as bigint) as commission_cents,
    cast({{ json_text('payload', 'fee_cents') }} as bigint) as fee_cents,
    cast({{ json_text('payload', 'merchant_discount_cents') }} as bigint)
        as merchant_discount_cents,
    cast({{ json_text('payload', 'refunds_cents') }} as bigint) as refunds_cents,
    cast({{ json_text('payload', 'adjustments_cents') }} as bigint) as adjustments_cents,
    cast({{ json_text('payload', 'opening_cents') }} as bigint) as opening_cents,
    cast({{ json_text('payload', 'deposit_deducted_cents') }} as bigint)
        as deposit_deducted_cents,
    cast({{ json_text('payload', 'net_payable_cents') }} as bigint) as net_payable_cents
from events
