"""Thai typesetting helpers: digits, money, Buddhist-era dates, word segmentation.

Every number a book prints passes through :class:`Numerals`, so one switch
(Thai or Arabic digits) covers the whole book. Conversions that pythainlp
already provides (digits, baht in words, word segmentation) are delegated to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, wraps

from pythainlp.tokenize import word_tokenize
from pythainlp.util import (
    Trie,
    arabic_digit_to_thai_digit,
    bahttext,
    thai_digit_to_arabic_digit,
)

#: Full month names, index 1 = มกราคม.
MONTHS = (
    "", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
#: Abbreviated month names, index 1 = ม.ค.
MONTHS_ABBR = (
    "", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
#: Fiscal-year month order: ต.ค. of the previous year to ก.ย.
FISCAL_MONTHS = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)

#: No line break after an opening bracket or quote, nor before closing punctuation.
OPENING = "([{“‘\"'"
CLOSING = ")]}”’\"',.:;!?%ๆฯ"

NOT_BUDGETED = "ไม่ใช้งบประมาณ"
DASH = "-"
EN_DASH = "\u2013"

_THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Numerals:
    """Formats numbers for one book, in Thai (default) or Arabic digits."""

    thai: bool = True

    def digits(self, text: str | int) -> str:
        """Return ``text`` with its digits in the book's digit style."""
        text = str(text)
        return arabic_digit_to_thai_digit(text) if self.thai else thai_digit_to_arabic_digit(text)

    def number(self, value: int) -> str:
        """Return an integer with thousands separators: ๑,๒๓๔."""
        return self.digits(f"{value:,}")

    def money(self, value: int | None) -> str:
        """Return whole baht for a table cell: ๓,๐๐๐,๐๐๐, or "-" for none."""
        return DASH if value is None else self.number(value)

    def year_range(self, first: int, last: int) -> str:
        """Return "๒๕๖๕ – ๒๕๖๘" (or one year when first == last)."""
        if first == last:
            return self.digits(first)
        return f"{self.digits(first)} {EN_DASH} {self.digits(last)}"

    def month_year(self, year: int, month: int) -> str:
        """Return "ตุลาคม ๒๕๖๔" for a Buddhist-era year and month."""
        return f"{MONTHS[month]} {self.digits(year)}"


def baht_in_words(value: int) -> str:
    """Return the amount written out: "หนึ่งแสนบาทถ้วน"."""
    return bahttext(value)


def parse_number(text: str) -> int:
    """Return the integer in ``text``, accepting Thai digits and separators.

    Raises ValueError for anything else, so callers can report the value.
    """
    cleaned = thai_digit_to_arabic_digit(text).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"\d+", cleaned):
        raise ValueError(text)
    return int(cleaned)


def is_thai(char: str) -> bool:
    """Return whether ``char`` is in the Thai block."""
    return bool(_THAI_CHAR.match(char))


#: Longer words are compounds (names of agencies and laws): lines may break between their parts.
COMPOUND_CHARS = 20


#: what segment, syllables and is_word answered in this process, or read from the render cache
#: (build.py keeps a book's answers there): a book built again needs no dictionary at all,
#: and building pythainlp's (once per process) costs more than the rest of a DOCX
_MEMO: dict[str, dict] = {"segment": {}, "syllables": {}, "is_word": {}}
#: answers kept at most per kind (a service worker builds many books)
MEMO_LIMIT = 200_000


#: the (kind, text) answers asked for since :func:`start_recording` (None: not recording)
_ASKED: set | None = None


def _memoized(function):
    kind = function.__name__
    memo = _MEMO[kind]

    @wraps(function)
    def cached(text: str):
        if _ASKED is not None:
            _ASKED.add((kind, text))
        try:
            return memo[text]
        except KeyError:
            pass
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        value = memo[text] = function(text)
        return value

    return cached


def start_recording() -> None:
    """Note from now on which answers are asked for (:func:`memo_state` gives only those)."""
    global _ASKED
    _ASKED = set()


def memo_state() -> dict:
    """Return what segment, syllables and is_word answered, as JSON-ready lists.

    Since :func:`start_recording`, only the answers asked for since (one
    book's: a long-running worker's memo holds every book's it built).
    """
    if _ASKED is None:
        return {kind: list(answers.items()) for kind, answers in _MEMO.items()}
    return {kind: [(t, a) for t, a in answers.items() if (kind, t) in _ASKED] for kind, answers in _MEMO.items()}


def memo_size() -> int:
    return sum(len(answers) for answers in _MEMO.values())


