"""The DOCX rendered in a forked child while the PDF is laid out (build.py): taken only when its guessed
สารบัญ page numbers are the layout's, and byte-identical to the DOCX rendered after the PDF."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from assembler import build as building
from assembler.build import build
from assembler.fonts import project_root
from assembler.render import pieces
from assembler.render.cache import RenderCache

from .conftest import FIXTURES

NAME = "โครงการอบรมคุณธรรม"


@pytest.fixture
def records(tmp_path) -> Path:
    """The minimal book (10 pages) in a folder of its own: its last build's page numbers are kept by its path."""
    path = tmp_path / "minimal.yaml"
    path.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


class Started(list):
    """The page numbers each forked DOCX child was started with; ``pids``: the children's."""

    pids: list[int]

    def all_reaped(self) -> bool:
        for pid in self.pids:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            return False  # running, or a zombie (reaped now)
        return True


@pytest.fixture(autouse=True)
def own_threads_only(monkeypatch):
    """Count only the threads a test starts: earlier tests' idle ones (the service tests' AnyIO
    portal and worker threads) would keep every build here from forking."""
    before = set(threading.enumerate())
    monkeypatch.setattr(building, "other_threads", lambda: len(set(threading.enumerate()) - before))


@pytest.fixture
def started(monkeypatch) -> Started:
    calls = Started()
    calls.pids = []
    real = building.DocxChild.start

    def start(document, guessed, fonts):
        calls.append(guessed)
        child = real(document, guessed, fonts)
        calls.pids.append(child.pid)
        return child

    monkeypatch.setattr(building.DocxChild, "start", start)
    return calls


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix in (".pdf", ".docx")}


def sequential(path: Path, out: Path) -> dict[str, bytes]:
    """The book built with nothing cached, in this process only: the DOCX after the PDF."""
    result = build(path, out, cache=RenderCache(None), render_jobs=1)
    assert not result.docx_in_child
    return outputs(out)


def test_an_edit_that_moves_no_page_number_takes_the_childs_docx(records, tmp_path, started):
    cache = RenderCache(tmp_path / "cache")
    first = build(records, tmp_path / "first", cache=cache, render_jobs=2)
    assert not first.docx_in_child and started == []  # no page numbers known yet: kept now
    kept = json.loads(cache.get(pieces.anchors_key(records, project_root(), None, True)).pdf)
    assert kept["part3"] > kept["part2"] > kept["part1"] == 1

    edit(records, "2566: 20000, 2567: 25000", "2566: 21000, 2567: 25000")
    edit(records, f"name: {NAME}", f"name: {NAME}จริยธรรม")
    again = build(records, tmp_path / "again", cache=cache, render_jobs=2)
    assert started == [kept] and again.docx_in_child
    assert started.all_reaped()
    assert outputs(tmp_path / "again") == sequential(records, tmp_path / "sequential")

    # one process, or another thread running (the service): no child
    assert not build(records, tmp_path / "one", cache=cache, render_jobs=1).docx_in_child
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not build(records, tmp_path / "threads", cache=cache, render_jobs=2).docx_in_child
    finally:
        stop.set()
        thread.join()
    assert len(started) == 1
    assert outputs(tmp_path / "one") == outputs(tmp_path / "threads") == outputs(tmp_path / "again")


def test_an_edit_that_moves_a_page_number_renders_the_docx_here(records, tmp_path, started):
    cache = RenderCache(tmp_path / "cache")
    build(records, tmp_path / "first", cache=cache, render_jobs=2)
    # ความเป็นมา made a page longer and more: ส่วนที่ ๒ and everything after start later
    edit(records, "rationale: [การทุจริตเป็นปัญหาสำคัญที่ต้องแก้ไขร่วมกันทุกภาคส่วน]",
         "rationale: [" + ", ".join(["การทุจริตเป็นปัญหาสำคัญที่ต้องแก้ไขร่วมกันทุกภาคส่วน"] * 40) + "]")
    moved = build(records, tmp_path / "moved", cache=cache, render_jobs=2)
    assert len(started) == 1 and not moved.docx_in_child  # a child started, its DOCX not taken
    assert started.all_reaped()
    now = json.loads(cache.get(pieces.anchors_key(records, project_root(), None, True)).pdf)
    assert now["part1"] == started[0]["part1"] and now["part2"] > started[0]["part2"]
    assert outputs(tmp_path / "moved") == sequential(records, tmp_path / "sequential")
    # the page numbers found were kept: built again, the child's guess is right
    again = build(records, tmp_path / "again", cache=cache, render_jobs=2)
    assert started[1] == now and again.docx_in_child
    assert outputs(tmp_path / "again") == outputs(tmp_path / "moved")


