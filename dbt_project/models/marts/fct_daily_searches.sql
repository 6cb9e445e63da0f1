select
    search_date,
    query_normalized as search_query,
    cast(max(search_source) as {{ dbt.type_string() }}) as search_source,
    cast(count(*) as bigint) as searches,
    cast(sum(case when results_count = 0 then 1 else 0 end) as bigint) as zero_result_searches,
    cast(avg(results_count) as double) as avg_results_count
from {{ ref('int_searches_deduplicated') }}
group by search_date, query_normalized
