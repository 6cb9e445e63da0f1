{#- The RFM segment (snake_case key) of an R score and an FM score, both 1-5, by the R x FM
    table written out in fct_customer_rfm's description (models/marts/customers). Plain
    CASE: the same SQL on every engine. -#}
{% macro rfm_segment(r_score, fm_score) -%}
    case
        when {{ r_score }} >= 4 and {{ fm_score }} >= 4 then 'champions'
        when {{ r_score }} >= 4 and {{ fm_score }} >= 2 then 'potential_loyalist'
        when {{ r_score }} = 5 then 'new'
        when {{ r_score }} = 4 then 'promising'
        when {{ r_score }} = 3 and {{ fm_score }} >= 4 then 'loyal'
        when {{ r_score }} = 3 and {{ fm_score }} >= 2 then 'need_attention'
        when {{ r_score }} = 3 then 'about_to_sleep'
        when {{ r_score }} = 2 and {{ fm_score }} >= 3 then 'at_risk'
        when {{ r_score }} = 2 and {{ fm_score }} = 2 then 'about_to_sleep'
        when {{ r_score }} = 2 then 'hibernating'
        when {{ fm_score }} >= 4 then 'cant_lose_them'
        when {{ fm_score }} = 3 then 'at_risk'
        when {{ fm_score }} = 2 then 'hibernating'
        else 'lost'
    end
{%- endmacro %}
