"""Service settings, read from the environment.

PLANBOOK_DATA_DIR      folder for the embedded database and queue (default ./planbook-data)
PLANBOOK_DATABASE_URL  SQLAlchemy URL (default sqlite:///DATA_DIR/planbook.sqlite3);
                       PostgreSQL: postgresql+psycopg://user@host:5432/db
PLANBOOK_QUEUE_URL     redis://host:6379/0 for a Redis queue; default the SQLite file
                       DATA_DIR/queue.sqlite3 (embedded: ``planbook serve`` starts its worker)
PLANBOOK_QUEUE_NAME    the queue's name (default planbook)
PLANBOOK_MAX_UPLOAD    largest upload in bytes (default 10 MB)
PLANBOOK_BUILD_TIMEOUT  seconds a build may take before it is stopped and failed (default 600)
PLANBOOK_WORKER_MEMORY_MB   address space a build worker process may use, in MB (default 2048; 0: no cap)
PLANBOOK_WORKER_MAX_BUILDS  builds after which a worker process is replaced by a fresh one (default 50)
PLANBOOK_SECURE_COOKIES  1 to send the session cookie over HTTPS only
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    queue_url: str
    queue_name: str = "planbook"
    max_upload: int = 10 * 1024 * 1024
    secure_cookies: bool = False
    build_timeout: int = 600
    worker_memory_mb: int = 2048
    worker_max_builds: int = 50

    @property
    def embedded_queue(self) -> bool:
        """True when the queue is the local SQLite file (no Redis)."""
        return not self.queue_url.startswith(("redis://", "rediss://", "unix://"))

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        data_dir = Path(env.get("PLANBOOK_DATA_DIR") or "planbook-data").resolve()
        database_url = env.get("PLANBOOK_DATABASE_URL") or f"sqlite:///{data_dir / 'planbook.sqlite3'}"
        for plain in ("postgresql://", "postgres://"):  # the driver installed is psycopg 3
            if database_url.startswith(plain):
                database_url = "postgresql+psycopg://" + database_url[len(plain):]
        queue_url = env.get("PLANBOOK_QUEUE_URL") or f"sqlite:///{data_dir / 'queue.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            queue_url=queue_url,
            queue_name=env.get("PLANBOOK_QUEUE_NAME") or "planbook",
            max_upload=int(env.get("PLANBOOK_MAX_UPLOAD") or 10 * 1024 * 1024),
            secure_cookies=(env.get("PLANBOOK_SECURE_COOKIES") or "") in ("1", "true", "yes"),
            build_timeout=int(env.get("PLANBOOK_BUILD_TIMEOUT") or 600),
            worker_memory_mb=int(env.get("PLANBOOK_WORKER_MEMORY_MB") or 2048),
            worker_max_builds=int(env.get("PLANBOOK_WORKER_MAX_BUILDS") or 50),
        )

    def to_env(self) -> dict[str, str]:
        """Return the environment that gives a child process (a worker) these settings."""
        return {
            "PLANBOOK_DATA_DIR": str(self.data_dir),
            "PLANBOOK_DATABASE_URL": self.database_url,
            "PLANBOOK_QUEUE_URL": self.queue_url,
            "PLANBOOK_QUEUE_NAME": self.queue_name,
            "PLANBOOK_MAX_UPLOAD": str(self.max_upload),
            "PLANBOOK_SECURE_COOKIES": "1" if self.secure_cookies else "",
            "PLANBOOK_BUILD_TIMEOUT": str(self.build_timeout),
            "PLANBOOK_WORKER_MEMORY_MB": str(self.worker_memory_mb),
            "PLANBOOK_WORKER_MAX_BUILDS": str(self.worker_max_builds),
        }
