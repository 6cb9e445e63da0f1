{#- 10^n for a small non-negative integer expression n (ISO 4217 minor units differ by at
    most 4), as an exact integer on every engine (power() answers a double). -#}
{% macro markets_pow10(expr) -%}
    (case {{ expr }} when 0 then 1 when 1 then 10 when 2 then 100 when 3 then 1000
     else 10000 end)
{%- endmacro %}
