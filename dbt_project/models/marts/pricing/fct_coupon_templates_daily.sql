-- Coupons issued, redeemed and given back per template and UTC day, with the redemption
-- rate to date. A redemption's discount is a cost unless its coupon came back for that
-- order (the order was cancelled or expired), however late the return landed.
with claims as (
    select
        template_id,
        claimed_date as activity_date,
        count(*) as issued,
        sum(case when channel = 'claim' then 1 else 0 end) as issued_claim,
        sum(case when channel = 'grant' then 1 else 0 end) as issued_grant,
        sum(case when channel = 'code' then 1 else 0 end) as issued_code
    from {{ ref('stg_flywheel__coupon_claims') }}
    group by template_id, claimed_date
),

returns as (
    select * from {{ ref('stg_flywheel__coupon_returns') }}
),

redemptions as (
    select
        redemptions.template_id,
        redemptions.redeemed_date as activity_date,
        count(*) as redeemed,
        sum(case when returned.coupon_id is null then redemptions.discount_cents else 0 end)
            as discount_cost_cents
    from {{ ref('stg_flywheel__coupon_redemptions') }} as redemptions
    left join (select distinct coupon_id, order_id from returns) as returned
        on redemptions.coupon_id = returned.coupon_id
        and redemptions.order_id = returned.order_id
    group by redemptions.template_id, redemptions.redeemed_date
),

returned_daily as (
    select template_id, returned_date as activity_date, count(*) as returned
    from returns
    group by template_id, returned_date
),

days as (
    select template_id, activity_date from claims
    union
    select template_id, activity_date from redemptions
    union
    select template_id, activity_date from returned_daily
),

daily as (
    select
        days.template_id,
        days.activity_date,
        cast(coalesce(claims.issued, 0) as bigint) as issued,
        cast(coalesce(claims.issued_claim, 0) as bigint) as issued_claim,
        cast(coalesce(claims.issued_grant, 0) as bigint) as issued_grant,
        cast(coalesce(claims.issued_code, 0) as bigint) as issued_code,
        cast(coalesce(redemptions.redeemed, 0) as bigint) as redeemed,
        cast(coalesce(returned_daily.returned, 0) as bigint) as returned,
        cast(coalesce(redemptions.discount_cost_cents, 0) as bigint) as discount_cost_cents
    from days
    left join claims
        on days.template_id = claims.template_id and days.activity_date = claims.activity_date
    left join redemptions
        on days.template_id = redemptions.template_id
        and days.activity_date = redemptions.activity_date
    left join returned_daily
        on days.template_id = returned_daily.template_id
        and days.activity_date = returned_daily.activity_date
),

to_date as (
    select
        *,
        redeemed - returned as net_redeemed,
        sum(issued) over (
            partition by template_id order by activity_date
            rows between unbounded preceding and current row
        ) as issued_to_date,
        sum(redeemed - returned) over (
            partition by template_id order by activity_date
            rows between unbounded preceding and current row
        ) as net_redeemed_to_date
    from daily
)

select
    {{ dbt.hash(dbt.concat([
        "to_date.template_id", "'|'", "cast(to_date.activity_date as " ~ dbt.type_string() ~ ")"
    ])) }} as template_day_key,
    to_date.template_id,
    to_date.activity_date,
    templates.template_name,
    templates.kind,
    templates.funded_by,
    templates.campaign,
    templates.currency,
    to_date.issued,
    to_date.issued_claim,
    to_date.issued_grant,
    to_date.issued_code,
    to_date.redeemed,
    to_date.returned,
    cast(to_date.net_redeemed as bigint) as net_redeemed,
    cast(to_date.issued_to_date as bigint) as issued_to_date,
    cast(to_date.net_redeemed_to_date as bigint) as net_redeemed_to_date,
    case when to_date.issued_to_date > 0
        then cast(to_date.net_redeemed_to_date as double) / to_date.issued_to_date
    end as redemption_rate_to_date,
    to_date.discount_cost_cents
from to_date
left join {{ ref('dim_coupon_templates') }} as templates
    on to_date.template_id = templates.template_id
