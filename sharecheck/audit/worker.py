"""One file of an audit, in a worker process: read once, analyse once, scan, and keep what the
pair checks need (the analysed release and the hashes of its joinable values).

Workers are started with `spawn` (polars' thread pool does not survive `fork`) and import
sharecheck once; the options are resolved once per worker, not once per file.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

# Columns with more distinct values keep a coordinated sample of their value hashes (the values
# whose hash falls in the lowest eighth): a value shared by two columns is kept in both or neither,
# so containment is still counted, on an eighth of the work.
_SAMPLE_FROM = 4096
_SAMPLE_BELOW = np.uint64(2**61)

_OPTIONS = None
# What a worker has computed for a release across the pair checks of one audit (join forms with
# their MinHash sketches, class sizes alone), keyed by the release's file and name.
_FORMS: dict[tuple[str, str], Any] = {}
_ALONE: dict[tuple[str, str], Any] = {}
# Releases a worker has read from the audit's store (`store_release`), by file: each is read once
# per worker, and its objects (hence every cache keyed by them) serve all its pairs.
_STORED: dict[str, tuple[Any, Any]] = {}


@dataclass(frozen=True)
class ColumnHashes:
    """A joinable column of a release: its canonical form and its distinct values' 64-bit hashes."""

    name: str
    form: str
    role: str
    distinct: int
    distinct_ratio: float
    hashes: np.ndarray  # sorted, unique; sampled when `sampled`
    sampled: bool


@dataclass(frozen=True)
class Outcome:
    """What one table of one file gave: a report, or the reason it could not be read."""

    path: str
    name: str
    seconds: float
    cpu_seconds: float
    report: Any = None  # sharecheck.report.DatasetReport
    analysed: Any = None  # sharecheck.analysis.AnalysedRelease, its lazy source dropped
    columns: tuple[ColumnHashes, ...] = ()
    error: str | None = None
    sha256: str | None = None
    forms: Any = None  # sharecheck.join.forms.ReleaseForms: the pair checks reuse them
    stored: str | None = None  # where `analysed` and `forms` are, when kept in the audit's store


def initialise(config: str | None, settings: dict[str, Any], worker: bool = True) -> None:
    global _OPTIONS
    from ..config import resolve_options

    if worker:
        # Progress and warnings belong to the parent's terminal; a worker stays silent.
        logging.getLogger().setLevel(logging.ERROR)
        for name in ("sharecheck", "presidio-analyzer"):
            logging.getLogger(name).setLevel(logging.ERROR)
    _OPTIONS = resolve_options(config, **settings)
    forget()


def forget() -> None:
    """Drop what the pair checks of the last audit cached (each audit starts afresh)."""
    import sys

    _FORMS.clear()
    _ALONE.clear()
    _STORED.clear()
    combined = sys.modules.get("sharecheck.join.combined")  # not imported for an audit without pair checks
    if combined is not None:
        combined.forget()


def _options_for(options, columns):
    return options.for_columns(columns)

def column_hashes(analysed, forms=None) -> tuple[ColumnHashes, ...]:
    from ..join.forms import release_forms
    from ..join.sketch import value_hashes

    columns = []
    for name, form in (forms or release_forms(analysed)).forms.items():
        hashes = np.unique(value_hashes(form.values))
        sampled = hashes.size > _SAMPLE_FROM
        if sampled:
            hashes = hashes[hashes < _SAMPLE_BELOW]
        columns.append(ColumnHashes(name, form.form, form.role, int(form.distinct), float(form.distinct_ratio), hashes, sampled))
    return tuple(columns)


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    from .._files import file_sha256

    return file_sha256(path)


def _describe(path: Path, exc: BaseException) -> str:
    from ..errors import SharecheckError

    if isinstance(exc, SharecheckError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path}: {exc.strerror or type(exc).__name__}"
    if isinstance(exc, MemoryError):
        return f"{path}: out of memory"
    return f"{path}: internal error ({type(exc).__name__})"


