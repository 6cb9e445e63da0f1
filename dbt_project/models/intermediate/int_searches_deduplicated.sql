-- The searches the marts count. A shopper's search is usually recorded twice: by the API
-- (search_performed, server) and by the storefront (search, client), with nothing shared to
-- pair them up. So each UTC day counts one source only: the server's when that day has any
-- server-side search (complete: it sees every client, with filters and empty queries), else
-- the storefront's (days before the API reported searches, or a setup without it).
with searches as (
    select
        *,
        cast(searched_at as date) as search_date
    from {{ ref('stg_flywheel__searches') }}
),

days_with_server_searches as (
    select distinct search_date
    from searches
    where search_source = 'server'
)

select
    searches.event_id,
    searches.search_source,
    searches.searched_at,
    searches.search_date,
    searches.user_id,
    searches.anonymous_id,
    searches.session_id,
    searches.query,
    searches.query_normalized,
    searches.results_count,
    searches.sort,
    searches.category_id,
    searches.brand_id,
    searches.merchant_id,
    searches.label,
    searches.min_price_cents,
    searches.max_price_cents,
    searches.in_stock
from searches
left join days_with_server_searches as server_days
    on searches.search_date = server_days.search_date
where (server_days.search_date is not null and searches.search_source = 'server')
    or (server_days.search_date is null and searches.search_source = 'client')
