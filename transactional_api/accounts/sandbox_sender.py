"""The sandbox email and SMS sender: it 'sends' by recording the message in a table.

It is the only sender so far; a real provider would implement the same send(). Tests, the
demo's simulator and operators read what was sent through GET /v1/admin/sandbox/messages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from transactional_api.accounts.identity_models import SandboxMessage

TEMPLATES = {
    "sign_in": "Your Flywheel sign-in code is {code}. It expires in {minutes} minutes.",
    "password_reset": "Your Flywheel password reset code is {code}. It expires in {minutes} "
                      "minutes. If you did not ask for it, ignore this message.",
    # Sent when a reset is asked for an address with no account: the same work and the same
    # answer to the caller as for a real account, and the owner of the address learns why.
    "password_reset_unknown": "Someone asked to reset a Flywheel password for this address, "
                              "but no account uses it. If it was not you, ignore this message.",
}


def send(session: Session, *, channel: str, destination: str, template: str, now: datetime,
         **values: object) -> None:
    body = TEMPLATES[template].format(**values)
    session.add(SandboxMessage(channel=channel, destination=destination,
                               purpose=template, body=body, created_at=now))


def send_text(session: Session, *, channel: str, destination: str, purpose: str, body: str,
              now: datetime) -> None:
    """Record a message written elsewhere (reach campaigns render their own templates)."""
    session.add(SandboxMessage(channel=channel, destination=destination, purpose=purpose[:24],
                               body=body[:500], created_at=now))


def messages(session: Session, *, destination: str, limit: int = 20) -> list[SandboxMessage]:
    return list(session.scalars(
        select(SandboxMessage).where(SandboxMessage.destination == destination)
        .order_by(SandboxMessage.created_at.desc(), SandboxMessage.id).limit(limit)))
