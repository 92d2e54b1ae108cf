"""A book's PDF made of pieces: each laid out alone, cached, merged, its page numbers stamped.

A *piece* is a run of blocks that starts a page: every section starts one,
and so does every block inside a section that breaks before it (the คำนำ,
each detail sheet). Laid out alone, a piece breaks where it does in the
book laid out whole (tests/test_pieces.py compares the two), so pieces are
laid out independently: in parallel processes, and only when the render
cache (render/cache.py) does not hold them already. An edit re-lays out
only the pieces whose blocks it changed.

The ส่วนที่ ๒ matrix is cut too, before each มิติ's heading: its tables flow
from page to page, so such a piece (:attr:`Piece.flows`) is laid out after
the piece before it, starting as far down its first page as that piece's
content ended (render_html's ``offset``), and its first page is drawn over
that piece's last page in the merge. A มิติ's table is then laid out one
page at a time (render/tablepages.py), each page a piece of its own found
by trials cached by their content: an edit to one item lays out again the
page that holds it, and the pages after it only when its page now ends
elsewhere (the matrix's column widths come in whole steps,
tablelayout.STEP_CM, so renaming an item moves none of them). A flowing
piece that is not one table with merged cells is laid out whole, its
merged cells cut where its own pages break, found in passes
(render/pdf.py); laid out whole, the passes over all the tables at once
need not settle (one table's cuts move the next one's breaks), and there
the pieces give the better pages.

Pieces carry no page numbers: those depend on every piece before. Once the
pieces' page counts are known, the สารบัญ piece is laid out with its page
numbers filled in (the DOCX takes the same numbers, without laying anything
out when the pieces are cached), the pieces are merged with pikepdf, and each
numbered page gets its number (and its section's running head) stamped, drawn
from a page WeasyPrint laid out with the same page rules and the ten digits
for a number (:class:`Stamp`). The fonts every piece subsets alone are
replaced by one subset of each font for the book, and the สารบัญ's links and
the anchors they point to are joined up across pieces.

The result does not depend on what was cached: a piece read from the cache
is the bytes its layout wrote, and the merge is deterministic.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import io
import multiprocessing
import os
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..document import Document, Para, Table, Toc
from ..errors import RenderError
from ..fonts import FontSet
from ..thai import Numerals
from . import tablepages
from .cache import Entry, RenderCache, digest_of, environment, kept, library_version

#: fewer pieces to lay out than this are laid out in this process (a pool costs more than it saves)
PARALLEL_FROM = 6


@dataclass(frozen=True)
class Piece:
    """Blocks of one section that start a page, as a document of their own."""

    document: Document  # one section
    #: the piece holds the สารบัญ: laid out last, with the page numbers filled in
    contents: bool = False
    #: the piece goes on from where the piece before it ended, on that piece's last page
    #: (a มิติ's heading and table in ส่วนที่ ๒): laid out after it, drawn over that page
    flows: bool = False

    @property
    def section(self):
        return self.document.sections[0]


def split(document: Document) -> list[Piece]:
    """Return the pieces of ``document`` in order: each section cut before every block that breaks before it.

    A section laid out in passes (tables with merged cells, see render/pdf.py)
    is cut also before each heading of a table (a heading kept with the table
    that follows it): those pieces flow on from the piece before
    (:attr:`Piece.flows`), so an edit to one มิติ lays out its table alone.
    """
    from .pages import breaks_between_pages, fills_pages

    out = []
    for section in document.sections:
        flowing = breaks_between_pages(section) and not fills_pages(section)
        blocks = section.blocks
        run: list = []
        flows = False
        for i, block in enumerate(blocks):
            heading = (flowing and isinstance(block, Para) and block.keep_with_next and i + 1 < len(blocks)
                       and isinstance(blocks[i + 1], Table) and not getattr(block, "break_before", False))
            if run and (getattr(block, "break_before", False) or heading):
                out.append(_piece(document, section, run, flows))
                run, flows = [], heading
            run.append(block)
        if run:
            out.append(_piece(document, section, run, flows))
    return out


def _piece(document: Document, section, blocks: list, flows: bool = False) -> Piece:
    alone = dataclasses.replace(document, sections=(dataclasses.replace(section, blocks=tuple(blocks)),))
    contents = any(isinstance(b, Toc) for b in blocks)
    if contents and section.numbered:
        # its page count would move the numbers it prints: not supported (no book has it)
        raise RenderError("สารบัญต้องอยู่ในหน้าที่ไม่มีเลขหน้า / the contents must be on unnumbered pages")
    return Piece(alone, contents, flows)


# ---------------------------------------------------------------- keys


def _records_key(kind: str, path: Path, root: Path, *facts) -> str:
    """Return the cache key of what a records file's last build kept of ``kind`` (see build.py)."""
    text = f"planbook {kind}\n{environment(root)}\n{path.resolve()}" + (f"\n{facts!r}" if facts else "")
    return hashlib.sha256(text.encode()).hexdigest()


