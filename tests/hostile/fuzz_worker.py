"""Run `sharecheck scan FILE --format json` on many files in one process (the import of polars
is paid once), printing one JSON line per file: exit code, stderr lines, any escaped exception.

Used by test_fuzz.py in a subprocess under a memory limit and a timeout: a hang or a crash
of the whole worker is itself a finding.
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback


def main(paths: list[str]) -> None:
    from sharecheck.cli import cli

    for path in paths:
        out, err = io.StringIO(), io.StringIO()
        escaped = None
        code = None
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                cli.main(["scan", path, "--format", "json", "-q"], prog_name="sharecheck")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        except BaseException:  # noqa: BLE001 - anything escaping main is what the fuzz looks for
            escaped = traceback.format_exc(limit=3)
        print(json.dumps({"path": path, "code": code, "stderr": err.getvalue(), "stdout_head": out.getvalue()[:1],
                          "escaped": escaped}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
