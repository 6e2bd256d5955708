"""What is computed once about an object (a release's frame, a timestamp column) and reused by
every pair it is in.

A store maps a key that starts with (or is) id(owner) to (owner, value): keeping the owner in the
entry means a later object that is given the same id, once the first is freed, is never taken for
it. Past `bound` entries the oldest goes, so a long audit holds a bounded number of them.
"""
from __future__ import annotations

from typing import Any, Callable


def kept(store: dict, key, owner: Any, make: Callable[[], Any], bound: int = 16):
    """`make()`, kept in `store` under `key` beside `owner`."""
    known = store.get(key)
    if known is None or known[0] is not owner:
        if len(store) >= bound:
            store.pop(next(iter(store)))
        known = store[key] = (owner, make())
    return known[1]
