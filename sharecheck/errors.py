"""Errors a user can act on. The CLI turns each into one line on stderr and exit code 2."""
from __future__ import annotations


class SharecheckError(Exception):
    """Base class: the message is written for the person who ran the command."""


class InputError(SharecheckError):
    """The release cannot be read as a table (missing, empty, binary, malformed ...)."""


class UsageError(SharecheckError):
    """Options or configuration that do not make sense together."""


class RuleError(SharecheckError):
    """A rules file that names an unknown detector or parameter, or is malformed."""
