-- wallet_entry events: one row of a shopper's wallet ledger each (the envelope's user is the
-- owner). credit adds amount_cents, debit takes it; signed_amount_cents carries the sign,
-- balance_after_cents is the balance after the entry. reason top_up, payment (a wallet
-- payment) or refund (money refunded to the wallet).
with events as (
    {{ deduplicated_events(['wallet_entry']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as recorded_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'entry_id') }} as bigint) as entry_id,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as entry_kind,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast(
        case {{ json_text('payload', 'kind') }}
            when 'debit' then -cast({{ json_text('payload', 'amount_cents') }} as bigint)
            else cast({{ json_text('payload', 'amount_cents') }} as bigint)
        end as bigint
    ) as signed_amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'balance_after_cents') }} as bigint) as balance_after_cents,
    cast({{ json_text('payload', 'reason') }} as {{ dbt.type_string() }}) as reason,
    cast({{ json_text('payload', 'payment_id') }} as {{ dbt.type_string() }}) as payment_id,
    cast({{ json_text('payload', 'refund_id') }} as {{ dbt.type_string() }}) as refund_id
from events
