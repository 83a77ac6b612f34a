"""Text rules shared by the documents and the DynamoDB fallback, mirroring the index analyzers:
HTML stripped, lower-cased (case-folded), accents folded to ASCII, split into words of letters and digits.
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]+")


def strip_html(text: str) -> str:
    """Text without tags or entities (titles and descriptions may carry either)."""
    return html.unescape(_TAG.sub(" ", text))


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Červený" -> "cerveny"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(strip_html(text)))


def one_edit_apart(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or transposition of neighbours apart."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    shorter, longer = (a, b) if la < lb else (b, a)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1:] == shorter:
            return True
    return False
