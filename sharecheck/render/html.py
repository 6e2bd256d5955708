"""One self-contained HTML page per report: inline CSS, inline SVG charts, the JSON report
embedded for machines, no script to run and nothing fetched.

Jinja2 autoescapes every value; charts are built in ``svg`` from the aggregate tables the JSON
report already carries (class-size histogram, risk figures, per-QI uniques, MSU groups, pair
metrics), so the page cannot show more than the JSON does. Example values appear only with
--show-values.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from . import svg
from .json import _clean

_RISK_CHECKS = (("records_at_risk", "records above the risk threshold"), ("highest_risk", "highest record risk"),
                ("average_risk", "average record risk"), ("sample_uniqueness", "records unique on the QIs"))


@lru_cache(maxsize=1)
def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("sharecheck.render", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)


def embedded_json(document: dict) -> Markup:
    """The report as JSON inside <script type="application/json">: '<', '>' and '&' become
    \\u escapes, so no value (not even '</script>') can end the block or open a tag."""
    text = json.dumps(_clean(document), ensure_ascii=False, indent=1)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def _checks(assessment: dict) -> dict[str, dict]:
    return {c["name"]: c for c in assessment.get("checks", []) if c.get("attribute") is None}


def dataset_charts(dataset: dict) -> list[Markup]:
    """The charts of one scanned table, from its assessment (empty for count tables)."""
    assessment = dataset.get("assessment") or {}
    if not assessment or not (dataset.get("metrics") or {}).get("quasi_identifiers"):
        return []  # no quasi-identifier: one "class" of every row and a risk of 1/n would be charts of nothing
    charts = []
    kanon = assessment.get("k_anonymity") or {}
    if kanon.get("class_size_histogram"):
        charts.append(svg.class_size_histogram(kanon["class_size_histogram"], int(kanon.get("k_threshold") or 1)))
    checks = _checks(assessment)
    risk = assessment.get("risk") or {}
    prosecutor = risk.get("prosecutor") or {}
    values = {"records_at_risk": prosecutor.get("records_at_risk"), "highest_risk": prosecutor.get("highest"),
              "average_risk": prosecutor.get("average"), "sample_uniqueness": risk.get("sample_uniqueness")}
    tau = prosecutor.get("threshold")
    items = []
    for name, label in _RISK_CHECKS:
        check = checks.get(name)
        if name == "records_at_risk" and tau is not None:
            label = f"records with risk above {tau:g}"
        items.append((label, values[name], check["threshold"] if check else None))
    charts.append(svg.risk_against_policy(items))
    contribution = assessment.get("qi_contribution") or []
    if contribution:
        total = risk.get("sample_uniques", 0)
        rows = [(c["column"], c["uniques_without"], f"{c['uniques_without']:,} (−{c['uniques_removed']:,})")
                for c in contribution]
        charts.append(svg.horizontal_bars(rows, title="Unique records left when each quasi-identifier is dropped (− cleared)",
                                          marker=total, marker_label=f"all QIs: {total:,}",
                                          scale_max=max([total] + [r[1] for r in rows]) or 1))
    msu = assessment.get("msu") or {}
    groups = msu.get("groups") or []
    if groups:
        rows = [("{" + ", ".join(g["columns"]) + "}", g["records"],
                 f"{g['records']:,} records" + (f" ({g['share']:.1%})" if g.get("share") is not None else ""))
                for g in groups[:12]]
        charts.append(svg.horizontal_bars(rows, title="Smallest column sets that single records out (minimal sample uniques)",
                                          highlight=lambda value: True))
    return [c for c in charts if c]


def pair_chart(pair_name: str, metrics: dict) -> Markup:
    rows = [
        ("uniques in A alone", metrics.get("sample_uniques_a") or 0),
        ("uniques in B alone", metrics.get("sample_uniques_b") or 0),
        ("uniques in A⋈B", metrics.get("sample_uniques_combined") or 0),
        ("A's records linked one to one", metrics.get("linked_exactly_one") or 0),
        ("A's records linked to at most k", metrics.get("linked_at_most_k") or 0),
    ]
    return svg.horizontal_bars(rows, title=f"{pair_name}: what the join adds", highlight=lambda v: False)


def _matrix(document: dict) -> Markup:
    linked = {name for link in document.get("links", []) for name in (link["a"], link["b"])}
    # Releases in no checked pair would only add empty rows and columns.
    names = [r["release"] for r in document.get("releases", []) if r.get("status") == "ok" and r["release"] in linked]
    cells = {}
    for link in document.get("links", []):
        metrics = link.get("metrics") or {}
        cells[(link["a"], link["b"])] = (metrics.get("linked_exactly_one") or 0, metrics.get("linked_unique_share"), link.get("verdict"))
        b_linked = metrics.get("b_linked_exactly_one") or 0
        records_b = metrics.get("records_b") or 0
        cells[(link["b"], link["a"])] = (b_linked, b_linked / records_b if records_b else 0.0, link.get("verdict"))
    return svg.link_matrix(names, cells)


def render_html(document: dict, *, show_values: bool = False, generated: datetime | None = None) -> str:
    kind = document.get("kind", "scan")
    generated = generated or datetime.now(timezone.utc)
    context: dict[str, Any] = {
        "doc": document, "kind": kind, "show_values": show_values,
        "generated": generated.strftime("%Y-%m-%d %H:%M UTC"), "data": embedded_json(document),
        "dataset_charts": dataset_charts, "pair_chart": pair_chart,
    }
    if kind == "audit":
        context["matrix"] = _matrix(document)
    if kind == "catalogue":
        rows = [(p["release"], p["score"], f"{p['score']:.2f}") for p in document.get("partners", [])[:15]]
        context["pair_chart_partners"] = svg.horizontal_bars(
            rows, title="How strongly each indexed release could be joined (score)", highlight=lambda v: False)
    return environment().get_template("report.html.j2").render(**context)
