"""How often the header-row judgement (sharecheck/header_row.py) is right on real tables.

    python benchmarks/evaluate_header_row.py [--no-write]

Every labelled corpus table (benchmarks/corpus) is written as CSV twice, with its header and
without, and each version's first line judged; each CSV and TSV file of ../shared/datasets is
judged as it is on disk, and the ones judged headerless are listed, to be read by eye (the
shared folders have no header labels). The first 300 rows of a table are used: the judgement
reads at most 200. Writes the "header-row" section of benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _results import SHARED_DATASETS, machine_line, update_section  # noqa: E402
from corpus.load import load_labels, read_table  # noqa: E402

from sharecheck.header_row import first_row_is_data  # noqa: E402
from sharecheck.readers import SNIFF_BYTES, _sample_rows, detect_encoding, sniff_delimiter  # noqa: E402

TOO_SHORT = 3  # data rows: under this, the judgement keeps the header by design


def _judged(text: str, delimiter: str = ",") -> bool:
    return first_row_is_data(_sample_rows(text, delimiter, skip=0))


def corpus_figures() -> dict:
    headed_as_data, headerless_as_header, tables, short = [], [], 0, 0
    for label in load_labels():
        try:
            frame = read_table(label).head(300)
            with_header, without = frame.write_csv(), frame.write_csv(include_header=False)
        except Exception:  # noqa: BLE001 - a table the loader cannot give is left out, as elsewhere
            continue
        tables += 1
        if _judged(with_header):
            headed_as_data.append(label.id)
        if frame.height <= TOO_SHORT:
            short += 1
        elif not _judged(without):
            headerless_as_header.append(label.id)
    return dict(tables=tables, short=short, headed_as_data=headed_as_data, headerless_as_header=headerless_as_header)


def shared_files() -> tuple[int, list[str]]:
    paths = sorted(p for p in SHARED_DATASETS.rglob("*") if p.suffix.lower() in {".csv", ".tsv"}) if SHARED_DATASETS.is_dir() else []
    headerless = []
    for path in paths:
        head = path.read_bytes()[:SNIFF_BYTES]
        text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
        delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(text)
        if _judged(text, delimiter):
            headerless.append(str(path.relative_to(SHARED_DATASETS)))
    return len(paths), headerless


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    corpus = corpus_figures()
    files, headerless = shared_files()
    judged = corpus["tables"] - corpus["short"]
    lines = [
        "## Header row (`python benchmarks/evaluate_header_row.py`)", "", machine_line(), "",
        f"Corpus tables written with their header: {len(corpus['headed_as_data'])} of {corpus['tables']} "
        f"taken for headerless{': ' + ', '.join(corpus['headed_as_data']) if corpus['headed_as_data'] else ''}.",
        f"Written without it: {judged - len(corpus['headerless_as_header'])} of {judged} with more than "
        f"{TOO_SHORT} rows taken for headerless; missed: {', '.join(corpus['headerless_as_header']) or 'none'}.",
        f"../shared/datasets: {len(headerless)} of {files} CSV/TSV files taken for headerless: "
        f"{', '.join(headerless) or 'none'}.",
        "",
        "The rule was written before it was run on any of these tables; one change since (three or more evenly "
        "spaced integers in the header stay a header, not only consecutive ones: a wide table of every fifth year) "
        "moved none of these figures. "
        "The two ARX hierarchies left (sex, salary class) have two lines each, too few to judge.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        update_section("header-row", "\n".join(lines))


if __name__ == "__main__":
    main()
