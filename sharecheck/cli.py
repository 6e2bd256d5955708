"""The command line: parse, call the library, render, exit. Nothing else lives here.

Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage, input or internal error.
Every error, a click usage error or a Rust panic inside polars included, is one line on stderr.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__

EXIT_PASS, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "markdown", "junit", "html", "record", "record-html")
AUDIT_FORMATS = ("text", "csv", "json", "markdown", "html")
SEVERITY_CHOICES = ("info", "warning", "error", "never")


def _pairs(values, option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        if "=" not in value:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        key, _, item = value.partition("=")
        pairs[key.strip()] = item.strip()
    return pairs


def _number(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _common_options(function=None, *, formats=FORMATS):
    if function is None:
        return lambda f: _common_options(f, formats=formats)
    options = [
        click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True,
                     help="Report format; machine formats go to stdout. html: one self-contained page; "
                          "record: the release assessment record (Markdown; record-html: the same as a page)."),
        click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file."),
        click.option("--fail-on", type=click.Choice(SEVERITY_CHOICES), default=None,
                     help="Exit 1 when a finding is at or above this severity (default: error)."),
        click.option("--config", type=click.Path(dir_okay=False), help="TOML config (default: sharecheck.toml, then [tool.sharecheck] in pyproject.toml)."),
        click.option("--policy", help="Release policy from rules/policy.yaml (default: open-data)."),
        click.option("--k", "k_min", type=click.IntRange(1), help="Minimum group size (policy k)."),
        click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE",
                     help="Change one policy threshold, e.g. --threshold t_max=0.3."),
        click.option("--qi", multiple=True, metavar="COLUMN", help="Treat COLUMN as a quasi-identifier (repeatable)."),
        click.option("--sensitive", multiple=True, metavar="COLUMN", help="Treat COLUMN as a sensitive attribute."),
        click.option("--ignore", multiple=True, metavar="COLUMN", help="Leave COLUMN out of every model."),
        click.option("--role", "roles", multiple=True, metavar="COLUMN=ROLE",
                     help="Set any role: direct_identifier, quasi_identifier, sensitive, pseudonym, other."),
        click.option("--entity-id", help="Column naming the person behind each row (trips, requests): models count persons."),
        click.option("--population", "population_size", type=click.IntRange(1), help="Size of the population the release samples."),
        click.option("--sampling-fraction", type=click.FloatRange(0, 1, min_open=True), help="Share of the population in the release."),
        click.option("--population-table", type=click.Path(dir_okay=False), help="The population with the same quasi-identifiers (journalist and marketer risk)."),
        click.option("--hierarchy", "hierarchies", multiple=True, metavar="COLUMN=FILE",
                     help="Generalisation hierarchy (ARX CSV) of a sensitive attribute, for hierarchical t-closeness."),
        click.option("--select", multiple=True, metavar="CODE", help="Run only these rules (codes or prefixes such as KA3)."),
        click.option("--ignore-rule", "ignore_rules", multiple=True, metavar="CODE", help="Skip these rules."),
        click.option("--null-mode", type=click.Choice(["value", "wildcard"]), help="Missing QI values: own value (default) or wildcard."),
        click.option("--max-msu-size", type=click.IntRange(1, 8), help="Largest column set searched for minimal uniques (default 4)."),
        click.option("--no-inference", is_flag=True, help="Skip the attribute-inference model."),
        click.option("--nlp-model", help="An installed spaCy model for names in free text (never downloaded)."),
        click.option("--sheet", help="Excel sheet to read (default: the first with data)."),
        click.option("--about", type=click.Choice(["people", "events", "organisations", "places", "things", "counts"]),
                     help="What a row is about, overriding detection (the report shows the evidence either way)."),
        click.option("--baseline", type=click.Path(dir_okay=False), help="An earlier JSON report: its findings are listed as accepted, not failed."),
        click.option("--show-values", is_flag=True, help="Show raw example values in the report (off by default)."),
        click.option("--limit", "limits", multiple=True, metavar="NAME=N",
                     help="Raise or lower a reading limit: line_bytes, cell_bytes, depth, columns, workbook_bytes."),
        click.option("-v", "--verbose", is_flag=True, help="List every column and log progress."),
        click.option("-q", "--quiet", is_flag=True, help="No progress on stderr."),
        click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _settings(kwargs) -> dict:
    thresholds = {key: _number(value) for key, value in _pairs(kwargs.pop("thresholds"), "--threshold").items()}
    k_min = kwargs.pop("k_min")
    if k_min is not None:
        thresholds["k_min"] = k_min
    return dict(
        fail_on=kwargs.pop("fail_on"), policy=kwargs.pop("policy"), thresholds=thresholds,
        qi=kwargs.pop("qi"), sensitive=kwargs.pop("sensitive"), ignore=kwargs.pop("ignore"),
        roles=_pairs(kwargs.pop("roles"), "--role"), entity_id=kwargs.pop("entity_id"),
        population_size=kwargs.pop("population_size"), sampling_fraction=kwargs.pop("sampling_fraction"),
        population_table=kwargs.pop("population_table"), hierarchies=_pairs(kwargs.pop("hierarchies"), "--hierarchy"),
        select=kwargs.pop("select"), ignore_rules=kwargs.pop("ignore_rules"), null_mode=kwargs.pop("null_mode"),
        max_msu_size=kwargs.pop("max_msu_size"), inference=False if kwargs.pop("no_inference") else None,
        nlp_model=kwargs.pop("nlp_model"), sheet=kwargs.pop("sheet"),
        show_values=True if kwargs.pop("show_values") else None, baseline=kwargs.pop("baseline"),
        about=kwargs.pop("about"),
        limits=_pairs(kwargs.pop("limits"), "--limit"),
    )


def _setup_logging(verbose: bool, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.INFO if verbose or sys.stderr.isatty() else logging.WARNING)
    logging.basicConfig(level=level, format="sharecheck: %(message)s", stream=sys.stderr, force=True)


def _check_output(output: str | None, inputs) -> None:
    """-o must never name an input (a release, a file inside a given folder, the index)."""
    if not output:
        return
    from .errors import UsageError

    target = Path(output).resolve()
    for item in inputs:
        if item is None:
            continue
        source = Path(item).resolve()
        if target == source or source in target.parents:
            raise UsageError(f"-o {output}: would overwrite an input; choose another file")
        try:
            if target.exists() and os.path.samefile(target, source):
                raise UsageError(f"-o {output}: would overwrite an input; choose another file")
        except OSError:
            pass


def _emit(report, fmt: str, output: str | None, verbose: bool, config: str | None = None) -> int:
    from .config import config_source
    from .render import render

    to_terminal = output is None and sys.stdout.isatty()
    width = min(max(os.get_terminal_size().columns if to_terminal else 80, 60), 120) if to_terminal else 80
    text = render(report, fmt, color=to_terminal and fmt == "text" and "NO_COLOR" not in os.environ,
                  width=width, verbose=verbose, config_file=config_source(config))
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_FINDINGS if report.verdict == "fail" else EXIT_PASS


def _run(action, debug: bool, config: str | None = None, limits=None) -> int:
    from ._stderr import native_stderr_filtered
    from .errors import SharecheckError
    from .redact import exception_message

    try:
        with native_stderr_filtered(enabled=not debug):
            if limits is None:
                return action()
            from .config import resolve_options
            from .limits import reading_limits

            with reading_limits(resolve_options(config, limits=limits).reading_limits()):
                return action()
    except SharecheckError as exc:
        click.echo(f"sharecheck: error: {_one_line(str(exc))}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("sharecheck: interrupted", err=True)
        return EXIT_ERROR
    except MemoryError:
        click.echo("sharecheck: error: out of memory; try a smaller file or fewer columns", err=True)
        return EXIT_ERROR
    except SystemExit:
        raise
    except BaseException as exc:  # a bug, or a Rust panic (a BaseException), ends in one line and exit 2
        if debug:
            raise
        # Library messages quote the cell that failed: masked, like every value in a report.
        click.echo(f"sharecheck: internal error: {type(exc).__name__}: {exception_message(exc)} "
                   "(rerun with --debug for the traceback)", err=True)
        return EXIT_ERROR


def _one_line(text: str) -> str:
    # Our messages are one line; a path or column name holding a newline or ESC must not break it.
    return "".join(ch if ch.isprintable() else "?" for ch in " ".join(text.split("\n")))[:2000]


class _OneLineGroup(click.Group):
    """Usage errors in one line ('sharecheck: error: ...'), exit 2, instead of click's four."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            value = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "sharecheck"
            click.echo(f"sharecheck: error: {_one_line(exc.format_message())} (see {command} --help)", err=True)
            sys.exit(EXIT_ERROR)
        except click.exceptions.Abort:
            click.echo("sharecheck: interrupted", err=True)
            sys.exit(EXIT_ERROR)
        except click.exceptions.ClickException as exc:
            click.echo(f"sharecheck: error: {_one_line(exc.format_message())}", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(value if isinstance(value, int) else 0)


@click.group(cls=_OneLineGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sharecheck")
def cli() -> None:
    """Can a person be identified from this release, alone or joined with what is already out there?"""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_common_options
@click.option("--engine", type=click.Choice(["polars", "duckdb", "spark"]), default="polars", show_default=True,
              help="Where the records are counted: polars (streaming), DuckDB (larger than memory) or Spark "
                   "(the session getOrCreate finds; PATHS may be table names).")
@click.option("--memory-limit", metavar="SIZE", help="DuckDB memory limit, e.g. 4GB; beyond it DuckDB spills to --temp-dir.")
@click.option("--temp-dir", type=click.Path(file_okay=False), help="Where DuckDB spills when over --memory-limit.")
def scan(paths, fmt, output, verbose, quiet, debug, engine, memory_limit, temp_dir, **kwargs) -> None:
    """Scan releases (CSV, TSV, Parquet, JSON, NDJSON, Excel, GeoJSON, datapackage.json)."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)

    def action() -> int:
        from .config import resolve_options
        from .errors import UsageError
        from .pipeline import scan_paths

        _check_output(output, paths)
        from .progress import activity

        options = resolve_options(kwargs.get("config"), **settings)
        with activity("scanning", quiet=quiet, verbose=verbose):
            if engine == "polars":
                if memory_limit or temp_dir:
                    raise UsageError("--memory-limit and --temp-dir apply to --engine duckdb")
                report = scan_paths(paths, options)
            else:
                from .engines.models import scan_on_engine

                report = scan_on_engine(paths, options, engine, memory_limit=memory_limit, temp_dir=temp_dir)
        return _emit(report, fmt, output, verbose, kwargs.get("config"))

    sys.exit(_run(action, debug, kwargs.get("config"), settings["limits"]))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--on", "on", multiple=True, metavar="A_COL=B_COL", help="Force a join column pair (two releases only).")
@click.option("--window-minutes", type=click.FloatRange(0, min_open=True), help="Timestamps this close link (default 5).")
@click.option("--distance-m", type=click.FloatRange(0, min_open=True), help="Points this close link (default 100 m).")
@click.option("--max-k", type=click.IntRange(1), help="'Linked to at most k' counts up to this k (default: policy k - 1).")
@click.option("--overlap", type=click.FloatRange(0, 1, min_open=True),
              help="Share of the smaller release's people assumed to be in the larger one (default 1).")
@_common_options
def join(paths, on, window_minutes, distance_m, max_k, overlap, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Check whether releases joined together identify people (each pair, and the chain)."""
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    settings.update(window_minutes=window_minutes, distance_m=distance_m, max_k=max_k, overlap=overlap)
    config = kwargs.get("config")

    def action() -> int:
        from .errors import UsageError
        from .join import check_join

        if len(paths) < 2:
            raise UsageError("join needs at least two releases")
        pairs = tuple(_pairs(on, "--on").items())
        if pairs and len(paths) != 2:
            raise UsageError("--on applies to exactly two releases")
        _check_output(output, paths)
        from .progress import activity

        with activity("joining", quiet=quiet, verbose=verbose):
            report = check_join(*paths, on=pairs, config=config, **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose, config)

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.group()
def catalogue() -> None:
    """Index a portal's releases and check a new release against all of them."""


_INDEX_OPTION = click.option("--index", "index_path", type=click.Path(dir_okay=False), default="sharecheck-catalogue.sqlite",
                             show_default=True, help="The catalogue index (an SQLite file).")


@catalogue.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_INDEX_OPTION
@click.option("-v", "--verbose", is_flag=True, help="Progress, and the libraries' own log lines.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--debug", is_flag=True, hidden=True)
def catalogue_index(paths, index_path, verbose, quiet, debug) -> None:
    """Add releases (files or folders) to the index; unchanged files are skipped, vanished ones pruned."""
    _setup_logging(verbose, quiet)
    _quiet_libraries(verbose)

    def action() -> int:
        from .catalogue import Catalogue
        from .progress import activity

        with Catalogue(index_path) as index, activity("indexing", quiet=quiet):
            added = index.add(paths)
            total = len(index.releases())
        skipped = f"; {len(index.skipped)} files skipped (unreadable)" if index.skipped else ""
        pruned = f"; {index.pruned} pruned (gone)" if index.pruned else ""
        click.echo(f"{len(added)} releases indexed or refreshed; {total} in {index_path}{skipped}{pruned}")
        return EXIT_PASS

    sys.exit(_run(action, debug))


@catalogue.command("remove")
@click.argument("targets", nargs=-1, required=True)
@_INDEX_OPTION
def catalogue_remove(targets, index_path) -> None:
    """Drop releases from the index, by path (file or package folder) or by name."""

    def action() -> int:
        from .catalogue import Catalogue, _existing

        with Catalogue(_existing(index_path), create=False) as index:
            removed = sum(index.remove(target) for target in targets)
        click.echo(f"{removed} releases removed from {index_path}")
        return EXIT_PASS if removed else EXIT_ERROR

    sys.exit(_run(action, False))


def _quiet_libraries(verbose: bool) -> None:
    """presidio, spaCy and friends log hundreds of lines at INFO/WARNING; only -v shows them."""
    if not verbose:
        for name in ("presidio-analyzer", "presidio_analyzer", "presidio", "spacy", "stanza", "transformers", "datasketch"):
            logging.getLogger(name).setLevel(logging.ERROR)


@catalogue.command("list")
@_INDEX_OPTION
def catalogue_list(index_path) -> None:
    """List the indexed releases."""

    def action() -> int:
        from .catalogue import Catalogue, _existing

        with Catalogue(_existing(index_path), create=False) as index:
            for release in index.releases():
                about = "people" if release.about_people else "things"
                click.echo(f"{release.name:40} {release.records:>10,} records  {release.kind:9} about {about}  {release.path}")
        return EXIT_PASS

    sys.exit(_run(action, False))


@catalogue.command("check")
@click.argument("path", type=click.Path())
@_INDEX_OPTION
@click.option("--max-partners", type=click.IntRange(1), default=10, show_default=True,
              help="Run the full join check on this many best-matching indexed releases.")
@_common_options
def catalogue_check(path, index_path, max_partners, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Check a new release against every indexed release it could be joined with."""
    _setup_logging(verbose, quiet)
    _quiet_libraries(verbose)
    settings = _settings(kwargs)
    config = kwargs.get("config")

    def action() -> int:
        from .catalogue import check_against_catalogue
        from .progress import activity

        _check_output(output, (path, index_path))
        with activity("checking", quiet=quiet, verbose=verbose):
            report = check_against_catalogue(path, index_path, max_partners=max_partners, config=config,
                                             **{k: v for k, v in settings.items() if v not in (None, (), {})})
        return _emit(report, fmt, output, verbose, config)

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out-dir", type=click.Path(file_okay=False), help="Also write each release's own report into this folder.")
@click.option("--release-format", type=click.Choice(FORMATS), default="json", show_default=True,
              help="Format of the per-release reports in --out-dir.")
@click.option("-j", "--jobs", type=click.IntRange(1), help="Workers (default: one per core).")
@click.option("--pool", "pool_kind", type=click.Choice(["process", "thread"]), default="process", show_default=True,
              help="Workers as processes (isolated, one import each) or threads in this process.")
@click.option("--max-partners", type=click.IntRange(0), default=3, show_default=True,
              help="Join-check each release with this many best-matching other releases (0: no pair checks).")
@_common_options(formats=AUDIT_FORMATS)
def audit(paths, out_dir, release_format, jobs, pool_kind, max_partners, fmt, output, verbose, quiet, debug, **kwargs) -> None:
    """Audit every release under folders (portal exports, data packages): each scanned, every pair that links checked.

    Exit 1 when a release or pair has findings at or above --fail-on; 2 when none do but a file
    could not be read (the audit is incomplete), or on a usage error.
    """
    _setup_logging(verbose, quiet)
    settings = _settings(kwargs)
    config = kwargs.get("config")

    def action() -> int:
        _check_output(output, paths)
        from .audit import audit as run_audit
        from .audit.summary import render_audit, write_release_reports
        from .progress import stages

        with stages(quiet=quiet, verbose=verbose) as stage:
            report = run_audit(paths, config=config, workers=jobs, max_partners=max_partners, pool=pool_kind, progress=stage,
                               **{k: v for k, v in settings.items() if v not in (None, (), {})})
        for outcome in report.unreadable:
            click.echo(f"sharecheck: skipped {outcome.error}", err=True)
        if out_dir:
            write_release_reports(report, out_dir, release_format)
        text = render_audit(report, fmt)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
        if report.verdict == "fail":
            return EXIT_FINDINGS
        return EXIT_ERROR if report.unreadable else EXIT_PASS

    sys.exit(_run(action, debug, config, settings["limits"]))


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt) -> None:
    """List the rules, or explain one (sharecheck rules KA301)."""

    def action() -> int:
        from .rule_docs import explain_rule, list_rules

        click.echo(explain_rule(code, "json" if fmt == "json" else "text") if code else list_rules(fmt), nl=False)
        return EXIT_PASS

    sys.exit(_run(action, False))


def _tune_process() -> None:
    """Settings for a process that sharecheck's command line owns (not for a library caller's).

    - numpy's OpenBLAS starts one worker thread per core at import, and each spins for about
      0.1 s of CPU waiting for work (its THREAD_TIMEOUT) before it sleeps: sharecheck never gives
      it any (its one dense product is columns x features of the role model), so one thread.
      Only the thread count changes, never a result; a user's setting wins.
    - A scan's start-up creates ~100,000 long-lived objects (modules, classes, rule tables), and
      with the default threshold of 700 the collector traverses them ~130 times (~60 ms of a
      fresh Adult scan); a larger first generation lets it run a few times instead.
    """
    import gc

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    first, second, third = gc.get_threshold()
    if 0 < first < GC_FIRST_GENERATION:
        gc.set_threshold(GC_FIRST_GENERATION, second, third)


GC_FIRST_GENERATION = 20_000


def main() -> None:
    _tune_process()
    cli(prog_name="sharecheck")


if __name__ == "__main__":
    main()