def words_key(path: Path, root: Path) -> str:
    """Return the cache key of the word cuts a records file's book needed (see build.py)."""
    return _records_key("words 1", path, root)


def anchors_key(path: Path, root: Path, *facts) -> str:
    """Return the cache key of the สารบัญ's page numbers a records file's last build found (see build.py);
    ``facts``: what else moves them (the parts chosen, the digits)."""
    return _records_key("anchors 1", path, root, *facts)


def _key(kind: str, fonts: FontSet, root: Path, *facts) -> str:
    """Return a cache key: a hash of ``facts`` and of all that lays out (source, templates, fonts, libraries)."""
    digest = hashlib.sha256(f"planbook {kind}\n{environment(root)}\n".encode())
    for path in (fonts.regular, fonts.bold):
        digest.update(digest_of(path).encode())
    digest.update(repr((fonts.css_family, fonts.line_em, *facts)).encode())
    return digest.hexdigest()


def piece_key(piece: Piece, fonts: FontSet, root: Path, foreign: tuple[str, ...] = (),
              offset: tuple[float, float] | None = None) -> str:
    """Return the cache key of a piece: a hash of its blocks, where it starts and all that lays them out."""
    return _key("piece 3", fonts, root, foreign, offset, piece.document)


# ---------------------------------------------------------------- laying out one piece


#: pages laid out in this process since the last collection (:func:`freed`)
_uncollected = [0]


@contextlib.contextmanager
def collector_paused():
    """Run the block with the cyclic collector paused.

    A layout and its drawing make millions of objects that live until the
    piece is written: the collector, run as they are made, walks them again
    and again for nothing.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def freed(pages: int) -> None:
    """Count ``pages`` laid out and dropped; their boxes are reference cycles, freed in one walk
    once COLLECT_FROM_PAGES pages' are left."""
    from .pdf import COLLECT_FROM_PAGES

    _uncollected[0] += pages
    if _uncollected[0] >= COLLECT_FROM_PAGES:
        _uncollected[0] = 0
        gc.collect()


def page_facts(document: Document, pages: list, offset: tuple[float, float] | None) -> dict:
    """Return the facts of a piece whose PDF holds the laid-out ``pages`` (see :func:`render_piece`)."""
    declared = declared_anchors(document)
    anchors = {}
    for number, page in enumerate(pages):
        for anchor in page.anchors:
            if anchor in declared:
                anchors.setdefault(anchor, number)
    facts = {"pages": len(pages), "anchors": anchors, "end": _end(pages[-1])}
    if offset is not None:
        facts["blank_first"] = _blank(pages[0])
    return facts


def render_piece(piece: Piece, fonts: FontSet, root: Path, foreign: tuple[str, ...] = (),
                 offset: tuple[float, float] | None = None) -> Entry:
    """Lay out one piece alone, without page numbers; return its PDF and its facts.

    ``offset`` (a flowing piece's: the facts' ``end`` of the piece before)
    starts it that far down its first page. The facts are its ``pages``, the
    page of each of its ``anchors``, where its last page's content ends
    (``end``: px below the page's top, and the margin below) and, when it flows,
    whether its first page holds nothing but the offset (``blank_first``).
    """
    from .pdf import layout

    started = time.process_time()
    with collector_paused():
        laid_out = layout(piece.document, fonts, root, numbers=False, foreign_anchors=foreign, offset=offset)
        facts = {**page_facts(piece.document, laid_out.weasy.pages, offset), "settled": laid_out.settled}
        pdf = laid_out.write_pdf()
        del laid_out
        freed(facts["pages"])
    # (the CPU seconds it took: for measuring, bench/bench.py)
    return Entry(pdf, {**facts, "seconds": round(time.process_time() - started, 3)})


