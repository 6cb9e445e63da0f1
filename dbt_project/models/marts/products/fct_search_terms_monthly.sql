-- What shoppers typed, per calendar month (UTC), from fct_daily_searches (one source of
-- each search counted). Filter-only searches (empty query) are not terms and are left out.
with monthly as (
    select
        cast({{ dbt.date_trunc('month', 'search_date') }} as date) as period_month,
        search_query,
        sum(searches) as searches,
        sum(zero_result_searches) as zero_result_searches
    from {{ ref('fct_daily_searches') }}
    where search_query <> ''
    group by cast({{ dbt.date_trunc('month', 'search_date') }} as date), search_query
)

select
    monthly.period_month,
    monthly.search_query,
    cast(monthly.searches as bigint) as searches,
    cast(monthly.zero_result_searches as bigint) as zero_result_searches,
    cast(cast(monthly.zero_result_searches as double) / monthly.searches as double)
        as zero_result_rate,
    cast(
        rank() over (partition by monthly.period_month order by monthly.searches desc)
        as bigint
    ) as search_rank,
    cast(
        case when monthly.zero_result_searches > 0 then rank() over (
            partition by monthly.period_month
            order by monthly.zero_result_searches desc
        ) end
        as bigint
    ) as zero_result_rank,
    cast(coalesce(previous.searches, 0) as bigint) as searches_previous_month
from monthly
left join monthly as previous
    on previous.search_query = monthly.search_query
    and previous.period_month
        = cast({{ dbt.dateadd('month', -1, 'monthly.period_month') }} as date)
