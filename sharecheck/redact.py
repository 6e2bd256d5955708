"""Masking of example values and of library messages: enough shape for a person to recognise
the problem, no identity.

A mask keeps at most the first character of a long cased token (`SMITH` -> `S***`); short
tokens, and tokens of scripts without case (CJK, Arabic, where one character can be a whole
surname), are masked completely. Library error texts (polars, fastexcel, json) quote the
offending cell; `mask_message` removes quoted spans and any non-ASCII text before they are shown.
"""
from __future__ import annotations

import re

_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")
# Quoted spans in library messages: 'x', "x", `x`; the value inside is the cell that failed.
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`?")
_NON_ASCII_RUN = re.compile(r"[^\x20-\x7e]+")
_NON_WORD_ODD = re.compile(r"[^\w\x20-\x7e]")
_ADJACENT_MASKS = re.compile(r"'…'[^\s']*'…'")
_MAX_MESSAGE = 300


def _mask_token(token: str) -> str:
    # Keep a first letter only where it hides at least three more and is a cased letter or digit
    # (an initial): for an uncased script one character may be the surname itself.
    if len(token) >= 4 and (token[0].isdigit() or token[0].upper() != token[0].lower()):
        return token[0] + "***"
    return "***"


def mask_value(value: object) -> str:
    """`john.smith@example.org` -> `j***@e***.org`; `555-123-4567` -> `5**-***-****`."""
    text = str(value)
    email = _EMAIL.match(text.strip())
    if email:
        local, domain = email.groups()
        parts = domain.split(".")
        tld = parts[-1] if len(parts) > 1 and parts[-1].isascii() else ""
        return f"{_mask_token(local)}@{_mask_token(parts[0])}" + (f".{tld}" if tld else "")
    if any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
        # Numbers keep their punctuation and first digit: the format is the evidence.
        seen_first = False
        out = []
        for ch in text:
            if ch.isdigit():
                out.append(ch if not seen_first else "*")
                seen_first = True
            else:
                out.append(ch if ch.isascii() and ch.isprintable() else "?")
        return "".join(out)
    # Between tokens only punctuation and space may stay; anything else outside printable ASCII
    # could be text (combining marks, symbols) or a terminal escape.
    text = _NON_WORD_ODD.sub("?", text)
    return re.sub(r"[^\W_]+", lambda m: _mask_token(m.group(0)), text)


def mask_examples(values, limit: int = 3) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        if value is None:
            continue
        masked = mask_value(value)
        if masked not in seen:
            seen.append(masked)
        if len(seen) >= limit:
            break
    return tuple(seen)


def mask_message(text: object) -> str:
    """One line of a library's message with every quoted span and non-ASCII run hidden."""
    lines = str(text).strip().splitlines()
    line = lines[0] if lines else ""
    # A quoted column name stays (reports name columns anyway); every other quoted span goes.
    line = _QUOTED.sub(lambda m: m.group(0) if _names_column(line, m.start()) else "'…'", line)
    # Quotes nested inside a quoted value leave pieces between masks: '…'nested'…' is one value.
    while (joined := _ADJACENT_MASKS.sub("'…'", line)) != line:
        line = joined
    line = _NON_ASCII_RUN.sub(lambda m: m.group(0) if m.group(0) == "…" else "?", line)
    return line[:_MAX_MESSAGE]


def _names_column(line: str, start: int) -> bool:
    return line[:start].lower().endswith("column ")


def exception_message(exc: BaseException) -> str:
    """The first line of an exception's text, masked; the exception's type when it has none."""
    message = mask_message(exc)
    return message or type(exc).__name__
