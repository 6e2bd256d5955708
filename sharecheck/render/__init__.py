"""Renderers: a report's dict (Report.to_dict(), JoinReport.to_dict()) in, text out.

They read the same dict the JSON schema validates, so every format says the same thing.
"""
from __future__ import annotations

from typing import Any

FORMATS = ("text", "json", "sarif", "markdown", "junit", "html", "record", "record-html")


def render(report, fmt: str, *, color: bool = False, width: int = 80, verbose: bool = False,
           config_file: str | None = None) -> str:
    document: dict[str, Any] = report.to_dict()
    if document.get("config") is None:
        document["config"] = config_file  # every report names the config file it used
    if fmt == "json":
        from .json import render_json

        return render_json(document)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(document)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(document)
    if fmt == "html":
        from .html import render_html

        return render_html(document, show_values=bool(getattr(report, "show_values", False)))
    if fmt in ("record", "record-html"):
        from .record import render_record

        return render_record(report, document, html=fmt == "record-html")
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(document)
    from .text import render_text

    return render_text(document, color=color, width=width, verbose=verbose)
