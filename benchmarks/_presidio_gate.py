"""The change proposed for sharecheck/classify (applied by the lead at merge; measured here by
patching it in): call presidio only when it can change the answer.

Without a spaCy model presidio runs pattern recognizers only, and each entity that can decide a
column (PRESIDIO_DECISIVE) needs '@' (e-mail), ':' (IPv6, MAC), a dotted quad (IPv4), six or
more digits with at most one other character between them (IBAN, card, NINO, NIF/NIE, fiscal
code, RRN) or three hex pairs joined by '-' / '.' (MAC). A sample with none of them, and no candidate of a type presidio could confirm,
cannot get a presidio hit that counts, so building the analyzer (about 1.5 s CPU: presidio,
spaCy, 300 regex compiles) is skipped.
"""
from __future__ import annotations

import re

GATE = re.compile(r"[@:]|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\d(?:\D?\d){5}|[0-9A-Fa-f]{2}[-.][0-9A-Fa-f]{2}[-.][0-9A-Fa-f]{2}")


def presidio_can_matter(values, context, found) -> bool:
    from sharecheck.pii.recognizers import presidio_config

    if context.nlp_model:
        return True
    from sharecheck.classify.words import words

    sample = [value for value in values if len(value) <= 200][: int(words().thresholds["presidio_sample"])]
    if any(GATE.search(value) for value in sample):
        return True
    _, entity_types = presidio_config()
    return bool({candidate.semantic_type for candidate in found} & set(entity_types.values()))


def install() -> None:
    """Patch the gate into classify/evidence.py's presidio step (the "audit" helper applies it
    there for real); the third argument is the evidence already found for the column."""
    from sharecheck.classify import evidence

    original = evidence._presidio_evidence

    def gated(values, out, context):
        if presidio_can_matter(values, context, out.items):
            original(values, out, context)

    evidence._presidio_evidence = gated


def compare() -> dict:
    """Classify every real release with and without the gate; the roles and types must not change.

        python benchmarks/_presidio_gate.py        (needs ../shared/datasets)
    """
    import json
    import sys
    import time
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sharecheck import classify
    from sharecheck.analysis import LARGE_FILE_SAMPLE_ROWS, collect
    from sharecheck.profile import profile_frame
    from sharecheck.readers import read_releases

    from _results import SHARED_DATASETS

    original = classify._presidio_candidates
    skipped = {"n": 0, "calls": 0}

    def gated(values, by_type, context, found):
        skipped["calls"] += 1
        if not presidio_can_matter(values, context, found):
            skipped["n"] += 1
            return []
        return original(values, by_type, context, found)

    paths = sorted(p for p in SHARED_DATASETS.rglob("*") if p.suffix.lower() in (".csv", ".parquet", ".json", ".geojson"))
    changed, columns, seconds = [], 0, {"with": 0.0, "gated": 0.0}
    for path in paths:
        try:
            releases = read_releases(path)
        except Exception:  # a file the reader rejects is not part of this comparison
            continue
        for release in releases:
            frame = collect(release)
            if frame.height > LARGE_FILE_SAMPLE_ROWS:
                frame = frame.gather_every(-(-frame.height // LARGE_FILE_SAMPLE_ROWS))
            profiles = profile_frame(frame)
            results = {}
            for label, function in (("with", original), ("gated", gated)):
                classify._presidio_candidates = function
                start = time.process_time()
                found = classify.classify_columns(frame, profiles)
                seconds[label] += time.process_time() - start
                results[label] = {name: (c.role, c.semantic_type, round(c.confidence, 6)) for name, c in found.items()}
            classify._presidio_candidates = original
            columns += len(results["with"])
            changed += [(release.name, name, results["with"][name], results["gated"][name])
                        for name in results["with"] if results["with"][name] != results["gated"][name]]
    summary = {"files": len(paths), "columns": columns, "presidio_calls": skipped["calls"], "skipped": skipped["n"],
               "changed": changed, "classify_cpu_s": {k: round(v, 2) for k, v in seconds.items()}}
    print(json.dumps(summary, indent=1))
    return summary


if __name__ == "__main__":
    compare()
