"""Turn a file on disk into Releases. Every failure becomes an InputError with one clear line.

The input is only ever opened for reading. Files in an encoding polars cannot scan are
transcoded into a private temporary folder (mode 0700), removed at exit and on SIGTERM/SIGINT,
never rewritten in place. Limits (sharecheck.limits) are checked before a file is parsed.
"""
from __future__ import annotations

import atexit
import codecs
import csv
import io
import itertools
import os
import re
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Iterable

import polars as pl

from .datapackage import looks_like_datapackage, read_datapackage
from .errors import InputError
from .header_row import first_row_is_data, headerless_names, headerless_note
from .limits import check_columns, check_line_lengths
from .redact import exception_message
from .release import Release
from .typing_pass import CURRENCY_SIGN, refine_types

SNIFF_BYTES = 1 << 20
CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
NULL_TOKENS = ["", "NULL", "null", "N/A", "n/a", "NaN", "None"]
_EXTENSIONS = {
    ".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel",
    ".geojson": "geojson",
}
# Errors a reader's library may raise on malformed input; anything else is a bug, reported as such.
_LIBRARY_ERRORS = (pl.exceptions.PolarsError, OSError, ValueError, TypeError, KeyError, IndexError,
                   UnicodeError, RecursionError, OverflowError, AttributeError, ArithmeticError)
_TEMP_DIRS: list[str] = []


def _remove_temp_dirs() -> None:
    while _TEMP_DIRS:
        shutil.rmtree(_TEMP_DIRS.pop(), ignore_errors=True)


atexit.register(_remove_temp_dirs)


def _on_signal(signum, frame) -> None:
    _remove_temp_dirs()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _private_dir() -> Path:
    """A fresh 0700 folder for transcoded copies; SIGTERM and SIGINT remove it like a normal exit."""
    if not _TEMP_DIRS:
        for signum in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
            if signum is None:
                continue
            try:
                if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
                    signal.signal(signum, _on_signal)
            except ValueError:  # not the main thread: atexit still removes the folder
                pass
    directory = tempfile.mkdtemp(prefix="sharecheck-")
    _TEMP_DIRS.append(directory)
    return Path(directory)


def supported_extensions() -> list[str]:
    return sorted(_EXTENSIONS) + ["datapackage.json"]


def read_releases(path: str | os.PathLike, *, sheet: str | None = None, header: bool | None = None) -> list[Release]:
    """Read a file into one Release per table (a data package or a workbook may hold several).
    `header`: whether a CSV's first line (a sheet's first row) is a header; None judges it from the file."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"a release is a path to a file, not {type(path).__name__}")
    if sheet is not None and not isinstance(sheet, str):
        raise InputError(f"sheet must be a sheet name, not {type(sheet).__name__}")
    if header is not None and not isinstance(header, bool):
        raise InputError(f"header must be True, False or None (judged from the file), not {header!r}")
    path = Path(path)
    try:
        return _read(path, sheet, header)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{path}: too large to read in the memory available") from None
    except _LIBRARY_ERRORS as exc:
        raise InputError(f"{path}: cannot be read ({type(exc).__name__}: {exception_message(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - the file is untrusted: whatever it provokes is an input error
        raise InputError(f"{path}: cannot be read ({type(exc).__name__}: {exception_message(exc)})") from exc


def read_with(path: str | os.PathLike, options) -> list[Release]:
    """The releases in a file as the run's options (sharecheck.config.Options) say to read them."""
    return read_releases(path, sheet=options.sheet, header=HEADER_SETTINGS[options.header])


# --header / the config's `header`: what each setting means for read_releases.
HEADER_SETTINGS = {"auto": None, "yes": True, "no": False}


def _read(path: Path, sheet: str | None, header: bool | None = None) -> list[Release]:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        package = path / "datapackage.json"
        if package.is_file():
            return read_datapackage(package)
        raise InputError(f"{path}: is a directory; give a file (or a folder holding datapackage.json)")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    if path.name.endswith("datapackage.json") or path.name in {"datapackage.yaml", "datapackage.yml"}:
        return read_datapackage(path)
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: unknown file type {path.suffix or '(no extension)'!r}; "
            f"sharecheck reads {', '.join(supported_extensions())}"
        )
    if kind == "json" and looks_like_datapackage(path):
        return read_datapackage(path)
    if kind in ("csv", "tsv"):
        return [_read_delimited(path, header)]
    from . import read_formats

    if kind == "excel":
        return read_formats.read_excel(path, sheet=sheet, header=header)
    reader = {"parquet": read_formats.read_parquet, "json": read_formats.read_json,
              "ndjson": read_formats.read_ndjson, "geojson": read_formats.read_geojson}[kind]
    return [reader(path)]


