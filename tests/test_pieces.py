"""A book laid out piece by piece (render/pieces.py) is the book laid out whole, and is cached honestly."""
from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from assembler.build import build
from assembler.document import Table, Toc, grid
from assembler.fonts import find_fonts, project_root
from assembler.loading import load
from assembler.render import pdf as whole, pieces, tablepages
from assembler.render.cache import RenderCache
from assembler.render.pages import CONTINUED
from assembler.view import build_document

from .conftest import ROOT

EXAMPLES = ["anticorruption.yaml", "operations-2566.yaml"]


def document_of(name: str, thai_digits=None):
    path = ROOT / "examples" / name
    plan, _ = load(path if path.exists() else ROOT / "tests" / "fixtures" / name)
    return build_document(plan, thai_digits, None)


def page_images(pdf: bytes, folder: Path, tag: str) -> list[Image.Image]:
    path = folder / f"{tag}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-png", str(path), str(folder / tag)], check=True)
    images = []
    for p in sorted(folder.glob(f"{tag}-*.png")):
        with Image.open(p) as image:
            images.append(image.copy())
    return images


@pytest.mark.parametrize("name,thai_digits", [(n, None) for n in EXAMPLES] + [("anticorruption.yaml", False),
                                                                              ("minimal.yaml", None)])
def test_pieces_give_the_pages_of_the_whole_layout(name, thai_digits, tmp_path):
    """Every page, its number and its running head included, is the page the book laid out whole has.

    With Arabic digits the example's ส่วนที่ ๒ laid out whole does not settle in
    its passes (cutting one มิติ's merged cells where the last pass broke its
    pages moves the next มิติ's breaks): its pieces, each มิติ laid out after the
    one before, do; there the pages before ส่วนที่ ๒ are compared.
    """
    document = document_of(name, thai_digits)
    fonts, root = find_fonts(), project_root()
    laid_out = whole.layout(document, fonts, root)
    reference = laid_out.write_pdf()
    book = pieces.lay_out(document, fonts, root, RenderCache(tmp_path / "cache"), jobs=2)
    merged = book.pdf()
    assert all(e.facts["settled"] for e in book.entries)
    assert any(p.flows for p in book.pieces) == name.startswith(("anticorruption", "minimal"))
    if name == "minimal.yaml":  # three มิติ tables start on one page: each drawn there
        assert len({book.anchor_pages[a] for a in ("dim-1", "dim-2", "summary")}) == 1
    declared = pieces.declared_anchors(document)
    assert declared and set(book.anchor_pages) == declared
    expected, got = page_images(reference, tmp_path, "whole"), page_images(merged, tmp_path, "pieces")
    assert len(got) == book.page_count
    if thai_digits is None:
        assert laid_out.settled
        assert book.page_count == len(laid_out.weasy.pages)
        assert book.anchor_pages == {a: p for a, p in laid_out.anchor_pages.items() if a in declared}
    else:
        assert not laid_out.settled
        assert book.page_count <= len(laid_out.weasy.pages)
        part2 = laid_out.anchor_pages["part2"]  # ส่วนที่ ๒'s first page, counted from the first numbered one
        assert book.anchor_pages["part2"] == part2
        first = next(i for i, p in enumerate(book.pieces) if p.section.numbered)
        before = sum(e.facts["pages"] for e in book.entries[:first]) + part2 - 1
        # (the สารบัญ's numbers of the pages after differ)
        toc = next(i for i, p in enumerate(book.pieces) if p.contents)
        skip = range(sum(e.facts["pages"] for e in book.entries[:toc]), sum(e.facts["pages"] for e in book.entries[:toc + 1]))
        expected, got = [p for i, p in enumerate(expected[:before]) if i not in skip], [p for i, p in enumerate(got[:before]) if i not in skip]
        assert len(got) >= 5
    differing = [i + 1 for i, (a, b) in enumerate(zip(expected, got)) if ImageChops.difference(a, b).getbbox()]
    assert differing == []


