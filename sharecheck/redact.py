"""Masking of example values: enough shape for a person to recognise the problem, no identity."""
from __future__ import annotations

import re

_EMAIL = re.compile(r"^([^@\s]+)@([^@\s]+)$")


def _mask_token(token: str) -> str:
    if len(token) <= 1:
        return "*"
    return token[0] + "*" * min(len(token) - 1, 3)


def mask_value(value: object) -> str:
    """`john.smith@example.org` -> `j***@e***.org`; `555-123-4567` -> `5**-***-****`."""
    text = str(value)
    email = _EMAIL.match(text.strip())
    if email:
        local, domain = email.groups()
        parts = domain.split(".")
        tld = parts[-1] if len(parts) > 1 else ""
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
                out.append(ch)
        return "".join(out)
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
