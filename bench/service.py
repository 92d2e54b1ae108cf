"""The service under load, on loopback: N users at once upload and build an example book.

For each worker count asked for (default 1 and 2) it starts its own
``planbook serve --workers W`` on a free port with a fresh temporary data
folder (SQLite and the local queue), creates an organisation and N editors
with ``planbook admin``, and then every user at once logs in through the API,
creates a book, uploads the example with its own title (so that no build is
answered from the identical-input cache), asks for a build and polls it until
it ends. Meanwhile another thread fetches the book pages (the HTML page of a
user's book, in turn) and times each fetch. It prints, per worker count:
builds per minute (N builds over the time from the first build request to the
last build's end), the page latency p50/p95 while builds ran, and the peak
memory of serve's process tree (its largest process and all together,
sampled every 0.2 s).

    python bench/service.py [--users 8] [--workers 1 2] [--records examples/anticorruption.yaml]
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-รหัสผ่าน-1"
ORGANISATION = "เทศบาลทดสอบความเร็ว"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def planbook(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "assembler", *args], env=env, check=True, capture_output=True)


class User:
    """One person's browser-less session: a cookie jar and the CSRF token."""

    def __init__(self, base: str, username: str):
        self.base, self.username = base, username
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> bytes:
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        with self.opener.open(request, timeout=120) as response:
            return response.read()

    def json(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload).encode() if payload is not None else None
        return json.loads(self.call(method, path, body, "application/json" if body is not None else ""))

    def login(self) -> None:
        self.csrf = self.json("POST", "/api/login", {"username": self.username, "password": PASSWORD})["csrf_token"]

    def upload(self, book_id: int, filename: str, data: bytes, note: str) -> dict:
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n{note}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return json.loads(self.call("POST", f"/api/books/{book_id}/revisions", body,
                                    f"multipart/form-data; boundary={boundary}"))


def tree_rss(root: int) -> dict[int, int]:
    """Return the resident memory (KiB) of ``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        children.setdefault(int(fields["PPid"].strip()), []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0])
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            found[pid] = rss[pid]
        todo.extend(children.get(pid, []))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run(users: int, workers: int, records: Path) -> dict:
    data = records.read_bytes()
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as tmp:
        env = {**os.environ, "PLANBOOK_DATA_DIR": str(Path(tmp) / "data"), "PLANBOOK_DATABASE_URL": "",
               "PLANBOOK_QUEUE_URL": "", "PLANBOOK_PASSWORD": PASSWORD}
        planbook("admin", "create-org", ORGANISATION, env=env)
        names = [f"user{n}" for n in range(1, users + 1)]
        for name in names:
            planbook("admin", "create-user", name, "--org", f"{ORGANISATION}=editor", env=env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "serve.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "assembler", "serve", "--port", str(port),
                                   "--workers", str(workers)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit((Path(tmp) / "serve.log").read_text(errors="replace"))
                    time.sleep(0.2)
            time.sleep(3)  # the worker processes load what a build needs before their first one

            people = [User(base, name) for name in names]
            for person in people:
                person.login()
            books = [p.json("POST", "/api/books", {"organisation_id": p.json("GET", "/api/me")["organisations"][0]
                                                   ["organisation_id"], "name": f"แผนของ {p.username}",
                                                   "book_type": "anticorruption" if "anticorruption" in records.name
                                                   else "operations"})["id"] for p in people]

            barrier = threading.Barrier(users + 1)
            results: list[dict] = [{} for _ in people]
            building = threading.Event()
            finished = threading.Event()
            latencies: list[float] = []
            peaks = {"largest": 0, "total": 0}

            def user_work(index: int) -> None:
                person, book_id = people[index], books[index]
                own = data.replace(b"title: ", f"title: (ฉบับทดสอบของ {person.username}) ".encode(), 1)
                barrier.wait()
                revision = person.upload(book_id, records.name, own, f"ทดสอบความเร็ว {person.username}")
                assert revision["error_count"] == 0, revision["problems"][:3]
                asked = time.monotonic()
                build = person.json("POST", f"/api/revisions/{revision['id']}/builds")
                building.set()
                assert build["status"] == "queued" and not build["reused"], build
                while build["status"] in ("queued", "running"):
                    time.sleep(0.5)
                    build = person.json("GET", f"/api/builds/{build['id']}")
                results[index] = {"asked": asked, "ended": time.monotonic(), "status": build["status"],
                                  "message": build["message"][:200], "pages": build["pages"]}

            def pages() -> None:
                reader = User(base, names[0])
                reader.login()
                building.wait()
                n = 0
                while not finished.is_set():
                    started = time.perf_counter()
                    reader.call("GET", f"/books/{books[n % len(books)]}")
                    latencies.append(time.perf_counter() - started)
                    n += 1
                    time.sleep(0.05)

            def memory() -> None:
                while not finished.is_set():
                    sizes = tree_rss(server.pid)
                    if sizes:
                        peaks["largest"] = max(peaks["largest"], max(sizes.values()))
                        peaks["total"] = max(peaks["total"], sum(sizes.values()))
                    time.sleep(0.2)

            threads = [threading.Thread(target=user_work, args=(i,)) for i in range(users)]
            threads += [threading.Thread(target=pages), threading.Thread(target=memory)]
            for thread in threads:
                thread.start()
            barrier.wait()
            for thread in threads[:users]:
                thread.join()
            finished.set()
            for thread in threads[users:]:
                thread.join()
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            log.close()
    failed = [r for r in results if r.get("status") != "done"]
    if failed:
        raise SystemExit(f"builds failed: {failed}")
    span = max(r["ended"] for r in results) - min(r["asked"] for r in results)
    return {
        "workers": workers, "users": users, "builds": len(results), "span_s": span,
        "builds_per_min": len(results) / span * 60, "pages": results[0]["pages"],
        "page_fetches": len(latencies), "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000, "max_ms": max(latencies) * 1000,
        "peak_largest_mib": peaks["largest"] / 1024, "peak_total_mib": peaks["total"] / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--records", type=Path, default=ROOT / "examples" / "anticorruption.yaml")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON lines too")
    args = parser.parse_args(argv)
    print(f"{args.users} users at once, each uploading and building {args.records.name} "
          f"(load before: {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs)", flush=True)
    print("workers  builds  time     builds/min  page p50   page p95   page max   fetches  peak RSS: largest / tree")
    for workers in args.workers:
        r = run(args.users, workers, args.records)
        print(f"{workers:>7}  {r['builds']:>6}  {r['span_s']:6.1f} s  {r['builds_per_min']:>10.1f}  "
              f"{r['p50_ms']:6.0f} ms  {r['p95_ms']:6.0f} ms  {r['max_ms']:6.0f} ms  {r['page_fetches']:>7}  "
              f"{r['peak_largest_mib']:.0f} / {r['peak_total_mib']:.0f} MiB", flush=True)
        if args.json:
            print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
