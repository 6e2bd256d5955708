"""Column classification against hand labels (benchmarks/labels.yaml), side by side with
presidio-structured on the same offline presidio engine, plus speed on a generated table.

    python benchmarks/bench_classify.py [--skip-presidio] [--rows 1000000]

Writes the "classify" section of benchmarks/RESULTS.md. Needs /work/shared/datasets (not
shipped) and, for the comparison, `pip install presidio-structured`.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import polars as pl
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402

from sharecheck.classify import classify_columns, default_role  # noqa: E402
from sharecheck.analysis import collect, safe_column_name  # noqa: E402
from sharecheck.profile import profile_frame  # noqa: E402
from sharecheck.readers import read_release  # noqa: E402

ROLES = ("direct_identifier", "quasi_identifier", "sensitive", "pseudonym", "other")
# presidio-structured reads every cell; on these small tables it can do so within minutes
FULL_TABLE_FILES = ("chicago/extra/Debarred_Firms_and_Individuals.csv", "austin/Repeat_Offender_Registrations.csv",
                    "new_orleans/Restaurants_data.csv", "chicago/chicago_crimes_2016jan_sample.csv")
PRESIDIO_STRUCTURED_ROWS = 200  # rows sampled per table for its accuracy run (its documented mode)


def load_frame(path: Path) -> pl.DataFrame:
    return collect(read_release(path))


def label_names(path: Path) -> dict[str, str]:
    """Labels use the file's headers; sharecheck renames a blank or pattern-like header (see collect)."""
    return {name: safe_column_name(name, i) for i, name in enumerate(read_release(path).columns)}


def scores(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, int]]:
    """role -> (precision, recall, support) over (label, predicted) pairs."""
    out = {}
    for role in ROLES:
        true_positive = sum(1 for label, predicted in pairs if label == role and predicted == role)
        predicted = sum(1 for _, guess in pairs if guess == role)
        support = sum(1 for label, _ in pairs if label == role)
        out[role] = (true_positive / predicted if predicted else 0.0, true_positive / support if support else 0.0, support)
    return out


def presidio_structured_roles(frame: pl.DataFrame, rows: int | None) -> dict[str, str]:
    from presidio_structured import PandasAnalysisBuilder

    from sharecheck.pii.engine import analyzer
    from sharecheck.pii.recognizers import presidio_config

    _, entity_types = presidio_config()
    builder = PandasAnalysisBuilder(analyzer=analyzer(None))
    pandas_frame = frame.cast({name: pl.String for name in frame.columns}).fill_null("").to_pandas()
    analysis = builder.generate_analysis(pandas_frame, n=rows)
    roles = {}
    for column in frame.columns:
        entity = analysis.entity_mapping.get(column)
        roles[column] = default_role(entity_types.get(entity, "unknown")) if entity else "other"
    return roles


