"""The word list the segmentation uses answers as pythainlp's own trie does."""
from __future__ import annotations

import yaml
from pythainlp.corpus.common import thai_syllables, thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from assembler import thai

from .conftest import EXAMPLE


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [t for v in value for t in _texts(v)] if isinstance(value, list) else []


def test_the_word_list_finds_the_words_pythainlps_trie_finds():
    texts = _texts(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    texts += ["", "ก", "กข", "สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ", "abc ๑๒๓ ก."]
    for words in (thai_words(), thai_syllables()):
        ours, theirs = thai.WordList(words), Trie(words)
        assert len(ours) == len(theirs)
        for text in texts:
            for start in range(len(text) + 1):
                assert ours.prefixes(text, start) == theirs.prefixes(text, start), (text, start)
        for word in list(words)[::50] + ["", "ไม่ใช่คำxyz"]:
            assert (word in ours) == (word in theirs), word


def test_segmenting_with_the_word_list_cuts_as_pythainlps_trie_does():
    trie = Trie(thai_words())
    for text in _texts(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))[:400]:
        expected = word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=trie)
        got = word_tokenize(text, engine="newmm", keep_whitespace=True, custom_dict=thai._dictionary())
        assert got == expected, text
