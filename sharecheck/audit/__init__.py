"""`sharecheck audit DIR`: every release of a portal in one process, and every pair that links.

files -> (worker processes, one per core) read, analyse and scan each release once, keeping the
hashes of its joinable values -> screening of all pairs by shared values -> the full join check
of each release's best partners, on the releases analysed already -> AuditReport (a summary row
per release, a link per pair checked, every finding).
"""
from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import InputError, UsageError
from ..findings import Finding
from ..report import FindingsSummary, Report, _sorted
from .files import audit_files
from .worker import Outcome, PairOutcome, audit_file, check_pairs_task, forget, initialise

log = logging.getLogger("sharecheck")

_JOIN_ONLY = ("window_minutes", "distance_m", "max_k", "exact_distinct_max", "min_containment", "pair_limit")


def _about(report) -> str:
    if report.kind == "aggregate":
        return "counts of people" if report.about_people else "counts of things"
    return "people" if report.about_people else "places, times or things"


def _top_findings(findings, limit: int = 3) -> list[str]:
    seen, top = set(), []
    for finding in _sorted(findings):
        if finding.code in seen:
            continue
        seen.add(finding.code)
        columns = f" ({', '.join(finding.columns[:3])}{', …' if len(finding.columns) > 3 else ''})" if finding.columns else ""
        top.append(f"{finding.code} {finding.name}{columns}")
        if len(top) == limit:
            break
    return top


