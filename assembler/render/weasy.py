"""Planbook's patches to WeasyPrint's text layer: Thai words, Thai justification, PDF text.

Every piece of code that reaches into WeasyPrint internals lives here, so a
WeasyPrint upgrade has one place to check. pyproject.toml pins the version
these patches were written against (WEASYPRINT_VERSION); tests/test_weasy.py
fails when a patched function or its signature changed, or a patch is not in
place. :func:`install` applies the patches once; render/pdf.py calls it.

1. **Thai words kept whole** (``Layout.set_text``, ``split_first_line``).
   The ``thai`` template filter joins pythainlp's words by zero-width spaces
   (U+200B, a break opportunity). Whenever WeasyPrint gives Pango a text to
   lay out in a limited width, every run of text between zero-width spaces and
   spaces that holds a Thai letter gets a Pango ``allow_breaks=false``
   attribute over its bytes, so libthai cannot cut inside it. A run wider than
   the whole line (or cell) by itself, in text that starts a line, may break
   between the words it is made of, or the syllables of a word still too
   wide (pythainlp); the book's CSS (overflow-wrap: break-word) lets Pango
   break there even where libthai would not.
2. **Thai distributed justification** (``justify_line``). WeasyPrint widens
   only spaces, and Thai has few. A justified line instead gets letter
   spacing over all its grapheme clusters (Pango's letter-spacing attribute),
   so it ends flush at the right margin, as Word's thaiDistribute does.
3. **A PDF text layer as written** (``draw_first_line``). HarfBuzz draws some
   clusters with glyphs whose characters differ from the text (ำ as NIKHAHIT
   + SARA AA). Each glyph maps to its own character in the font's ToUnicode
   map, and a cluster whose glyphs do not read as its text is wrapped in
   ``/Span <</ActualText (…)>> BDC … EMC`` marked content, which PDF readers
   (poppler, MuPDF) extract instead of the glyphs.
4. **Font folders that do not outlive planbook** (``fonts.mkdtemp``).
   WeasyPrint copies each @font-face font into a ``weasyprint-*`` temporary
   folder it removes only when its FontConfiguration is collected, so a
   failed or killed build left them behind. They are named
   ``weasyprint-planbook-PID-*`` instead, removed when planbook exits, and
   the folders of processes no longer running (killed) are removed by the
   next layout.
"""
from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import tempfile
from io import BytesIO
from pathlib import Path

from .libraries import import_weasyprint

weasyprint = import_weasyprint()
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import preferred as weasy_preferred
from weasyprint.draw import text as weasy_draw_text
from weasyprint.text import fonts as weasy_fonts
from weasyprint.text import line_break
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango

from ..thai import compound_parts, syllables

#: The WeasyPrint version these patches were written and tested against.
WEASYPRINT_VERSION = "70.0"

# Pango ≥ 1.44 functions WeasyPrint does not declare.
ffi.cdef("""
    PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);
    PangoAttrList * pango_attr_list_copy (PangoAttrList *list);
    int pango_layout_get_width (PangoLayout *layout);
""")

ZWSP = "\u200b"

#: The WeasyPrint functions replaced here, with the parameters they had when
#: the patches were written (checked by tests/test_weasy.py).
PATCHED = {
    "weasyprint.text.line_break.Layout.setup": ["self", "style"],
    "weasyprint.text.line_break.Layout.set_text": ["self", "text", "justify"],
    "weasyprint.text.line_break.split_first_line": [
        "text", "style", "context", "max_width", "justification_spacing", "is_line_start", "minimum"],
    "weasyprint.layout.inline.justify_line": ["context", "line", "extra_width"],
    "weasyprint.draw.text.draw_first_line": ["stream", "textbox", "text_overflow", "block_ellipsis", "matrix"],
    "weasyprint.text.fonts.mkdtemp": ["suffix", "prefix", "dir"],
}

_original = {}
#: What the line being split offers: its width and whether the text starts it.
_line = {"max_width": None, "line_start": True, "minimum": False}