def _section_box(page):
    from .pages import descendants

    return next(b for b in descendants(page._page_box) if getattr(b, "element_tag", "") == "section")


def _end(page) -> list[float]:
    """Return where a page's content ends: the last block's bottom border edge (px below the content
    box's top) and its margin below (what a flowing piece's offset is: render_html)."""
    last = _section_box(page).children[-1]
    return [last.border_box_y() + last.border_height() - page._page_box.content_box_y(), last.margin_bottom]


def _blank(page) -> bool:
    """Return whether a flowing piece's first page holds only its offset (its content starts a page)."""
    return all(b.element is not None and "flow-offset" in (b.element.get("class") or "")
               for b in _section_box(page).children)


def declared_anchors(document: Document) -> set[str]:
    """Return the anchors the document's paragraphs name (not the renderers' own ids, e.g. table rows')."""
    out = set()
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Para):
                out.add(block.anchor)
            elif isinstance(block, Table):
                out.update(p.anchor for row in block.header + block.body for cell in row for p in cell.paras)
    out.discard("")
    return out


def _render_task(args) -> Entry:
    piece, fonts, root, foreign = args
    return render_piece(piece, fonts, root, foreign)


def render_jobs() -> int:
    """Return how many processes lay out a book's pieces: ``PLANBOOK_RENDER_JOBS``, else the usable cores."""
    setting = os.environ.get("PLANBOOK_RENDER_JOBS", "")
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _weight(piece: Piece) -> int:
    """Return a rough size of a piece (its table rows and paragraphs): the largest are laid out first."""
    return sum(len(b.body) * 3 if isinstance(b, Table) else 1 for b in piece.section.blocks)


def render_all(tasks: list[tuple], jobs: int) -> list[Entry]:
    """Lay out ``(piece, fonts, root, foreign)`` tasks, in ``jobs`` processes when there are enough."""
    with _rendering(tasks, jobs) as results:
        return [r.result() for r in results]


class _Later:
    """A task laid out in this process when its result is first asked for."""

    def __init__(self, task: tuple):
        self.task, self.entry = task, None

    def result(self) -> Entry:
        if self.entry is None:
            self.entry = _render_task(self.task)
        return self.entry


@contextlib.contextmanager
def _rendering(tasks: list[tuple], jobs: int):
    """Yield a result (``.result()``) for each task: laid out by ``jobs`` processes when there are enough
    tasks, the largest first, else in this process when asked for."""
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:
        yield [_Later(t) for t in tasks]
        return
    order = sorted(range(len(tasks)), key=lambda i: -_weight(tasks[i][0]))
    from . import weasy
    from .pdf import _shared_styles

    weasy.install()  # (imports WeasyPrint)
    _shared_styles(tasks[0][2], tasks[0][1])  # the fonts and book.css, parsed once for all the children
    # fork: the children start with WeasyPrint, its patches and the word dictionary loaded;
    # a process running other threads (the service) forks a clean server instead
    method = "fork" if threading.active_count() == 1 else "forkserver"
    gc.freeze()  # what is here now is never collected in the children: they do not copy it
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=multiprocessing.get_context(method)) as pool:
            futures = {i: pool.submit(_render_task, tasks[i]) for i in order}
            yield [futures[i] for i in range(len(tasks))]
    finally:
        gc.unfreeze()
        weasy.sweep_font_folders()  # the children's (they end without running their exit handlers)


# ---------------------------------------------------------------- the book


