"""How a command runs: logging, every error as one line on stderr, and the exit code."""
from __future__ import annotations

import logging
import sys

import click

EXIT_PASS, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.INFO if verbose or sys.stderr.isatty() else logging.WARNING)
    logging.basicConfig(level=level, format="sharecheck: %(message)s", stream=sys.stderr, force=True)


def _quiet_libraries(verbose: bool) -> None:
    """presidio, spaCy and friends log hundreds of lines at INFO/WARNING; only -v shows them."""
    if not verbose:
        for name in ("presidio-analyzer", "presidio_analyzer", "presidio", "spacy", "stanza", "transformers", "datasketch"):
            logging.getLogger(name).setLevel(logging.ERROR)


def _run(action, debug: bool, config: str | None = None, limits=None) -> int:
    from .._stderr import native_stderr_filtered
    from ..errors import SharecheckError
    from ..redact import exception_message

    try:
        with native_stderr_filtered(enabled=not debug):
            if limits is None:
                return action()
            from ..config import resolve_options
            from ..limits import reading_limits

            with reading_limits(resolve_options(config, limits=limits).reading_limits()):
                return action()
    except SharecheckError as exc:
        click.echo(f"sharecheck: error: {_one_line(str(exc))}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("sharecheck: interrupted", err=True)
        return EXIT_ERROR
    except MemoryError:
        click.echo("sharecheck: error: out of memory; try a smaller file or fewer columns", err=True)
        return EXIT_ERROR
    except SystemExit:
        raise
    except BaseException as exc:  # a bug, or a Rust panic (a BaseException), ends in one line and exit 2
        if debug:
            raise
        # Library messages quote the cell that failed: masked, like every value in a report.
        click.echo(f"sharecheck: internal error: {type(exc).__name__}: {exception_message(exc)} "
                   "(rerun with --debug for the traceback)", err=True)
        return EXIT_ERROR


def _one_line(text: str) -> str:
    # Our messages are one line; a path or column name holding a newline or ESC must not break it.
    return "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split("\n")))[:2000]


class _OneLineGroup(click.Group):
    """Usage errors in one line ('sharecheck: error: ...'), exit 2, instead of click's four."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            value = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "sharecheck"
            click.echo(f"sharecheck: error: {_one_line(exc.format_message())} (see {command} --help)", err=True)
            sys.exit(EXIT_ERROR)
        except click.exceptions.Abort:
            click.echo("sharecheck: interrupted", err=True)
            sys.exit(EXIT_ERROR)
        except click.exceptions.ClickException as exc:
            click.echo(f"sharecheck: error: {_one_line(exc.format_message())}", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(value if isinstance(value, int) else 0)
