-- Ratings per product from the review events: each review's state is its latest
-- moderation (pending while it has none), stars count once the review is published.
-- Category and merchant come from the catalog snapshot (the product's current ones), the
-- merchant from the events when the snapshot lacks the product.
with submissions as (
    select review_id, product_id, merchant_id, rating, submitted_at
    from (
        select
            *,
            row_number() over (partition by review_id order by submitted_at, event_id)
                as submission_rank
        from {{ ref('stg_flywheel__review_submissions') }}
    ) as ranked
    where submission_rank = 1
),

latest_moderations as (
    select review_id, product_id, merchant_id, rating, to_status
    from (
        select
            *,
            row_number() over (
                partition by review_id order by moderated_at desc, event_id desc
            ) as moderation_rank
        from {{ ref('stg_flywheel__review_moderations') }}
    ) as ranked
    where moderation_rank = 1
),

-- answered now: the latest reply is newer than the latest withdrawal (if any)
replied as (
    select replies.review_id
    from (
        select review_id, max(replied_at) as last_replied_at
        from {{ ref('stg_flywheel__review_replies') }}
        group by review_id
    ) as replies
    left join (
        select review_id, max(deleted_at) as last_deleted_at
        from {{ ref('stg_flywheel__review_reply_deletions') }}
        group by review_id
    ) as deletions on replies.review_id = deletions.review_id
    where deletions.last_deleted_at is null
        or replies.last_replied_at > deletions.last_deleted_at
),

reviews as (
    select
        coalesce(submissions.review_id, latest_moderations.review_id) as review_id,
        coalesce(submissions.product_id, latest_moderations.product_id) as product_id,
        coalesce(submissions.merchant_id, latest_moderations.merchant_id) as merchant_id,
        coalesce(latest_moderations.rating, submissions.rating) as rating,
        coalesce(latest_moderations.to_status, 'pending') as review_status,
        submissions.submitted_at
    from submissions
    full outer join latest_moderations
        on submissions.review_id = latest_moderations.review_id
),

per_product as (
    select
        reviews.product_id,
        max(reviews.merchant_id) as event_merchant_id,
        count(*) as reviews_submitted,
        sum(case when reviews.review_status = 'pending' then 1 else 0 end) as reviews_pending,
        sum(case when reviews.review_status = 'published' then 1 else 0 end)
            as reviews_published,
        sum(case when reviews.review_status = 'rejected' then 1 else 0 end) as reviews_rejected,
        sum(case when reviews.review_status = 'published' then reviews.rating else 0 end)
            as rating_sum,
        {%- for star in range(1, 6) %}
        sum(
            case when reviews.review_status = 'published' and reviews.rating = {{ star }}
                then 1 else 0 end
        ) as rating_{{ star }},
        {%- endfor %}
        sum(
            case when reviews.review_status = 'published' and replied.review_id is not null
                then 1 else 0 end
        ) as reviews_replied,
        max(reviews.submitted_at) as last_submitted_at
    from reviews
    left join replied on reviews.review_id = replied.review_id
    group by reviews.product_id
),

placed as (
    select
        per_product.*,
        catalog_products.product_name,
        catalog_products.category_id,
        coalesce(catalog_products.merchant_id, per_product.event_merchant_id) as merchant_id
    from per_product
    left join {{ ref('stg_oltp__products') }} as catalog_products
        on per_product.product_id = catalog_products.product_id
),

rolled_up as (
    select
        placed.*,
        case when placed.category_id is not null then
            sum(placed.reviews_published) over (partition by placed.category_id)
        end as category_reviews_published,
        case when placed.category_id is not null then
            sum(placed.rating_sum) over (partition by placed.category_id)
        end as category_rating_sum,
        case when placed.merchant_id is not null then
            sum(placed.reviews_published) over (partition by placed.merchant_id)
        end as merchant_reviews_published,
        case when placed.merchant_id is not null then
            sum(placed.rating_sum) over (partition by placed.merchant_id)
        end as merchant_rating_sum
    from placed
)

select
    cast(rolled_up.product_id as {{ dbt.type_string() }}) as product_id,
    cast(rolled_up.product_name as {{ dbt.type_string() }}) as product_name,
    cast(rolled_up.category_id as {{ dbt.type_string() }}) as category_id,
    cast(categories.category_name as {{ dbt.type_string() }}) as category_name,
    cast(rolled_up.merchant_id as {{ dbt.type_string() }}) as merchant_id,
    cast(merchants.merchant_name as {{ dbt.type_string() }}) as merchant_name,
    cast(rolled_up.reviews_submitted as bigint) as reviews_submitted,
    cast(rolled_up.reviews_pending as bigint) as reviews_pending,
    cast(rolled_up.reviews_published as bigint) as reviews_published,
    cast(rolled_up.reviews_rejected as bigint) as reviews_rejected,
    cast(rolled_up.rating_sum as bigint) as rating_sum,
    {{ rating_average('rolled_up.rating_sum', 'rolled_up.reviews_published') }} as rating_avg,
    {%- for star in range(1, 6) %}
    cast(rolled_up.rating_{{ star }} as bigint) as rating_{{ star }},
    {%- endfor %}
    cast(rolled_up.reviews_replied as bigint) as reviews_replied,
    cast(rolled_up.last_submitted_at as timestamp) as last_submitted_at,
    cast(rolled_up.category_reviews_published as bigint) as category_reviews_published,
    {{ rating_average('rolled_up.category_rating_sum', 'rolled_up.category_reviews_published') }}
        as category_rating_avg,
    cast(rolled_up.merchant_reviews_published as bigint) as merchant_reviews_published,
    {{ rating_average('rolled_up.merchant_rating_sum', 'rolled_up.merchant_reviews_published') }}
        as merchant_rating_avg
from rolled_up
left join {{ ref('stg_oltp__categories') }} as categories
    on rolled_up.category_id = categories.category_id
left join {{ ref('stg_oltp__merchants') }} as merchants
    on rolled_up.merchant_id = merchants.merchant_id