def install() -> None:
    """Apply the patches to WeasyPrint (once; later calls do nothing)."""
    if _original:
        return
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise RuntimeError(
            f"planbook's WeasyPrint patches need WeasyPrint {WEASYPRINT_VERSION}, "
            f"found {weasyprint.__version__}: see assembler/render/weasy.py")
    Layout = line_break.Layout
    _original.update(
        setup=Layout.setup, set_text=Layout.set_text,
        split_first_line=line_break.split_first_line,
        justify_line=weasy_inline.justify_line,
        draw_first_line=weasy_draw_text.draw_first_line,
        mkdtemp=weasy_fonts.mkdtemp,
    )
    Layout.setup = _setup
    Layout.set_text = _set_text
    # split_first_line is imported by name into the layout modules
    for module in (line_break, weasy_inline, weasy_preferred):
        module.split_first_line = _split_first_line
    weasy_inline.justify_line = _justify_line
    weasy_draw_text.draw_first_line = _draw_first_line
    weasy_fonts.mkdtemp = mkdtemp
    sweep_font_folders()


def installed() -> bool:
    """Return whether every patch is in place."""
    return (
        line_break.Layout.setup is _setup and line_break.Layout.set_text is _set_text
        and all(m.split_first_line is _split_first_line for m in (line_break, weasy_inline, weasy_preferred))
        and weasy_inline.justify_line is _justify_line
        and weasy_draw_text.draw_first_line is _draw_first_line
        and weasy_fonts.mkdtemp is mkdtemp
    )


# 1. Words kept whole ---------------------------------------------------------

def _split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
    """WeasyPrint's split_first_line, telling set_text what line it fills."""
    saved = dict(_line)
    _line.update(max_width=max_width, line_start=is_line_start, minimum=minimum)
    try:
        return _original["split_first_line"](
            text, style, context, max_width, justification_spacing, is_line_start, minimum)
    finally:
        _line.update(saved)


def _setup(self, style):
    """WeasyPrint's Layout.setup, remembering the attributes it set (font features)."""
    _original["setup"](self, style)
    base = pango.pango_layout_get_attributes(self.layout)
    self.planbook_base = ffi.NULL if base == ffi.NULL else ffi.gc(
        pango.pango_attr_list_copy(base), pango.pango_attr_list_unref)


def _set_text(self, text, justify=False):
    """WeasyPrint's Layout.set_text, adding planbook's attributes for this text.

    The attributes of an earlier text are dropped first: their byte ranges
    belong to that text.
    """
    base = getattr(self, "planbook_base", ffi.NULL)
    fresh = ffi.NULL if base == ffi.NULL else ffi.gc(pango.pango_attr_list_copy(base), pango.pango_attr_list_unref)
    pango.pango_layout_set_attributes(self.layout, fresh)
    _original["set_text"](self, text, justify)
    attrs = []
    if pango.pango_layout_get_width(self.layout) != -1:  # -1: laid out on one line, no breaks
        for start, end in word_ranges(self.text, self.style):
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = start, end
            attrs.append(attr)
    spacing, end = getattr(self, "planbook_spacing", (0, 0))
    if justify and spacing:
        units = round(spacing * TO_UNITS)
        # Pango rounds a whole number of pixels to whole pixels per side ("hinting")
        units += units % round(TO_UNITS) == 0
        attr = pango.pango_attr_letter_spacing_new(units)
        attr.start_index, attr.end_index = 0, end
        attrs.append(attr)
    if attrs:
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        for attr in attrs:
            # insert, not change: change merges adjacent ranges (syllables)
            pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)


#: A run between the break opportunities the template filter wrote (spaces, U+200B).
_RUN = re.compile("[^ \t\n\u200b]+")
_THAI = re.compile("[\u0e00-\u0e7f]")


def word_ranges(text: str, style) -> list[tuple[int, int]]:
    """Return the UTF-8 byte ranges of ``text`` where a line must not break.

    Every run holding a Thai letter; a run that alone is wider than the line
    (in text that starts the line) is cut into the words it is made of, and
    those still too wide into their syllables.
    """
    out, char, byte = [], 0, 0
    for match in _RUN.finditer(text):
        run = match.group()
        byte += len(text[char:match.start()].encode())
        start, char = byte, match.start()
        if len(run) < 2 or not _THAI.search(run):
            continue
        parts = [run]
        if _wider_than_line(run, style):
            # the words it is made of (ลาน|สาธารณะ), then syllables of those still too wide
            parts = [
                syllable for word in compound_parts(run, len(run) - 1) or (run,)
                for syllable in (syllables(word) if _wider_than_line(word, style) else (word,))
            ]
        for part in parts:
            size = len(part.encode())
            out.append((start, start + size))
            start += size
    return out


