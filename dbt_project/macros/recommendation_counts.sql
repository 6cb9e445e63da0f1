{#- Impressions and clicks of recommendation events, one definition for every mart: an
    impression is one item shown; the same item clicked twice in one list is one click. -#}
{% macro recommendation_impressions_and_clicks() -%}
        sum(case when recommendation_event = 'shown' then 1 else 0 end) as impressions,
        count(distinct case when recommendation_event = 'clicked'
                            then {{ dbt.concat(["list_id", "'|'", "product_id"]) }} end)
            as clicks
{%- endmacro %}
