"""What a renderer does to text from a release (column and file names, masked examples) before
printing it: a name is data, never markup, a terminal command, XML structure or a formula.

- text: control characters (ESC included), bidirectional overrides and other invisible format
  characters become `?`; rich markup and emoji codes are off in the console itself.
- JUnit: characters XML 1.0 forbids are replaced (ElementTree escapes <, > and & but writes
  forbidden characters as they are, which makes the file ill-formed).
- Markdown: HTML-escaped, Markdown punctuation backslash-escaped, and `://`, `www.` and `@`
  broken so that a PR comment gets no script, no link, no image and no mention.
- spreadsheet formulas: a name starting with =, +, -, @ (or a tab/CR) gets a leading apostrophe,
  as OWASP recommends for CSV injection, wherever a person may paste it into a sheet.
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, Callable

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
# Keys whose values are names taken from the release (columns, tables, partners).
NAME_KEYS = frozenset({"name", "dataset", "columns", "release", "new", "indexed", "quasi_identifiers", "a", "b"})


def plain(text: str) -> str:
    """Printable text: every control and format character (ESC, NUL, U+202E ...) becomes '?'."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if ch == "\n" or (ch.isprintable() and unicodedata.category(ch) != "Cf") else "?" for ch in text)


def formula_safe(name: str) -> str:
    if name.startswith(_FORMULA_START) and not _NUMBER.match(name):
        return "'" + name
    return name


def xml_safe(text: str) -> str:
    return "".join(ch if ch in "\t\n\r" or ("\x20" <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd")
                   or ch >= "\U00010000" else "?" for ch in text)


def markdown(text: str) -> str:
    text = html.escape(plain(text).replace("\n", " "), quote=True)
    text = _MD_PUNCTUATION.sub(r"\\\1", text)
    # Autolinks and mentions: GitHub links bare URLs and notifies @names.
    return text.replace("://", "&#58;//").replace("www.", "www&#46;").replace("@", "&#64;")


def clean_document(value: Any, text: Callable[[str], str], key: str | None = None) -> Any:
    """The document with `text` applied to every string and formula_safe to every name."""
    if isinstance(value, str):
        cleaned = text(value)
        return formula_safe(cleaned) if key in NAME_KEYS else cleaned
    if isinstance(value, dict):
        return {k: clean_document(v, text, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_document(v, text, key) for v in value]
    return value
