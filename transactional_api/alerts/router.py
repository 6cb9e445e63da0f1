from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from transactional_api.alerts import service
from transactional_api.alerts.schemas import AlertList, AlertOut
from transactional_api.core.deps import DataCaller, Db, ReadDb
from transactional_api.events.alert_events import AlertKind
from transactional_api.events.envelope import UtcDateTime

router = APIRouter(tags=["alerts"])
AlertId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/v1/admin/alerts", response_model=AlertList)
def list_alerts(
    db: ReadDb, _: DataCaller,
    kind: AlertKind | None = None,
    since: Annotated[UtcDateTime | None, Query(
        description="Alerts raised at or after this moment (ISO 8601 with an offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AlertList:
    """Warehouse anomalies and real-time stream alerts, newest first."""
    rows = service.list_alerts(session=db, kind=kind, since=since, limit=limit)
    return AlertList(items=[AlertOut.model_validate(r) for r in rows])


@router.post("/v1/admin/alerts/{alert_id}/ack", response_model=AlertOut)
def acknowledge(alert_id: AlertId, db: Db, caller: DataCaller) -> AlertOut:
    """Mark an alert seen; acknowledging it again keeps the first operator and time."""
    with db.begin():
        alert = service.acknowledge(session=db, alert_id=alert_id, actor_id=caller.id)
        return AlertOut.model_validate(alert)
