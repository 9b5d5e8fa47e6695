"""A sensitive-word matcher for comments: an Aho–Corasick automaton over the organisers' list.

Before matching, the text and the words are normalised the same way, one character at a time:
NFKC (full-width letters and digits become ASCII, ｆａｌｓｅ → false, compatibility forms fold)
and case-folded, with every space and invisible formatting character removed (U+3000, tabs,
zero-width spaces and joiners), so "敏 感 词", "敏　感　词" and "敏\u200b感词" all match 敏感词.
Punctuation is kept: removing it would join words across sentence boundaries into false hits.

Matches are reported with their place in the **original** text (start inclusive, end exclusive),
so a moderator's view can mark exactly what was typed. Pure: no Django, no database; the list is
given by whoever holds it (the notice app's organiser-editable list).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick


@dataclass(frozen=True, order=True)
class Hit:
    start: int  # in the text as given
    end: int  # exclusive
    word: str  # the list's entry, as the organisers wrote it


def _dropped(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


def normalise(text: str) -> tuple[str, list[int]]:
    """The text as matched, and for each of its characters the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if not _dropped(folded):
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


class WordMatcher:
    """Built once per version of the list; `find` is then linear in the text."""

    def __init__(self, words: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.size = 0
        for word in words:
            key, _ = normalise(word)
            if key and key not in self._automaton:
                self._automaton.add_word(key, (len(key), word.strip()))
                self.size += 1
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Every occurrence of every word (overlapping ones too), in order of position."""
        if not self.size:
            return []
        matched, origin = normalise(text)
        hits = {
            Hit(origin[last - length + 1], origin[last] + 1, word)
            for last, (length, word) in self._automaton.iter(matched)
        }
        return sorted(hits)

    def words_in(self, text: str) -> list[str]:
        """The list's words the text contains, each once, in order of first appearance."""
        return list(dict.fromkeys(hit.word for hit in self.find(text)))
