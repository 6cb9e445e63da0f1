-- Each merchant's settlement position per currency: what was accrued and charged, what it
-- is owed, what was paid, what its deposit holds (definitions in _settlement.yml).
with entries as (
    select
        merchant_id,
        currency,
        sum(case when source = 'accrual' then gross_cents else 0 end) as accrued_gross_cents,
        sum(commission_cents) as commission_cents,
        sum(fee_cents) as fee_cents,
        sum(case when source = 'refund' then payable_cents else 0 end) as refunds_cents,
        sum(payable_cents) as entries_payable_cents
    from {{ ref('stg_flywheel__settlement_entries') }}
    group by merchant_id, currency
),

statements as (
    select
        merchant_id,
        currency,
        count(*) as statements,
        sum(net_payable_cents - opening_cents) as issued_net_payable_cents,
        sum(case when payout_status in ('failed', 'not_sent') then 1 else 0 end)
            as open_statements,
        max(issued_at) as last_issued_at
    from {{ ref('fct_settlement_statements') }}
    group by merchant_id, currency
),

-- per payout: sent at most once, else failed on every try so far
payout_states as (
    select
        payout_id,
        max(merchant_id) as merchant_id,
        max(currency) as currency,
        max(amount_cents) as amount_cents,
        max(case when outcome = 'sent' then 1 else 0 end) as was_sent
    from {{ ref('stg_flywheel__settlement_payouts') }}
    group by payout_id
),

payouts as (
    select
        merchant_id,
        currency,
        sum(case when was_sent = 1 then amount_cents else 0 end) as paid_out_cents,
        sum(case when was_sent = 0 then 1 else 0 end) as payouts_failed,
        sum(case when was_sent = 0 then amount_cents else 0 end) as payout_failed_cents
    from payout_states
    group by merchant_id, currency
),

deposits as (
    select
        merchant_id,
        currency,
        sum(case when movement = 'held' then amount_cents else -amount_cents end)
            as deposit_held_cents,
        sum(case when movement = 'deducted' then amount_cents else 0 end)
            as deposit_deducted_cents
    from {{ ref('stg_flywheel__settlement_deposits') }}
    group by merchant_id, currency
),

keys as (
    select merchant_id, currency from entries
    union
    select merchant_id, currency from statements
    union
    select merchant_id, currency from payouts
    union
    select merchant_id, currency from deposits
)

select
    cast(keys.merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(merchants.merchant_name as {{ dbt.type_string() }}) as merchant_name,
    cast(keys.currency as {{ dbt.type_string() }}) as currency,
    cast(coalesce(entries.accrued_gross_cents, 0) as bigint) as accrued_gross_cents,
    cast(coalesce(entries.commission_cents, 0) as bigint) as commission_cents,
    cast(coalesce(entries.fee_cents, 0) as bigint) as fee_cents,
    cast(coalesce(entries.refunds_cents, 0) as bigint) as refunds_cents,
    cast(coalesce(entries.entries_payable_cents, 0)
         + coalesce(deposits.deposit_deducted_cents, 0)
         - coalesce(payouts.paid_out_cents, 0) as bigint) as payable_cents,
    cast(coalesce(statements.issued_net_payable_cents, 0) as bigint)
        as issued_net_payable_cents,
    cast(coalesce(payouts.paid_out_cents, 0) as bigint) as paid_out_cents,
    cast(coalesce(payouts.payouts_failed, 0) as bigint) as payouts_failed,
    cast(coalesce(payouts.payout_failed_cents, 0) as bigint) as payout_failed_cents,
    cast(coalesce(deposits.deposit_held_cents, 0) as bigint) as deposit_held_cents,
    cast(coalesce(statements.statements, 0) as bigint) as statements,
    cast(coalesce(statements.open_statements, 0) as bigint) as open_statements,
    cast(statements.last_issued_at as timestamp) as last_issued_at
from keys
left join entries
    on entries.merchant_id = keys.merchant_id and entries.currency = keys.currency
left join statements
    on statements.merchant_id = keys.merchant_id and statements.currency = keys.currency
left join payouts
    on payouts.merchant_id = keys.merchant_id and payouts.currency = keys.currency
left join deposits
    on deposits.merchant_id = keys.merchant_id and deposits.currency = keys.currency
left join {{ ref('stg_oltp__merchants') }} as merchants
    on merchants.merchant_id = keys.merchant_id
