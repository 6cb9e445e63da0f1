{#- The attribution models of fct_attribution, in display order. -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay',
               'markov']) }}
{%- endmacro %}


{#- One row per attribution model, in a column named attribution_model, as a subquery. -#}
{% macro attribution_model_rows() -%}
    {%- for name in attribution_models() %}
    select '{{ name }}' as attribution_model{{ " union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The channel of a touch as GA4 writes it, "source / medium". -#}
{% macro channel_label(source, medium) -%}
    {{ dbt.concat([source, "' / '", medium]) }}
{%- endmacro %}


{#- Integer division of two integers, truncated (both are >= 0 where we use it), exact for
    any BIGINT (a float division could round 3999.9999 up). -#}
{% macro int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('int_div')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__int_div(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__int_div(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}
