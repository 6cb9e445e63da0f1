"""The webhook secret shared with payment channels.

There is no built-in default any more: a published default lets anyone forge a paid
callback. Unless FLYWHEEL_PAYMENT_WEBHOOK_SECRET is set, each installation generates a
random secret once and keeps it under var/secrets, readable by its owner only. Processes
that share var/ (uvicorn workers) agree on it; replicas on other machines need the variable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from transactional_api.config import Settings


def secret_path(settings: Settings) -> Path:
    return settings.var_dir.resolve() / "secrets" / "payment_webhook_secret"


def webhook_secret(settings: Settings) -> str:
    if settings.payment_webhook_secret:
        return settings.payment_webhook_secret
    path = secret_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Written aside and linked into place: link fails if another process won the race,
        # and nobody ever reads a half-written secret.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    value = path.read_text().strip()
    if len(value) < 32:
        raise RuntimeError(f"{path} holds no usable secret: delete it to generate a new one")
    return value
