-- credit_bill_issued: one row per bill (an instalment once billed; early when an early
-- repayment billed it ahead of its date).
with events as (
    {{ deduplicated_events(['credit_bill_issued']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as issued_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'bill_id') }} as {{ dbt.type_string() }}) as bill_id,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'seq') }} as bigint) as seq,
    cast({{ json_text('payload', 'due_date') }} as date) as due_date,
    cast({{ json_text('payload', 'principal_cents') }} as bigint) as principal_cents,
    cast({{ json_text('payload', 'interest_cents') }} as bigint) as interest_cents,
    cast({{ json_text('payload', 'fee_cents') }} as bigint) as fee_cents,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast(case when lower({{ json_text('payload', 'early') }}) = 'true' then true else false end
         as boolean) as is_early
from events
