-- Receivables per funder and currency: assigned, repaid, still owed and overdue
-- (definitions in _credit.yml).
with assigned as (
    select plan_id, funder, currency, receivable_cents
    from {{ ref('stg_flywheel__credit_receivable_assignments') }}
),

overdue_bills as (
    select distinct bill_id from {{ ref('stg_flywheel__credit_bill_overdues') }}
),

per_plan as (
    select
        inst.plan_id,
        sum(inst.repaid_cents) as repaid_cents,
        sum(inst.cancelled_cents) as cancelled_cents,
        sum(inst.outstanding_cents) as outstanding_cents,
        sum(case when inst.status = 'billed' and overdue_bills.bill_id is not null
                 then inst.outstanding_cents else 0 end) as overdue_cents,
        sum(case when inst.status = 'billed' and overdue_bills.bill_id is not null
                 then 1 else 0 end) as bills_overdue
    from {{ ref('stg_oltp__credit_installments') }} as inst
    left join overdue_bills on overdue_bills.bill_id = inst.installment_id
    group by inst.plan_id
)

select
    assigned.funder,
    assigned.currency,
    cast(count(*) as bigint) as plans_assigned,
    cast(sum(assigned.receivable_cents) as bigint) as assigned_cents,
    cast(coalesce(sum(per_plan.repaid_cents), 0) as bigint) as repaid_cents,
    cast(coalesce(sum(per_plan.cancelled_cents), 0) as bigint) as cancelled_cents,
    cast(coalesce(sum(per_plan.outstanding_cents), 0) as bigint) as outstanding_cents,
    cast(coalesce(sum(per_plan.overdue_cents), 0) as bigint) as overdue_cents,
    cast(coalesce(sum(per_plan.bills_overdue), 0) as bigint) as bills_overdue
from assigned
left join per_plan on per_plan.plan_id = assigned.plan_id
group by assigned.funder, assigned.currency
