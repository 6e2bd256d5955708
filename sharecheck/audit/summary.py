"""The audit's summary table as text, CSV, JSON, Markdown or HTML, and the per-release reports.

Every format carries the same rows (AuditReport.rows): release, rows, about what, verdict, top
findings, seconds; unreadable files with their reason; the pairs that were join-checked.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

SUMMARY_FORMATS = ("text", "csv", "json", "markdown", "html")
_EXTENSIONS = {"json": "json", "html": "html", "markdown": "md", "text": "txt", "sarif": "sarif",
               "junit": "xml", "record": "md", "record-html": "html"}


def _text(report, width: int = 100) -> str:
    rows = report.rows()
    metrics = report.metrics
    name_width = min(max([len(r["release"]) for r in rows] + [7]), 38)
    lines = [f"sharecheck audit: {report.verdict.upper()}  ({metrics['releases']} releases in {metrics['files']} files, "
             f"{metrics['failing']} failing, {metrics['unreadable']} unreadable; {metrics['pairs_checked']} pairs checked, "
             f"{metrics['pairs_failing']} failing; {metrics['seconds']:.1f} s on {metrics['workers']} workers)", ""]
    lines.append(f"{'release':{name_width}}  {'rows':>9}  {'about':24}  {'verdict':10}  {'s':>6}  top findings")
    for row in rows:
        name = row["release"] if len(row["release"]) <= name_width else row["release"][: name_width - 1] + "…"
        rows_text = f"{row['rows']:,}" if row["rows"] is not None else "–"
        detail = ", ".join(f.split(" (")[0] for f in row["top_findings"]) if row["status"] == "ok" else (row["reason"] or "")
        line = f"{name:{name_width}}  {rows_text:>9}  {row['about']:24}  {row['verdict']:10}  {row['seconds']:6.1f}  {detail}"
        lines.append(line if len(line) <= width + 40 else line[: width + 39] + "…")
    failing = [link for link in report.links if link["verdict"] == "fail"]
    if failing:
        lines += ["", "Pairs that identify people when joined:"]
        for link in failing:
            m = link["metrics"]
            lines.append(f"  {link['a']} x {link['b']}: {m.get('linked_exactly_one', 0):,} of {m.get('records_a', 0):,} records "
                         f"linked one to one on {', '.join(m.get('join_columns') or [])} ({', '.join(link['codes'])})")
    return "\n".join(lines) + "\n"


def _csv(report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["release", "path", "status", "rows", "about", "verdict", "errors", "warnings", "notes",
                     "top_findings", "reason", "seconds", "sha256"])
    for row in report.rows():
        counts = row["counts"] or {}
        writer.writerow([row["release"], row["path"], row["status"], row["rows"] if row["rows"] is not None else "",
                         row["about"], row["verdict"], counts.get("error", ""), counts.get("warning", ""), counts.get("info", ""),
                         "; ".join(row["top_findings"]), row["reason"] or "", row["seconds"], row["sha256"] or ""])
    return buffer.getvalue()


def _markdown(report) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    metrics = report.metrics
    lines = [f"## sharecheck audit: **{report.verdict.upper()}**", "",
             f"{metrics['releases']} releases in {metrics['files']} files: {metrics['failing']} failing, "
             f"{metrics['unreadable']} unreadable; {metrics['pairs_checked']} pairs checked, {metrics['pairs_failing']} failing "
             f"(policy `{report.policy}`, fail on `{report.fail_on}`, {metrics['seconds']:.1f} s).", "",
             "| release | rows | about | verdict | top findings | seconds |", "|---|---:|---|---|---|---:|"]
    for row in report.rows():
        detail = "; ".join(row["top_findings"]) if row["status"] == "ok" else row["reason"]
        rows_text = f"{row['rows']:,}" if row["rows"] is not None else ""
        lines.append(f"| {cell(row['release'])} | {rows_text} | {row['about']} | {row['verdict']} | {cell(detail)} | {row['seconds']:.1f} |")
    if report.links:
        lines += ["", "| release | joined with | linked one to one | share | verdict |", "|---|---|---:|---:|---|"]
        for link in report.links:
            m = link["metrics"]
            lines.append(f"| {cell(link['a'])} | {cell(link['b'])} | {m.get('linked_exactly_one', 0):,} | "
                         f"{100 * (m.get('linked_unique_share') or 0):.1f}% | {link['verdict']} |")
    return "\n".join(lines) + "\n"


def render_audit(report, fmt: str) -> str:
    if fmt == "csv":
        return _csv(report)
    if fmt == "json":
        from ..render.json import render_json

        return render_json(report.to_dict())
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "html":
        from ..render.html import render_html

        return render_html(report.to_dict(), show_values=report.show_values)
    return _text(report)


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "release"


def write_release_reports(report, out_dir: str | Path, fmt: str) -> list[Path]:
    """Each release's own scan report in `out_dir`, named after the release."""
    from ..render import render

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for outcome in report.outcomes:
        if outcome.report is None:
            continue
        stem = _file_name(outcome.name)
        while stem in used:
            stem += "_"
        used.add(stem)
        path = out / f"{stem}.{_EXTENSIONS.get(fmt, 'txt')}"
        path.write_text(render(report.release_report(outcome), fmt), encoding="utf-8")
        written.append(path)
    return written
