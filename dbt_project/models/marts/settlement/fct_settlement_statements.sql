-- One row per settlement statement, with what became of its payout (definitions in
-- _settlement.yml).
with statements as (
    select * from {{ ref('stg_flywheel__settlement_statements') }}
),

-- a statement has one payout at most; it is sent once at most, after any failed tries
payouts as (
    select
        statement_id,
        max(payout_id) as payout_id,
        max(amount_cents) as payout_cents,
        max(case when outcome = 'sent' then amount_cents end) as paid_cents,
        max(case when outcome = 'sent' then occurred_at end) as paid_at,
        max(attempts) as payout_attempts,
        max(case when outcome = 'sent' then 1 else 0 end) as was_sent
    from {{ ref('stg_flywheel__settlement_payouts') }}
    group by statement_id
)

select
    cast(statements.statement_id as {{ dbt.type_string() }}) as statement_id,
    cast(statements.merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(merchants.merchant_name as {{ dbt.type_string() }}) as merchant_name,
    cast(statements.cycle as {{ dbt.type_string() }}) as cycle,
    cast(statements.period_key as {{ dbt.type_string() }}) as period_key,
    cast(statements.currency as {{ dbt.type_string() }}) as currency,
    cast(statements.sub_order_count as bigint) as sub_order_count,
    cast(statements.gross_cents as bigint) as gross_cents,
    cast(statements.commission_cents as bigint) as commission_cents,
    cast(statements.fee_cents as bigint) as fee_cents,
    cast(statements.merchant_discount_cents as bigint) as merchant_discount_cents,
    cast(statements.refunds_cents as bigint) as refunds_cents,
    cast(statements.adjustments_cents as bigint) as adjustments_cents,
    cast(statements.opening_cents as bigint) as opening_cents,
    cast(statements.deposit_deducted_cents as bigint) as deposit_deducted_cents,
    cast(statements.net_payable_cents as bigint) as net_payable_cents,
    cast(payouts.payout_id as {{ dbt.type_string() }}) as payout_id,
    cast(coalesce(payouts.paid_cents, 0) as bigint) as paid_cents,
    cast(
        case
            when payouts.was_sent = 1 then 'sent'
            when payouts.statement_id is not null then 'failed'
            when statements.net_payable_cents <= 0 then 'nothing_due'
            else 'not_sent'
        end as {{ dbt.type_string() }}
    ) as payout_status,
    cast(coalesce(payouts.payout_attempts, 0) as bigint) as payout_attempts,
    cast(statements.issued_at as timestamp) as issued_at,
    cast(payouts.paid_at as timestamp) as paid_at
from statements
left join payouts on payouts.statement_id = statements.statement_id
left join {{ ref('stg_oltp__merchants') }} as merchants
    on merchants.merchant_id = statements.merchant_id
