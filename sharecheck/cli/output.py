"""Writing a report: to the terminal or a file, never over an input."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .running import EXIT_FINDINGS, EXIT_PASS


def _check_output(output: str | None, inputs) -> None:
    """-o must never name an input (a release, a file inside a given folder, the index)."""
    if not output:
        return
    from ..errors import UsageError

    target = Path(output).resolve()
    for item in inputs:
        if item is None:
            continue
        source = Path(item).resolve()
        if target == source or source in target.parents:
            raise UsageError(f"-o {output}: would overwrite an input; choose another file")
        try:
            if target.exists() and os.path.samefile(target, source):
                raise UsageError(f"-o {output}: would overwrite an input; choose another file")
        except OSError:
            pass


def _emit(report, fmt: str, output: str | None, verbose: bool, config: str | None = None) -> int:
    from ..config import config_source
    from ..render import render

    to_terminal = output is None and sys.stdout.isatty()
    width = min(max(os.get_terminal_size().columns if to_terminal else 80, 60), 120) if to_terminal else 80
    text = render(report, fmt, color=to_terminal and fmt == "text" and "NO_COLOR" not in os.environ,
                  width=width, verbose=verbose, config_file=config_source(config))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_FINDINGS if report.verdict == "fail" else EXIT_PASS
