"""One settings object for every Flywheel process; variables are prefixed FLYWHEEL_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLYWHEEL_", extra="ignore")

    var_dir: Path = Field(Path("var"), description="Root of every generated file")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite under var/ if unset")
    redis_url: str | None = Field(None, description="External Redis; embedded server if unset")
    redis_port: int = Field(6390, description="Port of the embedded redis-server")
    lake_dir: Path | None = Field(None, description="Event landing zone; var/lake if unset")
    warehouse_path: Path | None = Field(None, description="DuckDB file written by the pipelines")

    api_url: str = "http://127.0.0.1:8000"
    token_ttl_seconds: int = 7 * 24 * 3600
    order_payment_timeout_seconds: int = 15 * 60
    order_sweeper_interval_seconds: float = Field(30.0, description="0 disables the sweeper")
    payment_webhook_secret: str = Field("flywheel-dev-webhook-secret", min_length=16)
    sandbox_callback_url: str | None = Field(
        None, description="Where the sandbox channel calls back; the API's own URL if unset"
    )
    sandbox_callback_delay_seconds: float = 0.05
    sandbox_auto_confirm: bool = Field(
        True, description="False: the sandbox never calls back (deliver callbacks by hand)"
    )
    max_body_bytes: int = 256 * 1024
    relay_interval_seconds: float = Field(0.5, description="0 disables the in-process relay")
    redis_stream: str = "flywheel:events"
    redis_stream_maxlen: int = 100_000
    simulated_clock: bool = Field(
        False, description="Honour the X-Flywheel-Clock header on every request: for the "
        "simulator only, never in production"
    )
    default_currency: str = "USD"
    admin_email: str | None = Field(None, description="Operator account ensured at start-up")
    admin_password: str | None = Field(None, min_length=8)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'oltp.sqlite3').resolve()}"

    @property
    def resolved_lake_dir(self) -> Path:
        return (self.lake_dir or self.var_dir / "lake").resolve()

    @property
    def resolved_warehouse_path(self) -> Path:
        return (self.warehouse_path or self.var_dir / "warehouse" / "flywheel.duckdb").resolve()

    @property
    def published_warehouse_path(self) -> Path:
        """Read-only copy that dashboards open, swapped atomically after each build."""
        return self.resolved_warehouse_path.with_name("published.duckdb")


@lru_cache
def get_settings() -> Settings:
    return Settings()
