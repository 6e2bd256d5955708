"""Every kind of HTML page opens in headless Chromium and draws something: text and charts.

Skipped only where chromium is absent outside CI; in CI (.ci/run installs it) it must run.
"""
from __future__ import annotations

import pytest

import sharecheck
from sharecheck.join import check_join
from sharecheck.render import render

from .helpers import ROLES, ink, people, register, screenshot


def _scan():
    return render(sharecheck.scan(people(), name="people", **ROLES), "html")


def _join():
    return render(check_join(people(), register(), qi=ROLES["qi"]), "html")


def _record():
    return render(sharecheck.scan(people(), name="people", **ROLES), "record-html")


def _catalogue(tmp_path):
    from sharecheck.catalogue import Catalogue, check_against_catalogue

    people().write_csv(tmp_path / "people.csv")
    register().write_csv(tmp_path / "register.csv")
    with Catalogue(tmp_path / "index.sqlite") as index:
        index.add([tmp_path / "register.csv"])
    return render(check_against_catalogue(tmp_path / "people.csv", tmp_path / "index.sqlite", qi=ROLES["qi"]), "html")


def _audit(tmp_path):
    from sharecheck.audit import audit
    from sharecheck.audit.summary import render_audit

    folder = tmp_path / "portal"
    folder.mkdir()
    people().write_csv(folder / "people.csv")
    register().write_csv(folder / "register.csv")
    return render_audit(audit([folder], workers=1, qi=ROLES["qi"]), "html")


@pytest.mark.parametrize("kind", ["scan", "join", "catalogue", "audit", "record"])
def test_page_renders_in_chromium(kind, tmp_path):
    build = {"scan": _scan, "join": _join, "record": _record,
             "catalogue": lambda: _catalogue(tmp_path), "audit": lambda: _audit(tmp_path)}[kind]
    page = tmp_path / f"{kind}.html"
    page.write_text(build(), encoding="utf-8")
    drawn, coloured = ink(screenshot(page, tmp_path))
    assert drawn > 0.02, f"{kind}: the screenshot is nearly blank ({drawn:.3%} of pixels drawn)"
    # Red or green: the verdict badge and the chart bars are painted.
    assert coloured > 0.0005, f"{kind}: no chart or badge colour ({coloured:.4%})"
