{#- Landed events of the given types (all types when none), one row per event_id.
    Delivery is at-least-once, so the same event_id can be landed twice: the copy ingested
    first wins (ties broken by file name, so reruns pick the same row). Every staging model
    over raw.events goes through here, so they all agree on which copy counts. A plain
    row_number() subquery rather than QUALIFY keeps it runnable on Spark. -#}
{% macro deduplicated_events(event_types=none) %}
    select *
    from (
        select
            *,
            row_number() over (
                partition by event_id order by _ingested_at, _source_file
            ) as _delivery_rank
        from {{ source('raw', 'events') }}
        {%- if event_types %}
        where event_type in ({{ quoted_list(event_types) }})
        {%- endif %}
    ) as delivered
    where _delivery_rank = 1
{% endmacro %}


{#- 'a', 'b', 'c' for an IN list. -#}
{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- A top-level payload field as text (NULL when absent or JSON null). -#}
{% macro json_text(column, field) -%}
    {{ return(adapter.dispatch('json_text')(column, field)) }}
{%- endmacro %}

{% macro default__json_text(column, field) -%}
    get_json_object({{ column }}, '$.{{ field }}')
{%- endmacro %}

{% macro duckdb__json_text(column, field) -%}
    json_extract_string({{ column }}, '$.{{ field }}')
{%- endmacro %}


{#- JSON text holding a list of strings, as a list of strings. -#}
{% macro json_string_list(column) -%}
    {{ return(adapter.dispatch('json_string_list')(column)) }}
{%- endmacro %}

{% macro default__json_string_list(column) -%}
    from_json({{ column }}, 'array<string>')
{%- endmacro %}

{% macro duckdb__json_string_list(column) -%}
    from_json({{ column }}, '["VARCHAR"]')
{%- endmacro %}
