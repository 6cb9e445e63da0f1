-- settlement_entries_recorded events (transactional_api/settlement): one row per booked
-- set of ledger entries. source accrual: the sub-orders a statement settled (source_key
-- statement:<id>); refund: one refund's reversal on one sub-order. Amounts are signed, what
-- the merchant gains; commission_cents and fee_cents are what the platform charged (negative
-- when a refund gives them back).
with events as (
    {{ deduplicated_events(['settlement_entries_recorded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as recorded_at,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'source') }} as {{ dbt.type_string() }}) as source,
    cast({{ json_text('payload', 'source_key') }} as {{ dbt.type_string() }}) as source_key,
    cast({{ json_text('payload', 'sub_order_count') }} as bigint) as sub_order_count,
    cast({{ json_text('payload', 'gross_cents') }} as bigint) as gross_cents,
    cast({{ json_text('payload', 'commission_cents') }} as bigint) as commission_cents,
    cast({{ json_text('payload', 'fee_cents') }} as bigint) as fee_cents,
    cast({{ json_text('payload', 'merchant_discount_cents') }} as bigint)
        as merchant_discount_cents,
    cast({{ json_text('payload', 'platform_discount_cents') }} as bigint)
        as platform_discount_cents,
    cast({{ json_text('payload', 'payable_cents') }} as bigint) as payable_cents
from events