def read_release(path: str | os.PathLike, **options) -> Release:
    releases = read_releases(path, **options)
    if len(releases) != 1:
        raise InputError(f"{path}: holds {len(releases)} tables; name one resource (or --sheet)")
    return releases[0]


# --------------------------------------------------------------------------- delimited text

def _utf_encoding(head: bytes) -> str | None:
    """UTF-16 and UTF-32, with a byte-order mark or by their zero bytes around ASCII text."""
    # UTF-32 LE's mark starts with UTF-16 LE's: test the longer one first.
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return name
    if head.count(0) < len(head[:4096]) // 16:
        return None
    # No mark but many zero bytes: a wide encoding if the head decodes to text with line breaks
    # and no NULs (random binary decodes to scattered characters, seldom to a newline).
    sample = head[:4096 - 4096 % 4]
    for name in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
        if text and "\n" in text and "\x00" not in text and printable >= 0.98 * len(text):
            return name
    return None


def _is_binary(head: bytes) -> bool:
    return b"\x00" in head and _utf_encoding(head) is None


def detect_encoding(head: bytes) -> str:
    """UTF-8 when it decodes; UTF-16/32 by mark or zero bytes; otherwise the guess of
    charset-normalizer, preferring cp1252 for Latin-1."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    wide = _utf_encoding(head)
    if wide:
        return wide
    try:
        # A multi-byte character may be cut at the end of the sample.
        head.decode("utf-8") if len(head) < SNIFF_BYTES else head[:-4].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:200_000]).best()
    guess = (best.encoding if best else "cp1252").lower().replace("_", "-")
    # Western European open data labelled latin-1 is, in practice, cp1252 (€, curly quotes).
    if guess in {"latin-1", "iso-8859-1", "iso8859-1", "latin1", "iso-8859-15", "cp1250", "windows-1250"}:
        return "cp1252"
    try:
        codecs.lookup(guess)
    except LookupError:
        return "cp1252"
    return guess


def sniff_delimiter(text: str, default: str = ",") -> str:
    """The candidate that splits the sample into the most consistent number (> 1) of fields."""
    best, best_score = default, (-1.0, 0)
    for delimiter in CANDIDATE_DELIMITERS:
        try:
            # Parse only the rows looked at: the whole sample costs 25x more for the same answer.
            rows = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 200))
        except csv.Error:
            continue
        if len(rows) > 1 and not text.endswith("\n"):
            rows = rows[:-1]  # the last line of a sample may be cut
        widths = [len(row) for row in rows if row]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (widths.count(mode) / len(widths), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# a currency sign may stand before or after (`12,00 €`): still a number written with a comma
_DECIMAL_COMMA = re.compile(rf"^-?{CURRENCY_SIGN}?\s?-?(\d{{1,3}}(\.\d{{3}})+|\d+),\d+\s?{CURRENCY_SIGN}?$")


def _sample_rows(text: str, delimiter: str, skip: int = 1) -> list[list[str]]:
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), skip, 500))
    except csv.Error:
        return []


def uses_decimal_comma(text: str, delimiter: str, rows: list[list[str]] | None = None) -> bool:
    """`rows`: the sample's rows under the first line, where the caller has parsed them already."""
    # The pattern needs a comma: a sample without one (Adult's 4,500 cells) needs no parse.
    if delimiter == "," or "," not in text:
        return False
    rows = _sample_rows(text, delimiter) if rows is None else rows
    cells = [cell.strip() for row in rows for cell in row if "," in cell]
    return any(_DECIMAL_COMMA.match(cell) for cell in cells)


