"""Build jobs: huey runs them, on a local SQLite queue by default or on Redis.

The task only carries a build's id; the worker reads the revision from the
database and stores the PDF and DOCX there, so a worker may run anywhere that
reaches the database and the queue.
"""
from __future__ import annotations

import os
import signal
import socket
import threading
from contextlib import contextmanager
from datetime import timedelta

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from sqlalchemy import select

from ..errors import PlanbookError
from . import books
from .db import Database
from .models import Build, Revision, as_utc, now, problem_dicts
from .settings import Settings


def make_huey(settings: Settings, immediate: bool = False, database: Database | None = None) -> Huey:
    """Return the queue of ``settings`` with the build task registered (``huey.build_task``).

    ``immediate`` runs each task at once in the caller (the unit tests).
    """
    if settings.embedded_queue:
        path = settings.queue_url.split("sqlite:///", 1)[-1]
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name=settings.queue_name, filename=path, immediate=immediate)
    else:
        huey = RedisHuey(name=settings.queue_name, url=settings.queue_url, immediate=immediate)
    holder = {"database": database}

    def _database() -> Database:
        if holder["database"] is None:  # made in the worker process, after the consumer forks
            holder["database"] = Database(settings)
        return holder["database"]

    @huey.task(name="planbook.build")
    def build_task(build_id: int) -> str:
        return run_build(_database(), build_id, settings.build_timeout)

    @huey.periodic_task(crontab(minute="*"), name="planbook.reap")
    def reap_task() -> int:
        return reap(_database(), settings.build_timeout)

    huey.build_task, huey.reap_task = build_task, reap_task
    return huey


class BuildTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    """Raise BuildTimeout in this process's main thread after ``seconds`` (no limit elsewhere)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise BuildTimeout()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def timeout_message(seconds: int) -> str:
    return (f"สร้างเล่มนานเกิน {seconds} วินาที จึงหยุดไว้ / the build took longer than {seconds} seconds "
            "and was stopped")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(worker: str) -> bool:
    """Return True when ``worker`` (host:pid) is a process of this machine that no longer runs."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: only the time limit tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except OSError:
        return False


def reap(database: Database, timeout: int) -> int:
    """Fail the builds left "running" by a worker that died; return how many.

    A worker of this machine that no longer runs is seen at once; another
    machine's only once the build is well past the time limit.
    """
    limit = now() - timedelta(seconds=timeout + 60)
    with database.session() as db:
        stale = list(db.scalars(select(Build).where(Build.status == "running")))
        stale = [b for b in stale if b.started_at is None or as_utc(b.started_at) < limit or _gone(b.worker)]
        for build in stale:
            build.status, build.finished_at = "failed", now()
            build.message = ("เครื่องที่สร้างเล่มหยุดทำงานระหว่างสร้าง: กดสร้างเล่มอีกครั้ง / "
                             "the worker stopped during the build: build again")
        db.commit()
        return len(stale)


def run_build(database: Database, build_id: int, timeout: int = 0) -> str:
    """Build the revision of build ``build_id`` and store the outcome; return its status."""
    with database.session() as db:
        build = db.get(Build, build_id)
        if build is None or build.status not in ("queued", "running"):
            return build.status if build is not None else "missing"
        revision = db.get(Revision, build.revision_id)
        filename, content = revision.filename, revision.content
        build.status, build.started_at, build.worker = "running", now(), worker_name()
        db.commit()
    try:
        with time_limit(timeout):
            built = books.build(filename, content)
    except BuildTimeout:
        return _finish(database, build_id, "failed", timeout_message(timeout))
    except PlanbookError as exc:
        return _finish(database, build_id, "failed", str(exc))
    except Exception as exc:  # a bug: the job still ends, with what went wrong
        return _finish(database, build_id, "failed",
                       f"ข้อผิดพลาดภายในโปรแกรม / internal error: {type(exc).__name__}: {exc}")
    return _finish(database, build_id, "done", "", built)


def _finish(database: Database, build_id: int, status: str, message: str, built: books.Built | None = None) -> str:
    with database.session() as db:
        build = db.get(Build, build_id)
        build.status, build.message, build.finished_at = status, message, now()
        if built is not None:
            build.pdf, build.docx, build.pages = built.pdf, built.docx, built.pages
            build.warnings = problem_dicts(built.warnings)
        db.commit()
    return status
