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


{#- A payload field holding a list of objects, as a list of structs with the given fields:
    fields is a list of [name, type] pairs, type 'varchar', 'bigint' or 'double'. Unnest it
    with explode_list; read a field as <alias>.<name>. -#}
{% macro json_struct_list(column, field, fields) -%}
    {{ return(adapter.dispatch('json_struct_list')(column, field, fields)) }}
{%- endmacro %}

{% macro default__json_struct_list(column, field, fields) -%}
    {%- set spark_types = {'varchar': 'string', 'bigint': 'bigint', 'double': 'double'} -%}
    from_json(
        get_json_object({{ column }}, '$.{{ field }}'),
        'array<struct<
        {%- for name, type in fields -%}
            {{ name }}:{{ spark_types[type] }}{{ "," if not loop.last }}
        {%- endfor -%}
        >>'
    )
{%- endmacro %}

{% macro duckdb__json_struct_list(column, field, fields) -%}
    from_json(
        json_extract({{ column }}, '$.{{ field }}'),
        '[{
        {%- for name, type in fields -%}
            "{{ name }}": "{{ type | upper }}"{{ ", " if not loop.last }}
        {%- endfor -%}
        }]'
    )
{%- endmacro %}


{#- One row per element of a list, in a SELECT list: `select {{ explode_list('xs') }} as x`. -#}
{% macro explode_list(expression) -%}
    {{ return(adapter.dispatch('explode_list')(expression)) }}
{%- endmacro %}

{% macro default__explode_list(expression) -%}
    explode({{ expression }})
{%- endmacro %}

{% macro duckdb__explode_list(expression) -%}
    unnest({{ expression }})
{%- endmacro %}
