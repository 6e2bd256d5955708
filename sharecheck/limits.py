"""Resource limits on what a release may hold, checked before the expensive step.

A portal runs sharecheck unattended on whatever is uploaded: one 50 MB line, JSON nested 500
deep or a 4 MB workbook that inflates to gigabytes must end in a one-line refusal, not in an
exhausted machine. Each limit is generous for real open data and can be raised per run
(`--limit NAME=VALUE` or `[limits]` in the config file; see README "Limits").
"""
from __future__ import annotations

import contextlib
import contextvars
import zipfile
import zlib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from .errors import InputError, UsageError

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_line_bytes: int = 16 * MiB  # one line of CSV, TSV or NDJSON
    max_cell_bytes: int = 4 * MiB  # one cell after reading
    max_depth: int = 32  # nesting of JSON objects and arrays
    max_columns: int = 20_000
    max_workbook_bytes: int = 256 * MiB  # an .xlsx once its XML parts are inflated (calamine needs ~4x in memory)
    # a join judges every pair of the two releases' columns (~7 us each): 2,000 x 2,000 in ~30 s
    max_column_pairs: int = 4_000_000

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"limit {item.name} must be a positive whole number, not {value!r}")


DEFAULT_LIMITS = Limits()
_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar("sharecheck_limits", default=DEFAULT_LIMITS)


def limits_from_mapping(values: Mapping[str, Any] | None, base: Limits | None = None) -> Limits:
    known = {item.name for item in fields(Limits)}
    changes = {}
    for key, value in (values or {}).items():
        key = str(key).replace("-", "_")
        if not key.startswith("max_"):
            key = f"max_{key}"
        if key not in known:
            raise UsageError(f"unknown limit {key!r}; known: {', '.join(sorted(known))}")
        try:
            changes[key] = int(value)
        except (TypeError, ValueError):
            raise UsageError(f"limit {key} must be a whole number, not {value!r}") from None
    return replace(base or DEFAULT_LIMITS, **changes)


def current_limits() -> Limits:
    return _CURRENT.get()


@contextlib.contextmanager
def reading_limits(limits: Limits | Mapping[str, Any] | None) -> Iterator[Limits]:
    """Readers called inside this block use these limits (defaults for what is not given)."""
    if not isinstance(limits, Limits):
        limits = limits_from_mapping(limits)
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def _too_big(path: Path, what: str, size: int, limit: int, name: str) -> InputError:
    return InputError(f"{path}: {what} of {size:,} bytes exceeds the limit of {limit:,} "
                      f"(raise it with --limit {name.removeprefix('max_')}=N if the file is trusted)")


def check_line_lengths(path: Path, limits: Limits | None = None) -> None:
    """Refuse a text file with a line longer than max_line_bytes, reading it in chunks (numpy finds
    the newlines, so a gigabyte takes about a second and constant memory)."""
    import numpy as np

    limit = (limits or current_limits()).max_line_bytes
    chunk_size = max(4 * MiB, min(limit, 64 * MiB))
    run = 0  # bytes since the last newline, carried across chunks
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            newlines = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
            if newlines.size == 0:
                run += len(chunk)
            else:
                longest = max(run + int(newlines[0]), int(np.diff(newlines).max()) - 1 if newlines.size > 1 else 0)
                if longest > limit:
                    raise _too_big(path, "a line", longest, limit, "max_line_bytes")
                run = len(chunk) - int(newlines[-1]) - 1
            if run > limit:
                raise _too_big(path, "a line", run, limit, "max_line_bytes")


def bracket_depth_bound(raw: bytes) -> int:
    """The nesting of JSON text: brackets outside strings, found with numpy (no parser, no
    recursion). For malformed text it is still a bound on what a parser would build."""
    return _depth_scan(raw, (0, False, 0))[0]


