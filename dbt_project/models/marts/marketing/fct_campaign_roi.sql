-- Spend against attributed revenue per day, campaign, channel and attribution model. A
-- day's revenue is the credit of orders paid that day (as GMV is dated); its cost is what
-- operators entered for that day. Channels nobody pays for (direct, organic) have rows with
-- cost 0 and no ROI; a campaign that cost money and earned nothing has revenue 0.
with revenue as (
    select
        conversion_date as report_date,
        utm_campaign,
        utm_source,
        utm_medium,
        attribution_model,
        currency,
        sum(attributed_revenue_cents) as attributed_revenue_cents,
        sum(credit_share) as attributed_orders
    from {{ ref('fct_attribution') }}
    group by conversion_date, utm_campaign, utm_source, utm_medium, attribution_model, currency
),

costs as (
    select
        costs.cost_date as report_date,
        costs.utm_campaign,
        costs.utm_source,
        costs.utm_medium,
        models.attribution_model,
        costs.currency,
        costs.amount_cents as cost_cents
    from {{ ref('int_campaign_costs_current') }} as costs
    cross join ({{ attribution_model_rows() }}) as models
),

joined as (
    select
        coalesce(revenue.report_date, costs.report_date) as report_date,
        coalesce(revenue.utm_campaign, costs.utm_campaign) as utm_campaign,
        coalesce(revenue.utm_source, costs.utm_source) as utm_source,
        coalesce(revenue.utm_medium, costs.utm_medium) as utm_medium,
        coalesce(revenue.attribution_model, costs.attribution_model) as attribution_model,
        coalesce(revenue.currency, costs.currency) as currency,
        cast(coalesce(costs.cost_cents, 0) as {{ dbt.type_bigint() }}) as cost_cents,
        cast(coalesce(revenue.attributed_revenue_cents, 0) as {{ dbt.type_bigint() }})
            as attributed_revenue_cents,
        cast(coalesce(revenue.attributed_orders, 0) as double) as attributed_orders
    from revenue
    full outer join costs
        on revenue.report_date = costs.report_date
        and revenue.utm_campaign = costs.utm_campaign
        and revenue.utm_source = costs.utm_source
        and revenue.utm_medium = costs.utm_medium
        and revenue.attribution_model = costs.attribution_model
        and revenue.currency = costs.currency
)

select
    {{ dbt.hash(dbt.concat([
        "cast(report_date as " ~ dbt.type_string() ~ ")", "'|'", "utm_campaign", "'|'",
        "utm_source", "'|'", "utm_medium", "'|'", "attribution_model", "'|'", "currency"
    ])) }} as roi_key,
    report_date,
    utm_campaign,
    utm_source,
    utm_medium,
    {{ channel_label('utm_source', 'utm_medium') }} as channel,
    attribution_model,
    currency,
    cost_cents,
    attributed_revenue_cents,
    attributed_orders,
    case when cost_cents > 0
        then cast(attributed_revenue_cents - cost_cents as double) / cost_cents end as roi,
    case when cost_cents > 0
        then cast(attributed_revenue_cents as double) / cost_cents end as roas
from joined
