-- Each coupon template as it stands now: its latest coupon_template_changed event (highest
-- version, then latest time), with when it was created and last changed.
with changes as (
    select
        *,
        row_number() over (
            partition by template_id order by version desc, changed_at desc, event_id desc
        ) as _recency,
        min(changed_at) over (partition by template_id) as created_at
    from {{ ref('stg_flywheel__coupon_template_changes') }}
)

select
    template_id,
    template_name,
    kind,
    merchant_id,
    cast(coalesce(merchant_id, 'platform') as {{ dbt.type_string() }}) as funded_by,
    campaign,
    status,
    total_limit,
    per_user_limit,
    currency,
    version,
    created_at,
    changed_at as updated_at
from changes
where _recency = 1