def _depth_scan(raw: bytes, state: tuple[int, bool, int]) -> tuple[int, tuple[int, bool, int]]:
    """Deepest nesting in one chunk and the state to carry into the next one:
    (depth at the end, inside a string at the end, backslashes ending the chunk)."""
    import numpy as np

    depth0, in_string0, trailing0 = state
    data = np.frombuffer(raw, dtype=np.uint8)
    if data.size == 0:
        return 0, state
    is_backslash = data == ord("\\")
    index = np.arange(data.size)
    # Length of the run of backslashes just before each position (carrying the previous chunk's).
    last_other = np.maximum.accumulate(np.where(~is_backslash, index, -1))
    before = np.empty(data.size, dtype=np.int64)
    before[0] = trailing0
    run = index[1:] - 1 - last_other[:-1]
    before[1:] = np.where(last_other[:-1] == -1, run + trailing0, run)
    quotes = (data == ord('"')) & (before % 2 == 0)  # a quote after an odd run is escaped
    toggles = np.cumsum(quotes) % 2 == 1
    inside = toggles ^ in_string0  # inside a string after this byte (quote bytes themselves do not matter)
    steps = np.zeros(data.size, dtype=np.int32)
    steps[((data == ord("[")) | (data == ord("{"))) & ~inside] = 1
    steps[((data == ord("]")) | (data == ord("}"))) & ~inside] = -1
    depth = np.cumsum(steps) + depth0
    trailing = int(data.size - 1 - last_other[-1]) if last_other[-1] >= 0 else trailing0 + int(data.size)
    return max(int(depth.max()), 0), (int(depth[-1]), bool(inside[-1]), trailing)


def bracket_depth_bound_of_file(path: Path, chunk_size: int = 16 * MiB) -> int:
    """bracket_depth_bound over a file read in chunks (constant memory)."""
    deepest, state = 0, (0, False, 0)
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            chunk_deepest, state = _depth_scan(chunk, state)
            deepest = max(deepest, chunk_deepest)
    return deepest


def depth_error(path: Path, depth: int, limits: Limits | None = None) -> InputError:
    limit = (limits or current_limits()).max_depth
    return InputError(f"{path}: JSON nested {depth:,} levels deep "
                      f"exceeds the limit of {limit} (raise it with --limit depth=N if the file is trusted)")


def check_workbook(path: Path, limits: Limits | None = None) -> None:
    """Refuse an .xlsx whose parts inflate past max_workbook_bytes, counting the inflated bytes
    as they stream (a forged size in the zip directory fails the CRC check instead)."""
    limit = (limits or current_limits()).max_workbook_bytes
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return  # an .xls, or not a workbook: the reader says which
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    with archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise _too_big(path, "a workbook inflating to", declared, limit, "max_workbook_bytes")
        total = 0
        try:
            for info in infos:
                with archive.open(info) as member:
                    while block := member.read(4 * MiB):
                        total += len(block)
                        if total > limit:
                            raise _too_big(path, "a workbook inflating to more than", limit, limit, "max_workbook_bytes")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error) as exc:
            raise InputError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None
        except RuntimeError:  # an encrypted member
            raise InputError(f"{path}: the workbook is encrypted") from None


def check_columns(path: Path, count: int, limits: Limits | None = None) -> None:
    limit = (limits or current_limits()).max_columns
    if count > limit:
        raise InputError(f"{path}: {count:,} columns exceed the limit of {limit:,} "
                         "(raise it with --limit columns=N if the file is trusted)")


def check_column_pairs(a: str, b: str, a_columns: int, b_columns: int, limits: Limits | None = None) -> None:
    """Before a join judges every pair of columns: two releases of 20,000 columns each would be
    400 million pairs, most of an hour, for what is no real pair of releases."""
    limit = (limits or current_limits()).max_column_pairs
    if a_columns * b_columns > limit:
        raise InputError(f"{a} x {b}: {a_columns:,} x {b_columns:,} columns make {a_columns * b_columns:,} column pairs "
                         f"to judge, over the limit of {limit:,} (raise it with --limit column_pairs=N)")