@dataclass
class PiecedBook:
    """A book's pieces laid out (or read from the cache), before the สารบัญ and the merge."""

    document: Document
    pieces: list[Piece]
    entries: list[Entry | None]  # None: the สารบัญ piece, laid out by :meth:`finish`
    fonts: FontSet
    root: Path
    cache: RenderCache
    #: anchor → printed page number (1 = the first numbered page)
    anchor_pages: dict = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self._number()

    def _number(self) -> None:
        """Find each anchor's printed page number from the pieces' page counts (the สารบัญ's do not count)."""
        first, at = None, 0
        starts = []
        for piece, entry in zip(self.pieces, self.entries):
            start = at - 1 if piece.flows else at  # its first page is the last one's (or left out)
            starts.append(start)
            if piece.section.numbered and first is None:
                first = start
            at += _new_pages(piece, entry)
        first = first or 0
        self.anchor_pages = {}
        for start, entry in zip(starts, self.entries):
            for anchor, page in (entry.facts["anchors"] if entry else {}).items():
                self.anchor_pages.setdefault(anchor, start + page - first + 1)

    def finish(self) -> "PiecedBook":
        """Lay out the สารบัญ pieces with the page numbers filled in."""
        from ..build import with_page_numbers

        missing = [i for i, e in enumerate(self.entries) if e is None]
        if not missing:
            return self
        tasks, keys = [], []
        for i in missing:
            piece = self.pieces[i]
            filled = Piece(with_page_numbers(piece.document, self.anchor_pages), contents=True)
            foreign = tuple(sorted({e.anchor for e in filled.document.toc().entries}))
            key = piece_key(filled, self.fonts, self.root, foreign)
            keys.append(key)
            tasks.append((filled, self.fonts, self.root, foreign))
        entries = _cached_or_rendered(tasks, keys, self.cache, 1)
        for i, entry in zip(missing, entries):
            self.entries[i] = entry
        return self

    @property
    def page_count(self) -> int:
        return sum(_new_pages(p, e) for p, e in zip(self.pieces, self.entries))

    def pdf(self) -> bytes:
        """Return the merged book: pieces in order, one font subset per face, links joined, numbers stamped."""
        self.finish()
        return merge(self.document, self.pieces, self.entries, self.fonts, self.root, self.cache)


def _new_pages(piece: Piece, entry: Entry | None) -> int:
    """Return the pages a piece adds to the book: a flowing piece's first page is the page before's."""
    if entry is None:
        return 0
    return entry.facts["pages"] - (1 if piece.flows else 0)


def _cached_or_rendered(tasks: list[tuple], keys: list[str], cache: RenderCache, jobs: int) -> list[Entry]:
    entries: list[Entry | None] = [cache.get(k) for k in keys]
    todo = [i for i, e in enumerate(entries) if e is None]
    for i, entry in zip(todo, render_all([tasks[i] for i in todo], jobs)):
        cache.put(keys[i], entry)
        entries[i] = entry
    return entries


def lay_out(
    document: Document, fonts: FontSet, root: Path, cache: RenderCache, jobs: int | None = None,
) -> PiecedBook:
    """Lay out (or find in the cache) every piece of ``document`` but the สารบัญ's; see :class:`PiecedBook`.

    The pieces that start a page are laid out in ``jobs`` processes; meanwhile
    this process lays out each flowing piece once the piece before it is done
    (its key holds where that piece ended: an edit that does not move the end
    of a มิติ's table lays out no other มิติ), a มิติ's table page by page
    (render/tablepages.py): the book's pieces then hold each of its pages.
    """
    pieces = split(document)
    jobs = render_jobs() if jobs is None else jobs
    entries: list[Entry | None] = [None] * len(pieces)
    keys: dict[int, str] = {}
    for i, piece in enumerate(pieces):
        if not piece.contents and not piece.flows:
            keys[i] = piece_key(piece, fonts, root)
            entries[i] = cache.get(keys[i])
    # the piece a run of flowing pieces goes on from is laid out here, first: they wait for it
    heads = {i - 1 for i, p in enumerate(pieces) if p.flows and not pieces[i - 1].flows}
    todo = [i for i in keys if entries[i] is None and i not in heads]
    paged: dict[int, list[tuple[Piece, Entry]]] = {}  # a flowing piece's table, page by page
    with _rendering([(pieces[i], fonts, root, ()) for i in todo], jobs) as results:
        pending = dict(zip(todo, results))
        for i, piece in enumerate(pieces):
            if not piece.flows:
                continue
            before = paged[i - 1][-1][1] if i - 1 in paged else entries[i - 1]
            if before is None:  # a head
                before = entries[i - 1] = render_piece(pieces[i - 1], fonts, root)
                cache.put(keys[i - 1], before)
            offset = tuple(before.facts["end"])
            if tablepages.pageable(piece):
                try:
                    paged[i] = tablepages.lay_out_table(piece, fonts, root, offset, cache)
                    continue
                except tablepages.NotPaged:
                    pass
            key = piece_key(piece, fonts, root, offset=offset)
            entries[i] = cache.get(key)
            if entries[i] is None:
                entries[i] = render_piece(piece, fonts, root, (), offset)
                cache.put(key, entries[i])
        for i, result in pending.items():
            entries[i] = result.result()
            cache.put(keys[i], entries[i])
    if paged:
        laid = [paged.get(i, [(p, e)]) for i, (p, e) in enumerate(zip(pieces, entries))]
        pieces, entries = [p for run in laid for p, _ in run], [e for run in laid for _, e in run]
    return PiecedBook(document, pieces, entries, fonts, root, cache)


