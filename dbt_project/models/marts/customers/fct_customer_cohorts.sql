-- Cohort retention (definition in _customers.yml). Every cohort gets a row for every month
-- from its first up to the last month with a payment, active or not, from a day series, so
-- a month without any purchase still shows as 0 rather than a gap.
with orders as (
    select user_id, paid_date from {{ ref('int_customer_orders') }}
),

firsts as (
    select
        user_id,
        cast({{ dbt.date_trunc('month', 'min(paid_date)') }} as date) as cohort_month
    from orders
    group by user_id
),

cohorts as (
    select cohort_month, count(*) as cohort_customers
    from firsts
    group by cohort_month
),

bounds as (
    select min(paid_date) as first_day, max(paid_date) as last_day from orders
),

days as (
    {{ day_series('first_day', 'last_day', 'bounds') }}
),

months as (
    select distinct cast({{ dbt.date_trunc('month', 'day') }} as date) as activity_month
    from days
),

activity as (
    select distinct
        firsts.cohort_month,
        cast({{ dbt.date_trunc('month', 'orders.paid_date') }} as date) as activity_month,
        orders.user_id
    from orders
    inner join firsts on orders.user_id = firsts.user_id
),

active as (
    select cohort_month, activity_month, count(*) as active_customers
    from activity
    group by cohort_month, activity_month
)

select
    cohorts.cohort_month,
    cast(
        {{ dbt.datediff('cohorts.cohort_month', 'months.activity_month', 'month') }} as integer
    ) as months_since_first_order,
    months.activity_month,
    cast(cohorts.cohort_customers as bigint) as cohort_customers,
    cast(coalesce(active.active_customers, 0) as bigint) as active_customers,
    cast(
        cast(coalesce(active.active_customers, 0) as double) / cohorts.cohort_customers
        as double
    ) as retention_rate
from cohorts
inner join months on months.activity_month >= cohorts.cohort_month
left join active
    on cohorts.cohort_month = active.cohort_month
    and months.activity_month = active.activity_month
