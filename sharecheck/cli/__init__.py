"""The command line: parse, call the library, render, exit. Nothing else lives here.

Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage, input or internal error.
Every error, a click usage error or a Rust panic inside polars included, is one line on stderr.

`commands` defines the commands; `options` the options they share and how they become library
settings; `output` writes a report; `running` turns every error into one line and an exit code;
`process` tunes a process the command line owns.
"""
from __future__ import annotations

from .commands import cli
from .process import _tune_process

__all__ = ["cli", "main"]


def main() -> None:
    _tune_process()
    cli(prog_name="sharecheck")