def test_a_failed_child_leaves_the_docx_to_this_process(records, tmp_path, monkeypatch, capfd, started):
    import assembler.render.docx as docx

    cache = RenderCache(tmp_path / "cache")
    build(records, tmp_path / "first", cache=cache, render_jobs=2)
    parent, real = os.getpid(), docx.render_docx

    def broken_in_a_child(*args):
        if os.getpid() != parent:
            raise RuntimeError("the child's DOCX failed")
        return real(*args)

    monkeypatch.setattr(docx, "render_docx", broken_in_a_child)
    capfd.readouterr()
    result = build(records, tmp_path / "again", cache=cache, render_jobs=2)
    assert len(started) == 1 and not result.docx_in_child and started.all_reaped()
    assert capfd.readouterr() == ("", "")  # the child printed nothing
    assert outputs(tmp_path / "again") == outputs(tmp_path / "first")


def test_a_stuck_child_is_killed(records, tmp_path, monkeypatch, started):
    import time

    import assembler.render.docx as docx

    cache = RenderCache(tmp_path / "cache")
    build(records, tmp_path / "first", cache=cache, render_jobs=2)
    parent, real = os.getpid(), docx.render_docx

    def stuck_in_a_child(*args):
        if os.getpid() != parent:
            time.sleep(600)
        return real(*args)

    monkeypatch.setattr(docx, "render_docx", stuck_in_a_child)
    monkeypatch.setattr(building.DocxChild, "PATIENCE", 0.2)
    result = build(records, tmp_path / "again", cache=cache, render_jobs=2)
    assert len(started) == 1 and not result.docx_in_child and started.all_reaped()
    assert outputs(tmp_path / "again") == outputs(tmp_path / "first")


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_failed_pdf_ends_the_child(records, tmp_path, monkeypatch, started, error):
    cache = RenderCache(tmp_path / "cache")
    build(records, tmp_path / "first", cache=cache, render_jobs=2)

    def interrupted(*args, **kwargs):
        raise error()

    monkeypatch.setattr(pieces, "lay_out", interrupted)
    with pytest.raises(error):
        build(records, tmp_path / "again", cache=cache, render_jobs=2)
    assert len(started) == 1 and started.all_reaped()
    assert not (tmp_path / "again").exists()


def forget_words() -> None:
    """Empty this process's word cuts (earlier tests' included): what a build needs comes from the cache or a dictionary."""
    from assembler import thai

    for answers in thai._MEMO.values():
        answers.clear()
    thai._dictionary.cache_clear()
    thai.compound_parts.cache_clear()


def test_the_childs_word_cuts_are_kept_for_the_book(records, tmp_path):
    """The DOCX asks word cuts the PDF does not (its table cells' syllables): from the child, they are kept too."""
    from assembler import thai

    forget_words()  # (else the edit's answers may be known already: the book's would not be kept again)
    cache = RenderCache(tmp_path / "cache")
    build(records, tmp_path / "first", cache=cache, render_jobs=2)
    edit(records, f"name: {NAME}", f"name: {NAME}จริยธรรม")
    assert build(records, tmp_path / "child", cache=cache, render_jobs=2).docx_in_child

    forget_words()

    def no_dictionary(*args, **kwargs):
        raise AssertionError("a word dictionary was built")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pythainlp.util.dict_trie", no_dictionary)
        patch.setattr(thai, "WordList", no_dictionary)
        result = build(records, tmp_path / "again", cache=cache, render_jobs=1)  # the DOCX rendered here
    assert not result.docx_in_child
    assert outputs(tmp_path / "again") == outputs(tmp_path / "child")