def _wider_than_line(run: str, style) -> bool:
    """Return whether ``run`` is in text starting the line being split, and wider than that line."""
    width = _line["max_width"]
    if width is None or _line["minimum"] or not _line["line_start"]:
        return False
    # no TH Sarabun glyph is as wide as its font size: most runs need no measuring
    if len(run) * style["font_size"] <= width:
        return False
    return text_width(run, style) > width


_widths: dict[tuple[str, str], float] = {}


def text_width(text: str, style) -> float:
    """Return the width of ``text`` set on one line in ``style`` (cached)."""
    key = (text, line_break._font_style_cache_key(style, include_size=True))
    if key not in _widths:
        layout = line_break.Layout(style)
        layout.set_text(text)
        line, _ = layout.get_first_line()
        _widths[key] = line_break.line_size(line, style)[0]
    return _widths[key]


# 2. Thai distributed justification -------------------------------------------

def _text_boxes(box):
    """Yield the in-flow text boxes of a line, in order."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _spaced_layout(context, box, spacing, end):
    """Return a layout of the box's text with ``spacing`` after each cluster before byte ``end``."""
    layout = line_break.create_layout(
        box.text, box.style, context, max_width=None, justification_spacing=box.justification_spacing)
    layout.planbook_spacing = spacing, end
    layout.set_text(box.text, justify=True)
    return layout


def _spaced_width(context, box, spacing, end) -> float:
    """Return the width of the box's text with ``spacing`` after each cluster before byte ``end``."""
    layout = _spaced_layout(context, box, spacing, end)
    first, _ = layout.get_first_line()
    width = line_break.line_size(first, box.style)[0]
    layout.deactivate()
    return width


_MARK = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e\u0300-\u036f]")


def _last_cluster_start(text: str) -> int:
    """Return the UTF-8 offset of the last visible cluster (letter and its marks) of ``text``."""
    visible = text.rstrip(" " + ZWSP)
    end = len(visible)
    while end > 1 and _MARK.match(visible[end - 1]):
        end -= 1
    return len(visible[:max(end - 1, 0)].encode())


def _justify_line(context, line, extra_width):
    """Spread ``extra_width`` over the grapheme clusters of a justified line.

    Pango adds letter spacing after each cluster of a range; the range ends
    before the line's last visible cluster, so the line's ink grows exactly
    as its width. How much a box grows per point of spacing is measured
    with Pango itself (Thai clusters with marks, ำ, spaces). A line justified
    again is first put back as it was: spacing never accumulates.
    """
    from weasyprint.formatting_structure import boxes

    extra_width += _unjustify(line)
    texts = [box for box in _text_boxes(line) if box.text.strip(" " + ZWSP)]
    if not texts or extra_width <= 0:
        return
    growth, probe = {}, 8  # id(box) -> (spacing range end, natural width, growth per unit of spacing)
    for box in texts:
        end = _last_cluster_start(box.text) if box is texts[-1] else len(box.text.encode())
        natural = _spaced_width(context, box, 0, end)
        growth[id(box)] = end, natural, (_spaced_width(context, box, probe, end) - natural) / probe
    total = sum(rate for _, _, rate in growth.values())
    if total <= 0:
        return
    spacing = extra_width / total
    # Pango rounds each cluster's spacing: measure once more and correct
    grown = sum(_spaced_width(context, box, spacing, growth[id(box)][0]) - growth[id(box)][1] for box in texts)
    if grown > 0:
        spacing *= extra_width / grown

    def place(box, x_advance):
        """Move ``box`` by ``x_advance``, widen it; return the advance for the boxes after it."""
        before = x_advance
        if isinstance(box, boxes.TextBox):
            box.position_x += x_advance
            if id(box) in growth:
                end, natural, _ = growth[id(box)]
                box.planbook_layout = box.pango_layout
                box.pango_layout = _spaced_layout(context, box, spacing, end)
                first, _ = box.pango_layout.get_first_line()
                x_advance += line_break.line_size(first, box.style)[0] - natural
                box.pango_layout.deactivate()
                box.width += x_advance - before
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = place(child, x_advance)
            box.width += x_advance - before
        else:
            box.translate(x_advance, 0)
        box.planbook_moved = before, x_advance - before  # (shift, growth), for _unjustify
        return x_advance

    place(line, 0)