# ---------------------------------------------------------------- page numbers


@dataclass
class Stamp:
    """The page number box of one page type, as WeasyPrint draws it, to draw any number in.

    WeasyPrint lays out a page of the type whose number is the ten digits in
    order; its content stream draws them with one text matrix and shows their
    glyphs, and the head line under them when the type has one. A number is
    that stream with its own digits' glyphs shown, moved left by the width it
    lacks (the box is right-aligned; glyph widths from the font's /W).
    """

    operations: list  # the page's content stream, parsed
    matrix_at: int  # the operation that places the number line
    shows: list[int]  # the operations that show the number line's glyphs
    glyphs: list[bytes]  # the two-byte code of each digit, 0–9
    widths: list[Decimal]  # each digit's advance, in the stream's text space
    right: Decimal  # where the number ends

    @classmethod
    def of(cls, page) -> "Stamp":
        import pikepdf

        operations = list(pikepdf.parse_content_stream(page))
        matrix_at = next(i for i, (_, op) in enumerate(operations) if str(op) == "Tm")
        shows, font, size = [], None, None
        for i in range(matrix_at + 1, len(operations)):
            operands, op = operations[i]
            op = str(op)
            if op == "Tf":
                font, size = operands[0], Decimal(str(operands[1]))
            elif op in ("TJ", "Tj"):
                shows.append(i)
            elif op in ("Tm", "ET", "Td", "TD", "T*"):
                break
        codes, adjust = [], Decimal(0)
        for i in shows:
            operands, op = operations[i]
            items = list(operands[0]) if str(op) == "TJ" else [operands[0]]
            for item in items:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    codes.extend(data[j:j + 2] for j in range(0, len(data), 2))
                else:
                    adjust += Decimal(str(item))
        if len(codes) != 10 or font is None:
            raise RenderError("วาดเลขหน้าไม่ได้ / cannot draw the page numbers (unexpected stamp page)")
        advance = _advances(page.Resources.Font[font])
        widths = [Decimal(advance.get(int.from_bytes(c, "big"), 1000)) * size / 1000 for c in codes]
        x = Decimal(str(operations[matrix_at][0][4]))
        right = x + sum(widths) - adjust * size / 1000
        return cls(operations, matrix_at, shows, codes, widths, right)

    def content(self, number: str) -> bytes:
        """Return the page's content stream drawing ``number`` (ASCII digits) instead of the ten digits."""
        import pikepdf

        digits = [int(d) for d in number]
        width = sum(self.widths[d] for d in digits)
        operations = list(self.operations)
        operands, op = operations[self.matrix_at]
        moved = [*list(operands)[:4], self.right - width, operands[5]]
        operations[self.matrix_at] = pikepdf.ContentStreamInstruction(moved, op)
        glyphs = pikepdf.String(b"".join(self.glyphs[d] for d in digits))
        first, *rest = self.shows
        operations[first] = pikepdf.ContentStreamInstruction([pikepdf.Array([glyphs])], pikepdf.Operator("TJ"))
        for i in rest:
            operations[i] = pikepdf.ContentStreamInstruction([pikepdf.Array([])], pikepdf.Operator("TJ"))
        return pikepdf.unparse_content_stream(operations)


def _advances(font) -> dict[int, int]:
    """Return glyph → advance (thousandths of an em) from a CID font's /W array."""
    import pikepdf

    out: dict[int, int] = {}
    widths = list(font.DescendantFonts[0].get("/W", []))
    i = 0
    while i < len(widths):
        first = int(widths[i])
        if isinstance(widths[i + 1], pikepdf.Array):
            for j, w in enumerate(widths[i + 1]):
                out[first + j] = w
            i += 2
        else:
            for cid in range(first, int(widths[i + 1]) + 1):
                out[cid] = widths[i + 2]
            i += 3
    return out


