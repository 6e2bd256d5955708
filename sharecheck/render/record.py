"""The release assessment record: the evidence a privacy impact assessment files for a release.

Laid out after ISO/IEC TS 27570's data-sharing-chain guidance (what is shared, with whom, which
other releases it meets) and the UK ICO's motivated-intruder test (who the intruder is, what
they know, what they could do with the release): what was checked and why each column got its
role, the intruder model assumed, the results against the policy, the waivers with reasons and
expiry, the residual risk in words, and who ran which sharecheck when. Counts, column names and
fingerprints only: no value of the data.

One model (sections of paragraphs and tables) renders as Markdown (`--format record`) or as a
self-contained page (`--format record-html`).
"""
from __future__ import annotations

import getpass
import hashlib
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__

_MODEL_NAMES = {
    "k_anonymity": "k-anonymity (smallest group of records sharing their quasi-identifiers)",
    "sample_uniqueness": "sample uniqueness (share of records unique on the quasi-identifiers)",
    "records_at_risk": "records at risk (share of records whose prosecutor risk exceeds the threshold)",
    "highest_risk": "highest prosecutor risk (1 / smallest group)",
    "average_risk": "average prosecutor risk",
    "distinct_l_diversity": "distinct l-diversity", "entropy_l_diversity": "entropy l-diversity",
    "recursive_cl_diversity": "recursive (c, l)-diversity", "t_closeness": "t-closeness",
    "delta_disclosure": "δ-disclosure privacy", "basic_beta_likeness": "basic β-likeness",
    "alpha_k_anonymity": "(α, k)-anonymity", "population_uniqueness": "population uniqueness (Dankar)",
    "person_k_anonymity": "person-level k-anonymity", "inference_lift": "attribute inference lift",
}
_BASIS = {
    "none": "no population figures were given, so the intruder is assumed to know the person is in the release "
            "(prosecutor scenario, the most cautious); journalist and marketer risk equal the prosecutor risk",
    "population_table": "the population's class sizes came from a population table over the same quasi-identifiers "
                        "(journalist and marketer scenarios)",
    "sampling_fraction": "journalist and marketer risk were estimated from the sampling fraction (Benedetti-Franconi)",
}


@dataclass
class Section:
    """A heading and its blocks in order: ("p", text), ("li", text) or ("table", headers, rows)."""

    title: str
    blocks: list[tuple] = field(default_factory=list)

    def paragraph(self, text: str) -> None:
        self.blocks.append(("p", text))

    def item(self, text: str) -> None:
        self.blocks.append(("li", text))

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", headers, rows))


