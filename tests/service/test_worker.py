"""Real processes: a huey consumer builds what the service queued, also after kill -9 (queued again once), replaces
its worker process after a limit of builds or an over-memory build; planbook serve answers on a port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from assembler.service.app import create_app

from .conftest import login, make_world, minimal_yaml, pdf_page_count


def start(args: list[str], env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assembler", *args], env={**os.environ, **env},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_planbook_serve_answers_and_stops_with_its_worker(tmp_path):
    port = free_port()
    env = {"PLANBOOK_DATA_DIR": str(tmp_path / "data"), "PLANBOOK_DATABASE_URL": "", "PLANBOOK_QUEUE_URL": ""}
    with open(tmp_path / "serve.log", "wb") as log:
        server = start(["serve", "--port", str(port)], env, log)
        try:
            deadline = time.monotonic() + 60
            health = None
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                        health = response.read().decode()
                    break
                except OSError:
                    time.sleep(0.3)
            assert health is not None and '"ok":true' in health, (tmp_path / "serve.log").read_text(errors="replace")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                assert "เข้าสู่ระบบ" in response.read().decode()
            children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
            assert children, "serve started no worker process"
            os.kill(server.pid, signal.SIGINT)  # Ctrl-C to serve alone: it stops its worker itself
            server.wait(timeout=30)
            time.sleep(0.5)
            left = [c for c in children if os.path.exists(f"/proc/{c}")
                    and "zombie" not in open(f"/proc/{c}/status").read().lower()]
            assert left == [], "the worker outlived serve"
        finally:
            stop(server)


def poll(client, build_id: int, until: tuple[str, ...], seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        build = client.get(f"/api/builds/{build_id}").json()
        if build["status"] in until or time.monotonic() > deadline:
            return build
        time.sleep(0.1)


def worker_pid(app, build_id: int) -> int | None:
    """Return the process building ``build_id``, or None while no worker holds it."""
    from assembler.service.models import Build

    with app.state.database.session() as db:
        pid = db.get(Build, build_id).worker.rpartition(":")[2]
    return int(pid) if pid else None


def upload_and_build(client, headers, book_id: int, name: str, data: bytes) -> dict:
    revision = client.post(f"/api/books/{book_id}/revisions", files={"file": (name, data)}, headers=headers).json()
    build = client.post(f"/api/revisions/{revision['id']}/builds", headers=headers).json()
    assert build["status"] == "queued", build  # not an earlier build of the same input
    return build


def variant(n: int) -> bytes:
    """The minimal records, their bytes made distinct by a comment (so each build is a new input)."""
    return minimal_yaml() + f"\n# ฉบับ {n}\n".encode()


def test_worker_process_queued_job_kill_9_requeued_once_then_failed_and_the_next_build(settings, tmp_path):
    """A job queued while no worker runs waits for one; kill -9 of the worker process building it queues
    it again, once (a fresh process takes it); a second kill -9 fails it; the next build succeeds."""
    from ..conftest import ROOT

    app = create_app(settings)
    world = make_world(app)
    client, csrf = login(app, "alice")
    headers = {"X-CSRF-Token": csrf}
    example = (ROOT / "examples" / "operations-2567-workbook.xlsx").read_bytes()  # a build of many seconds
    doomed = upload_and_build(client, headers, world.book_a, "plan.xlsx", example)
    assert doomed["queue_position"] == 1
    time.sleep(0.5)
    assert client.get(f"/api/builds/{doomed['id']}").json()["status"] == "queued"  # no worker yet
    with open(tmp_path / "worker.log", "wb") as log:
        worker = start(["worker"], settings.to_env(), log)
        try:
            assert poll(client, doomed["id"], ("running", "done", "failed"))["status"] == "running"
            first = worker_pid(app, doomed["id"])
            assert first != worker.pid  # the build runs in the consumer's worker process
            os.kill(first, signal.SIGKILL)
            # the consumer sees its worker die within 2 s, queues the build again and starts a fresh process
            # (the status read may be the killed run's still, and the worker read the requeued build's: none)
            deadline, second = time.monotonic() + 60, None
            while time.monotonic() < deadline:
                again = client.get(f"/api/builds/{doomed['id']}").json()
                second = worker_pid(app, doomed["id"]) if again["status"] == "running" else None
                if second not in (None, first):
                    break
                assert again["status"] in ("running", "queued"), again
                time.sleep(0.1)
            assert second not in (None, first), again
            os.kill(second, signal.SIGKILL)
            failed = poll(client, doomed["id"], ("done", "failed"), seconds=30)
            assert failed["status"] == "failed" and "หยุดทำงานระหว่างสร้าง 2 ครั้ง" in failed["message"], failed

            nxt = upload_and_build(client, headers, world.book_a, "plan.yaml", minimal_yaml())
            done = poll(client, nxt["id"], ("done", "failed"))
        finally:
            stop(worker)
    assert done["status"] == "done", (done, (tmp_path / "worker.log").read_text(errors="replace"))
    assert pdf_page_count(client.get(done["pdf_url"]).content) == done["pages"] > 1
    app.state.database.engine.dispose()


def test_worker_process_is_replaced_after_its_limit_of_builds(settings, tmp_path):
    """PLANBOOK_WORKER_MAX_BUILDS=2: the third build runs in a fresh process, and all three succeed."""
    app = create_app(settings)
    world = make_world(app)
    client, csrf = login(app, "alice")
    headers = {"X-CSRF-Token": csrf}
    env = {**settings.to_env(), "PLANBOOK_WORKER_MAX_BUILDS": "2"}
    pids, results = [], []
    with open(tmp_path / "worker.log", "wb") as log:
        worker = start(["worker"], env, log)
        try:
            for n in range(3):
                build = upload_and_build(client, headers, world.book_a, "plan.yaml", variant(n))
                results.append(poll(client, build["id"], ("done", "failed")))
                pids.append(worker_pid(app, build["id"]))
        finally:
            stop(worker)
    log_text = (tmp_path / "worker.log").read_text(errors="replace")
    assert [r["status"] for r in results] == ["done"] * 3, (results, log_text)
    assert pids[0] == pids[1] != pids[2], pids
    assert pdf_page_count(client.get(results[2]["pdf_url"]).content) == results[2]["pages"] > 1
    app.state.database.engine.dispose()


def test_an_over_memory_build_fails_with_its_message_and_the_next_build_succeeds(settings, tmp_path):
    """A worker capped below what any build needs fails the build with the memory message, in Thai and
    English, and its process is replaced; the queue goes on: the next build, under the default cap, is done."""
    app = create_app(settings)
    world = make_world(app)
    client, csrf = login(app, "alice")
    headers = {"X-CSRF-Token": csrf}
    starved = upload_and_build(client, headers, world.book_a, "plan.yaml", variant(1))
    with open(tmp_path / "worker.log", "wb") as log:
        worker = start(["worker"], {**settings.to_env(), "PLANBOOK_WORKER_MEMORY_MB": "64"}, log)
        try:
            failed = poll(client, starved["id"], ("done", "failed"))
        finally:
            stop(worker)
    log_text = (tmp_path / "worker.log").read_text(errors="replace")
    assert failed["status"] == "failed", (failed, log_text)
    assert "หน่วยความจำ" in failed["message"] and "PLANBOOK_WORKER_MEMORY_MB" in failed["message"], failed
    # the process ended after storing the failure (or, had a library aborted, died and was seen to)
    assert "ends (failed build)" in log_text or "หยุดทำงานระหว่างสร้าง" in failed["message"], log_text

    nxt = upload_and_build(client, headers, world.book_a, "plan.yaml", variant(2))
    with open(tmp_path / "worker2.log", "wb") as log:
        worker = start(["worker"], settings.to_env(), log)
        try:
            done = poll(client, nxt["id"], ("done", "failed"))
        finally:
            stop(worker)
    assert done["status"] == "done", (done, (tmp_path / "worker2.log").read_text(errors="replace"))
    assert pdf_page_count(client.get(done["pdf_url"]).content) == done["pages"] > 1
    app.state.database.engine.dispose()