@pytest.mark.parametrize("name", ["operations-2566.yaml", "anticorruption.yaml"])
def test_cached_and_uncached_books_are_byte_identical(tmp_path, name):
    """(The anti-corruption book's มิติ tables are laid out page by page, from trials: render/tablepages.py.)"""
    source = ROOT / "examples" / name
    cold = build(source, tmp_path / "cold", ("pdf",), cache=RenderCache(tmp_path / "cache"), render_jobs=2)
    first = cold.outputs[0].read_bytes()
    warm_cache = RenderCache(tmp_path / "cache")
    build(source, tmp_path / "warm", ("pdf",), cache=warm_cache, render_jobs=1)
    assert warm_cache.misses == 0 and warm_cache.hits > 0
    off = build(source, tmp_path / "off", ("pdf",), cache=RenderCache(None), render_jobs=1)
    assert (tmp_path / "warm" / source.with_suffix(".pdf").name).read_bytes() == first
    assert off.outputs[0].read_bytes() == first


def test_a_table_slice_carries_its_merged_cells_over():
    """A page's rows of a มิติ table: cells merged from above start again with "(ต่อ)", none reaches past
    the last row, and every row still fills every column."""
    document = document_of("anticorruption.yaml")
    table = next(b for s in document.sections for b in s.blocks
                 if isinstance(b, Table) and b.style == "matrix" and any(c.rowspan > 2 for r in b.body for c in r))
    start, end = 2, 5
    part = tablepages.slice_table(table, start, end)
    assert len(part.body) == end - start + 1
    lines = grid(part, part.body)
    assert all(sum(c.colspan for c, _ in line) == len(table.columns) for line in lines)
    carried = [c for c, cont in grid(table, table.body)[start] if cont]
    assert carried  # the มิติ (and ภารกิจ) cells of row 2 began above it
    texts = [c.paras[0].text for c in part.body[0][:len(carried)]]
    assert all(t.endswith(CONTINUED) for t in texts), texts
    assert all(r + c.rowspan <= len(part.body) for r, row in enumerate(part.body) for c in row)
    assert set(part.keep_with_previous) <= set(range(1, len(part.body)))


def _laid_out_again(tmp_path, monkeypatch, old: str, new: str) -> list[str]:
    """Build the example, then again with ``old`` replaced by ``new``: the blocks laid out again (of each
    piece, and of each trial of a table laid out page by page, render/tablepages.py)."""
    source = ROOT / "examples" / "anticorruption.yaml"
    text = source.read_text(encoding="utf-8")
    edited = tmp_path / "anticorruption.yaml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != text
    cache = RenderCache(tmp_path / "cache")
    build(source, tmp_path / "before", cache=cache, render_jobs=1)
    laid = []
    real, trial = pieces.render_piece, tablepages.lay_out_trial
    monkeypatch.setattr(pieces, "render_piece", lambda piece, *a, **k: laid.append(piece.document) or real(piece, *a, **k))
    monkeypatch.setattr(tablepages, "lay_out_trial", lambda document, *a: laid.append(document) or trial(document, *a))
    build(edited, tmp_path / "after", cache=cache, render_jobs=1)
    return ["\n".join(str(b) for b in d.sections[0].blocks) for d in laid]


def test_an_edit_lays_out_only_the_pieces_it_changed(tmp_path, monkeypatch):
    """A budget changed (as wide as before): its detail sheet, its page of its มิติ's table and the summary."""
    texts = _laid_out_again(tmp_path, monkeypatch, "{2565: 30000, 2566: 30000, 2567: 20000, 2568: 20000}",
                            "{2565: 35000, 2566: 30000, 2567: 20000, 2568: 20000}")
    assert sum("ลำดับที่" in t and "๓๕,๐๐๐" in t for t in texts) == 1  # the detail sheet
    assert sum(t.startswith("Para(text='สรุปจำนวน") for t in texts) == 1  # the totals
    pages = [t for t in texts if "ลำดับที่" not in t and not t.startswith("Para(text='สรุปจำนวน")]
    # pages of its มิติ's table only (the row's, the one before it when the row starts a page, the รวม
    # row's): the table ends where it did, so no other มิติ is laid out again
    plan, _ = load(ROOT / "examples" / "anticorruption.yaml")
    names = [d.title for d in plan.dimensions]
    assert pages and any("๓๕,๐๐๐" in t for t in pages)
    assert all(names[1] in t and not any(n in t for i, n in enumerate(names) if i != 1) for t in pages)
    assert len(pages) < sum(len(m.items) for m in plan.dimensions[1].missions)