@dataclass(frozen=True)
class AuditReport(FindingsSummary):
    """One row per release read (or not), one link per pair checked, every finding."""

    outcomes: tuple[Outcome, ...]
    links: tuple[Mapping[str, Any], ...]
    link_findings: tuple[Finding, ...]
    link_suppressed: tuple = ()
    files: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    workers: int = 1
    fail_on: str = "error"
    policy: str = "open-data"
    show_values: bool = False
    kind: str = field(default="audit", init=False)

    @property
    def reports(self):
        return tuple(o.report for o in self.outcomes if o.report is not None)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return _sorted([f for r in self.reports for f in r.findings] + list(self.link_findings))

    def accepted(self) -> tuple:
        return tuple(s for r in self.reports for s in r.suppressed) + tuple(self.link_suppressed)

    @property
    def unreadable(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.error is not None)

    def release_report(self, outcome: Outcome) -> Report:
        """The scan report of one release, as `sharecheck scan` would print it."""
        return Report(datasets=(outcome.report,), fail_on=self.fail_on, policy=self.policy, show_values=self.show_values)

    def release_verdict(self, outcome: Outcome) -> str:
        return "unreadable" if outcome.error is not None else self.release_report(outcome).verdict

    @property
    def metrics(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "releases": len(self.reports),
            "unreadable": len(self.unreadable),
            "failing": sum(1 for o in self.outcomes if o.report is not None and self.release_verdict(o) == "fail"),
            "pairs_checked": len(self.links),
            "pairs_linking": sum(1 for link in self.links if link["metrics"].get("linked_exactly_one")),
            "pairs_failing": sum(1 for link in self.links if link["verdict"] == "fail"),
            "seconds": round(self.seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "workers": self.workers,
        }

    def rows(self) -> list[dict[str, Any]]:
        """The summary table: release, rows, about what, verdict, top findings, seconds."""
        rows = []
        for outcome in self.outcomes:
            report = outcome.report
            rows.append({
                "release": outcome.name, "path": outcome.path,
                "status": "unreadable" if outcome.error else "ok",
                "rows": report.records if report else None,
                "about": _about(report) if report else "",
                "verdict": self.release_verdict(outcome),
                "counts": Report(datasets=(report,), fail_on=self.fail_on).counts() if report else None,
                "top_findings": _top_findings(report.findings) if report else [],
                "reason": outcome.error,
                "seconds": round(outcome.seconds, 3),
                "sha256": outcome.sha256,
            })
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {**self.document_header(), "releases": self.rows(), "links": list(self.links), "datasets": []}


@contextmanager
def _pool(workers: int, config, settings, kind: str = "process"):
    """Where releases are scanned: here (one worker), in threads, or in worker processes."""
    if workers <= 1 or kind == "thread":
        initialise(config, settings, worker=False)
        if workers <= 1:
            yield None
            return
        from concurrent.futures import ThreadPoolExecutor

        # Threads share one import and pass releases without pickling; polars releases the GIL.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield pool
        return
    import multiprocessing

    # spawn: polars' thread pool does not survive fork; each worker imports sharecheck once.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=initialise, initargs=(config, settings)) as pool:
        yield pool


def _run_all(pool, tasks: list[tuple], advance: Callable[[str], None], failed: Callable[[tuple, BaseException], Any]) -> list:
    """Run (label, function, *args) tasks in the pool (or here), results in task order; `advance(label)`
    as each finishes."""
    results: list = [None] * len(tasks)
    if pool is None:
        for index, (label, function, *args) in enumerate(tasks):
            results[index] = function(*args)
            advance(label)
        return results
    futures = {pool.submit(function, *args): index for index, (label, function, *args) in enumerate(tasks)}
    for future in as_completed(futures):
        index = futures[future]
        try:
            results[index] = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker that died names its task
            results[index] = failed(tasks[index], exc)
        advance(tasks[index][0])
    return results


def _scan_all(files: list[Path], pool, advance: Callable[[str], None], store: str | None = None) -> list[Outcome]:
    # Largest files first: the pool's last minutes are not spent waiting on one big file.
    order = sorted(files, key=lambda p: -(p.stat().st_size if p.is_file() else 0))
    tasks = [(path.name, audit_file, str(path), None, True, store) for path in order]
    died = lambda task, exc: [Outcome(task[2], task[0], 0.0, 0.0, error=f"{task[2]}: worker failed ({type(exc).__name__})")]  # noqa: E731
    by_path = {task[2]: result for task, result in zip(tasks, _run_all(pool, tasks, advance, died))}
    outcomes = [o for path in files for o in by_path[str(path)]]
    names = [o.name for o in outcomes]
    if len(set(names)) != len(names):
        # Two tables called data in different folders stay apart in the summary.
        from dataclasses import replace

        outcomes = [o if names.count(o.name) == 1 else replace(o, name=f"{Path(o.path).parent.name}/{o.name}") for o in outcomes]
    return outcomes


# Pairs per pair-check task: a task ships each release it needs once (a release's frame and join
# forms are megabytes; shipped with every pair, the 155 pairs of the real portal moved 1.9 GB
# between processes, with batches of 8 about 0.85 GB), and enough tasks remain to share the cores.
PAIR_BATCH = 8


def _pair_batches(readable: list[Outcome], chosen: list, size: int = PAIR_BATCH) -> list[list[int]]:
    """Indices into `chosen`, in batches of pairs that share releases (grouped by their first
    release), the batches with the most rows first so that no core waits on a large one at the end."""
    order = sorted(range(len(chosen)), key=lambda k: (min(chosen[k].a, chosen[k].b), max(chosen[k].a, chosen[k].b)))
    batches = [order[start:start + size] for start in range(0, len(order), size)]
    rows = lambda k: (readable[chosen[k].a].report.records or 0) + (readable[chosen[k].b].report.records or 0)  # noqa: E731
    return sorted(batches, key=lambda batch: -sum(rows(k) for k in batch))


def _check_pairs(executor, readable: list[Outcome], chosen: list, join_values: dict[str, Any],
                 advance: Callable[[str], None]) -> list[PairOutcome]:
    """The join check of every chosen pair (results in the order of `chosen`), in batches."""
    batches = _pair_batches(readable, chosen, PAIR_BATCH)
    labels = [f"{readable[p.a].name} × {readable[p.b].name}" for p in chosen]
    tasks = []
    for batch in batches:
        used = sorted({i for k in batch for i in (chosen[k].a, chosen[k].b)})
        releases = {i: readable[i].stored or (readable[i].analysed, readable[i].forms) for i in used}
        tasks.append((batch, check_pairs_task, releases, [(chosen[k].a, chosen[k].b) for k in batch], join_values))

    def died(task, exc):
        return [PairOutcome("error", (), {}, (), (), 0.0, 0.0, error=f"{labels[k]}: worker failed ({type(exc).__name__})")
                for k in task[0]]

    def done(batch):
        for k in batch:
            advance(labels[k])

    results: list = [None] * len(chosen)
    for batch, outcomes in zip(batches, _run_all(executor, tasks, done, died)):
        for k, outcome in zip(batch, outcomes):
            results[k] = outcome
    return results


@contextmanager
def _release_store(wanted: bool):
    """A folder where worker processes leave each release's analysis and join forms for the pair
    checks (None when not wanted). Sent back through this process, each release was pickled once
    more here for every pair batch that used it (163 times for the 65 releases of the real
    portal's pairs) and unpickled as often in the workers; from a file, a worker reads a release
    once and keeps it (with what its pairs cache about it) for all its batches."""
    if not wanted:
        yield None
        return
    import shutil
    import tempfile

    # the folder holds the releases' values: mkdtemp makes it this user's alone (0700), and it
    # goes when the audit ends, Ctrl-C included (only a killed process leaves it behind)
    folder = tempfile.mkdtemp(prefix="sharecheck-audit-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def audit(paths, *, config: str | None = None, workers: int | None = None, max_partners: int = 3, pool: str = "process",
          progress: Callable[[str, int], Callable[[str], None]] | None = None, **settings: Any) -> AuditReport:
    """Audit every release under `paths` (folders, files, data packages).

    `pool`: "process" (default: worker processes, spawned) or "thread" (threads in this process).
    `progress(stage, total)` returns a callback called once per finished item. Settings are those
    of `scan` (fail_on, policy, thresholds, ...) and of `join` (window_minutes, distance_m, max_k).
    """
    from ..config import resolve_options
    from .pairs import choose, screen

    start, cpu = time.perf_counter(), time.process_time()
    join_values = {k: settings.pop(k) for k in list(settings) if k in _JOIN_ONLY}
    options = resolve_options(config, **settings)
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    files = audit_files(paths)
    if not files:
        raise UsageError(f"no releases under {', '.join(map(str, paths))}")
    if max_partners < 0:
        raise UsageError("max partners must be 0 or more")
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))
    no_progress = lambda stage, total: (lambda item: None)  # noqa: E731
    progress = progress or no_progress
    if pool not in ("process", "thread"):
        raise UsageError(f"pool must be process or thread, not {pool!r}")
    in_processes = pool == "process" and workers > 1
    with _pool(workers, config, settings, pool) as executor, _release_store(in_processes and max_partners > 0) as store:
        outcomes = _scan_all(files, executor, progress("scanning", len(files)), store)
        readable = [o for o in outcomes if o.report is not None]
        log.info("audit: %d releases scanned in %.1f s", len(readable), time.perf_counter() - start)
        chosen = choose(screen([o.columns for o in readable]), [o.report.about_people for o in readable],
                        max_partners) if max_partners else []
        results = _check_pairs(executor, readable, chosen, join_values, progress("joining", len(chosen)))
    forget()  # what the pair checks cached in this process
    links, link_findings, link_suppressed = [], [], []
    for pair, result in zip(chosen, results):
        a, b = readable[pair.a], readable[pair.b]
        log.info("audit: %s x %s joined in %.2f s", a.name, b.name, result.seconds)
        if result.error:
            log.warning("%s", result.error)
            continue
        link_findings += result.findings
        link_suppressed += result.suppressed
        links.append({"a": a.name, "b": b.name, "verdict": result.verdict, "codes": list(result.codes),
                      "score": round(pair.score, 4), "seconds": round(result.seconds, 3),
                      "shared_columns": [{"a": x, "b": y, "containment": round(c, 4)} for x, y, c in pair.shared],
                      "metrics": result.metrics})
    log.info("audit: %d pairs checked; %.1f s in all", len(links), time.perf_counter() - start)
    pair_cpu = sum(r.cpu_seconds for r in results)
    # Workers' CPU time is not in this process's clock; the outcomes carry it.
    cpu_total = time.process_time() - cpu + ((sum(o.cpu_seconds for o in outcomes) + pair_cpu) if in_processes else 0.0)
    return AuditReport(outcomes=tuple(outcomes), links=tuple(links), link_findings=tuple(link_findings),
                       link_suppressed=tuple(link_suppressed), files=len(files), seconds=time.perf_counter() - start,
                       cpu_seconds=cpu_total, workers=workers, fail_on=options.fail_on, policy=options.policy_name,
                       show_values=options.show_values)
