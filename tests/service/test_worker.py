"""Real processes: a huey consumer builds what the service queued, also after kill -9; planbook serve answers on a port."""
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


def test_worker_process_queued_job_kill_9_and_the_next_build(settings, tmp_path):
    """A job queued while no worker runs waits for one; kill -9 of the worker process building it
    fails that build (at once, on the same machine), and the next build succeeds."""
    from assembler.service import jobs
    from assembler.service.models import Build

    from ..conftest import ROOT

    app = create_app(settings)
    world = make_world(app)
    client, csrf = login(app, "alice")
    headers = {"X-CSRF-Token": csrf}
    example = (ROOT / "examples" / "operations-2567-workbook.xlsx").read_bytes()  # a build of many seconds
    first = client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.xlsx", example)},
                        headers=headers).json()
    doomed = client.post(f"/api/revisions/{first['id']}/builds", headers=headers).json()
    assert doomed["status"] == "queued" and doomed["queue_position"] == 1
    time.sleep(0.5)
    assert client.get(f"/api/builds/{doomed['id']}").json()["status"] == "queued"  # no worker yet
    with open(tmp_path / "worker.log", "wb") as log:
        worker = start(["worker"], settings.to_env(), log)
        try:
            assert poll(client, doomed["id"], ("running", "done", "failed"))["status"] == "running"
            with app.state.database.session() as db:
                pid = int(db.get(Build, doomed["id"]).worker.rpartition(":")[2])
            assert pid != worker.pid  # the build runs in the consumer's worker process
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            assert jobs.reap(app.state.database, settings.build_timeout) == 1
            failed = client.get(f"/api/builds/{doomed['id']}").json()
            assert failed["status"] == "failed" and "หยุดทำงานระหว่างสร้าง" in failed["message"]

            second = client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())},
                                 headers=headers).json()
            nxt = client.post(f"/api/revisions/{second['id']}/builds", headers=headers).json()
            assert nxt["id"] != doomed["id"]
            done = poll(client, nxt["id"], ("done", "failed"))
        finally:
            stop(worker)
    assert done["status"] == "done", (done, (tmp_path / "worker.log").read_text(errors="replace"))
    assert pdf_page_count(client.get(done["pdf_url"]).content) == done["pages"] > 1
    app.state.database.engine.dispose()
