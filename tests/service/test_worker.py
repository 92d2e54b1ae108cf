"""Real processes: a huey consumer builds what the service queued; planbook serve answers on a port."""
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


def test_a_worker_process_builds_a_job_queued_before_it_started(settings, tmp_path):
    app = create_app(settings)  # the real queue: SQLite file or Redis
    world = make_world(app)
    client, csrf = login(app, "alice")
    revision = client.post(f"/api/books/{world.book_a}/revisions", files={"file": ("plan.yaml", minimal_yaml())},
                           headers={"X-CSRF-Token": csrf}).json()
    queued = client.post(f"/api/revisions/{revision['id']}/builds", headers={"X-CSRF-Token": csrf})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    assert queued.json()["queue_position"] == 1
    time.sleep(0.5)
    assert client.get(f"/api/builds/{queued.json()['id']}").json()["status"] == "queued"  # no worker yet

    with open(tmp_path / "worker.log", "wb") as log:
        worker = start(["worker"], settings.to_env(), log)
        try:
            deadline = time.monotonic() + 120
            while True:
                build = client.get(f"/api/builds/{queued.json()['id']}").json()
                if build["status"] in ("done", "failed") or time.monotonic() > deadline or worker.poll() is not None:
                    break
                time.sleep(0.5)
        finally:
            stop(worker)
    assert build["status"] == "done", (build, (tmp_path / "worker.log").read_text(errors="replace"))
    assert pdf_page_count(client.get(build["pdf_url"]).content) == build["pages"] > 1
    app.state.database.engine.dispose()


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
