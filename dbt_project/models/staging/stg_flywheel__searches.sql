-- Both records of a search: the API's search_performed (search_source 'server': every query
-- it answered, query may be empty, with sort and filters) and the storefront's search
-- behaviour event (search_source 'client'). One search usually produces both, so counting
-- the two together double counts: int_searches_deduplicated keeps one source per day.
with events as (
    {{ deduplicated_events(['search_performed', 'search']) }}
)

select
    cast(event_id as {{ dbt.type_string() }}) as event_id,
    cast(case event_type when 'search_performed' then 'server' else 'client' end as {{ dbt.type_string() }})
        as search_source,
    cast(occurred_at as timestamp) as searched_at,
    cast(user_id as {{ dbt.type_string() }}) as user_id,
    cast(anonymous_id as {{ dbt.type_string() }}) as anonymous_id,
    cast(session_id as {{ dbt.type_string() }}) as session_id,
    cast({{ json_text('payload', 'query') }} as {{ dbt.type_string() }}) as query,
    cast(
        coalesce({{ normalize_search_query(json_text('payload', 'query')) }}, '') as {{ dbt.type_string() }}
    ) as query_normalized,
    cast({{ json_text('payload', 'results_count') }} as bigint) as results_count,
    cast({{ json_text('payload', 'sort') }} as {{ dbt.type_string() }}) as sort,
    cast({{ json_text('payload', 'category_id') }} as {{ dbt.type_string() }}) as category_id,
    cast({{ json_text('payload', 'brand_id') }} as {{ dbt.type_string() }}) as brand_id,
    cast({{ json_text('payload', 'merchant_id') }} as {{ dbt.type_string() }}) as merchant_id,
    cast({{ json_text('payload', 'label') }} as {{ dbt.type_string() }}) as label,
    cast({{ json_text('payload', 'min_price_cents') }} as bigint) as min_price_cents,
    cast({{ json_text('payload', 'max_price_cents') }} as bigint) as max_price_cents,
    cast({{ json_text('payload', 'in_stock') }} as boolean) as in_stock
from events
