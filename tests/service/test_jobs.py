"""Build jobs end, always: a time limit per build, and builds whose worker died are failed by the reaper."""
from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from assembler.service import books, jobs
from assembler.service.models import Build, Revision, now

from .conftest import minimal_yaml


def add_build(world, status: str, started_ago: float | None = None) -> int:
    with world.database.session() as db:
        data = minimal_yaml()
        number = db.query(Revision).count() + 1
        revision = Revision(book_id=world.book_a, number=number, filename="plan.yaml", content=data, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), problems=[])
        db.add(revision)
        db.flush()
        started = None if started_ago is None else now() - timedelta(seconds=started_ago)
        build = Build(revision_id=revision.id, status=status, input_hash=str(number) * 64, started_at=started)
        db.add(build)
        db.commit()
        return build.id


def status_of(world, build_id: int) -> Build:
    with world.database.session() as db:
        return db.get(Build, build_id)


def test_a_build_past_its_time_limit_fails_with_a_message(world, monkeypatch):
    monkeypatch.setattr(books, "build", lambda filename, data: time.sleep(5))
    build_id = add_build(world, "queued")
    started = time.monotonic()
    assert jobs.run_build(world.database, build_id, timeout=1) == "failed"
    assert time.monotonic() - started < 4
    build = status_of(world, build_id)
    assert build.status == "failed" and "นานเกิน 1 วินาที" in build.message and build.finished_at is not None


def test_the_reaper_fails_builds_left_running_by_a_dead_worker(world):
    stale = add_build(world, "running", started_ago=700)
    fresh = add_build(world, "running", started_ago=5)
    done = add_build(world, "done", started_ago=700)
    assert jobs.reap(world.database, timeout=600) == 1
    assert status_of(world, stale).status == "failed"
    assert "หยุดทำงานระหว่างสร้าง" in status_of(world, stale).message
    assert status_of(world, fresh).status == "running" and status_of(world, done).status == "done"


def test_a_finished_build_is_not_run_again(world, monkeypatch):
    monkeypatch.setattr(books, "build", lambda filename, data: (_ for _ in ()).throw(AssertionError("ran again")))
    build_id = add_build(world, "done")
    assert jobs.run_build(world.database, build_id) == "done"


def test_a_dead_worker_of_this_machine_is_seen_at_once(world):
    import os
    import socket
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    host = socket.gethostname()
    assert jobs._gone(f"{host}:{ended.pid}")
    assert not jobs._gone(f"{host}:{os.getpid()}")
    assert not jobs._gone(f"another-machine:{ended.pid}")  # only the time limit tells there
    with world.database.session() as db:
        build = db.get(Build, add_build(world, "running", started_ago=5))
        build.worker = f"{host}:{ended.pid}"
        db.commit()
        build_id = build.id
    assert jobs.reap(world.database, timeout=600) == 1
    assert status_of(world, build_id).status == "failed"
