"""Build jobs: huey runs them, on a local SQLite queue by default or on Redis.

The task only carries a build's id; the worker reads the revision from the
database and stores the PDF and DOCX there, so a worker may run anywhere that
reaches the database and the queue.

Each build worker process builds under a memory cap (PLANBOOK_WORKER_MEMORY_MB,
RLIMIT_AS) and is replaced by a fresh one after PLANBOOK_WORKER_MAX_BUILDS
builds or after a build that failed for a reason other than its records (time
limit, memory, a bug): the task stores the build's outcome, then asks its
process to end, and huey's consumer, which checks its workers every 2 s,
starts a new one. A build whose worker died is queued again once, then failed.
"""
from __future__ import annotations

import errno
import os
import resource
import signal
import socket
import subprocess
import threading
from contextlib import contextmanager
from datetime import timedelta

from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.consumer import Consumer, Worker
from sqlalchemy import select, update

from ..errors import PlanbookError
from . import books
from .db import Database
from .models import Build, Revision, Thumbnail, as_utc, now, problem_dicts
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
    process = {"builds": 0, "worker": False}

    def _database() -> Database:
        if holder["database"] is None:  # made in the worker process, after the consumer forks
            holder["database"] = Database(settings)
        return holder["database"]

    @huey.on_startup(name="planbook.prepare")
    def prepare() -> None:  # in each consumer worker process (never in immediate mode), before its first build
        process["worker"] = True
        books.prepare()

    @huey.task(name="planbook.build")
    def build_task(build_id: int) -> str:
        memory = settings.worker_memory_mb if process["worker"] else 0  # not the caller's process (tests)
        status = run_build(_database(), build_id, settings.build_timeout, memory)
        process["builds"] += 1
        if process["builds"] >= settings.worker_max_builds > 0:
            RECYCLE.set("builds")
        return status

    @huey.periodic_task(crontab(minute="*"), name="planbook.reap")
    def reap_task() -> int:
        return reap(_database(), settings.build_timeout, build_task)

    huey.build_task, huey.reap_task = build_task, reap_task
    return huey


class _Recycle:
    """Why this worker process should end once its task is done (a limit of builds, a failure), or ""."""

    reason = ""

    def set(self, reason: str) -> None:
        self.reason = self.reason or reason


RECYCLE = _Recycle()

try:  # huey's own "recycle" exception (recent huey): the consumer logs a restart, not a crash
    from huey.consumer import WorkerRecycle as _WorkerEnds
except ImportError:  # pragma: no cover
    class _WorkerEnds(Exception):
        pass


class BuildWorker(Worker):
    """huey's worker loop, ending its process when the task asked for a fresh one."""

    def loop(self, now=None):
        super().loop(now)
        if RECYCLE.reason:
            print(f"planbook worker: process {os.getpid()} ends ({RECYCLE.reason}); a fresh one replaces it",
                  flush=True)
            raise _WorkerEnds()


class BuildConsumer(Consumer):
    """huey's consumer with BuildWorker processes; when one has ended or died it starts a fresh one
    (huey's health check) and, for one that died mid-build, queues that build again or fails it."""

    worker_class = BuildWorker

    def __init__(self, huey: Huey, settings: Settings, **options):
        super().__init__(huey, **options)
        self.settings = settings

    def check_worker_health(self):
        ended = any(not self.environment.is_alive(process) for _, process in self.worker_threads)
        healthy = super().check_worker_health()
        if ended:
            database = Database(self.settings)  # its own, closed at once: worker processes are forked from here
            try:
                reap(database, self.settings.build_timeout, self.huey.build_task)
            except Exception:
                self._logger.exception("planbook: checking the builds of an ended worker failed")
            finally:
                database.engine.dispose()
                self.huey.storage.close()
        return healthy


class BuildTimeout(Exception):
    pass


@contextmanager
def memory_cap(megabytes: int):
    """Cap this process's address space (RLIMIT_AS) at ``megabytes`` while building (0: no cap).

    Past the cap an allocation fails (MemoryError); the cap is lifted afterwards so that the
    outcome can still be stored.
    """
    if megabytes <= 0:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def memory_message(megabytes: int) -> str:
    return (f"หน่วยความจำไม่พอ: การสร้างเล่มนี้ต้องใช้หน่วยความจำเกิน {megabytes} MB ที่กำหนดไว้ "
            f"(PLANBOOK_WORKER_MEMORY_MB) / out of memory: the build needed more than the worker's "
            f"{megabytes} MB (PLANBOOK_WORKER_MEMORY_MB)")


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