def test_an_edit_that_moves_a_table_end_lays_out_the_tables_after_it(tmp_path, monkeypatch):
    """A name made three lines longer: its sheet, its page of its มิติ's table and the pages after it that
    change, and the มิติ after it (its table starts elsewhere); nothing before."""
    plan, _ = load(ROOT / "examples" / "anticorruption.yaml")
    old = plan.dimensions[1].missions[0].items[0].name
    new = old + " (ปรับปรุงตามมติคณะกรรมการพัฒนาท้องถิ่น)" * 3
    texts = _laid_out_again(tmp_path, monkeypatch, old, new)
    assert sum("ลำดับที่" in t and new in t for t in texts) == 1
    tables = [t for t in texts if "ลำดับที่" not in t]
    assert tables and new in tables[0]
    # nothing of มิติ ๑ is laid out again: its heading, its pages (their first cells name it)
    first = plan.dimensions[0].title
    assert not any(t.startswith("Para(text='มิติที่ ๑") or first in t for t in tables if "สรุปจำนวน" not in t[:60])
    assert any(t.startswith("Para(text='มิติที่ ๓") for t in tables)  # มิติ ๓ starts elsewhere


def test_an_edit_that_keeps_its_page_lays_out_that_page_alone(tmp_path, monkeypatch):
    """A name made a little longer, its page still ending with the same row: that page, and nothing after it."""
    plan, _ = load(ROOT / "examples" / "anticorruption.yaml")
    old = plan.dimensions[1].missions[0].items[0].name
    texts = _laid_out_again(tmp_path, monkeypatch, old, old + " (ปรับปรุง)")
    tables = [t for t in texts if "ลำดับที่" not in t]
    assert tables and all(old + " (ปรับปรุง)" in t for t in tables)


def test_contents_links_and_one_font_subset_per_face(tmp_path):
    document = document_of("anticorruption.yaml")
    book = pieces.lay_out(document, find_fonts(), project_root(), RenderCache(None), jobs=1)
    pdf = pikepdf.open(io.BytesIO(book.pdf()))
    names = pdf.Root.Names.Dests.Names
    dests = {str(names[i]): names[i + 1][0].objgen for i in range(0, len(names), 2)}
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    first = next(i for i, p in enumerate(book.pieces) if p.section.numbered)
    first_page = sum(e.facts["pages"] for e in book.entries[:first])
    toc = next(b for s in document.sections for b in s.blocks if isinstance(b, Toc))
    links = [a for page in pdf.pages for a in page.obj.get("/Annots", []) if "/Dest" in a]
    # every entry links from its text and its page number (a text on two lines: from each line)
    assert sorted({str(a.Dest) for a in links}) == sorted(e.anchor for e in toc.entries)
    assert len(links) >= 2 * len(toc.entries)
    for link in links:
        anchor = str(link.Dest)
        assert index[dests[anchor]] - first_page + 1 == book.anchor_pages[anchor]
    files = {}
    for page in pdf.pages:
        for font in page.obj.Resources.Font.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            files.setdefault(str(font.BaseFont), set()).add(descriptor.FontFile2.objgen)
    assert files and all(len(f) == 1 for f in files.values())


