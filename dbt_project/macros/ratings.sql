{#- The average of stars as the shop serves it (transactional_api/reviews/ratings.py):
    hundredths rounded half up from the integer sum and count, NULL without reviews. In
    doubles: sums and counts are small integers, so the quotient is exact enough that floor
    lands where the shop's integer arithmetic does, on every engine. -#}
{% macro rating_average(rating_sum, rating_count) -%}
    case
        when {{ rating_count }} > 0 then cast(
            floor(
                (cast({{ rating_sum }} as double) * 200 + {{ rating_count }})
                / (cast({{ rating_count }} as double) * 2)
            ) / 100 as double
        )
    end
{%- endmacro %}
