"""Errors a user can act on. The CLI turns each into one line on stderr and exit code 2.

The public API (the callables `import sharecheck` exports) raises only this family:

    SharecheckError          base class; `str(error)` is one line, free of cell values
    ├── InputError           the release cannot be read as a table (missing, empty, binary,
    │                        malformed, over a limit, a data-package path outside its folder)
    ├── UsageError           options, arguments or configuration that do not make sense
    ├── RuleError            a rules file naming an unknown detector or parameter
    └── InternalError        anything else (a bug, a panic inside polars): the original
                             exception is kept as `__cause__` for a traceback
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar


class SharecheckError(Exception):
    """Base class: the message is written for the person who ran the command."""


class InputError(SharecheckError):
    """The release cannot be read as a table (missing, empty, binary, malformed ...)."""


class UsageError(SharecheckError):
    """Options or configuration that do not make sense together."""


class RuleError(SharecheckError):
    """A rules file that names an unknown detector or parameter, or is malformed."""


class InternalError(SharecheckError):
    """Something sharecheck did not expect; the cause is chained for the traceback."""


F = TypeVar("F", bound=Callable)


def api_boundary(function: F) -> F:
    """Wrap a public callable so that only the SharecheckError family leaves it.

    A wrong argument type (a number where a path goes, a string where a mapping goes) surfaces
    deep inside as TypeError or AttributeError; a caller should not have to catch those, nor
    sqlite3 or polars errors, nor a Rust panic (a BaseException)."""

    @functools.wraps(function)
    def guarded(*args, **kwargs):
        from .redact import exception_message

        try:
            return function(*args, **kwargs)
        except (SharecheckError, KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
            raise
        except (TypeError, AttributeError) as exc:
            raise UsageError(f"{function.__name__}: invalid argument ({type(exc).__name__}: {exception_message(exc)})") from exc
        except BaseException as exc:  # a Rust panic is a BaseException
            raise InternalError(f"{function.__name__}: {type(exc).__name__}: {exception_message(exc)}") from exc

    return guarded  # type: ignore[return-value]
