"""Keep what native code writes to stderr off the user's screen when it is a Rust panic.

A panic inside polars or fastexcel reaches Python as an exception (the CLI turns it into one
line), but Rust's panic hook first writes its own lines, and a backtrace when RUST_BACKTRACE
is set, straight to file descriptor 2. While a command runs, fd 2 points at a private temporary
file; Python's own stderr keeps the real terminal, so progress and errors still stream. Anything
native code wrote that is not a panic report is passed on afterwards.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
from typing import Iterator

_PANIC = re.compile(r"^thread '.*' (\(\d+\) )?panicked at ")


def drop_panic_reports(text: str) -> str:
    kept, in_panic = [], False
    for line in text.splitlines(keepends=True):
        if _PANIC.match(line):
            in_panic = True
            continue
        if in_panic:
            if line.startswith("note: "):
                in_panic = False
            continue
        kept.append(line)
    return "".join(kept)


@contextlib.contextmanager
def native_stderr_filtered(enabled: bool = True) -> Iterator[None]:
    if not enabled:
        yield
        return
    try:
        sys.__stderr__.flush()
        real = os.dup(2)
    except (AttributeError, OSError, ValueError):
        yield
        return
    os.environ["RUST_BACKTRACE"] = "0"  # read by Rust at the first panic: keep the capture short
    capture = tempfile.TemporaryFile()
    swapped = sys.stderr is sys.__stderr__
    old_stderr = sys.stderr
    if swapped:
        sys.stderr = io.TextIOWrapper(os.fdopen(os.dup(real), "wb", buffering=0), encoding=old_stderr.encoding,
                                      errors="backslashreplace", line_buffering=True)
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is old_stderr:
                handler.setStream(sys.stderr)
    os.dup2(capture.fileno(), 2)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os.dup2(real, 2)
        os.close(real)
        if swapped:
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr:
                    handler.setStream(old_stderr)
            with contextlib.suppress(Exception):
                sys.stderr.close()
            sys.stderr = old_stderr
        capture.seek(0)
        rest = drop_panic_reports(capture.read(1 << 20).decode("utf-8", "replace"))
        capture.close()
        if rest.strip():
            sys.stderr.write(rest)
            sys.stderr.flush()
