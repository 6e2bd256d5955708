"""Markdown for a pull-request comment or a portal's review page.

Every string from the report is escaped (render.escape.markdown): a column called
`<script>` or `[x](https://…)` is shown as text, never run or linked.
"""
from __future__ import annotations

from .escape import clean_document, markdown


def render_markdown(document: dict) -> str:
    document = clean_document(document, markdown)
    verdict = document["verdict"].upper()
    counts = document["counts"]
    config = document.get("config") or "none"
    lines = [f"## sharecheck {document['kind']}: **{verdict}**", "",
             f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes "
             f"(policy {document['policy']}, fail on {document['fail_on']}, config {config}).", ""]
    for partner in document.get("partners", []):
        lines.append(f"- partner **{partner['release']}** (score {partner['score']:.2f}): "
                     + ", ".join(f"{c['new']} ~ {c['indexed']}" for c in partner["shared_columns"][:4]))
    for dataset in document.get("datasets", []):
        lines.append(f"### {dataset['name']} ({dataset.get('records', 0):,} records)")
        for line in dataset.get("summary", []):
            lines.append(f"- {line}")
        lines.append("")
    if document["findings"]:
        lines += ["| severity | code | dataset | columns | finding |", "|---|---|---|---|---|"]
        for finding in document["findings"]:
            lines.append(f"| {finding['severity']} | {finding['code']} | {finding['dataset']} | "
                         f"{', '.join(finding['columns'][:6])} | {finding['message']} |")
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
