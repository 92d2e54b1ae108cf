"""Build jobs end, always: a time limit per build, a memory cap, and builds whose worker died are queued again once, then failed."""
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
    running = add_build(world, "running", started_ago=1)  # claimed by another worker (queued twice)
    assert jobs.run_build(world.database, running) == "running"
    assert status_of(world, running).attempts == 0


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


def test_a_build_whose_worker_died_is_queued_again_once_then_failed(world):
    import socket
    import subprocess

    ended = subprocess.Popen(["true"])
    ended.wait()
    build_id = add_build(world, "running", started_ago=5)
    queued = []

    def died(attempts: int) -> None:
        with world.database.session() as db:
            build = db.get(Build, build_id)
            build.status, build.worker, build.attempts = "running", f"{socket.gethostname()}:{ended.pid}", attempts
            db.commit()

    died(1)
    assert jobs.reap(world.database, timeout=600, enqueue=queued.append) == 1
    build = status_of(world, build_id)
    assert build.status == "queued" and build.worker == "" and queued == [build_id]
    died(2)
    assert jobs.reap(world.database, timeout=600, enqueue=queued.append) == 1
    build = status_of(world, build_id)
    assert build.status == "failed" and "2 ครั้ง" in build.message and "PLANBOOK_WORKER_MEMORY_MB" in build.message
    assert queued == [build_id]  # not queued a second time
    late = add_build(world, "running", started_ago=700)  # another machine's, past the limit: failed, not queued
    assert jobs.reap(world.database, timeout=600, enqueue=queued.append) == 1
    assert status_of(world, late).status == "failed" and queued == [build_id]


def test_run_build_counts_attempts_and_a_memory_error_fails_with_the_cap_in_the_message(world, monkeypatch):
    def greedy(filename, data):
        raise MemoryError()

    monkeypatch.setattr(books, "build", greedy)
    monkeypatch.setattr(jobs.RECYCLE, "reason", "")
    build_id = add_build(world, "queued")
    assert jobs.run_build(world.database, build_id, memory_mb=0) == "failed"
    build = status_of(world, build_id)
    assert build.attempts == 1 and "หน่วยความจำไม่พอ" in build.message and "out of memory" in build.message
    assert jobs.RECYCLE.reason == "failed build"  # the process asks to be replaced


def test_the_memory_cap_is_set_while_building_and_lifted_after():
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    cap = 4096 * 1024 * 1024
    expected = cap if before[1] == resource.RLIM_INFINITY else min(cap, before[1])
    with jobs.memory_cap(4096):
        assert resource.getrlimit(resource.RLIMIT_AS)[0] == expected
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    with jobs.memory_cap(0):
        assert resource.getrlimit(resource.RLIMIT_AS) == before
