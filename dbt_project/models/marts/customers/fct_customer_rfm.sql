-- RFM as of the latest payment day in the warehouse; the definitions (quintiles, ties, the
-- R x FM segment table) are in _customers.yml. Scores are computed from integer ranks, never
-- from a float percentile times 5, so a boundary case cannot round into the next score.
with orders as (
    select * from {{ ref('int_customer_orders') }}
),

reference as (
    select max(paid_date) as as_of_date from orders
),

customers as (
    select
        user_id,
        min(paid_date) as first_paid_date,
        max(paid_date) as last_paid_date,
        count(*) as frequency,
        sum(net_cents) as monetary_cents
    from orders
    group by user_id
),

measured as (
    select
        customers.*,
        reference.as_of_date,
        {{ dbt.datediff('customers.last_paid_date', 'reference.as_of_date', 'day') }}
            as recency_days,
        count(*) over () as customer_count
    from customers
    cross join reference
),

ranked as (
    select
        *,
        -- customers at least as recent as this one's worst tie: ties take the better score
        customer_count - rank() over (order by recency_days) + 1 as at_or_behind_recency,
        -- customers strictly below: ties take the lower score
        rank() over (order by frequency) - 1 as below_frequency,
        rank() over (order by monetary_cents) - 1 as below_monetary
    from measured
),

scored as (
    select
        *,
        cast(ceil(cast(5 * at_or_behind_recency as double) / customer_count) as integer)
            as r_score,
        cast(1 + floor(cast(5 * below_frequency as double) / customer_count) as integer)
            as f_score,
        cast(1 + floor(cast(5 * below_monetary as double) / customer_count) as integer)
            as m_score
    from ranked
),

combined as (
    select
        *,
        -- the mean of F and M, halves rounded up
        cast(floor(cast(f_score + m_score + 1 as double) / 2) as integer) as fm_score
    from scored
),

segmented as (
    select
        *,
        {{ rfm_segment('r_score', 'fm_score') }} as rfm_segment
    from combined
)

select
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(as_of_date as date) as as_of_date,
    cast(first_paid_date as date) as first_paid_date,
    cast(last_paid_date as date) as last_paid_date,
    cast(recency_days as bigint) as recency_days,
    cast(frequency as bigint) as frequency,
    cast(monetary_cents as bigint) as monetary_cents,
    r_score,
    f_score,
    m_score,
    fm_score,
    cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
    cast(
        case rfm_segment
            when 'champions' then 'Champions'
            when 'loyal' then 'Loyal'
            when 'potential_loyalist' then 'Potential Loyalist'
            when 'new' then 'New'
            when 'promising' then 'Promising'
            when 'need_attention' then 'Need Attention'
            when 'about_to_sleep' then 'About to Sleep'
            when 'at_risk' then 'At Risk'
            -- chr(39), not a doubled quote: Spark reads 'Can''t' as 'Can' 't' = Cant
            when 'cant_lose_them' then 'Can' || chr(39) || 't Lose Them'
            when 'hibernating' then 'Hibernating'
            else 'Lost'
        end
        as {{ dbt.type_string() }}
    ) as rfm_segment_name
from segmented