def generated_table(rows: int, seed: int = 7) -> pl.DataFrame:
    """20 columns of synthetic people data; names drawn from the census lists, nothing real."""
    from sharecheck.pii.names import _census

    rng = random.Random(seed)
    given = list(_census("dist.female.first"))[:2000] + list(_census("dist.male.first"))[:800]
    family = list(_census("dist.all.last"))[:5000]
    pool = 50_000  # distinct people; rows repeat them, as event tables do
    people = [(rng.choice(given).title(), rng.choice(family).title()) for _ in range(pool)]
    index = pl.Series([rng.randrange(pool) for _ in range(min(rows, 200_000))])
    index = pl.concat([index] * (rows // index.len() + 1))[:rows]
    first = pl.Series([first for first, _ in people])[index]
    last = pl.Series([last for _, last in people])[index]
    ids = pl.Series([rng.randrange(10 ** 6) for _ in range(pool)])[index]
    hashed = pl.Series([hashlib.md5(str(value).encode()).hexdigest() for value in range(10 ** 6)])
    frame = pl.DataFrame({
        "record_id": pl.int_range(0, rows, eager=True) * 7 + 100_000,
        "full_name": first + " " + last,
        "email": first.str.to_lowercase() + "." + last.str.to_lowercase() + "@example.org",
        "phone": pl.Series([f"(212) 555-{rng.randrange(10000):04d}" for _ in range(pool)])[index],
        "zip": pl.Series([f"021{rng.randrange(100):02d}" for _ in range(pool)])[index],
        "birth_date": pl.Series([f"{rng.randrange(1940, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}" for _ in range(pool)])[index],
        "sex": pl.Series([rng.choice("MF") for _ in range(pool)])[index],
        "event_time": pl.Series([f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}" for _ in range(5000)])[pl.int_range(0, rows, eager=True) % 5000],
        "latitude": pl.Series([42.3 + rng.random() / 10 for _ in range(pool)])[index].round(6),
        "longitude": pl.Series([-71.1 + rng.random() / 10 for _ in range(pool)])[index].round(6),
        "amount": pl.Series([round(rng.random() * 500, 2) for _ in range(5000)])[pl.int_range(0, rows, eager=True) % 5000],
        "category": pl.Series([rng.choice(["A", "B", "C", "D"]) for _ in range(5000)])[pl.int_range(0, rows, eager=True) % 5000],
        "address": pl.Series([f"{rng.randrange(1, 999)} {rng.choice(family).title()} St" for _ in range(pool)])[index],
        "ssn": pl.Series([f"{rng.randrange(1, 665):03d}-{rng.randrange(1, 99):02d}-{rng.randrange(1, 9999):04d}" for _ in range(pool)])[index],
        "comment": pl.Series(["called back, no answer", "resolved on site", f"contact {people[0][0].lower()}@example.org", "n/a"] * 1250)[pl.int_range(0, rows, eager=True) % 5000],
        "hashed_id": hashed[ids],
        "age": pl.Series([rng.randrange(18, 90) for _ in range(pool)])[index],
        "department": pl.Series([rng.choice(["Parks", "Police", "Fire", "Library"]) for _ in range(5000)])[pl.int_range(0, rows, eager=True) % 5000],
        "plate": pl.Series([f"{rng.randrange(100):02d}{chr(65 + rng.randrange(26))}{rng.randrange(1000):03d}" for _ in range(pool)])[index],
        "score": pl.Series([rng.random() for _ in range(5000)])[pl.int_range(0, rows, eager=True) % 5000],
    })
    return frame


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-presidio", action="store_true")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    labels = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))
    ours: list[tuple[str, str]] = []
    theirs: list[tuple[str, str]] = []
    mistakes = []
    our_seconds = 0.0
    cells = 0
    frames = {}
    for relative, columns in labels.items():
        frame = load_frame(SHARED_DATASETS / relative)
        frames[relative] = frame
        started = time.perf_counter()
        classified = classify_columns(frame, profile_frame(frame))
        our_seconds += time.perf_counter() - started
        cells += frame.height * frame.width
        renamed = label_names(SHARED_DATASETS / relative)
        for column, label in columns.items():
            predicted = classified[renamed.get(column, column)]
            ours.append((label["role"], predicted.role))
            if predicted.role != label["role"]:
                mistakes.append(f"{relative} :: {column}: labelled {label['role']}, got {predicted.role} ({predicted.semantic_type})")
    print(f"sharecheck: {len(ours)} labelled columns, {cells:,} cells in {our_seconds:.1f} s")
    for line in mistakes:
        print("  miss:", line)

    speed_rows = []
    if not args.skip_presidio:
        for relative, columns in labels.items():
            roles = presidio_structured_roles(frames[relative], PRESIDIO_STRUCTURED_ROWS)
            renamed = label_names(SHARED_DATASETS / relative)
            theirs.extend((label["role"], roles[renamed.get(column, column)]) for column, label in columns.items())
        for relative in FULL_TABLE_FILES:
            frame = frames[relative]
            started = time.perf_counter()
            classify_columns(frame, profile_frame(frame))
            mine = time.perf_counter() - started
            started = time.perf_counter()
            presidio_structured_roles(frame, None)
            other = time.perf_counter() - started
            speed_rows.append((relative, frame.height, frame.width, mine, other))
            print(f"speed {relative}: sharecheck {mine:.2f} s, presidio-structured {other:.1f} s ({other / mine:.0f}x)")

    generated = generated_table(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.csv"
        generated.write_csv(path)
        started = time.perf_counter()
        frame = load_frame(path)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        profiles = profile_frame(frame)
        profile_seconds = time.perf_counter() - started
        started = time.perf_counter()
        generated_roles = classify_columns(frame, profiles)
        classify_seconds = time.perf_counter() - started
    print(f"generated {args.rows:,} x {generated.width}: read {read_seconds:.1f} s, profile {profile_seconds:.1f} s, classify {classify_seconds:.1f} s")
    print("  ", {name: (c.role, c.semantic_type) for name, c in generated_roles.items()})

    lines = [f"Machine: {machine_line()}", "",
             f"Hand labels: {len(ours)} columns of {len(labels)} tables (benchmarks/labels.yaml); "
             f"label counts {dict(Counter(label for label, _ in ours))}.", "",
             "| role | sharecheck precision | sharecheck recall | presidio-structured precision | presidio-structured recall | labelled |",
             "|---|---|---|---|---|---|"]
    mine_scores, their_scores = scores(ours), scores(theirs) if theirs else {}
    for role in ROLES:
        precision, recall, support = mine_scores[role]
        other = their_scores.get(role)
        lines.append(f"| {role} | {precision:.2f} | {recall:.2f} | "
                     + (f"{other[0]:.2f} | {other[1]:.2f}" if other else "– | –") + f" | {support} |")
    lines += ["", f"sharecheck classified all {cells:,} cells of the labelled tables in {our_seconds:.1f} s (profiles excluded)."]
    if speed_rows:
        lines += ["", f"presidio-structured accuracy run: {PRESIDIO_STRUCTURED_ROWS} sampled rows per table, most-common entity per column, "
                  "same offline presidio engine (blank spaCy + sharecheck's registry).", "",
                  "Full-table speed (every cell for presidio-structured; sharecheck's own sampling + vectorised counts):", "",
                  "| table | rows × cols | sharecheck s | presidio-structured s | ratio |", "|---|---|---|---|---|"]
        for relative, height, width, mine, other in speed_rows:
            lines.append(f"| {relative} | {height:,} × {width} | {mine:.2f} | {other:.1f} | {other / mine:.0f}× |")
    lines += ["", f"Generated {args.rows:,} rows × {generated.width} columns (CSV): read {read_seconds:.1f} s, "
              f"profile {profile_seconds:.1f} s, classify {classify_seconds:.1f} s "
              f"(total {read_seconds + profile_seconds + classify_seconds:.1f} s)."]
    update_section("classify", "## Column classification (benchmarks/bench_classify.py)\n\n" + "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