def _user() -> str:
    for variable in ("SHARECHECK_USER", "USER", "LOGNAME", "USERNAME"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database in some containers
        return "unknown"


def _sha256(location: str) -> str:
    path = Path(location)
    if not path.is_file():
        return "(not a file: " + ("a data package" if path.is_dir() else "a frame in memory") + ")"
    from .._files import file_sha256

    return file_sha256(path)


def rules_version() -> str:
    """A fingerprint of the rule data in use (rules/*.yaml): two records with the same one ran the same rules."""
    from .._resources import rules_dir

    digest = hashlib.sha256()
    root = Path(rules_dir())
    for path in sorted(root.rglob("*.yaml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _scope(document: dict) -> Section:
    section = Section("1. What was checked")
    datasets = document.get("datasets") or []
    rows = []
    for d in datasets:
        rows.append([d["name"], d.get("location", ""), _sha256(d.get("location", "")), d.get("format", ""),
                     _number(d.get("records")), str(len(d.get("columns") or [])),
                     d.get("kind", "records"), _number(d.get("about_people"))])
    section.table(["release", "location", "sha256", "format", "rows", "columns", "kind", "about people"], rows)
    for d in datasets:
        columns = d.get("columns") or []
        if not columns:
            continue
        section.paragraph(f"Columns of {d['name']} and why each got its role:")
        section.table(["column", "role", "semantic type", "decided by", "confidence", "why"], [
            [c["name"], c["role"].replace("_", " "), c.get("semantic_type", ""), c.get("source", "detected"),
             _number(c.get("confidence")), "; ".join((c.get("evidence") or [])[:3]) or "–"] for c in columns])
    return section


def _intruder(document: dict) -> Section:
    section = Section("2. Intruder model assumed")
    section.paragraph(
        "Motivated intruder (UK ICO): a competent person with no specialist skills or insider knowledge, "
        "who wants to identify someone in the release and can use what is public: other open releases, "
        "registers, the web and social media, and what they know of neighbours or colleagues.")
    for d in document.get("datasets") or []:
        assessment = d.get("assessment") or {}
        if not assessment:
            if d.get("kind") == "aggregate":
                section.item(f"{d['name']}: a table of counts; the intruder reads small cells (the small-cell rule), "
                                     "no record-level model applies.")
            continue
        qis = ", ".join(assessment.get("qis") or []) or "none"
        section.item(f"{d['name']}: auxiliary data assumed: the intruder knows a person's {qis} "
                             "(the quasi-identifiers: values found in other releases or known about people).")
        risk = assessment.get("risk") or {}
        section.item(f"{d['name']}: {_BASIS.get(risk.get('basis'), 'risk basis not stated')}.")
        nulls = "a missing value is a value of its own" if assessment.get("null_mode") == "value" else \
            "a missing value matches any value (wildcard)"
        msu = assessment.get("msu") or {}
        section.item(f"{d['name']}: {nulls}; column sets of up to {msu.get('max_size', '–')} quasi-identifiers "
                             "were searched for minimal sample uniques.")
        if assessment.get("sensitive"):
            section.item(f"{d['name']}: sensitive attributes the intruder would learn: {', '.join(assessment['sensitive'])}.")
    kind = document.get("kind")
    if kind == "scan":
        section.item("Published releases checked for linkage: none in this run (a scan checks the release alone; "
                             "`sharecheck join` or `sharecheck catalogue check` checks it against published releases).")
    elif kind == "join":
        names = [d["name"] for d in document.get("datasets") or []]
        section.item(f"Published releases checked for linkage: {', '.join(names)}, each pair joined on every "
                             "column the join check found shared (exact values, name forms, time windows, distances).")
    elif kind == "catalogue":
        checked = [c["release"] for c in document.get("checked") or []]
        section.item(f"Published releases checked for linkage: {document['metrics'].get('indexed_releases', 0)} "
                             f"indexed releases screened by shared values; joined in full: {', '.join(checked) or 'none'}.")
    return section


def _results(document: dict) -> Section:
    section = Section("3. Results against the policy")
    section.paragraph(f"Policy `{document.get('policy')}`; the run fails on findings of severity "
                              f"`{document.get('fail_on')}` or above. Verdict: **{document['verdict'].upper()}** "
                              f"({document['counts']['error']} errors, {document['counts']['warning']} warnings, "
                              f"{document['counts']['info']} notes).")
    for d in document.get("datasets") or []:
        assessment = d.get("assessment") or {}
        if assessment.get("checks"):
            section.paragraph(f"Privacy models of {d['name']} against the policy's thresholds:")
            section.table(["model", "attribute", "value", "must be", "result"], [
                [_MODEL_NAMES.get(c["name"], c["name"]), c.get("attribute") or "", _number(c.get("value")),
                 f"{c['comparison']} {_number(c['threshold'])}", "pass" if c["passed"] else "FAIL"]
                for c in assessment["checks"]])
    for pair in document.get("pairs") or []:
        m = pair["metrics"]
        section.item(f"{pair['a']} joined with {pair['b']} on {', '.join(m.get('join_columns') or []) or 'nothing'}: "
                             f"{_number(m.get('linked_exactly_one'))} of {_number(m.get('records_a'))} records linked to exactly "
                             f"one record; k alone {_number(m.get('k_a'))} and {_number(m.get('k_b'))}, joined {_number(m.get('k_combined'))}.")
    for checked in document.get("checked") or []:
        m = checked["metrics"]
        section.item(f"Against {checked['release']}: {checked['verdict']}; {_number(m.get('linked_exactly_one'))} records "
                             f"linked one to one on {', '.join(m.get('join_columns') or []) or 'nothing'}.")
    findings = document.get("findings") or []
    section.paragraph("Rules that reported a finding:" if findings else "No rule reported a finding.")
    if findings:
        section.table(["severity", "code", "release", "columns", "finding"], [
            [f["severity"], f"{f['code']} {f.get('name', '')}".strip(), f["dataset"], ", ".join(f["columns"][:6]), f["message"]]
            for f in findings])
    section.paragraph("Every rule that ran, whether or not it found anything:")
    section.table(["code", "rule", "checks"], _rules_run(document))
    return section


def _rules_run(document: dict) -> list[list[str]]:
    from ..rules import default_rules

    scope = "scan" if document.get("kind") == "scan" else "join"
    rows = []
    for rule in default_rules().values():
        if rule.status == "deprecated" or (rule.scope != scope and document.get("kind") != "catalogue"):
            continue
        rows.append([rule.code, rule.name, rule.summary])
    return rows


def _waivers(document: dict) -> Section:
    section = Section("4. Waivers and accepted findings")
    accepted = document.get("suppressed") or []
    if not accepted:
        section.paragraph("No finding was waived or accepted from a baseline.")
        return section
    section.table(["code", "release", "columns", "reason", "expires", "fingerprint"], [
        [s["code"], s.get("dataset", ""), ", ".join(s.get("columns") or []), s["reason"], s.get("expires") or "no expiry",
         s["fingerprint"]] for s in accepted])
    return section


def _residual(document: dict) -> Section:
    section = Section("5. Residual risk")
    for d in document.get("datasets") or []:
        m = d.get("metrics") or {}
        if d.get("kind") == "aggregate":
            section.item(f"{d['name']}: a table of counts; small cells are listed in the findings above.")
            continue
        if m.get("k_anonymity") is None:
            continue
        if not m.get("quasi_identifiers"):
            # k over no column is the row count: a bound on nothing an intruder could know
            why = "" if d.get("about_people", True) else " (no column describes a person: the rows are about things)"
            section.item(f"{d['name']}: no column is a quasi-identifier{why}, so no group sizes were measured.")
            continue
        k, k_min = m["k_anonymity"], m.get("k_min")
        below = m.get("records_below_k") or 0
        rows = d.get("records") or 0
        share = f"{below / rows:.1%}" if rows else "–"
        if k_min is not None and k >= k_min:
            text = (f"{d['name']}: every record shares its quasi-identifiers with at least {k - 1} others (k = {k}, policy {k_min}); "
                    f"an intruder who knows them and that the person is in the release is right at most once in {k}.")
        else:
            text = (f"{d['name']}: {below:,} of {rows:,} records ({share}) sit in groups smaller than the policy's k of {k_min}; "
                    f"{m.get('sample_uniques', 0):,} are unique, so an intruder who knows their quasi-identifiers finds them for certain.")
        if not d.get("about_people", True):
            text += " No column describes a person, so this concerns things, not people."
        section.item(text)
        direct = m.get("direct_identifiers") or []
        if direct:
            section.item(f"{d['name']}: names or contacts people directly through {', '.join(direct)}.")
    for pair in document.get("pairs") or []:
        m = pair["metrics"]
        if m.get("linked_exactly_one"):
            section.item(f"Joined with {pair['b']}, {m['linked_exactly_one']:,} records of {pair['a']} "
                                 f"({100 * (m.get('linked_unique_share') or 0):.1f}%) are linked to exactly one record.")
    verdict = document["verdict"]
    section.paragraph(
        "The release meets the policy for the risks measured here." if verdict == "pass" else
        "The release does not meet the policy: the findings above must be fixed (drop, coarsen or suppress the columns "
        "named) or waived with a reason before it is published.")
    section.paragraph(
        "Not covered: auxiliary data other than the columns named as quasi-identifiers, releases not checked for "
        "linkage, what a free-text or image column says beyond the patterns recognised, and future releases. "
        "Re-run this check when the release or the published releases around it change.")
    return section


def _provenance(document: dict, now: datetime, user: str, host: str | None) -> Section:
    section = Section("6. Who ran it, when, with what")
    rows = [["run by", user], ["at (UTC)", now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")],
            ["sharecheck", document.get("tool", {}).get("version", __version__)], ["rules version", rules_version()],
            ["report schema", document.get("schema_version", "")], ["report kind", document.get("kind", "")]]
    if host:
        rows.insert(2, ["host", host])
    section.table(["", ""], rows)
    return section


def record_sections(document: dict, *, now: datetime | None = None, user: str | None = None,
                    host: str | None | bool = True) -> list[Section]:
    now = now or datetime.now(timezone.utc)
    if host is True:
        host = socket.gethostname()
    return [_scope(document), _intruder(document), _results(document), _waivers(document), _residual(document),
            _provenance(document, now, user or _user(), host or None)]


def _title(document: dict) -> str:
    names = [d["name"] for d in document.get("datasets") or []][:4]
    return f"Release assessment record: {', '.join(names) or document.get('kind', '')}"


def _markdown(document: dict, sections: list[Section]) -> str:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"# {_title(document)}", ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        previous = None
        for block in section.blocks:
            if previous == "li" and block[0] != "li":
                lines.append("")
            if block[0] == "p":
                lines += [block[1], ""]
            elif block[0] == "li":
                lines.append(f"- {block[1]}")
            else:
                headers, rows = block[1], block[2]
                lines.append("| " + " | ".join(cell(h) for h in headers) + " |")
                lines.append("|" + "---|" * len(headers))
                lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
                lines.append("")
            previous = block[0]
        if previous == "li":
            lines.append("")
    return "\n".join(lines)


def render_record(report, document: dict, *, html: bool = False, now: datetime | None = None,
                  user: str | None = None, host: str | None | bool = True) -> str:
    sections = record_sections(document, now=now, user=user, host=host)
    if not html:
        return _markdown(document, sections)
    from .html import embedded_json, environment

    return environment().get_template("record.html.j2").render(title=_title(document), sections=sections, doc=document,
                                                               data=embedded_json(document))
