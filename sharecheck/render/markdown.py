"""Markdown for a pull-request comment or a portal's review page."""
from __future__ import annotations


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(document: dict) -> str:
    verdict = document["verdict"].upper()
    counts = document["counts"]
    lines = [f"## sharecheck {document['kind']}: **{verdict}**", "",
             f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes "
             f"(policy `{document['policy']}`, fail on `{document['fail_on']}`).", ""]
    for partner in document.get("partners", []):
        lines.append(f"- partner `{partner['release']}` (score {partner['score']:.2f}): "
                     + ", ".join(f"`{c['new']}`~`{c['indexed']}`" for c in partner["shared_columns"][:4]))
    for dataset in document.get("datasets", []):
        lines.append(f"### {dataset['name']} ({dataset.get('records', 0):,} records)")
        for line in dataset.get("summary", []):
            lines.append(f"- {line}")
        lines.append("")
    if document["findings"]:
        lines += ["| severity | code | dataset | columns | finding |", "|---|---|---|---|---|"]
        for finding in document["findings"]:
            lines.append(f"| {finding['severity']} | {finding['code']} | {_cell(finding['dataset'])} | "
                         f"{_cell(', '.join(finding['columns'][:6]))} | {_cell(finding['message'])} |")
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
