{#- The exact percentile (fraction 0..1) of a numeric expression over a group, interpolated
    between the two nearest values (0.5 is the median); NULLs are ignored, and a group with
    no values gives NULL. An aggregate: use it with GROUP BY. -#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
