-- Risk decisions per UTC day, action, outcome and rule (definitions in _risk.yml).
with decisions as (
    select decision_id, decided_date, action, outcome, user_id
    from {{ ref('stg_flywheel__risk_decisions') }}
),

reasons as (
    select decision_id, rule_code from {{ ref('stg_flywheel__risk_decision_reasons') }}
),

cited as (
    select
        decisions.decided_date,
        decisions.action,
        decisions.outcome,
        coalesce(reasons.rule_code, 'none') as rule_code,
        decisions.decision_id,
        decisions.user_id
    from decisions
    left join reasons on decisions.decision_id = reasons.decision_id
)

select
    cast(decided_date as date) as decision_date,
    cast(action as {{ dbt.type_string() }}) as action,
    cast(outcome as {{ dbt.type_string() }}) as outcome,
    cast(rule_code as {{ dbt.type_string() }}) as rule_code,
    cast(count(distinct decision_id) as bigint) as decisions,
    cast(count(distinct user_id) as bigint) as users
from cited
group by decided_date, action, outcome, rule_code
