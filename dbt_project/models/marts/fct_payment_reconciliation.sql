-- What the latest reconciliation of each UTC day found, per channel, mismatch kind,
-- transaction kind and currency. A re-run of a day supersedes every earlier run of that day
-- (the OLTP replaces its findings), so only the day's latest run counts: the one whose
-- events are the latest (every event of a run carries the run's time), ties broken by run_id.
with runs as (
    select run_id, reconciled_date, completed_at as ran_at
    from {{ ref('stg_flywheel__reconciliation_runs') }}
    union all
    select run_id, reconciled_date, detected_at as ran_at
    from {{ ref('stg_flywheel__reconciliation_mismatches') }}
),

latest_runs as (
    select run_id, reconciled_date, ran_at
    from (
        select
            run_id,
            reconciled_date,
            ran_at,
            row_number() over (
                partition by reconciled_date order by ran_at desc, run_id desc
            ) as recency_rank
        from runs
    ) as ranked
    where recency_rank = 1
),

mismatches as (
    select mismatches.*, latest_runs.ran_at
    from {{ ref('stg_flywheel__reconciliation_mismatches') }} as mismatches
    inner join latest_runs
        on mismatches.run_id = latest_runs.run_id
        and mismatches.reconciled_date = latest_runs.reconciled_date
)

select
    reconciled_date,
    channel,
    mismatch_kind,
    transaction_kind,
    currency,
    max(run_id) as run_id,
    max(ran_at) as reconciled_at,
    cast(count(*) as bigint) as mismatches,
    cast(sum(coalesce(ledger_amount_cents, 0)) as bigint) as ledger_amount_cents,
    cast(sum(coalesce(statement_amount_cents, 0)) as bigint) as statement_amount_cents,
    cast(
        sum(abs(coalesce(ledger_amount_cents, 0) - coalesce(statement_amount_cents, 0)))
        as bigint
    ) as difference_cents
from mismatches
group by reconciled_date, channel, mismatch_kind, transaction_kind, currency
