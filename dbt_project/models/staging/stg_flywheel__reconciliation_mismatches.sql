-- reconciliation_mismatch events: one difference between our payment ledger and a
-- channel's statement for one UTC day (reconciled_date). mismatch_kind is
-- missing_in_statement (we recorded it, the channel did not), missing_in_ledger (the
-- channel did, we did not) or amount_differs; transaction_kind captured or refunded.
-- A re-run of the same day has a new run_id and supersedes the earlier run's findings
-- (see stg_flywheel__reconciliation_runs).
with events as (
    {{ deduplicated_events(['reconciliation_mismatch']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as detected_at,
    cast({{ json_text('payload', 'run_id') }} as {{ dbt.type_string() }}) as run_id,
    cast({{ json_text('payload', 'day') }} as date) as reconciled_date,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'kind') }} as {{ dbt.type_string() }}) as mismatch_kind,
    cast({{ json_text('payload', 'transaction_kind') }} as {{ dbt.type_string() }}) as transaction_kind,
    cast({{ json_text('payload', 'payment_id') }} as {{ dbt.type_string() }}) as payment_id,
    cast({{ json_text('payload', 'provider_reference') }} as {{ dbt.type_string() }}) as provider_reference,
    cast({{ json_text('payload', 'ledger_amount_cents') }} as bigint) as ledger_amount_cents,
    cast({{ json_text('payload', 'statement_amount_cents') }} as bigint)
        as statement_amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency
from events