def store_release(store: str, analysed, forms) -> str:
    """(analysed, forms) pickled into a new file of the folder `store`; its path."""
    import os
    import pickle
    import tempfile

    handle, path = tempfile.mkstemp(suffix=".pickle", dir=store)
    with os.fdopen(handle, "wb") as file:
        pickle.dump((analysed, forms), file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def stored_release(path: str) -> tuple[Any, Any]:
    """(analysed, forms) from `store_release`, read once per worker."""
    if path not in _STORED:
        import pickle

        with open(path, "rb") as file:
            _STORED[path] = pickle.load(file)
    return _STORED[path]


def audit_file(path: str, options=None, keep_analysed: bool = True, store: str | None = None) -> list[Outcome]:
    """Scan every table of one file; never raises (an unreadable file is an Outcome with an error).
    `store`: a folder where each release's analysis and join forms are left for the pair checks
    (the Outcome names the file) instead of travelling back with the report."""
    from ..analysis import analyse
    from ..join.forms import release_forms
    from ..pipeline import scan_release
    from ..readers import read_with

    options = options or _OPTIONS
    file = Path(path)
    start, cpu = time.perf_counter(), time.process_time()
    try:
        releases = read_with(file, options)
    except Exception as exc:  # noqa: BLE001 - listed with its reason, never stops the audit
        return [Outcome(str(file), file.name, time.perf_counter() - start, time.process_time() - cpu, error=_describe(file, exc))]
    digest = _sha256(file)
    outcomes = []
    for release in releases:
        try:
            own = _options_for(options, release.columns)
            analysed = analyse(release, own)
            report = scan_release(release, own, analysed=analysed)
            forms = release_forms(analysed)
            columns = column_hashes(analysed, forms)
            # The frame is in `analysed.frame`; the lazy source would pickle the data a second time.
            light = replace(analysed, release=replace(release, frame=analysed.frame.head(0).lazy())) if keep_analysed else None
            stored = None
            if keep_analysed and store is not None:
                try:
                    stored = store_release(store, light, forms)
                except OSError:
                    pass  # a full or read-only disk: the release travels back with its report instead
            if stored is not None:
                light, forms = None, None
            outcomes.append(Outcome(str(file), release.name, time.perf_counter() - start, time.process_time() - cpu,
                                    report=report, analysed=light, columns=columns, sha256=digest,
                                    forms=forms if keep_analysed else None, stored=stored))
        except Exception as exc:  # noqa: BLE001
            outcomes.append(Outcome(str(file), release.name, time.perf_counter() - start, time.process_time() - cpu,
                                    error=_describe(file, exc)))
        start, cpu = time.perf_counter(), time.process_time()
    return outcomes


@dataclass(frozen=True)
class PairOutcome:
    verdict: str
    codes: tuple[str, ...]
    metrics: dict
    findings: tuple
    suppressed: tuple
    seconds: float
    cpu_seconds: float
    error: str | None = None


def _key(analysed) -> tuple[str, str]:
    return (str(analysed.release.location), analysed.release.name)


def check_pairs_task(releases: dict, pairs: list[tuple[int, int]], join_values: dict[str, Any]) -> list[PairOutcome]:
    """The join checks of a batch of pairs: `releases` maps an index to (analysed release, its join
    forms), each shipped once for all the batch's pairs that use it, rather than once per pair, or the
    file of the audit's store that holds them."""
    releases = {i: stored_release(release) if isinstance(release, str) else release for i, release in releases.items()}
    return [check_pair_task(releases[i][0], releases[j][0], join_values, (releases[i][1], releases[j][1])) for i, j in pairs]


def check_pair_task(a, b, join_values: dict[str, Any], forms=(None, None), options=None) -> PairOutcome:
    """The join check of two analysed releases (in a worker: they arrive pickled, frames and all).
    `forms`: their join forms from the scan, so they are not built again."""
    from .pairs import check_pair

    options = options or _OPTIONS
    start, cpu = time.perf_counter(), time.process_time()
    cache: dict = {"forms": {}, "alone": {}}
    for release, shipped in zip((a, b), forms):
        known = _FORMS.setdefault(_key(release), shipped) if shipped is not None else _FORMS.get(_key(release))
        if known is not None:
            cache["forms"][(id(release), ())] = (release, known)
        if _key(release) in _ALONE:
            cache["alone"][id(release)] = (release, _ALONE[_key(release)])
    try:
        report = check_pair(a, b, _options_for(options, a.release.columns + b.release.columns), join_values, cache)
    except Exception as exc:  # noqa: BLE001 - one pair that cannot be checked is named, not fatal
        return PairOutcome("error", (), {}, (), (), time.perf_counter() - start, time.process_time() - cpu,
                           error=f"{a.release.name} x {b.release.name}: join check failed ({type(exc).__name__})")
    for release in (a, b):
        if (id(release), ()) in cache["forms"]:
            _FORMS.setdefault(_key(release), cache["forms"][(id(release), ())][1])
        if id(release) in cache["alone"]:
            _ALONE.setdefault(_key(release), cache["alone"][id(release)][1])
    return PairOutcome(report.verdict, tuple(sorted(report.codes())), dict(report.metrics), tuple(report.findings),
                       tuple(report.suppressed), time.perf_counter() - start, time.process_time() - cpu)
