-- installment_plan_created: one row per plan, created when an order is paid with credit;
-- interest and fee as disclosed at purchase, total = principal + interest + fee.
with events as (
    {{ deduplicated_events(['installment_plan_created']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as created_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'payment_id') }} as {{ dbt.type_string() }}) as payment_id,
    cast({{ json_text('payload', 'term_months') }} as bigint) as term_months,
    cast({{ json_text('payload', 'interest_bps') }} as bigint) as interest_bps,
    cast({{ json_text('payload', 'principal_cents') }} as bigint) as principal_cents,
    cast({{ json_text('payload', 'interest_cents') }} as bigint) as interest_cents,
    cast({{ json_text('payload', 'fee_cents') }} as bigint) as fee_cents,
    cast({{ json_text('payload', 'total_cents') }} as bigint) as total_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'first_due_date') }} as date) as first_due_date
from events
