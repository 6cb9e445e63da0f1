select search_date, search_query, searches, zero_result_searches
from {{ ref('fct_daily_searches') }}
where zero_result_searches > searches or searches < 1
