"""Small releases with known answers and two canary values that must never reach a page."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

ASCII_CANARY = "QQCANARYZZ"
UNICODE_CANARY = "Žofie-Ünïcødé✓"
CHROMIUM = "/usr/bin/chromium"


def people(n: int = 40) -> pl.DataFrame:
    """zip x sex x birth date: every birth date differs, so every record is unique (k = 1)."""
    start = date(1950, 1, 1)
    return pl.DataFrame({
        "zip": [f"021{i % 7:02d}" for i in range(n)],
        "sex": ["F" if i % 2 else "M" for i in range(n)],
        "birth_date": [(start + timedelta(days=97 * i)).isoformat() for i in range(n)],
        "diagnosis": [ASCII_CANARY if i == 3 else (UNICODE_CANARY if i == 5 else ["flu", "asthma"][i % 2]) for i in range(n)],
        "nickname": [ASCII_CANARY if i == 0 else (UNICODE_CANARY if i == 1 else f"n{i}") for i in range(n)],
    })


def register(n: int = 30) -> pl.DataFrame:
    """The first n people of `people`, with a column that names them."""
    frame = people(n).select("zip", "sex", "birth_date")
    return frame.with_columns(pl.Series("full_name", [f"{UNICODE_CANARY} {ASCII_CANARY}{i}" for i in range(n)]))


ROLES = {"qi": ("zip", "sex", "birth_date"), "sensitive": ("diagnosis",)}


class StrictParser(HTMLParser):
    """Every element closed in order; void elements never closed; one document."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag in self.VOID:
            self.errors.append(f"closed void element {tag}")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def parse_strict(html: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def embedded_document(html: str) -> dict:
    blocks = re.findall(r'<script type="application/json" id="sharecheck-report">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() or shutil.which("chromium") is not None


def screenshot(html_path: Path, tmp_path: Path) -> Path:
    """Render a page in headless Chromium (no network) and return the screenshot."""
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    binary = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    png = tmp_path / (html_path.stem + ".png")
    profile = tmp_path / "chromium-profile"
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,2000", html_path.as_uri()]
    subprocess.run(command, check=False, capture_output=True, timeout=120)
    assert png.is_file(), "chromium wrote no screenshot"
    return png


def ink(png: Path) -> tuple[float, float]:
    """(share of pixels that are not white, share that are saturated red or green: chart colours)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    not_white = (pixels.min(axis=2) < 235).mean()
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    coloured = (((r > 150) & (g < 90) & (b < 90)) | ((g > 110) & (r < 80) & (b < 120))).mean()
    return float(not_white), float(coloured)
