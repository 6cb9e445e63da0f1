-- settlement_deposit_held and settlement_deposit_deducted events: one row per movement of
-- a merchant's deposit. held: paid in (reason held); deducted: taken into the payable
-- balance to cover a negative statement (negative_balance) or released at close-out
-- (released). deposit_balance_cents is what was held right after.
with events as (
    {{ deduplicated_events(['settlement_deposit_held', 'settlement_deposit_deducted']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast(case when event_type = 'settlement_deposit_held' then 'held' else 'deducted' end
         as {{ dbt.type_string() }}) as movement,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'reference') }} as {{ dbt.type_string() }}) as reference,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'deposit_balance_cents') }} as bigint)
        as deposit_balance_cents
from events
