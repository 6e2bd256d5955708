"""Dagster: a blocking asset check. Downstream assets (the publication) do not run when it fails.

    dagster dev -f dagster_example.py       (sharecheck_gate.py beside it)
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from sharecheck_gate import check_release

SOURCE = Path(os.environ.get("RELEASE_SOURCE", "exports/tree_counts.csv"))  # what the city system exported
RELEASE = Path(os.environ.get("RELEASE_DIR", "release")) / SOURCE.name
CATALOGUE = os.environ.get("SHARECHECK_CATALOGUE")  # an index built with `sharecheck catalogue index`


@dg.asset
def tree_counts() -> None:
    """The release about to be published: here a copy of the export."""
    RELEASE.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, RELEASE)


@dg.asset_check(asset=tree_counts, blocking=True)
def tree_counts_sharecheck() -> dg.AssetCheckResult:
    result = check_release(RELEASE, catalogue=CATALOGUE)
    return dg.AssetCheckResult(passed=result["verdict"] == "pass", severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"verdict": result["verdict"], "failing": ", ".join(result["failing"]) or "none",
                                         **{f"{k} findings": v for k, v in result["counts"].items()}})


@dg.asset(deps=[tree_counts])
def published_tree_counts() -> None:
    """Publication: runs only after tree_counts_sharecheck passed."""
    (RELEASE.parent / "published").mkdir(exist_ok=True)
    (RELEASE.parent / "published" / RELEASE.name).write_bytes(RELEASE.read_bytes())


defs = dg.Definitions(assets=[tree_counts, published_tree_counts], asset_checks=[tree_counts_sharecheck])
