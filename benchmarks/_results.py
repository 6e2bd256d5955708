"""Each benchmark owns one section of benchmarks/RESULTS.md, so they can run in any order."""
from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
# A checkout in a worktree (work/wt/NAME) sits one level deeper than work/main: SHARECHECK_DATASETS
# points the benchmarks at the shared datasets from anywhere.
SHARED_DATASETS = Path(os.environ.get("SHARECHECK_DATASETS") or Path(__file__).resolve().parent.parent.parent / "shared" / "datasets")


def machine_line() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {date.today().isoformat()}"


def update_section(name: str, markdown: str) -> None:
    """Replace the section between the markers for `name` (append it when new)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\nEach section is written by the script named in it; rerun the script to refresh it.\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