#: how many times a build is started before a worker's death fails it (the first death re-queues it)
ATTEMPTS = 2

WORKER_DIED = ("เครื่องที่สร้างเล่มหยุดทำงานระหว่างสร้าง {attempts} ครั้ง (อาจใช้หน่วยความจำเกินที่กำหนด): "
               "กดสร้างเล่มอีกครั้ง / the worker stopped during the build, {attempts} times (perhaps out of "
               "memory: PLANBOOK_WORKER_MEMORY_MB): build again")


def reap(database: Database, timeout: int, enqueue=None) -> int:
    """Handle the builds left "running" by a worker that died; return how many.

    Such a build is queued again (``enqueue(build_id)``) the first time, and
    failed after its second start. A worker of this machine that no longer
    runs is seen at once; another machine's only once the build is well past
    the time limit (and then it is failed, not queued again).
    """
    limit = now() - timedelta(seconds=timeout + 60)
    again, handled = [], 0
    with database.session() as db:
        for build in list(db.scalars(select(Build).where(Build.status == "running"))):
            late = build.started_at is None or as_utc(build.started_at) < limit
            if not (late or _gone(build.worker)):
                continue
            if enqueue is not None and not late and build.attempts < ATTEMPTS:
                values = {"status": "queued", "worker": "", "started_at": None}
            else:
                values = {"status": "failed", "finished_at": now(),
                          "message": WORKER_DIED.format(attempts=build.attempts or 1)}
            # only if nobody else (another worker's check) handled it meanwhile
            changed = db.execute(update(Build).where(Build.id == build.id, Build.status == "running",
                                                     Build.worker == build.worker).values(**values))
            db.commit()
            if changed.rowcount == 1:
                handled += 1
                if values["status"] == "queued":
                    again.append(build.id)
    for build_id in again:
        enqueue(build_id)
    return handled


def run_build(database: Database, build_id: int, timeout: int = 0, memory_mb: int = 0) -> str:
    """Build the revision of build ``build_id`` and store the outcome; return its status.

    A failure that is not the records' (time limit, memory, a bug) asks for a fresh worker process.
    """
    with database.session() as db:
        # claim the build: only one worker runs it, even if it was queued twice
        claimed = db.execute(update(Build).where(Build.id == build_id, Build.status == "queued").values(
            status="running", started_at=now(), worker=worker_name(), attempts=Build.attempts + 1))
        db.commit()
        build = db.get(Build, build_id)
        if claimed.rowcount != 1:
            return build.status if build is not None else "missing"
        revision = db.get(Revision, build.revision_id)
        filename, content = revision.filename, revision.content
    try:
        with time_limit(timeout), memory_cap(memory_mb):
            built = books.build(filename, content)
            try:
                thumbnails = books.thumbnails(built.pdf)
            except (OSError, subprocess.SubprocessError):  # the book is built: its page shows no thumbnails
                thumbnails = []
    except BuildTimeout:
        message = timeout_message(timeout)
    except MemoryError:
        message = memory_message(memory_mb)
    except PlanbookError as exc:
        return _finish(database, build_id, "failed", str(exc))
    except Exception as exc:  # a bug: the job still ends, with what went wrong
        if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:  # past the cap the system refuses memory too
            message = memory_message(memory_mb)
        else:
            message = f"ข้อผิดพลาดภายในโปรแกรม / internal error: {type(exc).__name__}: {exc}"
    else:
        return _finish(database, build_id, "done", "", built, thumbnails)
    RECYCLE.set("failed build")
    return _finish(database, build_id, "failed", message)


def _finish(database: Database, build_id: int, status: str, message: str, built: books.Built | None = None,
            thumbnails: list[bytes] = ()) -> str:
    with database.session() as db:
        build = db.get(Build, build_id)
        build.status, build.message, build.finished_at = status, message, now()
        if built is not None:
            build.pdf, build.docx, build.pages = built.pdf, built.docx, built.pages
            build.warnings = problem_dicts(built.warnings)
            db.add_all(Thumbnail(build_id=build_id, page=n, png=png) for n, png in enumerate(thumbnails, 1))
        db.commit()
    return status
