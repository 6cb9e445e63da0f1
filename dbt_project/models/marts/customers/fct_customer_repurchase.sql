-- 90-day repurchase of first-time buyers per first-order month (definition in
-- _customers.yml): a second purchase day within 90 days of the first, counted only for
-- buyers whose 90 days are over by the latest payment day.
with orders as (
    select * from {{ ref('int_customer_orders') }}
),

reference as (
    select max(paid_date) as as_of_date from orders
),

buyers as (
    select
        user_id,
        min(case when purchase_day_number = 1 then paid_date end) as first_paid_date,
        min(case when purchase_day_number = 2 then paid_date end) as second_paid_date
    from orders
    group by user_id
),

measured as (
    select
        cast({{ dbt.date_trunc('month', 'buyers.first_paid_date') }} as date) as cohort_month,
        {{ dbt.datediff('buyers.first_paid_date', 'reference.as_of_date', 'day') }} >= 90
            as is_window_complete,
        buyers.second_paid_date is not null
            and {{ dbt.datediff('buyers.first_paid_date', 'buyers.second_paid_date', 'day') }}
            <= 90 as repurchased_within_90d
    from buyers
    cross join reference
)

select
    cohort_month,
    cast(count(*) as bigint) as first_time_buyers,
    cast(sum(case when is_window_complete then 1 else 0 end) as bigint) as eligible_buyers,
    cast(
        sum(case when is_window_complete and repurchased_within_90d then 1 else 0 end)
        as bigint
    ) as repurchased_within_90d,
    cast(sum(case when repurchased_within_90d then 1 else 0 end) as bigint)
        as repurchased_so_far,
    cast(
        case
            when sum(case when is_window_complete then 1 else 0 end) = 0 then null
            else cast(
                sum(case when is_window_complete and repurchased_within_90d then 1 else 0 end)
                as double
            ) / sum(case when is_window_complete then 1 else 0 end)
        end
        as double
    ) as repurchase_rate_90d
from measured
group by cohort_month
