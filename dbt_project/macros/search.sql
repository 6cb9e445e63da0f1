{#- The form a search query is counted under: trimmed, lower case, runs of whitespace
    collapsed to one space, so "Mug", " mug " and "MUG" are one query. -#}
{% macro normalize_search_query(expression) -%}
    {{ return(adapter.dispatch('normalize_search_query')(expression)) }}
{%- endmacro %}

{% macro default__normalize_search_query(expression) -%}
    regexp_replace(lower(trim({{ expression }})), '\\s+', ' ')
{%- endmacro %}

{% macro duckdb__normalize_search_query(expression) -%}
    regexp_replace(lower(trim({{ expression }})), '\s+', ' ', 'g')
{%- endmacro %}
