-- settlement_payout_sent and settlement_payout_failed events: one row per payout attempt's
-- outcome. attempts counts the tries so far; a payout is sent once at most.
with events as (
    {{ deduplicated_events(['settlement_payout_sent', 'settlement_payout_failed']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(occurred_at as timestamp) as occurred_at,
    cast(case when event_type = 'settlement_payout_sent' then 'sent' else 'failed' end
         as {{ dbt.type_string() }}) as outcome,
    cast({{ json_text('payload', 'payout_id') }} as {{ dbt.type_string() }}) as payout_id,
    cast({{ json_text('payload', 'statement_id') }} as {{ dbt.type_string() }}) as statement_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'amount_cents') }} as bigint) as amount_cents,
    cast({{ json_text('payload', 'currency') }} as {{ dbt.type_string() }}) as currency,
    cast({{ json_text('payload', 'attempts') }} as bigint) as attempts,
    cast({{ json_text('payload', 'error') }} as {{ dbt.type_string() }}) as error
from events
