-- How much of each kind of translatable content each language covers now (from the OLTP
-- snapshot), and how many texts changed in the last translation_recent_days (from the
-- translation_changed events), per entity type and language.
{% set window_days = var('translation_recent_days', 30) %}
{% set entity_types = ['product', 'category', 'brand', 'landing_page', 'message_template'] %}

with entities as (
    -- what is live: retired products, pages and campaigns are shown to no one
    select 'product' as entity_type, product_id as entity_id
    from {{ ref('stg_oltp__products') }}
    where status <> 'delisted'
    union all
    select 'category' as entity_type, category_id as entity_id
    from {{ ref('stg_oltp__categories') }}
    union all
    select 'brand' as entity_type, brand_id as entity_id
    from {{ ref('stg_oltp__brands') }}
    union all
    select 'landing_page' as entity_type, landing_page_id as entity_id
    from {{ ref('stg_oltp__landing_pages') }}
    where status <> 'archived'
    union all
    select 'message_template' as entity_type, campaign_id as entity_id
    from {{ ref('stg_oltp__reach_campaigns') }}
    where status <> 'archived'
),

entity_types as (
    {% for entity_type in entity_types -%}
    select '{{ entity_type }}' as entity_type
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

entity_counts as (
    select entity_type, count(*) as entities
    from entities
    group by entity_type
),

texts as (
    select entity_type, entity_id, field, lang
    from {{ ref('stg_oltp__translation_texts') }}
),

translated as (
    -- texts of live entities only: a text outliving its entity covers nothing
    select
        texts.entity_type,
        texts.lang,
        count(distinct texts.entity_id) as translated_entities,
        count(*) as translated_fields
    from texts
    inner join entities
        on entities.entity_type = texts.entity_type
        and entities.entity_id = texts.entity_id
    group by texts.entity_type, texts.lang
),

as_of as (
    -- the data's own "now" (the latest event landed), so a simulated clock's history and
    -- a rebuild of old data read the same
    select max(occurred_at) as as_of_at
    from {{ ref('stg_flywheel__events') }}
),

recent as (
    select
        changes.entity_type,
        changes.lang,
        count(*) as recent_changes,
        sum(case when changes.action = 'created' then 1 else 0 end) as recent_created,
        sum(case when changes.action = 'updated' then 1 else 0 end) as recent_updated,
        sum(case when changes.action = 'deleted' then 1 else 0 end) as recent_deleted
    from {{ ref('stg_flywheel__translation_changes') }} as changes
    cross join as_of
    where changes.changed_at > {{ dbt.dateadd('day', -window_days, 'as_of.as_of_at') }}
        and changes.changed_at <= as_of.as_of_at
    group by changes.entity_type, changes.lang
),

languages as (
    select lang from texts
    union
    select lang from recent
),

grid as (
    select entity_types.entity_type, languages.lang
    from entity_types
    cross join languages
)

select
    cast(grid.entity_type as {{ dbt.type_string() }}) as entity_type,
    cast(grid.lang as {{ dbt.type_string() }}) as lang,
    cast(coalesce(entity_counts.entities, 0) as bigint) as entities,
    cast(coalesce(translated.translated_entities, 0) as bigint) as translated_entities,
    cast(
        case
            when coalesce(entity_counts.entities, 0) = 0 then null
            else cast(coalesce(translated.translated_entities, 0) as double)
                / cast(entity_counts.entities as double)
        end as double
    ) as coverage_share,
    cast(coalesce(translated.translated_fields, 0) as bigint) as translated_fields,
    cast(coalesce(recent.recent_changes, 0) as bigint) as recent_changes,
    cast(coalesce(recent.recent_created, 0) as bigint) as recent_created,
    cast(coalesce(recent.recent_updated, 0) as bigint) as recent_updated,
    cast(coalesce(recent.recent_deleted, 0) as bigint) as recent_deleted,
    cast({{ window_days }} as integer) as recent_window_days,
    cast(as_of.as_of_at as timestamp) as as_of_at
from grid
cross join as_of
left join entity_counts on entity_counts.entity_type = grid.entity_type
left join translated
    on translated.entity_type = grid.entity_type
    and translated.lang = grid.lang
left join recent
    on recent.entity_type = grid.entity_type
    and recent.lang = grid.lang
