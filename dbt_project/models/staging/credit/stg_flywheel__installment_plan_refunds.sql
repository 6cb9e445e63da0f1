-- installment_plan_refunded: one row per refund of a credit order as its plan saw it:
-- instalments cancelled, limit given back, overpaid money returned, still owed after.
with events as (
    {{ deduplicated_events(['installment_plan_refunded']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as refunded_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast({{ json_text('payload', 'plan_id') }} as {{ dbt.type_string() }}) as plan_id,
    cast({{ json_text('payload', 'line_id') }} as {{ dbt.type_string() }}) as line_id,
    cast({{ json_text('payload', 'order_id') }} as {{ dbt.type_string() }}) as order_id,
    cast({{ json_text('payload', 'refund_id') }} as {{ dbt.type_string() }}) as refund_id,
    cast({{ json_text('payload', 'refund_cents') }} as bigint) as refund_cents,
    cast({{ json_text('payload', 'cancelled_installments') }} as bigint) as cancelled_installments,
    cast({{ json_text('payload', 'limit_restored_cents') }} as bigint) as limit_restored_cents,
    cast({{ json_text('payload', 'overpayment_cents') }} as bigint) as overpayment_cents,
    cast({{ json_text('payload', 'owed_after_cents') }} as bigint) as owed_after_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
