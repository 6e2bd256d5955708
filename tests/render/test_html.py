"""The HTML report: self-contained, balanced, no values, JSON embedded, charts from the counts."""
from __future__ import annotations

import json
import re

import pytest

import sharecheck
from sharecheck.join import check_join
from sharecheck.render import render
from sharecheck.render.html import embedded_json, render_html
from sharecheck.render.json import render_json

from .helpers import ASCII_CANARY, ROLES, UNICODE_CANARY, embedded_document, parse_strict, people, register


@pytest.fixture(scope="module")
def scan_report():
    return sharecheck.scan(people(), name="people", **ROLES)


@pytest.fixture(scope="module")
def join_report():
    return check_join(people(), register(), qi=ROLES["qi"])


def _self_contained(html: str) -> None:
    parser = parse_strict(html)
    tags = [tag for tag, _ in parser.tags]
    assert tags.count("html") == 1 and tags.count("body") == 1
    # Nothing to fetch and nothing to run: no link, img, iframe, and the one script is data.
    assert not {"link", "img", "iframe", "object", "embed"} & set(tags)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "sharecheck-report"}]
    urls = re.findall(r"(?:src|href)\s*=", html)
    assert urls == []
    assert re.findall(r"https?://", html.replace('xmlns="http://www.w3.org/2000/svg"', "")) == []
    assert " on" not in "".join(f" {k}" for _, attrs in parser.tags for k in attrs if k.startswith("on"))


def test_scan_page_is_self_contained_and_embeds_the_json(scan_report):
    html = render(scan_report, "html")
    _self_contained(html)
    assert embedded_document(html) == json.loads(render_json(scan_report.to_dict()))


def test_scan_page_draws_the_four_charts(scan_report):
    html = render(scan_report, "html")
    assert html.count("<svg") == 4
    # 40 records, all unique: the histogram has one bar of 40 records at size 1, the k line at 5.
    assert "policy k = 5" in html
    assert "1: 40 records" in html
    assert "Unique records left when each quasi-identifier is dropped" in html
    assert "minimal sample uniques" in html


def test_a_table_without_quasi_identifiers_draws_no_class_charts():
    # a tree inventory: no column describes a person, so there are no classes to draw (one
    # "class" of all 60 rows would read as k = 60)
    import polars as pl

    trees = pl.DataFrame({"species": ["Acer rubrum", "Quercus alba", "Pinus strobus"] * 20,
                          "diameter_cm": [float(10 + i) for i in range(60)]})
    html = render(sharecheck.scan(trees, name="trees"), "html")
    assert "<svg" not in html and "policy k =" not in html
    parse_strict(html)


@pytest.mark.parametrize("fixture", ["scan_report", "join_report"])
def test_no_value_reaches_the_page(fixture, request):
    html = render(request.getfixturevalue(fixture), "html")
    assert ASCII_CANARY not in html
    assert UNICODE_CANARY not in html
    assert "02100" not in html and "1950-01-01" not in html  # QI values of the first record


def test_join_page_shows_what_the_join_adds(join_report):
    html = render(join_report, "html")
    _self_contained(html)
    assert "uniques in A⋈B" in html and "linked one to one" in html
    # The 30 register records each match one person on zip, sex and birth date.
    assert join_report.pairs[0].metrics["linked_exactly_one"] == 30
    assert "30 of 40 records" in html


def test_script_block_cannot_be_closed_by_a_value():
    document = {"kind": "scan", "verdict": "pass", "name": "</script><script>alert(1)</script>", "amp": "a & b"}
    text = str(embedded_json(document))
    assert "</script" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == document


def test_names_are_escaped_in_the_page(scan_report):
    document = scan_report.to_dict()
    document["datasets"][0]["name"] = "<b onmouseover=x>people</b>"
    html = render_html(document)
    assert "<b onmouseover" not in html
    assert "&lt;b onmouseover=x&gt;people&lt;/b&gt;" in html
    parse_strict(html)


def test_show_values_is_needed_for_examples(scan_report):
    document = scan_report.to_dict()
    finding = next(f for f in document["findings"])
    finding["evidence"] = {"examples": ["EXAMPLE-VALUE"]}
    def visible(html: str) -> str:
        return html.split('<script type="application/json"')[0]

    # The page shows examples only when asked; the embedded JSON is the report as it was made.
    assert "EXAMPLE-VALUE" not in visible(render_html(document))
    assert "EXAMPLE-VALUE" in visible(render_html(document, show_values=True))
