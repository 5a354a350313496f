"""What the public lookup matches: the name, its synonyms and their pinyin.

A type's ``search_text`` holds every form a resident might type, lower-case and separated
by "|": the name and each synonym in characters, in pinyin initials ("wfzjlzm") and in full
pinyin without tones ("wufanzuijiluzhengming"). A query matches when every one of its words
is a substring of it: one ``icontains`` per word, served by the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pypinyin import Style, lazy_pinyin

from registry.selectors.submission_checks import text_likeness

SEPARATOR = "|"
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Every certificate ends in 证明: comparing with it would make any two look alike.
_SUFFIX = "证明"


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(normalise(text), style=Style.FIRST_LETTER)).lower()


def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(normalise(text))).lower()


def clean_synonyms(values: Iterable[str] | str, *, name: str = "") -> list[str]:
    """Synonyms as a list without blanks, repeats or the name itself ("a、b，c" also works)."""
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    cleaned: list[str] = []
    for value in values or []:
        text = unicodedata.normalize("NFKC", str(value)).strip()[:100]
        if text and text != name and text not in cleaned:
            cleaned.append(text)
    return cleaned


def search_text(name: str, synonyms: Iterable[str]) -> str:
    forms: list[str] = []
    for word in [name, *synonyms]:
        for form in (normalise(word), pinyin_initials(word), pinyin_full(word)):
            if form and form not in forms:
                forms.append(form)
    return SEPARATOR + SEPARATOR.join(forms) + SEPARATOR


def query_terms(query: str) -> list[str]:
    """The words of a query, each normalised; "无犯罪 证明" is two words."""
    words = unicodedata.normalize("NFKC", query or "").split()
    return [term for term in (normalise(word) for word in words) if term][:5]


def likeness(query: str, name: str, synonyms: Iterable[str] = ()) -> float:
    """How alike a query (or a proposed name) is to a type, by its name or any synonym."""
    query = normalise(query).removesuffix(_SUFFIX)
    best = 0.0
    for word in [name, *synonyms]:
        word = normalise(word).removesuffix(_SUFFIX)
        if query and query == word:
            return 1.0
        best = max(best, text_likeness(query, word))
    return best
