"""What records may hold, in one place: sizes, depths, numbers and characters.

Records are a few hundred kilobytes of text and whole baht. Anything far past
that is a mistake or an attack, and is refused with a message before it can
cost minutes, gigabytes, or a crash in a later step (the DOCX, the workbook).
The README's "Limits" section lists these.
"""
from __future__ import annotations

import re

#: a records file (YAML/JSON) larger than this is refused unread (a 1,000-item book with
#: every detail sheet written out, bench/generate.py, takes 4.6 MB)
MAX_FILE_BYTES = 8 * 1024 * 1024
#: mappings and lists nested deeper than this (the examples nest 13 deep)
MAX_DEPTH = 40
#: values that YAML aliases (*name) may repeat, summed over the file
MAX_ALIAS_NODES = 1000
#: digits of an integer in the records
MAX_NUMBER_DIGITS = 15
#: the largest budget: a trillion baht (10^12)
MAX_BAHT = 10**12
#: cells in all the sheets of a workbook (the examples hold about 3,000)
MAX_WORKBOOK_CELLS = 100_000
#: characters of one text value (an Excel cell holds at most 32,767)
MAX_TEXT = 10_000

#: explicit direction controls: they reorder the rest of a paragraph when printed
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: what no text may hold: control characters but tab and line breaks (XML and Excel refuse
#: them), lone surrogates and U+FFFE/U+FFFF (not characters), and the direction controls
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def text_fault(text: str) -> tuple[str, str] | None:
    """Return why ``text`` cannot be printed in a book or stored in a workbook (Thai, English), or None."""
    if len(text) > MAX_TEXT:
        return (
            f"ข้อความยาวเกิน {MAX_TEXT:,} ตัวอักษร (พบ {len(text):,})",
            f"a text is longer than {MAX_TEXT:,} characters (found {len(text):,})",
        )
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    char, index = found.group(), found.start()
    code = f"U+{ord(char):04X}"
    if char in BIDI_CONTROLS:
        return (
            f"ข้อความมีอักขระควบคุมทิศทาง {code} (ตัวอักษรที่ {index + 1}) ซึ่งกลับลำดับข้อความที่พิมพ์: ลบออก",
            f"the text holds the direction control {code} (character {index + 1}), which reorders the printed text: remove it",
        )
    return (
        f"ข้อความมีอักขระควบคุม {code} (ตัวอักษรที่ {index + 1}) ซึ่งพิมพ์ไม่ได้: ลบออก",
        f"the text holds the control character {code} (character {index + 1}), which cannot be printed: remove it",
    )
