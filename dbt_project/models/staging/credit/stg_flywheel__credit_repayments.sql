-- credit_repayment_received: one row per repayment, split into what it paid of late fees,
-- fees, interest and principal; waived_interest_cents is the unearned interest an early
-- repayment waived. Which bills it paid, and how much of each, is on the OLTP's instalments.
with events as (
    {{ deduplicated_events(['credit_repayment_received']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as repaid_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'repayment_id') }} as {{ dbt.type_string() }}) as repayment_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'principal_cents') }} as bigint) as principal_cents,
    cast({{ json_text('payload', 'interest_cents') }} as bigint) as interest_cents,
    cast({{ json_text('payload', 'fee_cents') }} as bigint) as fee_cents,
    cast({{ json_text('payload', 'late_fee_cents') }} as bigint) as late_fee_cents,
    cast({{ json_text('payload', 'waived_interest_cents') }} as bigint) as waived_interest_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
