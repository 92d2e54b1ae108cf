"""Batch builds: folders, incremental skips (manifest), --force, --jobs, failures among good books, watch."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import assembler.build
from assembler import batch
from assembler.cli import main

from .conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal.yaml"
OPERATIONS = FIXTURES / "operations-minimal.yaml"
BOOKS = {"alpha.yaml": MINIMAL, "ops.yaml": OPERATIONS, "sub/beta.yml": MINIMAL}


def run(*argv: str) -> tuple[int, str, str]:
    """Run planbook in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def make_books(folder: Path, books: dict[str, Path] = BOOKS) -> Path:
    for name, fixture in books.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixture, folder / name)
    return folder


def stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def refuse_to_build(*args, **kwargs):
    raise AssertionError("a book was rendered")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A folder of three small books built once (PDF only, --jobs 1)."""
    src = make_books(tmp_path_factory.mktemp("books"))
    (src / ".hidden").mkdir()
    shutil.copyfile(MINIMAL, src / ".hidden" / "skipped.yaml")
    (src / ".skipped.yaml").write_bytes(MINIMAL.read_bytes())
    (src / "notes.txt").write_text("not records", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf")
    snapshot = {p.name: p.read_bytes() for p in out.glob("*.pdf")}
    return {"src": src, "out": out, "code": code, "stdout": stdout, "stderr": stderr, "pdfs": snapshot}


def test_folder_build_builds_every_book(built):
    assert built["code"] == 0, built["stderr"]
    assert sorted(built["pdfs"]) == ["alpha.pdf", "beta.pdf", "ops.pdf"]  # hidden files and folders skipped
    assert all(blob.startswith(b"%PDF") for blob in built["pdfs"].values())
    assert "built 3, unchanged 0, failed 0" in built["stdout"]
    # warnings of each book are still printed, located
    assert f"{built['src'] / 'alpha.yaml'}:" in built["stderr"]
    manifest = json.loads((built["out"] / batch.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["books"]) == {str((built["src"] / name).resolve()) for name in BOOKS}


def test_unchanged_books_are_skipped_then_changes_and_missing_outputs_rebuild(built, monkeypatch):
    src, out = built["src"], built["out"]
    before = stamps(out)

    with monkeypatch.context() as patch:
        patch.setattr(assembler.build, "build", refuse_to_build)
        code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert code == 0, stderr
    assert "built 0, unchanged 3, failed 0" in stdout
    assert stamps(out) == before
    # warnings of unchanged books are shown again
    assert f"{src / 'alpha.yaml'}:" in stderr

    # other options are other inputs
    with monkeypatch.context() as patch:
        patch.setattr(assembler.build, "build", refuse_to_build)
        code, stdout, _ = run("build", str(src), "-o", str(out), "--format", "pdf", "--digits", "arabic")
    assert code == 3 and "unchanged 0, failed 3" in stdout

    # changing one records file rebuilds that book only
    alpha = src / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("โครงการอบรมคุณธรรม", "โครงการอบรมจริยธรรม"), encoding="utf-8")
    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert code == 0, stderr
    assert "built 1, unchanged 2, failed 0" in stdout
    after = stamps(out)
    assert after["alpha.pdf"] != before["alpha.pdf"]
    assert {k: v for k, v in after.items() if k != "alpha.pdf"} == {k: v for k, v in before.items() if k != "alpha.pdf"}

    # a deleted output makes its book rebuild
    (out / "beta.pdf").unlink()
    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert code == 0, stderr
    assert "built 1, unchanged 2, failed 0" in stdout
    assert (out / "beta.pdf").read_bytes() == built["pdfs"]["beta.pdf"]

    # an output changed by hand makes its book rebuild too
    (out / "ops.pdf").write_bytes(b"edited")
    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert "built 1, unchanged 2, failed 0" in stdout, stderr
    assert (out / "ops.pdf").read_bytes() == built["pdfs"]["ops.pdf"]


def test_no_change_run_imports_no_renderer(built):
    """In a fresh process, a run with nothing to do never imports WeasyPrint, python-docx or the build."""
    child = (
        "import sys\nfrom assembler.cli import main\n"
        f"code = main(['build', {str(built['src'])!r}, '-o', {str(built['out'])!r}, '--format', 'pdf'])\n"
        "heavy = sorted(m for m in ('weasyprint', 'docx', 'assembler.build', 'assembler.loading', 'assembler.books') if m in sys.modules)\n"
        "print('RESULT', code, heavy)\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, cwd=ROOT, timeout=60)
    elapsed = time.perf_counter() - started
    assert "unchanged 3" in done.stdout, done.stdout + done.stderr
    assert "RESULT 0 []" in done.stdout, done.stdout + done.stderr
    assert elapsed < 5


def test_force_rebuilds_every_book(tmp_path, monkeypatch):
    calls = []

    def fake_build(path, out_dir, formats, thai_digits, strict, parts=()):
        calls.append(Path(path).name)
        target = out_dir / f"{Path(path).stem}.pdf"
        out_dir.mkdir(parents=True, exist_ok=True)
        records = Path(path).read_bytes()
        target.write_bytes(b"%PDF fake " + records[:20])
        digest = hashlib.sha256(records).hexdigest()
        return assembler.build.BuildResult(Path(path), outputs=[target], pages=1, digest=digest)

    monkeypatch.setattr(assembler.build, "build", fake_build)
    src = make_books(tmp_path / "src")
    out = tmp_path / "out"
    assert run("build", str(src), "-o", str(out), "--format", "pdf")[0] == 0
    assert sorted(calls) == ["alpha.yaml", "beta.yml", "ops.yaml"]
    calls.clear()
    code, stdout, _ = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert code == 0 and calls == [] and "unchanged 3" in stdout
    code, stdout, _ = run("build", str(src), "-o", str(out), "--format", "pdf", "--force")
    assert code == 0
    assert sorted(calls) == ["alpha.yaml", "beta.yml", "ops.yaml"]
    assert "built 3, unchanged 0, failed 0" in stdout


def test_jobs_2_builds_the_same_bytes_as_jobs_1(built, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in BOOKS:  # the records as the module's --jobs 1 build read them
        (src / Path(name).name).write_bytes(BOOKS[name].read_bytes())
    out = tmp_path / "out"
    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf", "--jobs", "2")
    assert code == 0, stderr
    assert "built 3, unchanged 0, failed 0" in stdout
    assert {p.name: p.read_bytes() for p in out.glob("*.pdf")} == built["pdfs"]


def test_a_broken_book_does_not_stop_the_others(tmp_path):
    src = make_books(tmp_path / "src", {"good.yaml": MINIMAL, "also-good.yaml": MINIMAL})
    text = MINIMAL.read_text(encoding="utf-8")
    broken = text.replace("budget: 5000", "budget: [5000]")
    assert broken != text
    bad = src / "bad.yaml"
    bad.write_text(broken, encoding="utf-8")
    line = next(i for i, s in enumerate(broken.splitlines(), 1) if "budget: [5000]" in s)
    out = tmp_path / "out"

    code, stdout, stderr = run("build", str(src), "-o", str(out), "--format", "pdf", "--jobs", "2")

    assert code == 2
    assert f"{bad}:{line}:" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == ["also-good.pdf", "good.pdf"]
    assert "built 2, unchanged 0, failed 1" in stdout
    # the failure is not recorded: the next run tries it again, the good books are unchanged
    code, stdout, _ = run("build", str(src), "-o", str(out), "--format", "pdf")
    assert code == 2 and "built 0, unchanged 2, failed 1" in stdout


def test_two_inputs_with_one_stem_are_refused_before_building(tmp_path, monkeypatch):
    monkeypatch.setattr(assembler.build, "build", refuse_to_build)
    src = make_books(tmp_path / "src", {"plan.yaml": MINIMAL, "sub/plan.json": MINIMAL})
    code, _, stderr = run("build", str(src), "-o", str(tmp_path / "out"))
    assert code == 2
    assert str(src / "plan.yaml") in stderr and str(src / "sub" / "plan.json") in stderr
    assert not (tmp_path / "out").exists()
    # the same file named twice is one book, not a clash
    assert batch.collect([src / "plan.yaml", src / "plan.yaml"]) == [src / "plan.yaml"]


def test_folder_without_records_is_bad_input(tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, stderr = run("build", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert code == 2 and "no records files" in stderr


def test_watch_rebuilds_a_saved_file(tmp_path):
    src = make_books(tmp_path / "src", {"plan.yaml": MINIMAL})
    out = tmp_path / "out"
    stop, ready = threading.Event(), threading.Event()
    outcomes: list[batch.Outcome] = []
    failures: list[BaseException] = []

    def target():
        try:
            batch.watch(src, out, batch.Options(("pdf",)), stop_event=stop, on_outcome=outcomes.append, on_ready=ready.set)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        try:
            assert ready.wait(90), "the first build did not finish or the watcher did not start"
            assert [o.status for o in outcomes] == ["built"]
            first = (out / "plan.pdf").read_bytes()
            record = src / "plan.yaml"
            text = record.read_text(encoding="utf-8")
            deadline = time.monotonic() + 45
            edits = 0
            while len(outcomes) < 2 and time.monotonic() < deadline:
                edits += 1  # save again should an event be lost
                record.write_text(text.replace("ลำปาง", "ลำพูน") + f"# edit {edits}\n", encoding="utf-8")
                wait_until = time.monotonic() + 10
                while len(outcomes) < 2 and time.monotonic() < wait_until:
                    time.sleep(0.05)
        finally:
            stop.set()
            thread.join(20)
    assert not failures, failures
    assert not thread.is_alive(), "watch did not stop on its stop event"
    assert len(outcomes) >= 2, sink.getvalue()
    assert outcomes[1].status == "built" and outcomes[1].source.name == "plan.yaml"
    assert (out / "plan.pdf").read_bytes() != first
    assert "✓" in sink.getvalue() and "plan.yaml" in sink.getvalue()


def _saved_during_the_build(monkeypatch, source: Path, before: str | None, after: str | None) -> None:
    """Make the build write ``before`` into ``source`` just before reading it, and ``after`` just after."""
    real_load = assembler.build.load

    def load(path):
        if before is not None:
            source.write_text(before, encoding="utf-8")
        try:
            return real_load(path)
        finally:
            if after is not None:
                source.write_text(after, encoding="utf-8")

    monkeypatch.setattr(assembler.build, "load", load)


def test_a_file_saved_back_during_the_build_is_built_again(tmp_path, monkeypatch):
    """Issue 10, 5: saved as B then back as A while building, the book came from B but the manifest said A."""
    a = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    b = a.replace("budget: 5000", "budget: 7000")
    source = tmp_path / "plan.yaml"
    source.write_text(a, encoding="utf-8")
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        _saved_during_the_build(patch, source, before=b, after=a)
        assert main(["build", str(source), "-o", str(out), "--format", "docx"]) == 0
    assert source.read_text(encoding="utf-8") == a
    # the book holds B's budget; the file holds A: the next build must not call it unchanged
    code, stdout, _ = run("build", str(source), "-o", str(out), "--format", "docx")
    assert code == 0 and "built 1, unchanged 0" in stdout


def test_the_manifest_records_the_bytes_the_build_read(tmp_path, monkeypatch):
    """A file saved once during the build: the book is from the new bytes, and so is the manifest."""
    a = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    b = a.replace("budget: 5000", "budget: 7000")
    source = tmp_path / "plan.yaml"
    source.write_text(a, encoding="utf-8")
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        _saved_during_the_build(patch, source, before=b, after=None)
        assert main(["build", str(source), "-o", str(out), "--format", "docx"]) == 0
    manifest = json.loads((out / batch.MANIFEST).read_text(encoding="utf-8"))
    (entry,) = manifest["books"].values()
    options = batch.Options(formats=("docx",))
    assert entry["fingerprint"] == batch.fingerprint(source, batch.environment_digest(), options)
    monkeypatch.setattr(assembler.build, "build", refuse_to_build)
    code, stdout, _ = run("build", str(source), "-o", str(out), "--format", "docx")
    assert code == 0 and "unchanged 1" in stdout
