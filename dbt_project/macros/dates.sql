{#- One row per day from start to end inclusive, in a column named `day`, as a subquery
    (select ... from <from_relation>); start and end are columns or expressions of it.
    No rows when either is NULL. -#}
{% macro day_series(start_date, end_date, from_relation) -%}
    {{ return(adapter.dispatch('day_series')(start_date, end_date, from_relation)) }}
{%- endmacro %}

{% macro default__day_series(start_date, end_date, from_relation) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as day
    from {{ from_relation }}
{%- endmacro %}

{% macro duckdb__day_series(start_date, end_date, from_relation) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day
    )) as date) as day
    from {{ from_relation }}
{%- endmacro %}
