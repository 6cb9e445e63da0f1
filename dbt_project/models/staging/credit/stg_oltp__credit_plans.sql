-- Installment plans as they stand in the OLTP snapshot: what principal is still owed,
-- what was refunded, the status and the funder the receivable went to (NULL: own book).
select
    cast(id as {{ dbt.type_string() }}) as plan_id,
    cast(line_id as {{ dbt.type_string() }}) as line_id,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(order_id as {{ dbt.type_string() }}) as order_id,
    cast(term_months as bigint) as term_months,
    cast(principal_cents as bigint) as principal_cents,
    cast(interest_cents as bigint) as interest_cents,
    cast(fee_cents as bigint) as fee_cents,
    cast(principal_outstanding_cents as bigint) as principal_outstanding_cents,
    cast(refunded_cents as bigint) as refunded_cents,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(funder as {{ dbt.type_string() }}) as funder,
    cast(assigned_at as timestamp) as assigned_at,
    cast(created_at as timestamp) as created_at
from {{ source('oltp', 'credit_plans') }}
