"""The rating summary of a product: public reads (the catalog's product page, the search
index) and the one write, made by moderation inside its own transaction.

Averages are worked out from integer sums: hundredths rounded half up, so 13 stars over 3
reviews is 4.33 and 9 over 2 is 4.50, the same on every engine and in the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from transactional_api.core import clock
from transactional_api.reviews.models import ProductRating

STARS = (1, 2, 3, 4, 5)
_CHUNK = 500


def average_centi(rating_sum: int, rating_count: int) -> int | None:
    """100 x the average, rounded half up; None without reviews."""
    if rating_count <= 0:
        return None
    return (200 * rating_sum + rating_count) // (2 * rating_count)


@dataclass(frozen=True)
class RatingSummary:
    count: int = 0
    total: int = 0  # the sum of the stars
    histogram: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STARS, 0))

    @property
    def average_centi(self) -> int | None:
        return average_centi(self.total, self.count)

    @property
    def average(self) -> float | None:
        centi = self.average_centi
        return None if centi is None else centi / 100


EMPTY = RatingSummary()


def _summary(row: ProductRating) -> RatingSummary:
    return RatingSummary(count=int(row.rating_count), total=int(row.rating_sum),
                         histogram={s: int(getattr(row, f"count_{s}")) for s in STARS})


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def summaries(*, session: Session, product_ids: list[str] | None) -> dict[str, RatingSummary]:
    """The summary of each product with a published review (None: of every product);
    products without one are absent (their summary is EMPTY)."""
    stmt = select(ProductRating).where(ProductRating.rating_count > 0)
    if product_ids is None:
        return {r.product_id: _summary(r) for r in session.scalars(stmt)}
    out: dict[str, RatingSummary] = {}
    for chunk in _chunks(sorted(set(product_ids))):
        out.update((r.product_id, _summary(r)) for r in session.scalars(
            stmt.where(ProductRating.product_id.in_(chunk))))
    return out


def summary(*, session: Session, product_id: str) -> RatingSummary:
    return summaries(session=session, product_ids=[product_id]).get(product_id, EMPTY)


def add_published(*, session: Session, product_id: str, rating: int) -> RatingSummary:
    """Count one more published review of product_id, in the caller's transaction; returns
    the new summary. One UPDATE of the product's row (racing moderations of other reviews
    of the product each add their own star); the row is created on the first review."""
    star = f"count_{rating}"
    column = getattr(ProductRating, star)
    values = {"rating_count": ProductRating.rating_count + 1,
              "rating_sum": ProductRating.rating_sum + rating, star: column + 1,
              "updated_at": clock.now()}
    stmt = update(ProductRating).where(ProductRating.product_id == product_id).values(values)
    if session.execute(stmt).rowcount == 0:
        first = {"product_id": product_id, "rating_count": 1, "rating_sum": rating,
                 **{f"count_{s}": int(s == rating) for s in STARS},
                 "updated_at": clock.now()}
        try:
            with session.begin_nested():
                session.execute(insert(ProductRating), [first])
        except IntegrityError:  # another transaction created it first: add to theirs
            session.execute(stmt)
    row = session.scalar(select(ProductRating).where(ProductRating.product_id == product_id)
                         .execution_options(populate_existing=True))
    return _summary(row)
