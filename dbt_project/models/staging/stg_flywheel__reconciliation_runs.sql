-- reconciliation_completed events: one channel reconciled for one UTC day by one run (also
-- when nothing differed). The latest run of a day supersedes the earlier ones.
with events as (
    {{ deduplicated_events(['reconciliation_completed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as completed_at,
    cast({{ json_text('payload', 'run_id') }} as {{ dbt.type_string() }}) as run_id,
    cast({{ json_text('payload', 'day') }} as date) as reconciled_date,
    cast({{ json_text('payload', 'channel') }} as {{ dbt.type_string() }}) as channel,
    cast({{ json_text('payload', 'ledger_entries') }} as bigint) as ledger_entries,
    cast({{ json_text('payload', 'statement_entries') }} as bigint) as statement_entries,
    cast({{ json_text('payload', 'mismatches') }} as bigint) as mismatches
from events