def _unjustify(box) -> float:
    """Put a box justified by _justify_line back as it was; return the width it had gained."""
    from weasyprint.formatting_structure import boxes

    shift, grown = getattr(box, "planbook_moved", (0, 0))
    if isinstance(box, (boxes.TextBox, boxes.LineBox, boxes.InlineBox)):
        box.position_x -= shift
        box.width -= grown
        if getattr(box, "planbook_layout", None) is not None:
            box.pango_layout, box.planbook_layout = box.planbook_layout, None
        for child in getattr(box, "children", ()):
            if child.is_in_normal_flow():
                _unjustify(child)
    else:
        box.translate(-shift, 0)
    box.planbook_moved = 0, 0
    return grown


# 3. The PDF text layer -------------------------------------------------------

#: Thai presentation forms in the Private Use Area (U+F700–U+F71A, as in
#: Windows and macOS Thai fonts) and the character each draws.
THAI_PUA = dict(zip(
    (chr(c) for c in range(0xF700, 0xF71B)),
    "\u0e10\u0e34\u0e35\u0e36\u0e37\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
    "\u0e0d\u0e31\u0e4d\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e38\u0e39\u0e3a",
))


def glyph_characters(font) -> dict[int, str]:
    """Return the text each glyph of a WeasyPrint font draws, where the font tells.

    The character map, reversed (the lowest code point of a glyph), and glyph
    names: variant glyphs carry their character in their name
    (``uni0E48.low_left`` is MAI EK lowered and moved left); Thai variants
    in the Private Use Area read as their Thai character.
    """
    chars = getattr(font, "planbook_chars", None)
    if chars is None:
        # each layout has Font objects of its own: the map is kept by the font's bytes
        font.planbook_chars = chars = _glyph_characters(font.file_content, font.index)
    return chars


@functools.lru_cache(maxsize=16)
def _glyph_characters(file_content: bytes, index: int) -> dict[int, str]:
    """Return :func:`glyph_characters` of the font file ``file_content`` (face ``index``); not to be changed."""
    from fontTools.ttLib import TTFont

    ttfont = TTFont(BytesIO(file_content), fontNumber=index, lazy=True)
    names = ttfont.getGlyphOrder()
    by_name = {}
    for code, name in sorted(ttfont.getBestCmap().items(), reverse=True):
        by_name[name] = chr(code)
    chars = {}
    for gid, name in enumerate(names):
        if name in by_name:
            chars[gid] = THAI_PUA.get(by_name[name], by_name[name])
            continue
        base = name.split(".")[0]
        if re.fullmatch(r"uni([0-9A-F]{4})+", base):
            chars[gid] = "".join(chr(int(base[i:i + 4], 16)) for i in range(3, len(base), 4))
    ttfont.close()
    return chars


def _close(string: str) -> str:
    """Return a TJ array string with its open glyph list closed (or dropped when empty)."""
    return string[:-1] if string[-1] == "<" else string + ">"


