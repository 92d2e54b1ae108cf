"""Settings from the environment."""
from __future__ import annotations

from pathlib import Path

from assembler.service.settings import Settings


def test_defaults_keep_everything_in_the_data_folder(tmp_path):
    settings = Settings.from_env({"PLANBOOK_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'planbook.sqlite3'}"
    assert settings.queue_url == f"sqlite:///{tmp_path / 'queue.sqlite3'}" and settings.embedded_queue
    assert settings.max_upload == 10 * 1024 * 1024
    assert (settings.worker_memory_mb, settings.worker_max_builds) == (2048, 50)
    assert Settings.from_env({}).data_dir == Path("planbook-data").resolve()


def test_servers_from_urls(tmp_path):
    settings = Settings.from_env({
        "PLANBOOK_DATA_DIR": str(tmp_path), "PLANBOOK_DATABASE_URL": "postgresql://pb@db.example:5432/planbook",
        "PLANBOOK_QUEUE_URL": "redis://queue.example:6379/0", "PLANBOOK_MAX_UPLOAD": "1000",
        "PLANBOOK_WORKER_MEMORY_MB": "0", "PLANBOOK_WORKER_MAX_BUILDS": "7",
    })
    assert (settings.worker_memory_mb, settings.worker_max_builds) == (0, 7)  # 0: no memory cap
    assert settings.database_url == "postgresql+psycopg://pb@db.example:5432/planbook"
    assert not settings.embedded_queue and settings.max_upload == 1000
    assert Settings.from_env(settings.to_env()) == settings  # what a worker process is given
