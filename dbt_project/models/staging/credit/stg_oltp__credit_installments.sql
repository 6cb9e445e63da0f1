-- Instalments of credit plans as they stand in the OLTP snapshot (a billed one is a bill:
-- billed_at set). repaid_cents = every paid_* part; outstanding_cents = amount + late fees
-- - repaid - waived - cancelled (what is still owed on it, scheduled ones included).
select
    cast(id as {{ dbt.type_string() }}) as installment_id,
    cast(plan_id as {{ dbt.type_string() }}) as plan_id,
    cast(line_id as {{ dbt.type_string() }}) as line_id,
    cast(seq as bigint) as seq,
    cast(due_date as date) as due_date,
    cast(principal_cents as bigint) as principal_cents,
    cast(interest_cents as bigint) as interest_cents,
    cast(fee_cents as bigint) as fee_cents,
    cast(late_fee_cents as bigint) as late_fee_cents,
    cast(paid_principal_cents + paid_interest_cents + paid_fee_cents + paid_late_fee_cents
         as bigint) as repaid_cents,
    cast(waived_cents as bigint) as waived_cents,
    cast(cancelled_cents as bigint) as cancelled_cents,
    cast(principal_cents + interest_cents + fee_cents + late_fee_cents - paid_principal_cents
         - paid_interest_cents - paid_fee_cents - paid_late_fee_cents - waived_cents
         - cancelled_cents as bigint) as outstanding_cents,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(billed_at as timestamp) as billed_at,
    cast(paid_at as timestamp) as paid_at
from {{ source('oltp', 'credit_installments') }}