def stamp_key(document: Document, section, fonts: FontSet, root: Path) -> str:
    """Return the cache key of a page type's stamp page."""
    return _key("stamp 2", fonts, root, section.orientation, section.running_head, document.thai_digits,
                document.font_size_pt)


def stamp_pdf(document: Document, section, fonts: FontSet, root: Path) -> bytes:
    """Return WeasyPrint's one-page PDF of ``section``'s page type with the ten digits as its number."""
    from markupsafe import Markup

    from .pdf import PageName, _weasy, render_css

    digits = Numerals(document.thai_digits).digits("0123456789")
    page = PageName("stamp", section.orientation == "landscape", True, section.running_head)
    css = render_css(document, fonts, root, pages=[page], number=Markup(f'"{digits}"'))
    return _weasy(f'<html lang="th"><body><div style="page: {page.name}"></div></body></html>', root, css, fonts).write_pdf()


# ---------------------------------------------------------------- merging


def merge(document: Document, pieces: list[Piece], entries: list[Entry], fonts: FontSet, root: Path,
          cache: RenderCache) -> bytes:
    """Return the pieces' PDFs as one book (see the module's docstring)."""
    import pikepdf

    out = pikepdf.new()
    sources = []  # kept open until the book is written: pikepdf copies their streams then
    names: dict[str, object] = {}
    stamps: dict[tuple, tuple] = {}
    first_numbered = None
    for piece, entry in zip(pieces, entries):
        source = pikepdf.open(io.BytesIO(entry.pdf))
        sources.append(source)
        pages = list(source.pages)
        if piece.flows:  # its first page goes on the last page (drawn over it), or is only its offset
            if not entry.facts.get("blank_first"):
                _draw_over(out, out.pages[-1], pages[0])
            pages = pages[1:]
        start = len(out.pages)
        at = start - 1 if piece.flows else start  # where the piece's first page is in ``out``
        with warnings.catch_warnings():  # (named destinations are not copied: joined up below)
            warnings.simplefilter("ignore", getattr(pikepdf, "PageCopyWarning", UserWarning))
            out.pages.extend(pages)
        own = entry.facts["anchors"]  # anchor → its page in the piece
        dests = source.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for i in range(0, len(dests), 2):
            name = str(dests[i])
            if name in own and name not in names:
                _, kind, *where = list(dests[i + 1])
                names[name] = pikepdf.Array([out.pages[at + own[name]].obj, kind, *where])
        section = piece.section
        if not section.numbered:
            continue
        if first_numbered is None:
            first_numbered = start
        kind = (section.orientation, section.running_head)
        if kind not in stamps:
            key = stamp_key(document, section, fonts, root)
            cached = cache.get(key)
            if cached is None:
                cached = Entry(stamp_pdf(document, section, fonts, root), {})
                cache.put(key, cached)
            stamp_source = pikepdf.open(io.BytesIO(cached.pdf))
            sources.append(stamp_source)
            stamp = Stamp.of(stamp_source.pages[0])
            resources = out.copy_foreign(stamp_source.pages[0].obj.Resources)
            stamps[kind] = (stamp, resources)
        stamp, resources = stamps[kind]
        for index in range(start, len(out.pages)):
            _stamp(out, out.pages[index], stamp, resources, str(index - first_numbered + 1))
    if names:
        tree = pikepdf.Array()
        for name in sorted(names):
            tree.append(pikepdf.String(name))
            tree.append(names[name])
        out.Root.Names = out.make_indirect(pikepdf.Dictionary(Dests=out.make_indirect(pikepdf.Dictionary(Names=tree))))
    if sources:
        lang = sources[0].Root.get("/Lang")
        if lang is not None:
            out.Root.Lang = lang
    out.docinfo = out.make_indirect(pikepdf.Dictionary(
        Title=pikepdf.String(document.title), Author=pikepdf.String(document.author),
        Producer=pikepdf.String(f"planbook (WeasyPrint {library_version('weasyprint')}, pikepdf {pikepdf.__version__})"),
    ))
    _one_subset_per_font(out, fonts, cache)
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _draw_over(out, page, other) -> None:
    """Draw the page ``other`` (of another PDF, the same size) over ``page`` of ``out``, its links too."""
    import pikepdf

    form = out.copy_foreign(other.as_form_xobject())
    # (names of our own, the same every build: a page may take several, one per มิติ that starts on it)
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    _draw_form(out, page, form, f"PlanbookFlow{sum(str(k).startswith('/PlanbookFlow') for k in xobjects.keys())}")
    for annot in other.obj.get("/Annots", []):
        if "/Annots" not in page.obj:
            page.obj.Annots = pikepdf.Array()
        page.obj.Annots.append(out.copy_foreign(annot))