def _utf16_hex(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``.

    WeasyPrint 70's draw_first_line (draw/text.py) with two changes: a glyph's
    ToUnicode entry is its own character when the font tells it, and a cluster
    whose glyphs do not read as its text is drawn inside ActualText marked
    content. Ellipsis handling is WeasyPrint's, unchanged. Colour (emoji)
    glyph images are not drawn (the book fonts have none): their outlines are.
    """
    from weasyprint.logger import LOGGER
    from weasyprint.text.line_break import get_last_word_end

    if not textbox.text.strip():
        return []
    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == "ellipsis" or block_ellipsis != "none":
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(
                    new_text[:-len(textbox.style["hyphenate_character"])], textbox.style["lang"])
                if last_word_end:
                    new_text = new_text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != "none":
        while index:
            last_word_end = get_last_word_end(textbox.pango_layout.text[:-len(ellipsis)], textbox.style["lang"])
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    utf8_text = textbox.pango_layout.text.encode()
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        offset = glyph_item.item.offset
        rtl = glyph_item.item.analysis.level % 2

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)
            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style["font_size"]
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
            own = glyph_characters(font)
        string += "<"
        actual_end = None  # the last glyph of a cluster drawn inside ActualText
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
            glyph_id = glyph_info.glyph
            width = glyph_info.geometry.width

            if i == 0 or clusters[i] != clusters[i - 1]:  # a cluster starts
                end = i + 1
                while end < num_glyphs and clusters[end] == clusters[i]:
                    end += 1
                if rtl:
                    t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
                else:
                    t2 = glyph_item.item.length if end == num_glyphs else clusters[end]
                cluster_text = utf8_text[offset + clusters[i]:offset + t2].decode()
                read = ""
                for j in range(i, end):
                    gid = glyphs_info[j].glyph
                    if gid == pango.PANGO_GLYPH_EMPTY or gid & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                        continue
                    if gid not in font.to_unicode:
                        font.to_unicode[gid] = own.get(gid, cluster_text if j == i else "")
                    read += font.to_unicode[gid]
                if read and read != cluster_text and not rtl:
                    string = _close(string)
                    if string:
                        stream.show_text(string)
                    stream.begin_marked_content("Span", f"<</ActualText <{_utf16_hex(cluster_text)}>>>".encode())
                    string = "<"
                    actual_end = end - 1

            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f">{-width / font_size}<"
            else:
                if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
                    LOGGER.warning(
                        ".notdef glyph rendered for Unicode string unsupported by fonts: "
                        '"%s" (U+%04X)', chr(codepoint), codepoint)
                    glyph_id = font.get_unused_glyph_id(codepoint)
                    font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                    if 0 not in font.widths:
                        font.widths[0] = font.widths[glyph_id]
                    font.to_unicode.setdefault(glyph_id, chr(codepoint))

                x_offset = glyph_info.geometry.x_offset / font_size
                rise = glyph_info.geometry.y_offset / 1000
                if rise:
                    string = _close(string)
                    if string:
                        stream.show_text(string)
                    stream.set_text_rise(-rise)
                    string = f"{-x_offset}" if x_offset else ""
                    string += f"<{glyph_id:02x}>" if font.bitmap else f"<{glyph_id:04x}>"
                    stream.show_text(string)
                    stream.set_text_rise(0)
                    string = "<"
                else:
                    if x_offset:
                        string += f">{-x_offset}<"
                    string += f"{glyph_id:02x}" if font.bitmap else f"{glyph_id:04x}"

                if glyph_id in font.widths:
                    logical_width = font.widths[glyph_id]
                else:
                    pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                    logical_width = font.widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size)

                # kerning, word spacing, letter spacing; WeasyPrint truncates
                # them to whole 1/1000 em, which adds up along a letter-spaced line
                kerning = round(logical_width + x_offset - width * 1000 * FROM_UNITS / font_size, 2)
                if kerning:
                    string += ">" + f"{kerning:.2f}".rstrip("0").rstrip(".") + "<"

            if i == actual_end:
                string = _close(string)
                if string:
                    stream.show_text(string)
                stream.end_marked_content()
                string = "<"
                actual_end = None

        string = _close(string)

    if string:
        stream.show_text(string)
    return []  # no colour glyphs to draw


# 4. Font folders -------------------------------------------------------------

FONT_FOLDER_PREFIX = "weasyprint-planbook-"
_font_folders: list[str] = []


def mkdtemp(suffix=None, prefix=None, dir=None):
    """Make WeasyPrint's font folder, named after this process and removed when it exits."""
    folder = tempfile.mkdtemp(suffix, f"{FONT_FOLDER_PREFIX}{os.getpid()}-", dir)
    if not _font_folders:
        atexit.register(remove_font_folders)
    _font_folders.append(folder)
    return folder


def remove_font_folders() -> None:
    """Remove the font folders this process made (at exit)."""
    while _font_folders:
        shutil.rmtree(_font_folders.pop(), ignore_errors=True)


def sweep_font_folders(root: Path | None = None) -> None:
    """Remove the font folders of planbook processes that are no longer running (killed)."""
    from ..build import process_running

    root = Path(root or tempfile.gettempdir())
    try:
        folders = list(root.glob(f"{FONT_FOLDER_PREFIX}*"))
    except OSError:
        return
    for folder in folders:
        pid = folder.name[len(FONT_FOLDER_PREFIX):].partition("-")[0]
        if pid.isdigit() and not process_running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)

