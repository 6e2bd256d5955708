"""`catalogue check` analyses each release once, ranks person-level partners first, and finds a
small name list inside a large one (the containment MinHash Jaccard cannot see)."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import sharecheck.analysis as analysis
from sharecheck.catalogue import Catalogue, check_against_catalogue
from sharecheck.catalogue.columns import stored_columns
from sharecheck.catalogue.keys import KEY_ENV
from sharecheck.catalogue.match import find_partners
from sharecheck.config import resolve_options
from sharecheck.readers import read_releases
from sharecheck.join.sketch import exact_overlap, sampled_overlap, threshold_sample

_FIRST = ["MARY", "PATRICIA", "LINDA", "BARBARA", "JAMES", "JOHN", "ROBERT", "MICHAEL", "DAVID", "SUSAN"]


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


def _staff(n: int) -> list[str]:
    # Synthetic surnames: SURNAME0001 ... so that every name is distinct.
    return [f"STAFFER{i:05d}, {_FIRST[i % 10]}" for i in range(n)]


def test_small_name_list_inside_a_large_one_is_found(tmp_path):
    """1,000 officers inside 23,000 employees: Jaccard is 0.043, which 128 MinHash slots estimate
    with a standard error of 0.018 (42 %), so containment from it is anywhere from 0.3 to 1."""
    employees = _staff(23_000)
    portal = tmp_path / "portal"
    portal.mkdir()
    pl.DataFrame({"NAME": employees, "POSTAL": [f"0{2100 + i % 60}" for i in range(23_000)],
                  "TOTAL": [50_000 + i for i in range(23_000)]}).write_csv(portal / "earnings.csv")
    officers = employees[::23][:1_000]
    details = tmp_path / "details.csv"
    pl.DataFrame({"Emp_Name": [officers[i % 1_000] for i in range(3_000)],
                  "Street": [f"MAIN ST {i % 40}" for i in range(3_000)]}).write_csv(details)
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([portal])
        report = check_against_catalogue(details, catalogue)
        # The LSH Ensemble alone (what a large index uses instead of comparing every column) finds it too.
        release = read_releases(details)[0]
        sketches = stored_columns(analysis.analyse(release, resolve_options()), catalogue.key)
        by_ensemble = find_partners(catalogue, sketches, scan_all_below=0)
    assert [p.release.name for p in by_ensemble] == ["earnings"]
    assert [p.release.name for p in report.partners] == ["earnings"]
    (shared,) = [s for s in report.partners[0].shared_columns if s[0] == "Emp_Name"]
    assert shared[1] == "NAME" and shared[2] == pytest.approx(1.0)


def _register(n: int, offset: int = 0) -> pl.DataFrame:
    return pl.DataFrame({
        "full_name": [f"PERSON{offset + i:04d}, {_FIRST[i % 10]}" for i in range(n)],
        "zip": [f"0{2100 + i % 20}" for i in range(n)],
        "birth_date": [f"19{40 + i % 50}-0{1 + i % 9}-1{i % 10}" for i in range(n)],
        "sex": ["F" if i % 2 else "M" for i in range(n)],
    })


def test_each_release_is_analysed_once(tmp_path, monkeypatch):
    portal = tmp_path / "portal"
    portal.mkdir()
    for i in range(5):
        _register(120).with_columns(pl.lit(i).alias("batch")).write_csv(portal / f"register_{i}.csv")
    new = tmp_path / "clinic.csv"
    _register(60).select("zip", "birth_date", "sex", pl.lit("flu").alias("diagnosis")).write_csv(new)
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([portal])
        calls: list[str] = []
        classified: list[int] = []
        real, real_classify = analysis.analyse, analysis.classify_documented

        def counting(release, options, **stored):
            # A partner is analysed from the classifications the index kept: that is no new analysis.
            if stored.get("classifications") is None:
                calls.append(release.name)
            return real(release, options, **stored)

        def counting_classify(frame, *args, **kwargs):
            classified.append(frame.width)
            return real_classify(frame, *args, **kwargs)

        profiled: list[int] = []
        real_profile = analysis.profile_frame

        def counting_profile(frame, *args, **kwargs):
            profiled.append(frame.width)
            return real_profile(frame, *args, **kwargs)

        monkeypatch.setattr(analysis, "analyse", counting)
        monkeypatch.setattr(analysis, "classify_documented", counting_classify)
        monkeypatch.setattr(analysis, "profile_frame", counting_profile)
        reads = []
        import sharecheck.catalogue.check as check_module

        real_load = check_module._load_partner
        monkeypatch.setattr(check_module, "_load_partner", lambda indexed, options: reads.append(indexed.name) or real_load(indexed, options))
        report = check_against_catalogue(new, catalogue, max_partners=5)
    assert len(report.checked) == 5 and report.verdict == "fail"
    # The new release is analysed once; partners are read once each and never classified again.
    assert calls == ["clinic"] and len(classified) == 1
    # ... nor profiled again: the index keeps their profiles (without values).
    assert len(profiled) == 1
    assert sorted(reads) == [f"register_{i}" for i in range(5)]
    # A partner that is not among the best is never read.
    reads.clear()
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        check_against_catalogue(new, catalogue, max_partners=2)
    assert len(reads) == 2
    # A partner changed since it was indexed is classified afresh (its stored analysis is stale).
    _register(130).with_columns(pl.lit(9).alias("batch")).write_csv(portal / "register_0.csv")
    calls.clear()
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        check_against_catalogue(new, catalogue, max_partners=5)
    assert sorted(calls) == ["clinic", "register_0"]


def test_tables_of_counts_never_push_a_person_level_partner_out(tmp_path):
    portal = tmp_path / "portal"
    portal.mkdir()
    register = _register(200)
    register.write_csv(portal / "voters.csv")
    zips = register["zip"].unique().sort()
    for i in range(12):
        # Counts per ZIP and sex: they share ZIPs with everything and identify nobody.
        pl.DataFrame({"zip": zips.to_list() * 2, "sex": ["F"] * zips.len() + ["M"] * zips.len(),
                      "count": [10 + i + j for j in range(2 * zips.len())]}).write_csv(portal / f"counts_{i:02d}.csv")
    new = tmp_path / "clinic.csv"
    register.head(80).select("zip", "birth_date", "sex", pl.lit("flu").alias("diagnosis")).write_csv(new)
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([portal])
        report = check_against_catalogue(new, catalogue, max_partners=3)
    assert report.partners[0].release.name == "voters" and report.partners[0].release.person_level
    assert [c["release"] for c in report.checked][0] == "voters"
    assert any(not p.release.person_level for p in report.partners)


def test_sampled_containment_is_exact_below_the_sample_size():
    rng = np.random.default_rng(3)
    a = np.unique(rng.integers(0, 2**63, 900, dtype=np.int64).astype(np.uint64))
    b = np.unique(np.concatenate([a[:600], rng.integers(0, 2**63, 5_000, dtype=np.int64).astype(np.uint64)]))
    sa, shift_a = threshold_sample(a)
    sb, shift_b = threshold_sample(b)
    overlap = sampled_overlap(sa, shift_a, a.size, sb, shift_b, b.size)
    assert shift_a == shift_b == 0 and overlap.method == "exact"
    assert overlap.shared == 600 and overlap.a_in_b == pytest.approx(600 / a.size)


def test_sampled_containment_of_a_large_pair_is_within_binomial_error():
    rng = np.random.default_rng(5)
    big = np.unique(rng.integers(0, 2**64 - 1, 400_000, dtype=np.uint64))
    inner = np.unique(np.concatenate([rng.choice(big, 30_000, replace=False), rng.integers(0, 2**64 - 1, 30_000, dtype=np.uint64)]))
    sa, shift_a = threshold_sample(inner, 20_000)
    sb, shift_b = threshold_sample(big, 20_000)
    assert shift_b > 0 and sb.size <= 20_000
    overlap = sampled_overlap(sa, shift_a, inner.size, sb, shift_b, big.size)
    truth = 30_000 / inner.size
    kept = inner.size / 2 ** max(shift_a, shift_b)  # values of `inner` in the common sample
    assert overlap.method == "sampled"
    assert abs(overlap.a_in_b - truth) <= 4 * np.sqrt(truth * (1 - truth) / kept)


def test_exact_overlap_agrees_with_counted_keyed_hashes():
    from sharecheck.catalogue.keys import keyed_hashes

    a = pl.Series([f"K{i}" for i in range(300)])
    b = pl.Series([f"K{i}" for i in range(150, 2_000)])
    ha, hb = keyed_hashes(a, b"x" * 32), keyed_hashes(b, b"x" * 32)
    counted = sampled_overlap(ha, 0, ha.size, hb, 0, hb.size)
    assert counted.shared == exact_overlap(a, b).shared == 150


def test_catalogue_pair_check_equals_the_join_check(tmp_path):
    """The catalogue's shortcut (stored classifications, already-analysed new release) gives the
    join check's own answer for the partner."""
    from sharecheck import check_join

    portal = tmp_path / "portal"
    portal.mkdir()
    _register(150).write_csv(portal / "register.csv")
    new = tmp_path / "clinic.csv"
    _register(150).head(70).select(pl.col("zip").alias("patient_zip"), pl.col("birth_date").alias("dob"), "sex",
                                   pl.Series("diagnosis", ["flu", "asthma"] * 35)).write_csv(new)
    with Catalogue(tmp_path / "index.sqlite") as catalogue:
        catalogue.add([portal])
        report = check_against_catalogue(new, catalogue)
    alone = check_join(new, portal / "register.csv")
    (checked,) = report.checked
    assert checked["verdict"] == alone.verdict == "fail"
    assert checked["codes"] == sorted(alone.codes())
    assert checked["metrics"] == dict(alone.metrics)
    assert sorted(f.code for f in report.findings) == sorted(f.code for f in alone.findings)