def remember(state: dict, asked: bool = False) -> None:
    """Take answers from :func:`memo_state` of an earlier process (entries of another shape are ignored).

    ``asked``: they were asked for this book (by a child process rendering part
    of it, build.py), so :func:`memo_state` gives them too.
    """
    for kind, answers in state.items():
        memo = _MEMO.get(kind)
        if memo is None or not isinstance(answers, list):
            continue
        for item in answers:
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
                text, value = item
                if kind == "is_word" and isinstance(value, bool):
                    memo.setdefault(text, value)
                elif isinstance(value, list) and all(isinstance(w, str) for w in value) and "".join(value) == text:
                    memo.setdefault(text, tuple(value))
                else:
                    continue
                if asked and _ASKED is not None:
                    _ASKED.add((kind, text))


class WordList(Trie):
    """pythainlp's word trie answered from a set: the same lookups, built in milliseconds.

    Building pythainlp's :class:`~pythainlp.util.Trie` of its 62,000 words
    node by node takes most of a second, longer than laying out a small book's
    pieces; newmm only asks it which words start at a place in a text
    (:meth:`prefixes`) and whether a word is in it. A set of the words and,
    for each first two letters, the longest word that starts with them answer
    both.
    """

    def __init__(self, words) -> None:  # (not Trie's: no nodes)
        self._words = frozenset(w.strip() for w in words)
        longest: dict[str, int] = {}
        for word in self._words:
            if len(word) > 1 and longest.get(word[:2], 0) < len(word):
                longest[word[:2]] = len(word)
        self._longest = longest

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        """Return the words that start at ``start`` in ``text``, shortest first (as Trie.prefixes)."""
        words = self._words
        out = [text[start]] if start < len(text) and text[start] in words else []
        stop = min(len(text), start + self._longest.get(text[start:start + 2], 0))
        for end in range(start + 2, stop + 1):
            if text[start:end] in words:
                out.append(text[start:end])
        return out

    def __contains__(self, key: str) -> bool:
        return key in self._words

    def __iter__(self):
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def add(self, word: str) -> None:
        raise TypeError("WordList is read-only")

    def remove(self, word: str) -> None:
        raise TypeError("WordList is read-only")


@lru_cache(maxsize=2)
def _dictionary(kind: str = "words") -> WordList:
    """Return pythainlp's word (or syllable) list as a :class:`WordList`, made once."""
    from pythainlp.corpus.common import thai_syllables, thai_words

    return WordList(thai_words() if kind == "words" else thai_syllables())


@_memoized
def is_word(text: str) -> bool:
    """Return whether ``text`` is a word of pythainlp's dictionary."""
    return text in _dictionary()


@lru_cache(maxsize=1024)
def compound_parts(word: str, longest: int) -> tuple[str, ...]:
    """Return ``word`` cut into dictionary words of at most ``longest`` letters, or () if it is not made of such."""
    from pythainlp.util import dict_trie

    words = _dictionary()
    inside = {p for i in range(len(word)) for p in words.prefixes(word[i:]) if len(p) <= longest}
    if not inside:  # (an empty custom dictionary would make pythainlp load its own)
        return ()
    parts = tuple(word_tokenize(word, engine="newmm", custom_dict=dict_trie(inside)))
    return parts if all(p in inside for p in parts) else ()


#: an abbreviation (พ.ศ., เม.ย., กวช., อปพร.) after a space, a bracket or a
#: comma, or starting the text: never broken
ABBREVIATION = re.compile(r"(?<![^\s(\[/\"'“‘,-])(?:[\u0e01-\u0e4f]{1,4}\.)+")


@_memoized
def segment(text: str) -> tuple[str, ...]:
    """Return ``text`` cut into words by pythainlp (newmm), spaces kept.

    A word longer than COMPOUND_CHARS (สำนักงานคณะกรรมการป้องกันและปราบปราม…)
    is cut into the shorter words it is made of; an abbreviation is one word.
    The PDF renderer lets lines break only between these words (see
    render/weasy.py).
    """
    out: list[str] = []
    at = 0
    for found in [*ABBREVIATION.finditer(text), None]:
        end = found.start() if found else len(text)
        if end > at:
            for word in word_tokenize(text[at:end], engine="newmm", keep_whitespace=True, custom_dict=_dictionary()):
                if len(word) > COMPOUND_CHARS and is_thai(word[0]):
                    out.extend(compound_parts(word, COMPOUND_CHARS) or (word,))
                else:
                    out.append(word)
        if found:
            out.append(found.group())
            at = found.end()
    return tuple(out)


@_memoized
def syllables(word: str) -> tuple[str, ...]:
    """Return ``word`` cut into syllables (pythainlp's syllable list, newmm)."""
    # syllable_tokenize(engine="dict") is newmm over the syllable list
    return tuple(word_tokenize(word, engine="newmm", custom_dict=_dictionary("syllables")))
