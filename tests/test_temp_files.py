"""Temporary files and folders never outlive a failed, killed or finished build (issue 10, 6 and 7)."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assembler.cli import main

from .conftest import FIXTURES, ROOT

MINIMAL = FIXTURES / "minimal.yaml"


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_disk_full_leaves_no_temporary_file_and_names_the_file_once(tmp_path, monkeypatch, capsys):
    """Issue 10, 6 and 7: ENOSPC left `.NAME.pdf.XXXX.part`; the message named no file and repeated itself."""
    out = tmp_path / "out"
    out.mkdir()
    earlier = {out / "plan.docx": b"earlier docx", out / "plan.pdf": b"earlier pdf"}
    for target, blob in earlier.items():
        target.write_bytes(blob)
    source = tmp_path / "plan.yaml"
    source.write_bytes(MINIMAL.read_bytes())
    calls = []
    real_fsync = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:  # the first output is written, the second finds the disk full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    code = main(["build", str(source), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert sorted(p.name for p in out.iterdir()) == ["plan.docx", "plan.pdf"]
    for target, blob in earlier.items():
        assert target.read_bytes() == blob
    assert os.strerror(errno.ENOSPC) in err
    named = [line for line in err.splitlines() if "plan." in line and "No space" not in line]
    assert len(calls) == 2 and err.count(str(out)) == 1, err
    assert "internal error" not in err and named


def test_a_failed_first_write_leaves_nothing_either(tmp_path, monkeypatch, capsys):
    """The temporary file is removed even when writing it fails before it is complete."""
    from assembler.build import write_all

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, blob):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    with pytest.raises(Exception) as info:
        write_all({"pdf": tmp_path / "plan.pdf"}, {"pdf": b"%PDF"})
    assert list(tmp_path.iterdir()) == []
    assert str(tmp_path / "plan.pdf") in str(info.value)


def test_a_240_character_output_name_works(tmp_path):
    """Issue 10, 7: the temporary name (.NAME.XXXXXXXX.part) was too long for the file system."""
    source = tmp_path / ("p" * 240 + ".yaml")
    source.write_bytes(MINIMAL.read_bytes())
    out = tmp_path / "out"
    assert main(["build", str(source), "-o", str(out)]) == 0
    assert sorted(len(p.name) for p in out.iterdir() if not p.name.startswith(".")) == [244, 245]
    xlsx = tmp_path / ("w" * 250 + ".xlsx")
    assert main(["convert", str(source), str(xlsx)]) == 0 and xlsx.is_file()


def test_killed_builds_leave_nothing_after_the_next_build(tmp_path):
    """Issue 10, 6: kill -9 left weasyprint-* folders in the temp folder (and .part files beside outputs)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    source = tmp_path / "plan.yaml"
    source.write_bytes(MINIMAL.read_bytes())
    # one process: the font folder found is the one killed (test_parallel_pieces_… below: pieces' processes)
    env = {**os.environ, "TMPDIR": str(temp), "PLANBOOK_RENDER_JOBS": "1", "PLANBOOK_CACHE_DIR": "off"}
    command = [sys.executable, "-m", "assembler", "build", str(source), "-o", str(out), "--force"]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(temp.glob("weasyprint-planbook-*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert [p.name.startswith(f"weasyprint-planbook-{proc.pid}-") for p in temp.iterdir()] == [True]
    # a writer killed between its temporary file and the rename
    stale = out / f".planbook-{dead_pid()}-abcd1234.part"
    stale.write_bytes(b"half a book")
    other = out / ".planbook-notes.part"  # not planbook's pattern: left alone
    other.write_bytes(b"x")
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == [".planbook-manifest.json", ".planbook-notes.part", "plan.docx", "plan.pdf"]


def test_parallel_pieces_leave_no_font_folders(tmp_path):
    """The processes that lay out a book's pieces end without running exit handlers: their folders go too."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "PLANBOOK_RENDER_JOBS": "2", "PLANBOOK_CACHE_DIR": "off"}
    source = ROOT / "examples" / "anticorruption.yaml"  # 36 pieces
    command = [sys.executable, "-m", "assembler", "build", str(source), "-o", str(tmp_path / "out"), "--format", "pdf"]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(temp.iterdir()) == []
