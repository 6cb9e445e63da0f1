-- RFM over paid orders. The reference "today" is the latest payment in the warehouse, so a
-- replayed or simulated history scores the same whenever it is built.
with orders as (
    select * from {{ ref('int_orders_enriched') }} where is_paid
),

reference as (
    select max(paid_at) as as_of from orders
),

per_user as (
    select
        orders.user_id,
        {{ dbt.datediff('max(orders.paid_at)', 'any_value(reference.as_of)', 'day') }} as recency_days,
        count(*) as frequency,
        sum(orders.total_cents) as monetary_cents
    from orders
    cross join reference
    group by orders.user_id
),

-- Quintiles by percent_rank, so equal values always share a score (ntile would spread
-- identical users over 1..5). Ties lean to the better recency score and to the lower
-- frequency/monetary score: everyone buying once today is 'new', not 'champions'.
scored as (
    select
        *,
        greatest(1, 5 - floor(5 * percent_rank() over (order by recency_days))) as r_score,
        least(5, 1 + floor(5 * percent_rank() over (order by frequency))) as f_score,
        least(5, 1 + floor(5 * percent_rank() over (order by monetary_cents))) as m_score
    from per_user
)

select
    user_id,
    cast(recency_days as bigint) as recency_days,
    cast(frequency as bigint) as frequency,
    cast(monetary_cents as bigint) as monetary_cents,
    cast(r_score as integer) as r_score,
    cast(f_score as integer) as f_score,
    cast(m_score as integer) as m_score,
    cast(
        case
            when r_score >= 4 and f_score >= 4 then 'champions'
            when r_score >= 3 and f_score >= 3 then 'loyal'
            when r_score >= 4 and f_score = 1 then 'new'
            when r_score >= 3 then 'potential_loyalist'
            when f_score >= 3 then 'at_risk'
            when r_score = 2 then 'need_attention'
            else 'hibernating'
        end
        as {{ dbt.type_string() }}
    ) as rfm_segment
from scored