def test_a_piece_starts_at_each_forced_page_break():
    document = document_of("anticorruption.yaml")
    split = pieces.split(document)
    blocks = [b for p in split for b in p.section.blocks]
    assert blocks == [b for s in document.sections for b in s.blocks]
    for piece in split:
        assert not any(getattr(b, "break_before", False) for b in piece.section.blocks[1:])
    assert sum(p.contents for p in split) == 1
    sheets = [p for p in split if "ลำดับที่" in str(p.section.blocks[0])]
    assert len(sheets) == sum(len(m.items) for d in load(ROOT / "examples" / "anticorruption.yaml")[0].dimensions
                              for m in d.missions) or sheets


def test_a_damaged_cache_entry_is_a_miss(tmp_path):
    cache = RenderCache(tmp_path)
    cache.put("ab" * 32, pieces.Entry(b"%PDF-1.7 data", {"pages": 1}))
    assert cache.get("ab" * 32).facts == {"pages": 1}
    path = next(tmp_path.glob("*/*.piece"))
    path.write_bytes(path.read_bytes()[:-3])
    assert cache.get("ab" * 32) is None


def test_a_second_build_needs_no_word_dictionary(tmp_path, monkeypatch):
    """The word cuts a book needed are kept in the cache, its own only; built again, no dictionary is made."""
    from assembler import thai

    cache = RenderCache(tmp_path / "cache")
    first, second = ROOT / "examples" / "anticorruption.yaml", ROOT / "examples" / "operations-2566.yaml"
    build(first, tmp_path / "a", cache=cache, render_jobs=1)
    build(second, tmp_path / "b", cache=cache, render_jobs=1)
    kept = {
        source: {text for text, _ in json.loads(cache.get(pieces.words_key(source, project_root())).pdf)["segment"]}
        for source in (first, second)
    }
    title = load(first)[0].plan.title
    assert any(title in text for text in kept[first])
    assert not any(title in text for text in kept[second])  # the first book's texts stay with it

    for answers in thai._MEMO.values():
        answers.clear()
    thai._dictionary.cache_clear()
    thai.compound_parts.cache_clear()

    def no_dictionary(*args, **kwargs):
        raise AssertionError("a word dictionary was built")

    monkeypatch.setattr("pythainlp.util.dict_trie", no_dictionary)
    monkeypatch.setattr(thai, "WordList", no_dictionary)
    result = build(first, tmp_path / "again", cache=cache, render_jobs=1)
    assert [p.suffix for p in result.outputs] == [".docx", ".pdf"]
    assert (tmp_path / "again" / "anticorruption.pdf").read_bytes() == (tmp_path / "a" / "anticorruption.pdf").read_bytes()


def test_the_cache_keeps_under_its_limit_removing_the_least_recently_used(tmp_path):
    import os

    writer = RenderCache(tmp_path)
    keys = [f"{i:02d}" * 32 for i in range(4)]
    for age, key in enumerate(keys):
        writer.put(key, pieces.Entry(b"%PDF" + b"x" * 1000, {"pages": 1}))
        os.utime(next(tmp_path.glob(f"*/{key}.piece")), (1000 + age, 1000 + age))
    size = next(tmp_path.glob("*/*.piece")).stat().st_size
    cache = RenderCache(tmp_path, limit_bytes=3 * size)  # room for three of the four
    assert cache.get(keys[0]) is not None  # used now: the most recently used
    cache.prune()
    assert [cache.get(k) is not None for k in keys] == [True, False, True, True]


def test_a_book_built_again_loads_no_weasyprint(tmp_path):
    """Every piece cached: nothing is laid out, and WeasyPrint (half a second to load) is not loaded."""
    import os
    import sys

    env = {**os.environ, "PLANBOOK_CACHE_DIR": str(tmp_path / "cache")}
    script = ("import sys; from assembler.cli import main; code = main(sys.argv[1:]); "
              "print('WEASYPRINT', 'weasyprint' in sys.modules); sys.exit(code)")
    args = [sys.executable, "-c", script, "build", str(ROOT / "examples" / "anticorruption.yaml"),
            "-o", str(tmp_path / "out"), "--force"]
    first = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    second = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0 and "WEASYPRINT True" in first.stdout, first.stderr
    assert second.returncode == 0 and "WEASYPRINT False" in second.stdout, second.stderr