def _stamp(out, page, stamp: Stamp, resources, number: str) -> None:
    """Draw ``number`` (and the page type's head) over ``page``, as a form of its own."""
    import pikepdf

    form = out.make_stream(stamp.content(number))
    form.Type = pikepdf.Name.XObject
    form.Subtype = pikepdf.Name.Form
    form.BBox = page.obj.MediaBox
    form.Resources = resources
    _draw_form(out, page, form, "PlanbookNumber")


def _draw_form(out, page, form, name: str) -> None:
    """Draw the form XObject ``form`` over ``page``, named ``name`` in the page's resources."""
    import pikepdf

    page_resources = page.obj.get("/Resources")
    if page_resources is None:
        page.obj.Resources = page_resources = pikepdf.Dictionary()
    else:  # pieces share one resource dictionary: the page gets its own copy
        page.obj.Resources = page_resources = pikepdf.Dictionary(dict(page_resources.items()))
    xobjects = pikepdf.Dictionary(dict(page_resources.get("/XObject", pikepdf.Dictionary()).items()))
    xobjects[f"/{name}"] = form
    page_resources.XObject = xobjects
    page.contents_add(out.make_stream(b"q\n"), prepend=True)
    page.contents_add(out.make_stream(f"\nQ q /{name} Do Q\n".encode()))


def _subset(path: Path, gids: tuple[int, ...]) -> bytes:
    """Return the font at ``path`` subset to ``gids``, keeping glyph numbers."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(
        retain_gids=True, passthrough_tables=True, ignore_missing_glyphs=True, hinting=False,
        desubroutinize=True, notdef_outline=True,
    )
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=list(gids))
    font = TTFont(io.BytesIO(path.read_bytes()), recalcTimestamp=False)
    for tag in options.drop_tables:  # dropped before, not after, the subsetter reads them
        if tag in font:
            del font[tag]
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _postscript_name(path: Path, cache: RenderCache) -> str:
    """Return the PostScript name of the font file at ``path`` (kept in the cache: no font is read again)."""
    def read() -> bytes:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            return str(font["name"].getDebugName(6)).encode()

    return kept(("postscript name", digest_of(path)), read, cache).decode()


def _one_subset_per_font(out, fonts: FontSet, cache: RenderCache) -> None:
    """Point every piece's copy of a face at one subset of that face holding all the glyphs the book uses.

    WeasyPrint subsets each piece's fonts to what the piece uses, keeping the
    glyph numbers (retain_gids), so one subset of the original font with the
    union of those glyphs serves every piece.
    """
    originals = {_postscript_name(path, cache): path for path in (fonts.regular, fonts.bold)}
    groups: dict[str, list] = {}
    seen = set()
    walked = set()

    def walk(resources) -> None:  # a page's, and its forms' (the stamp, a flowing piece's page drawn over)
        for font in resources.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                groups.setdefault(str(font.BaseFont), []).append(font)
        for form in resources.get("/XObject", {}).values():
            if form.get("/Subtype") == "/Form" and "/Resources" in form and form.objgen not in walked:
                walked.add(form.objgen)
                walk(form.Resources)

    for page in out.pages:
        walk(page.obj.Resources)
    for base, members in sorted(groups.items()):
        descriptors = [m.DescendantFonts[0].FontDescriptor for m in members]
        if any("/FontFile2" not in d for d in descriptors):
            continue
        path = originals.get(base.lstrip("/").rpartition("+")[2])  # WeasyPrint names a subset "/TAG+PostScriptName"
        if path is None:
            continue  # not one of the book's fonts (a fallback): each piece keeps its own
        gids = tuple(sorted(set().union(*(_advances(m) for m in members)) | {0}))
        # the same glyphs as the last build's (an edit rarely adds one): the same subset
        data = kept(("font subset", digest_of(path), gids), lambda: _subset(path, gids), cache)
        stream = out.make_stream(data)
        stream.Length1 = len(data)
        for descriptor in descriptors:
            descriptor.FontFile2 = stream
