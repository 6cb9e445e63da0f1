"""Operator rules on served recommendations: /v1/admin/recommendations/rules (marketing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from transactional_api.core import clock
from transactional_api.core.deps import Db, MarketingCaller, ReadDb, RedisDep
from transactional_api.recommendations import rules_service
from transactional_api.recommendations.models import RecoRule
from transactional_api.recommendations.rules_schemas import RuleIn, RuleOut, RulePage

router = APIRouter(tags=["recommendations"])
RuleIdPath = Annotated[str, Path(min_length=1, max_length=36)]


def _out(r: RecoRule) -> RuleOut:
    return RuleOut.model_validate(r, from_attributes=True)


def _changed(request: Request, redis) -> None:
    cache = getattr(request.app.state, "reco_rules", None)
    if cache is not None:
        cache.invalidate()
    rules_service.bump_version(redis)


@router.get("/v1/admin/recommendations/rules", response_model=RulePage)
def list_rules(db: ReadDb, _: MarketingCaller) -> RulePage:
    return RulePage(items=[_out(r) for r in rules_service.list_rules(session=db)])


@router.post("/v1/admin/recommendations/rules", status_code=201, response_model=RuleOut)
def create_rule(body: RuleIn, request: Request, db: Db, redis: RedisDep,
                caller: MarketingCaller) -> RuleOut:
    with db.begin():
        out = _out(rules_service.create(session=db, data=body, actor_id=caller.id,
                                        now=clock.now()))
    _changed(request, redis)
    return out


@router.delete("/v1/admin/recommendations/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: RuleIdPath, request: Request, db: Db, redis: RedisDep,
                _: MarketingCaller) -> Response:
    with db.begin():
        rules_service.remove(session=db, rule_id=rule_id)
    _changed(request, redis)
    return Response(status_code=204)
