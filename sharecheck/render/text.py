"""Text for people: verdict first, then what singles people out, then each finding with its fix.

Readable at 80 columns; colour only on a terminal (rich decides the codes, we decide the words).
"""
from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .escape import clean_document, plain

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_ROLE_ORDER = {"direct_identifier": 0, "pseudonym": 1, "quasi_identifier": 2, "sensitive": 3, "other": 4}
_ROLE_LABEL = {"direct_identifier": "direct id", "pseudonym": "pseudonym", "quasi_identifier": "quasi-id",
               "sensitive": "sensitive", "other": "other"}


def render_text(document: dict, *, color: bool = False, width: int = 80, verbose: bool = False) -> str:
    # Names come from the release: no markup, emoji codes, control characters or formulas.
    document = clean_document(document, plain)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None,
                      no_color=not color, highlight=False, soft_wrap=False, markup=False, emoji=False)
    verdict = document["verdict"]
    counts = document["counts"]
    head = Text()
    head.append(f"sharecheck {document['tool']['version']} · {document['kind']} · policy {document['policy']}\n")
    head.append("FAIL" if verdict == "fail" else "PASS", style="bold red" if verdict == "fail" else "bold green")
    head.append(f"  {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes"
                f" (fails on {document['fail_on']})")
    head.append(f"\nconfig: {document.get('config') or 'none (defaults and command line)'}")
    console.print(head)
    if document["kind"] == "join":
        _join_overview(console, document)
    if document["kind"] == "catalogue":
        _catalogue_overview(console, document)
    else:
        for dataset in document.get("datasets", []):
            _dataset_section(console, dataset, verbose, show_columns=document["kind"] == "scan")
    findings = document["findings"]
    if findings:
        console.print()
        console.print(Text("Findings", style="bold"))
    for finding in findings:
        line = Text()
        line.append(f"{finding['severity'].upper():7}", style=_STYLE[finding["severity"]])
        line.append(f" {finding['code']} {finding['name']}", style="bold")
        if len(document.get("datasets", [])) > 1:
            line.append(f"  [{finding['dataset']}]")
        console.print(line)
        console.print(Padding(Text(finding["message"]), (0, 0, 0, 2), expand=False), overflow="fold")
        examples = (finding.get("evidence") or {}).get("examples")
        if examples:
            console.print(Padding(Text("e.g. " + "  ".join(f"'{example}'" for example in examples), style="dim"), (0, 0, 0, 2), expand=False))
        if finding.get("fix"):
            console.print(Padding(Text(f"fix: {finding['fix']}", style="dim"), (0, 0, 0, 2), expand=False))
    suppressed = document.get("suppressed") or []
    if suppressed:
        console.print()
        console.print(Text(f"{len(suppressed)} accepted findings not counted (waived or in the baseline): "
                           + ", ".join(sorted({item['code'] for item in suppressed})), style="dim"))
    if not findings:
        console.print()
        console.print("No findings: nothing in this release stands out under the policy.")
    # rich pads wrapped lines to the full width; trailing blanks only bloat files and diffs.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _join_overview(console: Console, document: dict) -> None:
    metrics = document.get("metrics") or {}
    if not metrics:
        return
    console.print()
    keys = ("records_a", "records_b", "join_columns", "linked_exactly_one", "linked_unique_share",
            "expected_reidentifications", "k_a", "k_b", "k_combined")
    for key in keys:
        if key in metrics:
            value = metrics[key]
            if isinstance(value, float):
                value = f"{value:.4g}"
            elif isinstance(value, list):
                value = ", ".join(map(str, value))
            console.print(f"  {key.replace('_', ' ')}: {value}")


def _catalogue_overview(console: Console, document: dict) -> None:
    metrics = document["metrics"]
    console.print()
    console.print(f"  {metrics['indexed_releases']} releases indexed; {metrics['candidate_partners']} share joinable "
                  f"values with {document['datasets'][0]['name']}; {metrics['partners_checked']} checked, "
                  f"{metrics['identifying_partners']} identify people")
    checked = {entry["release"]: entry for entry in document.get("checked", [])}
    if not document.get("partners"):
        return
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold", padding=(0, 1))
    table.add_column("partner", overflow="fold", max_width=28)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("shared columns", overflow="fold", max_width=30)
    table.add_column("verdict", no_wrap=True)
    for partner in document["partners"]:
        shared = ", ".join(f"{c['new']}~{c['indexed']}" for c in partner["shared_columns"][:4])
        verdict = checked.get(partner["release"], {}).get("verdict", "not checked")
        table.add_row(partner["release"], f"{partner['score']:.2f}", shared, verdict)
    console.print(table)


def _dataset_section(console: Console, dataset: dict, verbose: bool, show_columns: bool) -> None:
    console.print()
    kind = " aggregate table," if dataset.get("kind") == "aggregate" else ""
    notes = f"; {', '.join(dataset['notes'])}" if dataset.get("notes") else ""
    console.print(Text(f"{dataset['name']} ({dataset.get('format', '')},{kind} {dataset.get('records', 0):,} records, "
                       f"{len(dataset.get('columns', []))} columns{notes})", style="bold"))
    subject = dataset.get("subject") or {}
    if subject:
        why = "; ".join(subject.get("evidence", [])[:2])
        console.print(Padding(Text(f"About: {subject.get('label', subject['about'])}" + (f" ({why})" if why else "")),
                              (0, 0, 0, 2), expand=False), overflow="fold")
    for line in dataset.get("summary", []):
        console.print(Padding(Text(f"• {line}"), (0, 0, 0, 2), expand=False), overflow="fold")
    metrics = dataset.get("metrics") or {}
    if metrics.get("k_anonymity") is not None and metrics.get("quasi_identifiers"):
        console.print(f"  k = {metrics['k_anonymity']} over {len(metrics.get('quasi_identifiers', []))} "
                      f"quasi-identifiers; {metrics.get('sample_uniques', 0):,} unique records")
    if not show_columns:
        return
    columns = dataset.get("columns", [])
    shown = columns if verbose else [c for c in columns if c["role"] != "other"]
    if not shown:
        return
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold", padding=(0, 1))
    table.add_column("column", overflow="fold", max_width=30)
    table.add_column("role", no_wrap=True)
    table.add_column("type", overflow="fold", max_width=16)
    table.add_column("distinct", justify="right", no_wrap=True)
    for column in sorted(shown, key=lambda c: (_ROLE_ORDER.get(c["role"], 9), c["name"])):
        profile = column.get("profile") or {}
        table.add_row(column["name"], _ROLE_LABEL.get(column["role"], column["role"]), column["semantic_type"],
                      f"{profile.get('distinct', 0):,}")
    console.print(table)
    hidden = [c for c in columns if c not in shown]
    if hidden and subject.get("involves_people", dataset.get("about_people", False)):
        # what was left out of every model, and why, so a reader can disagree with it
        console.print(Text("  Left out (role other):", style="dim"))
        for column in hidden:
            reason = (column.get("evidence") or ["no evidence"])[0]
            console.print(Padding(Text(f"{column['name']}: {reason}", style="dim"), (0, 0, 0, 4), expand=False), overflow="fold")
    elif hidden:
        console.print(Text(f"  ({len(hidden)} other columns; --verbose lists them)", style="dim"))
