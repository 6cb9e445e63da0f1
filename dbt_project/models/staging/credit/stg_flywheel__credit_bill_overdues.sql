-- credit_bill_overdue: one row per bill and overdue period (a late fee is charged once per
-- period); days_overdue counts from the due date, outstanding_cents is what the bill owed
-- after the fee.
with events as (
    {{ deduplicated_events(['credit_bill_overdue']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as overdue_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'bill_id') }} as {{ dbt.type_string() }}) as bill_id,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'due_date') }} as date) as due_date,
    cast({{ json_text('payload', 'days_overdue') }} as bigint) as days_overdue,
    cast({{ json_text('payload', 'period') }} as bigint) as overdue_period,
    cast({{ json_text('payload', 'late_fee_cents') }} as bigint) as late_fee_cents,
    cast({{ json_text('payload', 'outstanding_cents') }} as bigint) as outstanding_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'score_penalty') }} as bigint) as score_penalty
from events
