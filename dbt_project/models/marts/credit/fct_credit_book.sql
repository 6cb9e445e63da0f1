-- The credit book by vintage (the month a plan was created) and currency: what was lent,
-- what came back, what is still owed, overdue and lost (definitions in _credit.yml).
with plans as (
    select
        plan_id,
        currency,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as vintage_month,
        principal_cents,
        interest_cents,
        fee_cents
    from {{ ref('stg_flywheel__installment_plans') }}
),

-- per bill: ever overdue, and the most days overdue any billing run saw
overdue_bills as (
    select
        bill_id,
        max(days_overdue) as max_days_overdue,
        sum(late_fee_cents) as late_fee_cents
    from {{ ref('stg_flywheel__credit_bill_overdues') }}
    group by bill_id
),

installments as (
    select
        inst.plan_id,
        count(bills.bill_id) as bills_issued,
        count(overdue_bills.bill_id) as bills_overdue,
        sum(coalesce(overdue_bills.late_fee_cents, 0)) as late_fee_cents,
        sum(inst.repaid_cents) as repaid_cents,
        sum(inst.cancelled_cents) as cancelled_cents,
        sum(inst.waived_cents) as waived_cents,
        sum(inst.outstanding_cents) as outstanding_cents,
        sum(case when inst.status = 'billed' and overdue_bills.bill_id is not null
                 then inst.outstanding_cents else 0 end) as overdue_cents,
        sum(case when inst.status = 'billed' and overdue_bills.max_days_overdue > 90
                 then inst.outstanding_cents else 0 end) as loss_cents
    from {{ ref('stg_oltp__credit_installments') }} as inst
    left join {{ ref('stg_flywheel__credit_bills') }} as bills
        on bills.bill_id = inst.installment_id
    left join overdue_bills on overdue_bills.bill_id = inst.installment_id
    group by inst.plan_id
),

refunds as (
    select
        plan_id,
        count(*) as refunds,
        sum(refund_cents) as refunded_cents,
        sum(overpayment_cents) as overpayment_returned_cents
    from {{ ref('stg_flywheel__installment_plan_refunds') }}
    group by plan_id
)

select
    plans.vintage_month,
    plans.currency,
    cast(count(*) as bigint) as plans,
    cast(sum(plans.principal_cents) as bigint) as principal_cents,
    cast(sum(plans.interest_cents) as bigint) as interest_cents,
    cast(sum(plans.fee_cents) as bigint) as fee_cents,
    cast(coalesce(sum(installments.repaid_cents), 0) as bigint) as repaid_cents,
    cast(coalesce(sum(installments.outstanding_cents), 0) as bigint) as outstanding_cents,
    cast(coalesce(sum(installments.bills_issued), 0) as bigint) as bills_issued,
    cast(coalesce(sum(installments.bills_overdue), 0) as bigint) as bills_overdue,
    cast(
        case when coalesce(sum(installments.bills_issued), 0) = 0 then null
             else cast(sum(installments.bills_overdue) as double)
                  / cast(sum(installments.bills_issued) as double)
        end as double
    ) as overdue_rate,
    cast(coalesce(sum(installments.overdue_cents), 0) as bigint) as overdue_cents,
    cast(coalesce(sum(installments.late_fee_cents), 0) as bigint) as late_fee_cents,
    cast(coalesce(sum(refunds.refunds), 0) as bigint) as refunds,
    cast(coalesce(sum(refunds.refunded_cents), 0) as bigint) as refunded_cents,
    cast(coalesce(sum(installments.cancelled_cents), 0) as bigint) as cancelled_cents,
    cast(coalesce(sum(refunds.overpayment_returned_cents), 0) as bigint)
        as overpayment_returned_cents,
    cast(coalesce(sum(installments.waived_cents), 0) as bigint) as waived_cents,
    cast(coalesce(sum(installments.loss_cents), 0) as bigint) as loss_cents
from plans
left join installments on installments.plan_id = plans.plan_id
left join refunds on refunds.plan_id = plans.plan_id
group by plans.vintage_month, plans.currency