def _transcode_to_utf8(path: Path, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    target = _private_dir() / "transcoded.csv"
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as handle:
        while chunk := source.read(1 << 22):
            handle.write(decoder.decode(chunk).lstrip("\ufeff") if handle.tell() == 0 else decoder.decode(chunk))
        handle.write(decoder.decode(b"", final=True))
    return str(target)


# Delimited files up to this size are parsed once into memory (a scan materialises them anyway;
# the in-memory limit of release.py is larger, but the typing pass's casts double what it holds).
SINGLE_PARSE_BYTES = 256 * 2**20


def _read_delimited(path: Path, header: bool | None = None) -> Release:
    """`header` None: whether the first line is a header is judged from the file (header_row)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if _is_binary(head[:8192]):
        raise InputError(f"{path}: looks like a binary file, not delimited text (is the extension right?)")
    encoding = detect_encoding(head)
    source = str(path) if encoding == "utf-8" else _transcode_to_utf8(path, encoding)
    # Before any parser sees it: one endless line costs the sniffer and polars gigabytes.
    check_line_lengths(Path(source))
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: the file holds no data, only white space")
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} else sniff_delimiter(text)
    if len(head) < SNIFF_BYTES and _has_unclosed_quote(text, delimiter):
        raise InputError(f"{path}: a quoted field is never closed; check the quoting")
    sample = _sample_rows(text, delimiter, skip=0)  # parsed once for both questions below
    decimal_comma = uses_decimal_comma(text, delimiter, sample[1:])
    if header is None:
        header = not first_row_is_data(sample)
    # Lossy UTF-8: one stray byte deep in a large file must not stop the scan (the sniffed head
    # was valid UTF-8); it becomes U+FFFD in that one cell.
    # glob=False: a file called `data[1].csv` is that file, not a pattern matching nothing.
    lazy = pl.scan_csv(source, separator=delimiter, infer_schema=False, null_values=NULL_TOKENS, encoding="utf8-lossy",
                       glob=False, has_header=header)
    try:
        columns = lazy.collect_schema().names()
        check_columns(path, len(columns))
        if not header:
            lazy = lazy.rename(headerless_names(columns))
        first = lazy.head(1).collect()
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the file is empty") from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{path}: {describe_parse_error(exc)}") from None
    if first.height == 0:
        raise InputError(f"{path}: has a header ({len(columns)} columns) but no data rows")
    if header:
        _check_header(path, columns)
    from .read_formats import check_cell_sizes

    if Path(source).stat().st_size <= SINGLE_PARSE_BYTES:
        # A file the scan holds in memory anyway is parsed once: the cell-size check, the typing
        # pass and the scan then read the parsed frame (three parses of Adult were 80 ms of its
        # start). Whatever the parse raises is raised as before, by the lazy passes below.
        try:
            lazy = lazy.collect().lazy()
        except pl.exceptions.PolarsError:
            pass
    check_cell_sizes(path, lazy)
    frame = refine_types(lazy, decimal_comma=decimal_comma)
    notes = []
    if encoding != "utf-8":
        notes.append(f"read as {encoding}")
    if decimal_comma:
        notes.append("decimal commas")
    if not header:
        notes.append(headerless_note(len(columns), "line"))
    return Release(
        name=path.stem, frame=frame, format="tsv" if delimiter == "\t" else "csv", path=path,
        encoding=encoding, delimiter=delimiter, size_bytes=path.stat().st_size, notes=tuple(notes),
    )


def _check_header(path: Path, header: list[str]) -> None:
    blanks = [index for index, name in enumerate(header) if not str(name).strip()]
    if len(header) == 1 and len(header[0]) > 200:
        raise InputError(f"{path}: found one column with a {len(header[0])}-character name; is this really a table?")
    if blanks and len(blanks) == len(header):
        raise InputError(f"{path}: the header row is empty")


def _has_unclosed_quote(text: str, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def describe_parse_error(exc: BaseException) -> str:
    # polars quotes the offending cell; an error line must not echo a raw value.
    message = exception_message(exc)
    if "more fields than defined" in message:
        return "some rows have more fields than the header (ragged rows); check the delimiter and quoting"
    if "could not parse" in message:
        return f"cannot be parsed as delimited text ({message}); is a quote left open?"
    return f"cannot be read: {message}"


def iter_paths(paths: Iterable[str | os.PathLike]) -> Iterable[Path]:
    for item in paths:
        yield Path(item)
