"""Progress on long runs: a rich bar (or spinner) on stderr, only on a terminal and never with -q.

Two shapes:

* ``stages()``: counted stages (the audit: files scanned, pairs joined) with a bar each;
* ``activity()``: one spinner for a run whose length is unknown (scan, join, catalogue), whose
  text follows the library's own INFO log lines ("privacy models over 5 quasi-identifiers",
  "indexed payroll"), so the library needs no progress hooks. While it spins, those lines go to
  the spinner instead of scrolling past; warnings still print.

stdout is never touched: a report piped or printed after the run is not mixed with progress.
"""
from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

_LOGGER = "sharecheck"


def enabled(quiet: bool, stream=None) -> bool:
    stream = stream or sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


def _progress(transient: bool = True):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[item]}", style="dim"),
                    console=Console(stderr=True), transient=transient)


class _ToSpinner(logging.Handler):
    """Feeds INFO lines of the sharecheck logger to the spinner's text."""

    def __init__(self, update: Callable[[str], None]):
        super().__init__(logging.INFO)
        self.update = update

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            try:
                self.update(record.getMessage()[:90])
            except Exception:  # noqa: BLE001 - progress must never break a run
                pass


@contextmanager
def _quiet_info_lines(verbose: bool) -> Iterator[None]:
    """While the bar is up, INFO lines feed it instead of printing (unless -v asks for them)."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    levels = [h.level for h in handlers]
    if not verbose:
        for handler in handlers:
            handler.setLevel(max(handler.level, logging.WARNING))
    try:
        yield
    finally:
        for handler, level in zip(handlers, levels):
            handler.setLevel(level)


@contextmanager
def activity(label: str, *, quiet: bool = False, verbose: bool = False, stream=None) -> Iterator[None]:
    """A spinner with elapsed time and the latest step, for a run of unknown length."""
    if not enabled(quiet, stream):
        yield
        return
    logger = logging.getLogger(_LOGGER)
    with _progress() as bar, _quiet_info_lines(verbose):
        task = bar.add_task(label, total=None, item="")
        handler = _ToSpinner(lambda text: bar.update(task, item=text))
        old_level = logger.level
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)


@contextmanager
def stages(*, quiet: bool = False, verbose: bool = False, stream=None):
    """Yields ``stage(name, total) -> advance(item)``; a no-op off a terminal or with -q."""
    if not enabled(quiet, stream):
        yield lambda name, total: (lambda item="": None)
        return
    with _progress() as bar, _quiet_info_lines(verbose):
        def stage(name: str, total: int) -> Callable[[str], None]:
            task = bar.add_task(name, total=total, item="")

            def advance(item: str = "") -> None:
                bar.update(task, advance=1, item=item[:60])

            return advance

        yield stage
