-- One row per rule code a risk decision cites (an allowed decision cites none).
with decisions as (
    select decision_id, decided_date, action, outcome, reasons
    from {{ ref('stg_flywheel__risk_decisions') }}
    where reasons is not null and reasons <> '[]'
),

codes as (
    select
        decision_id,
        decided_date,
        action,
        outcome,
        {{ explode_list(json_string_list('reasons')) }} as rule_code
    from decisions
)

select
    cast(decision_id as {{ dbt.type_string() }}) as decision_id,
    cast(decided_date as date) as decided_date,
    cast(action as {{ dbt.type_string() }}) as action,
    cast(outcome as {{ dbt.type_string() }}) as outcome,
    cast(rule_code as {{ dbt.type_string() }}) as rule_code
from codes
